"""Parameter sweeps: spec validation, designs, seeds, streaming results, faults, Dask."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.errors import ScenarioError
from sim.loading import load_scenario
from sim.outputs import OutputError
from sim.runner import run_replication
from sim.scenario import Scenario
from sim.sweep import (
    ALL_METRICS,
    Factor,
    build_design,
    load_sweep,
    run_point,
    run_sweep,
)
from sim.sweep import execute as sweep_execute
from sim.sweep.cli import main as sweep_main
from sim.sweep.store import LOCK_FILE, part_paths

ROOT = Path(__file__).resolve().parent.parent
SWEEPS = ROOT / "scenarios" / "sweeps"

FAST = """\
[sweep]
name = "fast"
base = "elite"
replications = {replications}
seed = 5
crn = {crn}
metrics = ["deployment_frequency_per_day", "lead_time_hours_median", "change_failure_rate",
           "time_to_restore_hours_median"]
days = 60

[sweep.set]
"run.warmup_days" = 10

[factors]
{factors}
"""


def write_spec(
    tmp_path: Path,
    factors: str = '"org.developers" = [6, 9]\n"practices.canary" = [false, true]',
    *,
    replications: int = 2,
    crn: bool = True,
    name: str = "spec.toml",
) -> Path:
    """A fast sweep file (elite, 60 days) with the given [factors] body."""
    path = tmp_path / name
    text = FAST.format(replications=replications, crn=str(crn).lower(), factors=factors)
    path.write_text(text, encoding="utf-8")
    return path


def write_toml(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def spec_error(tmp_path: Path, text: str) -> ScenarioError:
    """Load a sweep file that must be rejected; return the error."""
    path = write_toml(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_sweep(path)
    message = caught.value.message
    assert "\n" not in message
    assert message.startswith(str(path))
    return caught.value


def sweep_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m sim.sweep ...`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "sim.sweep", *argv],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by run id without the timing column (which differs run to run)."""
    return frame.drop(columns=["wall_seconds"]).sort_values("run_id").reset_index(drop=True)


# --------------------------------------------------------------------------- spec errors

BASE = """\
[sweep]
name = "s"
base = "elite"
"""


def test_unknown_factor_key_suggests_the_right_one(tmp_path: Path) -> None:
    error = spec_error(tmp_path, BASE + '[factors]\n"practices.deploy" = ["manual"]\n')
    assert error.key == 'factors."practices.deploy"'
    assert "did you mean 'deployment'?" in error.problem


def test_unknown_factor_section_is_named(tmp_path: Path) -> None:
    error = spec_error(tmp_path, BASE + '[factors]\n"pratices.deployment" = ["manual"]\n')
    assert "unknown section [pratices]" in error.problem
    assert "did you mean [practices]?" in error.problem


def test_bad_practice_level_lists_allowed_values(tmp_path: Path) -> None:
    error = spec_error(tmp_path, BASE + '[factors]\n"practices.deployment" = ["manul"]\n')
    assert error.key == 'factors."practices.deployment"'
    assert 'did you mean "manual"?' in error.problem
    assert '"automated"' in error.problem


def test_unquoted_dotted_factor_keys_are_flattened(tmp_path: Path) -> None:
    path = write_toml(
        tmp_path, BASE + '[factors]\npractices.deployment = ["manual", "automated"]\n'
    )
    spec = load_sweep(path)
    assert [f.name for f in spec.factors] == ["practices.deployment"]


@pytest.mark.parametrize(
    ("factor", "key", "words"),
    [
        ("{ min = 24, max = 8 }", 'factors."org.developers"', "must be less than max"),
        ("{ min = 0, max = 8 }", 'factors."org.developers".min', "out of range"),
        ("{ min = 2, top = 8 }", 'factors."org.developers"', "unknown keys 'top'"),
        ("{ min = 2.5, max = 8 }", 'factors."org.developers".min', "expected an integer"),
        ("5", 'factors."org.developers"', "expected a list of levels"),
        ("[]", 'factors."org.developers"', "no levels"),
        ("[6, 6]", 'factors."org.developers"', "listed twice"),
    ],
)
def test_bad_ranges_and_levels(tmp_path: Path, factor: str, key: str, words: str) -> None:
    design = '[design]\nmethod = "lhs"\nsamples = 4\n'
    error = spec_error(tmp_path, BASE + design + f'[factors]\n"org.developers" = {factor}\n')
    assert error.key == key
    assert words in error.problem


def test_a_range_needs_a_number_setting(tmp_path: Path) -> None:
    design = '[design]\nmethod = "lhs"\nsamples = 4\n'
    error = spec_error(
        tmp_path, BASE + design + '[factors]\n"org.structure" = { min = 1, max = 2 }\n'
    )
    assert "a range needs a number setting" in error.problem
    assert '"cross_functional"' in error.problem


def test_a_range_needs_a_sampled_design(tmp_path: Path) -> None:
    error = spec_error(tmp_path, BASE + '[factors]\n"org.developers" = { min = 4, max = 8 }\n')
    assert "lhs, sobol or morris" in error.problem


def test_bad_design_method_suggests_one(tmp_path: Path) -> None:
    error = spec_error(tmp_path, BASE + '[design]\nmethod = "sobel"\n')
    assert error.key == "design.method"
    assert 'did you mean "sobol"?' in error.problem
    assert '"morris"' in error.problem


@pytest.mark.parametrize(
    ("design", "key", "words"),
    [
        ('method = "sobol"\nsamples = 12', "design.samples", "try 8 or 16"),
        ('method = "lhs"', "design.samples", "missing"),
        ('method = "factorial"\nsamples = 4', "design.samples", "remove samples"),
        ('method = "lhs"\nsamples = 4\nlevels = 4', "design.levels", "morris only"),
        ('method = "morris"\nsamples = 4\nsecond_order = false', "design.second_order", "sobol"),
        ('method = "lhs"\nsamples = 0', "design.samples", "out of range"),
    ],
)
def test_design_settings(tmp_path: Path, design: str, key: str, words: str) -> None:
    factors = '[factors]\n"practices.canary" = [false, true]\n'
    error = spec_error(tmp_path, BASE + f"[design]\n{design}\n" + factors)
    assert error.key == key
    assert words in error.problem


def test_missing_base(tmp_path: Path) -> None:
    error = spec_error(tmp_path, '[sweep]\nname = "s"\n')
    assert error.key == "sweep.base"
    assert "missing" in error.problem


def test_unknown_base_names_the_sweep_key(tmp_path: Path) -> None:
    error = spec_error(tmp_path, '[sweep]\nname = "s"\nbase = "eltie"\n')
    assert error.key == "sweep.base"
    assert "did you mean 'elite'?" in error.problem
    error = spec_error(tmp_path, '[sweep]\nname = "s"\nbase = "nowhere.toml"\n')
    assert error.key == "sweep.base"
    assert "file not found" in error.problem


def test_base_path_is_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    base = (ROOT / "scenarios" / "elite.toml").read_text(encoding="utf-8")
    (tmp_path / "mine.toml").write_text(base, encoding="utf-8")
    path = write_toml(tmp_path, '[sweep]\nname = "s"\nbase = "../mine.toml"\n', "sub/s.toml")
    assert load_sweep(path).base.content_hash() == load_scenario("elite").content_hash()


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[sweep]\nname = "s"\nbase = "elite"\nreplicatons = 3\n', "sweep.replicatons",
         "did you mean 'replications'?"),
        ('[sweep]\nname = "s"\nbase = "elite"\n[desing]\n', "desing", "did you mean [design]?"),
        ('[sweep]\nname = "s"\nbase = "elite"\nmetrics = ["lead_time_hours_medain"]\n',
         "sweep.metrics", 'did you mean "lead_time_hours_median"?'),
        ('[sweep]\nname = "s"\nbase = "elite"\nmetrics = "some"\n', "sweep.metrics", '"all"'),
        ('[sweep]\nname = "s"\nbase = "elite"\nreplications = 0\n', "sweep.replications",
         "out of range"),
        ('[sweep]\nname = "s"\nbase = "elite"\n[factors]\n"run.seed" = [1, 2]\n',
         'factors."run.seed"', "replications"),
        ('[sweep]\nname = "s"\nbase = "elite"\n[factors]\n"incidents.severity_shares" = [1]\n',
         'factors."incidents.severity_shares"', "[sweep.set]"),
        ('[sweep]\nname = "s"\nbase = "elite"\n[sweep.set]\n"org.developer" = 3\n',
         'sweep.set."org.developer"', "did you mean 'developers'?"),
        ('[sweep]\nname = "s"\nbase = "elite"\n[sweep.set]\n"org.developers" = -3\n',
         'sweep.set."org.developers"', "out of range"),
        ('[sweep]\nname = "s"\nbase = "legacy-enterprise"\ndays = 60\n', "sweep.days",
         '"run.warmup_days"'),
    ],
)  # fmt: skip
def test_sweep_section_errors(tmp_path: Path, text: str, key: str, words: str) -> None:
    error = spec_error(tmp_path, text)
    assert error.key == key
    assert words in error.problem


def test_every_design_point_is_validated_up_front(tmp_path: Path) -> None:
    factors = '[factors]\n"org.developers" = [10, 30]\n"org.teams" = [1, 12]\n'
    error = spec_error(tmp_path, BASE + factors)
    assert error.key == "factors"
    assert "design point 1" in error.problem
    assert "org.teams" in error.problem


def test_bad_spec_on_the_command_line_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_toml(tmp_path, BASE + '[factors]\n"practices.deployment" = ["manul"]\n')
    status = sweep_main([str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"shipit: {path}: factors.")
    assert not (tmp_path / "out").exists()


def test_example_sweeps_load() -> None:
    examples = sorted(SWEEPS.glob("*.toml"))
    assert {p.stem for p in examples} >= {"deploy-and-test", "lhs-staffing",
                                          "sobol-practices", "morris"}  # fmt: skip
    for path in examples:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Covers:") and "# Question:" in text, path
        spec = load_sweep(path)
        assert spec.runs <= 100, path


# --------------------------------------------------------------------------- designs


def test_factorial_is_the_full_product_in_order() -> None:
    factors = [
        Factor("practices.deployment", "categorical", levels=("manual", "automated")),
        Factor("org.developers", "integer", levels=(4, 8, 12)),
        Factor("practices.canary", "bool", levels=(False, True)),
    ]
    design = build_design("factorial", factors)
    assert len(design.points) == 12
    assert design.points[0] == {"practices.deployment": "manual", "org.developers": 4,
                                "practices.canary": False}  # fmt: skip
    assert design.points[1]["practices.canary"] is True
    assert design.points[-1] == {"practices.deployment": "automated", "org.developers": 12,
                                 "practices.canary": True}  # fmt: skip
    assert len({tuple(p.values()) for p in design.points}) == 12


def test_lhs_points_are_within_bounds_and_stratified() -> None:
    factors = [
        Factor("org.developers", "integer", low=8, high=24),
        Factor("workload.arrivals_per_day", "numeric", low=1.0, high=3.0),
        Factor(
            "practices.monitoring", "categorical", levels=("none", "threshold", "observability")
        ),
    ]
    n = 12
    design = build_design("lhs", factors, samples=n, seed=3)
    assert len(design.points) == n
    x = np.array(design.x)
    for column, factor in enumerate(factors):
        low, high = factor.bounds
        unit = (x[:, column] - low) / (high - low)
        assert sorted(np.floor(unit * n).astype(int)) == list(range(n))  # one per stratum
    for point in design.points:
        assert isinstance(point["org.developers"], int) and 8 <= point["org.developers"] <= 24
        assert 1.0 <= point["workload.arrivals_per_day"] <= 3.0
        assert point["practices.monitoring"] in ("none", "threshold", "observability")
    assert build_design("lhs", factors, samples=n, seed=3).points == design.points


@pytest.mark.parametrize(("second_order", "per_n"), [(True, 2 * 3 + 2), (False, 3 + 2)])
def test_saltelli_count(second_order: bool, per_n: int) -> None:
    factors = [
        Factor("org.developers", "integer", low=8, high=24),
        Factor("development.code_defect_prob", "numeric", low=0.02, high=0.2),
        Factor("practices.deployment", "categorical", levels=("manual", "automated")),
    ]
    design = build_design("sobol", factors, samples=16, seed=1, calc_second_order=second_order)
    assert len(design.points) == 16 * per_n
    assert design.calc_second_order is second_order
    assert design.problem == {
        "num_vars": 3,
        "names": ["org.developers", "development.code_defect_prob", "practices.deployment"],
        "bounds": [[8.0, 24.0], [0.02, 0.2], [0.0, 1.0]],
    }
    assert {p["practices.deployment"] for p in design.points} == {"manual", "automated"}


def test_morris_count_and_grid() -> None:
    factors = [
        Factor("recovery.diagnosis_hours_median", "numeric", low=0.5, high=4.0),
        Factor("practices.canary", "bool", levels=(False, True)),
        Factor("org.developers", "integer", low=4, high=10),
    ]
    design = build_design("morris", factors, samples=5, seed=2, num_levels=4)
    assert len(design.points) == 5 * (3 + 1)
    assert design.num_levels == 4
    grid = {0.5 + k * 3.5 / 3 for k in range(4)}
    for point in design.points:
        assert min(abs(point["recovery.diagnosis_hours_median"] - g) for g in grid) < 1e-9
        assert point["org.developers"] in (4, 6, 8, 10)


def test_levels_map_from_the_unit_interval_by_floor() -> None:
    factor = Factor("practices.monitoring", "categorical",
                    levels=("none", "threshold", "observability"))  # fmt: skip
    assert [factor.value(x) for x in (0.0, 0.33, 0.34, 0.66, 0.67, 0.999, 1.0)] == [
        "none", "none", "threshold", "threshold", "observability", "observability",
        "observability",
    ]  # fmt: skip
    integer = Factor("org.developers", "integer", low=8, high=24)
    assert integer.value(8.4) == 8 and integer.value(8.6) == 9 and integer.value(24.0) == 24


def test_all_metrics_cover_every_key_a_run_produces() -> None:
    keys: set[str] = set()
    for name in ("elite", "legacy-enterprise"):
        for structure in ("silos", "cross_functional"):
            scenario = load_scenario(name).with_values(
                {"run.days": 40.0, "run.warmup_days": 5.0, "org.structure": structure}
            )
            keys |= set(run_replication(scenario).metrics)
    assert keys <= set(ALL_METRICS)


# --------------------------------------------------------------------------- running


def test_rows_record_seeds_that_reproduce_the_run_exactly(tmp_path: Path) -> None:
    spec = load_sweep(write_spec(tmp_path))
    out = tmp_path / "out"
    summary = run_sweep(spec, out, workers=2)
    assert summary.ran == spec.runs == 8 and summary.errors == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 8 and sorted(frame["run_id"]) == list(range(8))
    assert list(frame.columns[:4]) == ["run_id", "point", "replication", "seed"]
    assert frame["org.developers"].dtype == "int64" and frame["practices.canary"].dtype == bool
    assert (frame["status"] == "ok").all() and frame["error"].isna().all()
    assert (frame["run_id"] == frame["point"] * 2 + frame["replication"]).all()
    document = json.loads((out / "_sweep.json").read_text(encoding="utf-8"))
    base = Scenario.model_validate(document["base_scenario"])
    for row in frame.to_dict("records"):
        values = document["design"]["points"][row["point"]]["values"]
        assert values == {k: row[k] for k in ("org.developers", "practices.canary")}
        metrics = run_replication(base.with_values(values), row["replication"], row["seed"]).metrics
        for key in spec.metrics:
            expected, got = metrics[key], row[key]
            assert (expected is None and math.isnan(got)) or got == expected, key
    assert (out / "_spec.toml").read_text(encoding="utf-8") == spec.text
    assert document["problem"]["names"] == ["org.developers", "practices.canary"]
    assert document["provenance"]["runs_done"] == 8 and document["provenance"]["finished"]


def test_crn_points_share_seeds_and_random_numbers(tmp_path: Path) -> None:
    # Under peer review the CAB's meeting hour changes nothing: with common random numbers
    # both points must then give identical metrics, replication by replication.
    factors = '"approval.cab_hour" = [9.0, 14.0]'
    spec = load_sweep(write_spec(tmp_path, factors, replications=3))
    run_sweep(spec, tmp_path / "crn", workers=1)
    frame = pd.read_parquet(tmp_path / "crn").sort_values(["point", "replication"])
    first, second = (frame[frame["point"] == p].reset_index(drop=True) for p in (0, 1))
    assert list(first["seed"]) == list(second["seed"])
    assert first["seed"].nunique() == 3
    pd.testing.assert_frame_equal(first[list(spec.metrics)], second[list(spec.metrics)])

    independent = load_sweep(write_spec(tmp_path, factors, replications=3, crn=False,
                                        name="independent.toml"))  # fmt: skip
    seeds = [independent.seed_for(p, r) for p in range(2) for r in range(3)]
    assert len(set(seeds)) == 6
    run_sweep(independent, tmp_path / "independent", workers=1)
    rows = pd.read_parquet(tmp_path / "independent")
    assert sorted(rows["seed"]) == sorted(seeds)


def failing_at_nine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs with org.developers = 9 raise, as a broken model would."""
    real = sweep_execute.run_replication

    def flaky(scenario: Scenario, *args: Any, **kwargs: Any) -> Any:
        if scenario.org.developers == 9:
            raise RuntimeError("boom at nine")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(sweep_execute, "run_replication", flaky)


def test_a_failing_run_is_recorded_and_the_others_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_at_nine(monkeypatch)
    spec = load_sweep(write_spec(tmp_path))
    for workers in (1, 2):  # in this process, and in forked pool workers
        out = tmp_path / f"out{workers}"
        summary = run_sweep(spec, out, workers=workers)
        assert summary.ran == 8 and summary.errors == 4
        frame = pd.read_parquet(out)
        failed = frame[frame["status"] == "error"]
        assert set(failed["org.developers"]) == {9} and len(failed) == 4
        assert failed["error"].str.contains("RuntimeError\\('boom at nine'\\)").all()
        assert failed["lead_time_hours_median"].isna().all()
        ok = frame[frame["status"] == "ok"]
        assert len(ok) == 4 and ok["lead_time_hours_median"].notna().all()


def test_run_point_never_raises() -> None:
    base = load_scenario("elite")
    row = run_point(base, {"org.developers": "many"}, 0, 1, ("lead_time_hours_median",))
    assert row["status"] == "error" and "ValidationError" in row["error"]
    assert math.isnan(row["lead_time_hours_median"]) and row["wall_seconds"] >= 0


def test_rerunning_a_finished_sweep_does_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(tmp_path)
    out = tmp_path / "out"
    assert sweep_main([str(path), "--out", str(out), "--workers", "1"]) == 0
    parts = part_paths(out)
    capsys.readouterr()
    assert sweep_main([str(path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"nothing to do: all 8 runs are in {out}"
    assert part_paths(out) == parts


def test_a_directory_of_another_sweep_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    run_sweep(load_sweep(write_spec(tmp_path)), out, workers=1)
    other = write_spec(tmp_path, replications=3, name="other.toml")
    assert sweep_main([str(other), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "replications is 2 there, 3 in the spec" in err
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="holds no sweep"):
        run_sweep(load_sweep(other), tmp_path / "plain")
    assert [p.name for p in (tmp_path / "plain").iterdir()] == ["notes.txt"]


def test_two_writers_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from sim.sweep.store import lock_directory; h = lock_directory(Path(sys.argv[1])); "
         "print('locked', flush=True); time.sleep(60)", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match=f"another sweep \\(pid {holder.pid}\\)"):
            run_sweep(load_sweep(write_spec(tmp_path)), out, workers=1)
    finally:
        holder.kill()
        holder.wait()
    assert (out / LOCK_FILE).exists()
    assert run_sweep(load_sweep(write_spec(tmp_path)), out, workers=1).ran == 8


def test_resume_after_a_real_kill(tmp_path: Path) -> None:
    """kill -9 a running sweep, rerun the same command: every run exactly once."""
    factors = '"org.developers" = [6, 8, 10, 12]\n"practices.canary" = [false, true]'
    path = write_spec(tmp_path, factors, replications=30)  # 240 runs, parts of 20
    out = tmp_path / "out"
    argv = [str(path), "--out", str(out), "--workers", "2", "--quiet"]
    child = subprocess.Popen([sys.executable, "-m", "sim.sweep", *argv], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not part_paths(out) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    before = pd.read_parquet(out)
    assert 0 < len(before) < 240, "the sweep finished before it could be killed"
    (out / ".part-000099.parquet.tmp").write_bytes(b"half a part")  # what a kill can leave

    resumed = sweep_cli(*argv[:-1])
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {len(before)} of 240 runs are already in" in resumed.stdout
    assert not list(out.glob(".*.tmp"))
    frame = pd.read_parquet(out)
    assert sorted(frame["run_id"]) == list(range(240))
    assert (frame["status"] == "ok").all()
    kept = frame.set_index("run_id").loc[before["run_id"]]
    assert list(kept["seed"]) == list(before["seed"])
    again = sweep_cli(*argv[:-1])
    assert "nothing to do: all 240 runs are in" in again.stdout


def test_ctrl_c_writes_what_is_done_and_says_how_to_resume(tmp_path: Path) -> None:
    factors = '"org.developers" = [6, 8, 10, 12]\n"practices.canary" = [false, true]'
    path = write_spec(tmp_path, factors, replications=100)
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-m", "sim.sweep", str(path), "--out", str(out), "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not part_paths(out) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "to resume, run the same command again: shipit sweep" in err
    frame = pd.read_parquet(out)
    assert 0 < len(frame) < 800 and frame["run_id"].is_unique
    document = json.loads((out / "_sweep.json").read_text(encoding="utf-8"))
    assert document["provenance"]["runs_done"] == len(frame)
    assert document["provenance"]["finished"] is False


@pytest.mark.timeout(90)
def test_dask_local_cluster_gives_the_same_rows_as_the_pool(tmp_path: Path) -> None:
    spec = load_sweep(write_spec(tmp_path))
    run_sweep(spec, tmp_path / "pool", workers=2)
    started = time.perf_counter()
    summary = run_sweep(spec, tmp_path / "dask", workers=2, scheduler="local")
    assert time.perf_counter() - started < 30
    assert summary.ran == 8 and summary.backend == "dask:local"
    pd.testing.assert_frame_equal(
        comparable(pd.read_parquet(tmp_path / "pool")),
        comparable(pd.read_parquet(tmp_path / "dask")),
    )


def test_a_bad_scheduler_address_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(tmp_path)
    status = sweep_main([str(path), "--out", str(tmp_path / "o"), "--scheduler", "nonsense://x"])
    err = capsys.readouterr().err
    assert status in (1, 2)
    assert len(err.strip().splitlines()) == 1 and "--scheduler nonsense://x" in err


def test_event_logs_only_when_asked_and_beside_the_parts(tmp_path: Path) -> None:
    path = write_spec(tmp_path, '"practices.canary" = [false, true]', replications=1)
    path.write_text(
        path.read_text(encoding="utf-8").replace("days = 60", "days = 60\nkeep_events = true"),
        encoding="utf-8",
    )
    spec = load_sweep(path)
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1)
    logs = sorted((out / "_events").glob("run-*.jsonl"))
    assert [p.name for p in logs] == ["run-00000000.jsonl", "run-00000001.jsonl"]
    first = json.loads(logs[0].read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(first, dict)
    assert len(pd.read_parquet(out)) == 2  # the _events directory is not part of the dataset
    plain = tmp_path / "plain"
    run_sweep(load_sweep(write_spec(tmp_path, name="plain.toml")), plain, workers=1)
    assert not (plain / "_events").exists()


def test_a_shipped_example_sweep_is_found_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``pipx install`` the examples live inside the package: ``shipit sweep morris``."""
    from sim import resources

    monkeypatch.chdir(tmp_path)
    spec = load_sweep("morris")
    assert spec.source == str(resources.sweep_examples() / "morris.toml")
    assert spec.design.method == "morris"
    (tmp_path / "morris").write_text("not = [toml", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_sweep("morris")  # a file of that name in the working directory wins
    assert caught.value.source == "morris"
    with pytest.raises(ScenarioError):
        load_sweep("no-such-example")
