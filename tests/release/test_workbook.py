"""The Excel workbook: the seeds' release opened with openpyxl against its schemas, and a
small release written here for Excel's row and cell limits and for text that looks like a
formula or markup."""

from __future__ import annotations

import re
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.release.explore import views
from pipeline.release.sheetpiece import staged_resource
from pipeline.release.staging import StagedTables, write_part
from pipeline.release.workbook import (
    MAX_CELL,
    MAX_ROWS,
    WORKBOOK,
    column_letters,
    staged_sheets,
    write_workbook,
)
from tests.helpers import digest, read_package
from tests.release.frames import links


@pytest.fixture(scope="module")
def book(seed_release):
    folder, _ = seed_release
    package = read_package(folder)
    return folder, package, openpyxl.load_workbook(folder / "data" / WORKBOOK)


def test_sheets_headers_and_rows_match_the_release(book):
    folder, package, wb = book
    names = [r["name"] for r in package["resources"]]
    assert wb.sheetnames == ["About", "Codebook", *names]
    omit = views()["workbook_omit"]
    for resource in package["resources"]:
        sheet = wb[resource["name"]]
        header = [c.value for c in sheet[1]]
        fields = [f["name"] for f in resource["schema"]["fields"]]
        assert header == [f for f in fields if f not in omit.get(resource["name"], [])]
        assert sheet.freeze_panes == "A2"
        if "parquet_path" not in resource:
            continue
        frame = pd.read_parquet(folder / resource["parquet_path"])
        assert sheet.max_row == len(frame) + 1
        assert sheet.auto_filter.ref == f"A1:{column_letters(len(header))[-1]}{len(frame) + 1}"
        assert all(sheet.column_dimensions[letter].width >= 5 for letter in "AB")
    documents = wb["documents"]
    titles = [row[header_index(documents, "title")] for row in rows(documents)]
    assert titles == pd.read_parquet(folder / "data/documents.parquet")["title"].tolist()
    assert any("法治" in t for t in titles)  # Chinese text as written


def header_index(sheet, name: str) -> int:
    return [c.value for c in sheet[1]].index(name)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_codebook_lists_every_column_of_every_schema(book):
    _, package, wb = book
    codebook = wb["Codebook"]
    header = [c.value for c in codebook[1]]
    entries = [dict(zip(header, row, strict=True)) for row in rows(codebook)]
    expected = [
        (
            r["name"],
            f["name"],
            f["type"],
            f.get("description") or None,
            f.get("description_zh") or None,
        )
        for r in package["resources"]
        for f in r["schema"]["fields"]
    ]
    got = [
        (e["table"], e["column"], e["type"], e["description"], e["description_zh"]) for e in entries
    ]
    assert got == expected
    plan_type = next(e for e in entries if (e["table"], e["column"]) == ("documents", "plan_type"))
    assert plan_type["allowed_values"] == "society, government, rule_of_law_overall, other"
    text = next(e for e in entries if (e["table"], e["column"]) == ("documents", "text"))
    assert text["in_workbook"].startswith("no")
    about = " ".join(str(v) for row in wb["About"].iter_rows(values_only=True) for v in row if v)
    assert "documents.parquet" in about and package["version"] in about


def small_release(tmp_path, values: list[str]) -> tuple:
    """A release folder of one table, ``notes`` (id, text, n, ok), written here."""
    (tmp_path / "data").mkdir(parents=True)
    frame = pa.table(
        {
            "id": [f"r{i}" for i in range(len(values))],
            "text": values,
            "n": [i if i % 3 else None for i in range(len(values))],
            "ok": [i % 2 == 0 for i in range(len(values))],
        }
    )
    pq.write_table(frame, tmp_path / "data" / "notes.parquet")
    fields = [
        {"name": "id", "type": "string", "description": "id", "description_zh": "编号"},
        {"name": "text", "type": "string", "description": "text", "description_zh": "原文"},
        {"name": "n", "type": "integer", "description": "a count"},
        {"name": "ok", "type": "boolean", "description": "a flag"},
    ]
    resource = {
        "name": "notes",
        "title": "Notes",
        "path": "data/notes.csv",
        "parquet_path": "data/notes.parquet",
        "schema": {"fields": fields, "primaryKey": ["id"]},
    }
    return tmp_path, {"version": "0.1.0", "title": "test", "resources": [resource]}


def test_long_tables_continue_on_more_sheets_and_long_cells_are_cut(tmp_path):
    values = ["宪法公园"] * 6 + ["法" * (MAX_CELL + 10)]
    folder, package = small_release(tmp_path, values)
    wb = openpyxl.load_workbook(write_workbook(folder, package, per_sheet=3))
    assert wb.sheetnames == ["About", "Codebook", "notes", "notes (2)", "notes (3)"]
    got = [row for name in wb.sheetnames[2:] for row in rows(wb[name])]
    assert [row[0] for row in got] == [f"r{i}" for i in range(7)]
    assert [row[2] for row in got] == [None, 1, 2, None, 4, 5, None]
    assert [row[3] for row in got] == [True, False, True, False, True, False, True]
    assert [c.value for c in wb["notes (3)"][1]] == ["id", "text", "n", "ok"]
    cut = got[-1][1]
    assert len(cut) == MAX_CELL and cut.endswith("full text in data/notes.parquet]")
    about = " ".join(str(v) for row in wb["About"].iter_rows(values_only=True) for v in row if v)
    assert "notes: 1 value(s) cut" in about


def test_formulas_markup_and_control_characters_stay_text(tmp_path):
    values = ['=HYPERLINK("http://x","y")', "<script>alert(1)</script> & <b>", "a\x01b", " 前后 "]
    folder, package = small_release(tmp_path, values)
    sheet = openpyxl.load_workbook(write_workbook(folder, package))["notes"]
    cells = [sheet.cell(row=r, column=2) for r in range(2, 6)]
    assert [c.value for c in cells] == [values[0], values[1], "ab", " 前后 "]
    assert all(c.data_type == "s" for c in cells)


def test_the_same_release_gives_the_same_workbook_bytes(tmp_path):
    first, package = small_release(tmp_path / "a", ["宪法"] * 5)
    second, _ = small_release(tmp_path / "b", ["宪法"] * 5)
    write_workbook(first, package)
    write_workbook(second, package)
    assert digest(first / "data")[WORKBOOK] == digest(second / "data")[WORKBOOK]


def test_staged_pieces_are_spliced_whole_and_match_rows_rendered_from_the_release(tmp_path):
    """Batches staged as sheet pieces (one losing an excluded plan's rows, so rendered at
    publish) give the same cells as the release's Parquet file; a sheet holds whole
    batches, and a batch longer than a sheet is rendered anew across sheets."""
    staging, folder = tmp_path / "staging", tmp_path / "release"
    frames = [links("d0", 4), pd.concat([links("d1", 3), links("dup", 2)]), links("d2", 5)]
    for n, frame in enumerate(frames):
        write_part(staging, n, "measure_agencies", frame)
    tables = StagedTables(staging, ["measure_agencies"], excluded_docs={"dup"})
    (folder / "data").mkdir(parents=True)
    kept = tables.read("measure_agencies")
    pq.write_table(pa.Table.from_pandas(kept, preserve_index=False), folder / "data/x.parquet")
    resource = staged_resource("measure_agencies") | {"parquet_path": "data/x.parquet"}
    package = {"version": "0.1.0", "title": "test", "resources": [resource]}
    expected = [tuple(r) for r in kept.itertuples(index=False)]
    for per_sheet, sizes in ((6, [4, 3, 5]), (4, [4, 4, 4]), (3, [3, 1, 3, 3, 2])):
        resource["parquet_path"] = "data/measure_agencies.parquet"  # what batches rendered
        staged = write_workbook(folder, package, per_sheet, staged_sheets(tables))
        wb = openpyxl.load_workbook(staged)
        got = [rows(wb[name]) for name in wb.sheetnames[2:]]
        assert [len(sheet) for sheet in got] == sizes
        assert [row for sheet in got for row in sheet] == expected
        assert wb.sheetnames[2:4] == ["measure_agencies", "measure_agencies (2)"]
    subprocess.run(["unzip", "-tq", str(staged)], check=True, capture_output=True)
    with zipfile.ZipFile(staged) as book:
        pieced = book.read("xl/worksheets/sheet3.xml")
    resource["parquet_path"] = "data/x.parquet"
    with zipfile.ZipFile(write_workbook(folder, package)) as book:
        whole = book.read("xl/worksheets/sheet3.xml")
    pieced, whole = (re.search(rb"</row>(.*)</sheetData>", x, re.S)[1] for x in (pieced, whole))
    assert pieced and whole.startswith(pieced)  # the first sheet's rows, the same XML
    assert b" r=" not in pieced  # positions left out


def test_the_workbook_has_the_same_bytes_whatever_the_batches(tmp_path):
    """Pieces are deflated, and sheets broken, plan by plan."""
    plans = [links(f"d{i}", n) for i, n in enumerate((3, 0, 5, 1, 4))]
    books = []
    for name, groups in (("one", [plans]), ("three", [plans[:1], plans[1:4], plans[4:]])):
        staging, folder = tmp_path / name / "staging", tmp_path / name / "release"
        for n, group in enumerate(groups):
            write_part(staging, n, "measure_agencies", pd.concat(group))
        (folder / "data").mkdir(parents=True)
        package = {
            "version": "0.1.0",
            "title": "t",
            "resources": [staged_resource("measure_agencies")],
        }
        tables = StagedTables(staging, ["measure_agencies"])
        for per_sheet in (MAX_ROWS - 1, 6):  # 6: sheets break inside a batch, at a plan
            book = write_workbook(folder, package, per_sheet, staged_sheets(tables))
            books.append((per_sheet, book.read_bytes(), openpyxl.load_workbook(book).sheetnames))
    assert books[:2] == books[2:]
    assert len(books[1][2]) == 2 + 3
