"""Files hold one concept: no source file of sim or tui grows past ~450 lines.

The limit is a prompt to split along concepts (``../shared/reference/house-style.md`` §5),
not a goal to pad towards.  The scenario schema is one concept, read top to bottom as the
reference of every parameter, and may be longer.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 450
SCHEMA = Path("sim/scenario.py")


def test_no_source_file_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(ROOT): len(path.read_text(encoding="utf-8").splitlines())
        for package in ("sim", "tui")
        for path in (ROOT / package).rglob("*.py")
    }
    assert len(sizes) > 100  # the walk found the sources
    over = {str(path): lines for path, lines in sizes.items() if lines > LIMIT and path != SCHEMA}
    assert not over, f"split these along their concepts: {over}"
