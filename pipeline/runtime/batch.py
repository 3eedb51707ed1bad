"""One unit of parallel work: extract a batch of plans, stage their rows, check them.

Batching keeps per-task orchestration overhead small next to extraction; staging rows as
Parquet and CSV parts keeps memory flat however large the corpus; the per-plan cache makes a
rerun re-extract only new or changed plans. Cross-table checks and Frictionless validation
run here too: every relation in the release stays inside one plan, so a batch can be checked
on its own, in parallel, and a cached batch is never checked again.

One plan cannot block a release: when a batch's row-level checks fail, each of its plans is
checked on its own, the plans whose own rows fail are held back (listed as rejected, with the
check and the row) and the batch is staged and checked again without them. Checks on the
release as a whole (keys across batches, Great Expectations, the written descriptor) still
block everything.

Batch boundaries are content-defined (``plan_batches``): a new plan changes only the batch it
falls into, so the other batches, and all their work, come from the cache.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.read.ingest import InputFile, Rejection, decode, read_source
from pipeline.release.checks import CheckResult, key_hashes, run_checks
from pipeline.release.schema import columns, conform, plan_tables
from pipeline.release.sqlite_piece import write_piece
from pipeline.release.staging import InMemoryTables, release_memory, write_key_hashes, write_part
from pipeline.release.validate import validate_batch_rows
from pipeline.runtime.cache import ExtractionCache
from pipeline.themes.outlines import outline_rows

if TYPE_CHECKING:
    from pipeline.extract.plan import PlanRows


@dataclass(frozen=True)
class PlanSummary:
    """What a batch learned about one input (small: this is what travels between tasks)."""

    source_file: str
    sha256: str
    doc_id: str | None = None
    text_sha256: str | None = None  # to find plans whose normalized text is the same
    title: str | None = None
    rejection: str | None = None
    held_back: bool = False  # its own rows failed a row-level check (see _held_back)


@dataclass
class BatchResult:
    """Outcome of one batch: its plans, row counts, check results and cache hits."""

    batch: int
    plans: list[PlanSummary] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    cache_hits: int = 0
    key: str = ""  # batch_key() of its inputs: where the batch cache keeps it
    expectations_passed: bool = False  # its rows passed the Great Expectations suites before


def extract_plan(
    item: InputFile, cache: ExtractionCache | None
) -> tuple[PlanRows | Rejection, bool]:
    """Rows of one input (from the cache when its bytes and the code are unchanged)."""
    cached = cache.get(item.sha256, item.name) if cache else None
    if cached is not None:
        return with_provenance(cached, item), True
    from pipeline.extract.plan import process_plan  # here: a run whose batches all come
    from pipeline.themes.place import place_plan  # from the cache never loads them (~0.4 s)

    source = read_source(Path(item.path))
    decoded = decode(source)
    result = decoded if isinstance(decoded, Rejection) else process_plan(decoded)
    if not isinstance(result, Rejection):
        result = place_plan(result)
    if cache:
        cache.put(source.sha256, result)
    return with_provenance(result, item), False


def with_provenance(result: PlanRows | Rejection, item: InputFile) -> PlanRows | Rejection:
    """The plan's rows with what its sidecar says (applied after the cache, which is keyed
    by the plan's bytes only; the batch key covers the sidecar)."""
    if not isinstance(result, Rejection) and item.provenance:
        result.tables["documents"] = [
            {**row, **dict(item.provenance)} for row in result.tables["documents"]
        ]
    return result


def run_batch(
    number: int, items: list[InputFile], staging: Path, cache: ExtractionCache | None
) -> BatchResult:
    """Extract, stage and check one batch of inputs (all of it from the cache when the same
    files were batched together before by the same code)."""
    if cache is not None:
        cached = cache.get_batch(batch_key(items), number, staging)
        if cached is not None:
            return cached
    out = _run_batch(number, items, staging, cache)
    if cache is not None:
        cache.put_batch(batch_key(items), out, staging)
    release_memory()
    return out


def plan_batches(items: list[InputFile], size: int) -> list[list[InputFile]]:
    """``items`` (in file-name order) cut into batches of about ``size`` plans, at
    boundaries decided by each file's name: a batch ends after a file whose name hashes to
    0 modulo ``size`` (or when it reaches twice ``size``). Adding, removing or changing one
    file therefore changes one batch (rarely two), whereas fixed-size slices would shift
    every batch after it and miss the batch cache for all of them."""
    batches: list[list[InputFile]] = [[]]
    for item in sorted(items, key=lambda i: i.name):
        batches[-1].append(item)
        digest = int.from_bytes(hashlib.sha256(item.name.encode()).digest()[:8], "big")
        if digest % max(size, 1) == 0 or len(batches[-1]) >= 2 * size:
            batches.append([])
    return [b for b in batches if b]


def outline_frame() -> pd.DataFrame:
    """The release table ``outline_sections`` (from the reviewed taxonomy, not the plans)."""
    return conform(
        "outline_sections", pd.DataFrame(outline_rows(), columns=columns("outline_sections"))
    )


def batch_key(items: list[InputFile]) -> str:
    """Identity of a batch's inputs: their names and bytes, in order."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.name}\0{item.sha256}\0{item.provenance}\n".encode())
    return digest.hexdigest()


def _run_batch(
    number: int, items: list[InputFile], staging: Path, cache: ExtractionCache | None
) -> BatchResult:
    out = BatchResult(batch=number, key=batch_key(items))
    plans: list[PlanRows] = []
    for item in items:
        result, hit = extract_plan(item, cache)
        out.cache_hits += hit
        if isinstance(result, Rejection):
            out.plans.append(PlanSummary(item.name, item.sha256, rejection=result.reason))
            continue
        plans.append(result)
        doc = result.tables["documents"][0]
        out.plans.append(
            PlanSummary(
                source_file=item.name,
                sha256=item.sha256,
                doc_id=result.doc_id,
                text_sha256=hashlib.sha256(result.text.encode("utf-8")).hexdigest(),
                title=doc["title"],
            )
        )
    frames, out.checks = _stage_and_check(number, plans, staging)
    held = _held_back(plans) if any(not c.passed for c in out.checks) else {}
    if held:
        plans = [p for p in plans if p.doc_id not in held]
        out.plans = [
            replace(s, rejection=held[s.doc_id], held_back=True) if s.doc_id in held else s
            for s in out.plans
        ]
        frames, out.checks = _stage_and_check(number, plans, staging)
    out.rows = {table: len(frame) for table, frame in frames.items()}
    if plans:
        write_key_hashes(staging, number, key_hashes(InMemoryTables(frames)))
    return out


def _stage_and_check(
    number: int, plans: list[PlanRows], staging: Path
) -> tuple[dict[str, pd.DataFrame], list[CheckResult]]:
    """Stage the rows of ``plans`` as batch ``number``; the cross-table checks and the
    Frictionless validation of those rows (none when there is no plan)."""
    frames = {}
    for table in plan_tables():
        rows = [row for plan in plans for row in plan.tables.get(table, [])]
        frames[table] = conform(table, pd.DataFrame(rows, columns=columns(table)))
        write_part(staging, number, table, frames[table])
    write_piece(staging, number, frames)  # its share of the release database
    if not plans:
        return frames, []
    reference = {"outline_sections": outline_frame()}  # what the plans' rows point to
    checks = run_checks(frames | reference) + validate_batch_rows(staging, number, list(frames))
    return frames, checks


def _held_back(plans: list[PlanRows]) -> dict[str, str]:
    """The plans whose own rows fail a row-level check, each with the reason: the check,
    the table and the first failing row. Run only when a batch failed, so checking plans
    one by one costs nothing on a clean run."""
    held: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="held-back-") as tmp:
        for plan in plans:
            _, checks = _stage_and_check(0, [plan], Path(tmp))
            failed = [c for c in checks if not c.passed]
            if failed:
                held[plan.doc_id] = "held back: " + "; ".join(
                    f"check '{c.check}' failed on {c.table} row "
                    f"{(c.failed_rows or ['?'])[0]} ({(c.samples or [''])[0]})"
                    for c in failed[:3]
                )
    return held
