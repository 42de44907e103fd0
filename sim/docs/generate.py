"""The generated files: render them all, check them against disk, write the stale ones.

:data:`RENDERERS` names every generated file (relative to the repository root, :data:`ROOT`)
and the function that renders it; :func:`main` is ``python -m sim.docs [--check]``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .metrics import render_metrics
from .parameters import render_parameters
from .practices import render_practices

ROOT: Path = Path(__file__).resolve().parent.parent.parent
"""The repository root: generated files are written relative to it."""

PARAMETERS = "docs/parameters.md"
PRACTICES = "docs/practices.md"
METRICS_DOC = "docs/metrics.md"

RENDERERS: dict[str, Callable[[], str]] = {
    PARAMETERS: render_parameters,
    PRACTICES: render_practices,
    METRICS_DOC: render_metrics,
}
"""Every generated file (path relative to the repository root) and its renderer."""


def render_all() -> dict[str, str]:
    """The text of every generated file, keyed by path relative to the repository root."""
    return {path: render() for path, render in RENDERERS.items()}


def stale_files(root: Path = ROOT) -> list[str]:
    """Generated files that are missing or differ from a fresh render."""
    stale = []
    for path, text in render_all().items():
        target = root / path
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def write_all(root: Path = ROOT) -> list[str]:
    """Write every generated file that changed; returns the paths written."""
    written = []
    for path, text in render_all().items():
        target = root / path
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.docs [--check]``: regenerate the docs, or check they are current."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.docs", description="Generate the reference docs from the code."
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path} (run `python -m sim.docs` to regenerate)", file=sys.stderr)
        return 1 if stale else 0
    for path in write_all():
        print(f"wrote {path}")
    return 0
