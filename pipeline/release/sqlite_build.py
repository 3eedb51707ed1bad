"""The release database from the batches' pieces: built in full, or updated in place.

Each extraction batch leaves a piece (``sqlite_piece.py``: its rows as SQLite values, and
the search tokens of its searched columns). A full build creates the schema (the same
``CREATE TABLE`` with comments and keys as ``sqlite.write_database``), ATTACHes each piece
in batch order and copies its rows and tokens with ``INSERT ... SELECT`` (in C, no Python
per row), then the join indexes, the FTS ``optimize``, the description tables and ANALYZE.

When the previous release was made by the same extraction code with the same schemas, its
database is copied (``shutil.copyfile``: ``sendfile`` on Linux, no decoding) and updated
in place: ``release_plans`` records a hash of each plan's rows (made by its batch), so the
plans that are gone or whose rows differ are deleted (their FTS5 entries with tokens
recomputed from the rows being deleted: a contentless table needs them), the new ones'
rows are appended from their pieces, and the description tables are rewritten; no VACUUM,
and a sampled ANALYZE. Anything that does not line up (no piece for a batch, another
builder version, other tables, most plans changed) falls back to the full build, with the
reason in the log.

The full build copies table by table (every piece's rows of one table, then the next), and
gathers the search tokens in temporary tables to index them in one pass at the end, so its
bytes depend on the rows only, not on how they were batched. An update depends on the
previous database too: the same previous database and rows give the same bytes; a fresh and
an updated database of the same rows hold the same rows and find the same search results,
in another physical order.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.release.explore import EXPLORE_DIR
from pipeline.release.schema import table_schema
from pipeline.release.sqlite import (
    DATABASE,
    closed_or_removed,
    create_fts,
    create_table,
    create_table_sql,
    describe,
    index_rows,
    join_indexes,
    load_rows,
    optimize_fts,
    quote,
    token_rows,
    unique_keys,
    write_database,
)
from pipeline.release.sqlite_piece import (
    insert_rows,
    piece_path,
    piece_plans,
    searched,
    tokens_table,
)
from pipeline.release.staging import StagedTables, Tables

log = logging.getLogger(__name__)
RECORD = "release_plans"
ANALYSIS_LIMIT = 1000  # rows ANALYZE samples per index: its cost no longer grows with rows
# While a full build appends piece after piece, FTS5 merges no segments (one per piece, each
# from a larger in-memory hash) until the one 'optimize' at the end: ~40% less time than
# merging as it goes. Then its defaults again, for updates in place.
BULK_FTS = {"automerge": 0, "crisismerge": 2000, "hashsize": 64 << 20}
DEFAULT_FTS = {"automerge": 4, "crisismerge": 16, "hashsize": 1 << 20}
_HERE = Path(__file__).resolve().parent
_BUILDER_FILES = ("sqlite.py", "sqlite_piece.py", "sqlite_build.py", "search.py")


class CannotUpdate(Exception):
    """Why the previous release's database cannot be updated in place."""


@dataclass(frozen=True)
class Piece:
    batch: int
    path: Path
    plans: dict[str, str]  # doc_id -> sha256 of its rows


@functools.cache
def builder_version() -> int:
    """What the database's layout depends on besides its rows (this code, the search
    settings, the SQLite library), as ``PRAGMA user_version``: a database made by anything
    else is rebuilt, not updated."""
    digest = hashlib.sha256(sqlite3.sqlite_version.encode())
    for path in [_HERE / f for f in _BUILDER_FILES] + [EXPLORE_DIR / "views.yaml"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return int(digest.hexdigest()[:7], 16)


def build_database(
    folder: Path, package: dict[str, Any], tables: Tables, previous: Path | None = None
) -> Path:
    """Write ``folder/data/rule-of-law-plans.sqlite`` for the release in ``folder``
    (``package``: its datapackage.json; ``tables``: its rows, staged or not): the database
    ``previous`` updated, when given and possible, else built from the batches' pieces, else
    (rows not staged) from the release's files."""
    pieces = staged_pieces(tables)
    if isinstance(pieces, str):
        log.info("SQLite database built from the release files: %s", pieces)
        return write_database(folder, package)
    assert isinstance(tables, StagedTables)
    if previous is not None:
        try:
            return _update(folder, package, tables, pieces, previous)
        except CannotUpdate as why:
            (folder / "data" / DATABASE).unlink(missing_ok=True)
            log.info("SQLite database built in full, not updated: %s", why)
    return _full(folder, package, tables, pieces)


def staged_pieces(tables: Tables) -> list[Piece] | str:
    """The pieces of the staged batches in batch order, or why there are none to use."""
    if not isinstance(tables, StagedTables):
        return "the rows are held in memory, not staged by batches"
    batches = sorted(
        int(p.stem.removeprefix("part-"))
        for p in (tables.staging / "documents").glob("part-*.parquet")
    )
    if tables.batches is not None:
        batches = [b for b in batches if b in tables.batches]
    missing = [b for b in batches if not piece_path(tables.staging, b).exists()]
    if missing:
        return f"no database piece for batch {missing[0]} ({len(missing)} batches)"
    return [
        Piece(b, piece_path(tables.staging, b), piece_plans(piece_path(tables.staging, b)))
        for b in batches
    ]


def _staged(tables: StagedTables, package: dict[str, Any]) -> list[str]:
    """The release's tables whose rows come from the pieces, in release order."""
    return [
        r["name"]
        for r in package["resources"]
        if r["name"] in tables.tables and r["name"] not in tables.extra
    ]


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("CREATE TEMP TABLE take (doc_id TEXT PRIMARY KEY)")
    return conn


def _full(folder: Path, package: dict[str, Any], tables: StagedTables, pieces: list[Piece]) -> Path:
    path = folder / "data" / DATABASE
    if path.exists():
        raise FileExistsError(f"{path} exists: a release's database is written once")
    resources = package["resources"]
    keys = unique_keys({r["name"]: r["schema"] for r in resources})
    staged = _staged(tables, package)
    search = searched([r["name"] for r in resources])
    conn = _open(path)
    with closed_or_removed(conn, path, f"could not build {path}"):
        conn.execute(f"PRAGMA user_version = {builder_version()}")
        conn.execute("BEGIN")
        for resource in resources:
            create_table(conn, resource, keys)
        for table, cols in search.items():
            create_fts(conn, table, cols)
            _fts_settings(conn, table, BULK_FTS)
            if table in staged:
                tokens = quote(tokens_table(table))
                conn.execute(f"CREATE TEMP TABLE {tokens} ({', '.join(map(quote, cols))})")
        conn.execute(
            f"CREATE TABLE {RECORD} ( -- Each plan and a hash of its rows (from its batch), "
            "to update this database in place for the next release\n"
            "  doc_id TEXT PRIMARY KEY, rows_sha256 TEXT NOT NULL\n)"
        )
        conn.execute("COMMIT")
        take = {p.batch: sorted(set(p.plans) - tables.excluded) for p in pieces}
        for table in staged:
            tokens = (
                (f"temp.{quote(tokens_table(table))}", search[table]) if table in search else None
            )
            for piece in pieces:
                _append(conn, piece, take[piece.batch], table, tokens)
        conn.execute("BEGIN")
        for table in staged:
            if table in search:
                cols = ", ".join(map(quote, search[table]))
                conn.execute(
                    f"INSERT INTO main.{quote(table + '_fts')} (rowid, {cols}) "
                    f"SELECT rowid, {cols} FROM temp.{quote(tokens_table(table))} ORDER BY rowid"
                )
                conn.execute(f"DROP TABLE temp.{quote(tokens_table(table))}")
        conn.executemany(
            f"INSERT INTO {RECORD} VALUES (?, ?)",
            sorted((d, p.plans[d]) for p in pieces for d in take[p.batch]),
        )
        for resource in resources:
            if resource["name"] not in staged:
                load_rows(conn, folder, resource)
                if resource["name"] in search:
                    index_rows(conn, resource["name"], search[resource["name"]])
            for sql in join_indexes(resource["name"], resource["schema"], keys):
                conn.execute(sql)
        for table in search:
            optimize_fts(conn, table)
            _fts_settings(conn, table, DEFAULT_FTS)
        describe(conn, resources)
        _analyze(conn)
        conn.execute("COMMIT")
    _reset_change_counter(path)
    log.info("SQLite database built from %d batch pieces", len(pieces))
    return path


def _reset_change_counter(path: Path) -> None:
    """Set the file change counter (header bytes 24-27, and the version-valid-for number
    beside it, 92-95) to 1: it counts the build's transactions, one per table and piece,
    and would make the bytes depend on how the rows were batched. Readers use it only to
    notice changes made while they hold the file open; nothing has it open here."""
    with path.open("r+b") as fh:
        for offset in (24, 92):
            fh.seek(offset)
            fh.write((1).to_bytes(4, "big"))


def _append(
    conn: sqlite3.Connection,
    piece: Piece,
    take: list[str],
    table: str,
    tokens: tuple[str, list[str]] | None,
) -> None:
    """Append the rows of ``table`` of the plans ``take`` from ``piece`` (and their search
    tokens to ``tokens``' table), in a transaction of their own (ATTACH needs none open)."""
    if not take:
        return
    conn.execute("ATTACH DATABASE ? AS piece", [str(piece.path)])
    try:
        conn.execute("BEGIN")
        conn.execute("DELETE FROM temp.take")
        conn.executemany("INSERT INTO temp.take VALUES (?)", [(d,) for d in take])
        insert_rows(conn, "piece", table, tokens)
        conn.execute("COMMIT")
    finally:
        conn.execute("DETACH DATABASE piece")


def _fts_settings(conn: sqlite3.Connection, table: str, settings: dict[str, int]) -> None:
    fts = quote(f"{table}_fts")
    for name, value in settings.items():
        conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES (?, ?)", [name, value])


def _analyze(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    conn.execute("ANALYZE")


def _update(
    folder: Path,
    package: dict[str, Any],
    tables: StagedTables,
    pieces: list[Piece],
    previous: Path,
) -> Path:
    """The database ``previous`` copied into ``folder`` and brought to ``pieces``."""
    path = folder / "data" / DATABASE
    if path.exists():
        raise FileExistsError(f"{path} exists: a release's database is written once")
    staged = _staged(tables, package)
    had = _recorded(previous, package, staged)
    wanted = {d: p.plans[d] for p in pieces for d in p.plans if d not in tables.excluded}
    gone = sorted(d for d, key in had.items() if wanted.get(d) != key)
    take = {
        p.batch: sorted(d for d in p.plans if d in wanted and had.get(d) != wanted[d])
        for p in pieces
    }
    new = sum(len(docs) for docs in take.values())
    if new > max(1, len(wanted) // 2):
        raise CannotUpdate(
            f"{new} of {len(wanted)} plans are new or changed: a full build is faster"
        )
    shutil.copyfile(previous, path)
    resources = package["resources"]
    search = searched([r["name"] for r in resources])
    conn = _open(path)
    with closed_or_removed(conn, path, f"could not update {path} from {previous}"):
        conn.execute("BEGIN")
        conn.execute("CREATE TEMP TABLE gone (doc_id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO temp.gone VALUES (?)", [(d,) for d in gone])
        of_gone = "WHERE doc_id IN (SELECT doc_id FROM temp.gone)"
        for table in reversed(staged):
            _unindex(conn, table, search.get(table), of_gone)
            conn.execute(f"DELETE FROM {quote(table)} {of_gone}")
        conn.execute(f"DELETE FROM {RECORD} {of_gone}")
        conn.executemany(
            f"INSERT INTO {RECORD} VALUES (?, ?)",
            sorted((d, wanted[d]) for docs in take.values() for d in docs),
        )
        for resource in resources:  # tables made per release (outlines, rejections): anew
            table = resource["name"]
            if table not in staged:
                _unindex(conn, table, search.get(table), "")
                conn.execute(f"DELETE FROM {quote(table)}")
                load_rows(conn, folder, resource)
                if table in search:
                    index_rows(conn, table, search[table])
        conn.execute("COMMIT")
        for table in staged:
            tokens = (f"main.{quote(table + '_fts')}", search[table]) if table in search else None
            for piece in pieces:
                _append(conn, piece, take[piece.batch], table, tokens)
        conn.execute("BEGIN")
        conn.execute("DROP TABLE release_tables")
        conn.execute("DROP TABLE codebook")
        describe(conn, resources)
        _analyze(conn)
        conn.execute("COMMIT")
    log.info(
        "SQLite database updated in place from the previous release: %d plans' rows "
        "deleted, %d plans' rows added (from %d of %d batches)",
        len(gone),
        new,
        sum(1 for docs in take.values() if docs),
        len(pieces),
    )
    return path


def _recorded(previous: Path, package: dict[str, Any], staged: list[str]) -> dict[str, str]:
    """Each plan of the database ``previous`` and the hash of its rows, once it is known to
    be a database this code can update into ``package``'s tables."""
    if not previous.exists():
        raise CannotUpdate(f"the previous release has no database ({previous})")
    resources = package["resources"]
    if any("doc_id" not in [f["name"] for f in table_schema(t)["fields"]] for t in staged):
        raise CannotUpdate("a table of plans' rows has no doc_id")
    keys = unique_keys({r["name"]: r["schema"] for r in resources})
    conn = sqlite3.connect(f"file:{previous}?mode=ro", uri=True)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version != builder_version():
            raise CannotUpdate("its database was built by other code or another SQLite")
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        for resource in resources:
            described = resource["schema"] | {
                k: resource[k] for k in ("title", "description") if k in resource
            }
            if sql.get(resource["name"]) != create_table_sql(resource["name"], described, keys):
                raise CannotUpdate(f"its table {resource['name']} differs from this release's")
        search = searched([r["name"] for r in resources])
        if {n for n in sql if n.endswith("_fts")} != {f"{t}_fts" for t in search}:
            raise CannotUpdate("its full-text indexes differ from this release's")
        if RECORD not in sql:
            raise CannotUpdate(f"it has no {RECORD} table")
        return dict(conn.execute(f"SELECT doc_id, rows_sha256 FROM {RECORD}").fetchall())
    finally:
        conn.close()


def _unindex(conn: sqlite3.Connection, table: str, cols: list[str] | None, where: str) -> None:
    """Take the rows of ``table`` selected by ``where`` out of ``<table>_fts`` (a contentless
    index deletes a row given the tokens it was indexed with: recomputed from its text)."""
    if not cols:
        return
    fts = quote(f"{table}_fts")
    cursor = conn.execute(
        f"SELECT rowid, {', '.join(map(quote, cols))} FROM {quote(table)} {where}"
    )
    delete = (
        f"INSERT INTO {fts} ({fts}, rowid, {', '.join(map(quote, cols))}) "
        f"VALUES ('delete', ?{', ?' * len(cols)})"
    )
    while rows := cursor.fetchmany(20_000):
        conn.executemany(delete, token_rows(rows))
