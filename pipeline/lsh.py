"""Candidate pairs for the near-duplicate measure: reports that share an LSH band bucket of their MinHash
signatures (pipeline.similarity) as near neighbours, of the same or adjacent years, agreeing on enough of
their signature. What the near-duplicate step of every build runs over all the signatures. No Dagster, no
database.

Done with numpy for speed (tests/test_lsh.py holds it equal to the first, plainer polars version):
- each band is sorted by itself (by key, year, index);
- the pairs are deduplicated as one sorted int64 code each (a * n + b);
- signatures are compared as uint32 when they fit (the minhash keeps 32 bits: half the memory to gather),
  and their agreement counted rather than averaged as floats.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.similarity import _BANDS, _MIN_JACCARD, _ROWS, _SLICE, NEIGHBOURS


def candidate_pairs(
    ids: list[str],
    years: list[int | None],
    signatures: np.ndarray,
    checks_per_report: int = 10,
) -> list[tuple[str, str]]:
    """Pairs (a, b), a < b, worth measuring: they share an LSH band bucket as near neighbours, are of the
    same or adjacent years and agree on at least _MIN_JACCARD of their signature. At most
    `checks_per_report` per report, its nearest ids first. `signatures` has one row of PERMUTATIONS values
    per id. A function of the whole set: every build computes it over all reports (it is cheap; measuring
    is not: pipeline/store/near_duplicates.py measures each pair once, in any build)."""
    n = len(ids)
    if n < 2:
        return []
    sig = signatures.astype(np.uint64, copy=False)
    index = np.arange(n, dtype=np.int64)
    years_np = np.array([y if y is not None else -10 for y in years], dtype=np.int32)
    codes = []
    for band in range(_BANDS):
        block = sig[:, band * _ROWS : (band + 1) * _ROWS]
        key = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(_ROWS):
                key = key * np.uint64(1_000_003) + block[:, j]
        order = np.lexsort((index, years_np, key))  # by key, then year, then index
        k_sorted, i_sorted = key[order], index[order]
        for k in range(1, NEIGHBOURS + 1):
            same = k_sorted[k:] == k_sorted[:-k]
            x, y = i_sorted[:-k][same], i_sorted[k:][same]
            codes.append(np.minimum(x, y) * n + np.maximum(x, y))
    if not codes:
        return []
    # sorted and deduplicated by hand: np.unique hashes first, which costs ten times the sort here
    unique = np.concatenate(codes)
    if not len(unique):
        return []
    unique.sort()
    unique = unique[np.concatenate(([True], unique[1:] != unique[:-1]))]
    a, b = unique // n, unique % n
    keep = (np.abs(years_np[a] - years_np[b]) <= 1) & (years_np[a] >= 0) & (years_np[b] >= 0)
    a, b = a[keep], b[keep]
    # the minhash keeps the low 32 bits of each value: compared as uint32, equal exactly when equal as uint64
    narrow = sig.astype(np.uint32) if len(sig) and sig.max() <= np.uint64(0xFFFFFFFF) else sig
    agrees = _agreeing(narrow, a, b)
    a, b = a[agrees], b[agrees]
    capped = (
        pl.DataFrame({"a": a, "b": b})
        .sort("a", "b")
        .filter(pl.int_range(pl.len()).over("a") < checks_per_report)
        .sort("b", "a")
        .filter(pl.int_range(pl.len()).over("b") < checks_per_report)
        .sort("a", "b")
    )
    return [(ids[x], ids[y]) for x, y in capped.iter_rows()]


def _agreeing(sig: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which pairs (a[k], b[k]) agree on at least _MIN_JACCARD of their signature values: the test
    (sig[a] == sig[b]).mean(axis=1) >= _MIN_JACCARD, as a count."""
    width = sig.shape[1]
    # the fewest equal values whose share (the same float division mean makes) reaches _MIN_JACCARD
    need = next(c for c in range(width + 1) if c / width >= _MIN_JACCARD)
    agrees = np.zeros(len(a), dtype=bool)
    # in slices: the signatures of a few million pairs at once would take gigabytes
    for start in range(0, len(a), _SLICE):
        sa, sb = a[start : start + _SLICE], b[start : start + _SLICE]
        agrees[start : start + _SLICE] = np.count_nonzero(sig[sa] == sig[sb], axis=1) >= need
    return agrees
