"""Paired comparisons on common random numbers: ``compare_variants``, ``shipit compare``,
``shipit run --vs-baseline`` and the ``--plots`` wiring.

Runs are short (60 days, 3 replications, one worker) with the fast built-ins; what is
tested -- pairing, CRN, the documents and the error contract -- does not depend on length.
"""

from __future__ import annotations

import json
import math
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from scipy import stats

import sim
from sim.commands import compare as cli
from sim.loading import load_with_overrides
from sim.runner import (
    RunResult,
    compare_variants,
    comparison_document,
    paired_differences,
    run_replication,
)

from .cli_helpers import SENTINEL, assert_one_line_error, read_json, run_cli

DAYS = "60"
R = "3"
TABLE_KEYS = (
    "deployment_frequency_per_day",
    "lead_time_hours_median",
    "change_failure_rate",
    "time_to_restore_hours_median",
    "rework_rate",
    "customer_lead_time_hours_median",
    "throughput_per_week",
    "incidents",
    "availability",
    "unplanned_work_share",
    "time_to_detect_hours_median",
    "user_impact_hours",
    "mean_batch_size",
    "wip_mean",
)


def scenario(name: str = "elite", *overrides: str) -> Any:
    return load_with_overrides(name, [f"run.days={DAYS}", *overrides])


def result(index: int, **metrics: float | None) -> RunResult:
    return RunResult(replication=index, seed=1, metrics=dict(metrics), log_hash="", events=0)


# --------------------------------------------------------------------------- paired differences


def test_paired_differences_by_hand() -> None:
    base = [result(0, a=1.0, b=None, c=5.0), result(1, a=2.0, b=1.0, c=5.0),
            result(2, a=3.0, b=None, c=5.0), result(3, a=None, b=None, c=5.0)]  # fmt: skip
    # Given out of order: pairing is by replication index, not by position.
    other = [result(3, a=9.0, b=None, c=5.0), result(2, a=3.5, b=None, c=5.0),
             result(1, a=4.0, b=4.0, c=5.0), result(0, a=2.0, b=2.0, c=5.0)]  # fmt: skip
    diffs = paired_differences(base, other)
    assert set(diffs) == {"a", "b", "c"}

    deltas = [1.0, 2.0, 0.5]  # replication 3 has no base value for a
    mean = sum(deltas) / 3
    sd = math.sqrt(sum((d - mean) ** 2 for d in deltas) / 2)
    half = stats.t.ppf(0.975, 2) * sd / math.sqrt(3)
    assert diffs["a"]["n"] == 3
    assert diffs["a"]["mean_diff"] == pytest.approx(mean)
    assert diffs["a"]["ci95"] == pytest.approx([mean - half, mean + half])

    assert diffs["b"] == {"mean_diff": 3.0, "ci95": None, "n": 1}  # one pair: no interval
    assert diffs["c"] == {"mean_diff": 0.0, "ci95": [0.0, 0.0], "n": 4}


def test_paired_differences_without_pairs() -> None:
    diffs = paired_differences([result(0, a=None)], [result(0, a=1.0), result(1, a=2.0)])
    assert diffs == {"a": {"mean_diff": None, "ci95": None, "n": 0}}
    assert paired_differences([result(5, a=1.0)], [result(0, a=1.0)]) == {}


# --------------------------------------------------------------------------- compare_variants


def test_a_scenario_compared_with_itself_differs_by_exactly_zero() -> None:
    elite = scenario()
    # The second copy has another run.seed: the comparison must run it on the first's seed.
    copy = elite.with_values({"run.seed": 99})
    comparison = compare_variants([("a", elite), ("b", copy)], 3, workers=1)
    assert comparison.seed == elite.run.seed
    assert comparison.variants[1].scenario.run.seed == elite.run.seed
    assert [r.replication for r in comparison.variants[1].results] == [0, 1, 2]
    differences = comparison.differences()["b"]
    assert set(TABLE_KEYS) <= set(differences)
    for key, difference in differences.items():
        if difference["n"] == 0:
            assert difference["mean_diff"] is None, key
            continue
        assert difference["mean_diff"] == 0.0, key
        assert difference["ci95"] in (None, [0.0, 0.0]), key


def test_parallel_comparison_equals_sequential() -> None:
    variants = [("elite", scenario()), ("no canary", scenario("elite", "practices.canary=false"))]
    sequential = compare_variants(variants, 2, workers=1, keep_log_for={0})
    parallel = compare_variants(variants, 2, workers=2, keep_log_for={0})
    for one, two in zip(sequential.variants, parallel.variants, strict=True):
        assert one.label == two.label
        assert [r.metrics for r in one.results] == [r.metrics for r in two.results]
        assert [r.log_hash for r in one.results] == [r.log_hash for r in two.results]
        assert one.results[0].log and one.results[1].log is None  # only replication 0 kept
    assert sequential.differences() == parallel.differences()


def test_compare_variants_rejects_repeated_labels() -> None:
    with pytest.raises(ValueError, match="unique"):
        compare_variants([("x", scenario()), ("x", scenario())], 1, workers=1)


def test_comparison_document_shape() -> None:
    variants = [("elite", scenario()), ("cd", scenario("continuous-delivery"))]
    comparison = compare_variants(variants, 2, workers=1)
    document = comparison_document(comparison, {"cd": ["org.developers=9"]})
    assert document["baseline"] == "elite"
    assert [v["label"] for v in document["variants"]] == ["elite", "cd"]
    assert document["variants"][1]["overrides"] == ["org.developers=9"]
    assert document["variants"][0]["overrides"] == []
    for variant in document["variants"]:
        assert {"label", "scenario", "overrides", "metrics", "ci95", "tiers"} <= set(variant)
    assert list(document["differences"]) == ["cd"]
    prov = document["provenance"]
    assert prov["common_random_numbers"] is True and prov["replications"] == 2
    json.dumps(document, allow_nan=False)  # plain JSON


# --------------------------------------------------------------------------- shipit compare


def test_compare_cli_vary_writes_every_variant_and_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp.json"
    status, stdout, err = run_cli(
        capsys, "compare", "elite", "--vary", "practices.canary=false",
        "--vary", "practices.deployment=manual", "--days", DAYS, "-r", R, "-w", "1",
        "--json", str(out),
    )  # fmt: skip
    assert status == 0, err
    document = read_json(out)
    labels = ["elite", "practices.canary=false", "practices.deployment=manual"]
    assert [v["label"] for v in document["variants"]] == labels
    assert document["baseline"] == "elite"
    assert list(document["differences"]) == labels[1:]
    base_keys = set(document["variants"][0]["metrics"])
    for variant in document["variants"][1:]:
        differences = document["differences"][variant["label"]]
        # Every metric of either side (per-stage keys appear only where the stage exists).
        assert set(differences) == base_keys | set(variant["metrics"])
        for difference in differences.values():
            assert set(difference) == {"mean_diff", "ci95", "n"}
    assert document["variants"][1]["overrides"] == ["run.days=60", "practices.canary=false"]
    assert document["provenance"]["replications"] == 3
    assert document["provenance"]["common_random_numbers"] is True
    # Manual deployment is a big, certain change: fewer deployments, the CI excludes zero.
    manual = document["differences"]["practices.deployment=manual"]
    assert manual["deployment_frequency_per_day"]["ci95"][1] < 0
    for label in labels:
        assert label in stdout
    assert "Comparison on common random numbers" in stdout
    assert "Overall tier" in stdout and "Throughput" in stdout


def test_compare_cli_two_scenarios_with_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp.json"
    status, stdout, _ = run_cli(
        capsys, "compare", "elite", "continuous-delivery", "--set", "org.developers=10",
        "--days", DAYS, "-r", "2", "-w", "1", "--seed", "4", "--json", str(out), "--quiet",
    )  # fmt: skip
    assert (status, stdout) == (0, "")
    document = read_json(out)
    assert [v["scenario"] for v in document["variants"]] == ["elite", "continuous-delivery"]
    assert document["provenance"]["seed"] == 4
    # --set applies to every variant: the means match a direct run with the override.
    direct = scenario("continuous-delivery", "org.developers=10", "run.seed=4")
    results = [run_replication(direct, i) for i in range(2)]
    expected = sum(r.metrics["wip_mean"] for r in results) / 2
    assert document["variants"][1]["metrics"]["wip_mean"] == pytest.approx(expected)


def test_compare_flags_the_overloaded_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp.json"
    status, stdout, _ = run_cli(
        capsys, "compare", "elite", "--set", "org.teams=1", "--vary", "org.developers=1",
        "--days", "90", "-r", "2", "-w", "1", "--json", str(out),
    )  # fmt: skip
    assert status == 0
    baseline, shrunk = read_json(out)["variants"]
    assert baseline["overloaded"] is False and shrunk["overloaded"] is True
    assert shrunk["metrics"]["overloaded"] == 1.0
    lines = stdout.splitlines()
    overall = lines.index(next(line for line in lines if "Overall tier" in line))
    assert "OVERLOADED" not in lines[overall]
    # Flagged once, under the shrunk variant's tier (right of the baseline's column).
    assert lines[overall + 1].count("OVERLOADED") == 1
    baseline_end = lines[overall].index("elite") + len("elite")
    assert lines[overall + 1].index("OVERLOADED") > baseline_end
    for label in ("Delivered / arrived", "Backlog growth (items)", "Overloaded runs"):
        assert label in stdout
    runs = next(line for line in lines if "Overloaded runs" in line)
    assert "0 %" in runs and "100 %" in runs


def test_compare_same_scenario_twice_gets_distinct_labels(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, stdout, _ = run_cli(capsys, "compare", "elite", "elite", "--days", DAYS, "-r", "2",
                                "-w", "1")  # fmt: skip
    assert status == 0
    assert "elite (2)" in stdout and "no change" in stdout


BAD_COMPARES: dict[str, tuple[list[str], list[str]]] = {
    "one scenario": (["elite"], ["nothing to compare"]),
    "bad vary value": (["elite", "--vary", "practices.canary=maybe"],
                       ["--vary", "practices.canary"]),
    "vary without =": (["elite", "--vary", "practicescanary"], ["--vary", "="]),
    "vary unknown key": (["elite", "--vary", "practices.canery=false"],
                         ["--vary", "practices.canery", "canary"]),
    "vary the seed": (["elite", "--vary", "run.seed=3"], ["run.seed", "--seed"]),
    "bad set": (["elite", "elite", "--set", "org.developers=0"], ["--set", "org.developers"]),
    "unknown scenario": (["elite", "no-such-scenario"], ["no-such-scenario"]),
    "missing json dir": (["elite", "elite", "--json", "{tmp}/nodir/x.json"],
                         ["--json", "does not exist"]),
    "plots parent missing": (["elite", "elite", "--plots", "{tmp}/nodir/charts"],
                             ["--plots", "does not exist"]),
    "plots is a file": (["elite", "elite", "--plots", "{tmp}/out.json"],
                        ["--plots", "not a directory"]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_COMPARES))
def test_bad_compare_input_exits_2_before_running(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    def must_not_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the simulation ran before the input was checked")

    monkeypatch.setattr(cli, "compare_variants", must_not_run)
    out = tmp_path / "out.json"
    out.write_text(SENTINEL, encoding="utf-8")
    argv, names = BAD_COMPARES[case]
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    json_args = [] if "--json" in argv else ["--json", str(out)]
    status, stdout, err = run_cli(capsys, "compare", *argv, "--days", DAYS, *json_args)
    assert status == 2
    assert stdout == ""
    assert_one_line_error(err, *names)
    assert out.read_text(encoding="utf-8") == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# --------------------------------------------------------------------------- run --vs-baseline


def test_vs_baseline_needs_set(capsys: pytest.CaptureFixture[str]) -> None:
    status, stdout, err = run_cli(capsys, "run", "elite", "--days", DAYS, "--vs-baseline")
    assert status == 2 and stdout == ""
    assert_one_line_error(err, "--vs-baseline needs --set overrides to compare against")


@pytest.mark.parametrize("replications", ["1", "3"])
def test_vs_baseline_adds_the_untouched_run(
    replications: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--days", DAYS, "--seed", "5", "-r", replications, "-w", "1"]
    with_set, plain, changed = tmp_path / "vs.json", tmp_path / "plain.json", tmp_path / "set.json"
    status, stdout, _ = run_cli(
        capsys, "run", "elite", "--set", "practices.canary=false", *common, "--vs-baseline",
        "--json", str(with_set),
    )  # fmt: skip
    assert status == 0
    assert stdout.index("Overall") < stdout.index("Comparison on common random numbers")
    assert "untouched" in stdout and "practices.canary=false" in stdout
    assert run_cli(capsys, "run", "elite", *common, "-q", "--json", str(plain))[0] == 0
    assert run_cli(capsys, "run", "elite", "--set", "practices.canary=false", *common, "-q",
                   "--json", str(changed))[0] == 0  # fmt: skip

    document, untouched, alone = read_json(with_set), read_json(plain), read_json(changed)
    assert document["baseline"]["metrics"] == untouched["metrics"]
    assert document["baseline"]["tiers"] == untouched["tiers"]
    assert document["baseline"]["overloaded"] is untouched["overloaded"] is False
    assert document["metrics"] == alone["metrics"]  # the run itself is unchanged
    assert document["provenance"]["common_random_numbers"] is True
    differences = document["differences"]
    assert set(differences) == set(document["metrics"])
    for key, difference in differences.items():
        ours, theirs = document["metrics"][key], untouched["metrics"][key]
        if replications == "1" and ours is not None and theirs is not None:
            assert difference["mean_diff"] == pytest.approx(ours - theirs), key
            assert difference["n"] == 1 and difference["ci95"] is None


# --------------------------------------------------------------------------- --plots


def _fake_plots(monkeypatch: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """Install a stand-in ``sim.plots`` that records its calls and writes one file each."""
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def run_charts(log: Sequence[Any], document: dict[str, Any], title: str, out_dir: Path):
        calls.append(("run", (log, document, title, out_dir)))
        path = out_dir / "run.png"
        path.write_bytes(b"png")
        return [path]

    def compare_charts(variants: Sequence[Any], title: str, out_dir: Path) -> list[Path]:
        calls.append(("compare", (variants, title, out_dir)))
        path = out_dir / "compare.png"
        path.write_bytes(b"png")
        return [path]

    fake = types.ModuleType("sim.plots")
    fake.run_charts = run_charts  # type: ignore[attr-defined]
    fake.compare_charts = compare_charts  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sim.plots", fake)
    monkeypatch.setattr(sim, "plots", fake, raising=False)
    return calls


@pytest.mark.parametrize("replications", ["1", "2"])
def test_run_plots_get_the_log_of_replication_0(
    replications: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    calls = _fake_plots(monkeypatch)
    charts = tmp_path / "charts"  # new: created after the run, its parent exists
    status, stdout, _ = run_cli(capsys, "run", "elite", "--days", DAYS, "-r", replications,
                                "-w", "1", "--plots", str(charts))  # fmt: skip
    assert status == 0
    [(kind, (log, document, title, out_dir))] = calls
    assert kind == "run" and out_dir == charts and charts.is_dir()
    expected = run_replication(scenario(), 0, keep_log=True)
    assert len(log) == expected.events
    assert document["provenance"]["replications"] == int(replications)
    assert "Elite" in title
    assert f"wrote {charts / 'run.png'}" in stdout


def test_compare_plots_get_each_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    calls = _fake_plots(monkeypatch)
    status, stdout, _ = run_cli(
        capsys, "compare", "elite", "--vary", "practices.canary=false", "--days", DAYS,
        "-r", "2", "-w", "1", "--plots", str(tmp_path),
    )  # fmt: skip
    assert status == 0
    [(kind, (variants, title, out_dir))] = calls
    assert kind == "compare" and out_dir == tmp_path
    assert [label for label, _, _ in variants] == ["elite", "practices.canary=false"]
    assert all(log and document["metrics"] for _, log, document in variants)
    assert "elite" in title and "practices.canary=false" in title
    assert str(tmp_path / "compare.png") in stdout


def test_real_plots_write_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sim.plots")
    status, _, err = run_cli(capsys, "run", "elite", "--days", DAYS, "--plots", str(tmp_path),
                             "-q")  # fmt: skip
    assert status == 0, err
    charts = str(tmp_path / "cmp")
    status, _, err = run_cli(capsys, "compare", "elite", "continuous-delivery", "--days", DAYS,
                             "-r", "2", "-w", "1", "--plots", charts, "-q")  # fmt: skip
    assert status == 0, err
    assert any(tmp_path.iterdir()) and any((tmp_path / "cmp").iterdir())
