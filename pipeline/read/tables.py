"""Tables of Word files, web pages and PDFs as text lines, task-division tables as role lines.

A task-division table (序号 | 任务 | 牵头单位 | 责任单位 | 完成时限) says for each task who
leads it and who carries it out. Rendered as the numbered item with the role lines that
plans print in text (``3.任务…,完成时限:…。`` / ``牵头单位:…`` / ``责任单位:…``), it gives the same
measures and agencies through the one role-line parser of ``pipeline/extract``, instead of a
second extraction path. Other tables become one line per row, cells separated by `` | ``.
A PDF's table runs over pages, often without its header on the next page, and its cells'
lines are where the cell width broke them: ``TableRun`` carries the header over, and
``unwrap_cells`` joins the lines back. A table a copy flattened to one cell a line (序号 /
任务 / 牵头单位 / … / 1 / 任务… / 市司法局 / …) is read back row by row from its numbers
(``cell_per_line_table``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from pipeline.vocab import load_yaml

SPACE = re.compile(r"\s+")


def _key(cell: str) -> str:
    return SPACE.sub("", cell).rstrip(":：")


def _role_labels() -> set[str]:
    labels = load_yaml("agency_roles.yaml")["role_labels"]
    return {label for names in labels.values() for label in names}


def _columns(header: Sequence[str]) -> dict[str, int] | None:
    """Column of number, task, deadline and each role label, if ``header`` is a task table's."""
    words = load_yaml("readers.yaml")["task_table"]
    roles = _role_labels()
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _key(cell)
        if key in roles:
            found.setdefault(f"role:{key}", i)
        else:
            for kind in ("number", "task", "measure", "category", "deadline"):
                if key in words[kind] and kind not in found:
                    found[kind] = i
                    break
    if "measure" in found:  # the measures' own column: the task column is their category
        if "task" in found:
            found.setdefault("category", found["task"])
        found["task"] = found.pop("measure")
    has_role = any(k.startswith("role:") for k in found)
    return found if has_role and "task" in found else None


def is_task_header(cells: Sequence[str]) -> bool:
    """Whether ``cells`` are a task-division table's header (a task column and a role one)."""
    return _columns([c.strip() for c in cells]) is not None


def _lines_of_cell(cell: str) -> list[str]:
    return [line.strip() for line in cell.split("\n") if line.strip()]


def _header(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The header and the rows below it. A header of two rows (责任单位 merged over
    牵头单位 | 配合单位, the readers repeating a merged cell in each row and column it spans,
    a PDF's leaving it empty) is read as one: each column named by its lower cell where
    that is a role label."""
    if len(rows) > 1 and len(rows[1]) == len(rows[0]):
        roles = _role_labels()
        upper, lower = rows[0], rows[1]
        named = [i for i, (a, b) in enumerate(zip(upper, lower, strict=True)) if _key(b) in roles]
        # the other columns' upper cells merged down (repeated, or empty in a PDF's table)
        rest_repeated = all(lower[i] in ("", upper[i]) for i in range(len(upper)) if i not in named)
        if named and rest_repeated and any(_key(upper[i]) != _key(lower[i]) for i in named):
            return [lower[i] if i in named else upper[i] for i in range(len(upper))], rows[2:]
    return rows[0], rows[1:]


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Text lines of a table: a task table's rows as items with role lines, any other
    table's rows as cells joined by `` | `` (merged cells repeated by the reader once)."""
    rows = [[c.strip() for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    header, body = _header(rows)
    columns = _columns(header)
    if columns is None:
        indicators = _indicator_columns(header)
        if indicators is not None:
            return [" | ".join(_dedupe(header)), *_indicator_lines(header, body, indicators)]
        return [" | ".join(_dedupe(row)) for row in rows]
    lines: list[str] = []
    count = 0
    category = ""
    for row in body:
        cells = _dedupe(row)
        if len(cells) == 1:  # a merged row: a category heading inside the table
            lines.extend(_lines_of_cell(cells[0]))
            continue
        task = _lines_of_cell(_cell(row, columns["task"]))
        if not task:
            continue
        if _cell(row, columns.get("category")) not in ("", category):
            category = _cell(row, columns["category"])  # merged down its measures: once
            lines.extend(_lines_of_cell(category))
        count += 1
        number = _cell(row, columns.get("number"))
        number = number.rstrip(".、") if number.rstrip(".、").isdigit() else str(count)
        deadline = " ".join(_lines_of_cell(_cell(row, columns.get("deadline"))))
        if deadline:  # the task's own deadline, in its sentence: …,完成时限:2022年底前。
            task[-1] = _with_clause(task[-1], f"{_key(header[columns['deadline']])}:{deadline}")
        lines.append(f"{number}.{task[0]}")
        lines.extend(task[1:])
        for key, i in columns.items():
            if key.startswith("role:") and _cell(row, i):
                lines.append(f"{key[5:]}:{_names_of_cell(_cell(row, i))}")
    return lines


_LIST_END = tuple("、,，;；")


def _names_of_cell(cell: str) -> str:
    """A role cell's names as one list: its lines (or space-separated parts) joined by 、,
    but not after a line that ends its list item already (市财政局、 / 市自然资源局)."""
    out = ""
    for part in SPACE.split(cell.strip()):
        out += part if not out or out.endswith(_LIST_END) else f"、{part}"
    return out


_YEAR_HEADER = re.compile(r"((?:19|20)\d{2})年")
_UNIT_IN_NAME = re.compile(r"[(（]([^()（）]{1,4})[)）]$")  # 审核率(%), 年办理量(件)
_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _indicator_columns(header: Sequence[str]) -> dict[str, int] | None:
    """Columns of indicator, unit, baseline and target, if ``header`` is an indicator
    table's (vocab/readers.yaml indicator_table): an indicator and a target column."""
    words = load_yaml("readers.yaml")["indicator_table"]
    keys = [_key(cell) for cell in header]
    found: dict[str, int] = {}
    years: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if key in words["indicator"] and "indicator" not in found:
            found["indicator"] = i
        elif key in words["unit"] and "unit" not in found:
            found["unit"] = i
        elif any(w in key for w in words["baseline"]):
            found.setdefault("baseline", i)
        elif any(w in key for w in words["target"]):
            found.setdefault("target", i)
        year = _YEAR_HEADER.match(key)
        if year:
            years.append((int(year.group(1)), i))
    if "target" not in found and len(years) >= 2:  # 2020年 | 2025年: the later is the target
        found["target"] = max(years)[1]
    earlier = [i for _, i in sorted(years) if i != found.get("target")]
    if earlier:
        found.setdefault("baseline", earlier[0])  # 2020年 | 2025年目标
    return found if "indicator" in found and "target" in found else None


def _indicator_lines(
    header: Sequence[str], body: Sequence[Sequence[str]], columns: dict[str, int]
) -> list[str]:
    """An indicator table's rows: value cells led by their header, the unit after the
    target's number (95以上 -> 2025年目标95%以上), so the row is one clause dated by the
    target's year."""
    lines = []
    for row in body:
        if _key(_cell(row, columns["target"])) == _key(header[columns["target"]]):
            # the header's second row (指标 merged over 一级指标 | 二级指标): names its columns
            named = [i for i, cell in enumerate(row) if _key(cell).endswith("指标")]
            columns = {**columns, "indicator": named[-1]} if named else columns
            lines.append(" | ".join(_dedupe(row)))
            continue
        indicator = _cell(row, columns["indicator"])
        unit = _cell(row, columns.get("unit"))
        named = _UNIT_IN_NAME.search(indicator)
        unit = unit or (named.group(1) if named else "")
        parts = []
        for i, cell in enumerate(row):
            if not cell or i == columns.get("unit"):
                continue
            if i == columns["target"]:
                number = _FIRST_NUMBER.search(cell)
                if number and unit and unit not in cell:
                    cell = cell[: number.end()] + unit + cell[number.end() :]
            if i in (columns["target"], columns.get("baseline")):
                cell = f"{_key(header[i])}{cell}"  # 2025年目标95%以上, 2020年85
            parts.append(cell)
        if parts:
            lines.append(" | ".join(parts))
    return lines


def _with_clause(line: str, clause: str) -> str:
    """``line`` with ``clause`` as its last clause, before its closing stop."""
    if line.endswith(("。", ";", "；")):
        return f"{line[:-1]},{clause}{line[-1]}"
    return f"{line},{clause}"



_NAME_START = tuple("省市区县州盟旗各全本")  # a name in a role cell opens with one of these


@functools.cache
def _org_endings() -> tuple[str, ...]:
    return tuple(load_yaml("agency_roles.yaml")["org_suffixes"])


def unwrap_cells(rows: Sequence[Sequence[str | None]], header: Sequence[str]) -> list[list[str]]:
    """Rows of a PDF table with the lines the cell width broke joined back: a header or task
    cell is one run of text; in a role cell (one agency a line), a line that opens no name
    (区…, 各…) continues the one before it when that one ends no organisation's name (局,
    委, 中心…) or the line is one character (no name is): 区直机关工 / 委 is 区直机关工委,
    区直相关部 / 门 is 区直相关部门; a line stopped inside a name's brackets or after its
    prefix goes on in the next whatever that opens with (各县(市、 / 区)人民政府)."""
    columns = _columns([SPACE.sub("", c or "") for c in header]) or {}
    roles = {i for key, i in columns.items() if key.startswith("role:")}
    out: list[list[str]] = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            lines = [ln.strip() for ln in (cell or "").split("\n") if ln.strip()]
            if i not in roles:
                cells.append("".join(lines))
                continue
            names: list[str] = []
            for line in lines:
                wrapped = bool(names) and (
                    len(line) == 1 or not names[-1].endswith(_org_endings())
                )
                if names and _open_name(names[-1]) or wrapped and not line.startswith(_NAME_START):
                    names[-1] += line
                else:
                    names.append(line)
            cells.append("\n".join(names))
        out.append(cells)
    return out


_OPENING, _CLOSING = "(（", ")）"
_NAME_PREFIXES = tuple("各全本")  # …，各 / 县(市、区)人民政府: the prefix of the next line's name


def _open_name(line: str) -> bool:
    """Whether a role cell's line stops inside a name: in its brackets (各县(市、 / 区)人民政府)
    or right after a prefix that opens one (市人大常委会办公室,各 / 县(市、区)党委和政府)."""
    depth = sum(c in _OPENING for c in line) - sum(c in _CLOSING for c in line)
    return depth > 0 or line.endswith(_NAME_PREFIXES) and not line.endswith(_org_endings())


class TableRun:
    """The tables of a PDF in page order, as text lines: a table that opens a page with no
    header of its own, as wide as the task-division table that ended the page before, goes
    on with that table's header."""

    def __init__(self) -> None:
        self.header: list[str] | None = None  # of the task table the last page ended in

    def lines(self, rows: Sequence[Sequence[str | None]], opens_page: bool) -> list[str]:
        first = [SPACE.sub("", c or "") for c in rows[0]] if rows else []
        if first and _columns(first) is not None:
            self.header = first
            return table_lines([first, *unwrap_cells(rows[1:], first)])
        header = self.header
        if header is not None and opens_page and len(first) == len(header):
            return table_lines([header, *unwrap_cells(rows, header)])
        self.header = None
        return table_lines(unwrap_cells(rows, first))


def _cell(row: Sequence[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""


def _dedupe(row: Sequence[str]) -> list[str]:
    """Non-empty cells, a horizontally merged cell (repeated text) once."""
    out: list[str] = []
    for cell in row:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


HEADER_CELL_MAX = 8  # characters of a header cell (序号, 牵头单位, 完成时限…)
ROW_NUMBER = re.compile(r"(\d{1,3})[.、]?")
DEADLINE_CELL = re.compile(r"(?:19|20)\d{2}|[年月]|长期|持续|常态|前$|底$")


def _header_cell(line: str) -> bool:
    key = _key(line)
    if not key or len(key) > HEADER_CELL_MAX:
        return False
    words = load_yaml("readers.yaml")["task_table"]
    return key in _role_labels() or any(key in words[kind] for kind in words)


def cell_per_line_table(lines: Sequence[str], i: int) -> tuple[list[list[str]], int] | None:
    """The rows (header first) of a task table whose cells stand one a line from line ``i``
    on, and the index of the line after it; None when no such table starts there.

    The header is a run of header cells opening with the number column (序号); each row
    opens with its number, 1, 2, 3… in turn, so a task cell wrapped over lines or a cell
    left empty does not shift the rows after it: a row with more lines than columns has
    the extra ones in its task cell, one with fewer has its deadline where a line reads as
    one (2022年底前, 长期坚持) and its other cells in order. The last row has one line a
    column at most."""
    header: list[str] = []
    j = i
    while j < len(lines) and _header_cell(lines[j]):
        header.append(_key(lines[j]))
        j += 1
    columns = _columns(header) if len(header) >= 3 else None
    if columns is None or columns.get("number") != 0 or "category" in columns:
        return None
    width = len(header) - 1  # cells after the number
    rows: list[list[str]] = [header]
    number = 1
    while j < len(lines) and _row_number(lines[j]) == number:
        end = j + 1  # the next row's number, looked for a few rows' lines ahead at most
        while end < len(lines) and end - j <= 3 * width and _row_number(lines[end]) != number + 1:
            end += 1
        more = end < len(lines) and _row_number(lines[end]) == number + 1
        if not more:  # the table's last row: one line a column at most
            end = min(j + 1 + width, len(lines))
        rows.append([str(number), *_row_cells(list(lines[j + 1 : end]), columns, width)])
        number, j = number + 1, end
        if not more:
            break
    return (rows, j) if len(rows) > 1 else None


def _row_number(line: str) -> int | None:
    m = ROW_NUMBER.fullmatch(line.strip())
    return int(m.group(1)) if m else None


def _row_cells(cells: list[str], columns: dict[str, int], width: int) -> list[str]:
    """A row's cells after its number, as many as the header's columns."""
    task = columns["task"] - 1
    if len(cells) > width:  # a task cell wrapped over lines
        extra = len(cells) - width
        cells = cells[:task] + ["".join(cells[task : task + extra + 1])] + cells[task + extra + 1 :]
    elif len(cells) < width and "deadline" in columns:
        deadline = columns["deadline"] - 1
        dated = [k for k, cell in enumerate(cells) if k != task and DEADLINE_CELL.search(cell)]
        if dated:  # the deadline in its column, the rest in order around it
            cell = cells.pop(dated[-1])
            cells = (cells + [""] * width)[: width - 1]
            cells.insert(deadline, cell)
    return (cells + [""] * width)[:width]


def _cells(line: str) -> list[str] | None:
    """A line's cells when it is a table's row (tab- or ``|``-separated), else None."""
    if "\t" in line.strip():
        return [c.strip() for c in line.strip().split("\t")]
    if line.count("|") >= 2:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return None


@functools.cache
def _number_header() -> re.Pattern[str]:
    """A line that is a number column's header cell alone (序号): where a table flattened to
    one cell a line may start (a literal line break opens the search: it is fast)."""
    words = "|".join(load_yaml("readers.yaml")["task_table"]["number"])
    return re.compile(rf"\n[ \t]*(?:{words})[ \t]*\r?\n")


def tables_in_text(text: str) -> str:
    """The text with each task table among its lines rendered as items with role lines: a
    table copied into text keeps its rows as lines and its cells apart by tabs (from Word or
    a page) or by ``|`` (a scraper's or a wiki's rendering), or has them one a line (a
    mirror's copy: ``cell_per_line_table``)."""
    number_header = _number_header()
    numbered = bool(number_header.search(f"\n{text[:16]}") or number_header.search(text))
    if "\t" not in text and "|" not in text and not numbered:
        return text
    lines = text.split("\n")
    # the non-blank lines, stripped, and where each stands: a flattened table's cells may
    # have blank lines between them
    filled = [k for k, line in enumerate(lines) if line.strip()] if numbered else []
    cells = [lines[k].strip() for k in filled]
    position = {k: n for n, k in enumerate(filled)}
    out: list[str] = []
    i, changed = 0, False
    while i < len(lines):
        header = _cells(lines[i])
        if header and len(header) >= 3 and is_task_header(header):
            rows, i = [header], i + 1
            while i < len(lines) and (row := _cells(lines[i])) and len(row) >= 2:
                rows.append(row)
                i += 1
            out.extend(table_lines(rows))
            changed = True
            continue
        found = cell_per_line_table(cells, position[i]) if i in position else None
        if found:
            rows, after = found
            out.extend(table_lines(rows))
            i = filled[after] if after < len(filled) else len(lines)
            changed = True
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out) if changed else text
