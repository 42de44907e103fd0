"""Who does which work: the pools of people and how work is routed to them.

In **silos** developers work in per-team pools, testers in one QA pool and operations
engineers in one ops pool; work crosses between them through ticket queues (a pick-up
delay plus the receiving pool's queue) and each hand-off loses context.  Ops deploy by
hand and are on call.

In a **cross-functional** organisation each team pools its developers, testers and ops
engineers; testing, deployment and on-call are done by the team that built the change and
there are no hand-off queues.

Structure and release lanes are separate choices: whether each team releases its own
service (``practices.loosely_coupled``) is the lanes' business (:mod:`sim.model.release`),
not the organisation's.  A batch released through a lane shared by several
cross-functional teams is regression-tested and deployed by the teams in turn.

A **reorganisation** mid-run builds the new pools, moves the work in progress (with its
person) and every waiting request to the pool that now does that work (keeping its place
in line), and retires the old pools with their accounts.  People hired mid-run join as
novices who ramp up (:meth:`sim.model.pool.Pool.hire`).
"""

from __future__ import annotations

import simpy

from ..scenario import OrgConfig
from ..units import HOURS_PER_DAY
from .pool import Pool, Request

ROLES = ("developers", "testers", "ops")
"""Headcount roles a command can resize."""


def split(total: int, parts: int) -> list[int]:
    """``total`` people spread as evenly as possible over ``parts`` teams."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class Organisation:
    """The pools of one simulated organisation and which pool does what."""

    def __init__(self, env: simpy.Environment, org: OrgConfig) -> None:
        self.env = env
        self.teams = org.teams
        self.headcount = {"developers": org.developers, "testers": org.testers, "ops": org.ops}
        self.ramp_hours = org.ramp_up_days * HOURS_PER_DAY
        """Hours until a person hired mid-run is fully productive."""
        self.pools: list[Pool] = []
        """Every pool this organisation ever had (retired ones keep their accounts)."""
        self._build(org.structure)

    # --- structure ---------------------------------------------------------------------
    def _build(self, structure: str) -> None:
        env = self.env
        self.structure = structure
        self.silos = structure == "silos"
        suffix = [("" if self.teams == 1 else f".t{i}") for i in range(self.teams)]
        if self.silos:
            self.dev = [Pool(env, "dev" + s, n) for s, n in zip(suffix, self._devs(), strict=True)]
            self.qa = Pool(env, "qa", self.headcount["testers"])
            self.ops = Pool(env, "ops", self.headcount["ops"])
            self.pools += [*self.dev, self.qa, self.ops]
        else:
            self.dev = [
                Pool(env, "team" + s, n) for s, n in zip(suffix, self._team_sizes(), strict=True)
            ]
            self.pools += self.dev

    def current_pools(self) -> list[Pool]:
        """The pools that do work now (not retired by a reorganisation)."""
        return [*self.dev, self.qa, self.ops] if self.silos else list(self.dev)

    def reorganise(self, structure: str) -> None:
        """Move to ``structure``: new pools take the people and every waiting request."""
        if structure == self.structure:
            return
        old = self.current_pools()
        self._build(structure)
        working: list[Request] = []
        waiting: list[Request] = []
        for pool in old:
            working += pool.take_holders()
            waiting += pool.take_queue()
            pool.resize(0)  # retired: its accounts stay, nobody works there any more
        target = {"dev": self.dev_pool, "test": self.test_pool, "ops": self.ops_pool}
        for req in working:
            target[req.role](req.team if 0 <= req.team < self.teams else 0).adopt_holder(req)
        for req in waiting:
            target[req.role](req.team if 0 <= req.team < self.teams else 0).adopt(req)

    def _devs(self) -> list[int]:
        return split(self.headcount["developers"], self.teams)

    def _team_sizes(self) -> list[int]:
        parts = [split(n, self.teams) for n in self.headcount.values()]
        return [sum(p[i] for p in parts) for i in range(self.teams)]

    # --- routing -----------------------------------------------------------------------
    def dev_pool(self, team: int) -> Pool:
        """Who develops a change of ``team``."""
        return self.dev[team]

    def test_pool(self, team: int) -> Pool:
        """Who tests a change of ``team`` by hand."""
        return self.qa if self.silos else self.dev[team]

    def ops_pool(self, team: int) -> Pool:
        """Who deploys ``team``'s work by hand and answers its pages."""
        return self.ops if self.silos else self.dev[team]

    def oncall_people(self) -> int:
        """People on the on-call rota: ops in silos, everyone in cross-functional teams."""
        if self.silos:
            return self.headcount["ops"]
        return sum(self.headcount.values())

    # --- headcount ---------------------------------------------------------------------
    def resize(self, role: str, size: int) -> None:
        """Change the headcount of ``role``; new people join as novices who ramp up."""
        self.headcount[role] = size
        if self.silos:
            if role == "developers":
                targets = list(zip(self.dev, self._devs(), strict=True))
            else:
                targets = [(self.qa if role == "testers" else self.ops, size)]
        else:
            targets = list(zip(self.dev, self._team_sizes(), strict=True))
        for pool, n in targets:
            if n > pool.capacity:
                pool.hire(n - pool.capacity, self.ramp_hours)
            elif n < pool.capacity:
                pool.shed(pool.capacity - n)

    def people_hours(self, snapshots: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        """Sum per-pool snapshots by role (``dev``, ``qa``, ``ops``, ``team``)."""
        roles: dict[str, dict[str, float]] = {}
        for name, hours in snapshots.items():
            role = roles.setdefault(name.split(".")[0], {})
            for key, value in hours.items():
                role[key] = role.get(key, 0.0) + value
        return roles
