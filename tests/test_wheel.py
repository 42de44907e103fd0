"""The wheel carries everything ``shipit`` needs: built from this tree, installed in a fresh venv.

A checkout hides missing package data (the source tree is right there), so this test
builds the wheel from a copy of the tree, installs it with ``--no-deps`` into a new
virtual environment and runs ``shipit`` from a directory that is not the checkout, with
``PYTHONPATH`` unset.  The new environment sees this one's third-party packages through a
``.pth`` file, so nothing is downloaded: what is tested is the wheel's own contents.
The wheel is built the way ``python -m build`` builds one, from the sdist, so a file the
sdist leaves out is missing here too.

``make wheel-check`` runs this test with ``SHIPIT_WHEEL_DEPENDENCIES=pypi``: the wheel is
built in an isolated build environment and installed with its dependencies from PyPI, as
``pip install`` or ``pipx install`` would (minutes, and the network; not part of ``make test``).

Marked ``wheel`` (``pytest -m "not wheel"`` skips it); ``make test`` runs it.  One test,
not several, so that parallel workers do not each build a wheel (about 30 s in all).
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PYPI = os.environ.get("SHIPIT_WHEEL_DEPENDENCIES") == "pypi"
"""Install the dependencies from PyPI (``make wheel-check``) instead of borrowing this venv's."""

STEP_SECONDS = 1800 if PYPI else 120
"""Longest any one step (build, install, one command) may take before the test fails."""

pytestmark = [pytest.mark.wheel, pytest.mark.timeout(3 * STEP_SECONDS)]

SOURCES = ("pyproject.toml", "README.md", "sim", "tui", "scenarios")
"""What a build reads: the project file, the readme (the long description) and the packages."""

PLAY = """
import asyncio, sys
from importlib.metadata import entry_points
from textual.app import App

async def drive(app):
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        board = app.board
        print("screen", type(app.screen).__name__)
        print("scenario", board.game.scenario.scenario.name)
        start = board.game.now
        await pilot.press("space")
        board.tick()
        await pilot.press("space")
        print("advanced", board.game.now > start)

App.run = lambda self, *args, **kwargs: asyncio.run(drive(self))  # headless, same app
(shipit,) = entry_points(group="console_scripts", name="shipit")
sys.exit(shipit.load()(["play", "legacy-enterprise", "--seed", "7"]))
"""
"""``shipit play legacy-enterprise`` through the installed console script's entry point,
with Textual's headless ``run_test`` standing in for the terminal: the real app starts (its
stylesheet, the built-in scenario) and the game advances."""


@dataclass(frozen=True)
class Installed:
    """A fresh venv with the wheel installed: its interpreter, scripts and site-packages."""

    python: Path
    scripts: Path
    site_packages: Path
    cwd: Path

    def run(self, *argv: str | Path) -> subprocess.CompletedProcess[str]:
        """Run a command from outside the checkout, without PYTHONPATH, wide for Rich."""
        unset = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env.update(COLUMNS="300", MPLBACKEND="Agg", NO_COLOR="1")
        return subprocess.run(
            [str(a) for a in argv],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_SECONDS,
            check=False,
        )

    def shipit(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """The installed ``shipit`` console script; fails the test on a non-zero exit."""
        done = self.run(self.scripts / "shipit", *argv)
        assert done.returncode == 0, (argv, done.stdout[-2000:], done.stderr[-2000:])
        assert "Traceback" not in done.stderr
        return done


def checked(argv: list[str | Path], cwd: Path | None = None) -> str:
    """Run a build or install step; its stdout, or a failure showing what it printed."""
    done = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
        check=False,
    )
    assert done.returncode == 0, (argv, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


def build_wheel(tmp: Path) -> Path:
    """The wheel of the sdist of a copy of this tree (a build writes build/ and *.egg-info)."""
    source = tmp / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp / "dist"
    sdist = checked(
        [
            sys.executable,
            "-c",
            f"from setuptools import build_meta; print(build_meta.build_sdist({str(dist)!r}))",
        ],
        cwd=source,
    ).splitlines()[-1]
    offline = [] if PYPI else ["--no-build-isolation", "--no-index"]
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    checked([*pip, "wheel", "-q", "--no-deps", *offline, "-w", dist, dist / sdist])
    (wheel,) = dist.glob("shipit-*.whl")
    return wheel


def install(wheel: Path, tmp: Path) -> Installed:
    """A new venv with the wheel, seeing this environment's dependencies (or PyPI's: PYPI)."""
    venv = tmp / "venv"
    checked([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    paths = json.loads(
        checked([python, "-c", "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))"])
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python]
    site_packages = Path(paths["purelib"])
    cwd = tmp / "elsewhere"
    cwd.mkdir()
    installed = Installed(python, Path(paths["scripts"]), site_packages, cwd)
    if PYPI:
        checked([*pip, "install", "-q", wheel])
        return installed
    checked([*pip, "install", "-q", "--no-deps", "--no-index", wheel])
    ours = {
        *site.getsitepackages(),
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    }
    (site_packages / "shipit_test_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8"
    )
    return installed


def check_contents(wheel: Path) -> None:
    """Every module and data file of sim and tui, and every shipped scenario, deck and sweep."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        p.relative_to(ROOT).as_posix()
        for package in ("sim", "tui")
        for p in (ROOT / package).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    expected |= {
        "sim/bundled/" + p.relative_to(ROOT / "scenarios").as_posix()
        for p in (ROOT / "scenarios").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert "sim/bundled/decks/default.toml" in expected  # the folders were walked
    assert "tui/app.tcss" in expected
    assert not expected - names, sorted(expected - names)
    assert not any(n.startswith(("tests/", "scenarios/")) for n in names)


def test_wheel_installs_and_plays(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    check_contents(wheel)
    env = install(wheel, tmp_path)

    where = env.run(
        env.python,
        "-c",
        "import sim, tui; from sim import resources; "
        "print(sim.__file__); print(tui.__file__); print(resources.scenarios()); "
        "print(resources.default_deck()); print(resources.sweep_examples())",
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert Path(line).is_relative_to(env.site_packages), line  # not the checkout

    builtins = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    listed = env.shipit("scenarios").stdout
    for name in builtins:
        assert name in listed, (name, listed)

    run = env.shipit("run", "legacy-enterprise").stdout
    assert "Legacy enterprise" in run
    for key in ("Deployment frequency", "Lead time for changes", "Change failure rate"):
        assert key in run, run

    deck = env.shipit("workshop", "deck").stdout
    assert str(env.site_packages / "sim" / "bundled" / "decks" / "default.toml") in deck, deck
    assert "major-outage" in deck

    sweeps = env.run(
        env.python,
        "-c",
        "from sim import resources; print([p.name for p in resources.sweep_examples().iterdir()])",
    )
    assert sweeps.returncode == 0, sweeps.stderr
    for path in (ROOT / "scenarios" / "sweeps").glob("*.toml"):
        assert path.name in sweeps.stdout

    play = env.run(env.python, "-c", PLAY)
    assert play.returncode == 0, (play.stdout[-2000:], play.stderr[-2000:])
    assert "screen BoardScreen" in play.stdout
    assert "scenario legacy-enterprise" in play.stdout
    assert "advanced True" in play.stdout
