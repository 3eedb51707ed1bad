"""Compare a candidate release with the previous one: what changed, and which version it gets.

Semantic versions for data: MAJOR when a table or column is removed, renamed or changes type;
MINOR when plans, tables or columns are added (or plans removed); PATCH when rows of existing
plans change. No change at all means no new release, so a rerun on the same inputs with the
same code publishes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flows.schema import table_schema


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
    parts = frame[table_schema(table)["primaryKey"]].astype("string").fillna("")
    key = parts.iloc[:, 0]
    for column in parts.columns[1:]:
        key = key + "|" + parts[column]
    return pd.Index(key.to_numpy(dtype=object))


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("string").fillna("\x00null")


def diff_releases(
    old: dict[str, pd.DataFrame],
    old_schemas: dict[str, dict],
    new: dict[str, pd.DataFrame],
) -> ReleaseDiff:
    """Schema and row differences from ``old`` (previous release) to ``new`` (candidate)."""
    diff = ReleaseDiff()
    for table, schema in old_schemas.items():
        if table not in new:
            diff.breaking.append(f"table `{table}` removed")
            continue
        old_fields, new_fields = _fields(schema), _fields(table_schema(table))
        for name, kind in old_fields.items():
            if name not in new_fields:
                diff.breaking.append(f"column `{table}.{name}` removed or renamed")
            elif new_fields[name] != kind:
                diff.breaking.append(f"column `{table}.{name}` type {kind} -> {new_fields[name]}")
        diff.additive += [f"column `{table}.{n}` added" for n in new_fields if n not in old_fields]
    diff.additive += [f"table `{t}` added" for t in new if t not in old_schemas]

    old_docs = set(old.get("documents", pd.DataFrame({"doc_id": []}))["doc_id"])
    new_docs = set(new["documents"]["doc_id"])
    diff.plans_added = sorted(new_docs - old_docs)
    diff.plans_removed = sorted(old_docs - new_docs)
    changed_docs: set[str] = set()
    for table, frame in new.items():
        if table not in old:
            continue
        shared = [c for c in frame.columns if c in old[table].columns]
        a = _canonical(old[table][shared]).set_axis(_keys(table, old[table]), axis=0)
        b = _canonical(frame[shared]).set_axis(_keys(table, frame), axis=0)
        td = TableDiff(
            added=sorted(set(b.index) - set(a.index)),
            removed=sorted(set(a.index) - set(b.index)),
        )
        both = sorted(set(a.index) & set(b.index))
        if both:
            differs = (a.loc[both] != b.loc[both]).any(axis=1)
            td.changed = sorted(differs[differs].index)
        diff.tables[table] = td
        if "doc_id" in frame.columns:
            for ids, source in ((td.added + td.changed, b), (td.removed, a)):
                if ids:
                    changed_docs |= set(source.loc[ids, "doc_id"])
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
