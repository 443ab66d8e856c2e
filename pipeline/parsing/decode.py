"""Bytes to text: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312).

A file whose lines are in different encodings (a UTF-8 report with a GBK part pasted in, or the other way
round) is decoded line by line: encoding "mixed (utf-8 and gb18030, by line)".
"""

from __future__ import annotations

import codecs

MIXED = "mixed (utf-8 and gb18030, by line)"


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: undecodable bytes become U+FFFD."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed, MIXED
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8 (with replacement characters)"


def _decode_mixed(data: bytes) -> str | None:
    """Line by line, when some non-ASCII lines read as plausible UTF-8 text and others are not UTF-8;
    None when no line does (a GB18030 file). A short GBK line can be valid UTF-8 by chance ("830000元" is
    b"830000\xd4\xaa", UTF-8 for "830000Ԫ"), so a line counts as UTF-8 only when every non-ASCII character
    it decodes to is one a Chinese report uses (CJK ideographs and punctuation, full-width forms)."""
    lines = data.splitlines(keepends=True)
    if not any(not line.isascii() and _plausible_utf8(line) is not None for line in lines):
        return None
    out = []
    for line in lines:
        text = _plausible_utf8(line)
        if text is None:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                text = line.decode("utf-8", errors="replace")
        out.append(text)
    return "".join(out)


_PLAUSIBLE = (
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0x3400, 0x4DBF),  # extension A
    (0x3000, 0x303F),  # CJK punctuation
    (0xFF00, 0xFFEF),  # full-width forms
    (0x2000, 0x206F),  # general punctuation (quotes, dashes)
    (0x2460, 0x24FF),  # circled numbers
    (0x25A0, 0x25FF),  # ■ □ ●
    (0x00A0, 0x00FF),  # Latin-1: ×, ·, no-break space
)


def _plausible_utf8(line: bytes) -> str | None:
    # Decoded with replacement rather than by catching an error: most lines of a GB18030 file are not
    # UTF-8, and an exception per line costs more than the decoding. A U+FFFD in the result, replaced or
    # written, is not a plausible character either way.
    text = line.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        return None
    for ch in text:
        if ord(ch) > 0x7F and not any(lo <= ord(ch) <= hi for lo, hi in _PLAUSIBLE):
            return None
    return text
