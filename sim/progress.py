"""Progress bars for long work: replications, comparisons and sweeps (Rich, on stderr).

One look everywhere: a spinner, the description, a bar, done/total, runs per second,
elapsed time and the ETA.  Hidden with ``--quiet`` and when stderr is not a terminal, so
logs and pipes stay clean.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Runs finished per second, so a user can judge a bigger run's cost."""

    def render(self, task: Task) -> Text:
        """The current rate, or a placeholder until there is one."""
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("? runs/s", style="progress.data.speed")
        return Text(f"{speed:.1f} runs/s", style="progress.data.speed")


def runs_progress(quiet: bool) -> Progress:
    """A progress display on stderr with rate and ETA; disabled when quiet or not a TTY."""
    import sys

    console = Console(file=sys.stderr)
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )
