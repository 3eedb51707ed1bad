"""Blocking validation: Great Expectations suites from the schemas, cross-table checks, and
Frictionless validation (of each batch's rows as they will be published, and of the written
release's descriptor and files). Nothing is published unless all pass.

The expectation suites are generated from ``schemas/`` (required -> not null, unique, enum ->
in set, minimum/maximum -> between, pattern -> regex, and the exact column list), so adding
a constraint to a schema adds its check. Failures become ``CheckResult`` rows and a readable
report under ``output/reports/`` naming the check, the table, the rows and sample values.
"""

from __future__ import annotations

import copy
import functools
import gc
import importlib
import json
import logging
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow.parquet as pq

from pipeline.release.checks import HELD_BACK, SAMPLE, CheckResult, merge_checks, run_checks
from pipeline.release.schema import (
    CSV_ENCODING,
    PER_RELEASE,
    columns,
    resource_descriptor,
    table_schema,
)
from pipeline.release.staging import InMemoryTables, Tables, part_path, release_memory

if TYPE_CHECKING:  # imported where used: ~2.5 s that a run with nothing new never pays
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from frictionless import Report, Schema

REPORT_NAME = "validation"
GX_CHUNK = 250_000  # rows of one table validated at a time, at most
GX_CHUNK_BYTES = 16 << 20  # and at most about this much memory (plan texts are large)


class ValidationError(RuntimeError):
    """Raised when any check fails; carries the failing results."""

    def __init__(self, failures: list[CheckResult], report: Path | None) -> None:
        self.failures = failures
        self.report = report
        where = f"; report: {report}" if report else ""
        names = "; ".join(f"{f.table}: {f.check} ({f.n_failed} rows)" for f in failures[:5])
        super().__init__(f"validation failed, nothing published: {names}{where}")


@functools.cache  # once per process
def import_great_expectations() -> None:
    """Import Great Expectations (~3 s), then freeze every object imported so far out of
    the garbage collector's sight. GX brings ~350,000 long-lived objects, and every full
    collection scanned them again (0.17 s per ``gc.collect()``; a batch ran 9% slower in a
    process that had imported GX). Frozen objects are still freed when unreferenced.

    Worker processes run this in their initializer, before their first task (a background
    import would share the GIL with the extraction it was meant to overlap)."""
    importlib.import_module("great_expectations")
    gc.freeze()


def dask_setup(worker: object) -> None:
    """Dask's preload hook: the workers of ``--runner dask``'s LocalCluster run it at start
    (flows.main names this module as their preload), as local worker processes run
    ``import_great_expectations``."""
    import_great_expectations()


def expectations_for(table: str) -> list[gxe.Expectation]:
    """The Great Expectations expectations that the schema of ``table`` implies."""
    import great_expectations.expectations as gxe

    out: list[gxe.Expectation] = [
        gxe.ExpectTableColumnsToMatchOrderedList(column_list=columns(table))
    ]
    for f in table_schema(table)["fields"]:
        name, c = f["name"], f.get("constraints", {})
        if c.get("required"):
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=name))
        if c.get("unique"):
            out.append(gxe.ExpectColumnValuesToBeUnique(column=name))
        if "enum" in c:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=name, value_set=c["enum"]))
        if "minimum" in c or "maximum" in c:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=name, min_value=c.get("minimum"), max_value=c.get("maximum")
                )
            )
        if "pattern" in c:
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=name, regex=c["pattern"]))
    return out


def _context() -> gx.data_context.AbstractDataContext:
    import_great_expectations()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    quiet_great_expectations()
    for name in list(logging.root.manager.loggerDict):  # module loggers with their own level
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def run_expectations(tables: Tables, names: list[str] | None = None) -> list[CheckResult]:
    """Run each table's (or each of ``names``') generated suite on chunks of at most
    GX_CHUNK rows, so memory stays flat; one CheckResult per expectation (uniqueness across
    chunks is checked on hashed keys by pipeline.release.checks.global_key_checks). Each chunk
    gets its own ephemeral context: a context keeps every DataFrame it validated, which grew to
    gigabytes at 10,000 plans."""
    results: list[CheckResult] = []
    shared = None  # small frames (one new batch's rows) share a context: ~0.05 s each
    for table in names or tables.names():
        for n, frame in enumerate(_bounded(tables.chunks(table))):
            big = frame.memory_usage(deep=True).sum() >= GX_CHUNK_BYTES // 4
            if big:
                context = _context()
            else:
                context = shared = shared or _context()
            source = context.data_sources.add_pandas(f"release-{table}-{n}")
            results += _validate_frame(source, table, frame, n)
            del source, frame
            if big:  # a context's reference cycles keep its frame until collected
                del context
                release_memory()  # (~0.2 s: not worth it for one new batch's rows)
    return merge_checks(results)


def _bounded(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The rows of ``chunks`` regrouped into frames of at most GX_CHUNK rows and about
    GX_CHUNK_BYTES of memory: Great Expectations holds several copies of what it validates,
    and 10,000 plans' documents (their full texts) took 2.3 GB in one frame."""
    held: list[pd.DataFrame] = []
    rows = size = 0
    for chunk in chunks:  # staged parts: one batch each
        chunk_size = int(chunk.memory_usage(deep=True).sum())
        if held and (rows + len(chunk) > GX_CHUNK or size + chunk_size > GX_CHUNK_BYTES):
            yield pd.concat(held, ignore_index=True)
            held, rows, size = [], 0, 0
        held.append(chunk)
        rows, size = rows + len(chunk), size + chunk_size
    if held:
        yield pd.concat(held, ignore_index=True)


def _numbers_as_float(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its nullable number columns (Int64, Float64) as numpy float64, nulls
    as NaN: GX checks ranges of numpy ints and floats in one vectorized comparison, but of
    any other dtype with a Python call per value (1.6 of the 3.4 s that the measures of
    1,000 plans took). Exact for the integers of these tables (|n| < 2**53); GX's null and
    set checks read NaN as null and 3.0 as 3."""
    numbers = [
        c
        for c, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.api.extensions.ExtensionDtype)
        and pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
    ]
    if not numbers:
        return frame
    return frame.assign(**{c: frame[c].astype("float64") for c in numbers})


def _validate_frame(source: Any, table: str, frame: pd.DataFrame, n: int) -> list[CheckResult]:
    """One table's (or chunk's) generated suite, as CheckResults."""
    import great_expectations as gx

    results: list[CheckResult] = []
    batch = (
        source.add_dataframe_asset(name=f"{table}-{n}")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": _numbers_as_float(frame)})
    )
    suite = gx.ExpectationSuite(name=table, expectations=expectations_for(table))
    # pass or fail first: the samples, counts and keys of failing rows that SUMMARY adds
    # cost ~40% of a validation (~0.05 s of a chunk's ~0.12-0.2 s), and are only needed
    # when something failed; then the same suite runs again on the same rows to say what
    outcome = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
    if not all(r.success and not _raised(r) for r in outcome.results):
        outcome = batch.validate(
            suite,
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": SAMPLE,
                "unexpected_index_column_names": table_schema(table)["primaryKey"],
                # the keys of failing rows are enough; the query GX builds from them (a copy
                # of the frame per expectation) cost a fifth of the validation
                "return_unexpected_index_query": False,
            },
        )
    pk = table_schema(table)["primaryKey"]
    for r in outcome.results:
        config = r.expectation_config
        column = config.kwargs.get("column")
        label = config.type + (f" on {column}" if column else "")
        indexes = r.result.get("partial_unexpected_index_list") or []
        failed_rows = ["|".join(str(i.get(k)) for k in pk) for i in indexes if isinstance(i, dict)]
        raised = _raised(r)
        samples = [str(v) for v in r.result.get("partial_unexpected_list") or []]
        if raised:
            samples.append(str((r.exception_info or {}).get("exception_message")))
        if config.type == "expect_table_columns_to_match_ordered_list" and not r.success:
            samples.append(f"columns: {list(frame.columns)}")
        results.append(
            CheckResult(
                check=label,
                table=table,
                passed=bool(r.success) and not raised,
                failed_rows=failed_rows[:SAMPLE],
                samples=samples[:SAMPLE],
                n_failed=int(r.result.get("unexpected_count") or (0 if r.success else 1)),
                source="great_expectations",
            )
        )
    return results


def _raised(result: Any) -> bool:
    """Whether an expectation raised instead of returning a verdict."""
    return bool((result.exception_info or {}).get("raised_exception", False))


def validate_tables(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Schema expectations (Great Expectations) plus cross-table and semantic checks, for
    tables held in memory."""
    in_memory = InMemoryTables(tables)
    return run_expectations(in_memory) + run_checks(in_memory.frames)


def validate_batch_rows(staging: Path, batch: int, tables: list[str]) -> list[CheckResult]:
    """Frictionless validation of one batch's staged CSV parts, one resource per table.

    The release's CSV files are these parts concatenated, byte for byte (see
    pipeline.release.publish), so every published row is validated by Frictionless exactly as it is
    published, in the batch that made it: in parallel on a multi-process runner, and once
    only, since a cached batch keeps its result. Frictionless checks types and per-cell
    constraints here; keys are left to pipeline.release.checks (``_without_keys``). Each
    table's schema is read once per process (``_batch_schema``): reading the descriptors
    again for every batch was ~0.05 s of each batch's ~0.35 s fixed cost.
    """
    from frictionless import Resource

    results = []
    for table in tables:
        part = part_path(staging, table, batch, ".csv")
        resource = Resource(
            path=part.name,
            basepath=str(part.parent),
            name=table,
            schema=_batch_schema(table),
            format="csv",
            encoding=CSV_ENCODING,
        )
        results += _report_results(resource.validate(), table)
    return results


@functools.cache
def _batch_schema(table: str) -> Schema:
    """The Frictionless schema a batch's rows of ``table`` are validated against (Frictionless
    does not change a schema it validates with, so one object serves every batch)."""
    from frictionless import Schema

    return Schema.from_descriptor(_without_keys(resource_descriptor(table, "")["schema"]))


def _without_keys(schema: dict) -> dict:
    """A copy of ``schema`` without the key constraints that pipeline.release.checks already checks,
    in the batch and across the release on hashed keys: foreign keys, the primary key, and
    ``unique`` on a one-column primary key. Frictionless checks them by keeping every key in
    a Python set (a third of its time in a batch); types and per-cell constraints remain."""
    out = copy.deepcopy(schema)
    out.pop("foreignKeys", None)
    key = out.pop("primaryKey", None)
    for f in out["fields"]:
        if key == [f["name"]]:
            f.get("constraints", {}).pop("unique", None)
    return out


def validate_release_files(folder: Path, row_counts: dict[str, int]) -> list[CheckResult]:
    """The written release, before it is renamed into place: its datapackage.json is a valid
    Frictionless descriptor, each CSV file starts with its schema's header and holds the
    rows that were validated (the PER_RELEASE tables are built here, so Frictionless
    validates them whole).
    """
    from frictionless import Package

    report = Package.validate_descriptor(str(folder / "datapackage.json"))
    results = [
        CheckResult(
            check="frictionless descriptor",
            table="*",
            passed=report.valid,
            samples=[e.message for e in report.errors][:SAMPLE],
            n_failed=len(report.errors),
            source="frictionless",
        )
    ]
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        name, path = resource["name"], folder / resource["path"]
        with path.open(encoding=resource["encoding"], newline="") as fh:
            header = fh.readline().rstrip("\n")
        expected = ",".join(columns(name))
        rows = (
            pq.ParquetFile(folder / resource["parquet_path"]).metadata.num_rows
            if ("parquet_path" in resource)
            else row_counts.get(name)
        )
        problems = []
        if header != expected:
            problems.append(f"header {header!r} is not {expected!r}")
        if rows != row_counts.get(name):
            problems.append(f"Parquet has {rows} rows, the CSV {row_counts.get(name)}")
        results.append(
            CheckResult(
                check="release file header and row count",
                table=name,
                passed=not problems,
                samples=problems,
                n_failed=len(problems),
                source="release files",
            )
        )
    only = [r for r in package["resources"] if r["name"] in PER_RELEASE]
    if only:
        subset = folder.parent / f".validate-{folder.name}"
        shutil.rmtree(subset, ignore_errors=True)
        subset.mkdir(parents=True)
        try:
            for resource in only:
                (subset / resource["path"]).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / resource["path"], subset / resource["path"])
            (subset / "datapackage.json").write_text(
                json.dumps({"name": "per-release", "resources": only}, ensure_ascii=False),
                encoding="utf-8",
            )
            results += [
                r for r in frictionless_checks(subset / "datapackage.json") if r.table != "*"
            ]
        finally:
            shutil.rmtree(subset, ignore_errors=True)
    return results


def frictionless_checks(descriptor: Path) -> list[CheckResult]:
    """Frictionless's own validation of the package described by ``descriptor``."""
    from frictionless import validate

    return _report_results(validate(str(descriptor)), "*")


def _report_results(report: Report, table: str) -> list[CheckResult]:
    """A Frictionless report as check results: the report's own errors (of the package's
    descriptor, for ``table`` "*"; of a resource's, only when there are any), then one
    result per resource it validated."""
    results = []
    if table == "*" or report.errors:
        results.append(
            CheckResult(
                check="frictionless package"
                if table == "*"
                else "frictionless resource descriptor",
                table=table,
                passed=not report.errors,
                samples=[e.message for e in report.errors][:SAMPLE],
                n_failed=len(report.errors),
                source="frictionless",
            )
        )
    for task in report.tasks:
        samples = [f"row {getattr(e, 'row_number', '?')}: {e.message}" for e in task.errors]
        results.append(
            CheckResult(
                check="frictionless resource",
                table=task.name,
                passed=task.valid,
                samples=samples[:SAMPLE],
                n_failed=len(task.errors),
                source="frictionless",
            )
        )
    return results


def write_report(results: list[CheckResult], reports_dir: Path) -> Path:
    """A Markdown report (and a JSON twin) of every check, failures first, then the plans
    held back because their own rows failed a check (``HELD_BACK`` results: the other
    plans were published)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    failures = [r for r in results if not r.passed]
    lines = ["# Validation report", ""]
    lines.append(
        f"{len(results) - len(failures)} of {len(results)} checks passed; "
        f"{len(failures)} failed." + (" Nothing was published." if failures else "")
    )
    lines.append("")
    for r in failures:
        lines += [
            f"## FAILED: {r.table} — {r.check}",
            "",
            f"- source: {r.source}",
            f"- failing rows: {r.n_failed}",
        ]
        if r.failed_rows:
            lines.append("- rows (primary key): " + ", ".join(f"`{k}`" for k in r.failed_rows))
        if r.samples:
            lines.append("- sample values: " + "; ".join(f"`{s}`" for s in r.samples))
        lines.append("")
    for r in (r for r in results if r.source == HELD_BACK and r.n_failed):
        lines += [f"## Held back: {r.n_failed} plan(s), listed in rejected.csv", ""]
        lines += [f"- `{f}`: {s}" for f, s in zip(r.failed_rows, r.samples, strict=False)]
        lines.append("")
    lines += ["## All checks", "", "| result | table | check | source |", "|---|---|---|---|"]
    for r in sorted(results, key=lambda r: (r.passed, r.table, r.check)):
        lines.append(f"| {'ok' if r.passed else 'FAILED'} | {r.table} | {r.check} | {r.source} |")
    path = reports_dir / f"{REPORT_NAME}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (reports_dir / f"{REPORT_NAME}.json").write_text(
        json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    return path


def quiet_great_expectations() -> None:
    """Silence Great Expectations in this process: no progress bars, no logger chatter.

    GX 1.24 draws a tqdm "Calculating Metrics" bar for every validation, and passes
    ``disable=False`` explicitly, so neither ``TQDM_DISABLE`` nor a non-TTY stderr stops it.
    ``context.variables.progress_bars = ProgressBarsConfig(globally=False)`` silences
    ``validate()`` only: ``Batch.columns()`` and ``Batch.head()`` hard-code bars on. So swap the
    tqdm class that GX's metric resolver uses for one that is always disabled. Idempotent.
    """
    from great_expectations.validator import validation_graph

    base = validation_graph.tqdm
    if not getattr(base, "_always_disabled", False):

        class _DisabledTqdm(base):  # type: ignore[misc, valid-type]
            _always_disabled = True

            def __init__(self, *args: object, **kwargs: object) -> None:
                kwargs["disable"] = True
                super().__init__(*args, **kwargs)

        validation_graph.tqdm = _DisabledTqdm
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
