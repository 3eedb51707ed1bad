"""Incremental reruns (the extraction cache), streaming writes, and the Dask runner."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pandas as pd
import pyarrow as pa

import pipeline.extract.version as version_module
from pipeline.extract.plan import PlanRows
from pipeline.extract.version import code_version
from pipeline.read.ingest import InputFile, find_inputs
from pipeline.release.publish import _arrow_row_groups
from pipeline.runtime.batch import batch_key, plan_batches, run_batch
from pipeline.runtime.cache import ExtractionCache
from tests.helpers import REPO, SEEDS, digest_of_rows, run_flow, write_profiles


def test_rerun_after_adding_one_plan_extracts_only_that_plan(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    cache = ExtractionCache(tmp_path / "cache")
    items, _ = find_inputs(seeds)
    first = run_batch(0, items, tmp_path / "staging1", cache)
    assert first.cache_hits == 0
    text = (SEEDS / "004_63fa32f3bd59cd89.txt").read_text(encoding="utf-8")
    (seeds / "005_sanya.txt").write_text(text.replace("海口", "三亚"), encoding="utf-8")
    items, _ = find_inputs(seeds)
    second = run_batch(0, items, tmp_path / "staging2", cache)
    assert (len(second.plans), second.cache_hits) == (6, 5)
    for table in ("sections", "targets"):  # cached rows are the rows extraction gives
        a = pd.read_parquet(tmp_path / "staging1" / table / "part-000000.parquet")
        b = pd.read_parquet(tmp_path / "staging2" / table / "part-000000.parquet")
        assert b[b["doc_id"].isin(set(a["doc_id"]))].reset_index(drop=True).equals(a)


def test_an_unchanged_batch_is_restored_whole_from_the_cache(tmp_path):
    cache = ExtractionCache(tmp_path / "cache")
    items, _ = find_inputs(SEEDS)
    first = run_batch(0, items, tmp_path / "staging1", cache)
    again = run_batch(3, items, tmp_path / "staging2", cache)  # same files, another position
    assert (again.batch, again.cache_hits, again.plans) == (3, 5, first.plans)
    assert again.checks == first.checks
    for table in ("documents", "measures", "targets"):
        a = (tmp_path / "staging1" / table / "part-000000.parquet").read_bytes()
        assert (tmp_path / "staging2" / table / "part-000003.parquet").read_bytes() == a


def test_cache_follows_renamed_files(tmp_path):
    cache = ExtractionCache(tmp_path)
    items, _ = find_inputs(SEEDS)
    run_batch(0, items[:1], tmp_path / "s", cache)
    cached = cache.get(items[0].sha256, "renamed.txt")
    assert isinstance(cached, PlanRows)
    assert cached.source_file == "renamed.txt"
    assert cached.tables["documents"][0]["source_file"] == "renamed.txt"


def test_changing_extraction_code_or_vocabulary_changes_the_cache_version(tmp_path, monkeypatch):
    vocab = tmp_path / "vocab"
    shutil.copytree(version_module.VOCAB_DIR, vocab)
    monkeypatch.setattr(version_module, "VOCAB_DIR", vocab)
    code_version.cache_clear()
    same = code_version()
    with (vocab / "agency_aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write("区政府办,区政府办公室,test\n")
    code_version.cache_clear()
    changed = code_version()
    code_version.cache_clear()
    assert same != changed
    old = ExtractionCache(tmp_path / "c", version=same)
    old.put("ab" * 32, PlanRows("d", "x.txt", "t"))
    new = ExtractionCache(tmp_path / "c", version=changed)
    assert new.get("ab" * 32, "x.txt") is None  # every plan is re-extracted
    new.prune()
    assert not (tmp_path / "c" / same).exists()


def test_parquet_row_groups_of_tables_held_in_memory_have_fixed_sizes():
    chunks = [pa.table({"a": range(n)}) for n in (3, 7, 1, 5, 2)]
    groups = list(_arrow_row_groups(iter(chunks), 4))
    assert [g.num_rows for g in groups] == [4, 4, 4, 4, 2]
    assert pa.concat_tables(groups)["a"].to_pylist() == pa.concat_tables(chunks)["a"].to_pylist()


def test_batches_are_stable_when_a_plan_is_added():
    def files(names):
        return [InputFile(f"/x/{n}", n, n, 1) for n in names]

    names = [f"plan-{i:04d}.txt" for i in range(0, 600, 2)]
    before = plan_batches(files(names), 10)
    assert [i.name for b in before for i in b] == sorted(names)  # order kept, nothing lost
    assert all(len(b) <= 20 for b in before) and 15 <= len(before) <= 60
    after = plan_batches(files([*names, "plan-0301.txt"]), 10)  # lands in the middle
    changed = {batch_key(b) for b in after} - {batch_key(b) for b in before}
    kept = {batch_key(b) for b in after} & {batch_key(b) for b in before}
    # the batch it joins changes (and the next one too when the new name is a boundary or
    # shifts a cut forced by the size cap); fixed-size slices would change every later batch
    assert 1 <= len(changed) <= 2 and len(kept) >= len(before) - 2
    assert any("plan-0301.txt" in [i.name for i in b] for b in after if batch_key(b) in changed)


def test_dask_runner_gives_the_same_release_as_the_local_runner(seed_release, tmp_path):
    release, _ = seed_release
    proc = run_flow(SEEDS, tmp_path, "--runner", "dask", "--batch-size", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    log = proc.stdout + proc.stderr
    assert "Extracted 5 plans in 5 batches" in log
    assert "Traceback" not in log and "WARNING" not in log
    # the same rows and files; only Parquet row groups (one per batch) differ
    assert digest_of_rows(tmp_path / "releases" / "1.0.0") == digest_of_rows(release)


def test_the_runs_dask_workers_drop_only_the_heartbeat_error_of_a_closed_scheduler():
    # what a worker of the run's LocalCluster logs when its heartbeat meets the scheduler
    # the run just closed; any other error of the worker still shows
    import logging

    from pipeline.runtime.runners import HEARTBEAT_FAILED, dask_setup

    worker_log, seen = logging.getLogger("distributed.worker"), []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    worker_log.addHandler(handler)
    before = list(worker_log.filters)
    try:
        dask_setup(object())
        worker_log.error(HEARTBEAT_FAILED + ".")
        worker_log.error("Compute Failed: a real problem")
    finally:
        worker_log.removeHandler(handler)
        worker_log.filters[:] = before
    assert seen == ["Compute Failed: a real problem"]


def test_a_run_on_a_teams_own_prefect_server_and_dask_cluster(
    seed_release, tmp_path, monkeypatch, running_server
):
    # existing infrastructure: a Prefect server named only in the active profile (`prefect
    # config set PREFECT_API_URL=...`), and a Dask cluster (--dask-address) whose workers
    # work in another folder, where relative --seeds and --output must still find the files
    from distributed import LocalCluster

    release, _ = seed_release
    home, output = tmp_path / "prefect-home", tmp_path / "out"
    relative_output = os.path.relpath(output, REPO)  # run_flow runs in the repository
    url = running_server["PREFECT_API_URL"]  # the team's server: named in the profile only
    monkeypatch.chdir(tmp_path)  # where the cluster's workers start
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        profile = f'active = "team"\n[profiles.team]\nPREFECT_API_URL = "{url}"\n'
        write_profiles(home, profile)
        proc = run_flow(
            Path("seeds"),
            Path(relative_output),
            "--runner",
            "dask",
            "--dask-address",
            cluster.scheduler_address,
            "--batch-size",
            "2",
            env={"PREFECT_HOME": str(home)},
        )
    latest = json.dumps({"sort": "EXPECTED_START_TIME_DESC", "limit": 5}).encode()
    request = urllib.request.Request(
        f"{url}/flow_runs/filter", data=latest, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        runs = json.load(response)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Extracted 5 plans in 3 batches" in proc.stdout + proc.stderr
    assert digest_of_rows(output / "releases" / "1.0.0") == digest_of_rows(release)
    mine = [r for r in runs if r["parameters"].get("output") == relative_output]
    assert [r["state_type"] for r in mine] == ["COMPLETED"]  # reported to the team's server


def test_cache_is_persisted_under_output(seed_release):
    release, _ = seed_release
    cache_root = Path(release).parent.parent / "cache" / "extract"
    entries = list(cache_root.glob("*/*/*.pkl"))
    assert len(entries) == 5
    assert {p.parent.parent.name for p in entries} == {code_version()}
