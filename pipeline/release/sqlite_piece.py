"""One extraction batch's share of the release database, made in the batch worker.

Turning rows into SQLite values and Chinese text into search tokens (``search.py``) costs
Python time per row: done in publish for the whole release, it took ~7 s per 1,000 plans on
every release, however few plans were new. So each batch writes, next to its Parquet and
CSV parts, a small SQLite file ``<staging>/_sqlite/part-NNNNNN.sqlite`` (cached with the
batch's other parts) holding its rows of every plan table with the release's column types,
and, for each searched table (``explore/views.yaml`` "search"), ``<table>__tokens``: the
FTS5 input of its searched columns, row for row (same rowid). Publishing then only copies
rows between databases in SQL (``insert_piece``), in C.

The same rows give the same bytes (one transaction, rows in batch order).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.release.explore import columns_in
from pipeline.release.schema import arrow_schema, table_schema
from pipeline.release.sqlite import SQL_TYPES, arrow_tuples, quote, token_rows
from pipeline.release.staging import part_path

PIECES = "_sqlite"  # staging folder of the pieces (a "table" to the batch cache)
SUFFIX = ".sqlite"  # one dot: the batch cache keeps a part as <table><suffix>


def tokens_table(table: str) -> str:
    return f"{table}__tokens"


def piece_path(staging: Path, batch: int) -> Path:
    return part_path(staging, PIECES, batch, SUFFIX)


def searched(tables: list[str]) -> dict[str, list[str]]:
    """The searched columns of ``tables`` (as the release database indexes them)."""
    return columns_in("search", {t: [f["name"] for f in table_schema(t)["fields"]] for t in tables})


def write_piece(staging: Path, batch: int, frames: dict[str, pd.DataFrame]) -> Path:
    """Write batch ``batch``'s rows (``frames``: table -> rows, schema dtypes) as its piece."""
    path = piece_path(staging, batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never write through a cache's hard link
    search = searched(list(frames))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for table, frame in frames.items():
            fields = table_schema(table)["fields"]
            cols = ", ".join(f"{quote(f['name'])} {SQL_TYPES[f['type']]}" for f in fields)
            conn.execute(f"CREATE TABLE {quote(table)} ({cols})")
            rows = arrow_tuples(
                pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
            )
            marks = ", ".join("?" * len(fields))
            conn.executemany(f"INSERT INTO {quote(table)} VALUES ({marks})", rows)
            if table in search:
                _write_tokens(conn, table, search[table], [f["name"] for f in fields], rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def _write_tokens(
    conn: sqlite3.Connection, table: str, cols: list[str], names: list[str], rows: list[tuple]
) -> None:
    tokens = quote(tokens_table(table))
    conn.execute(f"CREATE TABLE {tokens} ({', '.join(map(quote, cols))})")
    if not rows:
        return
    at = [names.index(c) for c in cols]
    texts = [(n, *(row[i] for i in at)) for n, row in enumerate(rows, 1)]
    conn.executemany(
        f"INSERT INTO {tokens} (rowid, {', '.join(map(quote, cols))}) "
        f"VALUES (?{', ?' * len(cols)})",
        token_rows(texts),
    )


def piece_digest(path: Path) -> str:
    """The sha256 of a piece's bytes: which rows it holds, for the next update in place."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def piece_docs(conn: sqlite3.Connection, alias: str) -> list[str]:
    """The plans (doc_ids) of the piece attached as ``alias``."""
    return [d for (d,) in conn.execute(f"SELECT doc_id FROM {alias}.documents ORDER BY rowid")]


def insert_piece(
    conn: sqlite3.Connection,
    alias: str,
    tables: list[str],
    search: dict[str, list[str]],
    skip_docs: bool,
) -> None:
    """Append the rows of the piece attached as ``alias`` to ``tables`` of ``conn`` (and
    their tokens to ``<table>_fts``), each after the table's last rowid, in the piece's
    order. ``skip_docs``: leave out the rows of plans in ``temp.skipped(doc_id)`` (plans
    excluded after extraction)."""
    for table in tables:
        names = [f["name"] for f in table_schema(table)["fields"]]
        skip = (
            " WHERE doc_id NOT IN (SELECT doc_id FROM temp.skipped)"
            if skip_docs and "doc_id" in names
            else ""
        )
        (base,) = conn.execute(
            f"SELECT coalesce(max(rowid), 0) FROM main.{quote(table)}"
        ).fetchone()
        cols = ", ".join(map(quote, names))
        conn.execute(
            f"INSERT INTO main.{quote(table)} (rowid, {cols}) SELECT rowid + ?, {cols} "
            f"FROM {alias}.{quote(table)}{skip} ORDER BY rowid",
            [base],
        )
        if table not in search:
            continue
        searched_cols = ", ".join(map(quote, search[table]))
        kept = f" WHERE rowid IN (SELECT rowid FROM {alias}.{quote(table)}{skip})" if skip else ""
        conn.execute(
            f"INSERT INTO main.{quote(table + '_fts')} (rowid, {searched_cols}) "
            f"SELECT rowid + ?, {searched_cols} FROM {alias}.{quote(tokens_table(table))}"
            f"{kept} ORDER BY rowid",
            [base],
        )
