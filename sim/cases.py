"""The cases ``shipit run`` and ``compare`` simulate: a scenario or a saved game, with overrides.

A case is a validated :class:`~sim.scenario.Scenario` plus the timestamped commands of a
played game (none for a plain scenario).  The command line's ``--set``, ``--seed`` and
``--days`` become overrides validated exactly like the file, with errors naming the option
the user typed; ``compare``'s ``--vary`` adds variants.  Everything here runs before the
first simulation, so bad input costs no simulated time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.clibase import CLIError
from sim.errors import ScenarioError
from sim.loading import apply_overrides, load_scenario
from sim.model import Command
from sim.overrides import parse_override
from sim.savegame import load_case
from sim.scenario import Scenario

Moves = list[tuple[float, Command]]
"""A played game's timestamped commands (simulated hours, command)."""


def load_run_case(
    ref: str, sets: Sequence[str] = (), seed: str | None = None, days: str | None = None
) -> tuple[Scenario, Moves]:
    """A scenario or a saved game (``.json``) with overrides, and the game's moves.

    A saved game from ``shipit play`` brings its scenario, seed and timestamped commands,
    so a played game runs like any scenario: over replications, against other variants.
    """
    scenario, commands = load_case(ref)  # its horizon already covers the game's moves
    return with_run_overrides(scenario, sets, seed, days), commands


def load_run_scenario(
    ref: str, sets: Sequence[str] = (), seed: str | None = None, days: str | None = None
) -> Scenario:
    """Load a scenario and apply ``--set`` overrides, then ``--seed`` and ``--days``.

    ``--seed`` and ``--days`` are passed as the overrides ``run.seed=`` and ``run.days=``
    so they are validated (type, range, days > warm-up) exactly like the file.  They come
    last, so they win over a ``--set`` of the same key, and all overrides are validated
    together, so ``--days 400 --set run.warmup_days=380`` works on a 365-day scenario.
    Errors name the option the user actually typed.
    """
    return with_run_overrides(load_scenario(ref), sets, seed, days)


def with_run_overrides(
    scenario: Scenario, sets: Sequence[str], seed: str | None, days: str | None
) -> Scenario:
    """``--set`` overrides, then ``--seed`` and ``--days``, with errors naming the option."""
    extras = seed_days_overrides(seed, days)
    if not sets and not extras:
        return scenario
    source = "--set" if sets else ("--days" if days is not None else "--seed")
    try:
        return apply_overrides(scenario, [*sets, *extras], source)
    except ScenarioError as exc:
        option = {"run.seed": "--seed" if seed is not None else None,
                  "run.days": "--days" if days is not None else None}.get(exc.key)  # fmt: skip
        if exc.source != source:
            raise
        if option is not None:
            raise ScenarioError(option, exc.key, exc.problem) from None
        if exc.key == "run.warmup_days" and days is not None:
            # A short --days on a scenario with a long warm-up: say how to fix it.
            hint = "; shorten the warm-up too, e.g. --set run.warmup_days=N"
            raise ScenarioError(exc.source, exc.key, exc.problem + hint) from None
        raise


def seed_days_overrides(seed: str | None, days: str | None) -> list[str]:
    """``--seed`` and ``--days`` as the overrides they become (``run.seed=…``, ``run.days=…``)."""
    extras = [f"run.seed={seed}"] if seed is not None else []
    return extras + ([f"run.days={days}"] if days is not None else [])


def variant_label(ref: str, taken: Sequence[str]) -> str:
    """A unique column label: the reference as typed, numbered if it is repeated."""
    if ref not in taken:
        return ref
    number = 2
    while f"{ref} ({number})" in taken:
        number += 1
    return f"{ref} ({number})"


def build_variants(
    refs: Sequence[str],
    sets: Sequence[str] = (),
    varies: Sequence[str] = (),
    seed: str | None = None,
    days: str | None = None,
) -> tuple[list[tuple[str, Scenario]], dict[str, list[str]], dict[str, Moves]]:
    """The variants of ``shipit compare`` and the overrides that made each, by label.

    Each scenario reference is a variant; ``--set``, ``--seed`` and ``--days`` apply to all
    of them.  Each ``--vary section.key=value`` is one more variant: the first scenario
    with that override on top (so it wins over ``--set``, ``--seed`` and ``--days``).
    ``run.seed`` cannot be varied: the comparison rests on one seed for every variant.
    Returns the labelled variants, each label's overrides (for the record) and the moves
    of the variants that are saved games.
    """
    if len(refs) + len(varies) < 2:
        raise CLIError(
            "nothing to compare: give two or more scenarios, or one scenario and "
            "--vary section.key=value"
        )
    shared = [*sets, *seed_days_overrides(seed, days)]
    commands: dict[str, Moves] = {}
    variants: list[tuple[str, Scenario]] = []
    overrides: dict[str, list[str]] = {}
    for ref in refs:
        label = variant_label(ref, [label for label, _ in variants])
        scenario, moves = load_run_case(ref, sets, seed, days)
        variants.append((label, scenario))
        overrides[label] = list(shared)
        if moves:
            commands[label] = moves
    first_label, first = variants[0]
    for text in varies:
        key, _ = parse_override(text, "--vary")
        if key == "run.seed":
            raise ScenarioError(
                "--vary",
                key,
                "every variant runs on the same seed (common random numbers); "
                "use --seed to choose it for all",
            )
        value = text.partition("=")[2].strip()
        label = variant_label(f"{key}={value}", [label for label, _ in variants])
        variants.append((label, apply_overrides(first, [text], "--vary")))
        overrides[label] = [*shared, f"{key}={value}"]
        if first_label in commands:
            commands[label] = commands[first_label]
    return variants, overrides, commands


__all__ = [
    "Moves",
    "build_variants",
    "load_run_case",
    "load_run_scenario",
    "seed_days_overrides",
    "variant_label",
    "with_run_overrides",
]
