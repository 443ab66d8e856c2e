"""A faster random.Random for the generator's hot path (same Mersenne Twister, fewer Python layers).

random.Random.choice / randint / choices go through several Python-level calls each; a report draws a few
hundred numbers, so at 5,000 reports a second those layers are most of the time. These versions map one
random() float onto the range directly (the tiny bias of float → int does not matter for synthetic data),
and weighted picks take precomputed cumulative weights. Deterministic for a given seed, like the original.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate


class FastRandom(random.Random):
    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:  # type: ignore[override]
        return a + int(self.random() * (b - a + 1))

    def weighted(self, keys, cum: list[float]):
        """keys[i] with probability proportional to weight i; cum = list(accumulate(weights))."""
        return keys[bisect(cum, self.random() * cum[-1])]

    def counts(self, n: int, cum: list[float]) -> list[int]:
        """n draws over len(cum) bins with cumulative weights cum: how many fell in each bin."""
        out = [0] * len(cum)
        total = cum[-1]
        r = self.random
        for _ in range(n):
            out[bisect(cum, r() * total)] += 1
        return out


def cumulative(weights) -> list[float]:
    return list(accumulate(weights))
