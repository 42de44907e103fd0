"""Security weaknesses: a live weakness is found and patched, or exploited first.

A change may carry a weakness from birth (``security.weakness_prob``); once it is live
(:func:`sim.model.production.deliver`) a race starts between discovery, which files a
patch that goes through the pipeline, and an exploit, which opens a security incident
(:func:`sim.model.incidents.incident`) hurting ``security.breach_share`` of the service's
users until someone notices and repairs it.  The weakness closes when the patch is live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import Kind
from ..units import DAYS_PER_YEAR, HOURS_PER_DAY
from .development import spawn
from .incidents import incident
from .items import Process, WorkItem

if TYPE_CHECKING:
    from .context import Model

_WEAKNESS_CLOSED = Kind.WEAKNESS_CLOSED
_WEAKNESS_EXPLOITED = Kind.WEAKNESS_EXPLOITED


def service_of(m: Model, team: int) -> int:
    """The service a team's work runs in: its own, or the one shared system."""
    return 0 if m.coupled() else team


def weakness(m: Model, item: WorkItem) -> Process:
    """A live security weakness: found and patched through the pipeline, or exploited."""
    env = m.env
    sec = m.s.security
    sigma = m.s.incidents.duration_sigma
    exploit_in = (
        m.streams["exploit"].exponential(DAYS_PER_YEAR * HOURS_PER_DAY / sec.exploit_per_year)
        if sec.exploit_per_year > 0
        else float("inf")
    )
    found_in = m.streams["discovery"].lognormal_median(
        sec.discovery_days_median * HOURS_PER_DAY, sigma
    )
    if found_in < exploit_in:
        yield env.timeout(found_in)
        patch = _patch(m, item)
        assert patch.delivered_event is not None
        outcome = yield patch.delivered_event | env.timeout(exploit_in - found_in)
        if patch.delivered_event in outcome:
            m.emit(_WEAKNESS_CLOSED, item.id, {"by": "patch"})
            return
    else:
        yield env.timeout(exploit_in)
        patch = None
    number = m.next_incident_id()
    m.emit(_WEAKNESS_EXPLOITED, item.id, {"incident": number})
    detect = m.streams["breach"].lognormal_median(
        sec.breach_detection_days_median * HOURS_PER_DAY, sigma
    )
    service = service_of(m, item.team)
    yield env.process(
        incident(m, number, "security", 2, sec.breach_share, detect, "customer", item.team, service)
    )
    if patch is None:
        patch = _patch(m, item)
    assert patch.delivered_event is not None
    if not patch.delivered_event.triggered:
        yield patch.delivered_event
    m.emit(_WEAKNESS_CLOSED, item.id, {"by": "patch"})


def _patch(m: Model, item: WorkItem) -> WorkItem:
    """The security patch for ``item``'s weakness: a new change of the item's team."""
    patch = spawn(m, "security", m.s.security.patch_effort_days, item.team)
    patch.target = item
    patch.delivered_event = m.env.event()
    return patch
