"""Deflate pieces: bytes compressed once (in a batch worker) and joined later without
being compressed again.

A piece is a raw deflate stream (no zlib or gzip wrapper) ended with a sync flush, never
with a final block, so pieces made independently concatenate into one valid deflate stream;
``FINAL`` (an empty final block) closes it. Each piece carries the CRC-32 and length of its
uncompressed bytes, and ``crc32_combine`` joins CRCs without the bytes (Python's zlib does
not expose zlib's ``crc32_combine``; this is its GF(2) matrix method). A zip entry or an
.xlsx sheet can then be assembled from pieces by copying bytes.

Within a piece, each plan's rows are deflated on their own (a fresh compressor, a sync
flush: ``cuts``), so the joined stream depends on the rows and plans alone, not on how
plans were grouped into batches: a release has the same bytes whatever the batch size.

Compressed by Python's zlib, not ISA-L (``isal``), although ISA-L deflates CSV and sheet
XML ~3.4x faster at level 1 to the same size: its output is not reproducible. The same
batch staged twice by the same code gave pieces that differ in one plan's segment (1,784
bytes of sections deflated to 1,005 bytes once, 1,004 another time), so a release rebuilt
from scratch would not have the same zip and workbook bytes.

File form (``.csvz``, ``.sheetz``): ``MAGIC``, a fixed header (CRC, uncompressed length,
compressed length, metadata length), the metadata as JSON (rows, cut cells, widths …), then
the compressed bytes.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

MAGIC = b"DZP1"
_HEADER = struct.Struct("<IQQI")  # crc32, raw length, deflated length, metadata length
FINAL = b"\x03\x00"  # an empty final block (fixed Huffman codes): ends a stream of pieces
LEVEL = 1  # zlib level: CSV and sheet XML shrink well at 1, and it is ~4x faster than 6
COPY = 1 << 20


@dataclass(frozen=True)
class Piece:
    """A piece's CRC and lengths, and where its deflated bytes are: in ``data``, or in
    ``path`` from ``offset`` (a piece file, never read whole)."""

    crc: int
    size: int  # uncompressed bytes
    length: int  # deflated bytes
    meta: dict[str, Any] = field(default_factory=dict)
    data: bytes | None = None
    path: Path | None = None
    offset: int = 0

    def copy_to(self, out: BinaryIO) -> None:
        """Write the deflated bytes to ``out`` (a file: ``copy_file_range`` where it can)."""
        if self.data is not None:
            out.write(self.data)
            return
        assert self.path is not None
        with self.path.open("rb") as src:
            copy_range(src, self.offset, self.length, out)


def deflate(data: bytes, meta: dict[str, Any] | None = None, cuts: Iterable[int] = ()) -> Piece:
    """``data`` as one piece (held in memory), compressed afresh from each offset in
    ``cuts`` (ascending) on; no bytes at all for empty ``data``. Each stretch's CRC and
    lengths go into ``meta["segments"]`` (so ``split`` can cut the piece there)."""
    out, segments, start, view = [], [], 0, memoryview(data)
    for end in [*cuts, len(data)]:
        if end > start:  # nothing for no bytes: an empty batch adds no byte to the stream
            compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
            stretch = view[start:end]
            out.append(compressor.compress(stretch) + compressor.flush(zlib.Z_SYNC_FLUSH))
            segments.append([zlib.crc32(stretch), end - start, len(out[-1])])
            start = end
    body = b"".join(out)
    meta = (meta or {}) | {"segments": segments}
    return Piece(zlib.crc32(data), len(data), len(body), meta, data=body)


def split(piece: Piece, metas: Iterable[dict[str, Any]]) -> list[Piece]:
    """``piece`` cut where it was compressed afresh (``deflate``'s cuts), each part with
    its entry of ``metas``: pieces that can be placed apart (on different sheets)."""
    parts, offset = [], 0
    for (crc, size, length), meta in zip(piece.meta["segments"], metas, strict=True):
        data = None if piece.data is None else piece.data[offset : offset + length]
        parts.append(Piece(crc, size, length, meta, data, piece.path, piece.offset + offset))
        offset += length
    return parts


def runs(values: Sequence[Any]) -> list[int]:
    """The lengths of the runs of equal consecutive ``values`` (a batch's rows, plan by
    plan): [2, 1] for a, a, b. Compared in numpy: a Python loop over a pandas column of
    Arrow strings took ~0.8 ms per plan."""
    items = np.asarray(values, dtype=object)
    if not len(items):
        return []
    starts = np.flatnonzero(items[1:] != items[:-1]) + 1
    return np.diff([0, *starts, len(items)]).tolist()


def write_piece(
    path: Path, data: bytes, meta: dict[str, Any] | None = None, cuts: Iterable[int] = ()
) -> None:
    """Deflate ``data`` (afresh from each of ``cuts``) into the piece file ``path``
    (replacing it, never writing through a hard link a cache holds)."""
    piece = deflate(data, meta, cuts)
    meta_bytes = json.dumps(piece.meta, ensure_ascii=False, sort_keys=True).encode()
    path.unlink(missing_ok=True)
    with path.open("wb") as fh:
        fh.write(MAGIC + _HEADER.pack(piece.crc, piece.size, piece.length, len(meta_bytes)))
        fh.write(meta_bytes)
        fh.write(piece.data or b"")


def read_piece(path: Path) -> Piece:
    """The header of the piece file ``path`` (its bytes stay on disk)."""
    with path.open("rb") as fh:
        head = fh.read(len(MAGIC) + _HEADER.size)
        if not head.startswith(MAGIC) or len(head) < len(MAGIC) + _HEADER.size:
            raise ValueError(f"{path}: not a deflate piece (bad header)")
        crc, size, length, n_meta = _HEADER.unpack(head[len(MAGIC) :])
        meta = json.loads(fh.read(n_meta) or b"{}")
    offset = len(head) + n_meta
    if path.stat().st_size != offset + length:
        raise ValueError(f"{path}: truncated deflate piece ({length} bytes expected)")
    return Piece(crc, size, length, meta, path=path, offset=offset)


def combined(pieces: Iterable[Piece]) -> tuple[int, int, int]:
    """CRC-32, uncompressed and deflated length of ``pieces`` one after the other."""
    crc = size = length = 0
    for piece in pieces:
        crc = crc32_combine(crc, piece.crc, piece.size)
        size += piece.size
        length += piece.length
    return crc, size, length


def copy_range(src: BinaryIO, offset: int, length: int, out: BinaryIO) -> None:
    """Copy ``length`` bytes of ``src`` from ``offset`` to ``out``'s current position, in
    the kernel where both are files (``os.copy_file_range``), else through a buffer."""
    out.flush()
    position = out.tell()
    done = 0
    try:
        out_fd, src_fd = out.fileno(), src.fileno()
        while done < length:
            n = os.copy_file_range(src_fd, out_fd, length - done, offset + done, position + done)
            if n == 0:
                break
            done += n
    except (AttributeError, OSError, ValueError):  # not both files, or not supported here
        pass
    out.seek(position + done)
    src.seek(offset + done)
    while done < length:
        chunk = src.read(min(COPY, length - done))
        if not chunk:
            raise EOFError(f"{getattr(src, 'name', src)}: ended {length - done} bytes early")
        out.write(chunk)
        done += len(chunk)


# crc32_combine: zlib's method. Appending n zero bytes to a message multiplies its CRC
# register by a fixed matrix over GF(2); the matrices for 2**k zero bytes are built by
# repeated squaring of the one-zero-bit operator, those of n's set bits applied to crc1,
# then crc2 is added (xor).
_POLY = 0xEDB88320


def _times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, matrix[n]) for n in range(32)]


@functools.cache
def _zeros(power: int) -> list[int]:
    """The operator that appends 2**power zero bytes to a CRC register (squared from the
    one-zero-bit operator; cached: it depends on nothing else)."""
    if power == 0:
        matrix = [_POLY] + [1 << n for n in range(31)]  # one zero bit
        for _ in range(3):  # two, four, eight zero bits: one byte
            matrix = _square(matrix)
        return matrix
    return _square(_zeros(power - 1))


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from ``crc1`` = crc32(A), ``crc2`` = crc32(B), ``len2`` = len(B)."""
    power = 0
    while len2 > 0:  # apply len2 zero bytes to crc1, one set bit of len2 at a time
        if len2 & 1:
            crc1 = _times(_zeros(power), crc1)
        len2 >>= 1
        power += 1
    return crc1 ^ crc2
