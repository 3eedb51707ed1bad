"""Write a versioned, immutable release: Parquet + CSV, datapackage.json, docs, checksums, zip.

A release is written to a hidden temporary folder and renamed into place only when complete,
then ``LATEST`` is replaced atomically; a crash at any point leaves the previous release and
``LATEST`` as they were. Files carry no timestamps, so the same tables give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flows.checks import CheckResult
from flows.docs import data_dictionary
from flows.release import ReleaseDiff, diff_releases, next_version, render_changelog
from flows.schema import arrow_schema, conform, table_schema
from flows.validate import validate_package, write_report

DATASET_NAME = "rule-of-law-plans"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM: opens correctly in Excel on Chinese Windows
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


def release_path(output: Path, version: str) -> Path:
    return output / "releases" / version


def latest_version(output: Path) -> str | None:
    latest = output / "releases" / "LATEST"
    return latest.read_text(encoding="utf-8").strip() if latest.exists() else None


def read_release(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """Tables and their schemas as published in an earlier release."""
    package = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    tables, schemas = {}, {}
    for resource in package["resources"]:
        parquet = resource.get("parquet_path")
        frame_path = path / (parquet or resource["path"])
        if parquet:
            tables[resource["name"]] = pd.read_parquet(frame_path)
        else:
            tables[resource["name"]] = pd.read_csv(frame_path, encoding=CSV_ENCODING, dtype=str)
        schemas[resource["name"]] = resource["schema"]
    return tables, schemas


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


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding=CSV_ENCODING, lineterminator="\n")


def _write_parquet(table: str, frame: pd.DataFrame, path: Path) -> None:
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    pq.write_table(arrow, path, compression="zstd")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_zip(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p != archive):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def write_release_folder(
    folder: Path,
    version: str,
    tables: dict[str, pd.DataFrame],
    changelog: str,
) -> None:
    """Write every file of a release into ``folder`` (which must not exist yet)."""
    (folder / "data").mkdir(parents=True)
    resources = []
    for table, frame in tables.items():
        frame = conform(table, frame)
        if table == "rejected":
            _write_csv(frame, folder / "rejected.csv")
            resources.append(_resource(table, "rejected.csv", None))
            continue
        _write_parquet(table, frame, folder / "data" / f"{table}.parquet")
        _write_csv(frame, folder / "data" / f"{table}.csv")
        resources.append(_resource(table, f"data/{table}.csv", f"data/{table}.parquet"))
    package = {
        "name": DATASET_NAME,
        "title": "Chinese local rule-of-law plans (法治社会/法治政府建设实施方案), 2021–2025",
        "version": version,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "README.md").write_text(data_dictionary(version, tables), encoding="utf-8")
    (folder / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    _write_zip(folder, folder / f"{DATASET_NAME}-{version}.zip")
    sums = [
        f"{_sha256(p)}  {p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def publish(
    tables: dict[str, pd.DataFrame],
    output: Path,
    dry_run: bool = False,
    table_checks: list[CheckResult] | None = None,
) -> PublishResult:
    """Publish ``tables`` as the next version under ``output/releases`` if anything changed.

    ``table_checks`` are the results of validating the tables; they go into the validation
    report with the Frictionless validation of the written package, which must pass before
    the package is renamed into place.
    """
    checks = list(table_checks or [])
    releases = output / "releases"
    previous = latest_version(output)
    if previous:
        old_tables, old_schemas = read_release(release_path(output, previous))
    else:
        old_tables, old_schemas = {}, {}
    conformed = {t: conform(t, f) for t, f in tables.items()}
    diff = diff_releases(old_tables, old_schemas, conformed)
    version = next_version(previous, diff.bump if previous else "major")
    if version is None:
        write_report(checks, output / "reports")
        return PublishResult("up to date", previous, previous, release_path(output, previous), diff)
    titles = dict(
        zip(
            conformed["documents"]["doc_id"],
            conformed["documents"]["title"].fillna(""),
            strict=True,
        )
    )
    titles.update({d: "" for d in diff.plans_removed})
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
    write_release_folder(incoming, version, conformed, changelog)
    checks += validate_package(incoming)
    report = write_report(checks, output / "reports")
    failures = [c for c in checks if not c.passed]
    if failures:  # the package on disk does not validate: it never becomes a release
        shutil.rmtree(incoming)
        return PublishResult("invalid", version, previous, None, diff, failures, report)
    os.rename(incoming, final)
    latest_tmp = releases / ".LATEST.tmp"
    latest_tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(latest_tmp, releases / "LATEST")
    return PublishResult("published", version, previous, final, diff, [], report)
