"""The figures of a delivery record: rates, lead times, batch sizes, failures.

:func:`measure` turns a :class:`~sim.calibration.record.DeliveryRecord` (usually cut to a
window first) into :class:`RecordFigures`, the numbers a calibration fits the model to.
Git records no failures, so unless the record has ``incidents.csv`` the change failure rate
and the time to restore come from a stated proxy (:class:`Proxies`).

Definitions (chosen so that the Textual record since 2023-01-01 gives the figures its
README quotes: 201 releases, 4.9 a month, median commit-to-release 124 h, p85 483 h, 46
changes a release, 38 % of releases followed by a patch within 7 days):

* the **span** runs from the window's first deployment to its last (``start``/``end``):
  the time over which deployments are seen.  Rates are counts over the span: with the
  window's own start (2023-01-01) the Textual rate would be 4.8 a month, not 4.9;
* **lead time for changes** (DORA) is ``deployed_at - committed_at`` of every change, merges
  included (:attr:`Proxies.include_merges`); a change dated after its deployment (clock
  skew, see :data:`~sim.calibration.record.CLOCK_SKEW_HOURS`) counts as 0 h;
* **batch size** is the changes of each deployment, zero-change deployments included;
* a deployment **failed** when the *next* deployment is a ``patch`` and comes within
  :attr:`Proxies.failure_patch_days` (inclusive); its time to restore is the time to that
  patch.  (Any patch within 7 days, not just the next deployment, would give 52 %.)
  With ``incidents.csv``, a deployment failed when an incident of the window names it, and
  the time to restore is ``restored - opened`` of the window's restored incidents.

Percentiles are numpy's linear interpolation, as :mod:`sim.metrics` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibration.binning import counts_per_period
from sim.calibration.record import DeliveryRecord
from sim.calibration.settings import FAILURE_PATCH_DAYS, PATCH_DAYS_MAX
from sim.errors import ScenarioError
from sim.limits import number_problem
from sim.units import DAYS_PER_WEEK, HOURS_PER_DAY

DAYS_PER_MONTH = 365.25 / 12
"""Mean days in a month (30.44): for rates said per month."""


PATCH_PROXY = "patch proxy"
INCIDENTS = "incidents"

_HOUR = pd.Timedelta(hours=1)
_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Proxies:
    """How figures git does not record are estimated.

    ``failure_patch_days`` (days, 0–365, default 7): a deployment counts as failed when the
    next deployment is a ``patch`` that follows within this many days; the time to that
    patch is its time-to-restore proxy.  Not used when the record has incidents.
    ``include_merges`` (default true): merge commits count as changes (lead times, batch
    sizes, arrivals); the Textual README's figures count them.
    """

    failure_patch_days: float = FAILURE_PATCH_DAYS
    include_merges: bool = True

    def __post_init__(self) -> None:
        problem = number_problem(self.failure_patch_days, 0.0, PATCH_DAYS_MAX)
        if problem:
            raise ScenarioError("proxies", "failure_patch_days", problem)
        if not isinstance(self.include_merges, bool):
            raise ScenarioError(
                "proxies", "include_merges", f"expected true or false, got {self.include_merges!r}"
            )


@dataclass(frozen=True, eq=False)
class RecordFigures:
    """What a record (a window of it) shows, each in the unit its name or note says.

    ``None`` stands for a figure with no sample (no changes, no failure, no restore).
    """

    start: pd.Timestamp
    """The span's start: the window's first deployment (UTC)."""
    end: pd.Timestamp
    """The span's end: the window's last deployment (UTC)."""
    days: float
    """The span's length, days (``end - start``)."""
    deployments: int
    """Deployments in the window."""
    changes: int
    """Changes of those deployments (merges only with ``include_merges``)."""
    arrivals_per_week: float
    """Changes committed within the span, per week (the arrival rate of work)."""
    deployments_per_day: float
    """Deployments per day over the span (:attr:`deployments_per_month` per month)."""
    lead_time_hours: np.ndarray
    """Lead time for changes of every change, hours (commit to deployment; DORA)."""
    lead_time_median_hours: float | None
    """Median of :attr:`lead_time_hours`, hours."""
    lead_time_p85_hours: float | None
    """85th percentile of :attr:`lead_time_hours`, hours."""
    batch_size_mean: float
    """Mean changes per deployment."""
    batch_size_median: float
    """Median changes per deployment."""
    failed_deployments: int
    """Deployments counted failed (by :attr:`failure_source`)."""
    failure_rate: float
    """Share of deployments counted failed, 0–1 (change failure rate)."""
    restore_hours_median: float | None
    """Median time to restore, hours (to the next patch, or ``restored - opened``)."""
    failure_source: str
    """``"patch proxy"`` or ``"incidents"``: where the failures came from."""
    weekly_deployments: np.ndarray
    """Deployments in each whole week of the span (7-day bins from ``start``; a last
    partial week is left out), for throughput forecasts."""
    weekly_changes: np.ndarray
    """Changes deployed in each of the same weeks."""

    @property
    def deployments_per_month(self) -> float:
        """Deployments per month (of :data:`DAYS_PER_MONTH` days) over the span."""
        return self.deployments_per_day * DAYS_PER_MONTH


def _percentile(values: np.ndarray, q: float) -> float | None:
    return float(np.percentile(values, q)) if values.size else None


def _weekly(times: pd.Series, start: pd.Timestamp, weeks: int) -> np.ndarray:
    """Counts of ``times`` in each of ``weeks`` 7-day bins from ``start``."""
    days = ((times - start) / _DAY).to_numpy(dtype=float)
    return counts_per_period(days, DAYS_PER_WEEK, weeks)


def _failures(record: DeliveryRecord, proxies: Proxies) -> tuple[np.ndarray, np.ndarray, str]:
    """Which deployments failed (bool per deployment), the restore hours, the source."""
    deployments = record.deployments
    if record.incidents is not None:
        incidents = record.incidents
        named = set(incidents.loc[incidents["deployment"] != "", "deployment"])
        failed = deployments["deployment_id"].isin(named).to_numpy()
        restore = ((incidents["restored"] - incidents["opened"]) / _HOUR).dropna()
        return failed, restore.to_numpy(dtype=float), INCIDENTS
    times = deployments["deployed_at"]
    gap_days = (times.shift(-1) - times) / _DAY
    next_is_patch = deployments["version_kind"].shift(-1) == "patch"
    failed = (next_is_patch & (gap_days <= proxies.failure_patch_days)).to_numpy()
    restore = (gap_days[failed] * HOURS_PER_DAY).to_numpy(dtype=float)
    return failed, restore, PATCH_PROXY


def measure(record: DeliveryRecord, proxies: Proxies | None = None) -> RecordFigures:
    """The figures of ``record`` (see the module notes for each definition).

    Needs at least two deployments at different times (a span to measure rates over);
    else a :class:`ScenarioError` naming the window.
    """
    proxies = proxies or Proxies()
    deployments = record.deployments
    count = len(deployments)
    start = deployments["deployed_at"].iloc[0] if count else None
    end = deployments["deployed_at"].iloc[-1] if count else None
    days = 0.0 if start is None else (end - start) / _DAY
    if days <= 0:
        raise ScenarioError(
            record.source,
            "window",
            f"the record has {record.describe()}: rates need at least two deployments at "
            "different times; widen the window",
        )
    changes = record.changes
    if not proxies.include_merges:
        changes = changes[~changes["is_merge"]]
    lead = ((changes["deployed_at"] - changes["committed_at"]) / _HOUR).clip(lower=0.0)
    lead_hours = lead.to_numpy(dtype=float)
    per_deployment = changes.groupby("deployment_id").size()
    batch = deployments["deployment_id"].map(per_deployment).fillna(0).to_numpy(dtype=float)
    committed = changes["committed_at"]
    arrivals = int(((committed >= start) & (committed <= end)).sum())
    failed, restore, source = _failures(record, proxies)
    weeks = int(days // DAYS_PER_WEEK)
    return RecordFigures(
        start=start,
        end=end,
        days=float(days),
        deployments=count,
        changes=len(changes),
        arrivals_per_week=arrivals / days * DAYS_PER_WEEK,
        deployments_per_day=count / days,
        lead_time_hours=lead_hours,
        lead_time_median_hours=_percentile(lead_hours, 50.0),
        lead_time_p85_hours=_percentile(lead_hours, 85.0),
        batch_size_mean=float(np.mean(batch)),
        batch_size_median=float(np.median(batch)),
        failed_deployments=int(failed.sum()),
        failure_rate=float(failed.mean()),
        restore_hours_median=_percentile(restore, 50.0),
        failure_source=source,
        weekly_deployments=_weekly(deployments["deployed_at"], start, weeks),
        weekly_changes=_weekly(changes["deployed_at"], start, weeks),
    )


__all__ = [
    "DAYS_PER_MONTH",
    "INCIDENTS",
    "PATCH_DAYS_MAX",
    "PATCH_PROXY",
    "Proxies",
    "RecordFigures",
    "measure",
]
