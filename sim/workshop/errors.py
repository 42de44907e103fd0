"""What goes wrong in a workshop, as one-line errors (exit status 2 in the CLI)."""

from __future__ import annotations

from ..errors import ScenarioError


class WorkshopError(ScenarioError):
    """A workshop request the rules refuse (wrong phase, over budget, unknown team)."""


class DebriefError(WorkshopError):
    """Writing the debrief after a round failed; the round itself was played and stored.

    Raised by :meth:`Workshop.play_round` with ``debrief``: callers should report it as
    its own problem, never as "round not played".  ``round`` is the round that was played.
    """

    def __init__(self, workshop: str, round_number: int, problem: str) -> None:
        self.round = round_number
        super().__init__(
            f"workshop {workshop}", "debrief",
            f"round {round_number} was played and stored; the debrief was not written: "
            f"{problem}",
        )  # fmt: skip
