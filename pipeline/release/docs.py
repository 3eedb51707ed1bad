"""The data dictionary (README.md inside each release), generated from the table schemas.

Because it is generated from ``schemas/``, the documentation cannot drift from the data.
"""

from __future__ import annotations

from pipeline.parse.divisions import table_sources
from pipeline.release.schema import table_schema

LOADING = """## How to load the data

Every table is in `data/` twice: Parquet (typed) and CSV (UTF-8 with BOM, header row).
Character offsets (`char_start`, `char_end`, end exclusive) point into `documents.text`:
`text[char_start:char_end]` is the quote.

**pandas**
```python
import pandas as pd
docs = pd.read_parquet("data/documents.parquet")
targets = pd.read_parquet("data/targets.parquet")
targets.merge(docs[["doc_id", "jurisdiction", "title"]], on="doc_id")
```

**DuckDB**
```sql
SELECT d.jurisdiction, t.kind, t.value, t.unit, t.text
FROM 'data/targets.parquet' t JOIN 'data/documents.parquet' d USING (doc_id);
```

**R**
```r
targets <- arrow::read_parquet("data/targets.parquet")
targets <- readr::read_csv("data/targets.csv")      # readr and data.table::fread skip the BOM
targets <- read.csv("data/targets.csv", fileEncoding = "UTF-8-BOM")  # base R needs the hint
```

**Excel**: open `data/rule-of-law-plans.xlsx`: a first sheet about the release, a
`Codebook` sheet (every column: table, name, type, English and Chinese description, allowed
values), then one sheet per table with a frozen header row and filters. The plans' normalized
full text (`documents.text`) is left out (use the Parquet or CSV file); a table longer than
Excel's 1,048,576 rows continues on a sheet `<table> (2)`, and a value longer than its
32,767-character cell limit is cut, with a note. Any `data/<table>.csv` also opens directly
(the BOM makes Excel read it as UTF-8, so the Chinese text displays correctly).

**SQLite**: `data/rule-of-law-plans.sqlite` holds every table, with the schemas' types,
primary and foreign keys and an index on every join column; `.schema` shows each column's
description, and the tables `release_tables` and `codebook` list them. It is a file of its
own beside the release's zip archive, which leaves it out: download it separately. Open it in
any SQLite client (DB Browser for SQLite, `sqlite3`, DuckDB, R's RSQLite):
```sql
SELECT d.jurisdiction, m.text FROM measures m JOIN documents d USING (doc_id)
WHERE m.text LIKE '%宪法%';
```
`measures`, `targets`, `sections` (heading) and `instruments` (name) have a Chinese
full-text index, `<table>_fts`, which holds overlapping character pairs: 宪法 is the phrase
`"宪法"`, 公共法律服务 the phrase `"公共 共法 法律 律服 服务"`:
```sql
SELECT * FROM measures WHERE rowid IN
  (SELECT rowid FROM measures_fts WHERE measures_fts MATCH '"公共 共法 法律 律服 服务"');
```

**Datasette** (browse, facet, search, map and chart in a web browser; export any view as CSV
or JSON): from a clone of the pipeline's repository, `make serve` opens the latest release at
http://127.0.0.1:8001 with the tables' descriptions, facets, search boxes that take Chinese
words as typed, and canned queries (targets by plan, deadlines by year, agencies named most
often as lead, …), plans on a map where their division has coordinates. Without the
repository, `datasette data/rule-of-law-plans.sqlite` serves the same tables without those
extras (search them with the SQL above).

`datapackage.json` describes every table as a Frictionless Data Package
(`frictionless validate datapackage.json`); `SHA256SUMS` lists a checksum for every file.
"""


def _constraints(field: dict) -> str:
    parts = []
    for key, value in field.get("constraints", {}).items():
        if value is True:
            parts.append(key)
        elif key == "enum":
            parts.append("one of " + ", ".join(f"`{v}`" for v in value))
        else:
            parts.append(f"{key} {value}")
    return "; ".join(parts)


def data_dictionary(version: str, counts: dict[str, int]) -> str:
    """Markdown: one section per table, every column with type, meaning and constraints."""
    lines = [
        f"# Chinese local rule-of-law plans — release {version}",
        "",
        "Tables extracted from Chinese local-government implementation plans issued under the",
        "national outlines 《法治社会建设实施纲要(2020—2025年)》 and",
        "《法治政府建设实施纲要(2021—2025年)》:",
        "法治社会建设实施方案 (rule-of-law society plans) and 法治政府建设实施方案 (rule-of-law",
        "government plans). Each plan is split into its chapters, sections and items; the tables",
        "record what it commits to, how much, by when and who is responsible.",
        "",
        LOADING,
        "## Division codes",
        "",
        "`documents.division_code` and the columns after it resolve each plan's jurisdiction",
        "in an official division table (GB/T 2260), built from:",
        "",
        *[f"- {s['title']} ({s['path']})" for s in table_sources()],
        "",
        "`division_match` says how each name resolved; no code is given for a masked,",
        "ambiguous or unlisted name. A county the coordinate table has no point for carries",
        "its parent's point.",
        "",
        "## Copies of one plan",
        "",
        "One plan often arrives more than once: as a PDF and a web page, on mirror sites, as a",
        "draft and as its final text. Each copy is a row of `documents`; copies share",
        "`documents.plan_key` (division code and title stem), so count plans by `plan_key`",
        "(where it is set), not by rows, and use `status` to keep the final text.",
        "",
        "## Tables",
        "",
    ]
    for table, n_rows in counts.items():
        schema = table_schema(table)
        lines += [f"### `{table}` — {schema.get('title', '')} ({n_rows} rows)", ""]
        lines += [schema.get("description", ""), ""]
        lines.append(f"Primary key: {', '.join(f'`{k}`' for k in schema['primaryKey'])}.")
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            lines.append(
                f"Foreign key: `{', '.join(fk['fields'])}` → `{ref['resource']}."
                f"{', '.join(ref['fields'])}`."
            )
        lines += ["", "| column | type | meaning | 说明 | constraints |", "|---|---|---|---|---|"]
        for f in schema["fields"]:
            lines.append(
                f"| `{f['name']}` | {f['type']} | {f.get('description', '')} | "
                f"{f.get('description_zh', '')} | {_constraints(f)} |"
            )
        lines.append("")
    return "\n".join(lines)


CODEBOOK_COLUMNS = (
    "table",
    "column",
    "type",
    "description",
    "description_zh",
    "allowed_values",
    "constraints",
)


def codebook(schemas: dict[str, dict]) -> list[dict[str, str]]:
    """One row per column of every table in ``schemas`` (table -> Table Schema), in order:
    the codebook of the SQLite database and of the Excel workbook."""
    rows = []
    for table, schema in schemas.items():
        for f in schema["fields"]:
            checks = {k: v for k, v in f.get("constraints", {}).items() if k != "enum"}
            rows.append(
                {
                    "table": table,
                    "column": f["name"],
                    "type": f["type"],
                    "description": f.get("description", ""),
                    "description_zh": f.get("description_zh", ""),
                    "allowed_values": ", ".join(
                        str(v) for v in f.get("constraints", {}).get("enum", [])
                    ),
                    "constraints": _constraints({"constraints": checks}),
                }
            )
    return rows
