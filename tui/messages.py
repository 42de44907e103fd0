"""Messages the fast-forward worker posts to the board (thread-safe via ``post_message``)."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class FastForwardProgress(Message):
    """How far a fast-forward has got; only the latest one in the queue matters."""

    def __init__(self, share: float, date: str, round_share: float) -> None:
        super().__init__()
        self.share = share
        self.date = date
        self.round_share = round_share

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FastForwardProgress)


class FastForwardDone(Message):
    """A fast-forward ended: at its target, at a round's end (``report``), or cancelled."""

    def __init__(self, report: Any | None, cancelled: bool, seconds: float) -> None:
        super().__init__()
        self.report = report
        self.cancelled = cancelled
        self.seconds = seconds
