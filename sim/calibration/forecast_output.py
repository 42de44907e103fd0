"""``shipit forecast``'s outputs: the ``--json`` document, the charts and the table.

Imports only the standard library and light project modules at import time: pandas, Rich
and matplotlib load when an output is made.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..outputs import OutputError, atomic_write

if TYPE_CHECKING:
    import pandas as pd

    from .forecast import HowMany, When
    from .forecast_plan import Plan

NOUN = "changes"
"""What a forecast counts, in its labels and charts."""


def chart_names(history: bool, model: bool) -> list[str]:
    """The charts' file names in ``--plots``: one per source asked, in this order."""
    if history and model:
        return ["forecast-history.png", "forecast-model.png"]
    return ["forecast.png"]


# --------------------------------------------------------------------------- the document


def _iso(moment: pd.Timestamp | None) -> str | None:
    return None if moment is None else moment.isoformat()


def forecast_document(
    plan: Plan, history: HowMany | When | None, model: HowMany | When | None
) -> dict[str, Any]:
    """The ``--json`` document: the question, and each source's forecast (``as_dict``;
    ``null`` for a source not asked)."""
    question = plan.question
    asked: dict[str, Any] = {"kind": question.kind, "period": question.period,
                             "start": _iso(plan.start)}  # fmt: skip
    if question.kind == "how_many":
        asked["horizon_periods"] = question.horizon
        asked["by"] = _iso(question.by)
    else:
        asked["items"] = question.items
    history_part = None
    if history is not None and plan.history is not None:
        history_part = {"record": plan.history.label, **history.as_dict()}
    return {
        "format": "shipit-forecast",
        "noun": NOUN,
        "question": asked,
        "history": history_part,
        "model": None if model is None else model.as_dict(),
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write the ``--json`` document (atomically)."""
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    atomic_write(path, [text])


# --------------------------------------------------------------------------- the charts


def write_charts(
    plan: Plan, history: HowMany | When | None, model: HowMany | When | None
) -> list[Path]:
    """Write each source's chart into ``--plots`` (created if new); returns their paths."""
    from ..plots.forecast import forecast_chart

    assert plan.plots is not None
    try:
        plan.plots.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"--plots {plan.plots}: cannot create: {exc.strerror or exc}", 1
        ) from None
    names = chart_names(history is not None, model is not None)
    pairs = ((history, _history_title(plan)), (model, _model_title(plan)))
    made = [(forecast, title) for forecast, title in pairs if forecast is not None]
    paths = []
    for (forecast, title), name in zip(made, names, strict=True):
        paths.append(forecast_chart(forecast, title, plan.plots / name, NOUN))
    return paths


def _history_title(plan: Plan) -> str:
    return (
        ""
        if plan.history is None
        else f"Forecast from the history of {Path(plan.history.label).name}"
    )


def _model_title(plan: Plan) -> str:
    if plan.model is None:
        return ""
    title = f"Forecast from the model: {plan.model.scenario.scenario.name}"
    if plan.model.overrides:
        title += " with " + ", ".join(plan.model.overrides)
    if plan.model.moves:
        title += f" and the moves of {Path(plan.model.saved_game or '').name}"
    return title


# --------------------------------------------------------------------------- the table


def _question_text(plan: Plan) -> str:
    question = plan.question
    since = "" if plan.start is None else f" from {plan.start:%Y-%m-%d}"
    if question.kind == "when_done":
        return f"When will {question.items:,} {NOUN} be done{since}?"
    unit = question.period if question.horizon == 1 else f"{question.period}s"
    span = f"{question.horizon:,} {unit}"
    if question.by is not None:
        last = question.by - _one_ns()
        return f"How many {NOUN} by {last:%Y-%m-%d} ({span}{since})?"
    after = since or " after the warm-up"
    return f"How many {NOUN} within {span}{after}?"


def _one_ns() -> Any:
    import pandas as pd

    return pd.Timedelta(1, "ns")


def _answers(forecast: HowMany | When) -> list[str]:
    from .forecast import CONFIDENCES, HowMany

    if isinstance(forecast, HowMany):
        return [forecast.label(c, NOUN) for c in CONFIDENCES]
    return [forecast.label(c) for c in CONFIDENCES]


def _history_basis(plan: Plan, forecast: HowMany | When) -> list[str]:
    history = plan.history
    assert history is not None
    n = len(history.counts)
    total = int(history.counts.sum())
    last = history.end - _one_ns()
    unit = forecast.period if n == 1 else f"{forecast.period}s"
    return [
        f"{n:,} {unit} of history, {history.start:%Y-%m-%d} – {last:%Y-%m-%d}",
        f"{total:,} {NOUN} ({total / n:,.1f} a {forecast.period})",
        f"{forecast.trials:,} trials, seed {forecast.seed}",
    ]


def _model_basis(plan: Plan, forecast: HowMany | When) -> list[str]:
    model = plan.model
    assert model is not None
    source = getattr(forecast, "model", None)
    lines = [f"warm-up {model.scenario.run.warmup_days:g} days, then the forecast"]
    if model.overrides:
        lines.append("with " + ", ".join(model.overrides))
    if source is not None and source.moves:
        moves = "1 move" if source.moves == 1 else f"{source.moves:,} moves"
        lines.append(f"{moves} from {model.saved_game}")
    lines.append(f"{forecast.trials:,} replications, seed {forecast.seed}")
    return lines


def forecast_table(plan: Plan, history: HowMany | When | None, model: HowMany | When | None) -> Any:
    """The forecasts as a Rich table: one column per source, one row per answer."""
    from rich.table import Table
    from rich.text import Text

    from .forecast import CONFIDENCES, When

    columns = [(f, b) for f, b in ((history, _history_basis), (model, _model_basis)) if f]
    table = Table(title=_question_text(plan), title_justify="left")
    table.add_column("")
    if history is not None:
        table.add_column("record history")
    if model is not None:
        table.add_column("model")
    sources = []
    if history is not None and plan.history is not None:
        sources.append(Text(plan.history.label))
    if model is not None and plan.model is not None:
        sources.append(Text(plan.model.label))
    table.add_row("source", *sources)
    answers = [_answers(f) for f, _ in columns]
    for i in range(len(CONFIDENCES)):
        table.add_row("answer" if i == 0 else "", *[Text(a[i]) for a in answers])
    if any(isinstance(f, When) and f.unfinished > 0 for f, _ in columns):
        table.add_row(
            "not done",
            *[
                Text(f"{f.unfinished:.1%} of trials" if isinstance(f, When) else "")
                for f, _ in columns
            ],
        )
    table.add_row("based on", *[Text("\n".join(basis(plan, f))) for f, basis in columns])
    return table


def print_table(table: Any) -> None:
    """At its natural width into a pipe or file (no answer wrapped); as Rich fits it on a
    terminal."""
    from rich.console import Console
    from rich.measure import Measurement

    console = Console(file=sys.stdout)
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
        console = Console(file=sys.stdout, width=max(console.width, natural))
    console.print(table)
