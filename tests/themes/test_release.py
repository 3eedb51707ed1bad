"""The outline tables as a release publishes them (the session's one seeds run)."""

from __future__ import annotations

import json

import pandas as pd


def test_release_places_every_seed_on_its_outline(seed_release):
    release, _ = seed_release
    data = release / "data"
    outlines = pd.read_parquet(data / "outline_sections.parquet")
    assert len(outlines) == 80 and outlines["title_en"].notna().all()
    docs = pd.read_parquet(data / "documents.parquet")
    assert set(docs["outline"]) == {"society", "government"}
    measures = pd.read_parquet(data / "measures.parquet")
    assert (measures["outline_id"].notna() ^ measures["no_outline_reason"].notna()).all()
    assert set(measures["outline_id"].dropna()) <= set(outlines["outline_id"])
    themes = pd.read_parquet(data / "section_themes.parquet")
    sections = pd.read_parquet(data / "sections.parquet")
    assert set(themes["section_id"]) <= set(sections.loc[sections["level"] <= 2, "section_id"])
    coverage = pd.read_parquet(data / "theme_coverage.parquet")
    sums = coverage.groupby("doc_id")["n_measures"].sum()
    assert (sums == measures[measures["outline_id"].notna()].groupby("doc_id").size()).all()
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    refs = {fk["reference"]["resource"] for fk in schemas["section_themes"]["foreignKeys"]}
    assert refs == {"documents", "sections", "outline_sections"}
    dictionary = (release / "README.md").read_text(encoding="utf-8")
    assert "### `section_themes`" in dictionary and "How it fails" in dictionary
