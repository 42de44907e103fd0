"""Generated docs stay in sync with the code, the catalogue matches the schema, examples run.

* ``docs/parameters.md``, ``docs/practices.md`` and ``docs/metrics.md`` equal a fresh
  render of ``python -m sim.docs``;
* every practice in :data:`sim.practices.CATALOGUE` is a ``[practices]`` field with the same
  values and default, and vice versa;
* every scenario parameter carries a unit and a source;
* every ```python block and every ``$ shipit`` line of a ```console block in README.md and
  docs/*.md runs without error;
* where a block (of any language) shows a ``$ shipit`` command's output under it, that
  output is what the command prints now, line for line: an example cannot go stale.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import typing
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pytest

from sim import docs
from sim.practices import CATALOGUE
from sim.scenario import PracticesConfig, Scenario

ROOT = Path(__file__).resolve().parent.parent

NOT_PRACTICES = {"release_interval_days", "release_interval_cv"}
"""``[practices]`` fields that are parameters of a practice, not practices themselves."""

DESCRIPTIVE_SECTIONS = {"scenario"}
"""Sections whose fields describe the scenario and carry no unit or source."""


# --------------------------------------------------------------------------- (a) in sync


@pytest.mark.parametrize("path", sorted(docs.RENDERERS))
def test_generated_file_is_current(path: str) -> None:
    target = ROOT / path
    assert target.is_file(), f"{path} is missing: run `python -m sim.docs`"
    fresh = docs.RENDERERS[path]()
    assert target.read_text(encoding="utf-8") == fresh, (
        f"{path} is stale: run `python -m sim.docs` and commit the result"
    )


def test_render_is_deterministic() -> None:
    assert docs.render_all() == docs.render_all()


def test_generated_files_say_so() -> None:
    for path, text in docs.render_all().items():
        first = text.splitlines()[0]
        assert "python -m sim.docs" in first and "do not edit" in first, path


def test_check_mode_reports_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert docs.stale_files(tmp_path) == list(docs.RENDERERS)
    assert docs.write_all(tmp_path) == list(docs.RENDERERS)
    assert docs.stale_files(tmp_path) == []
    (tmp_path / docs.PRACTICES).write_text("edited by hand\n", encoding="utf-8")
    assert docs.stale_files(tmp_path) == [docs.PRACTICES]
    assert docs.main(["--check"]) == 0  # the repository's own files are current
    capsys.readouterr()


def test_every_parameter_and_metric_is_documented() -> None:
    rendered = docs.render_all()
    for section, model in docs.sections():
        assert f"## `[{section}]`" in rendered[docs.PARAMETERS]
        for key in model.model_fields:
            assert f"| `{key}` |" in rendered[docs.PARAMETERS], f"{section}.{key}"
    for practice in CATALOGUE:
        assert f"## `{practice.name}`" in rendered[docs.PRACTICES]
    from sim.metrics.definitions import METRICS

    for metric in METRICS:
        assert f"| `{metric.name}` |" in rendered[docs.METRICS_DOC]


# --------------------------------------------------------------------------- (b) catalogue


def _schema_values(annotation: Any) -> tuple[Any, ...]:
    """Allowed values of a practice field: Literal arguments, or both booleans."""
    if annotation is bool:
        return (False, True)
    assert typing.get_origin(annotation) is Literal, f"not a Literal or bool: {annotation}"
    return typing.get_args(annotation)


@pytest.mark.parametrize("practice", CATALOGUE, ids=lambda p: p.name)
def test_practice_matches_schema_field(practice: Any) -> None:
    field = PracticesConfig.model_fields.get(practice.name)
    assert field is not None, f"{practice.name} is not a field of [practices]"
    values = _schema_values(field.annotation)
    assert len(set(practice.values)) == len(practice.values), "duplicate values"
    assert set(practice.values) == set(values), (
        f"{practice.name}: catalogue {practice.values} vs schema {values}"
    )
    assert practice.baseline == field.default
    assert type(practice.baseline) is type(field.default)
    assert practice.adoption_effort_days >= 0 and practice.ramp_days >= 0
    for text in (practice.description, practice.mechanism, practice.evidence, practice.source):
        assert text.strip()


def test_every_practice_field_is_in_catalogue() -> None:
    names = [p.name for p in CATALOGUE]
    assert len(names) == len(set(names)), "duplicate practice names"
    expected = set(PracticesConfig.model_fields) - NOT_PRACTICES
    assert set(names) == expected


# --------------------------------------------------------------------------- (c) units


def _parameter_fields() -> list[Any]:
    return [
        pytest.param(f"{section}.{key}", field, id=f"{section}.{key}")
        for section, model in docs.sections()
        if section not in DESCRIPTIVE_SECTIONS
        for key, field in model.model_fields.items()
    ]


@pytest.mark.parametrize(("key", "field"), _parameter_fields())
def test_parameter_has_unit_and_source(key: str, field: Any) -> None:
    extra = field.json_schema_extra
    assert isinstance(extra, dict) and extra, f"{key} has no json_schema_extra"
    unit, source = extra.get("unit"), extra.get("source")
    assert isinstance(unit, str) and unit.strip(), f"{key} has no unit"
    assert isinstance(source, str) and source.strip(), f"{key} has no source"
    assert docs.field_meaning(field).strip(), f"{key} has no description"


def test_every_section_is_a_model() -> None:
    assert [name for name, _ in docs.sections()] == list(Scenario.model_fields)


# --------------------------------------------------------------------------- (d) examples


class Block(NamedTuple):
    """One fenced code block of a Markdown file."""

    path: str
    index: int
    line: int
    lang: str
    text: str


_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")


def fenced_blocks(text: str, name: str) -> list[Block]:
    """Every fenced code block of Markdown ``text`` with its language and opening line."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info, start = match.group("fence"), match.group("info").strip(), i + 1
        body: list[str] = []
        i += 1
        while i < len(lines) and not (
            lines[i].strip().startswith(fence[0] * len(fence))
            and not lines[i].strip().strip(fence[0])
        ):
            body.append(lines[i])
            i += 1
        i += 1
        lang = info.split()[0].lower() if info else ""
        blocks.append(Block(name, len(blocks), start, lang, "\n".join(body) + "\n"))
    return blocks


def _doc_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [path for path in files if path.is_file()]


def _blocks(lang: str) -> list[Any]:
    return [
        pytest.param(block, id=f"{block.path}#{block.index}-L{block.line}")
        for path in _doc_files()
        for block in fenced_blocks(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        )
        if block.lang == lang
    ]


def test_fence_parser() -> None:
    text = "x\n```python\na = 1\n```\n\n````console\n$ shipit run x\n```\n````\n```\nplain\n```\n"
    blocks = fenced_blocks(text, "probe.md")
    assert [(b.lang, b.line, b.text) for b in blocks] == [
        ("python", 2, "a = 1\n"),
        ("console", 6, "$ shipit run x\n```\n"),
        ("", 10, "plain\n"),
    ]


@pytest.mark.parametrize("block", _blocks("python"))
def test_python_example(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a block after the earlier blocks of its page, as a reader would (one namespace)."""
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": "__doc_example__"}
    page = fenced_blocks((ROOT / block.path).read_text(encoding="utf-8"), block.path)
    earlier = [b for b in page if b.lang == "python" and b.line < block.line]
    with contextlib.redirect_stdout(io.StringIO()):
        for step in [*earlier, block]:
            exec(compile(step.text, f"{step.path}:{step.line}", "exec"), namespace)


def shipit_commands(text: str) -> list[list[str]]:
    """Arguments of every ``$ shipit ...`` line (joining ``\\`` continuations); output skipped."""
    commands: list[list[str]] = []
    lines = iter(text.splitlines())
    for line in lines:
        line = line.strip()
        if not (line.startswith("$ shipit ") or line == "$ shipit"):
            continue
        while line.endswith("\\"):
            line = line[:-1] + " " + next(lines, "").strip()
        commands.append(shlex.split(line[2:])[1:])
    return commands


def test_shipit_command_parser() -> None:
    text = "$ shipit run elite \\\n    --set 'org.developers=9'\nsome output\n$ ls\n$ shipit\n"
    assert shipit_commands(text) == [["run", "elite", "--set", "org.developers=9"], []]


def _scratch_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the checkout to run examples in: ``scenarios/`` linked, an empty
    ``out/``, and the shared data (``../shared/data``) beside it as beside the checkout."""
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "scenarios").symlink_to(ROOT / "scenarios")
    (work / "out").mkdir()
    if (ROOT.parent / "shared").is_dir():
        (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("block", _blocks("console"))
def test_console_example(block: Block, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run the page's commands as a reader would, in a scratch copy of the checkout.

    The scratch directory links ``scenarios/`` and has an empty ``out/``, so examples that
    read scenario files or write results work without writing into the repository; the
    shared data (``../shared/data``) is beside it as it is beside the checkout.
    """
    commands = shipit_commands(block.text)
    if not commands:
        pytest.skip("no `$ shipit` command in this block")
    from sim import cli

    _scratch_checkout(tmp_path, monkeypatch)
    for argv in commands:
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = cli.main(argv)
        except SystemExit as exc:
            status = exc.code
        status = 0 if status is None else status
        assert status == 0, (
            f"{block.path}:{block.line}: `shipit {shlex.join(argv)}` exited {status}\n"
            f"stdout:\n{out.getvalue()}\nstderr:\n{err.getvalue()}"
        )


class ShownOutput(NamedTuple):
    """A ``$ shipit`` command of a block and the output lines shown under it."""

    argv: list[str]
    line: int
    lines: list[str]


def shown_outputs(text: str, first_line: int = 1) -> list[ShownOutput]:
    """Every ``$ shipit ...`` line followed by output (up to the next ``$`` line or the
    block's end), with trailing blanks removed; commands showing no output are left out."""
    shown: list[ShownOutput] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line.startswith("$ "):
            i += 1
            continue
        start = i
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + " " + lines[i].strip()
        i += 1
        output: list[str] = []
        while i < len(lines) and not lines[i].strip().startswith("$ "):
            output.append(lines[i].rstrip())
            i += 1
        while output and not output[-1]:
            output.pop()
        argv = shlex.split(line[2:])
        if output and argv[:1] == ["shipit"]:
            shown.append(ShownOutput(argv[1:], first_line + start, output))
    return shown


def test_shown_output_parser() -> None:
    text = (
        "$ shipit run x \\\n    --days 9\nline one  \n\nline two\n\n$ shipit scenarios\n"
        "$ ls\nnot shipit\n"
    )
    assert shown_outputs(text, 10) == [
        ShownOutput(["run", "x", "--days", "9"], 10, ["line one", "", "line two"])
    ]


def _shown_blocks() -> list[Any]:
    return [
        pytest.param(block, shown, id=f"{block.path}#{block.index}-L{shown.line}")
        for path in _doc_files()
        for block in fenced_blocks(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        )
        for shown in shown_outputs(block.text, block.line + 1)
    ]


@pytest.mark.parametrize(("block", "shown"), _shown_blocks())
def test_shown_output_is_what_the_command_prints(
    block: Block, shown: ShownOutput, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An example's output is the real output now (trailing spaces aside), so a change to
    the model or the scorecard that moves a number shows up here, not in a reader's
    terminal.  On failure the message holds the fresh output to paste into the page."""
    from sim import cli

    _scratch_checkout(tmp_path, monkeypatch)
    monkeypatch.setenv("COLUMNS", "80")  # rich's width when not writing to a terminal
    commands = shipit_commands(block.text)
    for argv in commands[: commands.index(shown.argv)]:  # the block's earlier commands first
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert cli.main(argv) == 0, argv
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(shown.argv)
    assert status == 0, err.getvalue()
    real = [line.rstrip() for line in out.getvalue().splitlines()]
    while real and not real[-1]:
        real.pop()
    fresh = "\n".join(real)
    assert real == shown.lines, (
        f"{block.path}:{shown.line}: the output shown for `shipit {shlex.join(shown.argv)}` "
        f"is stale; the command prints now:\n{fresh}"
    )


def test_sim_never_imports_tui() -> None:
    """The dependency runs one way (BRIEF §2): the game imports the model, never back."""
    pattern = re.compile(r"^\s*(from|import)\s+tui\b", re.M)
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "sim").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
