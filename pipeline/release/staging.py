"""Where tables live between extraction and publishing: in memory, or staged per batch.

A corpus of thousands of plans does not fit in memory as one set of DataFrames, so each
extraction batch writes its rows to ``<staging>/<table>/part-<batch>.parquet`` (a piece of
the release's Parquet file, copied into it at publish) and as a CSV part (the exact bytes
the release's CSV is concatenated from, which the batch validates with Frictionless), and
later steps read one table (or one batch) at a time.
Small runs and tests can hand plain DataFrames to the same steps through ``InMemoryTables``.
Both expose the same interface.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.release.csvrows import write_csv_piece
from pipeline.release.parquet_concat import release_schema, write_piece
from pipeline.release.pieces import runs
from pipeline.release.schema import CSV_ENCODING, TABLES, arrow_schema, columns, conform
from pipeline.release.sheetpiece import write_sheet_piece


class Tables(Protocol):
    """Read access to the candidate release's tables."""

    def names(self) -> list[str]: ...

    def read(self, table: str, cols: list[str] | None = None) -> pd.DataFrame: ...

    def chunks(self, table: str, cols: list[str] | None = None) -> Iterator[pd.DataFrame]: ...

    def chunks_of(self, table: str, cols: list[str], docs: set[str]) -> Iterator[pd.DataFrame]:
        """``cols`` of the rows of ``table`` that belong to the plans ``docs``."""
        ...

    def count(self, table: str) -> int: ...


def rows_of(
    chunks: Iterable[pd.DataFrame], cols: list[str], docs: set[str]
) -> Iterator[pd.DataFrame]:
    """The rows of ``docs`` in ``chunks`` (which hold ``doc_id``), as ``cols``."""
    for chunk in chunks:
        keep = chunk["doc_id"].astype(object).isin(docs)
        if keep.any():
            yield chunk.loc[keep, cols].reset_index(drop=True)


class InMemoryTables:
    """Tables held as DataFrames (tests, small corpora)."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.frames = {t: conform(t, f) for t, f in frames.items()}

    def names(self) -> list[str]:
        return list(self.frames)

    def read(self, table: str, cols: list[str] | None = None) -> pd.DataFrame:
        frame = self.frames[table]
        return frame[cols] if cols else frame

    def chunks(self, table: str, cols: list[str] | None = None) -> Iterator[pd.DataFrame]:
        yield self.read(table, cols)

    def chunks_of(self, table: str, cols: list[str], docs: set[str]) -> Iterator[pd.DataFrame]:
        return rows_of(self.chunks(table), cols, docs)

    def count(self, table: str) -> int:
        return len(self.frames[table])


def batch_of(part: Path) -> int:
    """The batch number of a staged part (``part-000042.parquet`` -> 42)."""
    return int(part.name.split(".")[0].removeprefix("part-"))


def part_path(staging: Path, table: str, batch: int, suffix: str = ".parquet") -> Path:
    return staging / table / f"part-{batch:06d}{suffix}"


def write_csv_rows(table: str, frame: pd.DataFrame, fh: IO[str], header: bool) -> None:
    """The one CSV formatting of the release's rows (schema order and dtypes, ``\n`` ends)."""
    conform(table, frame).to_csv(fh, index=False, header=header, lineterminator="\n")


def write_part(staging: Path, batch: int, table: str, frame: pd.DataFrame) -> None:
    """Write one batch's rows of ``table`` as a Parquet part (one row group, written as the
    release's file is, so publishing copies it: pipeline.release.parquet_concat) and as a
    CSV part with its header, encoded as the release's CSV files are."""
    frame = conform(table, frame)
    path = part_path(staging, table, batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in (path, path.with_suffix(".csv")):  # never write through a cache's hard link
        old.unlink(missing_ok=True)
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    write_piece(arrow, path, release_schema(table))  # a piece of the release's file as it is
    with path.with_suffix(".csv").open("w", encoding=CSV_ENCODING, newline="") as fh:
        write_csv_rows(table, frame, fh, header=True)
    plans = runs(frame["doc_id"]) if "doc_id" in frame.columns else [len(frame)]
    write_csv_piece(path.with_suffix(".csv"), plans)  # rows deflated plan by plan, for the zip
    write_sheet_piece(path, table, arrow, plans)  # the same rows as workbook sheet XML


def release_memory() -> None:
    """Hand memory freed by a finished batch or chunk back to the operating system.

    Worker processes live for the whole run; without this, glibc and Arrow keep every page
    they ever used, and a 10,000-plan run's workers held gigabytes between tasks."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


KEYS = "_keys"  # staging folder of each batch's key hashes (pipeline.release.checks.key_hashes)
KEYS_SUFFIX = ".keys"


def write_key_hashes(staging: Path, batch: int, hashes: dict[str, np.ndarray]) -> None:
    """Keep a batch's key hashes (pickled: 226 batches' ``.npz`` archives took 1.2 s to
    read back, pickles 0.2 s; this is the run's own cache, never a published file)."""
    path = part_path(staging, KEYS, batch, KEYS_SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.write_bytes(pickle.dumps(hashes, protocol=pickle.HIGHEST_PROTOCOL))


def read_key_hashes(staging: Path, skip: Iterable[int] = ()) -> list[dict[str, np.ndarray]]:
    """Every staged batch's key hashes, in batch order, but those of the batches ``skip``."""
    left_out = set(skip)
    return [
        pickle.loads(path.read_bytes())
        for path in sorted((staging / KEYS).glob(f"part-*{KEYS_SUFFIX}"))
        if batch_of(path) not in left_out
    ]


class StagedTables:
    """Tables staged as per-batch Parquet parts, minus plans excluded after extraction."""

    def __init__(
        self,
        staging: Path,
        tables: Iterable[str],
        excluded_docs: Iterable[str] = (),
        extra: dict[str, pd.DataFrame] | None = None,
        batches: Iterable[int] | None = None,
        excluded_batches: Iterable[int] | None = None,
    ) -> None:
        """``excluded_batches``: the batches that staged the ``excluded_docs`` (when known,
        only their parts are read to take those plans out: at 10,000 plans, reading every
        part for one duplicate cost a minute)."""
        self.staging = staging
        self.tables = list(tables)
        self.excluded = set(excluded_docs)
        self.extra = {t: conform(t, f) for t, f in (extra or {}).items()}
        self.batches = None if batches is None else set(batches)
        self.excluded_batches = None if excluded_batches is None else set(excluded_batches)

    def only(self, batches: Iterable[int]) -> StagedTables:
        """The same tables restricted to the rows of ``batches`` (no extra tables)."""
        return StagedTables(
            self.staging,
            self.tables,
            self.excluded,
            batches=batches,
            excluded_batches=self.excluded_batches,
        )

    def may_hold_excluded(self, part: Path) -> bool:
        """Whether the staged ``part`` can hold rows of excluded plans."""
        if not self.excluded:
            return False
        return self.excluded_batches is None or batch_of(part) in self.excluded_batches

    def names(self) -> list[str]:
        """Staged and extra tables, in the release's order (parents before children)."""
        names = self.tables + [t for t in self.extra if t not in self.tables]
        return sorted(names, key=lambda t: TABLES.index(t) if t in TABLES else len(TABLES))

    def parts(self, table: str, suffix: str = ".parquet") -> list[Path]:
        """The staged parts of ``table`` (files ending in ``suffix``), in batch order."""
        parts = sorted((self.staging / table).glob(f"part-*{suffix}"))
        if self.batches is None:
            return parts
        return [p for p in parts if batch_of(p) in self.batches]

    def csv_parts(self, table: str) -> Iterator[tuple[Path, pd.DataFrame | None]]:
        """Each staged CSV part of ``table`` in batch order, with its rows re-read when some
        of them belong to excluded plans (None when the part can be used as it is)."""
        doc_col = "doc_id" in columns(table)
        for part in self.parts(table, ".csv"):
            frame = None
            if doc_col and self.may_hold_excluded(part):
                parquet = pq.read_table(part.with_suffix(".parquet")).to_pandas()
                if parquet["doc_id"].isin(self.excluded).any():
                    frame = parquet[~parquet["doc_id"].isin(self.excluded)]
            yield part, frame

    def chunks(self, table: str, cols: list[str] | None = None) -> Iterator[pd.DataFrame]:
        if table in self.extra:
            frame = self.extra[table]
            yield frame[cols] if cols else frame
            return
        read_cols = cols
        if cols and self.excluded and "doc_id" in columns(table) and "doc_id" not in cols:
            read_cols = [*cols, "doc_id"]
        for part in self.parts(table):
            frame = pq.read_table(part, columns=read_cols).to_pandas()
            if "doc_id" in frame.columns and self.may_hold_excluded(part):
                frame = frame[~frame["doc_id"].isin(self.excluded)]
            yield frame[cols or columns(table)].reset_index(drop=True)

    def staged_bytes(self, table: str) -> int:
        """Size of the staged CSV parts of ``table`` (a proxy for the work of validating it)."""
        return sum(p.stat().st_size for p in self.parts(table, ".csv"))

    def parquet_parts(self, table: str) -> Iterator[tuple[Path, pa.Table | None]]:
        """Each staged Parquet part of ``table`` in batch order, with its rows without
        excluded plans' when it held some (None when the part can be used as it is)."""
        excluded = pa.array(sorted(self.excluded), pa.string())
        for part in self.parts(table):
            rows = None
            if "doc_id" in columns(table) and self.may_hold_excluded(part):
                ids = pq.read_table(part, columns=["doc_id"])["doc_id"]
                if pc.any(pc.is_in(ids, value_set=excluded)).as_py():
                    rows = pq.read_table(part).filter(pc.invert(pc.is_in(ids, excluded)))
            yield part, rows

    def chunks_of(self, table: str, cols: list[str], docs: set[str]) -> Iterator[pd.DataFrame]:
        """Reads only the parts of batches that staged one of ``docs``."""
        batches = {n for n, staged in self._docs_by_batch().items() if staged & docs}
        read = list(dict.fromkeys([*cols, "doc_id"]))
        parts = self.only(batches) if self.batches is None else self.only(batches & self.batches)
        return rows_of(parts.chunks(table, read), cols, docs)

    def _docs_by_batch(self) -> dict[int, set[str]]:
        if not hasattr(self, "_doc_index"):
            self._doc_index = {
                batch_of(p): set(pq.read_table(p, columns=["doc_id"])["doc_id"].to_pylist())
                for p in self.parts("documents")
            }
        return self._doc_index

    def read(self, table: str, cols: list[str] | None = None) -> pd.DataFrame:
        parts = list(self.chunks(table, cols))
        if not parts:
            return conform(table, pd.DataFrame(columns=columns(table)))[cols or columns(table)]
        return pd.concat(parts, ignore_index=True)

    def count(self, table: str) -> int:
        if table in self.extra:
            return len(self.extra[table])
        doc_col = "doc_id" in columns(table)
        return sum(
            len(self.only([batch_of(p)]).read(table, ["doc_id"]))
            if doc_col and self.may_hold_excluded(p)
            else pq.ParquetFile(p).metadata.num_rows
            for p in self.parts(table)
        )
