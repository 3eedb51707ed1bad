"""The main flow: a folder of plans in, a validated, versioned release out.

This module only wires the steps (each a module of plain functions) into Prefect tasks and
exposes the options; run it as ``make run`` or ``python -m flows.main --seeds DIR --output DIR``.
"""

from __future__ import annotations

from flows.settings import configure_local_run

configure_local_run()  # before Prefect is imported: quiet, clean local runs

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.states import Failed, State  # noqa: E402

from flows.assemble import assemble_tables  # noqa: E402
from flows.checks import CheckResult  # noqa: E402
from flows.ingest import Decoded, Rejection, decode, discover, read_source  # noqa: E402
from flows.plan import PlanRows, process_plan  # noqa: E402
from flows.publish import PublishResult, publish  # noqa: E402
from flows.validate import ValidationError, validate_tables, write_report  # noqa: E402

DEFAULT_BATCH = 50


@task(name="ingest")
def ingest(seeds: Path) -> tuple[list[Decoded], list[Rejection]]:
    """Discover, read, hash and decode every input file."""
    decoded, rejected = [], []
    for path in discover(seeds):
        result = decode(read_source(path))
        (rejected if isinstance(result, Rejection) else decoded).append(result)
    return decoded, rejected


@task(name="extract-batch")
def extract_batch(batch: list[Decoded]) -> list[PlanRows | Rejection]:
    """Normalize and extract a batch of plans (batched: per-task overhead is not per plan)."""
    return [process_plan(d) for d in batch]


@task(name="assemble")
def assemble(
    results: list[PlanRows | Rejection], rejections: list[Rejection]
) -> tuple[dict[str, pd.DataFrame], list[Rejection]]:
    return assemble_tables(results, rejections)


@task(name="validate")
def validate(tables: dict[str, pd.DataFrame], output: Path) -> list[CheckResult]:
    """Schema expectations and cross-table checks (failures are returned, not raised)."""
    results = validate_tables(tables)
    if any(not r.passed for r in results):
        write_report(results, output / "reports")
    return results


@task(name="publish")
def publish_release(
    tables: dict[str, pd.DataFrame], output: Path, dry_run: bool, checks: list[CheckResult]
) -> PublishResult:
    return publish(tables, output, dry_run=dry_run, table_checks=checks)


@flow(name="rule-of-law-release", log_prints=False)
def rule_of_law_release(
    seeds: str = "seeds",
    output: str = "output",
    dry_run: bool = False,
    strict: bool = False,
    batch_size: int = DEFAULT_BATCH,
) -> dict:
    """Build the release from the plans in ``seeds`` into ``output/releases``."""
    log = get_run_logger()
    seeds_dir, output_dir = Path(seeds), Path(output)
    decoded, rejected = ingest(seeds_dir)
    n_inputs = len(decoded) + len(rejected)
    log.info(
        "Read %d input files from %s: %d decoded, %d rejected",
        n_inputs,
        seeds_dir,
        len(decoded),
        len(rejected),
    )
    batches = [decoded[i : i + batch_size] for i in range(0, len(decoded), batch_size)]
    futures = [extract_batch.submit(b) for b in batches]
    results = [r for f in futures for r in f.result()]
    tables, rejected = assemble(results, rejected)
    for r in rejected:
        log.warning("Rejected %s: %s", r.source_file, r.reason)
    if strict and rejected:
        return _fail(log, f"--strict: {len(rejected)} input file(s) rejected; nothing published")
    checks = validate(tables, output_dir)
    failures = [c for c in checks if not c.passed]
    if failures:
        return _fail(log, str(ValidationError(failures, output_dir / "reports" / "validation.md")))
    log.info(
        "Validation passed: %d checks (Great Expectations suites from the schemas and "
        "cross-table checks)",
        len(checks),
    )
    result = publish_release(tables, output_dir, dry_run, checks)
    if result.status == "invalid":
        return _fail(log, str(ValidationError(result.failures, result.report)))
    summary = {
        "inputs": n_inputs,
        "plans_published": len(tables["documents"]),
        "rejected": len(rejected),
        "rows": {t: len(f) for t, f in tables.items() if t != "rejected"},
        "status": result.status,
        "version": result.version,
        "path": str(result.path) if result.path else None,
    }
    rows = ", ".join(f"{t} {n}" for t, n in summary["rows"].items())
    log.info(
        "Plans published: %d; rejected: %d; rows: %s",
        summary["plans_published"],
        summary["rejected"],
        rows,
    )
    if result.status == "published":
        log.info("Published release %s at %s", result.version, result.path)
    elif result.status == "up to date":
        log.info(
            "Up to date: release %s already holds these tables; nothing published", result.version
        )
    else:
        log.info(
            "Dry run: would publish %s (%s) after %s; nothing written. Changes:\n%s",
            result.version,
            result.diff.bump or "first release",
            result.previous,
            result.changelog_entry,
        )
    return summary


def _fail(log, message: str) -> State:
    """End the flow run as Failed with one clear message (no traceback for expected failures)."""
    log.error(message)
    return Failed(message=message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.main", description=__doc__)
    parser.add_argument("--seeds", default="seeds", help="folder of plan .txt files")
    parser.add_argument("--output", default="output", help="folder that holds releases/")
    parser.add_argument("--dry-run", action="store_true", help="show what would change")
    parser.add_argument("--strict", action="store_true", help="fail if any input is rejected")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    args = parser.parse_args(argv)
    state = rule_of_law_release(
        seeds=args.seeds,
        output=args.output,
        dry_run=args.dry_run,
        strict=args.strict,
        batch_size=args.batch_size,
        return_state=True,
    )
    if state.is_failed():
        print(f"error: {state.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
