"""A batch's rows of one table as workbook sheet XML, rendered and deflated once.

Rendering every cell of a release as SpreadsheetML costs ~11 s at 1,000 plans, so each
extraction batch renders its own rows in its worker (``staging.write_part`` writes
``part-N.sheetz``), and publishing splices the pieces into the workbook's sheets by copying
bytes (``workbook``). The XML is position-independent: ``<row>`` and ``<c>`` carry no ``r``
attribute (optional in ECMA-376; Excel, LibreOffice and openpyxl count rows and cells in
order), and a null cell is an empty ``<c/>`` so the cells after it keep their columns; so
a piece is the same wherever on a sheet it lands; and each plan's rows are deflated on their
own, so the sheet has the same bytes whatever the batches. Each piece records its rows, its cells
cut at Excel's cell limit, the columns and note it was rendered for (publish renders anew
if they changed) and the display widths of its first plan's rows (for the sheet's columns).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.release.explore import views
from pipeline.release.pieces import Piece, deflate, runs, write_piece
from pipeline.release.schema import table_schema

SUFFIX = ".sheetz"
MAX_CELL = 32_767  # characters per cell
MAX_WIDTH = 60  # widest column, in Excel's character units
WIDTH_ROWS = 200  # rows whose values size a sheet's columns
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"  # not allowed in XML (RE2 syntax)
_ESCAPED = _CONTROL[:-1] + "&<>]"  # what rows_xml removes or escapes


def cut_note(path: str) -> str:
    return f" …[cut at Excel's {MAX_CELL:,}-character cell limit; full text in {path}]"


def display_width(value: Any) -> int:
    """Width of ``value`` in Excel's character units (a Chinese character counts 2)."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def layout(resource: dict[str, Any]) -> tuple[list[str], list[str], str]:
    """The workbook's columns of a release resource (less ``workbook_omit`` in
    ``explore/views.yaml``), their kinds, and the note that ends a cut cell."""
    omit = views().get("workbook_omit", {}).get(resource["name"], [])
    fields = [f for f in resource["schema"]["fields"] if f["name"] not in omit]
    note = cut_note(resource.get("parquet_path", resource["path"]))
    return [f["name"] for f in fields], [f["type"] for f in fields], note


def staged_resource(table: str) -> dict[str, Any]:
    """A staged table's resource as the release describes it (its Parquet file's path)."""
    return {
        "name": table,
        "path": f"data/{table}.csv",
        "parquet_path": f"data/{table}.parquet",
        "schema": table_schema(table),
    }


def write_sheet_piece(part: Path, table: str, rows: pa.Table, plans: list[int]) -> None:
    """Render ``rows`` (a batch's staged rows of ``table``; ``plans``: how many rows each
    plan has, in order) into ``part-N.sheetz``."""
    write_piece(part.with_suffix(SUFFIX), *render(rows, *layout(staged_resource(table)), plans))


def render_piece(rows: pa.Table, header: list[str], kinds: list[str], note: str) -> Piece:
    """``rows`` rendered and deflated in memory (at publish, for rows with no staged piece),
    plan by plan as a batch renders them."""
    plans = runs(rows["doc_id"].to_pylist()) if "doc_id" in rows.column_names else None
    return deflate(*render(rows, header, kinds, note, plans))


def render(
    rows: pa.Table, header: list[str], kinds: list[str], note: str, plans: list[int] | None
) -> tuple[bytes, dict[str, Any], list[int]]:
    """``rows`` as sheet XML, with what the workbook needs to know of it (``meta``: rows,
    and for each plan its rows, cut cells and widths) and the offsets where each plan's
    rows after the first begin (``plans``: rows per plan; None: all one)."""
    batch = rows.select(header)
    xml, ends, cut = rows_xml(batch, kinds, note)
    plans = plans if plans is not None else [batch.num_rows]
    bounds = np.cumsum([0, *plans])
    each = [
        {"rows": n, "cut": int(cut[start : start + n].sum()), "widths": None}
        for n, start in zip(plans, bounds[:-1].tolist(), strict=True)
    ]
    if each:  # the first plan's widths; another plan's, if a sheet begins there, at publish
        each[0]["widths"] = widths_of(batch.slice(0, each[0]["rows"]))
    cuts = [int(c) for c in ends[bounds[1:-1]]] if len(ends) else []
    meta = {"rows": batch.num_rows, "plans": [p for p in each if p["rows"]]}
    return xml, meta | {"header": header, "kinds": kinds, "note": note}, cuts


def widths_of(rows: pa.Table) -> list[int]:
    """The display width of the widest value of each column in the first ``WIDTH_ROWS``
    rows of ``rows`` (one plan's), cut at ``MAX_WIDTH``."""
    first = rows.slice(0, WIDTH_ROWS).to_pylist()
    return [
        max(
            (display_width(str(r[name])[:MAX_WIDTH]) for r in first if r[name] is not None),
            default=0,
        )
        for name in rows.column_names
    ]


def rows_xml(batch: pa.Table, kinds: list[str], note: str) -> tuple[bytes, np.ndarray, np.ndarray]:
    """SpreadsheetML ``<row>`` elements for ``batch`` (one column per kind, one element per
    row), without positions; strings as inline text, never formulas. Returns the rows' XML
    as UTF-8, the offset in it where each row's XML begins (and, last, its length), and each
    row's number of values cut at ``MAX_CELL`` characters. The XML is read from the Arrow
    array's own buffer: no Python string per row."""
    cells, n_cut = [], np.zeros(batch.num_rows, np.int64)
    for kind, column in zip(kinds, batch.columns, strict=True):
        if kind in ("integer", "number"):
            values = column.cast(pa.float64()) if kind == "number" else column
            valid = pc.and_(pc.is_valid(values), pc.invert(pc.is_nan(values.cast(pa.float64()))))
            cell = pc.binary_join_element_wise("<c><v>", values.cast(pa.string()), "</v></c>", "")
        elif kind == "boolean":
            valid = pc.is_valid(column)
            flag = column.cast(pa.int8()).cast(pa.string())
            cell = pc.binary_join_element_wise('<c t="b"><v>', flag, "</v></c>", "")
        else:
            text = column.cast(pa.string())
            valid = pc.is_valid(text)
            long = pc.greater(pc.utf8_length(text), MAX_CELL)
            if pc.any(long).as_py():
                short = pc.utf8_slice_codeunits(text, 0, MAX_CELL - len(note))
                text = pc.if_else(long, pc.binary_join_element_wise(short, note, ""), text)
                n_cut += long.fill_null(False).to_numpy(zero_copy_only=False).astype(np.int64)
            # each pass only where it changes something: most columns hold none of these,
            # which one pass tells
            if pc.any(pc.match_substring_regex(text, _ESCAPED)).as_py():
                if pc.any(pc.match_substring_regex(text, _CONTROL)).as_py():
                    text = pc.replace_substring_regex(text, _CONTROL, "")
                for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
                    if pc.any(pc.match_substring(text, char)).as_py():
                        text = pc.replace_substring(text, char, entity)
            cell = pc.binary_join_element_wise(
                '<c t="inlineStr"><is><t xml:space="preserve">', text, "</t></is></c>", ""
            )
        cells.append(pc.if_else(pc.fill_null(valid, False), cell, "<c/>"))
    if not cells or not batch.num_rows:
        return b"", np.zeros(batch.num_rows + 1, np.int64), n_cut
    rows = pc.binary_join_element_wise("<row>", *cells, "</row>", "").cast(pa.large_string())
    xml, starts = _utf8_of(rows.combine_chunks() if isinstance(rows, pa.ChunkedArray) else rows)
    return xml, starts, n_cut


def _utf8_of(strings: pa.LargeStringArray) -> tuple[bytes, np.ndarray]:
    """The values of ``strings`` (no nulls) one after another as UTF-8, and the offset of
    each value's start in them (and, last, their length)."""
    _, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int64)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    if data_buffer is None:  # every value empty
        return b"", offsets - offsets[0]
    data = memoryview(data_buffer)[int(offsets[0]) : int(offsets[-1])].tobytes()
    return data, offsets - offsets[0]
