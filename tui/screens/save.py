"""Ask where to save the game."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SaveScreen(ModalScreen[str | None]):
    """A file name, prefilled; enter saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    HELP: ClassVar[dict[str, str]] = {"cancel": "Do not save"}

    def __init__(self, default: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="save"):
            yield Static("Save the game (seed, scenario and your commands) to:")
            yield Input(self.default, id="save-path")
            yield Static("enter: save   escape: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#save").border_title = "Save"
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
