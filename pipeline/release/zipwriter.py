"""A streaming zip writer whose deflated entries are assembled from deflate pieces.

``zipfile`` compresses every byte it is given; the release's CSV files and workbook sheets
are already deflated, batch by batch, as pieces (``pipeline.release.pieces``), so an entry
here is written by copying those pieces and one final block, with the CRC combined from
theirs. Files already compressed (Parquet, .xlsx) are STORED, copied with their CRC computed
on the way; small files are deflated here. Nothing is held whole in memory.

Every entry has the same fixed time (1 January 1980) and Unix mode 0644, so the same
entries give the same bytes. Zip64 records are written only where a size, an offset or the
number of entries passes the classic format's limits (``limit``, ``max_entries``: smaller
only in tests).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from pipeline.release.pieces import COPY, FINAL, Piece, combined, deflate

LIMIT = 0xFFFFFFFF  # sizes and offsets from here on need zip64
MAX_ENTRIES = 0xFFFF
STORED, DEFLATED = 0, 8
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_UTF8 = 0x0800  # names are UTF-8
_MODE = 0o100644 << 16


class ZipWriter:
    """Write ``path`` as a zip archive, one entry at a time (entries in call order)."""

    def __init__(self, path: Path, limit: int = LIMIT, max_entries: int = MAX_ENTRIES) -> None:
        self.path = path
        self.limit = limit
        self.max_entries = max_entries
        self.fh = path.open("wb")
        self.central: list[bytes] = []

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.fh.close()

    def add_pieces(self, name: str, parts: Iterable[Piece | bytes]) -> None:
        """A DEFLATED entry: ``parts`` (pieces, or small bytes deflated here) then a final
        block."""
        pieces = [p if isinstance(p, Piece) else deflate(p) for p in parts]
        crc, size, length = combined(pieces)
        offset = self._local_header(name, DEFLATED, crc, size, length + len(FINAL))
        for piece in pieces:
            piece.copy_to(self.fh)
        self.fh.write(FINAL)
        self._central_entry(name, DEFLATED, crc, size, length + len(FINAL), offset)

    def add_bytes(self, name: str, data: bytes) -> None:
        """A small DEFLATED entry from bytes in memory."""
        self.add_pieces(name, [data])

    def add_stored(self, name: str, source: Path) -> None:
        """A STORED entry copied from the file ``source`` (its CRC computed while copying
        and written back into the entry's header)."""
        size = source.stat().st_size
        offset = self._local_header(name, STORED, 0, size, size)
        crc, copied = 0, 0
        with source.open("rb") as src:
            while chunk := src.read(COPY):
                crc = zlib.crc32(chunk, crc)
                self.fh.write(chunk)
                copied += len(chunk)
        if copied != size:
            raise OSError(f"{source}: changed while it was added to {self.path}")
        end = self.fh.tell()
        self.fh.seek(offset + 14)  # the CRC field of the local header
        self.fh.write(struct.pack("<I", crc))
        self.fh.seek(end)
        self._central_entry(name, STORED, crc, size, size, offset)

    def _big(self, *values: int) -> bool:
        return any(v >= self.limit for v in values)

    def _local_header(self, name: str, method: int, crc: int, size: int, length: int) -> int:
        offset = self.fh.tell()
        raw = name.encode("utf-8")
        extra = b""
        if self._big(size, length):
            extra = struct.pack("<HHQQ", 1, 16, size, length)
            size = length = 0xFFFFFFFF
        version = 45 if extra else 20
        self.fh.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                version,
                _UTF8,
                method,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                length,
                size,
                len(raw),
                len(extra),
            )
            + raw
            + extra
        )
        return offset

    def _central_entry(
        self, name: str, method: int, crc: int, size: int, length: int, offset: int
    ) -> None:
        raw = name.encode("utf-8")
        wide = []  # zip64 fields, in the order the format fixes
        if self._big(size):
            wide.append(size)
            size = 0xFFFFFFFF
        if self._big(length):
            wide.append(length)
            length = 0xFFFFFFFF
        if self._big(offset):
            wide.append(offset)
            offset = 0xFFFFFFFF
        extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        version = 45 if wide else 20
        self.central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | version,  # made on Unix
                version,
                _UTF8,
                method,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                length,
                size,
                len(raw),
                len(extra),
                0,  # comment
                0,  # disk
                0,  # internal attributes
                _MODE,
                offset,
            )
            + raw
            + extra
        )

    def close(self) -> None:
        """Write the central directory and its end records (zip64 ones where needed)."""
        start = self.fh.tell()
        for entry in self.central:
            self.fh.write(entry)
        size, count = self.fh.tell() - start, len(self.central)
        if count >= self.max_entries or self._big(size, start):
            end64 = self.fh.tell()
            self.fh.write(
                struct.pack(
                    "<IQHHIIQQQQ",
                    0x06064B50,
                    44,
                    (3 << 8) | 45,
                    45,
                    0,
                    0,
                    count,
                    count,
                    size,
                    start,
                )
            )
            self.fh.write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
            count = min(count, 0xFFFF) if count < self.max_entries else 0xFFFF
            size = 0xFFFFFFFF if self._big(size) else size
            start = 0xFFFFFFFF if self._big(start) else start
        self.fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, start, 0))
        self.fh.close()
