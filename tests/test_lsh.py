"""pipeline.lsh.candidate_pairs gives exactly the pairs of the first, plainer implementation (below):
templated buckets of many near copies, years apart and unknown, the cap, signatures too wide for uint32, tiny
inputs."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipeline import lsh
from pipeline.similarity import _BANDS, _MIN_JACCARD, _ROWS, _SLICE, NEIGHBOURS, PERMUTATIONS, signature


def reference_candidate_pairs(
    ids: list[str],
    years: list[int | None],
    signatures: np.ndarray,
    checks_per_report: int = 10,
) -> list[tuple[str, str]]:
    """The candidate pairs as first written (pipeline/similarity.py before pipeline/lsh.py), kept as the
    oracle: one polars sort of every band's rows and float agreement. Pairs (a, b), a < b, worth measuring: they share an LSH band bucket as near neighbours, are of the
    same or adjacent years and agree on at least _MIN_JACCARD of their signature. At most
    `checks_per_report` per report, its nearest ids first. `signatures` has one row of PERMUTATIONS values
    per id. A function of the whole set: every build computes it over all reports (it is cheap; measuring
    is not: pipeline/store/near_duplicates.py measures each pair once, in any build)."""
    if len(ids) < 2:
        return []
    sig = signatures.astype(np.uint64, copy=False)
    index = np.arange(len(ids), dtype=np.int64)
    years_np = np.array([y if y is not None else -10 for y in years], dtype=np.int32)
    frames = []
    for band in range(_BANDS):
        block = sig[:, band * _ROWS : (band + 1) * _ROWS]
        # one 64-bit key per band (wrapping polynomial mix); equal blocks give equal keys
        key = np.zeros(len(ids), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(_ROWS):
                key = key * np.uint64(1_000_003) + block[:, j]
        frames.append(
            pl.DataFrame({"band": np.full(len(ids), band, np.int8), "key": key, "year": years_np, "i": index})
        )
    members = pl.concat(frames).sort("band", "key", "year", "i")
    pairs = (
        pl.concat(
            [
                members.select(
                    "i",
                    j=pl.col("i").shift(-k),
                    same=(pl.col("key").shift(-k) == pl.col("key"))
                    & (pl.col("band").shift(-k) == pl.col("band")),
                ).filter(pl.col("same"))
                for k in range(1, NEIGHBOURS + 1)
            ]
        )
        .select(a=pl.min_horizontal("i", "j"), b=pl.max_horizontal("i", "j"))
        .unique()
    )
    if pairs.is_empty():
        return []
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    keep = (np.abs(years_np[a] - years_np[b]) <= 1) & (years_np[a] >= 0) & (years_np[b] >= 0)
    a, b = a[keep], b[keep]
    # in slices: the signatures of a few million pairs at once would take gigabytes
    agrees = np.zeros(len(a), dtype=bool)
    for start in range(0, len(a), _SLICE):
        sa, sb = a[start : start + _SLICE], b[start : start + _SLICE]
        agrees[start : start + _SLICE] = (sig[sa] == sig[sb]).mean(axis=1) >= _MIN_JACCARD
    a, b = a[agrees], b[agrees]
    # the cap, from both sides: each report's candidates in order of the other's index
    capped = (
        pl.DataFrame({"a": a, "b": b})
        .sort("a", "b")
        .filter(pl.int_range(pl.len()).over("a") < checks_per_report)
        .sort("b", "a")
        .filter(pl.int_range(pl.len()).over("b") < checks_per_report)
        .sort("a", "b")
    )
    return [(ids[x], ids[y]) for x, y in capped.iter_rows()]


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
    want = reference_candidate_pairs(ids, years, sig, checks)
    assert want  # the corpus does make candidates
    assert lsh.candidate_pairs(ids, years, sig, checks) == want


def test_small_inputs():
    text = "，".join(f"第{i}条规定的内容在这里说明" for i in range(40))
    sig = np.vstack([signature(text), signature(text)])
    for ids, years, s in [([], [], sig[:0]), (["a"], [2020], sig[:1]), (["a", "b"], [2020, 2021], sig)]:
        assert lsh.candidate_pairs(ids, years, s) == reference_candidate_pairs(ids, years, s)
    assert lsh.candidate_pairs(["a", "b"], [2020, 2023], sig) == []
