"""Ask where to save the game, or, in a served game, what to call it.

In a terminal the player types a path and the board saves there.  The name offered is
one no file has yet (:func:`unused_name`: ``shipit-game-<scenario>-<seed>.json``, then
``…-2.json``, ``…-3.json``), and a typed path that exists is never overwritten silently:
the screen asks first (``y`` overwrites, ``n`` goes back to the name, offering a free
one).  In a served game
(``shipit serve`` runs every game with ``--served-saves DIR``, so ``app.saves_dir`` is
set) what the player types is never a path: it is reduced to a label of at most 40
letters, digits, ``-`` and ``_``, embedded in a generated name
(``game-<timestamp>-<label>-<random>.json``) inside that folder, and this screen saves
the game itself and tells the player the name it used.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sim.outputs import OutputError

if TYPE_CHECKING:
    from sim.game import Game

LABEL_MAX = 40
LABEL_CHARS = "A-Za-z0-9_-"


def clean_label(text: str) -> str:
    """``text`` reduced to ``[A-Za-z0-9_-]{0,40}``: other runs of characters become ``-``."""
    label = re.sub(f"[^{LABEL_CHARS}]+", "-", text).strip("-_")
    return label[:LABEL_MAX].strip("-_")


def default_label(default_name: str) -> str:
    """The label offered for a served save, from the terminal's default file name."""
    stem = default_name.removesuffix(".json").removeprefix("shipit-game-")
    return clean_label(stem)


def unused_name(name: str) -> str:
    """``name`` if no file has it yet, else the first free ``<stem>-2<suffix>``, ``-3``, …

    Offered as the default, so saving twice, or two games of the same scenario and seed,
    never offer a file that is already there.
    """
    path = Path(name)
    if not os.path.lexists(path):
        return name
    number = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not os.path.lexists(candidate):
            return str(candidate)
        number += 1


def default_save_name(game: Game) -> str:
    """``shipit-game-<scenario>-<seed>.json``, or ``…-2.json`` etc. if that file exists:
    the name offered is never one a save would overwrite."""
    info = getattr(game.scenario, "scenario", None)
    name = getattr(info, "name", "game")
    return unused_name(f"shipit-game-{name}-{game.seed}.json")


def served_save_path(saves_dir: Path, typed: str, now: datetime | None = None) -> Path:
    """A new file in ``saves_dir`` named from the time, ``typed`` (as a label) and chance.

    Whatever ``typed`` holds (``../../etc/passwd``, ``/tmp/x``), the result is a fresh
    name directly inside ``saves_dir``.
    """
    folder = Path(saves_dir).resolve()
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    label = clean_label(typed)
    middle = f"{stamp}-{label}" if label else stamp
    while True:
        path = folder / f"game-{middle}-{secrets.token_hex(4)}.json"
        if not path.exists():
            break
    if path.parent != folder:  # cannot happen with the names above; kept as the rule
        raise ValueError(f"{path} is not inside {folder}")
    return path


class SaveScreen(ModalScreen[str | None]):
    """A file name, prefilled; enter saves, escape cancels.

    In a terminal, enter on a path that exists asks first: ``y`` overwrites it, ``n``
    goes back to the name (offering a free one).  Served (``app.saves_dir`` set): a label
    instead of a path; the screen saves into that folder and dismisses with None, so
    nothing else writes a file.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Do not save"),
        Binding("y", "overwrite", "Overwrite", show=False,
                tooltip="Overwrite the file that exists"),
        Binding("n", "keep", "Keep the file", show=False,
                tooltip="Keep the file that exists: choose another name"),
    ]  # fmt: skip

    def __init__(self, default: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default = default
        self.saved_path: Path | None = None
        """Served mode: where the game went (for tests and the notification)."""
        self.confirming: str | None = None
        """Terminal mode: the typed path that exists, while the screen asks to overwrite it."""

    @property
    def saves_dir(self) -> Path | None:
        folder = getattr(self.app, "saves_dir", None)
        return Path(folder) if folder is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="save"):
            if self.saves_dir is None:
                yield Static("Save the game (seed, scenario and your commands) to:")
                yield Input(self.default, id="save-path")
            else:
                yield Static(
                    "Save the game (seed, scenario and your commands) on the server, "
                    "named (letters, digits, - and _):"
                )
                yield Input(
                    default_label(self.default),
                    id="save-path",
                    restrict=f"[{LABEL_CHARS}]*",
                    max_length=LABEL_MAX,
                )
            yield Static(id="save-confirm")
            yield Static("enter: save   escape: cancel", classes="hint", id="save-hint")

    def on_mount(self) -> None:
        self.query_one("#save").border_title = "Save"
        self.query_one("#save-confirm").display = False
        self.query_one(Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("overwrite", "keep"):
            return self.confirming is not None
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        saves_dir = self.saves_dir
        if saves_dir is None:
            typed = event.value.strip()
            if typed and self.exists(typed):
                self.ask_to_overwrite(typed)
                return
            self.dismiss(typed or None)
            return
        self.save_served(saves_dir, event.value)
        self.dismiss(None)

    @staticmethod
    def exists(typed: str) -> bool:
        """Whether saving to ``typed`` would replace a regular file (the only kind a save
        replaces: a folder, FIFO or device is refused when saving, with its reason)."""
        return Path(typed).is_file()

    def ask_to_overwrite(self, typed: str) -> None:
        """The confirm step: the name is locked, y/n decide."""
        self.confirming = typed
        field = self.query_one(Input)
        field.disabled = True
        confirm = self.query_one("#save-confirm", Static)
        confirm.update(
            Text.assemble((f"{typed} exists. ", "bold yellow"), ("Overwrite it?", "bold"))
        )
        confirm.display = True
        self.query_one("#save-hint", Static).update(
            "y: overwrite   n: keep it, choose another name   escape: cancel"
        )
        self.refresh_bindings()

    def action_overwrite(self) -> None:
        if self.confirming is not None:
            self.dismiss(self.confirming)

    def action_keep(self) -> None:
        """Back to the name, with a free one offered instead of the file that exists."""
        typed = self.confirming
        if typed is None:
            return
        self.confirming = None
        self.query_one("#save-confirm").display = False
        self.query_one("#save-hint", Static).update("enter: save   escape: cancel")
        field = self.query_one(Input)
        field.disabled = False
        field.value = unused_name(typed)
        field.focus()
        self.refresh_bindings()

    def save_served(self, saves_dir: Path, typed: str) -> bool:
        """Save the app's game under a generated name in ``saves_dir``."""
        game = getattr(self.app, "game", None)
        if game is None:
            self.app.notify("There is no game to save.", severity="warning")
            return False
        try:
            saves_dir.mkdir(parents=True, exist_ok=True)
            path = served_save_path(saves_dir, typed)
            game.save(path)
        except (OSError, ValueError, OutputError):  # GameError, ScenarioError: ValueErrors
            self.app.notify("Could not save the game on the server.", severity="error")
            return False
        self.saved_path = path
        self.app.notify(
            f"Saved on the server as {path.name}: the facilitator can replay it.",
            title="Saved",
        )
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)
