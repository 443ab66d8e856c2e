"""The taxonomy csv (the data contract), read once from the package data."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

_COLUMNS = ("table_code", "row_code", "row_label", "col_code", "col_label", "formats", "unit")


def taxonomy_csv_path() -> Path:
    """pipeline/data/taxonomy.csv, shipped as package data."""
    return Path(str(resources.files("pipeline").joinpath("data", "taxonomy.csv")))


@cache
def read_taxonomy() -> pa.Table:
    """The csv as an Arrow table of strings (codes kept exactly, no type guessing), plus sort_order."""
    table = pacsv.read_csv(
        taxonomy_csv_path(),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(_COLUMNS, pa.string()),
            include_columns=list(_COLUMNS),
            strings_can_be_null=False,
        ),
    )
    return table.append_column("sort_order", pa.array(range(1, table.num_rows + 1), pa.int32()))


@cache
def known_cells() -> frozenset[tuple[str, str, str]]:
    """Every (table_code, row_code, col_code) of the taxonomy, any edition."""
    t = read_taxonomy()
    return frozenset(
        zip(
            t["table_code"].to_pylist(),
            t["row_code"].to_pylist(),
            t["col_code"].to_pylist(),
            strict=True,
        )
    )


@cache
def applicant_labels() -> dict[str, str]:
    """t3 col_code -> its Chinese label (自然人, 商业企业, ...): the facts.applicant_type values."""
    t = read_taxonomy()
    labels: dict[str, str] = {}
    for table_code, col_code, col_label in zip(
        t["table_code"].to_pylist(), t["col_code"].to_pylist(), t["col_label"].to_pylist(), strict=True
    ):
        if table_code == "t3":
            if labels.setdefault(col_code, col_label) != col_label:
                raise ValueError(f"taxonomy.csv: t3 column {col_code!r} has two labels")
    return labels
