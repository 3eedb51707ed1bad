"""Where tables live between extraction and publishing: in memory, or staged per batch.

A corpus of thousands of plans does not fit in memory as one set of DataFrames, so each
extraction batch writes its rows to ``<staging>/<table>/part-<batch>.parquet`` and later
steps read one table (or one batch) at a time. Small runs and tests can hand plain
DataFrames to the same steps through ``InMemoryTables``. Both expose the same interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flows.schema import arrow_schema, columns, conform


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


def write_part(staging: Path, batch: int, table: str, frame: pd.DataFrame) -> None:
    """Write one batch's rows of ``table`` as a Parquet part (schema dtypes)."""
    folder = staging / table
    folder.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(
        conform(table, frame), schema=arrow_schema(table), preserve_index=False
    )
    pq.write_table(arrow, folder / f"part-{batch:06d}.parquet")


class StagedTables:
    """Tables staged as per-batch Parquet parts, minus plans excluded after extraction."""

    def __init__(
        self,
        staging: Path,
        tables: Iterable[str],
        excluded_docs: Iterable[str] = (),
        extra: dict[str, pd.DataFrame] | None = None,
    ) -> None:
        self.staging = staging
        self.tables = list(tables)
        self.excluded = set(excluded_docs)
        self.extra = {t: conform(t, f) for t, f in (extra or {}).items()}

    def names(self) -> list[str]:
        return self.tables + [t for t in self.extra if t not in self.tables]

    def _parts(self, table: str) -> list[Path]:
        return sorted((self.staging / table).glob("part-*.parquet"))

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
