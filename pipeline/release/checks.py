"""Cross-table and semantic checks that a per-column schema cannot express, written once.

Each check returns a ``CheckResult`` naming the check, the table, the failing rows (by primary
key) and sample values, so a failure report says exactly what is wrong and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.release.schema import row_keys, table_schema
from pipeline.release.staging import Tables

MAX_DEADLINE_YEAR = 2035
HELD_BACK = "held back"  # source of the result listing plans held back by row-level checks
SAMPLE = 10
PLAN_TEXT = "has_plan_text"  # documents column: False for a page that only names its plan


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
    bad = bad.fillna(False).astype(bool)
    if not bad.any():  # the usual case: no copy of the frame's rows for an empty selection
        return CheckResult(check=check, table=table, passed=True)
    failing = frame[bad]
    return CheckResult(
        check=check,
        table=table,
        passed=failing.empty,
        failed_rows=list(row_keys(table, failing).head(SAMPLE)),
        samples=list(describe(failing).astype(str).head(SAMPLE)) if not failing.empty else [],
        n_failed=len(failing),
    )


def _within(values: pd.Series, allowed: pd.Series) -> pd.Series:
    """``values.isin(allowed)``, as objects: Arrow-backed strings' isin builds a Python
    scalar per allowed value, which made this check the slowest of a batch."""
    return values.astype(object).isin(allowed.dropna().astype(object))


def foreign_keys(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Every foreign key declared in the schemas resolves to a row of the referenced table."""
    out = []
    for table, frame in tables.items():
        for fk in table_schema(table).get("foreignKeys", []):
            ref = fk["reference"]
            target = tables[ref["resource"] or table]
            (col,), (ref_col,) = fk["fields"], ref["fields"]
            bad = frame[col].notna() & ~_within(frame[col], target[ref_col])
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
    """Every published plan with plan text (``has_plan_text``) has sections and measures."""
    docs = tables["documents"]
    docs = docs[docs["has_plan_text"].astype(bool)]
    out = []
    for child in ("sections", "measures"):
        bad = ~_within(docs["doc_id"], tables[child]["doc_id"])
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
        # lists, not Series: iterating Arrow-backed columns converts one value at a time
        docs, starts, ends = (frame[c].tolist() for c in ("doc_id", "char_start", "char_end"))
        quoted = [
            texts.get(d, "")[int(s) : int(e)] if pd.notna(s) and pd.notna(e) else None
            for d, s, e in zip(docs, starts, ends, strict=True)
        ]
        bad = pd.Series(
            [q != v for q, v in zip(quoted, frame[column].tolist(), strict=True)],
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
            [
                i.startswith(f"{d}:")
                for i, d in zip(frame[column].tolist(), frame["doc_id"].tolist(), strict=True)
            ],
            index=frame.index,
            dtype=bool,
        )
        out.append(
            _result(f"{column} derives from doc_id", table, frame, bad, lambda f, c=column: f[c])
        )
    return out


def coverage_sums(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Per plan, theme_coverage's n_measures and n_targets sum to its measures that have an
    outline_id and to their targets."""
    measures, coverage = tables["measures"], tables["theme_coverage"]
    placed = measures[measures["outline_id"].notna()]
    targets = tables["targets"]
    want = pd.DataFrame(
        {
            "n_measures": placed.groupby("doc_id").size(),
            "n_targets": targets[_within(targets["measure_id"], placed["measure_id"])]
            .groupby("doc_id")
            .size(),
        }
    )
    got = coverage.groupby("doc_id")[["n_measures", "n_targets"]].sum()
    docs = tables["documents"]
    want = want.reindex(docs["doc_id"]).fillna(0).astype(int)
    got = got.reindex(docs["doc_id"]).fillna(0).astype(int)
    bad = pd.Series((want.to_numpy() != got.to_numpy()).any(axis=1), index=docs.index)
    return [
        _result(
            "theme_coverage sums to measures and targets",
            "documents",
            docs,
            bad,
            lambda f: f["doc_id"],
        )
    ]


def _hashes(values: pd.Series) -> np.ndarray:
    """64-bit hashes of a column's values as strings (nulls hash like the empty string)."""
    return pd.util.hash_array(values.astype("string").fillna("").to_numpy(dtype=object))


def key_hashes(tables: Tables, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """64-bit hashes of every table's (or of ``names``') primary key (under the table's
    name) and of each of its foreign-key columns (under ``table:column``; a null foreign key
    hashes to 0), in row order. A batch saves its own, so the release-wide checks need not
    read the rows again."""
    out: dict[str, np.ndarray] = {}
    for table in tables.names() if names is None else names:
        schema = table_schema(table)
        fk_cols = [fk["fields"][0] for fk in schema.get("foreignKeys", [])]
        with_text = table == "documents"  # the plans that must have sections and measures
        cols = list(dict.fromkeys([*schema["primaryKey"], *fk_cols]))
        cols += [PLAN_TEXT] if with_text else []
        pk_parts: list[np.ndarray] = []
        text_parts: list[np.ndarray] = []
        fk_parts: dict[str, list[np.ndarray]] = {c: [] for c in fk_cols}
        for chunk in tables.chunks(table, cols):
            pk_parts.append(_hashes(row_keys(table, chunk)))
            if with_text:
                text_parts.append(pk_parts[-1][chunk[PLAN_TEXT].astype(bool).to_numpy()])
            for col in fk_cols:
                fk_parts[col].append(np.where(chunk[col].isna().to_numpy(), 0, _hashes(chunk[col])))
        out[table] = np.concatenate(pk_parts or [np.zeros(0, "uint64")])
        if with_text:
            out[f"{table}@{PLAN_TEXT}"] = np.concatenate(text_parts or [np.zeros(0, "uint64")])
        for col in fk_cols:
            out[f"{table}:{col}"] = np.concatenate(fk_parts[col] or [np.zeros(0, "uint64")])
    return out


def global_key_checks(
    tables: Tables, batch_hashes: list[dict[str, np.ndarray]] | None = None
) -> list[CheckResult]:
    """Primary keys unique, foreign keys resolved and every plan with sections and measures,
    over the whole release, holding only 64-bit hashes of the keys: the batches'
    ``key_hashes`` when given (all of the release's rows, none excluded), else computed from
    the tables one at a time.

    Every relation between plan tables stays inside one plan, so a batch that passed its own
    checks (``run_checks``: foreign keys, every document has sections and measures) cannot
    break them by sitting beside other batches; only keys can collide across batches. With
    the batches' hashes, therefore, only uniqueness, and foreign keys into tables the
    batches did not stage (outline_sections), are checked here: at 10,000 plans the
    redundant searches cost ~2 s of every run."""
    local: set[str] = set()  # tables whose relations each batch checked itself
    if batch_hashes is None:
        hashes = key_hashes(tables)
    else:
        names = {name for h in batch_hashes for name in h}
        local = {name for name in names if ":" not in name and "@" not in name}
        hashes = {
            name: np.concatenate([h[name] for h in batch_hashes if name in h])
            for name in sorted(names)
        }
        hashes |= key_hashes(tables, [t for t in tables.names() if t not in hashes])
    keys = {t: np.sort(hashes[t]) for t in tables.names()}  # sorted once, searched often
    refs = {tuple(k.split(":")): v for k, v in hashes.items() if ":" in k}
    with_text = hashes.get(f"documents@{PLAN_TEXT}", keys["documents"])
    out: list[CheckResult] = []
    for table in tables.names():
        out.append(_bad_keys(tables, table, "primary key unique", _repeated(keys[table])))
        for fk in table_schema(table).get("foreignKeys", []):
            col, ref = fk["fields"][0], fk["reference"]
            if table in local and (ref["resource"] or table) in local:
                continue
            child = refs.get((table, col), np.zeros(0, "uint64"))
            missing = _missing(child[child != 0], keys[ref["resource"] or table])
            label = f"foreign key {col} -> {ref['resource']}.{ref['fields'][0]}"
            out.append(_bad_keys(tables, table, label, missing, col))
    for child in ("sections", "measures") if not local else ():
        parents = np.sort(refs.get((child, "doc_id"), np.zeros(0, "uint64")))
        missing = _missing(with_text, parents)
        out.append(_bad_keys(tables, "documents", f"every document has {child}", missing))
    return out


def _repeated(ordered: np.ndarray) -> np.ndarray:
    """The values that occur more than once in the sorted array ``ordered``."""
    return np.unique(ordered[1:][ordered[1:] == ordered[:-1]])


def _missing(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """The distinct ``values`` not in the sorted array ``ordered`` (a binary search each:
    cheaper than ``np.setdiff1d``, which sorts both sides, at millions of rows)."""
    if not len(ordered):
        return np.unique(values)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return np.unique(values[ordered[at] != values])


def _bad_keys(
    tables: Tables, table: str, check: str, bad: np.ndarray, column: str | None = None
) -> CheckResult:
    """A CheckResult naming the rows whose key (or ``column``) hashes into ``bad``."""
    result = CheckResult(check=check, table=table, passed=len(bad) == 0)
    if not len(bad):
        return result
    pk = table_schema(table)["primaryKey"]
    for chunk in tables.chunks(table, list(dict.fromkeys([*pk, *([column] if column else [])]))):
        values = chunk[column] if column else row_keys(table, chunk)
        failing = chunk[np.isin(_hashes(values), bad)]
        result.n_failed += len(failing)
        result.failed_rows += list(row_keys(table, failing))
        result.samples += [str(v) for v in (failing[column] if column else [])]
    result.failed_rows, result.samples = result.failed_rows[:SAMPLE], result.samples[:SAMPLE]
    return result


CHECKS = (
    foreign_keys,
    primary_keys,
    every_document_has,
    quotes_match_text,
    target_values,
    stable_ids,
    coverage_sums,
)


def run_checks(tables: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """All cross-table and semantic checks."""
    return [result for check in CHECKS for result in check(tables)]


def merge_checks(results: list[CheckResult]) -> list[CheckResult]:
    """One result per (source, table, check), summing the batches' failures."""
    merged: dict[tuple[str, str, str], CheckResult] = {}
    for r in results:
        key = (r.source, r.table, r.check)
        if key not in merged:
            merged[key] = CheckResult(r.check, r.table, True, source=r.source)
        m = merged[key]
        m.passed = m.passed and r.passed
        m.n_failed += r.n_failed
        m.failed_rows = (m.failed_rows + r.failed_rows)[:SAMPLE]
        m.samples = (m.samples + r.samples)[:SAMPLE]
    return list(merged.values())
