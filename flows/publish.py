"""Write a versioned, immutable release: Parquet + CSV, datapackage.json, docs, checksums, zip.

A release is written to a hidden temporary folder and renamed into place only when complete
and valid, then ``LATEST`` is replaced atomically; a crash at any point leaves the previous
release and ``LATEST`` as they were. Tables are written in chunks (one batch at a time) with
fixed-size Parquet row groups, and files carry no timestamps, so the same rows give the same
bytes whatever the batching or the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flows.cache import code_version
from flows.checks import CheckResult
from flows.docs import data_dictionary
from flows.ingest import hash_file
from flows.release import ReleaseDiff, diff_releases, next_version, render_changelog
from flows.schema import arrow_schema, columns, conform, table_schema
from flows.staging import InMemoryTables, Tables, rechunk
from flows.validate import validate_package, write_report

DATASET_NAME = "rule-of-law-plans"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM: opens correctly in Excel on Chinese Windows
ROW_GROUP = 50_000  # rows per Parquet row group, fixed so bytes do not depend on batching
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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

    def count(self, table: str) -> int:
        return len(self.read(table, cols=[table_schema(table)["primaryKey"][0]]))


def _resource(table: str, csv_path: str, parquet_path: str | None) -> dict:
    schema = table_schema(table)
    resource = {
        "name": table,
        "title": schema.get("title", table),
        "description": schema.get("description", ""),
        "path": csv_path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": CSV_ENCODING,
        "schema": {k: v for k, v in schema.items() if k not in ("name", "title", "description")},
    }
    if parquet_path:
        resource["parquet_path"] = parquet_path
    return resource


def write_table_files(table: str, tables: Tables, csv_path: Path, parquet_path: Path | None) -> int:
    """Stream one table into its CSV (and Parquet) file; returns the number of rows.

    The Parquet schema carries pandas metadata, so pandas reads nullable integers back as
    Int64 rather than float; other readers (DuckDB, R arrow) see the Arrow types.
    """
    writer = None
    rows = 0
    empty = conform(table, pd.DataFrame(columns=columns(table)))
    try:
        with csv_path.open("w", encoding=CSV_ENCODING, newline="") as fh:
            empty.to_csv(fh, index=False, lineterminator="\n")
            for chunk in rechunk(tables.chunks(table), ROW_GROUP):
                chunk = conform(table, chunk)
                chunk.to_csv(fh, index=False, header=False, lineterminator="\n")
                if parquet_path:
                    arrow = _arrow(table, chunk)
                    writer = writer or pq.ParquetWriter(
                        parquet_path, arrow.schema, compression="zstd"
                    )
                    writer.write_table(arrow, row_group_size=ROW_GROUP)
                rows += len(chunk)
    finally:
        if writer:
            writer.close()
    if parquet_path and writer is None:  # no rows: an empty file with the schema
        pq.write_table(_arrow(table, empty), parquet_path, compression="zstd")
    return rows


def _arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)


def _write_zip(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p != archive):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # fast deflate: Parquet is already compressed and CSV shrinks well at level 1
            # (ZipInfo has no public compress level in Python 3.11)
            info._compresslevel = 1
            info.external_attr = 0o644 << 16
            with zf.open(info, "w") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)


def write_release_folder(folder: Path, version: str, tables: Tables, changelog: str) -> None:
    """Write every file of a release into ``folder`` (which must not exist yet)."""
    (folder / "data").mkdir(parents=True)
    resources, counts = [], {}
    for table in tables.names():
        if table == "rejected":
            counts[table] = write_table_files(table, tables, folder / "rejected.csv", None)
            resources.append(_resource(table, "rejected.csv", None))
            continue
        counts[table] = write_table_files(
            table, tables, folder / "data" / f"{table}.csv", folder / "data" / f"{table}.parquet"
        )
        resources.append(_resource(table, f"data/{table}.csv", f"data/{table}.parquet"))
    package = {
        "name": DATASET_NAME,
        "title": "Chinese local rule-of-law plans (法治社会/法治政府建设实施方案), 2021–2025",
        "version": version,
        "extraction_version": code_version(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "README.md").write_text(data_dictionary(version, counts), encoding="utf-8")
    (folder / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    _write_zip(folder, folder / f"{DATASET_NAME}-{version}.zip")
    sums = [
        f"{hash_file(p).sha256}  {p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def _changed_plans_only(
    old: PublishedTables | None, tables: Tables, diff: ReleaseDiff
) -> set[str] | None:
    """Plans whose rows Frictionless must validate: only new and changed ones when the
    previous release was made by the same extraction code with the same schemas (its other
    rows are carried over unchanged and were validated then); None means every row."""
    if old is None or old.package.get("extraction_version") != code_version():
        return None
    current = {t: _resource(t, "", None)["schema"] for t in tables.names()}
    if current != old.schemas:
        return None
    return set(diff.plans_added) | set(diff.plans_changed)


def publish(
    tables: Tables | dict[str, pd.DataFrame],
    output: Path,
    dry_run: bool = False,
    table_checks: list[CheckResult] | None = None,
) -> PublishResult:
    """Publish ``tables`` as the next version under ``output/releases`` if anything changed.

    ``table_checks`` are the results of validating the tables; they go into the validation
    report with the Frictionless validation of the written package, which must pass before
    the package is renamed into place.
    """
    if isinstance(tables, dict):
        tables = InMemoryTables(tables)
    checks = list(table_checks or [])
    releases = output / "releases"
    previous = latest_version(output)
    old = PublishedTables(release_path(output, previous)) if previous else None
    diff = diff_releases(old, old.schemas if old else {}, tables)
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
    write_release_folder(incoming, version, tables, changelog)
    only = _changed_plans_only(old, tables, diff)
    package_checks = validate_package(incoming, only)
    for check in package_checks if only is not None else []:
        check.check += f" (rows of the {len(only)} new or changed plans)"
    checks += package_checks
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
