"""Ship It: a discrete-event simulation of a software delivery organisation.

The package runs one way: scenario (validated data) → model (SimPy processes) → event log
→ metrics; the runner, CLI, reports and the TUI sit on top.  ``sim`` never imports ``tui``.
"""

__version__ = "0.1.0"
