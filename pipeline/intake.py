"""Screen each raw file before parsing: is it text the parser should read at all? No Dagster, no database.

A file is rejected, with a sentence saying why, when it is
  empty       0 bytes, or nothing but whitespace;
  too_large   over the size limit (max_bytes): never opened, so a huge file costs neither time nor memory
              (the manifest has hashed it in 1 MiB chunks);
  unreadable  the OS refused to read it, or the manifest did not follow it (a link leaving the raw folder);
              binary: a known file signature (PDF, PNG, ZIP / Office, ...) or many NUL or control bytes;
              or text in no encoding we read: most characters undecodable.
Everything else is accepted and goes to the parser, which judges whether it is a report (not_a_report).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Collection
from dataclasses import dataclass

from pipeline.gc_pause import collector_paused
from pipeline.manifest import RawFile, RawScan, SkippedPath
from pipeline.parsing.decode import decode

EMPTY = "empty"
TOO_LARGE = "too_large"
UNREADABLE = "unreadable"

DEFAULT_MAX_MB = 20.0
MB = 1 << 20

# Share of the first bytes that may be control bytes (other than tab, line breaks, form feed, escape)
# before a file counts as binary; NUL bytes never occur in text in an 8-bit encoding, so their limit is lower.
_SAMPLE_BYTES = 1 << 16
_MAX_CONTROL_SHARE = 0.05
_MAX_NUL_SHARE = 0.01
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_CONTROL_BYTES = bytes(b for b in [*range(0x20), 0x7F] if b not in _TEXT_CONTROLS)
# Share of the non-space characters that may be undecodable (U+FFFD) before a file counts as unreadable.
_MAX_UNDECODABLE_SHARE = 0.2

_CONVERT = "convert it to plain text or HTML first"
# (first bytes, what the file is, what to do); checked in order
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "a PDF document", f"{_CONVERT} (e.g. pdftotext -layout)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "a scan needs OCR first"),
    (b"\xff\xd8\xff", "a JPEG image", "a scan needs OCR first"),
    (b"GIF87a", "a GIF image", "a scan needs OCR first"),
    (b"GIF89a", "a GIF image", "a scan needs OCR first"),
    (b"II*\x00", "a TIFF image", "a scan needs OCR first"),
    (b"MM\x00*", "a TIFF image", "a scan needs OCR first"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx, .xlsx or .odt document, which are ZIP files)", _CONVERT),
    (b"PK\x05\x06", "an empty ZIP archive", "unpack it into the raw folder"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Microsoft Office or WPS document (.doc, .xls, .wps)",
        _CONVERT,
    ),
    (b"{\\rtf", "an RTF document", _CONVERT),
    (b"Rar!\x1a\x07", "a RAR archive", "unpack it into the raw folder"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it into the raw folder"),
    (b"\x1f\x8b", "a gzip-compressed file", "unpack it into the raw folder"),
    (b"SQLite format 3\x00", "an SQLite database", "it is not a report"),
    (b"\x7fELF", "an executable program", "it is not a report"),
)


@dataclass(frozen=True)
class Verdict:
    """What screening decided about one path of the raw folder."""

    file_name: str
    file: RawFile | None  # None for a path the manifest did not read (see SkippedPath)
    status: str | None  # None: accepted, to be parsed; else EMPTY, TOO_LARGE or UNREADABLE
    code: str = ""  # the parse_issues code of a rejection
    detail: str = ""  # why it was rejected, a sentence for a person

    @property
    def accepted(self) -> bool:
        return self.status is None


class Verdicts(list[Verdict]):
    """The verdicts of one scan, as screen_scan returns them. A list under a name of its own: Dagster checks
    the type of an asset's value once (isinstance) for a class, but for list[Verdict] once per element, and
    the verdicts pass three assets (1.9 s of a 100,000-file build, profiled)."""


def max_bytes_for(max_mb: float) -> int:
    if not max_mb > 0:
        raise ValueError(f"the size limit must be a positive number of MB, not {max_mb!r}")
    return int(max_mb * MB)


def screen_scan(scan: RawScan, max_bytes: int, known_ids: Collection[str] = ()) -> Verdicts:
    """A verdict for every file and every skipped path of the scan, sorted by file_name.

    known_ids: report_ids of contents already accepted and parsed (the published database's reports): a
    file with such content is accepted without being read again, if it is within the size limit."""
    with collector_paused():  # a Verdict per file, no cycles
        verdicts = [
            Verdict(f.file_name, f, None)
            if f.report_id in known_ids and 0 < f.size_bytes <= max_bytes
            else screen(f, max_bytes)
            for f in scan.files
        ] + [screen_skipped(s) for s in scan.skipped]
        return Verdicts(sorted(verdicts, key=lambda v: v.file_name))


def screen_skipped(skipped: SkippedPath) -> Verdict:
    return Verdict(skipped.file_name, None, UNREADABLE, "not_read", skipped.reason)


def screen(file: RawFile, max_bytes: int) -> Verdict:
    """Accept the file for parsing, or reject it (reading at most max_bytes + 1 of it)."""

    def reject(status: str, code: str, detail: str) -> Verdict:
        return Verdict(file.file_name, file, status, code, detail)

    if file.size_bytes == 0:
        return reject(EMPTY, "empty_file", "The file is empty (0 bytes).")
    if file.size_bytes > max_bytes:
        return reject(
            TOO_LARGE,
            "file_too_large",
            f"The file is {_mb(file.size_bytes)}, over the size limit of {_mb(max_bytes)}: not read "
            "(a report is usually under 1 MB; if this one is real, raise the limit: --max-file-mb, or the "
            "max_file_mb setting).",
        )
    try:
        with open(file.path, "rb") as f:
            # read(n) allocates n bytes up front: ask for what the file holds (plus one, to see it grew)
            data = f.read(min(file.size_bytes, max_bytes) + 1)
    except OSError as exc:
        return reject(UNREADABLE, "unreadable_file", f"The file could not be read: {exc.strerror or exc}.")
    if len(data) > max_bytes:  # it grew over the limit after the scan
        return reject(TOO_LARGE, "file_too_large", f"The file grew over the size limit of {_mb(max_bytes)}.")
    if not data:
        return reject(EMPTY, "empty_file", "The file is empty (0 bytes).")
    binary = _binary_reason(data)
    if binary:
        return reject(UNREADABLE, "binary_file", binary)
    if _ASCII_VISIBLE.search(data) and _decodes_whole(data):
        # the common case, decided without decode(): a visible ASCII character is visible in any
        # decoding, and bytes valid as a whole in UTF-8 or GB18030 decode without replacement (decode()'s
        # line by line reading of a GBK file, which costs most here, would find no undecodable byte)
        return Verdict(file.file_name, file, None)
    text, encoding = decode(data)
    visible = "".join(text.split()).replace("\ufeff", "")
    if not visible:
        return reject(EMPTY, "empty_file", f"The file holds only whitespace ({len(data)} bytes).")
    undecodable = visible.count("\ufffd") / len(visible)
    if "replacement" in encoding and undecodable > _MAX_UNDECODABLE_SHARE:
        return reject(
            UNREADABLE,
            "undecodable_text",
            f"Not text in UTF-8, UTF-16 or GB18030 (GBK): {undecodable:.0%} of the characters cannot be "
            "decoded. Save it as UTF-8.",
        )
    return Verdict(file.file_name, file, None)


_ASCII_VISIBLE = re.compile(rb"[\x21-\x7e]")


def _decodes_whole(data: bytes) -> bool:
    """The bytes are valid UTF-8 (after a UTF-8 BOM) or GB18030 as a whole."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    for encoding in ("utf-8", "gb18030"):
        try:
            body.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _binary_reason(data: bytes) -> str | None:
    for magic, what, advice in _SIGNATURES:
        if data.startswith(magic):
            return (
                f"A binary file: {what}, by its first bytes; the pipeline reads text and HTML only: {advice}."
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text is full of NUL bytes, and decode() reads it
    sample = data[:_SAMPLE_BYTES]
    nul = sample.count(0) / len(sample)
    control = (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)
    if nul > _MAX_NUL_SHARE or control > _MAX_CONTROL_SHARE:
        return (
            f"Binary data, not text: {control:.0%} of the first {len(sample)} bytes are control bytes "
            f"({nul:.1%} NUL bytes)."
        )
    return None


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size} bytes"
