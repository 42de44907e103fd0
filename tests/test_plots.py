"""Charts: the data behind them (exact, on a hand-made log) and the PNGs (real runs).

The pure data functions of :mod:`sim.plots.data` are checked against arithmetic done by
hand on a tiny log; the charts are checked for existence, PNG validity, pixel size and
non-blankness on real logs of the elite and legacy-enterprise scenarios.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg
from PIL import Image

from sim.events import Event, Kind
from sim.loading import load_scenario
from sim.plots import (
    COMPARE_CHARTS,
    RUN_CHARTS,
    aging_wip,
    cfd_counts,
    compare_charts,
    cumulative_delivered,
    deliveries,
    format_metric,
    impact_curve,
    incidents,
    lead_times,
    run_charts,
    weekly_throughput,
)
from sim.plots import run as run_module
from sim.plots import scorecard as scorecard_module
from sim.plots.data import STATES, log_end, measured_lead_times, percentiles, transitions
from sim.plots.run import cumulative_flow_chart
from sim.plots.series import IMPACT_POINTS, VariantSeries
from sim.plots.style import DPI, FIGSIZE
from sim.runner import result_document, run_replication

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HEIGHT, WIDTH = round(FIGSIZE[1] * DPI), round(FIGSIZE[0] * DPI)  # 7.2 in, 12.8 in at 150 dpi


def ev(t: float, kind: str, subject: int, /, **data: object) -> Event:
    return Event(t, Kind(kind), subject, dict(data))


def arrived(t: float, item: int, origin: str = "demand") -> Event:
    return ev(t, "arrived", item, kind="feature", effort_hours=1.0, team=0, origin=origin)


def started(t: float, item: int, stage: str = "development") -> Event:
    return ev(t, "started", item, stage=stage, pool="dev")


# A three-week run (until 504 h = 3 × 168 h) with a 36 h warm-up.
#   item 1: arrives 0, dev 2, committed 10, ready 12, delivered 30   → lead 30 h (in warm-up)
#   item 2: arrives 5, dev 6, committed 20, ready 22, returned (regression) 40, dev 41,
#           committed 50, ready 55, delivered 200                     → lead 195 h
#   item 3: arrives 8, never started                                  → backlog at the end
#   item 4: an improvement item (not demand): ignored everywhere
#   item 5: arrives 150, dev 160, committed 170                       → testing at the end
#   item 6: arrives 10, dev 11, committed 12, ready 13, delivered 14, rolled back 15, dev 16
#                                                                    → development at the end
#   incident 0: opened 48 (share 0.5), detected 49, share 0.25 from 50, restored 54
#   incident 1: opened 52 (share 1.0), restored 53
TINY = sorted(
    [
        ev(0.0, "window", -1, warmup_hours=36.0, until_hours=504.0),
        arrived(0.0, 1),
        started(2.0, 1),
        ev(10.0, "committed", 1, rework=False),
        ev(12.0, "ready", 1),
        ev(30.0, "delivered", 1, kind="feature", batch=0),
        arrived(5.0, 2),
        started(6.0, 2),
        ev(20.0, "committed", 2, rework=False),
        ev(22.0, "ready", 2),
        ev(40.0, "returned", 2, reason="regression"),
        started(41.0, 2),
        ev(50.0, "committed", 2, rework=True),
        ev(55.0, "ready", 2),
        ev(200.0, "delivered", 2, kind="feature", batch=3),
        arrived(8.0, 3),
        arrived(100.0, 4, origin="improvement"),
        started(101.0, 4),
        ev(120.0, "delivered", 4, kind="improvement", batch=2),
        arrived(150.0, 5),
        started(160.0, 5),
        ev(161.0, "started", 5, stage="manual_test", pool="qa"),  # not a state change
        ev(170.0, "committed", 5, rework=False),
        arrived(10.0, 6),
        started(11.0, 6),
        ev(12.0, "committed", 6, rework=False),
        ev(13.0, "ready", 6),
        ev(14.0, "delivered", 6, kind="feature", batch=1),
        ev(15.0, "returned", 6, reason="rollback"),
        started(16.0, 6),
        ev(48.0, "incident_opened", 0, cause="defect", severity=2, share=0.5, batch=1, change=True),
        ev(49.0, "incident_detected", 0, by="threshold"),
        ev(50.0, "impact_changed", 0, share=0.25),
        ev(52.0, "incident_opened", 1, cause="config", severity=1, share=1.0, batch=2, change=True),
        ev(53.0, "incident_restored", 1, method="rollback", share=0.0),
        ev(54.0, "incident_restored", 0, method="repair", share=0.0),
    ],
    key=lambda e: e.t,
)


# -- pure data, exact ------------------------------------------------------------------------


def test_cfd_counts_by_hand() -> None:
    counts = cfd_counts(TINY, [0.0, 9.0, 14.0, 15.0, 45.0, 504.0])
    # t=0: item 1 arrived → backlog 1.
    # t=9: items 1, 2 in development (started 2, 6); item 3 arrived at 8 → backlog.
    # t=14: item 1 ready (12) → waiting; item 2 dev; item 3 backlog; item 6 delivered at 14.
    # t=15: item 6 rolled back → development again (2 in development, none delivered).
    # t=45: item 1 delivered (30); item 2 returned at 40 → dev; item 3 backlog; item 6 dev.
    # t=504: items 1, 2 delivered; 3 backlog; 5 committed → testing; 6 dev.  Item 4 ignored.
    assert counts == {
        "backlog": [1, 1, 1, 1, 1, 1],
        "development": [0, 2, 1, 2, 2, 1],
        "testing": [0, 0, 0, 0, 0, 1],
        "waiting": [0, 0, 1, 1, 0, 0],
        "delivered": [0, 0, 1, 0, 1, 2],
    }


def test_lead_times_and_deliveries_by_hand() -> None:
    # Item 1: 30 − 0 = 30 h; item 2: 200 − 5 = 195 h.  Item 6 was rolled back and never
    # redelivered, item 4 is not demand.
    assert [(d.item, d.lead) for d in deliveries(TINY)] == [(1, 30.0), (2, 195.0)]
    assert lead_times(TINY) == [30.0, 195.0]
    # Window [36, 504]: item 1 was delivered during the warm-up.
    assert measured_lead_times(TINY) == [195.0]
    assert lead_times(TINY, 0.0, 100.0) == [30.0]


def test_percentiles_are_linear_interpolation() -> None:
    # 85th percentile of 0..10: rank 0.85 × 10 = 8.5 → halfway between 8 and 9.
    assert percentiles(list(range(11)), (50, 85)) == {50: 5.0, 85: 8.5}
    assert percentiles([], (50,)) == {50: None}


def test_weekly_throughput_by_hand() -> None:
    # 504 h = 3 full weeks.  Item 1 at 30 h → week 0; item 2 at 200 h → week 1 (168–336).
    assert weekly_throughput(TINY) == [1, 1, 0]
    # A partial trailing week is dropped: to 400 h there are 2 full weeks.
    assert weekly_throughput(TINY, end=400.0) == [1, 1]
    # A run shorter than a week keeps its partial week (item 1 at 30 h; item 6 rolled back).
    assert weekly_throughput(TINY, end=100.0) == [1]


def test_aging_wip_by_hand() -> None:
    # At the end (504 h): item 3 (arrived 8) backlog 496 h; item 6 (arrived 10) in
    # development 494 h; item 5 (arrived 150) in testing 354 h; nothing waiting.
    assert aging_wip(TINY) == {
        "backlog": [496.0],
        "development": [494.0],
        "testing": [354.0],
        "waiting": [],
    }
    # At 45 h: item 3 backlog 37 h; items 2 (arrived 5) and 6 (arrived 10) in development.
    at45 = aging_wip(TINY, at=45.0)
    assert at45["backlog"] == [37.0]
    assert sorted(at45["development"]) == [35.0, 40.0]


def test_cumulative_delivered_by_hand() -> None:
    # +1 at 14 (item 6), −1 at 15 (rollback), +1 at 30 (item 1), +1 at 200 (item 2), to 504.
    assert cumulative_delivered(TINY) == ([0.0, 14.0, 15.0, 30.0, 200.0, 504.0], [0, 1, 0, 1, 2, 2])


def test_incidents_and_impact_by_hand() -> None:
    found = incidents(TINY)
    assert [(i.number, i.cause, i.opened, i.detected, i.restored) for i in found] == [
        (0, "defect", 48.0, 49.0, 54.0),
        (1, "config", 52.0, None, 53.0),
    ]
    # 48–50: 0.5 × 2 h = 1.0; 50–52: 0.25 × 2 h = 0.5 (total 1.5);
    # 52–53: 0.25 + 1.0 capped at 1 → 1.0 (total 2.5); 53–54: 0.25 (total 2.75); then 0.
    curve = impact_curve(TINY, [0.0, 49.0, 52.0, 53.0, 54.0, 504.0])
    assert curve == pytest.approx([0.0, 0.5, 1.5, 2.5, 2.75, 2.75])


def test_empty_log_data() -> None:
    assert cfd_counts([], [0.0, 10.0]) == {state: [0, 0] for state in STATES}
    assert lead_times([]) == []
    assert weekly_throughput([]) == []
    assert aging_wip([]) == {"backlog": [], "development": [], "testing": [], "waiting": []}
    assert incidents([]) == []
    assert impact_curve([], [0.0, 5.0]) == [0.0, 0.0]
    assert cumulative_delivered([]) == ([0.0], [0])


@pytest.mark.parametrize(
    ("key", "value", "interval", "expected"),
    [
        ("deployment_frequency", 6.34, None, ("6.3 per day", None)),
        ("deployment_frequency", 0.5, [0.4, 0.6], ("3.5 per week", "± 0.7 per week")),
        ("deployment_frequency", 0.02, None, ("0.60 per month", None)),
        ("lead_time", 3.22, None, ("3.2 hours", None)),
        ("lead_time", 100.0, None, ("4.2 days", None)),
        ("time_to_restore", 1 / 6, None, ("10 min", None)),
        ("change_failure_rate", 0.15, [0.1, 0.2], ("15.0 %", "± 5.0 %")),
        ("change_failure_rate", None, None, ("—", None)),
    ],
)
def test_format_metric(key, value, interval, expected) -> None:
    assert format_metric(key, value, interval) == expected


# -- real runs --------------------------------------------------------------------------------


def _run(name: str, days: float, warmup: float):
    scenario = load_scenario(name).with_values({"run.days": days, "run.warmup_days": warmup})
    result = run_replication(scenario, keep_log=True)
    return scenario, result.log, result_document(scenario, [result])


@pytest.fixture(scope="module")
def elite():
    return _run("elite", 60.0, 10.0)


@pytest.fixture(scope="module")
def legacy():
    return _run("legacy-enterprise", 200.0, 30.0)


def assert_png(path: Path) -> None:
    assert path.is_file()
    assert path.read_bytes()[:8] == PNG_MAGIC
    pixels = mpimg.imread(path)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    assert float(np.var(pixels[..., :3])) > 0  # not blank


@pytest.mark.parametrize("which", ["elite", "legacy"])
def test_cfd_conserves_items(which, request) -> None:
    _, log, _ = request.getfixturevalue(which)
    times = np.linspace(0.0, log[-1].t, 200)
    counts = cfd_counts(log, times)
    arrivals = sorted(e.t for e in log if e.kind == "arrived" and e.data["origin"] == "demand")
    for i, t in enumerate(times):
        assert sum(counts[s][i] for s in STATES) == np.searchsorted(arrivals, t, side="right")


@pytest.mark.parametrize("which", ["elite", "legacy"])
def test_chart_data_agree_with_metrics(which, request) -> None:
    _, log, document = request.getfixturevalue(which)
    metrics = document["metrics"]
    measured = measured_lead_times(log)
    assert len(measured) == metrics["delivered"]
    marks = percentiles(measured, (50, 85))
    assert marks[50] == pytest.approx(metrics["customer_lead_time_hours_median"])
    assert marks[85] == pytest.approx(metrics["customer_lead_time_hours_p85"])
    warmup, until = log[0].data["warmup_hours"], log[0].data["until_hours"]
    start, end = impact_curve(log, [warmup, until])
    assert end - start == pytest.approx(metrics["user_impact_hours"], abs=1e-9)
    # every delivery before the last full week's end is counted once
    weekly = weekly_throughput(log)
    cutoff = len(weekly) * 168.0
    assert sum(weekly) == sum(1 for d in deliveries(log) if d.delivered < cutoff)
    assert all(tr.t <= until for tr in transitions(log))


@pytest.mark.parametrize("which", ["elite", "legacy"])
def test_run_charts(which, request, tmp_path) -> None:
    scenario, log, document = request.getfixturevalue(which)
    paths = run_charts(log, document, scenario.scenario.title, tmp_path)
    assert [p.name for p in paths] == list(RUN_CHARTS)
    assert all(p.parent == tmp_path for p in paths)
    for path in paths:
        assert_png(path)


def test_scorecard_with_confidence_intervals(elite, tmp_path) -> None:
    scenario, log, document = elite
    metrics = document["metrics"]
    ci = {k: [v * 0.9, v * 1.1] for k, v in metrics.items() if isinstance(v, float)}
    with_ci = {**document, "ci95": ci, "expected_tier": "high"}
    with_ci["metrics"] = {**metrics, "time_to_restore_hours_median": None}
    paths = run_charts(log, with_ci, scenario.scenario.title, tmp_path)
    assert_png(paths[-1])


def test_scorecards_flag_an_overloaded_run(elite, tmp_path, monkeypatch) -> None:
    """The overall tile of an overloaded run takes the warning colour and says why; the
    expected tier is not "met" even though the tiers match."""
    _, _, document = elite
    drowning = {
        **document,
        "metrics": {**document["metrics"], "overloaded": 1.0, "backlog_growth_per_week": 31.5},
        "tiers": {**document["tiers"], "overall": "elite"},
        "expected_tier": "elite",
    }
    tiles: list[tuple[str | None, list[str], str | None]] = []
    draw = scorecard_module._tile

    def record(ax, x, y, w, h, tier, lines, colour=None) -> None:
        tiles.append((tier, [line[0] for line in lines], colour))
        draw(ax, x, y, w, h, tier, lines, colour)

    monkeypatch.setattr(scorecard_module, "_tile", record)
    assert_png(scorecard_module.scorecard_chart(drowning, "Drowning", tmp_path / "card.png"))
    overall, expected = tiles[-2], tiles[-1]
    assert overall[1][:2] == ["Overall: ELITE — OVERLOADED", "backlog grows 31.5 items per week"]
    assert expected[1][0] == "Expected: ELITE  ✗ overloaded"
    assert overall[2] == expected[2] == scorecard_module.OVERLOAD_COLOUR
    tiles.clear()
    variants = [("keeps up", document), ("drowning", drowning)]
    assert_png(scorecard_module.compare_scorecard_chart(variants, "Both", tmp_path / "c.png"))
    kept, drowned = tiles[-2], tiles[-1]  # the overall row, one tile per variant
    assert "OVERLOADED" not in kept[1] and kept[2] is None
    assert drowned[1] == ["ELITE", "OVERLOADED"]
    assert drowned[2] == scorecard_module.OVERLOAD_COLOUR


def test_compare_charts(elite, legacy, tmp_path) -> None:
    variants = [("Elite", elite[1], elite[2]), ("Legacy enterprise", legacy[1], legacy[2])]
    paths = compare_charts(variants, "Elite vs legacy", tmp_path)
    assert [p.name for p in paths] == list(COMPARE_CHARTS)
    for path in paths:
        assert_png(path)


def test_empty_logs_draw_no_data_charts(tmp_path) -> None:
    paths = run_charts([], {}, "Empty run", tmp_path)
    assert [p.name for p in paths] == list(RUN_CHARTS)
    for path in paths:
        assert_png(path)
    one = tmp_path / "one"
    one.mkdir()
    for path in compare_charts([("a", [], {}), ("b", [], {"metrics": {}})], "Empty", one):
        assert_png(path)
    none = tmp_path / "none"
    none.mkdir()
    for path in compare_charts([], "Nothing", none):
        assert_png(path)


def test_missing_directory_is_an_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        run_charts(TINY, {}, "Tiny", tmp_path / "absent")


def test_tiny_log_charts(tmp_path) -> None:
    for path in run_charts(TINY, {}, "Tiny", tmp_path):
        assert_png(path)


def test_charts_use_no_pyplot(tmp_path) -> None:
    """The charts never touch pyplot's global state (nor open a display)."""
    code = (
        "import sys; from pathlib import Path; from sim.plots import run_charts;"
        f"run_charts([], {{}}, 'x', Path({str(tmp_path)!r}));"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("which", ["elite", "legacy"])
def test_variant_series_are_what_the_log_gives(which, request) -> None:
    """Taken from the log once (so that a worker hands back small data, not the log), a
    variant's series are what the log's own functions give."""
    _, log, document = request.getfixturevalue(which)
    series = VariantSeries.from_log("x", log, document)
    assert series.delivered == cumulative_delivered(log)
    assert series.lead_times == measured_lead_times(log)
    assert series.weekly == weekly_throughput(log)
    opened = [incident.opened for incident in incidents(log)]
    assert opened and series.incidents_opened == opened
    assert len(series.impact_times) == IMPACT_POINTS
    assert series.impact_times[-1] == pytest.approx(log_end(log))
    assert series.impact == pytest.approx(impact_curve(log, series.impact_times))
    assert series.impact_at_opened == pytest.approx(impact_curve(log, opened))
    assert len(pickle.dumps(series)) < len(pickle.dumps(log)) / 4  # a few points per item


def test_a_chart_is_a_palette_png_close_to_true_colour(legacy, tmp_path, monkeypatch) -> None:
    """Saved with a 256-colour palette: every pixel within 15/255 of what Agg drew."""
    _, log, _ = legacy
    path = cumulative_flow_chart(log, "Legacy", tmp_path / "cfd.png")
    with Image.open(path) as image:
        assert image.mode == "P" and image.size == (WIDTH, HEIGHT)
        saved = np.asarray(image.convert("RGB"), dtype=int)
    drawn = {}

    def keep(fig, path):  # the same chart, drawn in true colour and not saved
        fig.canvas.draw()
        drawn["rgb"] = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
        return path

    monkeypatch.setattr(run_module, "save", keep)
    cumulative_flow_chart(log, "Legacy", tmp_path / "unused.png")
    assert np.abs(saved - drawn["rgb"]).max() <= 15
