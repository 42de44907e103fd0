"""Snapshots of the game's main screens (review changes with ``--snapshot-update``).

Synchronous tests (``snap_compare`` runs its own event loop).  Each app has a fixed seed,
stays paused, and is advanced by calling the game directly, so the pictures hold no
clock, no timing and no randomness.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.model.commands import SetPractice
from tui.app import ShipItApp

pytestmark = pytest.mark.timeout(120)

SEED = 7


def _app(**options: Any) -> ShipItApp:
    return ShipItApp(seed=SEED, **options)


async def _played(pilot: Any, days: float = 60.0) -> None:
    """Some decisions early on, then ``days`` simulated days: the ghost has drifted away."""
    board = pilot.app.board
    board.apply_command(SetPractice("deployment", "automated"))
    board.apply_command(SetPractice("release", "on_demand"))
    board.game.advance(24.0 * 20)
    board.apply_command(SetPractice("monitoring", "observability"))
    board.game.advance(24.0 * (days - 20))
    board.refresh_all()
    await pilot.pause()


async def _summary(pilot: Any) -> None:
    await _played(pilot, 30.0)
    board = pilot.app.board
    report = None
    while report is None:
        report = board.game.advance(24.0 * 7)
    board.round_closed(report)
    await pilot.pause()


async def _panel(pilot: Any) -> None:
    await _played(pilot, 30.0)
    await pilot.press("p", "down", "down")
    await pilot.pause()


async def _value_stream(pilot: Any) -> None:
    """Round 1 on the release train, on-demand releases from round 2 on, 45 days into
    round 3: the screen shows this round so far."""
    board = pilot.app.board
    game = board.game
    while game.advance(24.0 * 7) is None:
        pass
    board.apply_command(SetPractice("release", "on_demand"))
    while game.advance(24.0 * 7) is None:
        pass
    game.advance(24.0 * 45)
    board.refresh_all()
    await pilot.press("t")
    await pilot.pause()


def test_board_80x24(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_played)


def test_board_160x48(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(160, 48), run_before=_played)


def test_practice_panel(snap_compare: Any) -> None:
    assert snap_compare(_app(budget=150.0), terminal_size=(110, 34), run_before=_panel)


def test_round_summary(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(110, 44), run_before=_summary)


def test_help(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(110, 48), press=["question_mark"])


def test_chooser(snap_compare: Any) -> None:
    assert snap_compare(_app(choose=True), terminal_size=(100, 30))


def test_value_stream_screen(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(100, 30), run_before=_value_stream)


def test_board_100x30(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(100, 30), run_before=_played)


def test_board_120x40(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(120, 40), run_before=_played)


async def _played_then_narrowed(pilot: Any) -> None:
    """Played on a projector-size terminal, then the window made small: every panel keeps
    its rows and the feed wraps again at its new width."""
    await _played(pilot)
    await pilot.resize_terminal(80, 24)
    await pilot.pause()


def test_board_resized_from_160x48_to_80x24(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(160, 48), run_before=_played_then_narrowed)
