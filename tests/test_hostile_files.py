"""Safe by default: hostile output targets, input files and scenario text.

Outputs go to regular files only (a FIFO, socket, directory or device is refused, a link
to a regular file is written through); input files are regular and bounded; scenario text
carries no control characters; charts draw ``$`` as written.  Every refusal is one line,
exit status 2 and no traceback.  Special files are made only inside ``tmp_path``: the
machine's own device files are never touched.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from sim.commands import run as cli
from sim.errors import ScenarioError
from sim.inputs import SCENARIO_MAX_BYTES, read_input_bytes, read_text_input
from sim.loading import TOO_DEEP, apply_overrides, load_scenario, validate_data
from sim.outputs import (
    REGULAR_ONLY,
    OutputError,
    atomic_path,
    atomic_write,
    check_output_dir,
    check_output_path,
    file_kind,
    output_target,
)
from sim.plots import RUN_CHARTS
from tests.cli_helpers import SENTINEL, assert_one_line_error, run_cli

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")

GOOD = '[scenario]\nname = "my-org"\ntitle = "My org"\n[run]\ndays = 40\nwarmup_days = 5\n'


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _is_fifo(path: Path) -> bool:
    return stat.S_ISFIFO(os.lstat(path).st_mode)


def _one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message, message


def _must_not_run(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the simulation ran before the output path was checked")


# --------------------------------------------------------------------------- outputs


@posix_only
def test_fifo_output_is_refused_by_the_check_and_by_the_writer(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path / "fifo")
    with pytest.raises(OutputError) as caught:
        check_output_path(str(fifo), "--json")
    message = str(caught.value)
    assert caught.value.status == 2
    assert message == f"--json {fifo}: is not a regular file (a FIFO); {REGULAR_ONLY}"
    with pytest.raises(OutputError, match="a FIFO"):
        atomic_write(fifo, ["data\n"])
    with pytest.raises(OutputError, match="a FIFO"), atomic_path(fifo):
        raise AssertionError("atomic_path must refuse before yielding")  # pragma: no cover
    assert _is_fifo(fifo)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]  # no temp file left


@posix_only
def test_cli_refuses_a_fifo_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "run_replication", _must_not_run)
    fifo = _fifo(tmp_path / "out.json")
    for argv in (["run", "elite", "--json", str(fifo)], ["run", "elite", "--events", str(fifo)]):
        status, out, err = run_cli(capsys, *argv)
        assert (status, out) == (2, "")
        assert_one_line_error(err, str(fifo), "FIFO", "regular files only")
    status, _, err = run_cli(capsys, "schema", "-o", str(fifo))
    assert status == 2
    assert_one_line_error(err, "--output", "FIFO")
    assert _is_fifo(fifo)


def test_socket_and_directory_outputs_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write(folder, ["x"])
    with pytest.raises(OutputError, match="is a directory"):
        check_output_path(str(folder), "--json")
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets here")
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.bind(str(path))
        except OSError:  # pragma: no cover - a tmp path too long for a socket address
            pytest.skip("cannot bind a socket in tmp_path")
        with pytest.raises(OutputError, match=r"\(a socket\)") as caught:
            check_output_path(str(path), "--json")
        _one_line(str(caught.value))
        with pytest.raises(OutputError, match="a socket"):
            atomic_write(path, ["x"])
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_device_nodes_are_refused(tmp_path: Path) -> None:
    assert file_kind(stat.S_IFCHR | 0o666) == "a character device"
    assert file_kind(stat.S_IFBLK | 0o660) == "a block device"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("making a device node needs root; the kind is checked above")
    node = tmp_path / "null"  # a private copy of /dev/null, inside tmp_path only
    os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    with pytest.raises(OutputError, match="a character device"):
        atomic_write(node, ["x"])
    with pytest.raises(OutputError, match="a character device"):
        check_output_path(str(node), "--json")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_symlink_to_a_regular_file_is_written_through(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "result.json"
    target.write_text(SENTINEL, encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert check_output_path(str(link), "--json") == link
    assert output_target(link) == target.resolve()
    atomic_write(link, ["new\n"])
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the old file's permissions
    assert sorted(p.name for p in real_dir.iterdir()) == ["result.json"]


@posix_only
def test_symlinks_to_special_files_dangling_and_looping_are_refused(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path / "fifo")
    to_fifo = tmp_path / "to-fifo"
    to_fifo.symlink_to(fifo)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    to_dir = tmp_path / "to-dir"
    to_dir.symlink_to(tmp_path)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    cases = {
        to_fifo: "a FIFO",
        dangling: "does not exist",
        to_dir: "directory",
        loop: "symbolic link",
    }
    for path, words in cases.items():
        for attempt in (
            lambda p=path: check_output_path(str(p), "--events"),
            lambda p=path: atomic_write(p, ["x"]),
        ):
            with pytest.raises(OutputError, match=words) as caught:
                attempt()
            assert caught.value.status == 2
            _one_line(str(caught.value))
    assert _is_fifo(fifo) and to_fifo.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "nowhere").exists()


def test_long_output_names_are_one_line_errors_or_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    too_long = tmp_path / ("x" * 300 + ".json")
    with pytest.raises(OutputError, match="too long") as caught:
        check_output_path(str(too_long), "--json")
    assert caught.value.status == 2
    with pytest.raises(OutputError, match="too long"):
        check_output_dir(str(tmp_path / ("d" * 300)), "--plots", "the charts")
    with pytest.raises(OutputError):
        atomic_write(too_long, ["x"])
    status, _, err = run_cli(capsys, "schema", "-o", str(too_long))
    assert status == 2
    assert_one_line_error(err, "--output", "too long")

    legal = tmp_path / ("y" * 245 + ".json")  # 250 bytes: the longest usual name is 255
    status, out, err = run_cli(capsys, "schema", "-o", str(legal))
    assert (status, out, err) == (0, "", "")
    assert legal.read_text(encoding="utf-8").startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == [legal.name]


@posix_only
def test_chart_over_a_fifo_is_refused_before_drawing(tmp_path: Path) -> None:
    from sim import plots
    from sim.plots.style import new_figure, save

    fifo = _fifo(tmp_path / plots.RUN_CHARTS[2])
    with pytest.raises(OutputError, match="a FIFO"):
        plots.run_charts([], {}, "title", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [fifo.name]  # nothing drawn
    fig, _ = new_figure("t")
    with pytest.raises(OutputError, match="a FIFO"):
        save(fig, fifo)
    assert _is_fifo(fifo)


# --------------------------------------------------------------------------- input files


@posix_only
@pytest.mark.timeout(20)
def test_fifo_scenario_is_refused_without_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = _fifo(tmp_path / "s.toml")
    link = tmp_path / "link.toml"
    link.symlink_to(fifo)
    for path in (fifo, link):
        with pytest.raises(ScenarioError, match=r"not a regular file \(a FIFO\)") as caught:
            load_scenario(str(path))
        _one_line(caught.value.message)
    status, _, err = run_cli(capsys, "validate", str(link))
    assert status == 2
    assert_one_line_error(err, str(link), "FIFO")


def test_oversized_scenario_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(SCENARIO_MAX_BYTES + 1)  # sparse: no megabyte actually written
    with pytest.raises(ScenarioError, match="larger than 1 MiB") as caught:
        load_scenario(str(big))
    assert caught.value.message.startswith(f"{big}: ")
    status, _, err = run_cli(capsys, "run", str(big))
    assert status == 2
    assert_one_line_error(err, "big.toml", "1 MiB")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_the_read_is_bounded_even_when_the_size_claims_zero() -> None:
    # /proc files are regular, report size 0 and yet have content: like a device that
    # claims nothing, only the bounded read can catch them.
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(ScenarioError, match="larger than 16 bytes"):
        read_input_bytes("/proc/self/status", "status", limit=16)


def test_read_text_input_api(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_bytes(b"\xef\xbb\xbfa = 1\n")
    assert read_text_input(path, "deck.toml", limit=100, what="a deck") == "a = 1\n"
    with pytest.raises(ScenarioError, match="larger than 4 bytes; expected a deck of at most"):
        read_text_input(path, "deck.toml", limit=4, what="a deck")
    with pytest.raises(ScenarioError, match="is a directory; expected a deck"):
        read_text_input(tmp_path, "dir", what="a deck")
    with pytest.raises(ScenarioError, match=r"^missing: file not found\Z"):
        read_text_input(tmp_path / "nope", "missing")
    path.write_bytes(b"a = 1\nb = \xff\n")
    with pytest.raises(ScenarioError, match="not UTF-8 text: byte 0xff at line 2"):
        read_text_input(path, "deck.toml")


def test_long_scenario_names_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for ref in ("e" * 300, "/tmp/" + "e" * 300 + ".toml"):
        status, _, err = run_cli(capsys, "validate", ref)
        assert status == 2
        assert_one_line_error(err)


def test_deeply_nested_toml_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text(
        '[scenario]\nname = "x"\nlearning_goals = ' + "[" * 600 + "]" * 600 + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="nested too deeply") as caught:
        load_scenario(str(deep))
    _one_line(caught.value.message)
    tables = tmp_path / "tables.toml"
    tables.write_text("x = " + "{a = " * 600 + "1" + "}" * 600 + "\n", encoding="utf-8")
    status, _, err = run_cli(capsys, "validate", str(tables))
    assert status == 2
    assert_one_line_error(err, "tables.toml", "nested too deeply")
    base = load_scenario("elite")
    for depth in (300, 600):
        value = "[" * depth + "]" * depth
        with pytest.raises(ScenarioError) as caught:
            apply_overrides(base, [f"scenario.learning_goals={value}"])
        _one_line(caught.value.message)
        assert "scenario.learning_goals" in caught.value.message or TOO_DEEP in str(caught.value)


# --------------------------------------------------------------------------- scenario text


@pytest.mark.parametrize(
    ("section", "expected_key"),
    [
        ({"name": "my-org\n"}, "scenario.name"),
        ({"name": "x", "title": "\x1b[31mred\x1b[0m"}, "scenario.title"),
        ({"name": "x", "title": "tab\there"}, "scenario.title"),
        ({"name": "x", "title": "del\x7f"}, "scenario.title"),
        ({"name": "x", "description": "line\r\nbreak"}, "scenario.description"),
        ({"name": "x", "description": "bell\x07"}, "scenario.description"),
        ({"name": "x", "learning_goals": ["fine", "c1 \x9b2J"]}, "scenario.learning_goals.1"),
    ],
)
def test_control_characters_in_scenario_text_are_refused(
    section: dict[str, Any], expected_key: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        validate_data({"scenario": section}, "s.toml")
    error = caught.value
    assert error.key == expected_key
    assert "control character U+" in error.message
    assert "allowed" in error.message
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in error.message)


def test_multi_line_description_is_allowed() -> None:
    scenario = validate_data(
        {"scenario": {"name": "x", "title": "$5 & 100 %", "description": "a\n\tb\n"}}, "s.toml"
    )
    assert scenario.scenario.description == "a\n\tb\n"


def test_messages_never_echo_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ScenarioError) as caught:
        validate_data({"scenario": {"name": "x", "\x1b[2J": 1}}, "s.toml")
    assert "\x1b" not in caught.value.message and "\\u001b[2J" in caught.value.message
    with pytest.raises(ScenarioError) as caught:
        validate_data({"scenario": {"name": "x", "title": "\x9b" * 130}}, "s.toml")
    assert "\x9b" not in caught.value.message
    status, _, err = run_cli(capsys, "run", "elite", "--set", "scenario.title=\x1b]0;pwned\x07")
    assert status == 2
    assert_one_line_error(err, "scenario.title", "control character")
    assert "\x1b" not in err and "\x07" not in err


# --------------------------------------------------------------------------- charts


def test_plain_escapes_dollars_once() -> None:
    from sim.plots.style import plain

    assert plain("costs $5 and $6") == r"costs \$5 and \$6"
    assert plain(r"$\frac{1}{0}$ ^_{}") == r"\$\frac{1}{0}\$ ^_{}"
    assert plain("no specials") == "no specials"


def test_user_text_with_mathtext_draws(tmp_path: Path) -> None:
    from matplotlib.text import Text

    from sim.plots.scorecard import compare_scorecard_chart
    from sim.plots.style import legend, new_figure, save, style_axes

    hostile = r"Cost $\frac{1}{0}$ of $5 ^_{} \$ and $$"
    fig, (ax,) = new_figure(hostile)
    style_axes(ax, hostile, hostile, hostile)
    ax.plot([0, 1], [0, 1], label=hostile)
    legend(ax, title=hostile)
    texts = [t for t in fig.findobj(Text) if "Cost" in t.get_text()]
    assert len(texts) >= 5
    for text in texts:
        shown, is_math = text._preprocess_math(text.get_text())
        assert not is_math
        assert shown.replace("\n", " ").startswith("Cost $\\frac{1}{0}$ of $5")
    out = save(fig, tmp_path / "hostile.png")
    assert out.stat().st_size > 0
    compare_scorecard_chart([(f"scenario.title={hostile}", {})], hostile, tmp_path / "c.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png", "hostile.png"]


def test_run_plots_with_a_dollar_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        GOOD.replace('"My org"', r'"Saves $1M with $\\alpha^2$ {}_"'), encoding="utf-8"
    )
    status, _, err = run_cli(capsys, "run", str(scenario), "--plots", str(tmp_path / "p"), "-q")
    assert (status, err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "p").glob("*.png")) == sorted(RUN_CHARTS)


def test_no_stray_temp_files_after_refusals(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text(SENTINEL, encoding="utf-8")
    with contextlib.suppress(RuntimeError), atomic_path(target) as tmp:
        assert len(tmp.name) < 80
        raise RuntimeError
    assert target.read_text(encoding="utf-8") == SENTINEL
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
