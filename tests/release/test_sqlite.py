"""The release's SQLite database against its Parquet files (one real flow run on the seeds):
tables, row counts, types, keys, indexes, descriptions, and Chinese search that finds
exactly the rows containing a word."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.release.explore import columns_in
from pipeline.release.search import match_query
from pipeline.release.sqlite import (
    DATABASE,
    create_table_sql,
    database_checks,
    join_indexes,
    unique_keys,
    write_database,
)
from tests.helpers import digest, read_package


@pytest.fixture(scope="module")
def release(seed_release):
    folder, _ = seed_release
    package = read_package(folder)
    conn = sqlite3.connect(f"file:{folder / 'data' / DATABASE}?mode=ro", uri=True)
    yield folder, package, conn
    conn.close()


def release_frame(folder, resource) -> pd.DataFrame:
    if "parquet_path" in resource:
        return pd.read_parquet(folder / resource["parquet_path"])
    return pd.read_csv(folder / resource["path"], encoding="utf-8-sig", dtype=str)


def searched(package) -> dict[str, list[str]]:
    """The columns the database indexes for search (explore/views.yaml), in this release."""
    return columns_in("search", {r["name"]: columns(r) for r in package["resources"]})


def columns(resource) -> list[str]:
    return [f["name"] for f in resource["schema"]["fields"]]


def test_tables_and_row_counts_equal_the_release_files(release):
    folder, package, conn = release
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    data = {r["name"] for r in package["resources"]}
    fts = {f"{t}_fts" for t in searched(package)}
    assert {"measures_fts", "targets_fts", "sections_fts", "instruments_fts"} <= fts
    shadow = {t for t in tables if any(t.startswith(f + "_") for f in fts)}
    described = {"release_tables", "codebook", "release_plans"}
    assert tables - shadow - {"sqlite_stat1"} == data | fts | described
    for resource in package["resources"]:
        frame = release_frame(folder, resource)
        (count,) = conn.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchone()
        assert count == len(frame), resource["name"]
        counted = conn.execute(
            "SELECT row_count FROM release_tables WHERE name = ?", [resource["name"]]
        ).fetchone()
        assert counted == (len(frame),)


def test_values_and_types_equal_the_parquet_files(release):
    folder, package, conn = release
    kinds = {
        "string": "TEXT",
        "integer": "INTEGER",
        "number": "REAL",
        "boolean": "INTEGER",
        "date": "TEXT",
    }
    for resource in package["resources"]:
        name, fields = resource["name"], resource["schema"]["fields"]
        info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
        assert [(c[1], c[2]) for c in info] == [(f["name"], kinds[f["type"]]) for f in fields]
        required = {f["name"] for f in fields if f.get("constraints", {}).get("required")}
        assert {c[1] for c in info if c[3]} == required
        pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
        assert pk == resource["schema"]["primaryKey"]
        if "parquet_path" not in resource:
            continue
        names = ", ".join(f'"{f["name"]}"' for f in fields)
        db = conn.execute(f'SELECT {names} FROM "{name}" ORDER BY rowid').fetchall()
        files = pq.read_table(folder / resource["parquet_path"]).to_pylist()
        assert db == [tuple(sqlite_value(row[f["name"]]) for f in fields) for row in files], name


def sqlite_value(value):
    if isinstance(value, bool):
        return int(value)
    return value.isoformat() if isinstance(value, dt.date) else value


def test_foreign_keys_and_join_indexes_follow_the_schemas(release):
    _, package, conn = release
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    for resource in package["resources"]:
        name, schema = resource["name"], resource["schema"]
        declared = {
            (tuple(fk["fields"]), fk["reference"]["resource"], tuple(fk["reference"]["fields"]))
            for fk in schema.get("foreignKeys", [])
        }
        found: dict[int, list] = {}
        for row in conn.execute(f'PRAGMA foreign_key_list("{name}")'):
            found.setdefault(row[0], []).append(row)
        assert {
            (tuple(r[3] for r in rows), rows[0][2], tuple(r[4] for r in rows))
            for rows in found.values()
        } == declared
        indexed = set()
        for index in conn.execute(f'PRAGMA index_list("{name}")').fetchall():
            cols = conn.execute(f'PRAGMA index_info("{index[1]}")').fetchall()
            indexed.add(tuple(c[2] for c in cols)[:1])
        assert {fields[:1] for fields, _, _ in declared} <= indexed, name


def test_descriptions_are_in_the_schema_text_and_the_codebook(release):
    _, package, conn = release
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'targets'").fetchone()
    targets = next(r for r in package["resources"] if r["name"] == "targets")
    for f in targets["schema"]["fields"]:
        assert f["description_zh"] in sql
    rows = conn.execute('SELECT "table", "column", type, description_zh FROM codebook').fetchall()
    expected = [
        (r["name"], f["name"], f["type"], f.get("description_zh", ""))
        for r in package["resources"]
        for f in r["schema"]["fields"]
    ]
    assert rows == expected
    (enum,) = conn.execute(
        "SELECT allowed_values FROM codebook WHERE \"table\" = 'targets' AND \"column\" = 'kind'"
    ).fetchone()
    assert enum == "quantity, deadline, frequency"


def words_in(texts: list[str]) -> set[str]:
    """Two- to four-character Chinese words of the release's own texts, a sample of them."""
    words = set()
    for text in texts[:: max(1, len(texts) // 50)]:
        for n in (2, 3, 4):
            words |= {text[i : i + n] for i in range(0, len(text) - n, 11)}
    return {w for w in words if all("\u4e00" <= c <= "\u9fff" for c in w)}


def test_search_finds_exactly_the_rows_containing_a_word(release):
    _, package, conn = release
    for table, cols in searched(package).items():
        rows = conn.execute(f'SELECT rowid, {", ".join(cols)} FROM "{table}"').fetchall()
        words = {"宪法", "调解", "公共法律服务", "人民调解", "普法"} | words_in(
            [" ".join(v or "" for v in r[1:]) for r in rows]
        )
        assert len(words) > 20
        for word in words:
            hits = conn.execute(
                f'SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH ?',
                [match_query(word)],
            ).fetchall()
            expected = {r[0] for r in rows if any(word in (v or "") for v in r[1:])}
            assert {h[0] for h in hits} == expected, (table, word)
    (n,) = conn.execute(
        "SELECT count(*) FROM measures_fts WHERE measures_fts MATCH ?", [match_query("宪法")]
    ).fetchone()
    assert n > 0


def test_database_and_workbook_are_in_the_checksums_and_only_the_workbook_in_the_zip(release):
    """The database is a file of its own beside the zip (stored, it would double the zip;
    deflated, it would cost seconds per release), and the data dictionary says so."""
    folder, package, _ = release
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    files = digest(folder)
    zipped = zipfile.ZipFile(folder / f"rule-of-law-plans-{package['version']}.zip").namelist()
    for name in (f"data/{DATABASE}", "data/rule-of-law-plans.xlsx"):
        assert f"{files[name]}  {name}" in sums
        inside = f"rule-of-law-plans-{package['version']}/{name}" in zipped
        assert inside == name.endswith(".xlsx")
    assert "beside the release's zip archive" in (folder / "README.md").read_text(encoding="utf-8")


def test_the_same_release_files_give_the_same_database_bytes(release, tmp_path):
    """Built from the release's files (rows not staged): byte-stable. (The published
    database is built from the batches' pieces: tests/release/test_sqlite_build.py.)"""
    folder, package, _ = release
    builds = []
    for name in ("a", "b"):
        copy = tmp_path / name
        shutil.copytree(folder, copy)
        (copy / "data" / DATABASE).unlink()
        write_database(copy, package)
        builds.append(digest(copy)[f"data/{DATABASE}"])
    assert builds[0] == builds[1]
    with pytest.raises(FileExistsError, match="written once"):
        write_database(copy, package)


def test_a_database_that_disagrees_with_the_files_fails_its_check(release, tmp_path):
    folder, package, conn = release
    counts = {
        r["name"]: conn.execute(f'SELECT count(*) FROM "{r["name"]}"').fetchone()[0]
        for r in package["resources"]
    }
    (check,) = database_checks(folder, counts)
    assert check.passed
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    with sqlite3.connect(copy / "data" / DATABASE) as broken:
        broken.execute("DELETE FROM targets WHERE rowid = 1")
        broken.execute("UPDATE sections SET doc_id = 'nowhere' WHERE rowid = 1")
    broken.close()
    (check,) = database_checks(copy, counts)
    assert not check.passed and check.n_failed == 2
    assert any("targets:" in s for s in check.samples)
    assert any("sections row 1: no documents row" in s for s in check.samples)


def test_foreign_keys_sqlite_cannot_check_are_left_out_but_still_indexed():
    parent = {
        "primaryKey": ["doc_id", "seq"],
        "fields": [{"name": "doc_id", "type": "string"}, {"name": "seq", "type": "integer"}],
    }
    child = {
        "primaryKey": ["id"],
        "fields": [{"name": "id", "type": "string"}, {"name": "doc_id", "type": "string"}],
        "foreignKeys": [
            {"fields": ["doc_id"], "reference": {"resource": "edits", "fields": ["doc_id"]}}
        ],
    }
    keys = unique_keys({"edits": parent, "child": child})
    assert "REFERENCES" not in create_table_sql("child", child, keys)
    assert join_indexes("child", child, keys) == [
        'CREATE INDEX "idx_child_doc_id" ON "child" ("doc_id")'
    ]
    child["foreignKeys"][0]["reference"]["fields"] = ["doc_id", "seq"]
    child["foreignKeys"][0]["fields"] = ["id", "doc_id"]
    assert 'REFERENCES "edits" ("doc_id", "seq")' in create_table_sql("child", child, keys)
