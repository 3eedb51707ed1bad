"""Extraction cache: a rerun re-extracts only plans whose bytes or code changed.

A plan's rows depend only on its bytes and on the extraction code and vocabularies, so the
cache key is the sha256 of the input plus ``code_version()``, a hash of every module and
vocabulary file that extraction reads (and of the libraries whose output it uses). Changing
any of them changes the version and so invalidates every entry; entries of other versions
are pruned. Results are persisted under ``output/cache/extract/<version>/``.

A whole batch is cached too (its staged Parquet and CSV parts, its check results including
Frictionless, and whether its rows passed Great Expectations; keyed by its files' names and
hashes): a rerun after adding one plan then redoes one batch, not every batch's staging and
validation. Its version also covers the code that stages and validates a batch.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import shutil
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.extract.version import code_version
from pipeline.read.ingest import Rejection

if TYPE_CHECKING:  # the extraction stages load only when a plan is extracted
    from pipeline.extract.plan import PlanRows

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # pipeline/
# Code and schemas that shape a batch's staged parts and check results.
BATCH_FILES = (
    "runtime/batch.py",
    "release/checks.py",
    "release/staging.py",
    "release/parquet_concat.py",
    "release/schema.py",
    "release/validate.py",
    "release/pieces.py",
    "release/csvrows.py",
    "release/sheetpiece.py",
    "release/sqlite_piece.py",  # and what a database piece is made with:
    "release/sqlite.py",
    "release/search.py",
    "../explore/views.yaml",
)
LIBRARIES_OF_BATCHES = ("frictionless", "great-expectations", "pandas", "pyarrow")
EXPECTATIONS_PASSED = "expectations-passed"  # marker file in a cached batch's folder
# a batch's staged files (rows, key hashes, deflated CSV rows, workbook sheet rows, database)
PART_SUFFIXES = (".parquet", ".csv", ".keys", ".csvz", ".sheetz", ".sqlite")


@functools.cache
def batch_version() -> str:
    """code_version() plus the batch staging and checking code and the table schemas."""
    digest = hashlib.sha256(code_version().encode())
    schemas = PACKAGE_DIR.parent / "schemas"
    for path in [PACKAGE_DIR / f for f in BATCH_FILES] + sorted(schemas.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in LIBRARIES_OF_BATCHES:
        digest.update(f"{lib}=={package_version(lib)}".encode())
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Pickled ``process_plan`` results, one file per input sha256."""

    def __init__(self, root: Path, version: str | None = None) -> None:
        self.root = root
        self.version = version or code_version()
        self.folder = root / self.version

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.pkl"

    def get(self, sha256: str, source_file: str) -> PlanRows | Rejection | None:
        """The cached result for these bytes, renamed to ``source_file``; None on a miss."""
        path = self._path(sha256)
        try:
            with path.open("rb") as fh:
                result = pickle.load(fh)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return None
        return _renamed(result, source_file)

    def put(self, sha256: str, result: PlanRows | Rejection) -> None:
        path = self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a crash never leaves a half-written entry

    def _batch_folder(self, key: str) -> Path:
        return self.root / "batches" / batch_version() / key

    def get_batch(self, key: str, number: int, staging: Path) -> Any | None:
        """A cached batch result, its parts copied into ``staging`` as batch ``number``."""
        folder = self._batch_folder(key)
        try:
            with (folder / "result.pkl").open("rb") as fh:
                result = pickle.load(fh)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return None
        for part in sorted(p for p in folder.iterdir() if p.suffix in PART_SUFFIXES):
            target = staging / part.stem / f"part-{number:06d}{part.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(part, target)
        result.batch = number
        result.cache_hits = len(result.plans)
        result.expectations_passed = (folder / EXPECTATIONS_PASSED).exists()
        return result

    def mark_expectations_passed(self, key: str) -> None:
        """Record that the rows of the cached batch ``key`` passed Great Expectations."""
        folder = self._batch_folder(key)
        if folder.is_dir():
            (folder / EXPECTATIONS_PASSED).touch()

    def put_batch(self, key: str, result: Any, staging: Path) -> None:
        """Keep a batch's parts and result (written to a temporary folder, then renamed)."""
        folder = self._batch_folder(key)
        if folder.exists():
            return
        tmp = folder.with_name(f".{folder.name}.tmp{os.getpid()}")
        tmp.mkdir(parents=True, exist_ok=True)
        for table_dir in sorted(p for p in staging.iterdir() if p.is_dir()):
            for suffix in PART_SUFFIXES:
                part = table_dir / f"part-{result.batch:06d}{suffix}"
                if part.exists():
                    _link_or_copy(part, tmp / f"{table_dir.name}{suffix}")
        with (tmp / "result.pkl").open("wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            os.rename(tmp, folder)
        except OSError:  # another worker cached the same batch first
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self) -> None:
        """Remove entries of other code versions (they can never be hit again)."""
        for root, keep in (
            (self.root, {self.version, "batches"}),
            (self.root / "batches", {batch_version()}),
        ):
            if root.is_dir():
                for other in root.iterdir():
                    if other.is_dir() and other.name not in keep:
                        shutil.rmtree(other, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows it (staged and cached parts are never
    modified in place, only replaced or deleted), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _renamed(result: PlanRows | Rejection, source_file: str) -> PlanRows | Rejection:
    """The same bytes may arrive under another file name: rows keep the current name."""
    if result.source_file == source_file:
        return result
    if isinstance(result, Rejection):
        return dataclasses.replace(result, source_file=source_file)
    result.source_file = source_file
    for row in result.tables.get("documents", []):
        row["source_file"] = source_file
    return result
