"""Versioning, changelog, immutability and byte-identical reruns of releases (no Prefect)."""

from __future__ import annotations

import functools
import json
import shutil
import signal
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.read.ingest import find_inputs
from pipeline.release.diff import next_version
from pipeline.release.publish import latest_version, publish
from pipeline.runtime.assemble import combine_batches, staged_tables
from pipeline.runtime.batch import run_batch
from tests.helpers import REPO, SEEDS, build_tables, digest


@pytest.fixture(scope="module")
def seed_tables() -> dict[str, pd.DataFrame]:
    return build_tables(SEEDS)


def test_next_version_rules():
    assert next_version(None, None) == "1.0.0"
    assert next_version("1.2.3", None) is None
    assert next_version("1.2.3", "patch") == "1.2.4"
    assert next_version("1.2.3", "minor") == "1.3.0"
    assert next_version("1.2.3", "major") == "2.0.0"


def test_rerun_publishes_nothing_and_changes_no_byte(tmp_path, seed_tables):
    stages: list[str] = []  # what a long publish says it is doing (the flow's heartbeat)
    first = publish(seed_tables, tmp_path, on_stage=stages.append)
    assert (first.status, first.version) == ("published", "1.0.0")
    assert stages == [
        "reading the tables",
        "writing release 1.0.0: CSV and Parquet files",
        "writing release 1.0.0: SQLite database and workbook",
        "writing release 1.0.0: zip archive",
        "writing release 1.0.0: SHA256SUMS",
        "checking release 1.0.0's files",
    ]
    before = digest(tmp_path / "releases")
    stages.clear()
    again = publish(build_tables(SEEDS), tmp_path, on_stage=stages.append)
    assert (again.status, again.version) == ("up to date", "1.0.0")
    assert digest(tmp_path / "releases") == before
    assert stages == ["comparing the tables with release 1.0.0"]


def test_same_tables_give_identical_bytes_in_two_output_folders(tmp_path, seed_tables):
    publish(seed_tables, tmp_path / "a")
    publish(seed_tables, tmp_path / "b")
    a = digest(tmp_path / "a" / "releases" / "1.0.0")
    assert a == digest(tmp_path / "b" / "releases" / "1.0.0")
    assert {
        "datapackage.json",
        "CHANGELOG.md",
        "README.md",
        "SHA256SUMS",
        "rejected.csv",
        "data/documents.parquet",
        "data/documents.csv",
        "data/rule-of-law-plans.sqlite",
        "data/rule-of-law-plans.xlsx",
        "rule-of-law-plans-1.0.0.zip",
    } <= set(a)


def test_sixth_plan_gives_minor_release_listing_it(tmp_path, seed_tables):
    publish(seed_tables, tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    text = (SEEDS / "000_bebb7d5ddbde795b.txt").read_text(encoding="utf-8")
    (seeds / "005_copy_sanya.txt").write_text(text.replace("海口", "三亚"), encoding="utf-8")
    result = publish(build_tables(seeds), tmp_path)
    assert (result.status, result.version) == ("published", "1.1.0")
    changelog = (result.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Plans added (1):" in changelog and "三亚市法治社会建设实施方案" in changelog
    assert "## 1.0.0" in changelog  # earlier entries kept below
    assert latest_version(tmp_path) == "1.1.0"


def new_extraction_code(monkeypatch) -> None:
    """What editing an extraction module or vocabulary does to the release: its extraction
    version changes (publish compares only added and removed plans' rows otherwise, since
    the same bytes and the same code give the same rows; the extraction cache relies on
    that too)."""
    import pipeline.release.publish as publish_module

    monkeypatch.setattr(publish_module, "code_version", lambda: "edited-rules")


def test_changed_extraction_gives_patch_release_listing_changed_rows(
    tmp_path, seed_tables, monkeypatch
):
    publish(seed_tables, tmp_path)
    new_extraction_code(monkeypatch)
    changed = {t: f.copy() for t, f in seed_tables.items()}
    row = changed["targets"].index[0]
    changed["targets"].loc[row, "value"] = 99.0
    target_id = changed["targets"].loc[row, "target_id"]
    result = publish(changed, tmp_path)
    assert (result.status, result.version) == ("published", "1.0.1")
    assert result.diff.tables["targets"].changed == [target_id]
    changelog = (result.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"- targets changed: `{target_id}`" in changelog


def test_removed_column_gives_major_release(tmp_path, seed_tables):
    publish(seed_tables, tmp_path)
    package_path = tmp_path / "releases" / "1.0.0" / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"].append({"name": "old_column", "type": "string"})
    package_path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    result = publish(seed_tables, tmp_path, dry_run=True)
    assert (result.status, result.version) == ("dry run", "2.0.0")
    assert any("old_column" in c for c in result.diff.breaking)


KILL_MIDWAY = """
import os, signal, sys
sys.path.insert(0, {repo!r})
import pipeline.release.publish as publish_module
from tests.helpers import build_tables
from pathlib import Path

def die(version, counts):  # the release folder is half written: data files, no docs, no sums
    os.kill(os.getpid(), signal.SIGKILL)

tables = build_tables(Path({seeds!r}))
tables["targets"].loc[tables["targets"].index[0], "value"] = 99.0
publish_module.code_version = lambda: "edited-rules"  # as if a rule had changed
publish_module.data_dictionary = die
publish_module.publish(tables, Path({output!r}))
"""


def test_killed_publish_leaves_previous_release_and_latest_intact(
    tmp_path, seed_tables, monkeypatch
):
    publish(seed_tables, tmp_path)
    before = digest(tmp_path / "releases")
    script = KILL_MIDWAY.format(repo=str(REPO), seeds=str(SEEDS), output=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    incoming = tmp_path / "releases" / ".incoming-1.0.1"
    assert (incoming / "data" / "targets.parquet").exists()  # it really died midway
    assert latest_version(tmp_path) == "1.0.0"
    assert not (tmp_path / "releases" / "1.0.1").exists()
    visible = {k: v for k, v in digest(tmp_path / "releases").items() if ".incoming-" not in k}
    assert visible == before
    changed = {t: f.copy() for t, f in seed_tables.items()}
    changed["targets"].loc[changed["targets"].index[0], "value"] = 99.0
    new_extraction_code(monkeypatch)
    result = publish(changed, tmp_path)  # the next run cleans up and publishes
    assert result.version == "1.0.1"
    assert not any(p.name.startswith(".incoming") for p in (tmp_path / "releases").iterdir())


def test_changing_an_extraction_rule_gives_a_patch_listing_changed_rows(
    tmp_path, seed_tables, monkeypatch
):
    publish(seed_tables, tmp_path)
    import pipeline.extract.measures as measures_module

    real = measures_module.load_yaml

    def without_jiaqiang(name):
        vocab = dict(real(name))
        if name == "actions.yaml":
            vocab["verbs"] = [v for v in vocab["verbs"] if v != "加强"]
        return vocab

    monkeypatch.setattr(measures_module, "load_yaml", without_jiaqiang)
    # the module compiles its vocabulary once per process, as a new run would: fresh caches
    for compiled in ("_alternation", "_time_prefix", "_frames", "_modals"):
        fresh = functools.cache(getattr(measures_module, compiled).__wrapped__)
        monkeypatch.setattr(measures_module, compiled, fresh)
    new_extraction_code(monkeypatch)
    result = publish(build_tables(SEEDS), tmp_path)
    assert (result.status, result.version) == ("published", "1.0.1")
    changed = result.diff.tables["measures"].changed
    assert changed and not result.diff.tables["measures"].added
    measures = pd.read_parquet(result.path / "data" / "measures.parquet").set_index("measure_id")
    assert "加强" not in set(measures.loc[changed, "action"].dropna())
    changelog = (result.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"| measures | 0 | 0 | {len(changed)} |" in changelog
    assert f"`{changed[0]}`" in changelog


def test_release_csv_is_the_batches_validated_csv_parts_concatenated(tmp_path):
    items, rejected = find_inputs(SEEDS)
    staging = tmp_path / "staging"
    batches = [run_batch(0, items[:2], staging, None), run_batch(1, items[2:], staging, None)]
    result = publish(staged_tables(staging, combine_batches(batches, rejected)), tmp_path)
    assert result.status == "published"
    for table in ("sections", "measures", "normalization_edits"):
        published = (result.path / "data" / f"{table}.csv").read_bytes()
        parts = [(staging / table / f"part-{n:06d}.csv").read_bytes() for n in (0, 1)]
        header, _, body0 = parts[0].partition(b"\n")
        assert published == header + b"\n" + body0 + parts[1].partition(b"\n")[2]
    checks = {(c.source, c.check) for c in result.report_checks}
    assert ("frictionless", "frictionless descriptor") in checks
    assert ("release files", "release file header and row count") in checks


def test_release_parquet_copies_the_batches_parts_and_re_encodes_those_of_duplicates(tmp_path):
    """One row group per batch: a part is copied byte for byte, unless it holds a plan
    left out as a duplicate (here a copy with a BOM, in the second batch)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    original = sorted(seeds.glob("*.txt"))[0]
    (seeds / "999_copy.txt").write_bytes(b"\xef\xbb\xbf" + original.read_bytes())
    items, rejected = find_inputs(seeds)
    staging = tmp_path / "staging"
    batches = [run_batch(0, items[:3], staging, None), run_batch(1, items[3:], staging, None)]
    tables = staged_tables(staging, combine_batches(batches, rejected))
    assert len(tables.excluded) == 1
    result = publish(tables, tmp_path / "out")
    for table in ("documents", "sections", "targets"):
        path = result.path / "data" / f"{table}.parquet"
        meta = pq.ParquetFile(path).metadata
        assert meta.num_row_groups == 2
        assert pq.read_table(path).to_pandas().equals(tables.read(table))
        first = (staging / table / "part-000000.parquet").read_bytes()
        body = first[4 : -8 - int.from_bytes(first[-8:-4], "little")]
        assert path.read_bytes()[4 : 4 + len(body)] == body  # copied, not re-encoded
        second = pq.read_table(staging / table / "part-000001.parquet")
        assert meta.row_group(1).num_rows < second.num_rows  # the duplicate's rows left out


def test_same_extraction_code_compares_only_added_plans_rows(tmp_path, seed_tables):
    """Same code, same bytes: a plan's rows cannot have changed, so only the rows of the
    added plan are compared, and they are listed as added."""
    publish(seed_tables, tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    text = (SEEDS / "000_bebb7d5ddbde795b.txt").read_text(encoding="utf-8")
    (seeds / "005_sanya.txt").write_text(text.replace("海口", "三亚"), encoding="utf-8")
    grown = build_tables(seeds)
    result = publish(grown, tmp_path)
    new_doc = result.diff.plans_added
    assert result.version == "1.1.0" and len(new_doc) == 1 and not result.diff.plans_changed
    for table in ("sections", "measures", "targets"):
        added = result.diff.tables[table].added
        expected = grown[table].loc[grown[table]["doc_id"] == new_doc[0]]
        assert sorted(added) == sorted(expected.iloc[:, 0]) and added
        assert not result.diff.tables[table].changed


def test_same_extraction_code_still_sees_a_renamed_plan(tmp_path, seed_tables):
    publish(seed_tables, tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    old_name = sorted(p.name for p in seeds.glob("*.txt"))[1]
    (seeds / old_name).rename(seeds / "renamed.txt")
    renamed = build_tables(seeds)
    doc = renamed["documents"].loc[renamed["documents"]["source_file"] == "renamed.txt", "doc_id"]
    result = publish(renamed, tmp_path)
    assert result.diff.tables["documents"].changed == list(doc)
    assert result.diff.plans_changed == list(doc) and not result.diff.plans_added
    assert result.version == "1.0.1"
