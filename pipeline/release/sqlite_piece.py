"""One extraction batch's share of the release database, made in the batch worker.

Turning rows into SQLite values and Chinese text into search tokens (``search.py``) costs
Python time per row: done in publish for the whole release, it took ~7 s per 1,000 plans on
every release, however few plans were new. So each batch writes, next to its Parquet and
CSV parts, a small SQLite file ``<staging>/_sqlite/part-NNNNNN.sqlite`` (cached with the
batch's other parts) holding its rows of every plan table with the release's column types,
and, for each searched table (``explore/views.yaml`` "search"), ``<table>__tokens``: the
FTS5 input of its searched columns, row for row (same rowid). Publishing then only copies
rows between databases in SQL (``insert_rows``), in C.

The same rows give the same bytes (one transaction, rows in batch order).
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from pipeline.release.csvrows import part_rows
from pipeline.release.explore import columns_in
from pipeline.release.pieces import runs
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


PLANS = "_plans"  # table of a piece: each plan's doc_id and the sha256 of all its rows


def write_piece(staging: Path, batch: int, frames: dict[str, pd.DataFrame]) -> Path:
    """Write batch ``batch``'s rows (``frames``: table -> rows, schema dtypes) as its piece."""
    path = piece_path(staging, batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never write through a cache's hard link
    search = searched(list(frames))
    plans: dict[str, Any] = {}
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for table, frame in frames.items():
            fields = table_schema(table)["fields"]
            names = [f["name"] for f in fields]
            cols = ", ".join(f"{quote(f['name'])} {SQL_TYPES[f['type']]}" for f in fields)
            conn.execute(f"CREATE TABLE {quote(table)} ({cols})")
            rows = arrow_tuples(
                pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
            )
            marks = ", ".join("?" * len(fields))
            conn.executemany(f"INSERT INTO {quote(table)} VALUES ({marks})", rows)
            if table in search:
                _write_tokens(conn, table, search[table], names, rows)
            if "doc_id" in names:
                for doc, csv_rows in plan_csv_rows(staging, batch, table, frame):
                    plans.setdefault(doc, hashlib.sha256()).update(f"{table}\0".encode())
                    plans[doc].update(csv_rows)
        conn.execute(f"CREATE TABLE {PLANS} (doc_id TEXT PRIMARY KEY, rows_sha256 TEXT NOT NULL)")
        conn.executemany(
            f"INSERT INTO {PLANS} VALUES (?, ?)",
            sorted((doc, digest.hexdigest()) for doc, digest in plans.items()),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def plan_csv_rows(
    staging: Path, batch: int, table: str, frame: pd.DataFrame
) -> Iterator[tuple[str, bytes]]:
    """Each plan's rows of ``frame`` as the batch's staged CSV part has them (written before
    the piece, by ``staging.write_part``): the bytes a plan's entry in ``_plans`` hashes. The
    CSV is the release's own rendering of a row, the same whatever the batch; hashing its
    bytes is cheaper than a Python ``repr`` of every row (piece 5.0 -> 4.3 ms per plan), and a
    pandas hash of the frame would depend on dtypes that an all-null column of a small batch
    does not have."""
    if frame.empty:
        return
    docs = frame["doc_id"].astype(object).tolist()
    counts = runs(docs)
    body, cuts = part_rows(part_path(staging, table, batch, ".csv"), counts)
    cuts = [0, *cuts, len(body)]
    firsts = [0, *itertools.accumulate(counts)][:-1]  # each plan's first row
    for n, first in enumerate(firsts):
        yield docs[first], body[cuts[n] : cuts[n + 1]]


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


def piece_plans(path: Path) -> dict[str, str]:
    """The plans of a piece: doc_id -> sha256 of its rows (same rows, same hash)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        plans = dict(conn.execute(f"SELECT doc_id, rows_sha256 FROM {PLANS}").fetchall())
    conn.close()
    return plans


def insert_rows(
    conn: sqlite3.Connection, alias: str, table: str, tokens: tuple[str, list[str]] | None
) -> None:
    """Append the rows of ``table`` of the piece attached as ``alias`` that belong to the
    plans in ``temp.take(doc_id)`` to ``main.<table>``, after its last rowid, in the
    piece's order; ``tokens``: where their search tokens go (a table whose rowids are the
    rows' new rowids) and the searched columns."""
    names = [f["name"] for f in table_schema(table)["fields"]]
    taken = f"{alias}.{quote(table)} WHERE doc_id IN (SELECT doc_id FROM temp.take)"
    (base,) = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{quote(table)}").fetchone()
    cols = ", ".join(map(quote, names))
    conn.execute(
        f"INSERT INTO main.{quote(table)} ({cols}) SELECT {cols} FROM {taken} ORDER BY rowid"
    )
    if tokens is None:
        return
    target, searched_cols = tokens[0], ", ".join(map(quote, tokens[1]))
    conn.execute(
        f"INSERT INTO {target} (rowid, {searched_cols}) "
        f"SELECT ? + row_number() OVER (ORDER BY rowid), {searched_cols} "
        f"FROM {alias}.{quote(tokens_table(table))} "
        f"WHERE rowid IN (SELECT rowid FROM {taken}) ORDER BY rowid",
        [base],
    )
