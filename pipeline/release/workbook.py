"""``data/rule-of-law-plans.xlsx``: the release as one Excel workbook.

For people who work in Excel: a first sheet that explains the release, a codebook (every
column of every table: type, English and Chinese description, allowed values), then one sheet
per table with a frozen, filterable header row and readable column widths. Columns listed
under ``workbook_omit`` in ``explore/views.yaml`` (the plans' normalized full text) are left
out; the Parquet and CSV files have them.

Excel's limits are kept, and said on the first sheet: a sheet holds 1,048,576 rows, so a
longer table continues on ``<table> (2)``, ``<table> (3)``, …; a cell holds 32,767
characters, so a longer value is cut and ends with a note pointing to the Parquet file.
Strings are always written as text (never read as formulas, numbers or links).

Rendering every row costs more than everything else in publishing, so rows are rendered
once per extraction batch, in its worker, as deflated, position-independent sheet XML
(``sheetpiece``). Here xlsxwriter writes only the skeleton (About, Codebook, each sheet's
header row, widths, frozen pane, filter and dimension, styles, properties), and the final
file is composed with ``zipwriter``: the skeleton's parts as they are, each table sheet
spliced as its XML up to ``</sheetData>``, its batches' pieces, and the rest. A sheet holds
whole plans (a piece is cut where each plan's rows begin, so sheets break at the same rows
whatever the batches); a plan longer than a sheet, rows without a staged piece (a batch that
lost excluded plans, tables not staged) and pieces rendered for other columns are rendered
here.
Document properties are fixed and every entry is dated 1 January 1980, so the same release
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xlsxwriter

from pipeline.release.docs import CODEBOOK_COLUMNS, codebook
from pipeline.release.explore import views
from pipeline.release.pieces import Piece, read_piece, split
from pipeline.release.sheetpiece import (
    MAX_CELL,
    MAX_WIDTH,
    SUFFIX,
    display_width,
    layout,
    render_piece,
    widths_of,
)
from pipeline.release.sqlite import table_batches
from pipeline.release.staging import StagedTables, Tables
from pipeline.release.zipwriter import ZipWriter

WORKBOOK = "rule-of-law-plans.xlsx"
MAX_ROWS = 1_048_576  # rows per sheet, the header row included
CREATED = dt.datetime(2021, 1, 1)  # fixed, so the bytes do not depend on the day


def column_letters(n: int) -> list[str]:
    """Excel's names of the first ``n`` columns: A, B, …, Z, AA, …"""
    names = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        names.append(name)
    return names


@dataclass(frozen=True)
class Source:
    """One batch's rows of a table: how many, how to read them, and their staged piece
    (None: rendered at publish)."""

    rows: int
    load: Callable[[], pa.Table]
    piece: Piece | None = None


def staged_sheets(tables: Tables) -> dict[str, list[Source]]:
    """The staged batches of every staged table, with their sheet pieces: each part's
    piece as it is, or (a part that lost excluded plans' rows) its remaining rows."""
    if not isinstance(tables, StagedTables):
        return {}
    out: dict[str, list[Source]] = {}
    for table in tables.names():
        if table in tables.extra:
            continue
        out[table] = [
            _staged_source(part, tables.excluded if tables.may_hold_excluded(part) else set())
            for part in tables.parts(table)
        ]
    return out


def _staged_source(part: Path, excluded: set[str]) -> Source:
    parquet = pq.ParquetFile(part)
    if excluded and "doc_id" in parquet.schema_arrow.names:
        docs = parquet.read(columns=["doc_id"])["doc_id"]
        keep = pc.invert(pc.is_in(docs, value_set=pa.array(sorted(excluded), pa.string())))
        kept = int(pc.sum(keep).as_py() or 0)
        if kept < len(docs):
            return Source(kept, partial(_kept_rows, part, excluded))
    piece = read_piece(part.with_suffix(SUFFIX)) if part.with_suffix(SUFFIX).exists() else None
    return Source(parquet.metadata.num_rows, partial(pq.read_table, part), piece)


def _kept_rows(part: Path, excluded: set[str]) -> pa.Table:
    rows = pq.read_table(part)
    drop = pc.is_in(rows["doc_id"], value_set=pa.array(sorted(excluded), pa.string()))
    return rows.filter(pc.invert(drop))


def _file_sources(folder: Path, resource: dict[str, Any]) -> Iterator[Source]:
    """The rows of a table that was not staged, from the release's own file: a Parquet
    file's row groups, or the whole CSV file (small tables only: rejections)."""
    if "parquet_path" in resource:
        parquet = pq.ParquetFile(folder / resource["parquet_path"])
        for i in range(parquet.num_row_groups):
            rows = parquet.metadata.row_group(i).num_rows
            yield Source(rows, partial(parquet.read_row_group, i))
        return
    batches = list(table_batches(folder, resource))
    if batches:
        rows = pa.concat_tables(batches)
        yield Source(rows.num_rows, lambda: rows)


def write_workbook(
    folder: Path,
    package: dict[str, Any],
    per_sheet: int = MAX_ROWS - 1,
    sheets: dict[str, list[Source]] | None = None,
) -> Path:
    """Write ``folder/data/rule-of-law-plans.xlsx`` from the release in ``folder``
    (``package``: its datapackage.json); returns its path. ``sheets``: the staged batches
    of the tables that have them (``staged_sheets``); other tables are read from the
    release's files. ``per_sheet``: data rows per sheet (Excel's limit; smaller in tests)."""
    path = folder / "data" / WORKBOOK
    skeleton = path.with_name(f".skeleton-{WORKBOOK}")
    book = xlsxwriter.Workbook(
        str(skeleton),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {
            "title": package.get("title", ""),
            "subject": f"release {package['version']}",
            "author": "rule-of-law-plans",
            "created": CREATED,
            "comments": "Generated from the release's Parquet files; see the About sheet.",
        }
    )
    about = book.add_worksheet("About")
    codes = book.add_worksheet("Codebook")
    resources = package["resources"]
    omit = views().get("workbook_omit", {})
    written, cut, splices = [], {}, {}
    for resource in resources:
        sources = (sheets or {}).get(resource["name"])
        if sources is None:
            sources = _file_sources(folder, resource)
        names, n, n_cut = _write_table(book, resource, sources, per_sheet, splices)
        written.append((resource, names, n))
        if n_cut:
            cut[resource["name"]] = n_cut
    _write_codebook(book, codes, {r["name"]: r["schema"] for r in resources}, omit)
    _write_about(book, about, package, written, omit, cut)
    book.close()
    try:
        _compose(skeleton, path, splices)
    finally:
        skeleton.unlink(missing_ok=True)
    return path


def _compose(skeleton: Path, path: Path, splices: dict[str, list[Piece]]) -> None:
    """The workbook ``path``: every part of ``skeleton``, each sheet in ``splices`` with
    its pieces spliced in before ``</sheetData>``."""
    with zipfile.ZipFile(skeleton) as parts, ZipWriter(path) as out:
        for info in parts.infolist():
            data = parts.read(info)
            if info.filename not in splices:
                out.add_bytes(info.filename, data)
                continue
            end = data.rfind(b"</sheetData>")
            if end < 0:
                raise ValueError(f"{skeleton}: {info.filename} has no </sheetData>")
            out.add_pieces(info.filename, [data[:end], *splices[info.filename], data[end:]])


def _write_table(
    book,
    resource: dict[str, Any],
    sources: Iterator[Source] | list[Source],
    per_sheet: int,
    splices: dict[str, list[Piece]],
) -> tuple[list[str], int, int]:
    """One table's sheets (header rows, widths, filters; their pieces in ``splices``, by
    the sheet's part in the file); returns the sheet names, rows and cut cells."""
    table = resource["name"]
    header, kinds, note = layout(resource)
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    names, n_rows, n_cut = [], 0, 0
    for index, pieces in enumerate(_sheet_pieces(sources, per_sheet, header, kinds, note)):
        rows = sum(p.meta["rows"] for p in pieces)
        widths = pieces[0].meta["widths"] if pieces else [0] * len(header)  # its first plan
        sheet = _open_sheet(book, table, index, header, widths, bold)
        sheet._check_dimensions(rows, len(header) - 1)  # <dimension>: the spliced rows too
        sheet.autofilter(0, 0, max(rows, 1), len(header) - 1)
        splices[f"xl/worksheets/sheet{len(book.worksheets())}.xml"] = pieces
        names.append(sheet.name)
        n_rows += rows
        n_cut += sum(p.meta["cut"] for p in pieces)
    return names, n_rows, n_cut


def _sheet_pieces(
    sources: Iterator[Source] | list[Source],
    per_sheet: int,
    header: list[str],
    kinds: list[str],
    note: str,
) -> list[list[Piece]]:
    """The pieces of each sheet of a table: whole plans while they fit, a new sheet when
    one does not (a batch's piece is cut where each plan's rows begin, so sheets break at
    the same rows whatever the batches); a plan longer than a sheet is rendered anew, a
    sheet's room at a time. A batch whose plans all land on one sheet stays one piece."""
    sheets: list[list[Piece]] = []
    room = 0
    for source in sources:
        if not source.rows:
            continue
        piece = _whole(source, header, kinds, note)
        placed: list[tuple[int, Piece]] = []  # (sheet, piece) of each plan, in order
        start = 0
        for plan in split(piece, piece.meta["plans"]):
            rows = plan.meta["rows"]
            if rows <= per_sheet:
                if rows > room:
                    sheets.append([])
                    room = per_sheet
                    plan = _with_widths(plan, source, start, header)
                placed.append((len(sheets) - 1, plan))
                room -= rows
            else:
                loaded, done = source.load().select(header).slice(start, rows), 0
                while done < rows:
                    if not room:
                        sheets.append([])
                        room = per_sheet
                    take = min(room, rows - done)
                    part = render_piece(loaded.slice(done, take), header, kinds, note)
                    placed += [(len(sheets) - 1, p) for p in split(part, part.meta["plans"])]
                    room, done = room - take, done + take
            start += rows
        on = {sheet for sheet, _ in placed}
        if len(on) == 1 and len(placed) == len(piece.meta["plans"]):  # the batch whole
            first = placed[0][1].meta
            meta = {"rows": source.rows, "cut": sum(p.meta["cut"] for _, p in placed)}
            sheets[on.pop()].append(replace(piece, meta=meta | {"widths": first["widths"]}))
        else:
            for sheet, plan in placed:
                sheets[sheet].append(plan)
    return sheets or [[]]


def _with_widths(plan: Piece, source: Source, start: int, header: list[str]) -> Piece:
    """``plan`` (the first on its sheet) with its widths, from its rows if not recorded."""
    if plan.meta.get("widths") is not None:
        return plan
    rows = source.load().select(header).slice(start, plan.meta["rows"])
    return replace(plan, meta=plan.meta | {"widths": widths_of(rows)})


def _whole(source: Source, header: list[str], kinds: list[str], note: str) -> Piece:
    """The staged piece of ``source`` if it was rendered for these columns, else its rows
    rendered now."""
    piece = source.piece
    wanted = {"header": header, "kinds": kinds, "note": note, "rows": source.rows}
    if (
        piece is not None
        and all(piece.meta.get(k) == v for k, v in wanted.items())
        and ("plans" in piece.meta)
    ):
        return piece
    return render_piece(source.load(), header, kinds, note)


def _open_sheet(book, table: str, index: int, header: list[str], widths: list[int], bold):
    """Sheet ``index`` of ``table`` (``table``, ``table (2)``, …): its header row, frozen,
    and column widths from the header and ``widths`` (its first rows' widest values)."""
    name = table[:31] if index == 0 else f"{table[:25]} ({index + 1})"
    sheet = book.add_worksheet(name)
    sheet.freeze_panes(1, 0)
    for i, (title, width) in enumerate(zip(header, widths, strict=True)):
        sheet.set_column(i, i, min(MAX_WIDTH, max(display_width(title) + 3, width)))
        sheet.write_string(0, i, title, bold)
    return sheet


def _write_codebook(book, sheet, schemas: dict[str, dict], omit: dict[str, list[str]]) -> None:
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    header = [*CODEBOOK_COLUMNS, "in_workbook"]
    for i, (name, width) in enumerate(zip(header, (20, 20, 9, 60, 24, 30, 30, 12), strict=True)):
        sheet.set_column(i, i, width)
        sheet.write_string(0, i, name, bold)
    sheet.freeze_panes(1, 0)
    rows = codebook(schemas)
    for r, entry in enumerate(rows, start=1):
        for c, name in enumerate(CODEBOOK_COLUMNS):
            sheet.write_string(r, c, entry[name])
        dropped = entry["column"] in omit.get(entry["table"], [])
        sheet.write_string(r, len(CODEBOOK_COLUMNS), "no (see Parquet)" if dropped else "yes")
    sheet.autofilter(0, 0, len(rows), len(header) - 1)


def _write_about(book, sheet, package, written, omit, cut) -> None:
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 100)
    lines: list[tuple[str, str]] = [
        (package.get("title", ""), ""),
        ("Release", package["version"]),
        ("License", (package.get("licenses") or [{}])[0].get("name", "")),
        ("", ""),
        (
            "What this is",
            "The tables of this release, one sheet each, built from the same files as "
            "data/*.parquet and data/*.csv. 本工作簿包含本版本的全部数据表,每表一页。",
        ),
        ("Codebook", "The sheet Codebook describes every column (English and Chinese)."),
        ("Filters", "Every sheet's header row is frozen and has filters (Data > Filter)."),
    ]
    for table, cols in omit.items():
        if any(r["name"] == table for r, _, _ in written):
            lines.append(
                (
                    "Left out",
                    f"{table}: {', '.join(cols)} (the plans' normalized full text, too long "
                    f"for Excel): see data/{table}.parquet or data/{table}.csv. "
                    "全文见 Parquet/CSV 文件。",
                )
            )
    lines.append(
        (
            "Excel's limits",
            f"A sheet holds {MAX_ROWS:,} rows: a longer table continues on '<table> (2)', … "
            f"A cell holds {MAX_CELL:,} characters: a longer value is cut and ends with a note; "
            "the Parquet file has it whole.",
        )
    )
    for table, n in cut.items():
        lines.append(("Cut cells", f"{table}: {n} value(s) cut at {MAX_CELL:,} characters"))
    lines += [("", ""), ("Sheet", "Rows")]
    for resource, names, n in written:
        lines.append((", ".join(names), f"{n:,} — {resource.get('title', '')}"))
    for r, (key, value) in enumerate(lines):
        sheet.write_string(r, 0, key, title if r == 0 else bold)
        if value:
            sheet.write_string(r, 1, value)
