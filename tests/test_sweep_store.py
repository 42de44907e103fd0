"""The part writer under Ctrl-C: a row is stored once, whenever the interrupt lands."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import store
from sim.sweep.store import PartWriter, arrow_schema, interrupts_deferred


def row(run_id: int) -> dict[str, object]:
    return {
        "run_id": run_id,
        "point": 0,
        "replication": run_id,
        "seed": run_id,
        "wall_seconds": 0.1,
        "status": "ok",
        "error": None,
    }


def test_ctrl_c_right_after_a_part_is_renamed_does_not_store_its_rows_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flake this fixes: the interrupt landed between the rename and ``rows = []``, and
    the flush on the way out wrote the same runs again as a second part."""
    replace = os.replace

    def replace_then_interrupt(src: str | Path, dst: str | Path) -> None:
        replace(src, dst)
        signal.raise_signal(signal.SIGINT)  # to this thread: no race with xdist's threads

    monkeypatch.setattr(store.os, "replace", replace_then_interrupt)
    writer = PartWriter(tmp_path, arrow_schema([], []), rows_per_part=2)
    writer.add(row(0))
    with pytest.raises(KeyboardInterrupt):
        writer.add(row(1))  # writes a part; the interrupt arrives once the writer is consistent
    monkeypatch.setattr(store.os, "replace", replace)
    writer.flush()  # what the sweep's ``finally`` does
    frame = pd.read_parquet(tmp_path)
    assert sorted(frame["run_id"]) == [0, 1]
    assert writer.written == 2 and writer.rows == []


def test_an_interrupt_held_back_arrives_when_the_block_ends() -> None:
    reached_end = False
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():
        signal.raise_signal(signal.SIGINT)  # to this thread: no race with xdist's threads
        reached_end = True
    assert reached_end
