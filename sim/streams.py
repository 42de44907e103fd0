"""Named random streams: one numpy ``Generator`` per source, keyed by name.

Each stream is seeded from ``SeedSequence([master_seed, replication, crc32(name)])``, so
adding a new source or changing which practices are on never shifts the numbers another
source produces (common random numbers, BRIEF §2).  Draws are buffered in blocks for
speed; a stream should be used for one purpose so its sequence depends only on how often
that purpose needs a number.  No global ``random`` or ``np.random.*`` is used anywhere.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

_BLOCK = 512


class Stream:
    """One named source of randomness with buffered uniform, normal and exponential draws."""

    __slots__ = ("_exp", "_gen", "_norm", "_u", "name")

    def __init__(self, name: str, seed: int, replication: int) -> None:
        self.name = name
        sequence = np.random.SeedSequence([seed, replication, zlib.crc32(name.encode())])
        self._gen = np.random.Generator(np.random.PCG64(sequence))
        # Buffers hold a block of draws in reverse, so list.pop() yields them in order.
        self._u: list[float] = []
        self._norm: list[float] = []
        self._exp: list[float] = []

    def uniform(self) -> float:
        """A draw from U[0, 1)."""
        try:
            return self._u.pop()
        except IndexError:
            self._u = self._gen.random(_BLOCK)[::-1].tolist()
            return self._u.pop()

    def uniform_block(self) -> list[float]:
        """The next uniforms in draw order, as many as are buffered (or a fresh block):
        the same numbers :meth:`uniform` would give one by one, for a caller that takes
        several streams in lockstep."""
        if self._u:
            block, self._u = self._u[::-1], []
            return block
        return self._gen.random(_BLOCK).tolist()

    def normal(self) -> float:
        """A standard normal draw."""
        try:
            return self._norm.pop()
        except IndexError:
            self._norm = self._gen.standard_normal(_BLOCK)[::-1].tolist()
            return self._norm.pop()

    def exponential(self, mean: float) -> float:
        """An exponential draw with the given mean (0 when the mean is 0)."""
        try:
            return self._exp.pop() * mean
        except IndexError:
            self._exp = self._gen.standard_exponential(_BLOCK)[::-1].tolist()
            return self._exp.pop() * mean

    def lognormal_median(self, median: float, sigma: float) -> float:
        """A lognormal draw given its median and log-standard-deviation."""
        return median * math.exp(sigma * self.normal())

    def lognormal_mean(self, mean: float, cv: float) -> float:
        """A lognormal draw given its mean and coefficient of variation."""
        sigma2 = math.log1p(cv * cv)
        return mean * math.exp(math.sqrt(sigma2) * self.normal() - 0.5 * sigma2)

    def chance(self, probability: float) -> bool:
        """True with the given probability (always consumes one uniform)."""
        return self.uniform() < probability


class Streams:
    """Lazily created named streams for one replication: ``streams["arrivals"]``."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed = seed
        self.replication = replication
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        stream = self._streams.get(name)
        if stream is None:
            stream = self._streams[name] = Stream(name, self.seed, self.replication)
        return stream
