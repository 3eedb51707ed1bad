"""A release Parquet file made by copying staged pieces' row groups: what readers see is the
parts' rows concatenated, and parts that cannot be copied are refused by name."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.release.parquet_concat import (
    PartError,
    concat_parts,
    release_schema,
    write_from_parts,
    write_piece,
)
from pipeline.release.schema import arrow_schema, columns, conform


def documents(ids: list[str], text: str = "一、总体要求\n", **values) -> pa.Table:
    """Rows of the release's documents table (its real schema), few columns filled."""
    frame = pd.DataFrame({c: [None] * len(ids) for c in columns("documents")})
    frame = frame.assign(
        doc_id=ids,
        source_file=[f"{i}.txt" for i in ids],
        source_sha256="0" * 64,
        source_bytes=range(1, len(ids) + 1),
        source_format="text",
        plan_type="society",
        status="final",
        has_masked_names=False,
        has_plan_text=True,
        n_chars=len(text),
        text=text,
        division_match="none",
        **values,
    )
    frame = conform("documents", frame)
    return pa.Table.from_pandas(frame, schema=arrow_schema("documents"), preserve_index=False)


@pytest.fixture
def parts(tmp_path):
    schema = release_schema("documents")
    tables = [
        documents(["a1", "a2"], period_start=[2021, None], issue_date=[dt.date(2022, 3, 1), None]),
        documents([]),  # a batch whose plans were all rejected: no row group
        documents(["c1"], text="长" * 200_000),  # one long text, a page of its own
        documents(["d1", "d2", "d3"]),  # every optional column null
    ]
    paths = []
    for n, rows in enumerate(tables):
        paths.append(tmp_path / f"part-{n:06d}.parquet")
        write_piece(rows, paths[-1], schema)
    return paths, tables


def test_concatenation_reads_as_the_parts_concatenated(parts, tmp_path):
    paths, tables = parts
    out = tmp_path / "documents.parquet"
    concat_parts(paths, out)
    expected = pa.concat_tables(tables).replace_schema_metadata(
        release_schema("documents").metadata
    )
    assert pq.read_table(out).equals(expected, check_metadata=True)
    batches = list(pq.ParquetFile(out).iter_batches(batch_size=2, columns=["doc_id"]))
    assert [i for b in batches for i in b["doc_id"].to_pylist()] == [
        "a1",
        "a2",
        "c1",
        "d1",
        "d2",
        "d3",
    ]
    meta = pq.ParquetFile(out).metadata
    assert (meta.num_rows, meta.num_row_groups) == (6, 3)
    assert [meta.row_group(g).num_rows for g in range(3)] == [2, 1, 3]
    stats = meta.row_group(2).column(columns("documents").index("doc_id")).statistics
    assert (stats.min, stats.max, stats.null_count) == ("d1", "d3", 0)
    picked = pq.read_table(out, columns=["doc_id", "text"], filters=[("doc_id", "in", ["c1"])])
    assert picked["text"].to_pylist() == ["长" * 200_000]


def test_pandas_reads_nullable_ints_dates_and_bools_back(parts, tmp_path):
    paths, _ = parts
    out = tmp_path / "documents.parquet"
    concat_parts(paths, out)
    frame = pd.read_parquet(out)
    assert str(frame["period_start"].dtype) == "Int64"
    assert frame["period_start"].tolist()[:2] == [2021, pd.NA]
    assert frame["issue_date"].iloc[0] == dt.date(2022, 3, 1)
    assert str(frame["has_plan_text"].dtype) == "boolean"
    assert frame.equals(pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True))


@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="duckdb not installed")
def test_duckdb_reads_the_concatenation(parts, tmp_path):  # pragma: no cover - optional
    import duckdb

    out = tmp_path / "documents.parquet"
    concat_parts(parts[0], out)
    assert duckdb.sql(f"select count(*) from '{out}'").fetchone() == (6,)


def test_a_single_part_and_empty_parts(parts, tmp_path):
    paths, tables = parts
    concat_parts(paths[:1], tmp_path / "one.parquet")
    assert pq.read_table(tmp_path / "one.parquet").equals(tables[0])
    concat_parts([paths[1], paths[1]], tmp_path / "none.parquet")
    empty = pq.ParquetFile(tmp_path / "none.parquet")
    assert (empty.metadata.num_rows, empty.metadata.num_row_groups) == (0, 0)
    assert empty.schema_arrow == release_schema("documents")
    write_from_parts(tmp_path / "nothing.parquet", [], release_schema("documents"))
    assert pq.read_table(tmp_path / "nothing.parquet").num_rows == 0


def test_parts_given_with_rows_are_re_encoded_and_leave_no_temporary_file(parts, tmp_path):
    paths, tables = parts
    out = tmp_path / "out" / "documents.parquet"
    out.parent.mkdir()
    kept = tables[3].slice(1)  # a part that lost an excluded plan's row
    write_from_parts(out, [(paths[0], None), (paths[3], kept)], release_schema("documents"))
    assert pq.read_table(out)["doc_id"].to_pylist() == ["a1", "a2", "d2", "d3"]
    assert [p.name for p in out.parent.iterdir()] == ["documents.parquet"]


def test_a_corrupt_part_is_refused_by_name(parts, tmp_path):
    paths, _ = parts
    broken = tmp_path / "part-000009.parquet"
    data = paths[0].read_bytes()
    broken.write_bytes(data[:-40] + b"\xff" * 32 + data[-8:])  # footer overwritten
    with pytest.raises(PartError, match=r"part-000009\.parquet: corrupt Parquet footer"):
        concat_parts([paths[0], broken], tmp_path / "x.parquet")
    broken.write_bytes(data[: len(data) // 2])  # truncated
    with pytest.raises(PartError, match=r"part-000009\.parquet: not a Parquet file"):
        concat_parts([paths[0], broken], tmp_path / "x.parquet")


def test_parts_of_another_schema_or_with_a_page_index_are_refused(parts, tmp_path):
    paths, _ = parts
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"doc_id": ["z"]}), other, compression="zstd")
    with pytest.raises(PartError, match=r"other\.parquet: its schema differs from that of"):
        concat_parts([paths[0], other], tmp_path / "x.parquet")
    indexed = tmp_path / "indexed.parquet"
    pq.write_table(pq.read_table(paths[0]), indexed, compression="zstd", write_page_index=True)
    with pytest.raises(PartError, match=r"indexed\.parquet: has a page index"):
        concat_parts([indexed], tmp_path / "x.parquet")
