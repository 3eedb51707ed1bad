"""The release database built from the batches' pieces, and updated in place for the next
release (pipeline/release/sqlite_build.py), on the seed plans split into two batches (real
extraction, no Prefect): the updated database holds the same rows and finds the same search
results as one built fresh from the same batches, and both are byte-stable."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.read.ingest import find_inputs
from pipeline.release.publish import publish
from pipeline.release.search import match_query
from pipeline.release.sqlite import DATABASE, database_checks, quote
from pipeline.release.sqlite_build import RECORD, build_database
from pipeline.release.sqlite_piece import searched
from pipeline.release.staging import StagedTables
from pipeline.runtime.assemble import combine_batches, staged_tables
from pipeline.runtime.batch import run_batch
from tests.helpers import SEEDS, digest, read_package

WORDS = ["宪法", "调解", "公共法律服务", "法治", "普法", "三亚", "条例", "依法", "政府"]


def stage(seeds: Path, staging: Path) -> StagedTables:
    """The seeds in two batches (the last two files in the second), staged and combined."""
    items, rejected = find_inputs(seeds)
    batches = [run_batch(0, items[:3], staging, None), run_batch(1, items[3:], staging, None)]
    return staged_tables(staging, combine_batches(batches, rejected))


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """1.0.0 from the seeds; 1.1.0 with one new plan and one duplicate in the second batch
    (so its database is the first one updated in place); and the tables of 1.1.0."""
    root = tmp_path_factory.mktemp("sqlite-build")
    first = publish(stage(SEEDS, root / "staging-1"), root / "out")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    text = (SEEDS / "000_bebb7d5ddbde795b.txt").read_text(encoding="utf-8")
    (seeds / "005_sanya.txt").write_text(text.replace("海口", "三亚"), encoding="utf-8")
    copy = (SEEDS / "001_d2d864fc585d7753.txt").read_bytes().removeprefix(b"\xef\xbb\xbf")
    (seeds / "006_copy.txt").write_bytes(b"\xef\xbb\xbf" + copy + b"\n")  # same text: a duplicate
    tables = stage(seeds, root / "staging-2")
    assert tables.excluded and tables.only([0]).count("documents") == 3
    second = publish(tables, root / "out")
    assert (first.status, second.status) == ("published", "published")
    return first.path, second.path, tables


def fresh_copy(release: Path, folder: Path, tables: StagedTables) -> Path:
    """``release`` copied to ``folder`` with its database built anew from ``tables``."""
    shutil.copytree(release, folder)
    (folder / "data" / DATABASE).unlink()
    package = read_package(folder)
    return build_database(folder, package, tables, None)


def contents(path: Path) -> dict[str, object]:
    """Every table's rows (sorted), and for each searched table and word the primary keys
    of the rows found."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM release_tables ORDER BY name")]
        out: dict[str, object] = {
            t: sorted(conn.execute(f"SELECT * FROM {quote(t)}").fetchall(), key=repr)
            for t in [*names, "release_tables", "codebook"]
        }
        for table, cols in searched(names).items():
            (pk,) = conn.execute("SELECT primary_key FROM release_tables WHERE name = ?", [table])
            key = ", ".join(quote(c) for c in pk[0].split(", "))
            texts = conn.execute(f"SELECT {key}, {', '.join(map(quote, cols))} FROM {table}")
            rows = texts.fetchall()
            width = len(pk[0].split(", "))
            for word in WORDS:
                found = conn.execute(
                    f"SELECT {key} FROM {table} WHERE rowid IN (SELECT rowid FROM "
                    f"{table}_fts WHERE {table}_fts MATCH ?)",
                    [match_query(word)],
                ).fetchall()
                expected = {r[:width] for r in rows if any(word in (v or "") for v in r[width:])}
                assert set(found) == expected, (table, word)
                out[f"{table}_fts {word}"] = sorted(found)
    finally:
        conn.close()
    return out


def test_an_updated_database_holds_what_a_fresh_one_holds(releases, tmp_path):
    first, second, tables = releases
    updated = second / "data" / DATABASE
    fresh = fresh_copy(second, tmp_path / "fresh", tables)
    got, want = contents(updated), contents(fresh)
    assert got == want
    assert any(len(v) for k, v in got.items() if k.startswith("measures_fts 三亚"))
    assert contents(first / "data" / DATABASE)["measures_fts 三亚"] == []
    docs = {r[0] for r in got["documents"]}
    assert not docs & tables.excluded and len(docs) == 6
    counts = {r[0]: r[4] for r in got["release_tables"]}
    (check,) = database_checks(second, counts)
    assert check.passed, check.samples
    with sqlite3.connect(updated) as conn:
        recorded = dict(conn.execute(f"SELECT doc_id, rows_sha256 FROM {RECORD}").fetchall())
    conn.close()
    assert set(recorded) == docs and len(set(recorded.values())) == 6


def test_the_second_release_was_updated_not_rebuilt(releases, tmp_path, caplog):
    first, second, tables = releases
    folder = tmp_path / "again"
    shutil.copytree(second, folder)
    (folder / "data" / DATABASE).unlink()
    package = read_package(folder)
    with caplog.at_level(logging.INFO, logger="pipeline.release.sqlite_build"):
        build_database(folder, package, tables, first / "data" / DATABASE)
    assert "updated in place" in caplog.text
    assert "0 plans' rows deleted, 1 plans' rows added (from 1 of 2 batches)" in caplog.text
    # the same previous database and pieces: the same bytes
    assert digest(folder)[f"data/{DATABASE}"] == digest(second)[f"data/{DATABASE}"]


def test_a_fresh_build_gives_the_same_bytes_whatever_the_batching(releases, tmp_path):
    _, second, tables = releases
    a = fresh_copy(second, tmp_path / "a", tables)
    items, rejected = find_inputs(second.parents[2] / "seeds")
    staging = tmp_path / "one-batch"
    one = staged_tables(staging, combine_batches([run_batch(0, items, staging, None)], rejected))
    b = fresh_copy(second, tmp_path / "b", one)
    assert a.read_bytes() == b.read_bytes()


def test_a_database_of_other_code_is_rebuilt_with_the_reason_logged(releases, tmp_path, caplog):
    first, second, tables = releases
    previous = tmp_path / "previous.sqlite"
    shutil.copyfile(first / "data" / DATABASE, previous)
    with sqlite3.connect(previous) as conn:
        conn.execute("PRAGMA user_version = 7")
    conn.close()
    folder = tmp_path / "rebuilt"
    shutil.copytree(second, folder)
    (folder / "data" / DATABASE).unlink()
    package = read_package(folder)
    with caplog.at_level(logging.INFO, logger="pipeline.release.sqlite_build"):
        build_database(folder, package, tables, previous)
    assert "built in full, not updated: its database was built by other code" in caplog.text
    fresh = fresh_copy(second, tmp_path / "fresh", tables)
    assert (folder / "data" / DATABASE).read_bytes() == fresh.read_bytes()
