"""The anomaly rules on the five bundled seed reports (raw/), parsed and loaded as the pipeline does.

The seeds are complete, consistent 2021-format reports whose narratives agree with their tables; the one
anomaly is 湘乡市政府办's (004) 2023 report stating the statistical period 2022-01-01..2022-12-31.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.manifest import RawFile
from pipeline.parsing import parse_report
from pipeline.parsing.narrative import claims_from_source
from pipeline.store.anomalies import create_anomalies, load_narrative_claims
from pipeline.store.load import load_facts, load_parse_issues, load_reports
from pipeline.store.schema import create_schema, create_views

RAW_DIR = Path(__file__).resolve().parent.parent / "raw"
XIANGXIANG = "004_2f5ce1d8c328b429.txt"


def build(path: Path, unit_columns: bool) -> tuple[duckdb.DuckDBPyConnection, dict[str, str]]:
    con = duckdb.connect(str(path))
    create_schema(con)
    entries, claims, ids = [], {}, {}
    for file in sorted(RAW_DIR.glob("*.txt")):
        data = file.read_bytes()
        raw = RawFile(file.name, file, hashlib.sha256(data).hexdigest(), len(data))
        entries.append((raw, parse_report(data, raw.file_name)))
        claims[raw.report_id] = claims_from_source(data, raw.file_name)
        ids[file.name] = raw.report_id
    load_reports(con, entries, datetime(2024, 5, 1, tzinfo=UTC))
    load_facts(con, entries)
    load_parse_issues(con, entries)
    create_views(con)
    create_anomalies(con)
    load_narrative_claims(con, claims)
    return con, ids


@pytest.mark.parametrize("unit_columns", [False, True], ids=["today", "with_unit_columns"])
def test_seeds_have_exactly_the_xiangxiang_period_mismatch(tmp_path, unit_columns):
    con, ids = build(tmp_path / "seeds.duckdb", unit_columns)
    try:
        assert len(ids) == 5
        assert con.execute("SELECT count(*) FROM narrative_claims").fetchone()[0] == 4  # all agree
        assert con.execute("SELECT * FROM anomalies").fetchall() == [
            (
                ids[XIANGXIANG],
                "period_mismatch",
                "warning",
                None,
                None,
                None,
                "2023-01-01..2023-12-31",
                "2022-01-01..2022-12-31",
                "the stated period 2022-01-01..2022-12-31 is not the report's year 2023",
            )
        ]
        # every rule view exists and was evaluated on the seeds' 1000 cells
        assert con.execute("SELECT count(*) FROM anomaly_cells").fetchone()[0] == 1000
    finally:
        con.close()


def test_every_rule_file_documents_its_rule():
    folder = Path(__file__).resolve().parent.parent / "sql" / "anomalies"
    for file in sorted(folder.glob("*.sql")):
        text = file.read_text(encoding="utf-8")
        assert text.startswith("--"), file.name
        if file.name[:1] in "1234567":  # the rule files
            header = text.split("CREATE", 1)[0]
            assert "Rule" in header and "severity" in header, file.name
