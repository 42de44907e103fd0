"""One truth: every metric is formatted in one place and reads the same on every surface."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from sim.formatting import (
    FOUR_KEYS,
    TIER_KEY,
    format_hours,
    format_per_day,
    format_value,
    spec,
)
from sim.metrics.definitions import METRICS
from sim.metrics.tiers import ASPECTS
from sim.plots.scorecard import format_metric
from sim.report import COMPARED, DEMAND, OUTCOMES, scorecard
from sim.report import FOUR_KEYS as REPORT_FOUR_KEYS
from sim.workshop.cli import leaderboard_table
from sim.workshop.luck import format_value as luck_format_value
from sim.workshop.session import KEY_METRICS, LeaderboardRow
from tui.display import DEMAND as BOARD_DEMAND
from tui.display import FOUR_KEYS as BOARD_FOUR_KEYS
from tui.display import OUTCOMES as BOARD_OUTCOMES

METRICS_OF_A_RUN = {
    "deployment_frequency_per_day": 0.106,  # 3.2 a month
    "lead_time_hours_median": 132.0,  # 5.5 days
    "change_failure_rate": 0.125,
    "time_to_restore_hours_median": 30.0,  # 1.2 days, not "30.0 h"
    "demand_delivered_share": 0.9731,
    "backlog_growth_per_week": 0.05,
    "customer_lead_time_hours_median": 1840.0,
    "throughput_per_week": 32.9,
    "incidents": 118,
    "availability": 0.8244,
    "unplanned_work_share": 0.156,
    "rework_rate": 0.727,
}
TIERS = {"deployment_frequency": "low", "lead_time": "high", "change_failure_rate": "high",
         "time_to_restore": "medium", "overall": "medium"}  # fmt: skip


def _is_share(unit: str) -> bool:
    """A share 0–1 (not "share-weighted hours", a duration)."""
    return unit == "share" or unit.startswith("share ")


def _expand(name: str) -> str:
    """A concrete key of a pattern (``queue_hours_mean_<stage>`` → ``…_development``)."""
    return re.sub(r"<[^>]+>", "development", name)


@pytest.mark.parametrize("definition", METRICS, ids=lambda m: m.name)
def test_every_metric_has_a_formatter_and_a_unit(definition) -> None:
    key = _expand(definition.name)
    shown = spec(key)
    assert shown.key == (definition.name if not definition.pattern else key)
    assert shown.label and shown.short and "<" not in shown.label
    assert shown.family in {"duration", "frequency", "share", "count", "rate", "number"}
    text = format_value(key, 12.0)
    assert text and text != "—"
    assert format_value(key, None) == "—"
    # The family matches the definition's unit.
    unit = definition.unit
    if unit == "hours":
        assert shown.family == "duration"
    elif _is_share(unit):
        assert shown.family == "share"
    elif unit == "count":
        assert shown.family == "count"
    elif "/week" in unit:
        assert shown.family == "rate" and "week" in shown.unit


def test_the_four_keys_come_from_the_tier_tables() -> None:
    assert tuple(TIER_KEY[key] for key in FOUR_KEYS) == ASPECTS
    assert FOUR_KEYS == KEY_METRICS
    assert [key for _, key, _, _ in REPORT_FOUR_KEYS] == list(FOUR_KEYS)
    assert [s.key for s in BOARD_FOUR_KEYS] == list(FOUR_KEYS)


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.001, "< 1 min"),
        (0.17, "10 min"),
        (3.13, "3.1 h"),
        (23.9, "23.9 h"),
        (24.0, "1.0 days"),
        (30.0, "1.2 days"),
        (47.7, "2.0 days"),
        (2226.0, "92.8 days"),
    ],
)
def test_durations_of_a_day_and_more_are_in_days(hours: float, text: str) -> None:
    assert format_hours(hours) == text
    for key in ("lead_time_hours_median", "time_to_restore_hours_median",
                "customer_lead_time_hours_median", "queue_hours_mean_testing"):  # fmt: skip
        assert format_value(key, hours) == text


@pytest.mark.parametrize(
    ("per_day", "text"),
    [(6.26, "6.3 / day"), (1.0, "1.0 / day"), (0.5, "3.5 / week"), (0.106, "3.2 / month")],
)
def test_one_rule_for_deployment_frequency(per_day: float, text: str) -> None:
    assert format_per_day(per_day) == text
    assert format_value("deployment_frequency_per_day", per_day) == text


def _plain(renderable) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


class _Scenario:
    """What :func:`sim.report.scorecard` reads of a scenario."""

    class scenario:
        title = "A run"
        name = "a-run"

    class run:
        seed = 1
        days = 365.0
        warmup_days = 90.0
        tier_edition = "2023"


def _row(metrics) -> LeaderboardRow:
    return LeaderboardRow(1, "red", 1, 500.0, 500.0, {k: metrics.get(k) for k in KEY_METRICS},
                          TIERS)  # fmt: skip


@pytest.mark.parametrize("key", FOUR_KEYS)
def test_a_four_key_reads_the_same_on_every_surface(key: str) -> None:
    value = METRICS_OF_A_RUN[key]
    expected = format_value(key, value)
    # CLI scorecard
    document = {"metrics": METRICS_OF_A_RUN, "tiers": TIERS, "provenance": {"seed": 1}}
    text = _plain(scorecard(document, _Scenario()))
    label = next(label for label, k, _, _ in REPORT_FOUR_KEYS if k == key)
    line = next(line for line in text.splitlines() if label in line)
    assert expected in line
    # The board's four-keys tiles and you-vs-ghost panel
    board = next(s for s in BOARD_FOUR_KEYS if s.key == key)
    assert board.fmt(value) == expected
    # The workshop leaderboard (CLI) and the facilitator's console (the board's specs)
    table = _plain(leaderboard_table([_row(METRICS_OF_A_RUN)]))
    assert expected in table
    # The debrief's luck-vs-decisions text
    assert luck_format_value(key, value) == expected
    # The compare table
    row = next(r for r in COMPARED if r.key == key)
    assert row.value(value, None) == expected
    # The scorecard chart: the same number, the unit spelt out
    number, unit, _ = spec(key).parts(value)
    assert format_metric(TIER_KEY[key], value)[0] == f"{number} {unit}"
    assert expected.startswith(number)


def test_the_other_board_rows_read_as_the_scorecard() -> None:
    rows = {key: fmt for _, key, fmt in (*DEMAND, *OUTCOMES)}
    for board in (*BOARD_DEMAND, *BOARD_OUTCOMES):
        value = METRICS_OF_A_RUN[board.key]
        if board.key in rows:
            # The board's narrow columns drop the unit's noun ("items / week" → "/ week").
            full = rows[board.key](value, None)
            assert board.fmt(value) == full.replace("items ", "")
        assert board.fmt(value) == format_value(board.key, value, compact=True)


SHARES = [m.name for m in METRICS if _is_share(m.unit)]


@pytest.mark.parametrize("key", [_expand(k) for k in SHARES])
def test_no_surface_shows_a_raw_fraction_for_a_share(key: str) -> None:
    text = format_value(key, 0.125)
    assert text.endswith("%") and "0.125" not in text and not text.startswith("0.1 ")
    assert text in {"12.5 %", "12.50 %", "13 %"}


def test_leaderboard_shows_shares_as_percent_and_durations_in_days() -> None:
    text = _plain(leaderboard_table([_row(METRICS_OF_A_RUN)]))
    assert "12.5 % high" in text
    assert "0.12" not in text and "0.13" not in text
    assert "5.5 days high" in text and "1.2 days medium" in text
    assert "132" not in text  # no hours for a lead time of days
    assert "last round" in text


def test_luck_reading_uses_the_shared_units() -> None:
    assert luck_format_value("change_failure_rate", 0.2) == "20.0 %"
    assert luck_format_value("lead_time_hours_median", 2226.0) == "92.8 days"
    assert luck_format_value("deployment_frequency_per_day", 2.0) == "2.0 / day"
    assert luck_format_value("time_to_restore_hours_median", None) == "—"


def test_chart_axes_take_one_unit_per_chart() -> None:
    factor, unit = spec("lead_time_hours_median").axis([48.0, 2226.0, 500.0, None])
    assert unit == "days" and factor == pytest.approx(1 / 24)
    factor, unit = spec("change_failure_rate").axis([0.1, 0.2])
    assert (factor, unit) == (100.0, "%")
    factor, unit = spec("deployment_frequency_per_day").axis([0.2, 0.3, 0.5])
    assert unit == "per week" and factor == pytest.approx(7.0)


def test_compare_rows_use_the_shared_units() -> None:
    by_key = {row.key: row for row in COMPARED}
    assert by_key["time_to_restore_hours_median"].value(30.0, None) == "1.2 days"
    assert by_key["user_impact_hours"].value(30.0, None) == "1.2 days"
    assert by_key["time_to_detect_hours_median"].value(3.0, None) == "3.0 h"
    assert by_key["throughput_per_week"].value(32.9, None) == "32.9 / week"
    assert by_key["overloaded"].value(0.5, None) == "50 %"
    assert by_key["lead_time_hours_median"].difference(30.0, None) == "1.2 days"
    assert by_key["change_failure_rate"].difference(0.05, None) == "5.0 pp"
