"""Text normalisation before matching: width, punctuation, invisible characters, whitespace.

Normalised text is only ever used to match and to read numbers; provenance keeps the original line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

# Zero-width and other invisible characters that web pages leave inside numbers and labels.
_INVISIBLE = regex.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff\u00ad]")
_DASHES = str.maketrans({"—": "—", "–": "-", "‐": "-", "‑": "-", "−": "-", "―": "—", "─": "—"})
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "「": "", "」": "", "‘": "", "’": "", "'": ""})
# str.translate looks every character up in its table (some µs for a line of prose), while most lines hold
# none of these characters: a search tells first ("—" maps to itself). The standard library's re is used
# for this plain character class: it finds nothing twice as fast as the regex module.
_HAS_DASH = re.compile("[" + re.escape("".join(chr(c) for c, to in _DASHES.items() if chr(c) != to)) + "]")
_HAS_QUOTE = re.compile("[" + re.escape("".join(map(chr, _QUOTES))) + "]")
_SPACE = regex.compile(r"[\s\u3000\xa0]+")


# Report lines and cells repeat heavily ("0", "\t0", row labels), across and within reports: caching the
# normalised forms makes the parser several times faster. Bounded, so memory stays flat on any corpus.
@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), invisible characters removed, dashes unified; spacing kept."""
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_DASHES) if _HAS_DASH.search(text) else text


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Normalised text with all whitespace and quotes removed: the form labels are matched in."""
    text = _SPACE.sub("", normalize(text))
    return text.translate(_QUOTES) if _HAS_QUOTE.search(text) else text
