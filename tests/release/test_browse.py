"""Datasette on the real database of the seeds' release (its own test client, a real app):
index, facets, search, labels, every canned query, the map, and markup shown as text."""

from __future__ import annotations

import asyncio
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.release import browse
from pipeline.release.browse import NAME, datasette_app, metadata
from pipeline.release.explore import canned_queries, has_all
from pipeline.release.sqlite import DATABASE, write_database
from tests.helpers import read_package

PARAMS = {"words": "宪法", "jurisdiction": "", "name": ""}


def get(app, *paths: str) -> list:
    async def fetch():
        return [await app.client.get(path) for path in paths]

    return asyncio.run(fetch())


def containing(release, table: str, word: str) -> set[str]:
    frame = pd.read_parquet(release / "data" / f"{table}.parquet")
    key = frame.columns[0]
    return set(frame.loc[frame["text"].str.contains(word, regex=False), key])


@pytest.fixture(scope="module")
def release(seed_release):
    return seed_release[0]


def test_index_tables_facets_search_and_labels(release):
    app = datasette_app(release)
    index, targets, search2, search6, labels = get(
        app,
        "/",
        f"/{NAME}/targets.json",
        f"/{NAME}/measures.json?_search=宪法&_shape=array&_size=max",
        f"/{NAME}/measures.json?_search=公共法律服务&_shape=array&_size=max",
        f"/{NAME}/targets.json?_labels=on&_size=1",
    )
    assert index.status_code == 200 and "地方法治建设实施方案数据集" in index.text
    assert targets.status_code == 200
    assert {"kind", "deadline_year", "frequency"} <= set(targets.json()["facet_results"])
    for response, word in ((search2, "宪法"), (search6, "公共法律服务")):
        assert response.status_code == 200
        found = {row["measure_id"] for row in response.json()}
        assert found == containing(release, "measures", word) and found
    (row,) = labels.json()["rows"]  # foreign keys shown with their row's name
    titles = set(pd.read_parquet(release / "data/documents.parquet")["title"])
    assert row["doc_id"]["label"] in titles
    measures = pd.read_parquet(release / "data/measures.parquet").set_index("measure_id")
    assert row["measure_id"]["label"] == measures.loc[row["measure_id"]["value"], "text"]


def test_every_canned_query_whose_columns_exist_runs(release):
    meta = metadata(release)
    offered = set(meta["databases"][NAME]["queries"])
    assert {
        "search_all_text",
        "deadlines_by_year",
        "lead_agencies",
        "plans_enacting_or_revising",
        "targets_by_plan",
    } <= offered
    assert offered == {q["name"] for q in canned_queries()}  # the seeds have every column
    app = datasette_app(release)
    paths = [
        f"/{NAME}/{q}.json?_shape=array&" + "&".join(f"{k}={v}" for k, v in PARAMS.items())
        for q in sorted(offered)
    ]
    for name, response in zip(sorted(offered), get(app, *paths), strict=True):
        assert response.status_code == 200, (name, response.text[:500])
        assert response.json(), name
    (found,) = get(app, f"/{NAME}/search_all_text.json?words=宪法&_shape=array&_size=max")
    measures = {r["id"] for r in found.json() if r["found_in"] == "measure"}
    assert measures == containing(release, "measures", "宪法")


def test_canned_queries_are_offered_only_with_their_columns():
    query = {"requires": {"documents": ["latitude", "longitude"]}}
    assert has_all(query["requires"], {"documents": ["doc_id", "latitude", "longitude"]})
    assert not has_all(query["requires"], {"documents": ["doc_id", "latitude"]})
    assert not has_all({"theme_coverage": []}, {"documents": ["doc_id"]})
    assert all("requires" in q and "sql" in q for q in canned_queries())


def with_markup(release, folder):
    """A copy of the release in which one measure holds markup, its database rebuilt."""
    shutil.copytree(release, folder)
    package = read_package(folder)
    measures = pq.read_table(folder / "data/measures.parquet").to_pandas()
    measures.loc[0, "text"] = "<script>alert('x')</script>维护宪法权威"
    pq.write_table(
        pa.Table.from_pandas(measures, preserve_index=False), folder / "data/measures.parquet"
    )
    (folder / "data" / DATABASE).unlink()
    write_database(folder, package)
    return folder


def test_plans_are_on_the_map_and_markup_is_shown_as_text(release, tmp_path):
    assert "plans_map" in metadata(release)["databases"][NAME]["queries"]
    folder = with_markup(release, tmp_path / "release")
    app = datasette_app(folder)
    table, query, search = get(
        app,
        f"/{NAME}/documents",
        f"/{NAME}/plans_map",
        f"/{NAME}/measures?_search=宪法",
    )
    for page in (table, query):
        assert page.status_code == 200 and "datasette-cluster-map.js" in page.text
    assert "海口市" in query.text and "大渡口区" in query.text
    assert search.status_code == 200
    assert "&lt;script&gt;alert(" in search.text and "<script>alert(" not in search.text


def test_serve_listens_on_this_machine_only_by_default(release, monkeypatch):
    calls = []
    monkeypatch.setattr("datasette.cli.cli.main", lambda args, **kw: calls.append(args))
    browse.main(["--output", str(release.parent.parent)])
    (args,) = calls
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert str(release / "data" / DATABASE) in args
    with pytest.raises(SystemExit, match="no release"):
        browse.main(["--output", str(release)])
