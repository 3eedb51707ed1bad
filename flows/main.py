"""The main flow: a folder of plans in, a validated, versioned release out.

This module only wires the steps (each a module of plain functions) into Prefect tasks and
exposes the options; run it as ``make run`` or ``python -m flows.main --seeds DIR --output DIR``.

    ingest -> extract batches (cached; staged as Parquet and CSV parts; cross-table checks
              and Frictionless per batch; in parallel on local processes or Dask)
           -> combine -> validate (Great Expectations on rows not validated before,
              hashed key checks over the whole release)
           -> publish (CSV parts concatenated, Parquet streamed, files checked, atomic rename)
"""

from __future__ import annotations

from pipeline.runtime.settings import configure_local_run

configure_local_run()  # before Prefect is imported: quiet, clean local runs

from pipeline.runtime.local_server import start_unless_configured, use_server  # noqa: E402

# `python -m flows.main`: the temporary Prefect server boots while the rest is imported
EARLY_SERVER = start_unless_configured() if __name__ == "__main__" else None

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.states import Failed, State  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from pipeline.read.ingest import InputFile, Rejection, find_inputs  # noqa: E402
from pipeline.release.checks import (  # noqa: E402
    CheckResult,
    global_key_checks,
    key_hashes,
    merge_checks,
)
from pipeline.release.publish import PublishResult, publish  # noqa: E402
from pipeline.release.schema import plan_tables  # noqa: E402
from pipeline.release.staging import InMemoryTables, read_key_hashes  # noqa: E402
from pipeline.release.validate import (  # noqa: E402
    ValidationError,
    import_great_expectations,
    run_expectations,
    write_report,
)
from pipeline.runtime.assemble import Assembly, combine_batches, staged_tables  # noqa: E402
from pipeline.runtime.batch import BatchResult, batch_key, plan_batches, run_batch  # noqa: E402
from pipeline.runtime.cache import ExtractionCache  # noqa: E402
from pipeline.runtime.file_hashes import FileHashes  # noqa: E402
from pipeline.runtime.output_lock import OutputBusy, output_lock  # noqa: E402
from pipeline.runtime.progress import Heartbeat, Progress  # noqa: E402
from pipeline.runtime.runners import local_workers, task_runner  # noqa: E402

DEFAULT_BATCH = 50


def _work_dirs(output: Path) -> tuple[Path, Path]:
    """Staging folder of this run's rows, and the persistent extraction cache."""
    return output / ".work" / "staging", output / "cache" / "extract"


@task(name="ingest")
def ingest(seeds: Path, output: Path) -> tuple[list[InputFile], list[Rejection]]:
    """Discover and hash every input file; prepare a clean staging folder."""
    staging, cache_root = _work_dirs(output)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ExtractionCache(cache_root).prune()
    hashes = FileHashes(cache_root.parent)  # unchanged files are not read again
    found = find_inputs(seeds, output, hashes.hash)
    hashes.save()
    return found


@task(name="restore-batches")
def restore_batches(
    batches: list[list[InputFile]], output: Path, use_cache: bool
) -> dict[int, BatchResult]:
    """Batches whose files and code are unchanged, restored from the cache, in this process
    (linking their staged parts costs less than dispatching a task for each)."""
    if not use_cache:
        return {}
    staging, cache_root = _work_dirs(output)
    cache = ExtractionCache(cache_root)
    found = {n: cache.get_batch(batch_key(b), n, staging) for n, b in enumerate(batches)}
    return {n: result for n, result in found.items() if result is not None}


@task(name="extract-batch")
def extract_batch(
    number: int, items: list[InputFile], output: Path, use_cache: bool
) -> BatchResult:
    """Normalize, extract, stage and check a batch of plans (batched so that per-task
    orchestration overhead is per batch, not per plan)."""
    staging, cache_root = _work_dirs(output)
    return run_batch(number, items, staging, ExtractionCache(cache_root) if use_cache else None)


@task(name="combine")
def combine(results: list[BatchResult], rejections: list[Rejection]) -> Assembly:
    return combine_batches(results, rejections)


@task(name="expectations")
def expectations(names: list[str], assembly: Assembly, output: Path) -> list[CheckResult]:
    """The generated Great Expectations suites of the tables ``names``, on the rows of the
    batches that have not passed them before (a task per table when many batches are new,
    so that tables are validated in parallel; one task for all when only one is)."""
    staging, _ = _work_dirs(output)
    tables = staged_tables(staging, assembly)
    checks = []
    for table in names:
        if table in tables.extra:  # built by this run (rejections): always validated
            checks += run_expectations(InMemoryTables({table: tables.read(table)}))
        else:
            checks += run_expectations(tables.only(assembly.unvalidated), [table])
    return checks


@task(name="start-validator")
def start_validator() -> None:
    """Import Great Expectations (~3-4 s) in the worker process that runs it, before it
    validates anything: while the flow extracts a single new batch in its own process, or,
    queued behind many batches, once a worker has no batch left to take (it would
    otherwise wait for the last batches and the key checks)."""
    import_great_expectations()


@task(name="key-checks")
def key_checks(assembly: Assembly, output: Path) -> list[CheckResult]:
    """The batches' cross-table checks, and keys unique and resolved across the release."""
    staging, _ = _work_dirs(output)
    tables = staged_tables(staging, assembly)
    # the batches' saved hashes; a batch that staged an excluded plan (a duplicate) has its
    # hashes computed again from its remaining rows
    saved = read_key_hashes(staging, skip=assembly.excluded_batches)
    if assembly.excluded_batches:
        redone = tables.only(assembly.excluded_batches)
        saved.append(key_hashes(redone, redone.names()))
    return merge_checks(assembly.checks + global_key_checks(tables, saved))


@task(name="record-validation")
def record_validation(
    results: list[CheckResult], assembly: Assembly, output: Path, use_cache: bool
) -> None:
    """Report failures; when all passed, remember which cached batches passed Great
    Expectations, so that a rerun does not validate their rows again."""
    _, cache_root = _work_dirs(output)
    if any(not r.passed for r in results):
        write_report(results, output / "reports")
    elif use_cache:
        cache = ExtractionCache(cache_root)
        for number in assembly.unvalidated:
            cache.mark_expectations_passed(assembly.batch_keys[number])


@task(name="publish")
def publish_release(
    assembly: Assembly, output: Path, dry_run: bool, checks: list[CheckResult]
) -> PublishResult:
    staging, _ = _work_dirs(output)
    stages, forward = logging.getLogger("pipeline"), _ToRunLog(get_run_logger())
    stages.setLevel(logging.INFO)
    stages.addHandler(forward)  # e.g. how the SQLite database was built, and why
    stages.propagate = False  # once, through the run's log only
    try:
        with Heartbeat("Publishing", get_run_logger().info) as beat:
            return publish(
                staged_tables(staging, assembly),
                output,
                dry_run=dry_run,
                table_checks=checks,
                on_stage=beat.stage,
            )
    finally:
        stages.removeHandler(forward)
        stages.propagate = True


class _ToRunLog(logging.Handler):
    """Records of the stages' own loggers (stages never import Prefect), in the run's log."""

    def __init__(self, log: logging.LoggerAdapter) -> None:
        super().__init__(logging.INFO)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        self.log.log(record.levelno, record.getMessage())


@flow(name="rule-of-law-release", log_prints=False)
def rule_of_law_release(
    seeds: str = "seeds",
    output: str = "output",
    dry_run: bool = False,
    strict: bool = False,
    batch_size: int = DEFAULT_BATCH,
    use_cache: bool = True,
) -> dict | State:
    """Build the release from the plans in ``seeds`` into ``output/releases``."""
    log = get_run_logger()
    # absolute: the workers of a Dask cluster (--dask-address) run in folders of their own
    seeds_dir, output_dir = Path(seeds).resolve(), Path(output).resolve()
    try:
        with output_lock(output_dir):  # one run at a time per output folder
            return _build_release(
                log, seeds_dir, output_dir, dry_run, strict, batch_size, use_cache
            )
    except OutputBusy as busy:
        return _fail(log, str(busy))


def _build_release(
    log: logging.LoggerAdapter,
    seeds_dir: Path,
    output_dir: Path,
    dry_run: bool,
    strict: bool,
    batch_size: int,
    use_cache: bool,
) -> dict | State:
    """The flow's steps, run while the flow holds the output folder.

    Large arguments of the tasks run in this process (the batches, their results, the
    assembly, the checks) are passed ``quote``d: Prefect otherwise walks every object inside
    a task's arguments, twice, to find futures in them (at 10,000 plans, ~3 s of a rerun
    went to that walk). Not those of submitted tasks: Dask turns a quote into a plain tuple."""
    items, rejected = ingest(seeds_dir, output_dir)
    n_inputs = len(items) + len(rejected)
    log.info("Found %d input files in %s", n_inputs, seeds_dir)
    batches = plan_batches(items, batch_size)
    restored = restore_batches(quote(batches), output_dir, use_cache)
    # largest batches first, so that no worker is left with a big one at the end
    fresh = sorted(
        (n for n in range(len(batches)) if n not in restored), key=lambda n: -len(batches[n])
    )
    # one new batch is extracted here, in this process, and a worker process meanwhile
    # starts and imports Great Expectations (~3 s) to validate its rows
    validator = start_validator.submit() if len(fresh) == 1 else None
    progress = Progress(sum(len(batches[n]) for n in fresh), log.info)
    extracted, warming = _run(
        extract_batch,
        [(n, batches[n], output_dir, use_cache) for n in fresh],
        progress,
        then=start_validator,
    )
    assembly = combine(quote([*restored.values(), *extracted]), quote(rejected))
    log.info(
        "Extracted %d plans in %d batches (%d from the cache)",
        len(items),
        len(batches),
        assembly.cache_hits,
    )
    for r in assembly.rejected:
        log.warning("Rejected %s: %s", r.source_file, r.reason)
    if strict and assembly.rejected:
        return _fail(
            log, f"--strict: {len(assembly.rejected)} input file(s) rejected; nothing published"
        )
    if not assembly.published:  # a wrong folder must not publish a release without plans
        found = f"all {n_inputs} input files rejected" if n_inputs else "no input files"
        return _fail(log, f"no plan to publish in {seeds_dir}: {found}; nothing published")
    to_expect = [*plan_tables(), "outline_sections"] if assembly.unvalidated else []
    to_expect += ["rejected"] if assembly.rejected else []
    # largest first, so that no worker is left validating a big table at the end
    to_expect.sort(
        key=staged_tables(_work_dirs(output_dir)[0], assembly).staged_bytes, reverse=True
    )
    # one task per table; one for all of them when a single batch is new (its rows are
    # few, and a task costs more than validating them)
    groups = [to_expect] if validator is not None else [[t] for t in to_expect]
    calls = [(names, assembly, output_dir) for names in groups if names]
    # key checks first, in this process, then GX: not side by side, so that their memory
    # peaks do not add up at 10,000 plans
    checks = key_checks(quote(assembly), output_dir)
    if validator is not None:  # its worker, idle once it is done, takes the expectations:
        validator.wait()  # submitted before, they had started a second worker (GX, ~3 s)
    for future in warming:  # the workers' imports, begun as they ran out of batches
        future.wait()
    # in worker processes, a task per table (one task for a single new batch)
    checks += [c for f in [expectations.submit(*call) for call in calls] for c in f.result()]
    record_validation(quote(checks), quote(assembly), output_dir, use_cache)
    failures = [c for c in checks if not c.passed]
    if failures:
        return _fail(log, str(ValidationError(failures, output_dir / "reports" / "validation.md")))
    log.info(
        "Validation passed: %d checks (Great Expectations suites from the schemas and "
        "cross-table checks)",
        len(checks),
    )
    result = publish_release(quote(assembly), output_dir, dry_run, quote(checks))
    if result.status == "invalid":
        return _fail(log, str(ValidationError(result.failures, result.report)))
    rows = staged_tables(_work_dirs(output_dir)[0], assembly)
    counts = {  # the batches' own counts, unless duplicates were left out of them
        t: rows.count(t)
        if assembly.excluded or t not in assembly.staged_rows
        else assembly.staged_rows[t]
        for t in rows.names()
        if t != "rejected"
    }
    log.info(
        "Plans published: %d; rejected: %d; rows: %s",
        len(assembly.published),
        len(assembly.rejected),
        ", ".join(f"{t} {n}" for t, n in counts.items()),
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
    return {
        "inputs": n_inputs,
        "plans_published": len(assembly.published),
        "rejected": len(assembly.rejected),
        "rows": counts,
        "status": result.status,
        "version": result.version,
        "path": str(result.path) if result.path else None,
    }


def _run(step, calls: list[tuple], progress: Progress, then=None) -> tuple[list, list]:
    """Run ``step`` for each call (a batch: its plans are ``call[1]``): on the task runner
    when there are several, in this process when there is only one (starting worker
    processes for it costs more). ``progress`` hears of each batch as it completes. ``then``:
    a task submitted once per core behind the calls, for the workers to run as they find no
    call left; returns the results and ``then``'s futures (for the caller to wait on)."""
    if len(calls) == 1:
        return [step(*calls[0])], []
    futures = [step.submit(*call) for call in calls]
    after = [then.submit() for _ in range(min(len(calls), os.cpu_count() or 1))] if then else []
    plans = {id(f): len(call[1]) for f, call in zip(futures, calls, strict=True)}
    for done in as_completed(futures):
        progress.advance(plans[id(done)])
    return [f.result() for f in futures], after


def _fail(log: logging.LoggerAdapter, message: str) -> State:
    """End the flow run as Failed with one clear message (no traceback for expected failures)."""
    log.error(message)
    return Failed(message=message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.main",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seeds", default="seeds", help="folder of plans (txt, html, pdf, docx)")
    parser.add_argument("--output", default="output", help="folder that holds releases/")
    parser.add_argument("--dry-run", action="store_true", help="show what would change")
    parser.add_argument("--strict", action="store_true", help="fail if any input is rejected")
    parser.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH, help="plans per extraction task"
    )
    parser.add_argument("--no-cache", action="store_true", help="re-extract every plan")
    parser.add_argument(
        "--runner",
        choices=("local", "dask"),
        default="local",
        help="local worker processes (default) or Dask",
    )
    parser.add_argument("--dask-address", help="scheduler address of an existing Dask cluster")
    parser.add_argument(
        "--workers",
        "--dask-workers",
        dest="workers",
        type=int,
        default=None,
        help="worker processes of the local runner or of the Dask LocalCluster "
        "(default: one per core)",
    )
    args = parser.parse_args(argv)
    if not Path(args.seeds).is_dir():
        parser.error(f"--seeds {args.seeds}: no such folder")
    if args.runner == "local":
        workers = local_workers(Path(args.seeds), args.batch_size, args.workers)
    else:
        workers = args.workers or os.cpu_count() or 1
    runner = task_runner(args.runner, args.dask_address, workers)
    release_flow = rule_of_law_release.with_options(task_runner=runner)
    use_server(EARLY_SERVER or start_unless_configured())
    state = release_flow(
        seeds=args.seeds,
        output=args.output,
        dry_run=args.dry_run,
        strict=args.strict,
        batch_size=args.batch_size,
        use_cache=not args.no_cache,
        return_state=True,
    )
    if state.is_failed():
        print(f"error: {state.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
