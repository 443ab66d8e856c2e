"""Near-duplicate report texts (copied reports), for the near_duplicate anomaly. No Dagster here.

Comparing every pair is quadratic, so candidates come from MinHash LSH (datasketch) over the texts'
clauses, and each candidate pair is then measured exactly with rapidfuzz's normalised Indel similarity
on the whole text. Clauses, not character n-grams: a copied report keeps its sentences, and a report has
a few hundred clauses against thousands of n-grams, which keeps hashing cheap on a national corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import regex
from datasketch import MinHash, MinHashLSH
from rapidfuzz.fuzz import ratio

from pipeline.parsing.decode import decode
from pipeline.parsing.html import html_to_lines, looks_like_html
from pipeline.parsing.normalize import squash

THRESHOLD = 0.90  # the "≥ 90% similar"
_PERMUTATIONS = 64
_LSH_THRESHOLD = 0.6  # looser than THRESHOLD: LSH only proposes pairs, the exact measure decides
_CLAUSE = regex.compile(r"[。，,；;：:！？!?\n]+")
_MIN_TEXT = 200  # characters: shorter texts (stubs, non-reports) say too little to be called copies


@dataclass(frozen=True)
class SimilarPair:
    report_id: str
    other_report_id: str
    similarity: float  # 0..1, normalised Indel similarity of the two whole texts


def comparable_text(data: bytes, file_name: str = "") -> str:
    """The report's text as compared: decoded, markup removed, whitespace and width normalised."""
    text = decode(data)[0]
    lines = html_to_lines(text)[0] if looks_like_html(text, file_name) else text.splitlines()
    return "\n".join(s for s in (squash(line) for line in lines) if s)


def _signature(text: str) -> MinHash:
    clauses = {c.encode("utf-8") for c in _CLAUSE.split(text) if len(c) >= 4}
    signature = MinHash(num_perm=_PERMUTATIONS, seed=1)
    signature.update_batch(sorted(clauses))
    return signature


def near_duplicates(texts: Mapping[str, str], threshold: float = THRESHOLD) -> list[SimilarPair]:
    """Every pair of reports whose texts are at least `threshold` similar, each pair once (ids sorted)."""
    lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=_PERMUTATIONS)
    candidates: set[tuple[str, str]] = set()
    for report_id in sorted(texts):
        text = texts[report_id]
        if len(text) < _MIN_TEXT:
            continue
        signature = _signature(text)
        for other in lsh.query(signature):
            candidates.add((min(report_id, other), max(report_id, other)))
        lsh.insert(report_id, signature)
    pairs = []
    for a, b in sorted(candidates):
        similarity = ratio(texts[a], texts[b], score_cutoff=threshold * 100) / 100
        if similarity >= threshold:
            pairs.append(SimilarPair(a, b, round(similarity, 4)))
    return pairs


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
