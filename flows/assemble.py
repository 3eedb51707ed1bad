"""Combine per-plan rows into release tables, dropping duplicate plans as rejections.

Two inputs with the same normalized text are the same plan (a re-download, a copy with a
new name): the first by file name is published, the others are listed as rejected.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from flows.ingest import Rejection
from flows.plan import PlanRows
from flows.schema import available_tables, columns


def assemble_tables(
    results: list[PlanRows | Rejection], rejections: list[Rejection]
) -> tuple[dict[str, pd.DataFrame], list[Rejection]]:
    """Tables of all published plans, and every rejection (decode, structure, duplicate)."""
    rejected = list(rejections)
    plans: list[PlanRows] = []
    seen: dict[str, str] = {}
    for result in sorted(results, key=lambda r: r.source_file):
        if isinstance(result, Rejection):
            rejected.append(result)
            continue
        digest = hashlib.sha256(result.text.encode("utf-8")).hexdigest()
        if digest in seen:
            sha = result.tables["documents"][0]["source_sha256"]
            rejected.append(
                Rejection(
                    result.source_file, sha, f"duplicate of {seen[digest]} (same normalized text)"
                )
            )
            continue
        seen[digest] = result.source_file
        plans.append(result)
    tables = {}
    for table in available_tables():
        if table == "rejected":
            continue
        rows = [row for plan in plans for row in plan.tables.get(table, [])]
        tables[table] = pd.DataFrame(rows, columns=columns(table))
    rejected.sort(key=lambda r: r.source_file)
    tables["rejected"] = pd.DataFrame(
        [{"source_file": r.source_file, "sha256": r.sha256, "reason": r.reason} for r in rejected],
        columns=columns("rejected"),
    )
    return tables, rejected
