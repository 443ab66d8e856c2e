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
_LSH_THRESHOLD = 0.8  # a little looser than THRESHOLD: LSH only proposes pairs, the exact measure decides
_CLAUSE = regex.compile(r"[。，,；;：:！？!?\n]+")
_DIGITS = regex.compile(r"\d+")
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
    # digits masked: a copy with this year's numbers keeps last year's clauses (the exact measure later
    # compares the real texts)
    clauses = {_DIGITS.sub("#", c).encode("utf-8") for c in _CLAUSE.split(text) if len(c) >= 4}
    signature = MinHash(num_perm=_PERMUTATIONS, seed=1)
    signature.update_batch(sorted(clauses))
    return signature


def near_duplicates(
    texts: Mapping[str, str],
    threshold: float = THRESHOLD,
    years: Mapping[str, int | None] | None = None,
    per_report: int = 3,
    checks_per_report: int = 10,
) -> list[SimilarPair]:
    """Pairs of reports whose texts are at least `threshold` similar, each pair once (ids sorted).

    Bounded work on templated corpora (a county's townships often share one template): a report is
    compared with at most `checks_per_report` LSH candidates and keeps at most `per_report` partners,
    enough to show that it is a copy. With `years`, only reports of the same or adjacent years are
    compared, the only pairs the rule uses."""
    lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=_PERMUTATIONS)
    pairs: dict[tuple[str, str], float] = {}
    for report_id in sorted(texts):
        text = texts[report_id]
        if len(text) < _MIN_TEXT:
            continue
        signature = _signature(text)
        year = years.get(report_id) if years is not None else None
        found = checked = 0
        for other in sorted(lsh.query(signature)):
            if found >= per_report or checked >= checks_per_report:
                break
            if years is not None:
                other_year = years.get(other)
                if year is None or other_year is None or abs(year - other_year) > 1:
                    continue
            checked += 1
            similarity = ratio(text, texts[other], score_cutoff=threshold * 100) / 100
            if similarity >= threshold:
                found += 1
                pairs[(min(report_id, other), max(report_id, other))] = round(similarity, 4)
        lsh.insert(report_id, signature)
    return [SimilarPair(a, b, sim) for (a, b), sim in sorted(pairs.items())]


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
