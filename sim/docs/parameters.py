"""``docs/parameters.md``: every scenario parameter with its type, unit, bounds and source.

Rendered from the fields of :class:`~sim.scenario.Scenario` (one section per scenario
table) and the source codes in the :mod:`sim.scenario` docstring.  The other pages link
``section.key`` references in their prose to this page with :func:`link_parameters`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

import sim.scenario as scenario_module
from sim.markdown import table
from sim.scenario import PracticesConfig, Scenario

from .fields import field_bounds, field_default, field_extra, field_meaning, type_text
from .text import GENERATED_NOTE, code, docstring_paragraphs, toml_value


def sections() -> list[tuple[str, type[BaseModel]]]:
    """The scenario sections in schema order: ``(name, model)``."""
    result = []
    for name, field in Scenario.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            result.append((name, model))
    return result


def section_summary(model: type[BaseModel]) -> str:
    """What a section is for: its docstring after the ``[name]:`` prefix."""
    paragraphs = docstring_paragraphs(model.__doc__)
    text = paragraphs[0] if paragraphs else ""
    text = re.sub(r"^`\[\w+\]`:\s*", "", text)
    text = re.sub(r"\s*See `sim\.[\w.]+`\.?", "", text)
    return text[:1].upper() + text[1:]


def link_parameters(text: str, page: str = "parameters.md") -> str:
    """Turn ``section.key`` references in prose into links to the parameter's section.

    A reference counts if ``section`` is a scenario section and ``key`` one of its fields
    (``key*`` matches a field prefix).  Text already in backticks is left alone.
    """
    models = dict(sections())

    def replace(match: re.Match[str]) -> str:
        section, key = match.group(1), match.group(2)
        fields = models[section].model_fields
        known = (
            any(f.startswith(key[:-1]) for f in fields) if key.endswith("*") else (key in fields)
        )
        return f"[`{section}.{key}`]({page}#{section})" if known else match.group(0)

    pattern = re.compile(r"\b(" + "|".join(models) + r")\.(\w+\*?)")
    parts = text.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = pattern.sub(replace, parts[i])
    return "`".join(parts)


def render_parameters() -> str:
    """``docs/parameters.md``: every scenario parameter with its unit, bounds and source."""
    lines = [
        GENERATED_NOTE,
        "",
        "# Scenario parameters",
        "",
        "A scenario is a TOML file with one table per section below; every key is optional "
        "except `[scenario] name`, and a key left out takes its default. Any value can be "
        "overridden on the command line with `--set section.key=value`, validated exactly "
        "like the file. Built-in scenarios live in `scenarios/`.",
        "",
        "Columns: **type** is what the key accepts (quoted values are the allowed strings); "
        "**bounds** are enforced on load (`x` is the value); **unit** is the unit of the "
        "value; **source** is where the default comes from.",
        "",
    ]
    lines += _source_legend()
    lines += ["## Sections", ""]
    for name, model in sections():
        lines.append(f"- [`[{name}]`](#{name}) — {section_summary(model)}")
    lines.append("")
    for name, model in sections():
        lines += [f"## `[{name}]`", "", section_summary(model), ""]
        if model is PracticesConfig:
            lines += [
                "What each practice changes in the model, the evidence behind it and what "
                "adopting it mid-run costs: see [practices.md](practices.md).",
                "",
            ]
        rows = []
        for key, field in model.model_fields.items():
            extra = field_extra(field)
            rows.append(
                [
                    code(key),
                    type_text(field.annotation),
                    field_default(field),
                    extra.get("unit", "—"),
                    field_bounds(field) or "—",
                    extra.get("source", "—"),
                    field_meaning(field),
                ]
            )
        header = ["key", "type", "default", "unit", "bounds", "source", "meaning"]
        lines += [*table(header, rows), ""]
    lines += _parameter_examples()
    return "\n".join(lines).rstrip() + "\n"


def _source_legend() -> list[str]:
    """The source codes explained in the :mod:`sim.scenario` docstring, if it has them."""
    for paragraph in docstring_paragraphs(scenario_module.__doc__):
        if paragraph.startswith("Source codes"):
            text = re.sub(
                r"See `[^`]*dora-research\.md`", "See `reference/dora-research.md`", paragraph
            )
            return [text, ""]
    return []


def _parameter_examples() -> list[str]:
    """Worked examples (executed by ``tests/test_docs.py``)."""
    deployment = PracticesConfig.model_fields["deployment"].default
    return [
        "## Examples",
        "",
        "Check scenarios (built-in names or files), then run one with a value overridden:",
        "",
        "```console",
        "$ shipit validate legacy-enterprise scenarios/elite.toml",
        "$ shipit run legacy-enterprise --days 180 --set practices.deployment=automated",
        "```",
        "",
        "The same from Python; unlisted keys keep their defaults:",
        "",
        "```python",
        "from sim.loading import load_with_overrides",
        "from sim.scenario import Scenario",
        "",
        'scenario = Scenario.model_validate({"scenario": {"name": "demo"}, '
        '"org": {"developers": 12}})',
        "assert scenario.org.developers == 12",
        f"assert scenario.practices.deployment == {toml_value(deployment)}  # the default",
        "",
        'faster = scenario.with_values({"practices.deployment": "automated"})',
        'assert faster.practices.deployment == "automated"',
        "",
        'legacy = load_with_overrides("legacy-enterprise", ["practices.deployment=automated"])',
        'assert legacy.practices.deployment == "automated"',
        "```",
    ]
