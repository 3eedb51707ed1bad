"""Blocking validation: Great Expectations suites from the schemas, cross-table checks, and
Frictionless validation of the finished package. Nothing is published unless all pass.

The expectation suites are generated from ``schemas/`` (required -> not null, unique, enum ->
in set, minimum/maximum -> between, pattern -> regex, and the exact column list), so adding
a constraint to a schema adds its check. Failures become ``CheckResult`` rows and a readable
report under ``output/reports/`` naming the check, the table, the rows and sample values.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pyarrow.parquet as pq
from great_expectations.data_context.types.base import ProgressBarsConfig

from flows.checks import SAMPLE, CheckResult, merge_checks, run_checks
from flows.schema import columns, table_schema
from flows.settings import quiet_great_expectations
from flows.staging import InMemoryTables, Tables, rechunk

REPORT_NAME = "validation"
GX_CHUNK = 250_000  # rows of one table validated at a time
FRICTIONLESS_PLANS = 500  # plans per package validated by Frictionless at a time


class ValidationError(RuntimeError):
    """Raised when any check fails; carries the failing results."""

    def __init__(self, failures: list[CheckResult], report: Path | None) -> None:
        self.failures = failures
        self.report = report
        where = f"; report: {report}" if report else ""
        names = "; ".join(f"{f.table}: {f.check} ({f.n_failed} rows)" for f in failures[:5])
        super().__init__(f"validation failed, nothing published: {names}{where}")


def expectations_for(table: str) -> list[gxe.Expectation]:
    """The Great Expectations expectations that the schema of ``table`` implies."""
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
    quiet_great_expectations()
    for name in list(logging.root.manager.loggerDict):  # module loggers with their own level
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def run_expectations(tables: Tables) -> list[CheckResult]:
    """Run each table's generated suite on chunks of at most GX_CHUNK rows, so memory stays
    flat; one CheckResult per expectation (uniqueness across chunks is checked on hashed
    keys by flows.checks.global_key_checks). Each chunk gets its own ephemeral context: a
    context keeps every DataFrame it validated, which grew to gigabytes at 10,000 plans."""
    results: list[CheckResult] = []
    for table in tables.names():
        for n, frame in enumerate(rechunk(tables.chunks(table), GX_CHUNK)):
            source = _context().data_sources.add_pandas("release")
            results += _validate_frame(source, table, frame, n)
            del source
        gc.collect()
    return merge_checks(results)


def _validate_frame(source: Any, table: str, frame: pd.DataFrame, n: int) -> list[CheckResult]:
    """One table's (or chunk's) generated suite, as CheckResults."""
    results: list[CheckResult] = []
    batch = (
        source.add_dataframe_asset(name=f"{table}-{n}")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(name=table, expectations=expectations_for(table))
    outcome = batch.validate(
        suite,
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE,
            "unexpected_index_column_names": table_schema(table)["primaryKey"],
        },
    )
    pk = table_schema(table)["primaryKey"]
    for r in outcome.results:
        config = r.expectation_config
        column = config.kwargs.get("column")
        label = config.type + (f" on {column}" if column else "")
        indexes = r.result.get("partial_unexpected_index_list") or []
        failed_rows = ["|".join(str(i.get(k)) for k in pk) for i in indexes if isinstance(i, dict)]
        raised = (r.exception_info or {}).get("raised_exception", False)
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


def validate_tables(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Schema expectations (Great Expectations) plus cross-table and semantic checks, for
    tables held in memory."""
    in_memory = InMemoryTables(tables)
    return run_expectations(in_memory) + run_checks(in_memory.frames)


def validate_package(folder: Path, only_docs: set[str] | None = None) -> list[CheckResult]:
    """Frictionless validation of a written data package (types, constraints, keys).

    Every relation in the package stays within one plan, so any set of whole plans is a
    complete package of its own. Frictionless holds its foreign-key lookups in memory, so the
    rows are validated as packages of at most FRICTIONLESS_PLANS plans each, written beside
    the release (uniqueness across them is checked on hashed keys by global_key_checks).
    With ``only_docs``, just those plans' rows are validated: the rows a new release carries
    over unchanged from the previous one (same inputs, same extraction code and schemas)
    passed this validation when that release was published.
    """
    if only_docs is None:
        only_docs = set(
            pq.read_table(folder / "data" / "documents.parquet", columns=["doc_id"])[
                "doc_id"
            ].to_pylist()
        )
    docs = sorted(only_docs)
    groups = [docs[i : i + FRICTIONLESS_PLANS] for i in range(0, len(docs), FRICTIONLESS_PLANS)]
    results: list[CheckResult] = []
    for n, group in enumerate(groups or [[]]):
        subset = folder.parent / f".validate-{folder.name}-{n}"
        shutil.rmtree(subset, ignore_errors=True)
        try:
            _write_subset(folder, subset, set(group))
            results += _frictionless(subset)
        finally:
            shutil.rmtree(subset, ignore_errors=True)
    return merge_checks(results)


def _frictionless(folder: Path) -> list[CheckResult]:
    """Frictionless's own validation of the package at ``folder``."""
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    results = [
        CheckResult(
            check="frictionless package",
            table="*",
            passed=not report.errors,
            samples=[e.message for e in report.errors][:SAMPLE],
            n_failed=len(report.errors),
            source="frictionless",
        )
    ]
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


def _write_subset(folder: Path, subset: Path, docs: set[str]) -> None:
    """A copy of the package at ``folder`` holding only the rows of ``docs``."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        target = subset / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        source = resource.get("parquet_path")
        if source is None or "doc_id" not in columns(resource["name"]):
            shutil.copyfile(folder / resource["path"], target)
            continue
        rows = pq.read_table(folder / source, filters=[("doc_id", "in", sorted(docs))])
        frame = rows.to_pandas()
        frame.to_csv(target, index=False, encoding=resource["encoding"], lineterminator="\n")
    (subset / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False), encoding="utf-8"
    )


def write_report(results: list[CheckResult], reports_dir: Path) -> Path:
    """A Markdown report (and a JSON twin) of every check, failures first."""
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
