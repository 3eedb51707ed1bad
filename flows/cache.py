"""Per-plan extraction cache: a rerun re-extracts only plans whose bytes or code changed.

A plan's rows depend only on its bytes and on the extraction code and vocabularies, so the
cache key is the sha256 of the input plus ``code_version()``, a hash of every module and
vocabulary file that extraction reads (and of the libraries whose output it uses). Changing
any of them changes the version and so invalidates every entry; entries of other versions
are pruned. Results are persisted under ``output/cache/extract/<version>/``.
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

from flows.ingest import Rejection
from flows.plan import PlanRows

FLOWS_DIR = Path(__file__).resolve().parent
VOCAB_DIR = FLOWS_DIR.parent / "vocab"
# Modules whose code decides a plan's rows (publishing and validation do not).
EXTRACTION_MODULES = (
    "ingest.py",
    "normalize.py",
    "headings.py",
    "structure.py",
    "metadata.py",
    "plan.py",
    "extract.py",
    "measures.py",
    "targets.py",
    "numerals.py",
    "agencies.py",
    "instruments.py",
    "vocab.py",
)
LIBRARIES = ("cn2an",)


@functools.cache
def code_version() -> str:
    """Hash of the extraction code, vocabularies and the libraries it relies on."""
    digest = hashlib.sha256()
    files = [FLOWS_DIR / m for m in EXTRACTION_MODULES] + sorted(VOCAB_DIR.iterdir())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in LIBRARIES:
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

    def prune(self) -> None:
        """Remove entries of other code versions (they can never be hit again)."""
        if self.root.is_dir():
            for other in self.root.iterdir():
                if other.is_dir() and other.name != self.version:
                    shutil.rmtree(other, ignore_errors=True)


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
