"""The table schemas in ``schemas/`` are the single source of truth for every column.

Each ``schemas/<table>.schema.json`` is a Frictionless Table Schema: names, types,
descriptions (English and Chinese), constraints, primary and foreign keys. From it, and from
nowhere else, come the pandas dtypes, the Parquet (Arrow) schema, the CSV column order, the
datapackage.json resources, the validation checks and the data dictionary.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

# Table order of a release: parents before children, so foreign keys read top-down.
TABLES = (
    "documents",
    "outline_sections",
    "sections",
    "measures",
    "targets",
    "agencies",
    "measure_agencies",
    "instruments",
    "section_themes",
    "theme_coverage",
    "normalization_edits",
    "rejected",
)
# Tables built once per run, not per plan: never staged by a batch, validated whole.
PER_RELEASE = ("outline_sections", "rejected")

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}
_PANDAS = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


@functools.cache
def table_schema(table: str) -> dict[str, Any]:
    """The Frictionless Table Schema of ``table``."""
    with (SCHEMA_DIR / f"{table}.schema.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def available_tables() -> tuple[str, ...]:
    """Tables of TABLES that have a schema file (a release publishes exactly these)."""
    return tuple(t for t in TABLES if (SCHEMA_DIR / f"{t}.schema.json").exists())


def plan_tables() -> tuple[str, ...]:
    """The available tables whose rows come from the plans (staged batch by batch)."""
    return tuple(t for t in available_tables() if t not in PER_RELEASE)


def columns(table: str) -> list[str]:
    """Column names in schema order (the CSV header order)."""
    return [f["name"] for f in table_schema(table)["fields"]]


def arrow_schema(table: str) -> pa.Schema:
    """Arrow schema for the Parquet file of ``table``; nullability from ``required``."""
    fields = []
    for f in table_schema(table)["fields"]:
        required = f.get("constraints", {}).get("required", False)
        fields.append(pa.field(f["name"], _ARROW[f["type"]], nullable=not required))
    return pa.schema(fields)


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of ``frame`` in schema order with schema dtypes (nullable ints stay ints)."""
    if _conformed(table, frame):  # a batch conforms its rows several times: ~0.8 ms a call
        return frame.copy(deep=False)  # copy-on-write: changes to either never reach the other
    missing = [c for c in columns(table) if c not in frame.columns]
    if missing:
        raise KeyError(f"table {table}: columns missing from extraction: {missing}")
    # a column already of its dtype is kept as it is: a batch conforms its rows several
    # times (staging, checks, CSV), and casting every column again cost ~2.5 ms per call
    kinds = _field_types(table)
    out = pd.DataFrame(
        {
            name: frame[name]
            if kinds[name] != "date" and frame[name].dtype == _dtype(kinds[name])
            else conform_column(table, name, frame[name])
            for name in columns(table)
        },
        index=frame.index,
    )
    return out.reset_index(drop=True)


def _conformed(table: str, frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is already as ``conform`` would make it: the schema's columns in
    order, each of its dtype, on a 0..n-1 index. (A date column is always converted again:
    its object dtype does not tell dates from other values.)"""
    index, expected = frame.index, _dtypes(table)
    return (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and frame.columns.tolist() == columns(table)
        and all(e is not None and d == e for d, e in zip(frame.dtypes, expected, strict=True))
    )


@functools.cache
def _dtypes(table: str) -> tuple[Any, ...]:
    """Each column's dtype after ``conform``, in schema order (None for a date column)."""
    return tuple(None if k == "date" else _dtype(k) for k in _field_types(table).values())


def conform_column(table: str, name: str, values: pd.Series) -> pd.Series:
    """``values`` cast to the dtype the schema declares for ``table.name``."""
    kind = _field_types(table)[name]
    if kind == "date":
        return pd.to_datetime(values, errors="raise").dt.date
    return values.astype(_PANDAS[kind])


@functools.cache
def _dtype(kind: str) -> Any:
    return pd.api.types.pandas_dtype(_PANDAS[kind])


@functools.cache
def _field_types(table: str) -> dict[str, str]:
    return {f["name"]: f["type"] for f in table_schema(table)["fields"]}


def row_keys(table: str, frame: pd.DataFrame) -> pd.Series:
    """Each row's primary key as one string (composite keys joined by ``|``), frame-indexed."""
    parts = frame[table_schema(table)["primaryKey"]].astype("string").fillna("")
    key = parts.iloc[:, 0]
    for column in parts.columns[1:]:
        key = key + "|" + parts[column]
    return key


CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM: opens correctly in Excel on Chinese Windows


def resource_descriptor(table: str, csv_path: str, parquet_path: str | None = None) -> dict:
    """The data-package resource of ``table`` (its CSV at ``csv_path``): the one descriptor
    that a release publishes and that each batch's rows are validated against."""
    schema = table_schema(table)
    resource = {
        "name": table,
        "title": schema.get("title", table),
        "description": schema.get("description", ""),
        "path": csv_path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": CSV_ENCODING,
        "schema": {k: v for k, v in schema.items() if k not in ("name", "title", "description")},
    }
    if parquet_path:
        resource["parquet_path"] = parquet_path
    return resource
