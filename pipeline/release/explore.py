"""The settings in ``explore/`` (search columns, facets, labels, canned queries), applied to
one release: each entry names tables and columns, and only the entries whose tables and
columns a release has are used, so a table or column added to ``schemas/`` later switches
its entries on with no change of code.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

EXPLORE_DIR = Path(__file__).resolve().parents[2] / "explore"


@functools.cache
def _load(name: str) -> Any:
    with (EXPLORE_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def views() -> dict[str, Any]:
    """``explore/views.yaml``."""
    return _load("views.yaml")


def canned_queries() -> list[dict[str, Any]]:
    """``explore/queries.yaml``: every canned query, with what it requires."""
    return _load("queries.yaml")


def columns_in(setting: str, columns: dict[str, list[str]]) -> dict[str, list[str]]:
    """The per-table column lists of ``views()[setting]``, keeping only the tables and
    columns in ``columns`` (table -> its columns)."""
    return {
        table: [c for c in wanted if c in columns[table]]
        for table, wanted in views().get(setting, {}).items()
        if table in columns and any(c in columns[table] for c in wanted)
    }


def has_all(requires: dict[str, list[str]], columns: dict[str, list[str]]) -> bool:
    """Whether every table and column in ``requires`` is in ``columns``."""
    return all(
        table in columns and set(cols or []) <= set(columns[table])
        for table, cols in requires.items()
    )
