"""Queueing theory the model is validated against (BRIEF §5): Erlang C and M/M/c.

These are the analytic reference values, not model logic: tests and the validation
report compare the ``queueing-check`` scenario with them.  Rates are per unit of time,
and times come out in the same unit.
"""

from __future__ import annotations

import math


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability an arrival must wait in an M/M/c queue (Erlang C).

    ``offered_load`` is a = λ/μ in Erlangs; it must be below ``servers``.
    """
    c, a = servers, offered_load
    if not 0 <= a < c:
        raise ValueError(f"offered load {a} must be in [0, {c}) for a stable queue")
    top = a**c / math.factorial(c) * c / (c - a)
    bottom = sum(a**k / math.factorial(k) for k in range(c)) + top
    return top / bottom


def mmc_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue, Wq = C(c, a) / (c·μ − λ)."""
    return erlang_c(servers, arrival_rate / service_rate) / (servers * service_rate - arrival_rate)


def mmc_time_in_system(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in system, W = Wq + 1/μ."""
    return mmc_wait(arrival_rate, service_rate, servers) + 1.0 / service_rate
