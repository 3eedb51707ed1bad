"""``data/rule-of-law-plans.sqlite``: every table of a release in one SQLite database.

For people who browse rather than code (Datasette, DB Browser for SQLite, any SQL client):
each table with the types, primary keys and foreign keys of its schema, an index on every
join column, the schema's descriptions as comments in each ``CREATE TABLE`` (shown by
``.schema``) and in two tables of their own (``release_tables``, ``codebook``), and a
Chinese full-text index (``<table>_fts``, see ``search.py``) on the columns named in
``explore/views.yaml``.

A release's database is built from its batches' pieces, or updated in place
(``sqlite_build.py``); this module holds the schema, the loading primitives and, for rows
not staged by batches, the build from the release's own files (the Parquet files, and
``rejected.csv``) after they are written, with the standard ``sqlite3`` module, in one
transaction, rows in file order: the same release gives the same bytes (with the same
SQLite library, whose version number the file header records).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.release.checks import CheckResult
from pipeline.release.docs import CODEBOOK_COLUMNS, codebook
from pipeline.release.explore import columns_in
from pipeline.release.schema import CSV_ENCODING, conform
from pipeline.release.search import FTS_TOKENIZE, index_texts

DATABASE = "rule-of-law-plans.sqlite"
CHUNK = 20_000  # rows per insert batch
SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _comment(text: str) -> str:
    return " ".join(text.split())


def unique_keys(schemas: dict[str, dict[str, Any]]) -> dict[str, set[tuple[str, ...]]]:
    """Per table, the column sets a foreign key may point to in SQLite: its primary key and
    each unique column (Frictionless is laxer; SQLite reports any other as a mismatch)."""
    return {
        table: {tuple(schema["primaryKey"])}
        | {(f["name"],) for f in schema["fields"] if f.get("constraints", {}).get("unique")}
        for table, schema in schemas.items()
    }


def create_table_sql(table: str, schema: dict[str, Any], keys: dict[str, set[tuple]]) -> str:
    """``CREATE TABLE`` for ``schema``, its descriptions as comments; the foreign keys that
    point to one of ``keys`` (table -> its unique column sets, see ``unique_keys``)."""
    lines = []
    for f in schema["fields"]:
        not_null = " NOT NULL" if f.get("constraints", {}).get("required") else ""
        about = " / ".join(x for x in (f.get("description"), f.get("description_zh")) if x)
        lines.append((f"{quote(f['name'])} {SQL_TYPES[f['type']]}{not_null}", about))
    constraints = [f"PRIMARY KEY ({', '.join(map(quote, schema['primaryKey']))})"]
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        if tuple(ref["fields"]) in keys.get(ref["resource"], set()):
            constraints.append(
                f"FOREIGN KEY ({', '.join(map(quote, fk['fields']))}) REFERENCES "
                f"{quote(ref['resource'])} ({', '.join(map(quote, ref['fields']))})"
            )
    body = [(definition + ",", about) for definition, about in lines]
    body += [(c + ",", "") for c in constraints]
    body[-1] = (body[-1][0].rstrip(","), body[-1][1])
    title = _comment(f"{schema.get('title', table)}: {schema.get('description', '')}")
    out = [f"CREATE TABLE {quote(table)} ( -- {title}"]
    out += [f"  {d}" + (f" -- {_comment(a)}" if a else "") for d, a in body]
    return "\n".join(out) + "\n)"


def join_indexes(table: str, schema: dict[str, Any], tables: Iterable[str]) -> list[str]:
    """``CREATE INDEX`` on each foreign key's columns (the primary key has its own)."""
    out, seen = [], {tuple(schema["primaryKey"][:1])}
    for fk in schema.get("foreignKeys", []):
        cols = tuple(fk["fields"])
        if fk["reference"]["resource"] not in tables or cols in seen:
            continue
        seen.add(cols)
        name = quote(f"idx_{table}_{'_'.join(cols)}")
        out.append(f"CREATE INDEX {name} ON {quote(table)} ({', '.join(map(quote, cols))})")
    return out


def table_batches(folder: Path, resource: dict[str, Any]) -> Iterator[pa.Table]:
    """The rows of one release table, in file order, in Arrow tables of ``CHUNK`` rows."""
    if "parquet_path" in resource:
        for batch in pq.ParquetFile(folder / resource["parquet_path"]).iter_batches(CHUNK):
            yield pa.Table.from_batches([batch])
        return
    frame = pd.read_csv(
        folder / resource["path"],
        encoding=resource.get("encoding", CSV_ENCODING),
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    for start in range(0, len(frame), CHUNK):
        part = conform(resource["name"], frame.iloc[start : start + CHUNK])
        yield pa.Table.from_pandas(part, preserve_index=False)


def arrow_tuples(batch: pa.Table) -> list[tuple]:
    columns = []
    for column in batch.columns:
        values = column.to_pylist()
        if pa.types.is_date(column.type):
            values = [None if v is None else v.isoformat() for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


@contextmanager
def closed_or_removed(conn: sqlite3.Connection, path: Path, what: str) -> Iterator[None]:
    """Close ``conn`` when the block is done; when it fails, also remove the half-written
    database at ``path`` (a release never holds one) and raise one error saying ``what``."""
    try:
        yield
    except Exception as exc:
        conn.close()
        path.unlink(missing_ok=True)
        raise RuntimeError(f"{what}: {exc}") from exc
    conn.close()


def write_database(folder: Path, package: dict[str, Any]) -> Path:
    """Write ``folder/data/rule-of-law-plans.sqlite`` from the release in ``folder``
    (``package``: its datapackage.json); returns its path."""
    path = folder / "data" / DATABASE
    if path.exists():
        raise FileExistsError(f"{path} exists: a release's database is written once")
    resources = package["resources"]
    schemas = {r["name"]: r["schema"] for r in resources}
    conn = sqlite3.connect(path, isolation_level=None)
    with closed_or_removed(conn, path, f"could not build {path}"):
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for resource in resources:
            _load_table(conn, folder, resource, unique_keys(schemas))
        search = columns_in(
            "search", {t: [f["name"] for f in s["fields"]] for t, s in schemas.items()}
        )
        for table, cols in search.items():
            _index_text(conn, table, cols)
        describe(conn, resources)
        conn.execute("ANALYZE")
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    return path


def _load_table(
    conn: sqlite3.Connection, folder: Path, resource: dict[str, Any], keys: dict[str, set[tuple]]
) -> None:
    create_table(conn, resource, keys)
    load_rows(conn, folder, resource)
    for sql in join_indexes(resource["name"], resource["schema"], keys):
        conn.execute(sql)


def create_table(
    conn: sqlite3.Connection, resource: dict[str, Any], keys: dict[str, set[tuple]]
) -> None:
    """The release table of ``resource`` (its datapackage.json entry), empty."""
    schema = resource["schema"]
    described = schema | {k: resource[k] for k in ("title", "description") if k in resource}
    conn.execute(create_table_sql(resource["name"], described, keys))


def load_rows(conn: sqlite3.Connection, folder: Path, resource: dict[str, Any]) -> None:
    """Append the rows of the release file of ``resource`` (in ``folder``) to its table."""
    table, names = resource["name"], [f["name"] for f in resource["schema"]["fields"]]
    insert = (
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, names))}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    for batch in table_batches(folder, resource):
        conn.executemany(insert, arrow_tuples(batch))


def create_fts(conn: sqlite3.Connection, table: str, cols: list[str]) -> None:
    """``<table>_fts``: a contentless FTS5 index of ``cols``, by the table's rowid."""
    conn.execute(
        f"CREATE VIRTUAL TABLE {quote(f'{table}_fts')} USING fts5({', '.join(map(quote, cols))}, "
        f"content='', columnsize=0, tokenize='{FTS_TOKENIZE}')"
    )


def _index_text(conn: sqlite3.Connection, table: str, cols: list[str]) -> None:
    create_fts(conn, table, cols)
    index_rows(conn, table, cols)
    optimize_fts(conn, table)


def index_rows(conn: sqlite3.Connection, table: str, cols: list[str], after: int = 0) -> None:
    """Index the rows of ``table`` after rowid ``after`` in ``<table>_fts``."""
    fts = quote(f"{table}_fts")
    insert = (
        f"INSERT INTO {fts} (rowid, {', '.join(map(quote, cols))}) VALUES (?{', ?' * len(cols)})"
    )
    select = (
        f"SELECT rowid, {', '.join(map(quote, cols))} FROM {quote(table)} "
        "WHERE rowid > ? ORDER BY rowid"
    )
    cursor = conn.execute(select, [after])
    while rows := cursor.fetchmany(CHUNK):
        conn.executemany(insert, token_rows(rows))


def token_rows(rows: list[tuple]) -> list[tuple]:
    """``(rowid, text, ...)`` rows as ``(rowid, tokens, ...)`` (``search.index_texts``)."""
    values = list(zip(*rows, strict=True))
    return list(zip(values[0], *(index_texts(list(v)) for v in values[1:]), strict=True))


def optimize_fts(conn: sqlite3.Connection, table: str) -> None:
    fts = quote(f"{table}_fts")
    conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")


def describe(conn: sqlite3.Connection, resources: list[dict[str, Any]]) -> None:
    """``release_tables`` (one row per table) and ``codebook`` (one row per column)."""
    conn.execute(
        "CREATE TABLE release_tables ( -- The tables of this release\n"
        "  name TEXT PRIMARY KEY, title TEXT, description TEXT, primary_key TEXT,\n"
        "  row_count INTEGER, full_text_index TEXT\n)"
    )
    fts = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
    }
    for r in resources:
        (count,) = conn.execute(f"SELECT count(*) FROM {quote(r['name'])}").fetchone()
        conn.execute(
            "INSERT INTO release_tables VALUES (?, ?, ?, ?, ?, ?)",
            (
                r["name"],
                r.get("title", r["name"]),
                r.get("description", ""),
                ", ".join(r["schema"]["primaryKey"]),
                count,
                f"{r['name']}_fts" if f"{r['name']}_fts" in fts else None,
            ),
        )
    cols = ", ".join(f"{quote(c)} TEXT" for c in CODEBOOK_COLUMNS)
    conn.execute(
        f"CREATE TABLE codebook ( -- Every column of every table: type, meaning, allowed values\n"
        f'  {cols},\n  PRIMARY KEY ("table", "column")\n)'
    )
    rows = codebook({r["name"]: r["schema"] for r in resources})
    conn.executemany(
        f"INSERT INTO codebook VALUES ({', '.join('?' * len(CODEBOOK_COLUMNS))})",
        [tuple(row[c] for c in CODEBOOK_COLUMNS) for row in rows],
    )


def database_checks(folder: Path, row_counts: dict[str, int]) -> list[CheckResult]:
    """The written database, before the release is renamed into place: every table with the
    rows its files hold, and no row whose foreign key points nowhere."""
    path = folder / "data" / DATABASE
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        problems = [
            f"{table}: {found} rows in the database, {rows} in its files"
            for table, rows in row_counts.items()
            if (found := conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]) != rows
        ]
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    problems += [
        f"{table} row {rowid}: no {parent} row for it" for table, rowid, parent, _ in orphans
    ]
    return [
        CheckResult(
            check="database rows and foreign keys",
            table="*",
            passed=not problems,
            samples=problems[:5],
            n_failed=len(problems),
            source="release files",
        )
    ]
