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
    """Line by line, when some non-ASCII lines are valid UTF-8 and others are not (GB18030 bytes are
    almost never valid UTF-8 by chance); None when no line is non-ASCII UTF-8 (not a mixed file)."""
    lines = data.splitlines(keepends=True)
    if not any(not line.isascii() and _is_utf8(line) for line in lines):
        return None
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                out.append(line.decode("utf-8", errors="replace"))
    return "".join(out)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
