"""Inputs and situations an attacker or an unlucky user brings: each ends cleanly.

Keeps fixed what the safety review of issue 10 found: the user-impact metric grows
linearly in incidents, ``run -r N`` leaves no worker behind when killed, and fuzzed
scenario files, saved games and sweep specs end with exit 0, or exit 2 and one line,
never a traceback and never a hang.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sim.metrics.fold import IncidentRecord
from sim.metrics.summary import impact_integral


def _overlapping_incidents(n: int) -> list[IncidentRecord]:
    """``n`` incidents on one service, opened one hour apart, each open for ``n`` hours.

    The worst case for the integral: every incident is still open when the last one
    opens, so a method that re-sums the open (or all earlier) incidents at each change
    does ``n²`` work.
    """
    incidents = []
    for k in range(n):
        record = IncidentRecord(opened=float(k), share=1e-6)
        record.impact.append((float(n + k), 0.0))
        incidents.append(record)
    return incidents


def _cpu_seconds(n: int) -> float:
    """Least CPU time of three evaluations of the impact integral over ``n`` incidents."""
    incidents = _overlapping_incidents(n)
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        impact_integral(incidents, 0.0, 3.0 * n)
        best = min(best, time.process_time() - began)
    return best


def test_user_impact_is_linear_in_incidents() -> None:
    """Four times the incidents cost about four times the work, not sixteen.

    The integral sorts the changes (n log n) and walks them once: the ratio for 4× the
    incidents is about 4.5.  A quadratic method gives 16; 9 sits between with room for
    timer noise on a busy machine.  Sizes are large enough (≥ 20 ms) for the CPU clock.
    """
    small, large = 20_000, 80_000
    ratio = _cpu_seconds(large) / _cpu_seconds(small)
    assert ratio < 9.0, f"4x incidents took {ratio:.1f}x the time: not linear"


def test_user_impact_of_overlapping_incidents_is_exact() -> None:
    """The running sum gives the closed form: share × hours each, summed (no cap reached)."""
    n = 1000
    expected = n * 1e-6 * n  # each incident: share 1e-6 for n hours
    assert abs(impact_integral(_overlapping_incidents(n), 0.0, 3.0 * n) - expected) < 1e-9


def _children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killed_run_leaves_no_worker_behind(tmp_path: Path) -> None:
    """``kill -9`` of ``shipit run -r N -w 2``: its pool workers exit within seconds.

    Without the guard the workers carry on through their queue as orphans (minutes of
    CPU for these ten-year runs).
    """
    shipit = str(Path(sys.executable).with_name("shipit"))
    command = [shipit, "run", "legacy-enterprise", "-r", "8", "-w", "2"]
    command += ["--days", "3650", "--quiet"]
    child = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = {pid for pid in _children(child.pid) if _alive(pid)}
        assert len(workers) >= 2, "the pool never started"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        deadline = time.monotonic() + 10  # orphan poll is 0.5 s; allow a loaded machine
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in workers if _alive(pid)]
    finally:
        if child.poll() is None:
            child.kill()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived the killed command"
