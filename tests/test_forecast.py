"""Monte Carlo forecasts from throughput history (:mod:`sim.calibration.forecast`).

Checked three ways: exact answers where the arithmetic is known (a constant history, a
two-valued history whose total is binomial), properties that must hold for any history
(determinism, monotonicity, the confidence convention on the trial arrays), and a
back-test on the Textual project's real release record.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import image as mpimg
from scipy import stats

from sim.calibration import forecast as fc
from sim.calibration.forecast import (
    CONFIDENCES,
    HowMany,
    When,
    how_many,
    periods_between,
    periods_max,
    throughput_per_period,
    when_done,
)
from sim.errors import ScenarioError
from sim.plots import forecast as forecast_plots
from sim.plots import style
from sim.plots.forecast import forecast_chart

TEXTUAL = Path("/work/shared/data/textual-delivery/changes.csv")
UTC = "UTC"


def utc(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz=UTC)


# --------------------------------------------------------------------------- exact cases


@pytest.mark.parametrize("horizon", [1, 12, 65, 200])
def test_constant_history_gives_exactly_rate_times_horizon(horizon) -> None:
    result = how_many([5, 5, 5], horizon, trials=500, seed=3)
    assert set(result.totals.tolist()) == {5 * horizon}
    assert result.answers == dict.fromkeys(CONFIDENCES, 5 * horizon)


@pytest.mark.parametrize("items", [1, 4, 5, 6, 10, 11, 321, 1000])
def test_constant_history_finishes_in_ceil_items_over_rate(items) -> None:
    result = when_done([5] * 4, items, trials=500, seed=3)
    assert set(result.periods.tolist()) == {math.ceil(items / 5)}
    assert result.answers == dict.fromkeys(CONFIDENCES, math.ceil(items / 5))
    assert result.unfinished == 0.0


def test_two_valued_history_gives_a_binomial_total() -> None:
    """Periods of 0 or 10 items, equally often: a 20-period total is 10 · Binomial(20, ½).

    The "c %" answer is an order statistic of the trials, about the (100 − c)th
    percentile.  With n trials, the share of trials below an order statistic estimates
    the true CDF there with standard error se = sqrt(p (1 − p) / n).  So the Monte Carlo
    answer must lie between the binomial quantiles at p − 4·se and p + 4·se (4 standard
    errors: a false failure about once in 30,000 runs, and the seed is fixed anyway).
    For 10,000 trials that band holds one value for both the median and the 15th
    percentile, so the check is exact here, but derived rather than tuned.
    """
    horizon, trials = 20, 10_000
    result = how_many([0, 10, 10, 0], horizon, trials=trials, seed=11)
    assert set(np.unique(result.totals) % 10) == {0}
    binomial = stats.binom(horizon, 0.5)
    for confidence in (50, 85):
        p = (100 - confidence) / 100
        se = math.sqrt(p * (1 - p) / trials)
        low, high = binomial.ppf(p - 4 * se), binomial.ppf(p + 4 * se)
        assert 10 * low <= result.answers[confidence] <= 10 * high, (confidence, low, high)
    assert result.answers[50] == 10 * binomial.median() == 100
    assert result.answers[85] == 10 * binomial.ppf(0.15) == 80
    # the whole distribution, not just two points: chi-square against Binomial(20, ½)
    observed = np.bincount(result.totals // 10, minlength=horizon + 1)
    expected = binomial.pmf(np.arange(horizon + 1)) * trials
    keep = expected >= 5
    chi2 = ((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    assert stats.chi2(keep.sum() - 1).sf(chi2) > 1e-4


def test_all_zero_history_delivers_nothing() -> None:
    result = how_many([0, 0, 0], 10, trials=100)
    assert result.answers == dict.fromkeys(CONFIDENCES, 0)


def test_not_within_max_periods_is_a_documented_none() -> None:
    """One item every 11 days on average: 100 items take about 1,100 days, so hardly
    any trial finishes within 365 and every answer is "not within max_periods"."""
    result = when_done([0] * 10 + [1], 100, trials=2_000, seed=1, max_periods=365, period="day")
    assert result.answers == dict.fromkeys(CONFIDENCES, None)
    assert result.unfinished > 0.95
    assert np.isinf(result.periods).mean() == result.unfinished
    assert result.label(85) == "85 %: not within 365 days"
    assert result.days(85) is None and result.date(85) is None
    assert json.loads(json.dumps(result.as_dict()))["periods_within"]["p85"] is None


# --------------------------------------------------------------------------- properties


def test_same_seed_same_trials_and_more_trials_only_add_trials() -> None:
    history = [0, 3, 7, 1, 12, 0, 4]
    first = how_many(history, 30, trials=1_000, seed=42)
    again = how_many(history, 30, trials=1_000, seed=42)
    more = how_many(history, 30, trials=4_000, seed=42)
    other = how_many(history, 30, trials=1_000, seed=43)
    np.testing.assert_array_equal(first.totals, again.totals)
    np.testing.assert_array_equal(first.totals, more.totals[:1_000])
    assert not np.array_equal(first.totals, other.totals)
    done = when_done(history, 150, trials=1_000, seed=42)
    np.testing.assert_array_equal(done.periods, when_done(history, 150, 1_000, 42).periods)
    np.testing.assert_array_equal(done.periods, when_done(history, 150, 3_000, 42).periods[:1_000])


def test_both_questions_see_the_same_futures() -> None:
    """Trial by trial: N items are done within H periods exactly when the H-period total
    reaches N (both questions draw the same periods for the same seed)."""
    history = [0, 3, 7, 1, 12, 0, 4, 30]
    for horizon, items in ((1, 5), (10, 40), (70, 300), (130, 600)):
        total = how_many(history, horizon, trials=2_000, seed=5).totals
        done = when_done(history, items, trials=2_000, seed=5).periods
        np.testing.assert_array_equal(done <= horizon, total >= items)


histories = st.lists(st.integers(0, 30), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(histories, st.integers(1, 80), st.integers(0, 80), st.integers(0, 2**32))
def test_a_longer_horizon_never_gives_fewer_items(history, horizon, extra, seed) -> None:
    short = how_many(history, horizon, trials=300, seed=seed)
    longer = how_many(history, horizon + extra, trials=300, seed=seed)
    assert np.all(longer.totals >= short.totals)
    for confidence in (*CONFIDENCES, 1, 100):
        assert longer.at(confidence) >= short.at(confidence)


def _inf(value: int | None) -> float:
    return math.inf if value is None else value


@settings(max_examples=40, deadline=None)
@given(histories.filter(any), st.integers(1, 300), st.integers(0, 300), st.integers(0, 2**32))
def test_more_items_never_finish_earlier(history, items, extra, seed) -> None:
    fewer = when_done(history, items, trials=300, seed=seed, max_periods=200)
    more = when_done(history, items + extra, trials=300, seed=seed, max_periods=200)
    assert np.all(more.periods >= fewer.periods)
    for confidence in (*CONFIDENCES, 1, 100):
        assert _inf(more.at(confidence)) >= _inf(fewer.at(confidence))


LUMPY = [33, 0, 0, 0, 362, 94, 55, 58, 0, 0, 0, 247, 120, 126, 6, 40, 18, 16, 37, 57]


@pytest.mark.parametrize("trials", [1, 7, 100, 1_000, 9_999])
def test_confidence_convention_on_the_trial_arrays(trials) -> None:
    """ "c %" of how_many: the largest count that at least c % of trials reach or exceed.
    "c %" of when_done: the fewest periods within which at least c % of trials finish."""
    totals = how_many(LUMPY, 12, trials=trials, seed=2)
    done = when_done(LUMPY, 700, trials=trials, seed=2)
    for confidence in (*CONFIDENCES, 1, 5, 100):
        count = totals.at(confidence)
        assert np.mean(totals.totals >= count) >= confidence / 100
        assert np.mean(totals.totals >= count + 1) < confidence / 100
        periods = done.at(confidence)
        assert periods is not None
        assert np.mean(done.periods <= periods) >= confidence / 100
        assert np.mean(done.periods <= periods - 1) < confidence / 100
    # a higher confidence is a smaller count and a later finish
    assert totals.answers[50] >= totals.answers[85] >= totals.answers[95]
    assert done.answers[50] <= done.answers[85] <= done.answers[95]


def test_ten_thousand_trials_are_quick() -> None:
    history = np.arange(52) % 9
    started = time.perf_counter()
    how_many(history, 52)
    when_done(history, 1_000)
    assert time.perf_counter() - started < 2.0  # about 0.05 s; generous for a busy machine


def test_results_are_frozen_and_serialisable() -> None:
    result = how_many([1, 2, 3], 4, trials=50, history_start=utc("2024-01-01"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.trials = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        result.totals[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        result.history[0] = 0
    document = json.loads(json.dumps(result.as_dict()))
    assert document["start"] == "2024-01-22T00:00:00+00:00"  # the history's end (3 weeks)
    assert document["end"] == "2024-02-19T00:00:00+00:00"
    assert document["items_at_least"] == {f"p{c}": result.answers[c] for c in CONFIDENCES}


def test_dates_and_labels() -> None:
    start = utc("2025-01-01")
    many = how_many([5], 12, trials=10, start=start)
    assert many.end == utc("2025-03-26") and many.horizon_days == 84
    assert many.label(85, "changes") == "85 %: 60 changes or more"
    done = when_done([5], 443, trials=10, start=start)
    assert done.at(85) == 89 and done.days(85) == 623
    assert done.date(85) == start + pd.Timedelta(days=623)
    assert done.label(85) == "85 %: within 89 weeks (by 2026-09-15)"  # last day included
    daily = when_done([2], 3, trials=10, period="day")
    assert daily.label(50) == "50 %: within 2 days"


# --------------------------------------------------------------------------- history


def test_throughput_counts_whole_periods_and_drops_the_partial_one() -> None:
    times = pd.Series(
        pd.to_datetime(
            [
                "2023-12-31T23:59:59Z",  # before the start: not counted
                "2024-01-01T00:00:00Z",  # week 0 (periods include their start)
                "2024-01-07T23:59:59Z",  # week 0
                "2024-01-08T00:00:00Z",  # week 1
                "2024-01-14T12:00:00Z",  # week 1
                "2024-01-15T00:00:00Z",  # the partial third week: dropped
                None,  # not deployed (NaT): not counted
            ],
            utc=True,
        )
    )
    weekly = throughput_per_period(times, utc("2024-01-01"), utc("2024-01-17"))
    assert weekly.tolist() == [2, 2] and weekly.dtype == np.int64
    daily = throughput_per_period(times, utc("2024-01-01"), utc("2024-01-15"), period="day")
    assert len(daily) == 14 and daily[0] == 1 and daily[6] == 1 and daily[7] == 1
    assert daily.sum() == 4
    # numpy datetime64 (no time zone) works the same way
    naive = times.dt.tz_localize(None).to_numpy()
    start, end = np.datetime64("2024-01-01"), np.datetime64("2024-01-17")
    assert throughput_per_period(naive, start, end).tolist() == [2, 2]
    assert periods_between(utc("2024-01-01"), utc("2024-01-17")) == 2
    assert periods_between(utc("2024-01-17"), utc("2024-01-01")) == 0


@pytest.fixture(scope="module")
def textual() -> pd.DataFrame:
    if not TEXTUAL.is_file():
        pytest.skip(f"the Textual delivery record is not at {TEXTUAL}")
    return pd.read_csv(TEXTUAL, parse_dates=["committed_at", "deployed_at"])


def test_textual_weekly_throughput_matches_a_direct_count(textual) -> None:
    start, end = utc("2024-01-01"), utc("2025-01-01")
    weekly = throughput_per_period(textual["deployed_at"], start, end)
    assert len(weekly) == 52  # 366 days: 52 whole weeks, the last 2 days dropped
    last = start + pd.Timedelta(weeks=52)
    deployed = textual["deployed_at"]
    assert weekly.sum() == ((deployed >= start) & (deployed < last)).sum()


def test_textual_back_test_2025_inside_the_5_to_95_percent_band(textual) -> None:
    """Forecast the first 12 weeks of 2025 from the weekly changes released in 2024,
    then compare with what Textual actually released (by ``deployed_at``)."""
    history_start, year_end = utc("2024-01-01"), utc("2025-01-01")
    weekly = throughput_per_period(textual["deployed_at"], history_start, year_end)
    result = how_many(weekly, 12, seed=0, history_start=history_start, start=year_end)
    deployed = textual["deployed_at"]
    actual = int(((deployed >= year_end) & (deployed < result.end)).sum())
    assert result.end == utc("2025-03-26")
    low, high = result.at(95), result.at(5)  # about the 5th and 95th percentiles of totals
    assert low <= actual <= high, (low, actual, high)
    # a "when" back-test of the same period: 443 changes were out by 2025-03-25
    done = when_done(weekly, actual, seed=0, history_start=history_start, start=year_end)
    assert done.at(5) <= 12 <= done.at(95)


# --------------------------------------------------------------------------- bad inputs


BAD = [
    (lambda: how_many([], 4), "history: is empty"),
    (lambda: how_many([[1, 2], [3, 4]], 4), "history: expected a flat sequence"),
    (lambda: how_many(["a", "b"], 4), "history: expected a sequence of per-period counts"),
    (lambda: how_many([1, float("nan")], 4), "history[1]: expected a whole number"),
    (lambda: how_many([1, math.inf], 4), "history[1]: expected a whole number"),
    (lambda: how_many([1, -2], 4), "history[1]: expected a whole number"),
    (lambda: how_many([1, 2.5], 4), "history[1]: expected a whole number"),
    (lambda: how_many([1, 10**12], 4), "history[1]: expected a whole number"),
    (lambda: how_many([1], 0), "horizon_periods: expected a whole number >= 1"),
    (lambda: how_many([1], periods_max("week") + 1), "horizon_periods"),
    (lambda: how_many([1], 3651, period="day"), "horizon_periods"),
    (lambda: how_many([1], 2.0), "horizon_periods"),  # type: ignore[arg-type]
    (lambda: how_many([1], True), "horizon_periods"),  # type: ignore[arg-type]
    (lambda: how_many([1], 4, trials=0), "trials: expected a whole number >= 1"),
    (lambda: how_many([1], 4, trials=10**6), "trials"),
    (lambda: how_many([1], 4, seed=-1), "seed: expected a whole number >= 0"),
    (lambda: how_many([1], 4, period="month"), "period: expected 'day' or 'week'"),  # type: ignore[arg-type]
    (lambda: how_many([1], 4, start="not a date"), "start: expected a date"),
    (lambda: when_done([0, 0, 0], 10), "history: finished no items in any of its 3 periods"),
    (lambda: when_done([1], 0), "items: expected a whole number >= 1"),
    (lambda: when_done([1], 10**10), "items"),
    (lambda: when_done([1], 5, max_periods=0), "max_periods: expected a whole number >= 1"),
    (lambda: when_done([1], 5, max_periods=600), "max_periods"),
    (lambda: when_done([], 5), "history: is empty"),
    (
        lambda: throughput_per_period([], utc("2024-01-01"), utc("2024-01-05")),
        "end: expected at least one whole week",
    ),
    (
        lambda: throughput_per_period(
            pd.to_datetime(["2024-01-02"]), utc("2024-01-01"), utc("2024-02-01")
        ),
        "times and start must both have a time zone or both have none",
    ),
    (
        lambda: throughput_per_period(["2024-01-02"], "2024-01-01", utc("2024-02-01")),
        "start and end must both have a time zone",
    ),
    (
        lambda: throughput_per_period(["yesterday-ish"], "2024-01-01", "2024-02-01"),
        "times: expected dates and times",
    ),
]


@pytest.mark.parametrize(("call", "fragment"), BAD)
def test_bad_inputs_give_one_line_scenario_errors(call, fragment) -> None:
    with pytest.raises(ScenarioError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(f"{fc.SOURCE}: ")
    assert fragment in message
    assert "\n" not in message


def test_numpy_integers_are_accepted() -> None:
    history = np.array([3, 4, 5], dtype=np.int32)
    result = how_many(history, np.int64(3), trials=np.int64(20), seed=np.uint8(1))
    assert result.horizon_periods == 3 and result.trials == 20 and result.seed == 1


# --------------------------------------------------------------------------- chart


def assert_png(path: Path) -> None:
    """As tests/test_plots.py checks charts: a PNG, 1920 × 1080, not blank."""
    assert path.is_file()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = mpimg.imread(path)
    assert pixels.shape[:2] == (style.PIXELS[1], style.PIXELS[0]) == (1080, 1920)
    assert float(np.var(pixels[..., :3])) > 0


def _forecasts() -> dict[str, HowMany | When]:
    history_start, start = utc("2024-01-01"), utc("2025-01-01")
    dated = {"history_start": history_start, "start": start, "trials": 2_000}
    return {
        "how-many": how_many(LUMPY, 12, **dated),
        "how-many-constant": how_many([5], 3, trials=100),
        "when": when_done(LUMPY, 700, **dated),
        "when-some-unfinished": when_done([0] * 8 + [3], 60, max_periods=150, period="day"),
        "when-none-finished": when_done([0] * 50 + [1], 100, trials=200, max_periods=30),
    }


@pytest.mark.parametrize("name", list(_forecasts()))
def test_forecast_chart_writes_a_projector_png_through_style_save(
    name, tmp_path, monkeypatch
) -> None:
    saved: list[Path] = []

    def recording_save(fig, path):
        saved.append(path)
        return style.save(fig, path)

    monkeypatch.setattr(forecast_plots, "save", recording_save)
    path = tmp_path / f"{name}.png"
    # a title with $ signs: drawn as written, never as mathtext
    written = forecast_chart(_forecasts()[name], "Costs $5 and $6: forecast", path, "changes")
    assert written == path and saved == [path]
    assert_png(path)
