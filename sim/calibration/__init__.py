"""Calibrating from real delivery data (issue 12): delivery records and their figures.

A delivery record (:mod:`~sim.calibration.record`) says what an organisation deployed and
when, and which changes went out in each deployment: read from CSV files
(:func:`read_record`) or built from a git repository's release tags
(:func:`record_from_git`), cut to a window and measured (:func:`measure`) into the figures
a calibration fits the model to (:mod:`~sim.calibration.measure`).  The fit is
:mod:`~sim.calibration.fit` and :mod:`~sim.calibration.calibrate`; forecasts are
:mod:`~sim.calibration.forecast` (from a record's history) and
:mod:`~sim.calibration.forecast_model` (from simulations).

Import from the modules themselves: this package imports nothing, so that the command
line's parsers (:mod:`~sim.calibration.cli`) do not load pandas, scipy and pygit2.
"""
