"""Inputs and situations an attacker or an unlucky user brings: each ends cleanly.

Keeps fixed what the safety review of issue 10 found: the user-impact metric grows
linearly in incidents, ``run -r N`` leaves no worker behind when killed, and fuzzed
scenario files, saved games and sweep specs end with exit 0, or exit 2 and one line,
never a traceback and never a hang.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import ScenarioError
from sim.game import Game
from sim.loading import load_scenario
from sim.metrics.fold import IncidentRecord, MetricsFold
from sim.metrics.summary import impact_integral, impact_integrals
from sim.model.commands import SetPractice
from sim.runner import run_replication
from sim.sweep.spec import load_sweep


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


# --------------------------------------------------------------------------- fuzzing

SCENARIO_FILES = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))
FUZZ_SECONDS = 30
"""Time bound for one fuzzed input, seconds: validation takes milliseconds and a 14-day
run under a second, so reaching this means a hang (or a pathological slowdown)."""

ODD_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.integers(),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["\x1b[31mred", "a\nb", "$x^2$", "", " ", "on_demand", "full"]),
    st.lists(st.integers(min_value=-3, max_value=5), max_size=3),
    st.dictionaries(st.sampled_from(["a", "days", "seed"]), st.integers(), max_size=2),
)
"""Values a careless or hostile edit puts where a scenario value belongs."""


@contextlib.contextmanager
def _time_bound(seconds: int) -> Iterator[None]:
    """Fail with ``TimeoutError`` if the block runs longer than ``seconds`` (SIGALRM)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _shipit(*argv: str) -> tuple[int, str]:
    """Run ``shipit`` in-process within :data:`FUZZ_SECONDS`; (status, stderr)."""
    err = io.StringIO()
    with (
        _time_bound(FUZZ_SECONDS),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(err),
    ):
        status = main(list(argv))
    return status, err.getvalue()


def _assert_clean_end(status: int, err: str) -> None:
    """Exit 0, or exit 2 with one ``shipit:`` line; never a traceback."""
    assert "Traceback" not in err, err
    assert status in (0, 2), (status, err)
    if status == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("shipit"), err
        assert "\x1b" not in lines[0], "a control character reached the terminal"


def _leaves(document: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Key paths of every value in a parsed TOML document."""
    paths: list[tuple[str, ...]] = []
    for key, value in document.items():
        if isinstance(value, dict):
            paths.extend(_leaves(value, (*prefix, key)))
        else:
            paths.append((*prefix, key))
    return paths


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mutate(document: dict[str, Any], data: st.DataObject) -> None:
    """One to three edits: a number scaled, a value replaced or deleted, a key added.

    Scaling by 0 … 1000 keeps most values valid but extreme, so most fuzzed files pass
    the schema and reach the model; the other edits exercise the schema's messages.
    """
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="edits")):
        action = data.draw(st.sampled_from(["scale"] * 3 + ["replace", "delete", "add"]))
        paths = _leaves(document)
        numbers = [path for path in paths if _is_number(_section(document, path)[path[-1]])]
        if action == "scale" and numbers:
            path = data.draw(st.sampled_from(numbers), label="number")
            section = _section(document, path)
            factor = data.draw(st.sampled_from([0, 1e-3, 0.5, 2, 10, 1e3]), label="factor")
            section[path[-1]] = type(section[path[-1]])(section[path[-1]] * factor)
            continue
        path = data.draw(st.sampled_from(paths), label="path")
        section = _section(document, path)
        if action == "delete" and len(paths) > 1:
            del section[path[-1]]
        elif action == "add":
            section[f"{path[-1]}_extra"] = data.draw(ODD_VALUES, label="value")
        else:
            section[path[-1]] = data.draw(ODD_VALUES, label="value")


def _section(document: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The table holding the value at ``path``."""
    for key in path[:-1]:
        document = document[key]
    return document


FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=st.data())
def test_fuzzed_scenario_files_end_cleanly(tmp_path: Path, data: st.DataObject) -> None:
    """A built-in scenario with random edits: validated and, if valid, run for 14 days."""
    source = data.draw(st.sampled_from(SCENARIO_FILES), label="scenario")
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    _mutate(document, data)
    path = tmp_path / "fuzzed.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    status, err = _shipit("validate", str(path))
    _assert_clean_end(status, err)
    if status == 0:
        status, err = _shipit(
            "run", str(path), "--quiet", "--days", "14", "--set", "run.warmup_days=0"
        )
        _assert_clean_end(status, err)


@FUZZ
@given(data=st.data())
def test_fuzzed_scenario_text_ends_cleanly(tmp_path: Path, data: st.DataObject) -> None:
    """A built-in scenario's text with characters inserted, deleted or duplicated."""
    text = data.draw(st.sampled_from(SCENARIO_FILES), label="scenario").read_text()
    for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="edits")):
        at = data.draw(st.integers(min_value=0, max_value=len(text)), label="at")
        cut = data.draw(st.integers(min_value=0, max_value=40), label="cut")
        insert = data.draw(st.text(max_size=12), label="insert")
        text = text[:at] + insert + text[at + cut :]
    path = tmp_path / "fuzzed.toml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _assert_clean_end(*_shipit("validate", str(path)))


def test_escape_codes_in_a_message_never_reach_the_terminal(tmp_path: Path) -> None:
    """A file name carrying an escape sequence is echoed escaped, on one line."""
    status, err = _shipit("validate", str(tmp_path / "\x1b[2J\x1b[31mred\nx.toml"))
    assert status == 2
    _assert_clean_end(status, err)
    assert "\\u001b[2J" in err


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Key paths (keys and list indices) of every value in a JSON document, tables too."""
    paths: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        paths.append((*prefix, key))
        if isinstance(value, dict | list) and value:
            paths.extend(_paths(value, (*prefix, key)))
    return paths


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    """The value at a key path of a JSON document."""
    for key in path:
        document = document[key]
    return document


@pytest.fixture(scope="module")
def saved_game(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A genuine saved game: three 10-day rounds of a 60-day elite run, one move."""
    scenario = load_scenario("elite").with_values({"run.days": 60, "run.warmup_days": 10})
    game = Game(scenario, rounds=3, round_days=10, budget_person_days=500)
    game.advance(24 * 3)
    game.apply(SetPractice("postmortems", "blameless"))
    game.advance(24 * 5)
    path = tmp_path_factory.mktemp("game") / "game.json"
    game.save(path)
    return json.loads(path.read_text(encoding="utf-8"))


@FUZZ
@given(data=st.data())
def test_fuzzed_saved_games_end_cleanly(
    tmp_path: Path, saved_game: dict[str, Any], data: st.DataObject
) -> None:
    """A genuine saved game with numbers scaled and values replaced or removed, run as a
    research case.

    Edits inside ``scenario`` are refused by the hash check; the others reach the
    document's bounds, the command checks and, when valid, a replayed run.
    """
    document = json.loads(json.dumps(saved_game))
    for _ in range(data.draw(st.integers(min_value=1, max_value=2), label="edits")):
        paths = [p for p in _paths(document) if p[0] != "scenario" or len(p) <= 3]
        numbers = [p for p in paths if p[0] != "scenario" and _is_number(_at(document, p))]
        action = data.draw(st.sampled_from(["scale"] * 3 + ["replace", "delete"]))
        if action == "scale" and numbers:
            path = data.draw(st.sampled_from(numbers), label="number")
            factor = data.draw(st.sampled_from([0, 1e-3, 0.5, 2, 10, 1e3]), label="factor")
            value = _at(document, path)
            _at(document, path[:-1])[path[-1]] = type(value)(value * factor)
            continue
        path = data.draw(st.sampled_from(paths), label="path")
        parent = _at(document, path[:-1])
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(ODD_VALUES, label="value")
    file = tmp_path / "fuzzed.json"
    # allow_nan: NaN and Infinity as JSON's extension writes them, which json.loads reads.
    file.write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    _assert_clean_end(*_shipit("run", str(file), "--quiet"))


SWEEP_FILES = sorted((Path(__file__).parent.parent / "scenarios" / "sweeps").glob("*.toml"))


@FUZZ
@given(data=st.data())
def test_fuzzed_sweep_specs_load_or_fail_in_one_line(tmp_path: Path, data: st.DataObject) -> None:
    """A shipped sweep spec with random edits: it loads (base, design and every point
    validated) or raises one ScenarioError line naming the file; never anything else."""
    source = data.draw(st.sampled_from(SWEEP_FILES), label="spec")
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    _mutate(document, data)
    path = tmp_path / "fuzzed.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    try:
        with _time_bound(FUZZ_SECONDS):
            load_sweep(path)
    except ScenarioError as exc:
        message = exc.message
        assert "\n" not in message and "\x1b" not in message, message
        assert message.startswith(str(path)), message


def test_cumulative_impact_in_one_pass_matches_the_integral() -> None:
    """The charts' one-pass curve equals the metric's integral at every point, on runs
    with one service and with several (loosely coupled lanes), incidents overlapping."""
    cases = [
        load_scenario("legacy-enterprise").with_values({"run.days": 200.0}),
        load_scenario("water-scrum-fall").with_values(
            {"run.days": 200.0, "practices.loosely_coupled": True}
        ),
    ]
    for scenario in cases:
        log = run_replication(scenario, 0, None, keep_log=True).log
        records = list(MetricsFold.from_events(log).incidents.values())
        assert records
        ends = [24.0 * day for day in range(0, 201, 5)]
        expected = [impact_integral(records, 0.0, end) for end in ends]
        assert impact_integrals(records, 0.0, ends) == pytest.approx(expected, abs=1e-9)
