"""Generated reference docs: parameters, practices and metrics, rendered from the code.

``python -m sim.docs`` writes ``docs/parameters.md`` (from the :class:`~sim.scenario.Scenario`
fields), ``docs/practices.md`` (from :data:`~sim.practices.CATALOGUE`) and
``docs/metrics.md`` (from :data:`~sim.metrics.definitions.METRICS` and the DORA tier tables
in :data:`~sim.metrics.tiers.EDITIONS`).  ``python -m sim.docs --check`` writes nothing and
exits 1, naming the stale files, if any file on disk differs from a fresh render.

The output depends only on the code (no dates, no paths, no dict ordering of the
environment), so the same code always renders the same bytes and ``tests/test_docs.py``
can keep the files in sync.

One module per page (:mod:`.parameters`, :mod:`.practices`, :mod:`.metrics`), the
Markdown rendering of a schema field in :mod:`.fields` (read through
:mod:`sim.fieldtext`), shared text pieces in :mod:`.text`, and the list of files with
check and write in :mod:`.generate`; tables come from :mod:`sim.markdown`.  Every public
name is importable from ``sim.docs`` itself.
"""

from .fields import (
    allowed_values,
    bounds_text,
    field_bounds,
    field_default,
    field_extra,
    field_meaning,
    type_text,
)
from .generate import (
    METRICS_DOC,
    PARAMETERS,
    PRACTICES,
    RENDERERS,
    ROOT,
    main,
    render_all,
    stale_files,
    write_all,
)
from .metrics import render_metrics, tier_ranges
from .parameters import link_parameters, render_parameters, section_summary, sections
from .practices import render_practices
from .text import GENERATED_NOTE, code, docstring_paragraphs, number, rst_to_markdown, toml_value

__all__ = [
    "GENERATED_NOTE",
    "METRICS_DOC",
    "PARAMETERS",
    "PRACTICES",
    "RENDERERS",
    "ROOT",
    "allowed_values",
    "bounds_text",
    "code",
    "docstring_paragraphs",
    "field_bounds",
    "field_default",
    "field_extra",
    "field_meaning",
    "link_parameters",
    "main",
    "number",
    "render_all",
    "render_metrics",
    "render_parameters",
    "render_practices",
    "rst_to_markdown",
    "section_summary",
    "sections",
    "stale_files",
    "tier_ranges",
    "toml_value",
    "type_text",
    "write_all",
]
