"""One truth for showing a metric: its label, its unit and how its value is written.

Every surface that shows a metric — the CLI scorecard and ``compare`` table
(:mod:`sim.report`), the game's board (:mod:`tui.display`) and incident feed
(:mod:`sim.tracker`), the workshop leaderboards, the debrief's luck-vs-decisions text and
charts (:mod:`sim.workshop.luck`), the value-stream table (:mod:`sim.flow_report`) and
the scorecard charts (:mod:`sim.plots.scorecard`) — formats it here, so a value reads the
same everywhere.  Look a metric up with :func:`spec` (patterns such as
``queue_hours_mean_<stage>`` included) and write it with :func:`format_value`.

The rules, decided once per unit family:

``duration`` (metrics kept in hours)
    under 1 hour in minutes (``10 min``, never ``0 min``: ``< 1 min``), under 24 hours in
    hours (``3.1 h``), from 24 hours on in days (``2.4 days``).  A person reads "26 days"
    faster than "624 h"; hours stay where a day would be a fraction.
``frequency`` (deployments per day)
    per day from 1 a day (``6.3 / day``), else per week from 1 a week (``3.5 / week``),
    else per month of 30 days (``1.1 / month``): the same cuts as the DORA tiers.
``share`` (0–1)
    a percentage with one decimal (``12.5 %``); availability two (``99.95 %``).  Never a
    raw fraction.
``count``
    an integer; a mean over replications (or a fractional count) keeps one decimal.
``rate`` (items, pages … per week or per release)
    about three significant figures and the unit (``12.3 items / week``).  Narrow columns
    ask for the ``compact`` form, which drops the unit's noun (``12.3 / week``): the same
    number in the same unit.
``number``
    about three significant figures and the unit in the label (``3.2`` items in a batch).

Numbers have about three significant figures: no decimals from 100, one from 1, two
below 1, none for a plain zero (``0 / week``).  With a 95 % interval a value reads
``mean ± half-width unit`` in the unit chosen for the mean.  Charts that draw the unit on
its own line use its words (``per day``, ``hours``) through :meth:`MetricFormat.parts`;
the number is the same.

The package holds three modules: :mod:`.numbers` (significant figures and intervals),
:mod:`.quantities` (the unit rules above) and :mod:`.metrics` (the metric table); every
public name is importable from ``sim.formatting`` itself.

The four keys' metric keys (:data:`FOUR_KEYS`, in DORA order) and their tier keys
(:data:`TIER_KEY`) are those of :mod:`sim.metrics.tiers`, their one owner, re-exported
here for the surfaces that format them.
"""

from __future__ import annotations

from sim.metrics.tiers import KEY_METRICS as FOUR_KEYS
from sim.metrics.tiers import TIER_KEY

from .metrics import (
    BY_KEY,
    FORMATS,
    PATTERNS,
    Family,
    MetricFormat,
    format_value,
    label,
    short_label,
    spec,
)
from .numbers import (
    MISSING,
    DiffFormatter,
    Formatter,
    Interval,
    decimals_for,
    fixed,
    half_width,
    number_text,
    with_error,
)
from .quantities import (
    MINUTE,
    Shown,
    diff_hours,
    diff_per_day,
    diff_share,
    duration_unit,
    format_count,
    format_hours,
    format_number,
    format_per_day,
    format_share,
    frequency_unit,
)

__all__ = [
    "BY_KEY",
    "FORMATS",
    "FOUR_KEYS",
    "MINUTE",
    "MISSING",
    "PATTERNS",
    "TIER_KEY",
    "DiffFormatter",
    "Family",
    "Formatter",
    "Interval",
    "MetricFormat",
    "Shown",
    "decimals_for",
    "diff_hours",
    "diff_per_day",
    "diff_share",
    "duration_unit",
    "fixed",
    "format_count",
    "format_hours",
    "format_number",
    "format_per_day",
    "format_share",
    "format_value",
    "frequency_unit",
    "half_width",
    "label",
    "number_text",
    "short_label",
    "spec",
    "with_error",
]
