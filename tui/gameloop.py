"""The board's game loop: its pace (ticks, speeds) and a fast-forward's steps.

A 10 Hz timer advances the game by a speed's simulated hours a tick (:data:`SPEEDS`); a
2 Hz one recomputes the trailing metrics.  A fast-forward (:func:`run_fast_forward`) runs in a
thread worker and advances a simulated day at a time, so a cancel is seen within a day.

Memory: the game's history grows for as long as it is played, and a full garbage
collection walks all of it, which pauses everything for 100+ ms after a few simulated
years.  At every round's end (and every simulated quarter of a fast-forward) the board
collects once and freezes what survives (:func:`settle_memory`), so later collections
only walk what is new.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from sim.game import Game, RoundReport

TICK_SECONDS = 0.1
"""Game-loop period: 10 ticks a second."""
SLOW_SECONDS = 0.5
"""Period of the metrics refresh (live metrics, trends, maturity, ghost)."""
SPEEDS: tuple[float, ...] = (1.0, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0)
"""Simulated hours per tick, slowest first."""
DEFAULT_SPEED = 3
"""Index into SPEEDS: 12 h a tick = 5 simulated days a second, a quarter in ~18 s."""
FAST_CHUNK_HOURS = HOURS_PER_DAY
"""The fast-forward worker advances a simulated day at a time between cancel checks."""
SETTLE_HOURS = 91 * HOURS_PER_DAY
"""A long fast-forward settles memory (see the module docstring) every simulated quarter."""
PROGRESS_SECONDS = 0.1
"""The fast-forward worker reports its progress at most this often."""


def speed_label(hours_per_tick: float) -> str:
    """Simulated time per real second at this speed."""
    per_second = hours_per_tick / TICK_SECONDS
    if per_second < HOURS_PER_DAY:
        return f"{per_second:g} h/s"
    return f"{per_second / HOURS_PER_DAY:.3g} days/s"


def settle_memory() -> None:
    """Collect garbage once, then exempt the survivors from later full collections."""
    gc.collect()
    gc.freeze()


def run_fast_forward(
    game: Game,
    hours: float,
    *,
    cancelled: Callable[[], bool],
    progress: Callable[[float, str, float], None],
    record: Callable[[str, float], None],
) -> RoundReport | None:
    """Advance ``game`` by ``hours`` (stopping at the round's end) a day at a time.

    Between days it stops if ``cancelled()``, settles memory every simulated quarter, and
    at most every :data:`PROGRESS_SECONDS` calls ``progress(share of the hours done,
    date, share of the round done)``; ``record("chunk", seconds)`` times each day.
    Returns the report of the round that closed, if one did.
    """
    begin = game.now
    target = min(begin + hours, game.round_end)
    report = None
    posted = 0.0
    settled = game.now
    while not cancelled() and game.now < target - 1e-9 and not game.finished:
        chunk = time.perf_counter()
        report = game.advance(min(FAST_CHUNK_HOURS, target - game.now))
        done = time.perf_counter()
        record("chunk", done - chunk)
        if report is not None:
            break
        if game.now - settled >= SETTLE_HOURS:
            settled = game.now
            settle_memory()
        if done - posted >= PROGRESS_SECONDS:
            posted = done
            share = (game.now - begin) / max(1e-9, target - begin)
            span = max(1e-9, game.round_end - game.round_start)
            in_round = (game.now - game.round_start) / span
            progress(share, game.date_label(), in_round)
        # Let the UI thread take the GIL now rather than at the next forced switch
        # (every 5 ms): it keeps the screen responsive while this thread works.
        time.sleep(0)
    return report
