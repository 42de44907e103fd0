"""The command palette's game actions: every key's action, every practice by name, hiring
and reorganising."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sim.game import describe_structure
from sim.model.commands import STRUCTURES, InjectIncident, Reorganise, ResizePool, SetPractice
from sim.practices import CATALOGUE

from .display import practice_label, value_text


class GameCommands(Provider):
    """Actions on the current game (found from the board, whatever screen is on top)."""

    def _board(self) -> Any:
        return getattr(self.app, "board", None)

    def commands(self) -> Iterator[tuple[str, Callable[[], Any], str]]:
        """(title, callback, help) for every game action available now."""
        app: Any = self.app
        board = self._board()
        yield "New game: choose a scenario", app.action_new_game, "Pick a scenario to play"
        yield "Help: keys and how to read the board", app.action_help, "?"
        if board is None:
            return
        game = board.game
        yield "Run / pause", board.action_toggle_run, "space"
        yield "Faster", board.action_faster, "+"
        yield "Slower", board.action_slower, "-"
        yield "Fast-forward a week", board.action_fast_forward_week, "w"
        yield "Fast-forward to the end of the round", board.action_fast_forward_round, "f"
        yield "Practices panel", board.action_practices, "p"
        yield "Save game", board.action_save, "s"
        yield "Ghost detail on/off", board.action_toggle_ghost, "g"
        yield "Last round summary", board.action_last_report, "r"
        yield "Where the time goes (value stream)", board.action_value_stream, "t"
        for severity in (1, 2, 3, 4):
            yield (
                f"Inject incident: severity {severity}",
                partial(board.apply_command, InjectIncident(severity)),
                "Facilitator: an incident with no change behind it",
            )
        current = game.practices()
        for practice in CATALOGUE:
            for value in practice.values:
                if value == current.get(practice.name):
                    continue
                command = SetPractice(practice.name, value)
                cost = game.cost_of(command)
                yield (
                    f"Set {practice_label(practice.name).lower()} to {value_text(value)}",
                    partial(board.apply_command, command),
                    f"{practice.description} Costs {cost:g} person-days.",
                )
        for role, size in game.headcount().items():
            for step, word in ((1, "Add one to"), (-1, "Remove one from")):
                if size + step < 1:
                    continue
                command = ResizePool(role, size + step)
                yield (
                    f"{word} {role} ({size} → {size + step})",
                    partial(board.apply_command, command),
                    f"Costs {game.cost_of(command):g} person-days.",
                )
        for structure in STRUCTURES:
            if structure == game.structure():
                continue
            command = Reorganise(structure)
            yield (
                f"Reorganise into {describe_structure(structure)}",
                partial(board.apply_command, command),
                f"Costs {game.cost_of(command):g} person-days (everyone's time) and a "
                "learning period.",
            )
        yield "Quit", app.action_quit, "ctrl+q"

    async def discover(self) -> Hits:
        for title, callback, text in self.commands():
            yield DiscoveryHit(title, callback, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, text in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=text)
