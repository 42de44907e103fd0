"""Error text for fields: what a pydantic annotation allows, in words, and one-line messages.

Every input the program validates with pydantic -- scenario files and ``--set`` overrides,
sweep files, game commands and saved games -- reports a mistake as one
:class:`~sim.errors.ScenarioError` naming the source, the dotted key path and what is
allowed, never a traceback or pydantic's own text (BRIEF §6).  The words are read from the
schema's field annotations (types, ``Literal`` choices, ``Field`` bounds), so a message
cannot drift from what is validated.

:func:`explain` turns pydantic's first error into that message, for any root: a pydantic
model or a pydantic dataclass (default :class:`~sim.scenario.Scenario`).  The helpers it
is built from are public for the checks pydantic cannot express (sweep factors, ``--set``
keys, game commands): reading annotations in :mod:`sim.fieldtext.schema`, values and
clauses in :mod:`sim.fieldtext.words`, the messages in :mod:`sim.fieldtext.messages`.
"""

from .messages import (
    SCENARIO_REQUIRED,
    TOO_DEEP,
    explain,
    unknown_key,
    unknown_section,
)
from .schema import (
    Bounds,
    annotation_at,
    bounds_of,
    describe,
    fields_of,
    is_table,
    length_text,
    literal_choices,
    model_at,
    number,
    plural,
    range_text,
    sections_with_key,
    strip_optional,
    unwrap_annotated,
)
from .words import MAX_SHOWN, did_you_mean, join_clauses, or_list, show, type_name

__all__ = [
    "MAX_SHOWN",
    "SCENARIO_REQUIRED",
    "TOO_DEEP",
    "Bounds",
    "annotation_at",
    "bounds_of",
    "describe",
    "did_you_mean",
    "explain",
    "fields_of",
    "is_table",
    "join_clauses",
    "length_text",
    "literal_choices",
    "model_at",
    "number",
    "or_list",
    "plural",
    "range_text",
    "sections_with_key",
    "show",
    "strip_optional",
    "type_name",
    "unknown_key",
    "unknown_section",
    "unwrap_annotated",
]
