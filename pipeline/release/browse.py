"""Browse a release in Datasette (``make serve``), with metadata generated from its schemas.

Datasette turns the release's SQLite database into web pages with facets, full-text search,
CSV/JSON export of any view and canned queries, which is how data journalists who do not
write code explore it. Everything it shows comes from the release itself at serve time (its
``datapackage.json`` and the database's tables), plus the settings in ``explore/``, so any
release, older or newer than the code, is shown with its own tables and columns.

Search needs one small plugin, registered here: the database indexes Chinese text as
overlapping bigrams (``search.py``), so the words typed into Datasette's search box are
rewritten the same way; without it Datasette would look up 公共法律服务 as one token and find
nothing. It replaces Datasette's ``escape_fts`` SQL function and adds ``fts_query`` for
canned queries. Datasette listens on 127.0.0.1 unless ``--host`` says otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from pipeline.release.explore import canned_queries, columns_in, has_all, views
from pipeline.release.search import match_query
from pipeline.release.sqlite import DATABASE, quote
from pipeline.release.sqlite_build import RECORD

NAME = Path(DATABASE).stem  # Datasette names a database after its file
SETTINGS = {"facet_time_limit_ms": 1000, "sql_time_limit_ms": 5000, "truncate_cells_html": 400}


class ChineseSearch:
    """Datasette plugin: Chinese search on the bigram index (``search.py``)."""

    __name__ = "rule_of_law_plans_chinese_search"  # Datasette lists plugins by name

    @hookimpl(trylast=True)  # after Datasette's own, whose escape_fts it replaces
    def prepare_connection(self, conn: sqlite3.Connection) -> None:
        conn.create_function("escape_fts", 1, match_query, deterministic=True)
        conn.create_function("fts_query", 1, match_query, deterministic=True)


PLUGIN = ChineseSearch()


def register_plugin() -> None:
    if not pm.is_registered(PLUGIN):
        pm.register(PLUGIN, name="rule-of-law-plans-chinese-search")


def database_columns(path: Path) -> dict[str, list[str]]:
    """Every table of the database at ``path`` (virtual ones too) -> its columns."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: [row[1] for row in conn.execute(f"PRAGMA table_info({n!r})")] for n in names}


def inspect_data(path: Path) -> dict[str, Any]:
    """Row counts of every table, given to Datasette so that it does not count them itself:
    a contentless FTS5 table cannot be scanned (its count is its table's)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {}
        for n in names:
            table = n.removesuffix("_fts") if n.endswith("_fts") and n[:-4] in names else n
            (counts[n],) = conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()
    with path.open("rb") as fh:
        sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
    tables = {n: {"count": c} for n, c in counts.items()}
    return {
        NAME: {"file": str(path), "hash": sha256, "size": path.stat().st_size, "tables": tables}
    }


def _both(english: str, chinese: str | None) -> str:
    return f"{english} · {chinese}" if chinese else english


def metadata(release: Path) -> dict[str, Any]:
    """Datasette metadata for the release folder ``release``: titles and descriptions in
    English and Chinese, license and source, column descriptions, facets, search, labels
    and the canned queries whose tables and columns the database has."""
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    columns = database_columns(release / "data" / DATABASE)
    settings = views()
    facets = columns_in("facets", columns)
    labels = {t: c for t, c in settings["label_column"].items() if t in columns and c in columns[t]}
    tables = {}
    for resource in package["resources"]:
        name, schema = resource["name"], resource["schema"]
        if name not in columns:
            continue
        fields = schema["fields"]
        table: dict[str, Any] = {
            "title": _both(
                resource.get("title", name),
                schema.get("title_zh") or settings["title_zh"].get(name),
            ),
            "description": _both(resource.get("description", ""), schema.get("description_zh")),
            "columns": {
                f["name"]: " / ".join(
                    x for x in (f.get("description"), f.get("description_zh")) if x
                )
                for f in fields
            },
            "facets": list(
                dict.fromkeys(
                    [f["name"] for f in fields if "enum" in f.get("constraints", {})]
                    + facets.get(name, [])
                )
            ),
        }
        if name in labels:
            table["label_column"] = labels[name]
        if f"{name}_fts" in columns:
            table |= {"fts_table": f"{name}_fts", "fts_pk": "rowid"}
        tables[name] = table
    if RECORD in columns:  # bookkeeping for updating the database, not data
        tables[RECORD] = {"hidden": True}
    about = settings["about"]
    license_ = (package.get("licenses") or [{}])[0]
    return {
        "title": f"{about['title']} · {about['title_zh']} — {package['version']}",
        "description": about["description"],
        "license": license_.get("name"),
        "license_url": license_.get("path"),
        "source": about["source"],
        "databases": {
            NAME: {
                "title": _both(package.get("title", NAME), None),
                "description": about["description"],
                "tables": tables,
                "queries": {
                    q["name"]: {k: q[k] for k in ("title", "description", "sql")}
                    for q in canned_queries()
                    if has_all(q.get("requires", {}), columns)
                },
            }
        },
    }


def datasette_app(release: Path) -> Datasette:
    """A Datasette instance serving the release folder ``release`` (read-only)."""
    register_plugin()
    path = release / "data" / DATABASE
    return Datasette(
        immutables=[str(path)],
        inspect_data=inspect_data(path),
        metadata=metadata(release),
        settings=SETTINGS,
    )


def main(argv: list[str] | None = None) -> None:
    """``make serve``: Datasette on the latest release (or ``--version``)."""
    from datasette.cli import cli

    parser = argparse.ArgumentParser(description="Browse a release in Datasette.")
    parser.add_argument("--output", type=Path, default=Path("output"))
    parser.add_argument("--version", help="release to serve (default: the latest)")
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine)")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    releases = args.output / "releases"
    version = args.version
    if version is None:
        latest = releases / "LATEST"
        if not latest.exists():
            sys.exit(f"no release in {releases}: run `make run` first")
        version = latest.read_text(encoding="utf-8").strip()
    release = releases / version
    if not (release / "data" / DATABASE).exists():
        sys.exit(f"{release} has no data/{DATABASE} (a release published before it existed)")
    register_plugin()
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(release), ensure_ascii=False), encoding="utf-8")
        counts = Path(tmp) / "inspect.json"
        counts.write_text(json.dumps(inspect_data(release / "data" / DATABASE)), "utf-8")
        options = [f"{k} {v}" for k, v in SETTINGS.items()]
        cli.main(
            ["serve", "-i", str(release / "data" / DATABASE), "--metadata", str(meta)]
            + ["--inspect-file", str(counts)]
            + ["--host", args.host, "--port", str(args.port)]
            + [x for option in options for x in ("--setting", *option.split())],
            prog_name="datasette",
        )


if __name__ == "__main__":
    main()
