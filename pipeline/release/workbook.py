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

Written with xlsxwriter in constant-memory mode (rows go to disk a chunk of 20,000 at a time,
rendered by Arrow, see ``_Sheet``), from the release's own files, with fixed document
properties: xlsxwriter dates the parts of the file 1 January 1980, so the same release gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipeline.release.docs import CODEBOOK_COLUMNS, codebook
from pipeline.release.explore import views
from pipeline.release.sqlite import table_batches

WORKBOOK = "rule-of-law-plans.xlsx"
MAX_ROWS = 1_048_576  # rows per sheet, the header row included
MAX_CELL = 32_767  # characters per cell
CREATED = dt.datetime(2021, 1, 1)  # fixed, so the bytes do not depend on the day
MAX_WIDTH = 60


def cut_note(path: str) -> str:
    return f" …[cut at Excel's {MAX_CELL:,}-character cell limit; full text in {path}]"


def display_width(value: Any) -> int:
    """Width of ``value`` in Excel's character units (a Chinese character counts 2)."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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


class _Sheet(Worksheet):
    """A constant-memory worksheet that also takes rows as ready-made XML.

    xlsxwriter spends ~25 µs per cell in Python (two minutes for a 1,000-plan release);
    the rows are rendered here with Arrow's string kernels instead (see ``rows_xml``), and
    xlsxwriter writes everything else: header, widths, panes, filters, styles, the file."""

    def write_xml_rows(self, first_row: int, n_rows: int, n_cols: int, xml: str) -> None:
        self._write_single_row(first_row)  # the pending row (the header) first
        self._check_dimensions(first_row + n_rows - 1, n_cols - 1)
        self.fh.write(xml)
        self.previous_row = first_row + n_rows  # nothing pending


_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"  # not allowed in XML (RE2 syntax)


def rows_xml(batch: pa.Table, kinds: list[str], first_row: int, note: str) -> tuple[str, int]:
    """SpreadsheetML ``<row>`` elements for ``batch`` (one column per kind), from sheet row
    ``first_row`` (0-based); strings as inline text, never formulas. Returns the XML and the
    number of values cut at ``MAX_CELL`` characters."""
    n = batch.num_rows
    numbers = pa.array(range(first_row + 1, first_row + n + 1)).cast(pa.string())
    cells, n_cut = [], 0
    for letter, kind, column in zip(column_letters(len(kinds)), kinds, batch.columns, strict=True):
        ref = pc.binary_join_element_wise(f'<c r="{letter}', numbers, "")
        if kind in ("integer", "number"):
            values = column.cast(pa.float64()) if kind == "number" else column
            valid = pc.and_(pc.is_valid(values), pc.invert(pc.is_nan(values.cast(pa.float64()))))
            body = pc.binary_join_element_wise('"><v>', values.cast(pa.string()), "</v></c>", "")
        elif kind == "boolean":
            valid = pc.is_valid(column)
            flag = column.cast(pa.int8()).cast(pa.string())
            body = pc.binary_join_element_wise('" t="b"><v>', flag, "</v></c>", "")
        else:
            text = column.cast(pa.string())
            valid = pc.is_valid(text)
            long = pc.greater(pc.utf8_length(text), MAX_CELL)
            cut = int(pc.sum(long).as_py() or 0)
            if cut:
                short = pc.utf8_slice_codeunits(text, 0, MAX_CELL - len(note))
                text = pc.if_else(long, pc.binary_join_element_wise(short, note, ""), text)
                n_cut += cut
            text = pc.replace_substring_regex(text, _CONTROL, "")
            for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
                text = pc.replace_substring(text, char, entity)
            body = pc.binary_join_element_wise(
                '" t="inlineStr"><is><t xml:space="preserve">', text, "</t></is></c>", ""
            )
        cell = pc.binary_join_element_wise(ref, body, "")
        cells.append(pc.if_else(valid, cell, "").fill_null(""))
    rows = pc.binary_join_element_wise(
        pc.binary_join_element_wise('<row r="', numbers, '">', ""), *cells, "</row>", ""
    )
    return "".join(rows.to_pylist()), n_cut


def write_workbook(folder: Path, package: dict[str, Any], per_sheet: int = MAX_ROWS - 1) -> Path:
    """Write ``folder/data/rule-of-law-plans.xlsx`` from the release in ``folder``
    (``package``: its datapackage.json); returns its path. ``per_sheet``: data rows per
    sheet (Excel's limit; smaller only in tests)."""
    path = folder / "data" / WORKBOOK
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            # a sheet of a large release passes 2 GiB inside the zip (10,000 plans failed
            # with "File size too large, try using force_zip64" without it)
            "use_zip64": True,
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
    written, cut = [], {}
    for resource in resources:
        names, n, n_cut = _write_table(book, folder, resource, omit, per_sheet)
        written.append((resource, names, n))
        if n_cut:
            cut[resource["name"]] = n_cut
    _write_codebook(book, codes, {r["name"]: r["schema"] for r in resources}, omit)
    _write_about(book, about, package, written, omit, cut)
    book.close()
    return path


def _write_table(
    book, folder: Path, resource: dict[str, Any], omit: dict[str, list[str]], per_sheet: int
) -> tuple[list[str], int, int]:
    """One table's rows on its sheets; returns the sheet names, rows and cut cells."""
    table = resource["name"]
    fields = [f for f in resource["schema"]["fields"] if f["name"] not in omit.get(table, [])]
    header, kinds = [f["name"] for f in fields], [f["type"] for f in fields]
    note = cut_note(resource.get("parquet_path", resource["path"]))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    names, sheet, on_sheet, n_rows, n_cut = [], None, 0, 0, 0

    def close(sheet, rows: int) -> None:
        sheet.autofilter(0, 0, max(rows, 1), len(header) - 1)

    for batch in table_batches(folder, resource):
        batch = batch.select(header)
        while batch.num_rows:
            if sheet is None or on_sheet == per_sheet:
                if sheet is not None:
                    close(sheet, on_sheet)
                sheet, on_sheet = _open_sheet(book, table, len(names), header, batch, bold), 0
                names.append(sheet.name)
            take = batch.slice(0, per_sheet - on_sheet)
            xml, cut = rows_xml(take, kinds, on_sheet + 1, note)
            sheet.write_xml_rows(on_sheet + 1, take.num_rows, len(header), xml)
            on_sheet += take.num_rows
            n_rows += take.num_rows
            n_cut += cut
            batch = batch.slice(take.num_rows)
    if sheet is None:
        sheet = _open_sheet(book, table, 0, header, None, bold)
        names.append(sheet.name)
    close(sheet, on_sheet)
    return names, n_rows, n_cut


def _open_sheet(book, table: str, index: int, header: list[str], sample, bold) -> _Sheet:
    """Sheet ``index`` of ``table`` (``table``, ``table (2)``, …): its header row, frozen,
    and column widths from the header and the first rows of ``sample``."""
    name = table[:31] if index == 0 else f"{table[:25]} ({index + 1})"
    sheet = book.add_worksheet(name, worksheet_class=_Sheet)
    sheet.freeze_panes(1, 0)
    first = sample.slice(0, 200).to_pylist() if sample is not None else []
    for i, title in enumerate(header):
        values = (str(r[title])[:MAX_WIDTH] for r in first if r[title] is not None)
        width = max([display_width(title) + 3, *map(display_width, values)])
        sheet.set_column(i, i, min(MAX_WIDTH, width))
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
