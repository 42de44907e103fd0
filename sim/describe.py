"""Commands in words: one wording for the feed, round summaries, the debrief and the CLI.

The game, the workshop and the TUI all describe a move or a card's effect through these,
so a traffic spike reads the same on every screen.
"""

from __future__ import annotations

from .model.commands import (
    Command,
    InjectIncident,
    ReleaseFreeze,
    Reorganise,
    ResizePool,
    SetPractice,
    TrafficSpike,
)


def describe_command(command: Command) -> str:
    """A command in words, for round summaries and the feed."""
    if isinstance(command, SetPractice):
        name = command.practice.replace("_", " ")
        value = command.value
        if isinstance(value, bool):
            return f"{name} {'on' if value else 'off'}"
        return f"{name}: {str(value).replace('_', ' ')}"
    if isinstance(command, ResizePool):
        return f"resize {command.role} to {command.size}"
    if isinstance(command, Reorganise):
        return f"reorganise into {describe_structure(command.structure)}"
    if isinstance(command, InjectIncident):
        return f"injected a severity-{command.severity} incident"
    if isinstance(command, TrafficSpike):
        return f"traffic spike: {command.factor:g}× normal load for {command.days:g} days"
    if isinstance(command, ReleaseFreeze):
        return f"release freeze for {command.days:g} days (hotfixes only)"
    return str(command)


def describe_structure(structure: str) -> str:
    """A structure in words: ``cross-functional teams`` or ``silos``."""
    return "cross-functional teams" if structure == "cross_functional" else structure
