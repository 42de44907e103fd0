"""The road now: how much work waits and is in progress at each stage (a read-only view).

:meth:`sim.model.simulation.Simulation.flow` reads the organisation's pools and the release
lanes through this, so a board (the game's flow panel) never reaches inside the model.
Nothing here changes the model or draws a random number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .organisation import Organisation
    from .release import Lane


@dataclass(frozen=True)
class FlowStage:
    """One stage of the road: work waiting and in progress, and its people if it has any.

    ``queued`` and ``active`` count work items (or requests for people); ``people_busy``
    and ``people`` count persons, None for a stage no pool of people works (release).
    """

    name: str
    queued: int
    active: int
    people_busy: int | None = None
    people: int | None = None


def flow_stages(org: Organisation, lanes: Iterable[Lane]) -> list[FlowStage]:
    """Work on the road now, stage by stage from development to deployment.

    In silos testing (QA) and operations are stages of their own; cross-functional teams
    do all three.  What has reached production is not counted here (the caller knows
    since when it counts).
    """
    lanes = list(lanes)
    dev_name = "Development" if org.silos else "Teams (dev, test, ops)"
    dev_busy = sum(p.busy for p in org.dev)
    stages = [
        FlowStage(
            dev_name,
            sum(p.queued for p in org.dev),
            dev_busy,
            dev_busy,
            sum(p.capacity for p in org.dev),
        )
    ]
    if org.silos:
        stages.append(FlowStage("Testing (QA)", org.qa.queued, org.qa.busy, org.qa.busy,
                                org.qa.capacity))  # fmt: skip
    stages.append(FlowStage("Waiting for release", sum(len(lane.ready) for lane in lanes), 0))
    stages.append(FlowStage("Release & deploy", 0, sum(lane.releasing for lane in lanes)))
    if org.silos:
        stages.append(FlowStage("Operations", org.ops.queued, org.ops.busy, org.ops.busy,
                                org.ops.capacity))  # fmt: skip
    return stages
