"""pipeline.lsh.candidate_pairs gives exactly pipeline.similarity.candidate_pairs' pairs: templated buckets of
many near copies, years apart and unknown, the cap, signatures too wide for uint32, tiny inputs."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import lsh, similarity
from pipeline.similarity import PERMUTATIONS, signature


def corpus(seed: int, n: int, templates: int, wide: bool = False):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 1 << 32, (templates, PERMUTATIONS), dtype=np.uint64)
    sig = base[rng.integers(0, templates, n)].copy()
    # each copy changes a few values: some stay in their template's buckets, some leave a band or two
    for row in sig:
        changed = rng.integers(0, PERMUTATIONS, rng.integers(0, 16))
        row[changed] = rng.integers(0, 1 << 32, len(changed), dtype=np.uint64)
    if wide:
        sig[::7, 3] += np.uint64(1 << 40)
    ids = sorted(f"{x:016x}" for x in rng.choice(1 << 40, n, replace=False))
    years = [None if y == 0 else int(2018 + y) for y in rng.integers(0, 6, n)]
    return ids, years, sig


@pytest.mark.parametrize(
    ("seed", "n", "templates", "checks", "wide"),
    [(0, 3000, 5, 10, False), (1, 2000, 200, 10, False), (2, 1500, 3, 2, False), (3, 1000, 20, 10, True)],
)
def test_same_pairs_as_the_reference(seed, n, templates, checks, wide):
    ids, years, sig = corpus(seed, n, templates, wide)
    want = similarity.candidate_pairs(ids, years, sig, checks)
    assert want  # the corpus does make candidates
    assert lsh.candidate_pairs(ids, years, sig, checks) == want


def test_small_inputs():
    text = "，".join(f"第{i}条规定的内容在这里说明" for i in range(40))
    sig = np.vstack([signature(text), signature(text)])
    for ids, years, s in [([], [], sig[:0]), (["a"], [2020], sig[:1]), (["a", "b"], [2020, 2021], sig)]:
        assert lsh.candidate_pairs(ids, years, s) == similarity.candidate_pairs(ids, years, s)
    assert lsh.candidate_pairs(["a", "b"], [2020, 2023], sig) == []
