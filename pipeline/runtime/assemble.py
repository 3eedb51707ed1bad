"""Combine the batches of one run: drop duplicate plans, gather rejections, merge checks.

Two inputs with the same normalized text are the same plan (a re-download, a re-encoded or
renamed copy): the first by file name is published, the others are listed as rejected.
Everything here works on the small per-plan summaries, never on the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.read.ingest import Rejection
from pipeline.release.checks import HELD_BACK, CheckResult, merge_checks
from pipeline.release.schema import columns, plan_tables
from pipeline.release.staging import StagedTables
from pipeline.runtime.batch import BatchResult, outline_frame


@dataclass
class Assembly:
    """The candidate release: which staged plans it holds, what was rejected, checks so far."""

    published: list[str] = field(default_factory=list)  # doc_ids
    excluded: set[str] = field(default_factory=set)  # staged doc_ids left out (duplicates)
    excluded_batches: set[int] = field(default_factory=set)  # the batches that staged them
    rejected: list[Rejection] = field(default_factory=list)
    held_back: list[Rejection] = field(default_factory=list)  # rejected by a row-level check
    checks: list[CheckResult] = field(default_factory=list)
    cache_hits: int = 0
    batch_keys: dict[int, str] = field(default_factory=dict)  # batch number -> cache key
    unvalidated: list[int] = field(default_factory=list)  # batches not yet through GX
    staged_rows: dict[str, int] = field(default_factory=dict)  # rows per table, all batches


def combine_batches(batches: list[BatchResult], rejections: list[Rejection]) -> Assembly:
    """Published plans, duplicates and rejections of a run, in file-name order."""
    out = Assembly(rejected=list(rejections))
    batches = sorted(batches, key=lambda b: b.batch)  # they may finish in any order
    seen: dict[str, str] = {}
    batch_of = {p.source_file: b.batch for b in batches for p in b.plans}
    plans = sorted((p for b in batches for p in b.plans), key=lambda p: p.source_file)
    for plan in plans:
        if plan.rejection:
            out.rejected.append(Rejection(plan.source_file, plan.sha256, plan.rejection))
            if plan.held_back:
                out.held_back.append(out.rejected[-1])
        elif plan.text_sha256 in seen:
            reason = f"duplicate of {seen[plan.text_sha256]} (same normalized text)"
            out.rejected.append(Rejection(plan.source_file, plan.sha256, reason))
            out.excluded.add(plan.doc_id)
            out.excluded_batches.add(batch_of[plan.source_file])
        else:
            seen[plan.text_sha256] = plan.source_file
            out.published.append(plan.doc_id)
    out.rejected.sort(key=lambda r: r.source_file)
    out.checks = merge_checks([c for b in batches for c in b.checks])
    if out.held_back:  # passed: the release publishes without them; the report lists them
        out.checks.append(
            CheckResult(
                check="plans whose own rows failed a row-level check are left out",
                table="documents",
                passed=True,
                failed_rows=[r.source_file for r in out.held_back],
                samples=[r.reason for r in out.held_back],
                n_failed=len(out.held_back),
                source=HELD_BACK,
            )
        )
    out.cache_hits = sum(b.cache_hits for b in batches)
    out.batch_keys = {b.batch: b.key for b in batches}
    out.unvalidated = sorted(b.batch for b in batches if not b.expectations_passed)
    for b in batches:
        for table, n in b.rows.items():
            out.staged_rows[table] = out.staged_rows.get(table, 0) + n
    return out


def rejected_frame(rejected: list[Rejection]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"source_file": r.source_file, "sha256": r.sha256, "reason": r.reason} for r in rejected],
        columns=columns("rejected"),
    )


def staged_tables(staging: Path, assembly: Assembly) -> StagedTables:
    """The candidate release's tables: staged rows of published plans, the outlines they
    point to, and rejections."""
    extra = {"outline_sections": outline_frame(), "rejected": rejected_frame(assembly.rejected)}
    return StagedTables(
        staging,
        list(plan_tables()),
        assembly.excluded,
        extra=extra,
        excluded_batches=assembly.excluded_batches,
    )
