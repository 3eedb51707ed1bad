"""Write a versioned, immutable release: Parquet + CSV, datapackage.json, docs, checksums, zip.

A release is written to a hidden temporary folder and renamed into place only when complete
and valid, then ``LATEST`` is replaced atomically; a crash at any point leaves the previous
release and ``LATEST`` as they were. Each CSV file is its batches' staged CSV parts
concatenated byte for byte (the rows Frictionless validated in each batch), and each
Parquet file its batches' staged parts, one row group each, copied without re-encoding
(pipeline.release.parquet_concat). Files carry no timestamps, so the same inputs and
options (the batching depends on file names and ``--batch-size``) give the same bytes on
any machine.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.extract.version import code_version
from pipeline.parse.divisions import table_sources
from pipeline.read.ingest import hash_file
from pipeline.release.archive import write_release_zip
from pipeline.release.checks import CheckResult
from pipeline.release.csvpieces import write_csv
from pipeline.release.diff import ReleaseDiff, diff_releases, next_version, render_changelog
from pipeline.release.docs import data_dictionary
from pipeline.release.parquet_concat import COMPRESSION, release_schema, write_from_parts
from pipeline.release.pieces import Piece
from pipeline.release.schema import (
    CSV_ENCODING,
    arrow_schema,
    conform,
    resource_descriptor,
    table_schema,
)
from pipeline.release.sqlite import DATABASE, database_checks
from pipeline.release.sqlite_build import build_database
from pipeline.release.staging import (
    InMemoryTables,
    StagedTables,
    Tables,
    rows_of,
)
from pipeline.release.validate import frictionless_checks, validate_release_files, write_report

DATASET_NAME = "rule-of-law-plans"
ROW_GROUP = 50_000  # rows per Parquet row group of tables held in memory, and per read batch


@dataclass(frozen=True)
class PublishResult:
    """What publishing did: published a version, found nothing new, or (dry run) would do."""

    status: str  # "published" | "up to date" | "dry run" | "invalid"
    version: str | None
    previous: str | None
    path: Path | None
    diff: ReleaseDiff
    failures: list[CheckResult] = field(default_factory=list)
    report: Path | None = None
    changelog_entry: str = ""  # this version's changelog entry (for --dry-run)
    report_checks: list[CheckResult] = field(default_factory=list)  # all checks reported


def release_path(output: Path, version: str) -> Path:
    return output / "releases" / version


def latest_version(output: Path) -> str | None:
    latest = output / "releases" / "LATEST"
    return latest.read_text(encoding="utf-8").strip() if latest.exists() else None


class PublishedTables:
    """The tables of an earlier release, read back from its files (its own schemas)."""

    def __init__(self, folder: Path) -> None:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        self.folder = folder
        self.package = package
        self.resources = {r["name"]: r for r in package["resources"]}
        self.schemas = {name: r["schema"] for name, r in self.resources.items()}

    def names(self) -> list[str]:
        return list(self.resources)

    def read(self, table: str, cols: list[str] | None = None) -> pd.DataFrame:
        resource = self.resources[table]
        if "parquet_path" in resource:
            return pd.read_parquet(self.folder / resource["parquet_path"], columns=cols)
        frame = pd.read_csv(
            self.folder / resource["path"],
            encoding=CSV_ENCODING,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
        return frame[cols] if cols else frame

    def chunks(self, table: str, cols: list[str] | None = None) -> Iterator[pd.DataFrame]:
        resource = self.resources[table]
        if "parquet_path" not in resource:
            yield self.read(table, cols)
            return
        parquet = pq.ParquetFile(self.folder / resource["parquet_path"])
        for batch in parquet.iter_batches(batch_size=ROW_GROUP, columns=cols):
            yield batch.to_pandas()

    def chunks_of(self, table: str, cols: list[str], docs: set[str]) -> Iterator[pd.DataFrame]:
        resource = self.resources[table]
        read = list(dict.fromkeys([*cols, "doc_id"]))
        if "parquet_path" not in resource:
            yield from rows_of(self.chunks(table, read), cols, docs)
            return
        path = self.folder / resource["parquet_path"]
        found = pq.read_table(path, columns=read, filters=[("doc_id", "in", sorted(docs))])
        if found.num_rows:
            yield found.to_pandas()[cols]

    def count(self, table: str) -> int:
        return len(self.read(table, cols=[table_schema(table)["primaryKey"][0]]))


def write_table_files(
    table: str, tables: Tables, csv_path: Path, parquet_path: Path | None
) -> tuple[int, list[Piece]]:
    """Stream one table into its CSV (and Parquet) file; returns the number of CSV rows and
    the deflate pieces of the CSV file (its zip entry, see ``csvpieces``).

    The Parquet schema carries pandas metadata, so pandas reads nullable integers back as
    Int64 rather than float; other readers (DuckDB, R arrow) see the Arrow types.
    """
    rows, pieces = write_csv(table, tables, csv_path)
    if parquet_path:
        _write_parquet(table, tables, parquet_path)
    return rows, pieces


def _write_parquet(table: str, tables: Tables, path: Path) -> None:
    """A staged table: its batches' Parquet parts, one row group each, copied into one file
    (pipeline.release.parquet_concat; a part that lost excluded plans' rows is re-encoded
    as a new row group), so row groups follow the batches and the bytes depend on the
    batching (file names and ``--batch-size``). A table held in memory: row groups of a
    fixed number of rows (``ROW_GROUP``; the last one shorter), from contiguous arrays."""
    schema = release_schema(table)
    if isinstance(tables, StagedTables) and table not in tables.extra:
        write_from_parts(path, tables.parquet_parts(table), schema)
        return
    chunks = (_arrow(table, conform(table, chunk)) for chunk in tables.chunks(table))
    with pq.ParquetWriter(path, schema, compression=COMPRESSION) as writer:
        for group in _arrow_row_groups(chunks, ROW_GROUP):
            group = group.combine_chunks().replace_schema_metadata(schema.metadata)
            writer.write_table(group, row_group_size=ROW_GROUP)


def _arrow_row_groups(chunks: Iterator[pa.Table], size: int) -> Iterator[pa.Table]:
    """The rows of ``chunks`` regrouped into tables of exactly ``size`` rows (the last one
    may be shorter)."""
    held: list[pa.Table] = []
    count = 0
    for chunk in chunks:
        held.append(chunk)
        count += chunk.num_rows
        while count >= size:
            rows = pa.concat_tables(held)
            yield rows.slice(0, size)
            held, count = [rows.slice(size)], rows.num_rows - size
    if count:
        yield pa.concat_tables(held)


def _arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)


def write_release_folder(
    folder: Path,
    version: str,
    tables: Tables,
    changelog: str,
    previous_db: Path | None = None,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> dict[str, int]:
    """Write every file of a release into ``folder`` (which must not exist yet); returns
    the rows written per table.

    The release's zip archive is composed last from the written files (``archive``: CSV
    entries from their deflate pieces, compressed files stored, the database left out),
    its entries in the order the files were written, under ``rule-of-law-plans-<version>/``,
    the archive's own name: ``folder`` is a hidden staging folder until the release is
    complete. ``previous_db``: the previous release's database, to update in place (same
    extraction code and schemas). ``on_stage`` hears what it is writing, as it starts it
    (a release of 10,000 plans takes a minute or more)."""
    (folder / "data").mkdir(parents=True)
    root = f"{DATASET_NAME}-{version}"
    resources, counts = [], {}
    zipped: list[Path] = []
    pieces: dict[Path, list[Piece]] = {}
    on_stage(f"writing release {version}: CSV and Parquet files")
    for table in tables.names():
        if table == "rejected":
            csv_path = folder / "rejected.csv"
            counts[table], pieces[csv_path] = write_table_files(table, tables, csv_path, None)
            resources.append(resource_descriptor(table, "rejected.csv"))
            zipped.append(csv_path)
            continue
        csv_path, parquet_path = (folder / "data" / f"{table}{s}" for s in (".csv", ".parquet"))
        counts[table], pieces[csv_path] = write_table_files(table, tables, csv_path, parquet_path)
        resources.append(resource_descriptor(table, f"data/{table}.csv", f"data/{table}.parquet"))
        zipped += [csv_path, parquet_path]
    package = {
        "name": DATASET_NAME,
        "title": "Chinese local rule-of-law plans (法治社会/法治政府建设实施方案), 2021–2025",
        "version": version,
        "extraction_version": code_version(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": table_sources(),
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    # the workbook in a second thread while the database is built: both spend most of
    # their time in C (SQLite, Arrow, zlib) without the GIL. Imported here: a run that
    # publishes nothing never loads xlsxwriter
    from pipeline.release.workbook import staged_sheets, write_workbook

    on_stage(f"writing release {version}: SQLite database and workbook")
    with ThreadPoolExecutor(max_workers=1) as side:
        workbook = side.submit(write_workbook, folder, package, sheets=staged_sheets(tables))
        build_database(folder, package, tables, previous_db)
        zipped.append(workbook.result())
    (folder / "README.md").write_text(data_dictionary(version, counts), encoding="utf-8")
    (folder / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    zipped += [folder / "datapackage.json", folder / "README.md", folder / "CHANGELOG.md"]
    on_stage(f"writing release {version}: zip archive")
    write_release_zip(folder / f"{root}.zip", root, folder, zipped, pieces)
    on_stage(f"writing release {version}: SHA256SUMS")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    # one thread per core: hashlib releases the GIL, and a release of 10,000 plans is ~6 GB
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as hashers:
        digests = list(hashers.map(lambda p: hash_file(p).sha256, files))
    sums = [f"{d}  {p.relative_to(folder).as_posix()}" for d, p in zip(digests, files, strict=True)]
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return counts


def publish(
    tables: Tables | dict[str, pd.DataFrame],
    output: Path,
    dry_run: bool = False,
    table_checks: list[CheckResult] | None = None,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> PublishResult:
    """Publish ``tables`` as the next version under ``output/releases`` if anything changed.

    ``table_checks`` are the results of validating the tables; they go into the validation
    report with the checks of the written package (Frictionless on its descriptor, headers
    and row counts; on every row too when the tables were not staged, and so not validated
    batch by batch), which must pass before the package is renamed into place. ``on_stage``
    hears each stage as it starts (comparing, writing, checking).
    """
    if isinstance(tables, dict):
        tables = InMemoryTables(tables)
    checks = list(table_checks or [])
    releases = output / "releases"
    previous = latest_version(output)
    old = PublishedTables(release_path(output, previous)) if previous else None
    same_extraction = old is not None and (
        old.package.get("extraction_version") == code_version()
        and old.schemas == {t: resource_descriptor(t, "")["schema"] for t in tables.names()}
    )
    on_stage(f"comparing the tables with release {previous}" if previous else "reading the tables")
    diff = diff_releases(old, old.schemas if old else {}, tables, same_extraction)
    version = next_version(previous, diff.bump if previous else "major")
    if version is None:
        write_report(checks, output / "reports")
        return PublishResult("up to date", previous, previous, release_path(output, previous), diff)
    docs = tables.read("documents", ["doc_id", "title"])
    titles = dict(zip(docs["doc_id"], docs["title"].fillna(""), strict=True))
    if dry_run:
        write_report(checks, output / "reports")
        entry = render_changelog(version, previous, diff, titles, "")
        return PublishResult("dry run", version, previous, None, diff, changelog_entry=entry)
    final = release_path(output, version)
    if final.exists():
        raise FileExistsError(
            f"release {version} already exists at {final}; releases are immutable"
        )
    older = ""
    if previous:
        older = (release_path(output, previous) / "CHANGELOG.md").read_text(encoding="utf-8")
    changelog = render_changelog(version, previous, diff, titles, older)
    releases.mkdir(parents=True, exist_ok=True)
    incoming = releases / f".incoming-{version}"
    if incoming.exists():
        shutil.rmtree(incoming)  # left by a crashed run; never visible as a release
    previous_db = release_path(output, previous) / "data" / DATABASE if same_extraction else None
    counts = write_release_folder(incoming, version, tables, changelog, previous_db, on_stage)
    on_stage(f"checking release {version}'s files")
    checks += validate_release_files(incoming, counts) + database_checks(incoming, counts)
    if not isinstance(tables, StagedTables):
        checks += frictionless_checks(incoming / "datapackage.json")
    report = write_report(checks, output / "reports")
    failures = [c for c in checks if not c.passed]
    if failures:  # the package on disk does not validate: it never becomes a release
        shutil.rmtree(incoming)
        return PublishResult(
            "invalid", version, previous, None, diff, failures, report, report_checks=checks
        )
    os.rename(incoming, final)
    latest_tmp = releases / ".LATEST.tmp"
    latest_tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(latest_tmp, releases / "LATEST")
    return PublishResult(
        "published", version, previous, final, diff, [], report, report_checks=checks
    )
