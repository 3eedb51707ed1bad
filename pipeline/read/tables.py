"""Tables of Word files, web pages and PDFs as text lines, task-division tables as role lines.

A task-division table (序号 | 任务 | 牵头单位 | 责任单位 | 完成时限) says for each task who
leads it and who carries it out. Rendered as the numbered item with the role lines that
plans print in text (``3.任务…,完成时限:…。`` / ``牵头单位:…`` / ``责任单位:…``), it gives the same
measures and agencies through the one role-line parser of ``pipeline/extract``, instead of a
second extraction path. Other tables become one line per row, cells separated by `` | ``.
A PDF's table runs over pages, often without its header on the next page, and its cells'
lines are where the cell width broke them: ``TableRun`` carries the header over, and
``unwrap_cells`` joins the lines back.
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
                lines.append(f"{key[5:]}:{'、'.join(SPACE.split(_cell(row, i)))}")
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
    区直相关部 / 门 is 区直相关部门."""
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
                if wrapped and not line.startswith(_NAME_START):
                    names[-1] += line
                else:
                    names.append(line)
            cells.append("\n".join(names))
        out.append(cells)
    return out


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
