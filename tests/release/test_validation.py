"""Blocking validation: a corrupted row stops the run, nothing is published, the report
names the row; and the generated expectations follow the schemas."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import flows.main as main_module
from pipeline.release.staging import write_part
from pipeline.release.validate import expectations_for, validate_tables
from tests.helpers import SEEDS
from tests.release.test_publish import build_tables


@pytest.fixture(scope="module")
def seed_tables() -> dict[str, pd.DataFrame]:
    return build_tables(SEEDS)


def test_expectations_are_generated_from_schema_constraints():
    names = {
        (type(e).__name__.lower(), getattr(e, "column", None)) for e in expectations_for("targets")
    }
    assert ("expectcolumnvaluestobeinset", "kind") in names
    assert ("expectcolumnvaluestobeunique", "target_id") in names
    assert ("expectcolumnvaluestobebetween", "deadline_year") in names
    assert ("expectcolumnvaluestonotbenull", "text") in names


def test_clean_tables_pass_every_check(seed_tables):
    results = validate_tables(seed_tables)
    assert results and all(r.passed for r in results), [r for r in results if not r.passed]
    assert {r.source for r in results} == {"great_expectations", "cross-table"}


def test_each_kind_of_corruption_is_caught_with_its_row(seed_tables):
    tables = {t: f.copy() for t, f in seed_tables.items()}
    targets = tables["targets"]
    bad_pct = targets.index[targets["unit"] == "%"][0]
    targets.loc[bad_pct, "value"] = 120.0
    targets.loc[targets.index[1], "kind"] = "wish"
    sections = tables["sections"]
    sections.loc[sections.index[5], "char_end"] = sections.loc[sections.index[5], "char_end"] + 3
    measures = tables["measures"]
    measures.loc[measures.index[0], "section_id"] = "nowhere"
    failures = {(r.table, r.check): r for r in validate_tables(tables) if not r.passed}
    pct = failures[("targets", "percentages at most 100")]
    assert pct.failed_rows == [targets.loc[bad_pct, "target_id"]]
    enum = failures[("targets", "expect_column_values_to_be_in_set on kind")]
    assert enum.failed_rows == [targets.loc[targets.index[1], "target_id"]]
    assert enum.samples == ["wish"]
    quote = failures[("sections", "text[char_start:char_end] equals text")]
    assert quote.failed_rows == [sections.loc[sections.index[5], "section_id"]]
    fk = failures[("measures", "foreign key section_id -> sections.section_id")]
    assert fk.failed_rows == [measures.loc[measures.index[0], "measure_id"]]


def test_corrupted_row_in_a_real_run_publishes_nothing_and_report_names_it(tmp_path, monkeypatch):
    corrupted = {}
    real_run_batch = main_module.run_batch

    def run_batch_and_corrupt(number, items, staging, cache):
        result = real_run_batch(number, items, staging, cache)
        part = staging / "targets" / f"part-{number:06d}.parquet"
        targets = pd.read_parquet(part)
        targets.loc[3, "deadline_year"] = 2099  # a corrupted row, after extraction
        corrupted["id"] = targets.loc[3, "target_id"]
        write_part(staging, number, "targets", targets)
        return result

    monkeypatch.setattr(main_module, "run_batch", run_batch_and_corrupt)
    state = main_module.rule_of_law_release(
        seeds=str(SEEDS), output=str(tmp_path), use_cache=False, return_state=True
    )
    assert state.is_failed()
    assert "validation failed, nothing published" in state.message
    assert not (tmp_path / "releases").exists()
    report = (tmp_path / "reports" / "validation.md").read_text(encoding="utf-8")
    assert "## FAILED: targets" in report
    assert corrupted["id"] in report and "2099" in report


def test_global_key_checks_see_across_batches(tmp_path):
    from pipeline.read.ingest import find_inputs
    from pipeline.release.checks import global_key_checks
    from pipeline.release.schema import plan_tables
    from pipeline.release.staging import StagedTables, read_key_hashes
    from pipeline.runtime.assemble import combine_batches, staged_tables
    from pipeline.runtime.batch import outline_frame, run_batch

    items, _ = find_inputs(SEEDS)
    clean = [
        run_batch(0, items[:3], tmp_path / "a", None),
        run_batch(1, items[3:], tmp_path / "a", None),
    ]
    results = global_key_checks(staged_tables(tmp_path / "a", combine_batches(clean, [])))
    assert results and all(r.passed for r in results)
    # the same plan staged by two batches: each batch is fine on its own, the release is not
    twice = [
        run_batch(0, items[:3], tmp_path / "b", None),
        run_batch(1, items[2:], tmp_path / "b", None),
    ]
    assert all(b.checks and all(c.passed for c in b.checks) for b in twice)
    outlines = {"outline_sections": outline_frame()}  # what measures and themes point to
    staged = StagedTables(tmp_path / "b", list(plan_tables()), extra=outlines)
    failed = {(r.table, r.check): r for r in global_key_checks(staged) if not r.passed}
    doc = failed[("documents", "primary key unique")]
    assert doc.n_failed == 2 and doc.failed_rows[0].startswith("d")
    assert ("measures", "primary key unique") in failed
    # the key hashes each batch saved give the same verdicts without reading the rows
    saved = read_key_hashes(tmp_path / "b")
    assert len(saved) == 2
    from_saved = {(r.table, r.check): r for r in global_key_checks(staged, saved) if not r.passed}
    assert from_saved.keys() == failed.keys()
    assert from_saved[("documents", "primary key unique")].failed_rows == doc.failed_rows
    sections = pd.read_parquet(tmp_path / "a" / "sections" / "part-000001.parquet")
    write_part(tmp_path / "a", 1, "sections", sections.iloc[5:])  # lose some parents
    staged = staged_tables(tmp_path / "a", combine_batches(clean, []))
    failed = {(r.table, r.check): r for r in global_key_checks(staged) if not r.passed}
    fk = failed[("measures", "foreign key section_id -> sections.section_id")]
    assert set(fk.samples) <= set(sections["section_id"].iloc[:5])


def test_frictionless_validates_each_batch_csv_part_as_it_will_be_published(tmp_path):
    from pipeline.read.ingest import find_inputs
    from pipeline.release.schema import plan_tables
    from pipeline.release.validate import validate_batch_rows
    from pipeline.runtime.batch import run_batch

    items, _ = find_inputs(SEEDS)
    batch = run_batch(0, items[:2], tmp_path, None)
    frictionless = [c for c in batch.checks if c.source == "frictionless"]
    assert {c.table for c in frictionless} >= {"measures", "targets", "normalization_edits"}
    assert all(c.passed for c in frictionless)
    part = tmp_path / "targets" / "part-000000.csv"
    with part.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("deadline_year")] = "soon"  # not an integer
    with part.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    tables = list(plan_tables())
    failed = [c for c in validate_batch_rows(tmp_path, 0, tables) if not c.passed]
    assert [c.table for c in failed] == ["targets"]
    assert any(s.startswith("row 2:") and "soon" in s for s in failed[0].samples)
    assert not list(tmp_path.glob("package-*.json"))  # its descriptor is cleaned up
    # keys are left to pipeline.release.checks in a batch, but the published schemas keep them
    from pipeline.release.schema import resource_descriptor

    published = resource_descriptor("measures", "data/measures.csv")["schema"]
    assert published["primaryKey"] == ["measure_id"] and published["foreignKeys"]
    assert published["fields"][0]["constraints"]["unique"] is True
