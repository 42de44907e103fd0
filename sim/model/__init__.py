"""The delivery-organisation model: SimPy processes, pools, policies and live commands."""

from .commands import (
    Command,
    InjectIncident,
    ReleaseFreeze,
    Reorganise,
    ResizePool,
    SetPractice,
    TrafficSpike,
)
from .simulation import Simulation, commands_from_log, replay

__all__ = [
    "Command",
    "InjectIncident",
    "ReleaseFreeze",
    "Reorganise",
    "ResizePool",
    "SetPractice",
    "Simulation",
    "TrafficSpike",
    "commands_from_log",
    "replay",
]
