"""Helpers shared by the CLI tests: run ``shipit`` in-process and check its error contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sim.cli import main

SENTINEL = "previous contents\n"
"""Contents of a pre-existing output file that a failed command must leave untouched."""


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Call ``main`` in-process and return (status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(err: str, *names: str) -> None:
    """stderr is a single ``shipit:`` line, no traceback, naming each of ``names``."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("shipit: ")
    for name in names:
        assert name in lines[0], (name, lines[0])


def read_json(path: Path) -> dict[str, Any]:
    """A JSON output file's contents."""
    return json.loads(path.read_text(encoding="utf-8"))
