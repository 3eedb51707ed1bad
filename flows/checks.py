"""Cross-table and semantic checks that a per-column schema cannot express, written once.

Each check returns a ``CheckResult`` naming the check, the table, the failing rows (by primary
key) and sample values, so a failure report says exactly what is wrong and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from flows.schema import row_keys, table_schema

MAX_DEADLINE_YEAR = 2035
SAMPLE = 10


@dataclass
class CheckResult:
    """Outcome of one check on one table."""

    check: str
    table: str
    passed: bool
    failed_rows: list[str] = field(default_factory=list)  # primary keys of failing rows
    samples: list[str] = field(default_factory=list)  # what the failing values look like
    n_failed: int = 0
    source: str = "cross-table"


def _result(
    check: str,
    table: str,
    frame: pd.DataFrame,
    bad: pd.Series,
    describe: Callable[[pd.DataFrame], pd.Series],
) -> CheckResult:
    failing = frame[bad.fillna(False).astype(bool)]
    return CheckResult(
        check=check,
        table=table,
        passed=failing.empty,
        failed_rows=list(row_keys(table, failing).head(SAMPLE)),
        samples=list(describe(failing).astype(str).head(SAMPLE)) if not failing.empty else [],
        n_failed=len(failing),
    )


def foreign_keys(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Every foreign key declared in the schemas resolves to a row of the referenced table."""
    out = []
    for table, frame in tables.items():
        for fk in table_schema(table).get("foreignKeys", []):
            ref = fk["reference"]
            target = tables[ref["resource"] or table]
            (col,), (ref_col,) = fk["fields"], ref["fields"]
            bad = frame[col].notna() & ~frame[col].isin(set(target[ref_col].dropna()))
            out.append(
                _result(
                    f"foreign key {col} -> {ref['resource']}.{ref_col}",
                    table,
                    frame,
                    bad,
                    lambda f, c=col: f[c],
                )
            )
    return out


def primary_keys(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Primary keys (also composite ones) are unique and present."""
    out = []
    for table, frame in tables.items():
        key = row_keys(table, frame)
        bad = key.duplicated(keep=False) | frame[table_schema(table)["primaryKey"]].isna().any(
            axis=1
        )
        out.append(_result("primary key unique", table, frame, bad, lambda f, k=key: k[f.index]))
    return out


def every_document_has(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Every published plan has sections and measures."""
    docs = tables["documents"]
    out = []
    for child in ("sections", "measures"):
        bad = ~docs["doc_id"].isin(set(tables[child]["doc_id"]))
        out.append(
            _result(
                f"every document has {child}", "documents", docs, bad, lambda f: f["source_file"]
            )
        )
    return out


def quotes_match_text(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """``documents.text[char_start:char_end]`` equals the row's quoted text."""
    texts = dict(zip(tables["documents"]["doc_id"], tables["documents"]["text"], strict=True))
    out = []
    for table, column in (
        ("sections", "text"),
        ("measures", "text"),
        ("targets", "text"),
        ("instruments", "name"),
    ):
        frame = tables[table]
        quoted = [
            texts.get(d, "")[int(s) : int(e)] if pd.notna(s) and pd.notna(e) else None
            for d, s, e in zip(frame["doc_id"], frame["char_start"], frame["char_end"], strict=True)
        ]
        bad = pd.Series(
            [q != v for q, v in zip(quoted, frame[column], strict=True)],
            index=frame.index,
            dtype=bool,
        )
        out.append(
            _result(
                f"text[char_start:char_end] equals {column}",
                table,
                frame,
                bad,
                lambda f, c=column: f[c].str[:40],
            )
        )
    return out


def target_values(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Percentages are at most 100; deadlines lie between the plan's start year and 2035."""
    targets = tables["targets"]
    starts = dict(
        zip(tables["documents"]["doc_id"], tables["documents"]["period_start"], strict=True)
    )
    pct = (targets["unit"] == "%").fillna(False) & (targets["value"] > 100).fillna(False)
    start = targets["doc_id"].map(starts)
    year = targets["deadline_year"]
    early = year.notna() & start.notna() & (year < start)
    late = year.notna() & (year > MAX_DEADLINE_YEAR)
    return [
        _result(
            "percentages at most 100",
            "targets",
            targets,
            pct,
            lambda f: f["value"].astype(str) + "% " + f["text"],
        ),
        _result(
            f"deadline year between plan start and {MAX_DEADLINE_YEAR}",
            "targets",
            targets,
            early | late,
            lambda f: f["deadline_year"].astype(str) + " " + f["text"],
        ),
    ]


def stable_ids(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Ids derive from the document id (so they do not depend on file order or machine)."""
    out = []
    for table, column in (
        ("sections", "section_id"),
        ("measures", "measure_id"),
        ("targets", "target_id"),
        ("agencies", "agency_id"),
        ("instruments", "instrument_id"),
    ):
        frame = tables[table]
        bad = ~pd.Series(
            [i.startswith(f"{d}:") for i, d in zip(frame[column], frame["doc_id"], strict=True)],
            index=frame.index,
            dtype=bool,
        )
        out.append(
            _result(f"{column} derives from doc_id", table, frame, bad, lambda f, c=column: f[c])
        )
    return out


def key_columns(table: str) -> list[str]:
    """Columns the global checks need: primary key, foreign keys and doc_id."""
    schema = table_schema(table)
    cols = [
        *schema["primaryKey"],
        *(c for fk in schema.get("foreignKeys", []) for c in fk["fields"]),
    ]
    if table == "documents":
        cols.append("source_file")
    return list(dict.fromkeys(cols))


GLOBAL_CHECKS = (foreign_keys, primary_keys, every_document_has)
CHECKS = (
    foreign_keys,
    primary_keys,
    every_document_has,
    quotes_match_text,
    target_values,
    stable_ids,
)


def run_checks(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """All cross-table and semantic checks."""
    return [result for check in CHECKS for result in check(tables)]
