"""``docs/practices.md``: the practice catalogue, a summary table and one section per practice.

Rendered from :data:`~sim.practices.CATALOGUE`: what each practice changes in the model,
the evidence behind it, and what adopting it mid-run costs (person-days, ramp days).
"""

from __future__ import annotations

from sim.markdown import table
from sim.practices import CATALOGUE, Practice, describe_value

from .parameters import link_parameters
from .text import GENERATED_NOTE, code, number


def _values_text(practice: Practice) -> str:
    """The allowed values of a practice as TOML, baseline first marked."""
    return ", ".join(code(describe_value(v)) for v in practice.values)


def render_practices() -> str:
    """``docs/practices.md``: the practice catalogue, one section per practice."""
    lines = [
        GENERATED_NOTE,
        "",
        "# Practices",
        "",
        "Practices are the keys of a scenario's `[practices]` section. Each changes a "
        "mechanism of the model — never a score — and the four keys move as a consequence. "
        "The **baseline** is the value that needs no adoption. Switching a practice away from "
        "its baseline during a run costs **adoption effort** (person-days taken from the "
        "developers) and its benefit **ramps up** over the ramp days (the J-curve of real "
        "transformations); switching back to the baseline costs nothing. The **evidence** "
        "column gives the direction the research reports; survey odds ratios set directions "
        "and rough strength, not multipliers. Sources are coded as in "
        "[parameters.md](parameters.md).",
        "",
    ]
    rows = [
        [
            f"[`{p.name}`](#{p.name})",
            _values_text(p),
            code(describe_value(p.baseline)),
            number(p.adoption_effort_days),
            number(p.ramp_days),
            p.evidence,
        ]
        for p in CATALOGUE
    ]
    header = ["practice", "values", "baseline", "adoption (person-days)", "ramp (days)", "evidence"]
    lines += [*table(header, rows), ""]
    lines += [
        "A scenario at the baseline of every practice:",
        "",
        "```toml",
        "[practices]",
        *(f"{p.name} = {describe_value(p.baseline)}" for p in CATALOGUE),
        "```",
        "",
    ]
    for p in CATALOGUE:
        lines += [
            f"## `{p.name}`",
            "",
            p.description,
            "",
            f"- **Values:** {_values_text(p)} (baseline {code(describe_value(p.baseline))})",
            f"- **What it changes in the model:** {link_parameters(p.mechanism)}",
            f"- **Evidence (direction):** {p.evidence}",
            f"- **Source:** {p.source}",
            f"- **Adoption:** {number(p.adoption_effort_days)} person-days of developer effort; "
            f"benefit ramps up over {number(p.ramp_days)} days.",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
