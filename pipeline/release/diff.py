"""Compare a candidate release with the previous one: what changed, and which version it gets.

Semantic versions for data: MAJOR when a table or column is removed, renamed or changes type;
MINOR when plans, tables or columns are added (or plans removed); PATCH when rows of existing
plans change. No change at all means no new release, so a rerun on the same inputs with the
same code publishes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.release.schema import columns, conform_column, row_keys, table_schema
from pipeline.release.staging import Tables


@dataclass
class TableDiff:
    """Row ids added, removed and changed in one table (ids are the primary key, joined by |)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class ReleaseDiff:
    """Everything that differs between the previous release and the candidate."""

    breaking: list[str] = field(default_factory=list)  # removed/renamed/retyped tables, columns
    additive: list[str] = field(default_factory=list)  # new tables or columns
    plans_added: list[str] = field(default_factory=list)
    plans_removed: list[str] = field(default_factory=list)
    plans_changed: list[str] = field(default_factory=list)
    tables: dict[str, TableDiff] = field(default_factory=dict)

    @property
    def bump(self) -> str | None:
        if self.breaking:
            return "major"
        if self.additive or self.plans_added or self.plans_removed:
            return "minor"
        if self.plans_changed or any(self.tables.values()):
            return "patch"
        return None


def next_version(previous: str | None, bump: str | None) -> str | None:
    """The version after ``previous`` for ``bump``; 1.0.0 for a first release."""
    if previous is None:
        return "1.0.0"
    if bump is None:
        return None
    major, minor, patch = (int(x) for x in previous.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _fields(schema: dict) -> dict[str, str]:
    return {f["name"]: f["type"] for f in schema["fields"]}


def _keys(table: str, frame: pd.DataFrame) -> pd.Index:
    return pd.Index(row_keys(table, frame).to_numpy(dtype=object))


def _canonical(table: str, frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """``cols`` as strings after casting to the schema's types, so an earlier release's
    file (read with its own dtypes) and a fresh candidate compare equal when equal."""
    out = {}
    for col in cols:
        try:
            out[col] = conform_column(table, col, frame[col])
        except (TypeError, ValueError):
            out[col] = frame[col]
    return pd.DataFrame(out).astype("string").fillna("\x00null")


def row_hashes(table: str, chunks: Iterable[pd.DataFrame], cols: list[str]) -> pd.Series:
    """One 64-bit hash per row of ``cols``, indexed by a 64-bit hash of its primary key
    (streamed chunk by chunk, so only two integers per row are held)."""
    keys, rows = [], []
    for chunk in chunks:
        keys.append(pd.util.hash_array(_keys(table, chunk).to_numpy(dtype=object)))
        rows.append(
            pd.util.hash_pandas_object(_canonical(table, chunk, cols), index=False).to_numpy()
        )
    if not keys:
        return pd.Series([], dtype="uint64")
    return pd.Series(np.concatenate(rows), index=np.concatenate(keys))


def _ids_of(table: str, chunks: Iterable[pd.DataFrame], wanted: set[int]) -> dict[int, str]:
    """Primary-key strings of the rows whose key hash is in ``wanted``."""
    out: dict[int, str] = {}
    for chunk in chunks:
        keys = _keys(table, chunk).to_numpy(dtype=object)
        hashed = pd.util.hash_array(keys)
        for i in np.flatnonzero(np.isin(hashed, list(wanted))):
            out[int(hashed[i])] = keys[i]
    return out


def diff_releases(
    old: Tables | None, old_schemas: dict[str, dict], new: Tables, same_extraction: bool = False
) -> ReleaseDiff:
    """Schema and row differences from ``old`` (previous release) to ``new`` (candidate).

    Rows are compared by primary key and a hash of their shared columns, one table at a
    time, so a large release never has to be in memory twice. With ``same_extraction`` (the
    old release was made by the same extraction code, with the same schemas), a plan in
    both has the same rows in both (its doc_id is the hash of its bytes), so only the rows
    of added and removed plans are compared, and the file names of all documents (a plan
    may have been renamed): adding one plan to a large release costs that plan, not the
    release.
    """
    diff = ReleaseDiff()
    new_names = new.names()
    for table, schema in old_schemas.items():
        if table not in new_names:
            diff.breaking.append(f"table `{table}` removed")
            continue
        old_fields, new_fields = _fields(schema), _fields(table_schema(table))
        for name, kind in old_fields.items():
            if name not in new_fields:
                diff.breaking.append(f"column `{table}.{name}` removed or renamed")
            elif new_fields[name] != kind:
                diff.breaking.append(f"column `{table}.{name}` type {kind} -> {new_fields[name]}")
        diff.additive += [f"column `{table}.{n}` added" for n in new_fields if n not in old_fields]
    diff.additive += [f"table `{t}` added" for t in new_names if t not in old_schemas]

    skip = same_extraction and old is not None
    documents: dict[int, pd.DataFrame] = {}  # with ``skip``: the two columns compared, once

    def rows(source: Tables, table: str, cols: list[str]) -> Iterable[pd.DataFrame]:
        """``cols`` of ``table`` in ``source``; with ``same_extraction``, only the rows of
        plans that are not in both releases (their rows can differ), and of documents only
        doc_id and source_file, read once per release (at 10,000 plans, reading the 226
        staged parts of documents once per use cost seconds)."""
        if skip and table == "documents":
            if id(source) not in documents:
                documents[id(source)] = source.read("documents", ["doc_id", "source_file"])
            return [documents[id(source)][cols]]
        if not skip or table == "documents" or "doc_id" not in columns(table):
            return source.chunks(table, cols)
        docs = set(diff.plans_removed if source is old else diff.plans_added)
        return source.chunks_of(table, cols, docs) if docs else iter(())

    def doc_ids(source: Tables) -> set[str]:
        return {d for chunk in rows(source, "documents", ["doc_id"]) for d in chunk["doc_id"]}

    old_docs = doc_ids(old) if old else set()
    new_docs = doc_ids(new)
    diff.plans_added = sorted(new_docs - old_docs)
    diff.plans_removed = sorted(old_docs - new_docs)
    changed_docs: set[str] = set()

    for table in new_names:
        if old is None or table not in old_schemas:
            continue
        shared = [c for c in columns(table) if c in _fields(old_schemas[table])]
        if skip and table == "documents":  # a plan in both differs by its file name at most
            shared = [c for c in shared if c in ("doc_id", "source_file")]
        a = row_hashes(table, rows(old, table, shared), shared)
        b = row_hashes(table, rows(new, table, shared), shared)
        both = a.index.intersection(b.index)
        added = set(b.index.difference(a.index))
        removed = set(a.index.difference(b.index))
        changed = set(both[a.loc[both].to_numpy() != b.loc[both].to_numpy()])
        pk = table_schema(table)["primaryKey"]
        names = _ids_of(table, rows(new, table, pk), added | changed) if added or changed else {}
        if removed:
            names |= _ids_of(table, rows(old, table, pk), removed)
        td = TableDiff(
            added=sorted(names[h] for h in added),
            removed=sorted(names[h] for h in removed),
            changed=sorted(names[h] for h in changed),
        )
        diff.tables[table] = td
        if "doc_id" in columns(table) and td:
            touched = set(td.added) | set(td.removed) | set(td.changed)
            for source in (old, new):
                key_cols = list(dict.fromkeys([*pk, "doc_id"]))
                for ids in rows(source, table, key_cols):
                    mask = _keys(table, ids).isin(touched)
                    changed_docs |= set(ids.loc[mask, "doc_id"])
    diff.plans_changed = sorted(changed_docs & old_docs & new_docs)
    return diff


def render_changelog(
    version: str, previous: str | None, diff: ReleaseDiff, titles: dict[str, str], older: str
) -> str:
    """This version's CHANGELOG entry on top of the previous versions' entries."""
    lines = [f"## {version}", ""]
    lines.append(f"Previous release: {previous}." if previous else "First release.")
    lines.append("")

    def plan_list(label: str, ids: list[str]) -> None:
        if ids:
            lines.append(f"{label} ({len(ids)}):")
            lines.extend(f"- `{d}` {titles.get(d, '')}".rstrip() for d in ids)
            lines.append("")

    plan_list("Plans added", diff.plans_added)
    plan_list("Plans removed", diff.plans_removed)
    plan_list("Plans changed", diff.plans_changed)
    if diff.breaking or diff.additive:
        lines.append("Schema changes:")
        lines += [f"- {c}" for c in diff.breaking + diff.additive]
        lines.append("")
    if previous and any(diff.tables.values()):
        lines += ["| table | rows added | rows removed | rows changed |", "|---|---|---|---|"]
        for table, td in diff.tables.items():
            lines.append(f"| {table} | {len(td.added)} | {len(td.removed)} | {len(td.changed)} |")
        lines.append("")
        for table, td in diff.tables.items():
            for label, ids in (
                ("added", td.added),
                ("removed", td.removed),
                ("changed", td.changed),
            ):
                if ids:
                    shown = ", ".join(f"`{i}`" for i in ids[:50])
                    more = f" and {len(ids) - 50} more" if len(ids) > 50 else ""
                    lines.append(f"- {table} {label}: {shown}{more}")
        lines.append("")
    body = "\n".join(lines).rstrip() + "\n"
    header = "# Changelog\n\n"
    older_entries = older.split(header, 1)[-1] if older else ""
    return header + body + ("\n" + older_entries if older_entries.strip() else "")
