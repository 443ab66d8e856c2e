"""Streaming writers of the ground truth: ground_truth.parquet (one row per cell) and ground_truth_meta.csv.

ground_truth.parquet columns:
  file_name    the report's path relative to the output folder ('/' separated)
  table_code, row_code, col_code   pipeline/data/taxonomy.csv codes of the report's format edition
  cell_state   value | blank | na | uncertain
  value        the decimal value as a string ("12", "20.3", "-3"); empty unless the cell holds a number.
               Kept for uncertain cells too: it is what the cell really holds.
  true_state   value | blank | na: what the cell really holds, also for uncertain cells

  An uncertain cell is one whose place the text cannot give: a row with empty cells in a layout that drops
  empty cells (L1, L2, L2b, L4, L5 print nothing for them), or a table 四 without a single number. A careful
  parser leaves such cells out; if it returns one, it must agree with value/true_state.

ground_truth_meta.csv, one row per report:
  file_name, layout, encoding (as written: utf-8 | utf-8-sig | gbk | gb18030), script (simplified |
  traditional), unit_name (as the title writes it: what the parser should return), unit_level (township |
  county | department | city, as pipeline.units reports it), signature, year, format_edition (2019 | 2021),
  division_code / county_code / city_code / province_code (what pipeline.units.resolve_unit should find; a
  department is placed at its government's division), period_start, period_end, published_on (ISO dates),
  inconsistent (0 | 1) and inconsistency (the rule broken on purpose: t3_total_column, t3_balance,
  t3_results_total, t4_total), empty_style (how the report leaves cells empty), n_cells, n_uncertain.

Reports are buffered a batch at a time (one Parquet row group each), never the whole corpus; string columns
that repeat (codes, states, file names) are Arrow dictionaries built from integer indices. Encoding a row
group is C++ work that releases the GIL, so it runs on a writer thread while the next batch is generated
(at most two batches wait; the file is written in batch order, so its bytes do not depend on timing).
"""

from __future__ import annotations

import csv
from array import array
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bench.generator.cells import EDITIONS, STATES, edition_cells

TRUTH_FILE = "ground_truth.parquet"
META_FILE = "ground_truth_meta.csv"
META_COLUMNS = (
    "file_name", "layout", "encoding", "script", "unit_name", "unit_level", "signature", "year",
    "format_edition", "division_code", "county_code", "city_code", "province_code", "period_start",
    "period_end", "published_on", "inconsistent", "inconsistency", "empty_style", "n_cells", "n_uncertain",
)  # fmt: skip

_DICT = pa.dictionary(pa.int32(), pa.string())
_STATE_INDEX = {s: i for i, s in enumerate(STATES)}
SCHEMA = pa.schema(
    [
        ("file_name", _DICT),
        ("table_code", _DICT),
        ("row_code", _DICT),
        ("col_code", _DICT),
        ("cell_state", _DICT),
        ("value", pa.string()),
        ("true_state", _DICT),
    ]
)


class _Codes:
    """Dictionary indices of every edition's (table, row, col) codes, computed once (as int32 arrays, so a
    report's codes are appended with one memcpy each)."""

    def __init__(self) -> None:
        tables: list[str] = []
        rows: list[str] = []
        cols: list[str] = []
        self.per_edition: dict[str, tuple[array, array, array]] = {}
        self.all_values: dict[str, array] = {}  # state indices of a report whose cells all hold numbers
        for ed in EDITIONS:
            idx: tuple[list[int], list[int], list[int]] = ([], [], [])
            for t, r, c in edition_cells(ed).codes:
                for vocab, code, out in ((tables, t, idx[0]), (rows, r, idx[1]), (cols, c, idx[2])):
                    if code not in vocab:
                        vocab.append(code)
                    out.append(vocab.index(code))
            self.per_edition[ed] = (array("i", idx[0]), array("i", idx[1]), array("i", idx[2]))
            self.all_values[ed] = array("i", [_STATE_INDEX["value"]] * len(idx[0]))
        self.tables = pa.array(tables, pa.string())
        self.rows = pa.array(rows, pa.string())
        self.cols = pa.array(cols, pa.string())


class TruthWriter:
    def __init__(self, out_dir: Path, batch_reports: int = 2000):
        self.out_dir = out_dir
        self.batch_reports = batch_reports
        self._codes = _Codes()
        self._states = pa.array(STATES, pa.string())
        self._parquet: pq.ParquetWriter | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="truth-writer")
        self._pending: deque[Future] = deque()
        self._meta_file = open(out_dir / META_FILE, "w", encoding="utf-8", newline="")
        self._meta = csv.writer(self._meta_file, lineterminator="\n")
        self._meta.writerow(META_COLUMNS)
        self.rows = 0
        self._reset()

    def _reset(self) -> None:
        self._names: list[str] = []
        self._name_idx = array("i")
        self._t = array("i")
        self._r = array("i")
        self._c = array("i")
        self._state = array("i")
        self._true = array("i")
        self._value: list[str] = []

    def add(self, spec, states: list[str], encoding: str) -> None:
        """One report: its cells (states for its layout) and its meta row."""
        v = spec.values
        ed = spec.edition
        t, r, c = self._codes.per_edition[ed]
        n = len(t)
        self._name_idx.extend(array("i", [len(self._names)]) * n)
        self._names.append(spec.file_name)
        self._t.extend(t)
        self._r.extend(r)
        self._c.extend(c)
        si = _STATE_INDEX
        true = self._codes.all_values[ed] if v.all_values else array("i", [si[s] for s in v.states])
        self._true.extend(true)
        self._state.extend(true if states is v.states else array("i", [si[s] for s in states]))
        self._value += v.values
        u, nar = spec.unit, spec.narrative
        n_uncertain = states.count("uncertain") if states is not v.states else 0
        self._meta.writerow(
            (
                spec.file_name, spec.layout, encoding, "traditional" if spec.traditional else "simplified",
                u.title_name, u.level, u.signature, spec.year, spec.edition, u.division_code, u.county_code,
                u.city_code, u.province_code, nar.period[0].isoformat(), nar.period[1].isoformat(),
                nar.published_on.isoformat(), int(bool(v.inconsistency)), v.inconsistency, spec.empty_style,
                n, n_uncertain,
            )
        )  # fmt: skip
        self.rows += n
        if len(self._names) >= self.batch_reports:
            self.flush()

    def flush(self) -> None:
        if not self._names:
            return

        def dict_col(indices: array, vocab: pa.Array) -> pa.DictionaryArray:
            ints = pa.Array.from_buffers(pa.int32(), len(indices), [None, pa.py_buffer(indices)])
            return pa.DictionaryArray.from_arrays(ints, vocab)

        batch = pa.record_batch(
            [
                dict_col(self._name_idx, pa.array(self._names, pa.string())),
                dict_col(self._t, self._codes.tables),
                dict_col(self._r, self._codes.rows),
                dict_col(self._c, self._codes.cols),
                dict_col(self._state, self._states),
                pa.array(self._value, pa.string()),
                dict_col(self._true, self._states),
            ],
            schema=SCHEMA,
        )
        if self._parquet is None:
            self._parquet = self._open()
        while len(self._pending) >= 2:  # back-pressure: never more than two batches in memory
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self._parquet.write_batch, batch))
        self._reset()

    def _open(self) -> pq.ParquetWriter:
        # column statistics would double the write time and no reader of this file needs them
        return pq.ParquetWriter(self.out_dir / TRUTH_FILE, SCHEMA, compression="zstd", write_statistics=False)

    def close(self) -> None:
        try:
            self.flush()
            while self._pending:
                self._pending.popleft().result()  # re-raises a write error here
            if self._parquet is None:  # an empty corpus still gets a (row-less) truth file
                self._parquet = self._open()
            self._parquet.close()
        finally:
            self._pool.shutdown(wait=True)
            self._meta_file.close()
