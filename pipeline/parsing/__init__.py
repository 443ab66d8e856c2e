"""The report parser: plain Python, no Dagster imports, usable on its own.

from pipeline.parsing import parse_report
report = parse_report(open("raw/x.txt", "rb").read(), file_name="x.txt")
"""

from pipeline.parsing.model import ParsedReport
from pipeline.parsing.report import parse_report

__all__ = ["ParsedReport", "parse_report"]
