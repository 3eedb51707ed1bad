"""Helpers shared by the tests of every stage: the seed plans, a real flow run, a release's
tables built without Prefect, and file digests."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"  # gold and reference data beside the repo, where present


def seed_path(prefix: str) -> Path:
    """The seed plan whose file name starts with ``prefix`` (e.g. "002")."""
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return path


def plan_of_text(text: str, name: str = "plan.txt"):
    """The rows ``process_plan`` makes of ``text`` as a decoded text file named ``name``."""
    from pipeline.extract.plan import PlanRows, process_plan
    from pipeline.read.ingest import Decoded, Source

    data = text.encode()
    source = Source(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data)
    rows = process_plan(Decoded(source=source, text=text, encoding="utf-8"))
    assert isinstance(rows, PlanRows), rows
    return rows


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8-sig")


def run_flow(
    seeds: Path, output: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flows.main`` as a user would, capturing everything it prints
    (``env``: Prefect settings for this run; the caller's own are left out)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run(
        [sys.executable, "-m", "flows.main", "--seeds", str(seeds), "--output", str(output), *args],
        cwd=REPO,
        env=clean | (env or {}),
        capture_output=True,
        text=True,
        timeout=600,
    )


def build_tables(seeds: Path) -> dict[str, pd.DataFrame]:
    """The candidate release's tables for a folder of plans, without Prefect (one batch)."""
    from pipeline.read.ingest import find_inputs
    from pipeline.runtime.assemble import combine_batches, staged_tables
    from pipeline.runtime.batch import run_batch

    with tempfile.TemporaryDirectory() as staging:
        items, rejected = find_inputs(seeds)
        batch = run_batch(0, items, Path(staging), cache=None)
        tables = staged_tables(Path(staging), combine_batches([batch], rejected))
        return {t: tables.read(t) for t in tables.names()}


def read_package(folder: Path) -> dict:
    """The datapackage.json of the release in ``folder``."""
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder``, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def digest_of_rows(folder: Path) -> dict[str, str]:
    """``digest`` of a release, but with each Parquet file's rows and schema in place of its
    bytes, and without the files that hold those bytes (the zip, SHA256SUMS): Parquet row
    groups follow the batches, so releases built with another ``--batch-size`` differ
    there and only there."""
    out = {}
    for name, sha in digest(folder).items():
        if name.endswith(".parquet"):
            rows = pq.read_table(folder / name)
            sha = hashlib.sha256(repr((rows.schema, rows.to_pydict())).encode()).hexdigest()
        if not name.endswith(".zip") and name != "SHA256SUMS":
            out[name] = sha
    return out


def write_profiles(home: Path, text: str) -> None:
    """A Prefect ``profiles.toml`` in ``home`` (PREFECT_HOME) holding ``text``."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "profiles.toml").write_text(text, encoding="utf-8")


# A plan whose own rows fail a row-level check: a deadline (2040) past the last one the
# national outlines look to (2035). It prints no period of its own: in a plan for 2021—2025
# that year would be a horizon, no target (pipeline/extract/rows.py beyond_period).
PLAN_FAILING_A_ROW_CHECK = """南江市法治社会建设实施方案
为推进法治社会建设,结合我市实际,制定本方案。
一、总体要求
(一)主要目标。到2040年底,建成一批法治示范村(社区)。
(二)工作措施。每年至少开展1次法治宣传活动。
二、组织保障
(一)加强领导。各部门要加强组织领导。
"""


# A document-sharing site's preview: its banner, then the plan's pages as 1、… 2、… 3、…,
# each flattened and cut wherever the page ended (page 2 mid-phrase, page 3 mid-word).
DOC_SHARE_BODY = (
    "坚持以人民为中心,深入推进全民普法,加强法治宣传教育,推动全社会尊法学法守法用法。" * 3
)
DOC_SHARE_PREVIEW = (
    "《西河区法治社会建设实施方案(2022—2025年)参考范文.docx》由会员分享,可在线阅读,"
    "更多相关《西河区法治社会建设实施方案(21页珍藏版)》请在某某文库上搜索。\n"
    "1、西河区法治社会建设实施方案(20222025年)参考范文为贯彻落实上级部署,结合实际,制定本方案。"
    f"一、总体要求(一)指导思想。{DOC_SHARE_BODY}(二)主要目标。到2025年,群众法治观念明显增强、\n"
    f"2、法治社会建设生动局面基本形成。二、主要任务(一)弘扬宪法精神。{DOC_SHARE_BODY}开展宪法宣传周活\n"
    f"3、动。(二)加强普法宣传。{DOC_SHARE_BODY}"
)
