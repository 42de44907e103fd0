"""Who does which work: the pools of people and the delivery lanes they feed.

In **silos** developers work in per-team pools, testers in one QA pool and operations
engineers in one ops pool; work crosses between them through ticket queues (a pick-up
delay plus the receiving pool's queue) and each hand-off loses context.  There is one
release lane for the whole organisation, and ops are on call.

In a **cross-functional** organisation each team pools its developers, testers and ops
engineers; testing, deployment and on-call are done by the team that built the change,
there are no hand-off queues, and each team has its own release lane.
"""

from __future__ import annotations

import simpy

from ..scenario import OrgConfig
from .pool import Pool


def split(total: int, parts: int) -> list[int]:
    """``total`` people spread as evenly as possible over ``parts`` teams."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class Organisation:
    """The pools of one simulated organisation and which pool does what."""

    def __init__(self, env: simpy.Environment, org: OrgConfig) -> None:
        self.structure = org.structure
        self.silos = org.structure == "silos"
        self.teams = org.teams
        self.headcount = {"developers": org.developers, "testers": org.testers, "ops": org.ops}
        suffix = [("" if org.teams == 1 else f".t{i}") for i in range(org.teams)]
        if self.silos:
            self.dev = [Pool(env, "dev" + s, n) for s, n in zip(suffix, self._devs(), strict=True)]
            self.qa = Pool(env, "qa", org.testers)
            self.ops = Pool(env, "ops", org.ops)
            self.pools = [*self.dev, self.qa, self.ops]
        else:
            self.dev = [
                Pool(env, "team" + s, n) for s, n in zip(suffix, self._team_sizes(), strict=True)
            ]
            self.pools = list(self.dev)
        self.lanes = org.teams if not self.silos else 1

    def _devs(self) -> list[int]:
        return split(self.headcount["developers"], self.teams)

    def _team_sizes(self) -> list[int]:
        parts = [split(n, self.teams) for n in self.headcount.values()]
        return [sum(p[i] for p in parts) for i in range(self.teams)]

    def dev_pool(self, team: int) -> Pool:
        """Who develops a change of ``team``."""
        return self.dev[team]

    def test_pool(self, team: int) -> Pool:
        """Who tests a change of ``team`` by hand."""
        return self.qa if self.silos else self.dev[team]

    def ops_pool(self, team: int) -> Pool:
        """Who deploys by hand and runs on-call for ``team``'s lane."""
        return self.ops if self.silos else self.dev[team]

    def lane_of(self, team: int) -> int:
        """The release lane a change of ``team`` ships through."""
        return 0 if self.silos else team

    def oncall_people(self) -> int:
        """People on the on-call rota: ops in silos, everyone in cross-functional teams."""
        if self.silos:
            return self.headcount["ops"]
        return sum(self.headcount.values())

    def resize(self, role: str, size: int) -> None:
        """Change the headcount of ``role`` (developers, testers or ops)."""
        self.headcount[role] = size
        if self.silos:
            if role == "developers":
                for pool, n in zip(self.dev, self._devs(), strict=True):
                    pool.resize(n)
            else:
                (self.qa if role == "testers" else self.ops).resize(size)
        else:
            for pool, n in zip(self.dev, self._team_sizes(), strict=True):
                pool.resize(n)

    def people_hours(self, snapshots: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        """Sum per-pool snapshots by role (``dev``, ``qa``, ``ops``, ``team``)."""
        roles: dict[str, dict[str, float]] = {}
        for name, hours in snapshots.items():
            role = roles.setdefault(name.split(".")[0], {})
            for key, value in hours.items():
                role[key] = role.get(key, 0.0) + value
        return roles
