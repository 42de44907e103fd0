"""The files that ship with Ship It: built-in scenarios, the default event deck, sweep examples.

They live in the repository's top-level ``scenarios/`` folder (scenario TOML files, with
``decks/`` and ``sweeps/`` beside them) and travel inside the wheel as the package
``sim.bundled``: ``pyproject.toml`` maps that package name onto the folder.  This module is
the one place that knows so; everything else asks it.  :mod:`importlib.resources` then finds
the same files from a checkout, an editable install (``pip install -e .``, whose import
finder honours the mapping) and an installed wheel (``pip install``, ``pipx install``).

Paths, not :class:`~importlib.resources.abc.Traversable`: every caller reads files with
size limits and ``is_file`` checks (:mod:`sim.inputs`), and pip and pipx always unpack a
wheel onto disk.  A zipped install (a zipapp) is not supported and fails here, loudly.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

BUNDLE = "sim.bundled"
"""The package that holds the shipped files (the top-level ``scenarios/`` folder)."""


CHECKOUT = Path(__file__).resolve().parent.parent / "scenarios"
"""Where the files are in a source checkout that was never installed (``PYTHONPATH=.``)."""


def bundle_dir() -> Path:
    """The folder of the shipped files: ``scenarios/`` in a checkout, ``sim/bundled/`` installed.

    ``sim.bundled`` exists only for an import system that knows the mapping (an installed
    wheel, or the editable install's finder); a bare checkout on ``sys.path`` does not, and
    falls back to the folder beside the package.
    """
    try:
        root = files(BUNDLE)
    except ModuleNotFoundError:
        if CHECKOUT.is_dir():
            return CHECKOUT
        raise
    if not isinstance(root, Path):
        raise RuntimeError(
            f"Ship It's built-in files ({BUNDLE}) are not on disk ({root!r}); "
            "install the wheel with pip or pipx rather than running it from a zip"
        )
    return root


def scenarios() -> Path:
    """The folder of built-in scenarios: ``<name>.toml`` for each (top level only)."""
    return bundle_dir()


def decks() -> Path:
    """The folder of shipped workshop event decks (``decks/*.toml``)."""
    return bundle_dir() / "decks"


def default_deck() -> Path:
    """The deck a workshop uses unless told otherwise: ``decks/default.toml``."""
    return decks() / "default.toml"


def sweep_examples() -> Path:
    """The folder of commented example sweep files (``sweeps/*.toml``), to copy and edit."""
    return bundle_dir() / "sweeps"
