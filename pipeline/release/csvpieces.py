"""A release CSV file and its zip entry, both from each batch's staged CSV part.

Each batch stages its rows as a CSV part (BOM + header + rows, ``staging.write_part``) and,
here, the part's rows alone deflated once as a piece (``part-N.csvz``): publishing writes the
CSV file as the header plus every part's rows copied byte for byte, and the zip's CSV entry
as the deflated header, the parts' pieces and a final block, so no CSV byte is formatted or
compressed again. Rows that must be formatted at publish (a part that lost excluded plans,
tables held in memory) are deflated there, the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pipeline.release.csvrows import PIECE, plan_cuts
from pipeline.release.pieces import Piece, copy_range, deflate, read_piece, runs
from pipeline.release.schema import CSV_ENCODING, columns
from pipeline.release.staging import StagedTables, Tables, write_csv_rows


def header_bytes(table: str) -> bytes:
    """The BOM and header line every CSV file and part of ``table`` starts with."""
    out = io.StringIO()
    write_csv_rows(table, pd.DataFrame(columns=columns(table)), out, header=True)
    return out.getvalue().encode(CSV_ENCODING)


def body_bytes(table: str, frame: pd.DataFrame) -> bytes:
    """The CSV rows of ``frame`` without BOM and header, as the release's files have them."""
    out = io.StringIO()
    write_csv_rows(table, frame, out, header=False)
    return out.getvalue().encode("utf-8")


def write_csv(table: str, tables: Tables, path: Path) -> tuple[int, list[Piece]]:
    """Write the release CSV file of ``table`` at ``path``; returns its number of rows and
    the pieces of its zip entry (the header's, then each part's)."""
    header = header_bytes(table)
    pieces, rows = [deflate(header)], 0
    with path.open("wb") as out:
        out.write(header)
        for frame, part in _sources(table, tables):
            if part is None:
                body = body_bytes(table, frame)
                out.write(body)
                plans = runs(frame["doc_id"]) if "doc_id" in frame.columns else [len(frame)]
                pieces.append(deflate(body, cuts=plan_cuts(body, plans, f"{table} rows")))
                rows += len(frame)
                continue
            piece = _part_piece(table, part, len(header))
            with part.open("rb") as src:
                copy_range(src, len(header), piece.size, out)
            pieces.append(piece)
            rows += piece.meta["rows"]
    return rows, pieces


def _sources(table: str, tables: Tables) -> Iterator[tuple[pd.DataFrame, None] | tuple[None, Path]]:
    """Each batch's rows of ``table``: (None, staged part) for a part used as it is, or
    (rows, None) for rows formatted here."""
    if not isinstance(tables, StagedTables) or table in tables.extra:
        for chunk in tables.chunks(table):
            yield chunk, None
        return
    for part, frame in tables.csv_parts(table):
        yield (frame, None) if frame is not None else (None, part)


def _part_piece(table: str, part: Path, header: int) -> Piece:
    """The staged piece of ``part``, checked against the part it was made from."""
    path = part.with_suffix(PIECE)
    if not path.exists():
        raise FileNotFoundError(f"{path}: the deflated rows of {part.name} are missing")
    piece = read_piece(path)
    if piece.size + header != part.stat().st_size:
        raise ValueError(f"{path}: its {piece.size} bytes do not match the CSV part {part.name}")
    return piece
