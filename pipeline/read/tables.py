"""Tables of Word files and web pages as text lines, task-division tables as role lines.

A task-division table (序号 | 任务 | 牵头单位 | 责任单位 | 完成时限) says for each task who
leads it and who carries it out. Rendered as the numbered item with the role lines that
plans print in text (``3.任务…`` / ``牵头单位:…`` / ``责任单位:…``), it gives the same
measures and agencies through the one role-line parser of ``pipeline/extract``, instead of a
second extraction path. Other tables become one line per row, cells separated by `` | ``.
"""

from __future__ import annotations

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
            for kind in ("number", "task", "deadline"):
                if key in words[kind] and kind not in found:
                    found[kind] = i
                    break
    has_role = any(k.startswith("role:") for k in found)
    return found if has_role and "task" in found else None


def _lines_of_cell(cell: str) -> list[str]:
    return [line.strip() for line in cell.split("\n") if line.strip()]


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Text lines of a table: a task table's rows as items with role lines, any other
    table's rows as cells joined by `` | `` (merged cells repeated by the reader once)."""
    rows = [[c.strip() for c in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    columns = _columns(rows[0])
    if columns is None:
        return [" | ".join(_dedupe(row)) for row in rows]
    lines: list[str] = []
    count = 0
    for row in rows[1:]:
        cells = _dedupe(row)
        if len(cells) == 1:  # a merged row: a category heading inside the table
            lines.extend(_lines_of_cell(cells[0]))
            continue
        task = _lines_of_cell(_cell(row, columns["task"]))
        if not task:
            continue
        count += 1
        number = _cell(row, columns.get("number"))
        number = number.rstrip(".、") if number.rstrip(".、").isdigit() else str(count)
        lines.append(f"{number}.{task[0]}")
        lines.extend(task[1:])
        for key, i in columns.items():
            if key.startswith("role:") and _cell(row, i):
                lines.append(f"{key[5:]}:{'、'.join(SPACE.split(_cell(row, i)))}")
        if _cell(row, columns.get("deadline")):
            label = _key(rows[0][columns["deadline"]])
            lines.append(f"{label}:{' '.join(_lines_of_cell(_cell(row, columns['deadline'])))}")
    return lines


def _cell(row: Sequence[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""


def _dedupe(row: Sequence[str]) -> list[str]:
    """Non-empty cells, a horizontally merged cell (repeated text) once."""
    out: list[str] = []
    for cell in row:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out
