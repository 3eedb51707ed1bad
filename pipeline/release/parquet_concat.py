"""A release's Parquet file assembled from the batches' staged parts by copying bytes.

Each batch stages its rows of a table as a Parquet *piece*: a complete file written with
exactly the release file's settings (``write_piece``: the release's Arrow schema and
schema-level pandas metadata, zstd, statistics, no page index) and one row group (none
when it has no rows). ``concat_parts`` then writes the table's file from N pieces without
decoding a value: "PAR1", each piece's column-chunk bytes unchanged, and one new footer
whose row groups are the pieces' with their absolute offsets shifted to where their
bytes now sit. Publishing thus costs a copy of bytes, and a run that changed one batch
re-encodes one batch's rows, during extraction.

The footer is Parquet's ``FileMetaData``, decoded and re-encoded by
pipeline.release.thrift_compact, which keeps every field it is not told about as it was.
Field ids are those of parquet-format's parquet.thrift (FileMetaData, RowGroup,
ColumnChunk, ColumnMetaData). Pieces with page indexes (their offset index holds absolute
page offsets inside bytes this code does not rewrite), encryption or column chunks in
other files are refused, as are pieces whose schema or key-value metadata differ from the
first piece's: the error names the file.

Row groups follow the batches, so the file's bytes depend on the batching (file names and
``--batch-size``), not only on the rows; the same inputs and options give the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.release import thrift_compact as thrift
from pipeline.release.schema import arrow_schema, columns, conform

MAGIC = b"PAR1"
COMPRESSION = "zstd"

# parquet.thrift field ids
FILE_SCHEMA, FILE_NUM_ROWS, FILE_ROW_GROUPS, FILE_KEY_VALUES = 2, 3, 4, 5
FILE_ENCRYPTION, FILE_SIGNING_KEY = 8, 9
GROUP_COLUMNS, GROUP_NUM_ROWS, GROUP_FILE_OFFSET, GROUP_ORDINAL = 1, 3, 5, 7
CHUNK_FILE_PATH, CHUNK_FILE_OFFSET, CHUNK_META = 1, 2, 3
CHUNK_PAGE_INDEX = (4, 5, 6, 7)  # offset index and column index offset and length
CHUNK_ENCRYPTED = (8, 9)
META_DATA_PAGE, META_INDEX_PAGE, META_DICTIONARY_PAGE, META_BLOOM_FILTER = 9, 10, 11, 14


class PartError(ValueError):
    """A staged Parquet part that cannot be copied into a release file."""


@functools.cache
def release_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table``'s release file, with pandas metadata built from the
    dtypes alone: from rows, it would depend on which rows a piece holds (a batch whose
    dates are all null would be "empty" rather than "date"), and pieces must agree."""
    empty = conform(table, pd.DataFrame(columns=columns(table)))
    return pa.Table.from_pandas(empty, schema=arrow_schema(table), preserve_index=False).schema


def write_piece(rows: pa.Table, path: Path, schema: pa.Schema) -> None:
    """Write ``rows`` as one row group (none if empty) with the release file's settings."""
    rows = rows.cast(schema.remove_metadata()).replace_schema_metadata(schema.metadata)
    with pq.ParquetWriter(path, schema, compression=COMPRESSION) as writer:
        if rows.num_rows:
            writer.write_table(rows, row_group_size=rows.num_rows)


def write_from_parts(
    path: Path, parts: Iterable[tuple[Path, pa.Table | None]], schema: pa.Schema
) -> None:
    """Write ``path`` from staged pieces in order; a piece given with rows (a part that
    lost excluded plans' rows) is replaced by those rows encoded as a new piece. With no
    pieces at all, the file has the schema and no row group."""
    pieces: list[Path] = []
    try:
        for number, (part, rows) in enumerate(parts):
            if rows is not None:
                part = path.with_name(f".{path.name}.piece-{number:06d}")
                write_piece(rows, part, schema)
            pieces.append(part)
        if pieces:
            concat_parts(pieces, path)
        else:
            write_piece(schema.empty_table(), path, schema)
    finally:
        for piece in pieces:
            if piece.name.startswith(f".{path.name}.piece-"):
                piece.unlink(missing_ok=True)


def concat_parts(parts: list[Path], out: Path) -> None:
    """Write ``out`` from the Parquet files ``parts`` by copying their column chunks and
    writing one footer: schema, key-value metadata and writer of the first part, row
    groups of all of them in order. PartError (naming the part) if one is not a file this
    can copy."""
    if not parts:
        raise ValueError(f"{out}: no Parquet parts to concatenate")
    first: thrift.Struct | None = None
    groups: list[thrift.Struct] = []
    rows = 0
    with out.open("wb") as dst:
        dst.write(MAGIC)
        for part in parts:
            meta, body_end = _read_footer(part)
            if first is None:
                first = meta
            else:
                _check_same_schema(part, parts[0], first, meta)
            shift = dst.tell() - len(MAGIC)
            with part.open("rb") as src:
                _copy_range(src, dst, len(MAGIC), body_end - len(MAGIC))
            for group in meta.get(FILE_ROW_GROUPS).items:
                _shift_group(group, shift)
                if GROUP_ORDINAL in group.fields:
                    group.set(GROUP_ORDINAL, len(groups))
                groups.append(group)
                rows += group.get(GROUP_NUM_ROWS)
        assert first is not None
        first.set(FILE_NUM_ROWS, rows)
        first.get(FILE_ROW_GROUPS).items = groups
        footer = thrift.dumps(first)
        dst.write(footer + struct.pack("<I", len(footer)) + MAGIC)


def _read_footer(part: Path) -> tuple[thrift.Struct, int]:
    """The decoded footer of ``part`` and where its column chunks end."""
    try:
        size = part.stat().st_size
        with part.open("rb") as fh:
            head = fh.read(len(MAGIC))
            if size < 12 or head != MAGIC:
                raise PartError(f"{part}: not a Parquet file (no PAR1 at its start)")
            fh.seek(size - 8)
            length, tail = struct.unpack("<I4s", fh.read(8))
            if tail != MAGIC:
                reason = "encrypted footer" if tail == b"PARE" else "no PAR1 at its end"
                raise PartError(f"{part}: not a Parquet file we can copy ({reason})")
            body_end = size - 8 - length
            if body_end < len(MAGIC):
                raise PartError(f"{part}: footer length {length} larger than the file")
            fh.seek(body_end)
            meta = thrift.loads(fh.read(length))
    except thrift.ThriftError as err:
        raise PartError(f"{part}: corrupt Parquet footer: {err}") from err
    except OSError as err:
        raise PartError(f"{part}: cannot read: {err}") from err
    _check_copyable(part, meta, body_end)
    return meta, body_end


def _check_copyable(part: Path, meta: thrift.Struct, body_end: int) -> None:
    for fid in (FILE_SCHEMA, FILE_NUM_ROWS, FILE_ROW_GROUPS):
        if fid not in meta.fields:
            raise PartError(f"{part}: corrupt Parquet footer (field {fid} missing)")
    if FILE_ENCRYPTION in meta.fields or FILE_SIGNING_KEY in meta.fields:
        raise PartError(f"{part}: encrypted Parquet files are not copied")
    for group in meta.get(FILE_ROW_GROUPS).items:
        for chunk in group.get(GROUP_COLUMNS).items:
            if any(f in chunk.fields for f in CHUNK_PAGE_INDEX):
                raise PartError(
                    f"{part}: has a page index (its offsets cannot be moved); "
                    "write parts without one"
                )
            if chunk.get(CHUNK_FILE_PATH) or any(f in chunk.fields for f in CHUNK_ENCRYPTED):
                raise PartError(f"{part}: column chunk stored elsewhere or encrypted")
            meta_data = chunk.get(CHUNK_META)
            start = meta_data.get(META_DATA_PAGE) if meta_data else None
            if start is None or not len(MAGIC) <= start < body_end:
                raise PartError(f"{part}: column chunk offset {start} outside the file's data")


def _check_same_schema(
    part: Path, first: Path, expected: thrift.Struct, meta: thrift.Struct
) -> None:
    for fid, what in ((FILE_SCHEMA, "schema"), (FILE_KEY_VALUES, "key-value metadata")):
        if expected.fields.get(fid) != meta.fields.get(fid):
            raise PartError(f"{part}: its {what} differs from that of {first}")


def _shifted(value: int, shift: int) -> int:
    """An absolute offset moved by ``shift``; 0 (unset: pyarrow writes the deprecated
    ColumnChunk.file_offset as 0) stays 0."""
    return value + shift if value else value


def _shift_group(group: thrift.Struct, shift: int) -> None:
    if GROUP_FILE_OFFSET in group.fields:
        group.set(GROUP_FILE_OFFSET, _shifted(group.get(GROUP_FILE_OFFSET), shift))
    for chunk in group.get(GROUP_COLUMNS).items:
        chunk.set(CHUNK_FILE_OFFSET, _shifted(chunk.get(CHUNK_FILE_OFFSET), shift))
        meta_data = chunk.get(CHUNK_META)
        for fid in (META_DATA_PAGE, META_INDEX_PAGE, META_DICTIONARY_PAGE, META_BLOOM_FILTER):
            if fid in meta_data.fields:
                meta_data.set(fid, _shifted(meta_data.get(fid), shift))


def _copy_range(src: BinaryIO, dst: BinaryIO, offset: int, count: int) -> None:
    """Copy ``count`` bytes at ``offset`` of ``src`` to the end of ``dst``: in the kernel
    (copy_file_range) where it can, else through a buffer."""
    dst.flush()
    start = dst.seek(0, os.SEEK_END)
    done = 0
    with contextlib.suppress(OSError, AttributeError):  # no copy_file_range here
        while done < count:
            n = os.copy_file_range(src.fileno(), dst.fileno(), count - done, offset + done)
            if not n:
                break
            done += n
    dst.seek(start + done)
    src.seek(offset + done)
    while done < count:
        block = src.read(min(count - done, 1 << 20))
        if not block:
            raise PartError(f"{src.name}: shorter than its footer says")
        dst.write(block)
        done += len(block)
