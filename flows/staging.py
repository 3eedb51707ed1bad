"""Where tables live between extraction and publishing: in memory, or staged per batch.

A corpus of thousands of plans does not fit in memory as one set of DataFrames, so each
extraction batch writes its rows to ``<staging>/<table>/part-<batch>.parquet`` (and the same
rows as a CSV part, the exact bytes the release's CSV is concatenated from, which the batch
validates with Frictionless) and later steps read one table (or one batch) at a time.
Small runs and tests can hand plain DataFrames to the same steps through ``InMemoryTables``.
Both expose the same interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flows.schema import CSV_ENCODING, arrow_schema, columns, conform


class Tables(Protocol):
    """Read access to the candidate release's tables."""

    def names(self) -> list[str]: ...

    def read(self, table: str, cols: list[str] | None = None) -> pd.DataFrame: ...

    def chunks(self, table: str, cols: list[str] | None = None) -> Iterator[pd.DataFrame]: ...

    def count(self, table: str) -> int: ...


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

    def count(self, table: str) -> int:
        return len(self.frames[table])


def part_path(staging: Path, table: str, batch: int, suffix: str = ".parquet") -> Path:
    return staging / table / f"part-{batch:06d}{suffix}"


def write_csv_rows(table: str, frame: pd.DataFrame, fh: IO[str], header: bool) -> None:
    """The one CSV formatting of the release's rows (schema order and dtypes, ``\n`` ends)."""
    conform(table, frame).to_csv(fh, index=False, header=header, lineterminator="\n")


def write_part(staging: Path, batch: int, table: str, frame: pd.DataFrame) -> None:
    """Write one batch's rows of ``table`` as a Parquet part (schema dtypes) and as a CSV
    part with its header, encoded as the release's CSV files are."""
    frame = conform(table, frame)
    path = part_path(staging, table, batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in (path, path.with_suffix(".csv")):  # never write through a cache's hard link
        old.unlink(missing_ok=True)
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    pq.write_table(arrow, path)
    with path.with_suffix(".csv").open("w", encoding=CSV_ENCODING, newline="") as fh:
        write_csv_rows(table, frame, fh, header=True)


class StagedTables:
    """Tables staged as per-batch Parquet parts, minus plans excluded after extraction."""

    def __init__(
        self,
        staging: Path,
        tables: Iterable[str],
        excluded_docs: Iterable[str] = (),
        extra: dict[str, pd.DataFrame] | None = None,
        batches: Iterable[int] | None = None,
    ) -> None:
        self.staging = staging
        self.tables = list(tables)
        self.excluded = set(excluded_docs)
        self.extra = {t: conform(t, f) for t, f in (extra or {}).items()}
        self.batches = None if batches is None else set(batches)

    def only(self, batches: Iterable[int]) -> StagedTables:
        """The same tables restricted to the rows of ``batches`` (no extra tables)."""
        return StagedTables(self.staging, self.tables, self.excluded, batches=batches)

    def names(self) -> list[str]:
        return self.tables + [t for t in self.extra if t not in self.tables]

    def _parts(self, table: str, suffix: str = ".parquet") -> list[Path]:
        parts = sorted((self.staging / table).glob(f"part-*{suffix}"))
        if self.batches is None:
            return parts
        return [p for p in parts if int(p.stem.removeprefix("part-")) in self.batches]

    def csv_parts(self, table: str) -> Iterator[tuple[Path, pd.DataFrame | None]]:
        """Each staged CSV part of ``table`` in batch order, with its rows re-read when some
        of them belong to excluded plans (None when the part can be used as it is)."""
        doc_col = "doc_id" in columns(table)
        for part in self._parts(table, ".csv"):
            frame = None
            if self.excluded and doc_col:
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
        for part in self._parts(table):
            frame = pq.read_table(part, columns=read_cols).to_pandas()
            if self.excluded and "doc_id" in frame.columns:
                frame = frame[~frame["doc_id"].isin(self.excluded)]
            yield frame[cols or columns(table)].reset_index(drop=True)

    def read(self, table: str, cols: list[str] | None = None) -> pd.DataFrame:
        parts = list(self.chunks(table, cols))
        if not parts:
            return conform(table, pd.DataFrame(columns=columns(table)))[cols or columns(table)]
        return pd.concat(parts, ignore_index=True)

    def count(self, table: str) -> int:
        return sum(
            len(c) for c in self.chunks(table, ["doc_id"] if "doc_id" in columns(table) else None)
        )


def rechunk(chunks: Iterator[pd.DataFrame], size: int) -> Iterator[pd.DataFrame]:
    """The same rows in frames of exactly ``size`` rows (the last may be shorter)."""
    buffer: list[pd.DataFrame] = []
    held = 0
    for chunk in chunks:
        buffer.append(chunk)
        held += len(chunk)
        while held >= size:
            frame = pd.concat(buffer, ignore_index=True)
            yield frame.iloc[:size]
            rest = frame.iloc[size:]
            buffer, held = [rest], len(rest)
    if held:
        yield pd.concat(buffer, ignore_index=True)
