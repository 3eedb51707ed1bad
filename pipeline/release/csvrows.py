"""A staged CSV part's rows deflated plan by plan into its piece (``part-N.csvz``).

The part's rows are found in its bytes without parsing them: a row ends at a newline
outside quotes, and pandas quotes a field with a newline and doubles its quotes, so a
newline ends a row exactly where the number of quotes before it is even. Each plan's rows
are then deflated on their own (``pieces.deflate``'s cuts), so a CSV zip entry joined from
pieces has the same bytes whatever the batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.release.pieces import write_piece

PIECE = ".csvz"


def row_ends(body: bytes) -> np.ndarray:
    """The offset just after each row of the CSV ``body`` (no header)."""
    data = np.frombuffer(body, np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    quotes = np.flatnonzero(data == ord('"'))
    # quotes before each newline, by binary search: ~5x faster than a running count of
    # quotes over every byte
    return newlines[np.searchsorted(quotes, newlines) % 2 == 0] + 1


def plan_cuts(body: bytes, plan_rows: Sequence[int], source: object) -> list[int]:
    """The offsets in ``body`` where each plan's rows after the first begin (``plan_rows``:
    how many rows each plan has, in order); ``source`` names the rows in an error."""
    ends = row_ends(body)
    if len(ends) != sum(plan_rows):
        raise ValueError(f"{source}: {len(ends)} CSV rows found, {sum(plan_rows)} expected")
    return [int(ends[i - 1]) for i in np.cumsum(plan_rows)[:-1] if i]


def part_rows(part: Path, plan_rows: Sequence[int]) -> tuple[bytes, list[int]]:
    """The rows of the staged CSV part ``part`` (after BOM and header), and where each
    plan's rows after the first begin (``plan_cuts``)."""
    data = part.read_bytes()
    body = data[data.find(b"\n") + 1 :]
    return body, plan_cuts(body, plan_rows, part)


def write_csv_piece(part: Path, plan_rows: Sequence[int]) -> None:
    """Deflate the rows of the staged CSV part ``part`` into its piece, each plan's rows on
    their own."""
    body, cuts = part_rows(part, plan_rows)
    write_piece(part.with_suffix(PIECE), body, {"rows": int(sum(plan_rows))}, cuts)
