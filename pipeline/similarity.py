"""Near-duplicate report texts (copied reports), for the near_duplicate anomaly. No Dagster here.

Comparing every pair is quadratic, so candidates come from MinHash signatures of the texts' clauses
(computed once per report, in the parse workers, and kept in the database for later builds), banded for
locality-sensitive hashing; each candidate pair is then measured exactly with rapidfuzz's normalised Indel
similarity on the whole text. Clauses, not character n-grams: a copied report keeps its sentences, and a
report has a few hundred clauses against thousands of n-grams, which keeps hashing cheap.

Work is bounded on templated corpora (a county's townships often share one template, so one LSH bucket can
hold thousands of reports): within a bucket a report is paired only with its next NEIGHBOURS by (year,
report_id), a report gets at most `checks_per_report` exact comparisons and keeps at most `per_report`
partners, and only reports of the same or adjacent years are compared (the only pairs the rule uses).
Candidates are recomputed over all reports by every build, and similarities measured by earlier builds
are reused, so an incremental build finds exactly the pairs a full build finds.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import pyarrow as pa
import regex
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import cpdist

from pipeline.parsing.narrative import source_lines
from pipeline.parsing.normalize import squash

THRESHOLD = 0.90  # the "≥ 90% similar"
PERMUTATIONS = 64
_BANDS, _ROWS = 16, 4  # 16 bands of 4 hash values: a pair with clause-set Jaccard 0.8 collides with p > 0.999
_MIN_JACCARD = 0.8  # estimated from the signatures; looser than THRESHOLD, the exact measure decides
NEIGHBOURS = 3
_SLICE = 100_000  # candidate pairs whose signatures are compared at once (~50 MB)
_CLAUSE = regex.compile(r"[。，,；;：:！？!?\n]+")
_DIGITS = regex.compile(r"\d+")
MIN_TEXT = 200  # characters: shorter texts (stubs, non-reports) say too little to be called copies
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_PERMUTER = np.random.RandomState(1)  # fixed: signatures stored by one build are compared by the next
_PERM_A = _PERMUTER.randint(1, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)
_PERM_B = _PERMUTER.randint(0, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)


@dataclass(frozen=True)
class SimilarPair:
    report_id: str
    other_report_id: str
    similarity: float  # 0..1, normalised Indel similarity of the two whole texts


def comparable_text(data: bytes | str, file_name: str = "") -> str:
    """The report's text as compared: decoded, markup removed, whitespace and width normalised."""
    return comparable_lines(source_lines(data, file_name)[0])


def comparable_lines(lines: list[str]) -> str:
    """comparable_text of lines already read (pipeline.parsing.narrative.source_lines)."""
    return "\n".join(filter(None, map(squash, lines)))  # map and filter run in C: no generator frames


def pack_text(text: str) -> bytes:
    """A compared text compressed for the parse shards: its UTF-8 length (4 bytes), then LZ4. LZ4, not
    zlib: seven times faster (8 against 57 µs for a report's 4.7 kB, 2026-12-04) for 2.9 kB against 2.1 kB,
    and every report of a full build is packed."""
    data = text.encode("utf-8")
    return len(data).to_bytes(4, "little") + pa.compress(data, "lz4", asbytes=True)


def unpack_text(blob: bytes) -> str:
    """The text pack_text packed."""
    size = int.from_bytes(blob[:4], "little")
    return pa.decompress(blob[4:], size, "lz4", asbytes=True).decode("utf-8")


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (PERMUTATIONS uint64) of the text's clauses; None for a text too short to
    be called a copy. Digits are masked: a copy with this year's numbers keeps last year's clauses (the
    exact measure later compares the real texts). Each clause is hashed with CRC-32 (stable across
    processes, unlike hash()) and permuted by PERMUTATIONS universal hash functions at once."""
    if len(text) < MIN_TEXT:
        return None
    hashes = _clause_hashes(text)
    return _minhash(np.fromiter(hashes, np.uint64, len(hashes)))


def lines_signature(lines: list[str]) -> np.ndarray | None:
    """signature(comparable_lines(lines)), line by line: lines repeat across reports (table rows, the
    sentences of a template), so each distinct line is squashed and its clauses hashed once. The same:
    a line break ends a clause, so the text's clauses are its lines' clauses."""
    distinct = list(dict.fromkeys(lines))  # a report repeats lines ("0", table rows) too
    measured = [_line_clauses(line) for line in distinct]
    if _length(measured) < MIN_TEXT and _length([_line_clauses(line) for line in lines]) < MIN_TEXT:
        return None  # the first test is enough unless the text is short: repeated lines count too
    # a clause in two lines is hashed twice: the minimum is the same
    return _minhash(np.fromiter(chain.from_iterable(hashes for _, hashes in measured), np.uint64))


def _length(measured: list[tuple[int, tuple[int, ...]]]) -> int:
    """len(comparable_lines(...)) of the lines so measured: the non-empty ones, joined by line breaks."""
    sizes = [size for size, _ in measured if size]
    return sum(sizes) + len(sizes) - 1


@lru_cache(maxsize=1 << 16)  # bounded: memory stays flat on any corpus
def _line_clauses(line: str) -> tuple[int, tuple[int, ...]]:
    """(length of the squashed line, the CRC-32 of each of its clauses as signature hashes them)."""
    text = squash(line)
    return len(text), tuple(_clause_hashes(text))


def _clause_hashes(text: str) -> set[int]:
    """The CRC-32 of each clause of at least 4 characters, its digits masked."""
    kept = [c for c in _CLAUSE.split(text) if len(c) >= 4]
    # digits masked in one pass over the clauses joined by line breaks, which no clause holds
    masked = _DIGITS.sub("#", "\n".join(kept)).split("\n") if kept else []
    return {zlib.crc32(c.encode("utf-8")) for c in masked}


def _minhash(hashes: np.ndarray) -> np.ndarray:
    """The minimum of each permutation over the clause hashes. (a*h + b) wraps at 2**64 as it always
    did; its remainder mod the Mersenne prime 2**61-1 is taken with shifts and adds, exactly as % would."""
    if not len(hashes):
        return np.full(PERMUTATIONS, _MAX_HASH, dtype=np.uint64)
    permuted = np.multiply.outer(hashes, _PERM_A)
    permuted += _PERM_B
    high = permuted >> np.uint64(61)
    permuted &= _MERSENNE
    permuted += high  # x = high * 2**61 + low ≡ high + low, which is below 2 * (2**61-1)
    if permuted.max() >= _MERSENNE:  # (almost never)
        permuted = np.where(permuted >= _MERSENNE, permuted - _MERSENNE, permuted)
    permuted &= _MAX_HASH
    return permuted.min(axis=0)


def measure_pairs(
    pairs: Iterable[tuple[str, str]],
    text_of: Callable[[str], str | None],
    threshold: float = THRESHOLD,
    workers: int = 1,
) -> dict[tuple[str, str], float]:
    """The similarity of each pair's whole texts (0.0 under `threshold`, which lets rapidfuzz stop early);
    a pair with a text that cannot be read (text_of gives None) is left out. Each text is prepared once.
    Measured by rapidfuzz's cpdist on `workers` threads: its C++ loop releases the GIL, so the threads
    need no process pool and no copy of the texts."""
    texts: dict[str, str | None] = {}

    def text(report_id: str) -> str | None:
        if report_id not in texts:
            texts[report_id] = text_of(report_id)
        return texts[report_id]

    kept = [(a, b) for a, b in pairs if text(a) is not None and text(b) is not None]
    if not kept:
        return {}
    scores = cpdist(
        [texts[a] for a, _ in kept],
        [texts[b] for _, b in kept],
        scorer=ratio,
        score_cutoff=threshold * 100,
        workers=workers,
        dtype=np.float64,  # as ratio gives it: a float32 could round differently at the 4th decimal
    )
    return {pair: round(float(score) / 100, 4) for pair, score in zip(kept, scores, strict=True)}


def select_pairs(
    similarities: Mapping[tuple[str, str], float], threshold: float = THRESHOLD, per_report: int = 3
) -> list[SimilarPair]:
    """The pairs at least `threshold` similar, in sorted order, each report keeping at most `per_report`
    partners (enough to show that it is a copy; a county's template can make hundreds of pairs)."""
    found: dict[str, int] = {}
    out: list[SimilarPair] = []
    for (a, b), similarity in sorted(similarities.items()):
        if similarity < threshold or found.get(a, 0) >= per_report or found.get(b, 0) >= per_report:
            continue
        found[a] = found.get(a, 0) + 1
        found[b] = found.get(b, 0) + 1
        out.append(SimilarPair(a, b, similarity))
    return out


def near_duplicates(
    texts: Mapping[str, str], threshold: float = THRESHOLD, years: Mapping[str, int | None] | None = None
) -> list[SimilarPair]:
    """Pairs of texts at least `threshold` similar, each pair once (ids sorted): candidate_pairs,
    measure_pairs and select_pairs over texts held in memory (without `years`, all texts count as one year)."""
    signed = {rid: s for rid, t in sorted(texts.items()) if (s := signature(t)) is not None}
    ids = list(signed)
    if not ids:
        return []
    year_of = [(years or {}).get(rid) if years is not None else 0 for rid in ids]
    from pipeline.lsh import candidate_pairs  # here: pipeline.lsh reads this module's constants

    pairs = candidate_pairs(ids, year_of, np.vstack(list(signed.values())))
    return select_pairs(measure_pairs(pairs, texts.get, threshold), threshold)


def pairs_as_rows(pairs: Iterable[SimilarPair]) -> list[dict[str, object]]:
    """Both directions of each pair, for a table that a rule joins from either side."""
    rows = []
    for p in pairs:
        rows.append(
            {"report_id": p.report_id, "other_report_id": p.other_report_id, "similarity": p.similarity}
        )
        rows.append(
            {"report_id": p.other_report_id, "other_report_id": p.report_id, "similarity": p.similarity}
        )
    return rows
