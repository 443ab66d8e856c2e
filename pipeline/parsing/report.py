"""Entry point of the parser (being written; the signature is fixed)."""

from __future__ import annotations

from pipeline.parsing.model import ParsedReport


def parse_report(data: bytes | str, file_name: str = "") -> ParsedReport:
    """Parse one report's bytes (or already decoded text). Never raises on bad input."""
    raise NotImplementedError
