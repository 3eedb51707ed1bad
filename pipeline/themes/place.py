"""Place one plan on its national outline: the per-plan step after extraction.

Adds to a plan's rows ``documents.outline``, the measures' ``outline_id``, ``outline_score``
and ``no_outline_reason``, and the tables ``section_themes`` and ``theme_coverage``. It runs
on each plan right after ``process_plan``, so its rows are cached with the plan's and a new
plan costs one plan's matching. A reviewed override (``vocab/theme_overrides.csv``) replaces
the method's links of one chapter or section of one plan.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from pipeline.extract.plan import PlanRows
from pipeline.text.mirror import simplified
from pipeline.themes.match import (
    HEADING_SAME,
    Link,
    PlanNode,
    match_chapters,
    match_plan,
    section_columns,
)
from pipeline.themes.ngrams import Rows
from pipeline.themes.outlines import (
    OUTLINES,
    clean_all,
    outline_model,
    outline_nodes,
)
from pipeline.vocab import load_csv, load_yaml

Row = dict[str, Any]
MEASURE_LINK = 0.3  # least cosine of a measure's own text for it to get an outline section
CHAPTERS_FOR_OUTLINE = 0.5  # share of a plan's chapters that must match one outline alone
SAME_TITLE = 0.9  # heading cosine of a title printed as the outline prints it


def container_chapters(
    sections: list[Row], cleaned_headings: list[str], outlines: tuple[str, ...] = OUTLINES
) -> set[str]:
    """Chapters that hold the outline's chapters as their sections (二、主要任务 / (一)推动
    全社会增强法治观念 / (二)健全社会领域制度规范 …): a plan one level deeper than its
    outline there. A chapter is one when at least two of its sections, and at least half,
    carry the title of an outline chapter of tasks (heading cosine at least HEADING_SAME),
    or its one section carries one as printed (at least SAME_TITLE: a copy cut after it)."""
    children: dict[str, list[int]] = {}
    for k, sec in enumerate(sections):
        if sec["level"] == 2 and sec["parent_id"]:
            children.setdefault(sec["parent_id"], []).append(k)
    if not children:
        return set()
    rows = [k for ks in children.values() for k in ks]
    cosines = outline_model().heading_similarity_of(
        [cleaned_headings[k] for k in rows], outlines, len(rows)
    )
    best = dict(zip(rows, np.nanmax(cosines[:, _task_chapters()], axis=1).tolist(), strict=True))
    found = set()
    for chapter, ks in children.items():
        titled = sum(best[k] >= HEADING_SAME for k in ks)
        if titled >= max(2, len(ks) / 2) or (len(ks) == 1 and best[ks[0]] >= SAME_TITLE):
            found.add(chapter)
    return found


@functools.cache
def _task_chapters() -> list[int]:
    """The outline chapters of tasks (the model's rows): all but each outline's first and
    last (总体要求 and the organisation of the work), which plans also use as section titles
    (一、… / (一)总体要求) and which no container chapter holds."""
    nodes = outline_model().nodes
    chapters = [k for k, n in enumerate(nodes) if n.section is None]
    last = {nodes[k].outline: nodes[k].chapter for k in chapters}  # in order: the last wins
    return [k for k in chapters if 1 < nodes[k].chapter < last[nodes[k].outline]]


def effective_levels(sections: list[Row], containers: set[str]) -> dict[str, int | None]:
    """Each section's level as the outline sees it: one less below a container chapter,
    None for the container itself (it is no one outline chapter)."""
    out: dict[str, int | None] = {}
    shift: dict[str, int] = {}  # how many container chapters stand above a section
    for sec in sections:  # parents come first
        sid, parent = sec["section_id"], sec["parent_id"]
        shift[sid] = (shift[parent] + (parent in containers)) if parent else 0
        out[sid] = None if sid in containers else sec["level"] - shift[sid]
    return out


def plan_nodes(
    text: str,
    sections: list[Row],
    measures: list[Row],
    counts: Rows,
    cleaned_headings: list[str],
    outlines: tuple[str, ...] = OUTLINES,
    levels: dict[str, int | None] | None = None,
) -> list[PlanNode]:
    """The plan's chapters and sections, each with the text of its whole subtree and its
    cosines against the nodes of ``outlines``; the body's from the n-gram counts of the
    headings and measures in it (rows of ``counts``: one per section, then one per
    measure), so that the plan's text is read once, not once per level. ``levels`` are the
    sections' levels as the outline sees them (``effective_levels``), by default their own."""
    level = levels or {sec["section_id"]: sec["level"] for sec in sections}
    end = {s["section_id"]: s["char_end"] for s in sections}
    for s in reversed(sections):  # children follow their parent
        if s["parent_id"]:
            end[s["parent_id"]] = max(end[s["parent_id"]], end[s["section_id"]])
    # chapters first: their rows are compared with the outline chapters only, the sections'
    # with the outline sections only (``_against``)
    chapters = [k for k, s in enumerate(sections) if level[s["section_id"]] == 1]
    keep = chapters + [k for k, s in enumerate(sections) if level[s["section_id"]] == 2]
    if not keep:
        return []
    # each section's kept ancestors (itself too, when kept), as positions in ``keep``
    kept_up: dict[str, list[int]] = {}
    at = {k: i for i, k in enumerate(keep)}
    for k, s in enumerate(sections):  # parents come first
        parent = s["parent_id"]
        up = kept_up[parent] if parent else []
        kept_up[s["section_id"]] = [at[k], *up] if k in at else up
    headings_in: list[list[int]] = [[] for _ in keep]  # each kept node's subtree's rows
    measures_in: list[list[int]] = [[] for _ in keep]
    for k, s in enumerate(sections):
        for a in kept_up[s["section_id"]]:
            headings_in[a].append(k)
    for k, m in enumerate(measures, len(sections)):
        for a in kept_up[m["section_id"]]:
            measures_in[a].append(k)
    counts_of = counts.sums(headings_in, measures_in)
    model = outline_model()  # every node's cosines at once: one call, not one per node
    n_chapters = len(chapters)
    heading = model.heading_similarity_of([cleaned_headings[k] for k in keep], outlines, n_chapters)
    body = model.body_similarity_of(counts_of, outlines, n_chapters)
    return [  # in the plan's order
        PlanNode(
            s["section_id"],
            level[s["section_id"]],
            s["heading"] or "",
            text[s["char_start"] : end[s["section_id"]]],
            s["parent_id"],
            (heading[at[k]], body[at[k]]),
        )
        for k, s in enumerate(sections)
        if k in at
    ]


def cited_outlines(text: str) -> set[str]:
    """The national outlines the plan names (by their titles, as listed in the vocab)."""
    titles = load_yaml("theme_matching.yaml")["citations"]
    text = simplified(text)
    return {o for o in OUTLINES if any(t in text for t in titles[o])}


def plan_outline(plan_type: str | None, text: str, nodes: list[PlanNode]) -> str | None:
    """The outline a plan implements: its type when that is society or government; else
    the one outline it cites; else the one outline most of its chapters match, alone."""
    if plan_type in OUTLINES:
        return plan_type
    cited = cited_outlines(text)
    if len(cited) == 1:
        return cited.pop()
    chapters = [n for n in nodes if n.level == 1]
    links = match_chapters(chapters, OUTLINES)
    found = {lk.outline_id.split(".")[0] for lk in links}
    if len(found) == 1 and len(links) >= max(2, CHAPTERS_FOR_OUTLINE * len(chapters)):
        return found.pop()
    return None


@functools.cache
def _overrides() -> dict[tuple[str, int, int], list[str]]:
    """(doc_id, level, number) -> the reviewed outline ids (empty: a local addition)."""
    return {
        (r["doc_id"], int(r["level"]), int(r["number"])): r["outline_ids"].split()
        for r in load_csv("theme_overrides.csv")
    }


def apply_overrides(doc_id: str, sections: list[Row], links: list[Link]) -> list[Link]:
    """``links`` with every overridden chapter or section's links replaced."""
    reviewed = {}
    for s in sections:
        key = (doc_id, s["level"], s["number"])
        if key in _overrides():
            reviewed[s["section_id"]] = _overrides()[key]
    kept = [lk for lk in links if lk.section_id not in reviewed]
    return kept + [Link(sid, oid, 1.0, "override") for sid, ids in reviewed.items() for oid in ids]


def place_plan(rows: PlanRows) -> PlanRows:
    """Add the outline columns and tables to one plan's rows (in place; returned)."""
    doc = rows.tables["documents"][0]
    sections = rows.tables["sections"]
    measures = rows.tables["measures"]
    # the headings and measures cleaned and counted in one pass (a call per list cost more)
    cleaned = clean_all([s["heading"] or "" for s in sections] + [m["text"] for m in measures])
    counts = outline_model().body_counts_of(cleaned)
    typed = doc.get("plan_type")  # a plan of either type is matched to its outline alone
    candidates = (typed,) if typed in OUTLINES else OUTLINES
    headings = cleaned[: len(sections)]
    containers = container_chapters(sections, headings, candidates)
    levels = effective_levels(sections, containers)
    nodes = plan_nodes(rows.text, sections, measures, counts, headings, candidates, levels)
    outline = plan_outline(typed, rows.text, nodes)
    review = rows.review_sections  # parts reviewing past work: they implement no outline part
    links = match_plan([n for n in nodes if n.section_id not in review], outline)
    links = apply_overrides(
        rows.doc_id, sections, links + _container_links(links, sections, containers)
    )
    order = {s["section_id"]: k for k, s in enumerate(sections)}
    links.sort(key=lambda lk: (order[lk.section_id], -lk.score, lk.outline_id))
    doc["outline"] = outline
    rows.tables["section_themes"] = [
        {
            "section_id": lk.section_id,
            "outline_id": lk.outline_id,
            "doc_id": rows.doc_id,
            "score": round(lk.score, 3),
            "method": lk.method,
        }
        for lk in links
    ]
    _place_measures(rows, links, (outline,) if outline else OUTLINES, counts, levels, review)
    rows.tables["theme_coverage"] = _coverage(rows, outline)
    return rows


def _container_links(links: list[Link], sections: list[Row], containers: set[str]) -> list[Link]:
    """A container chapter serves the outline chapters its sections were linked to."""
    if not containers:
        return []
    parent = {sec["section_id"]: sec["parent_id"] for sec in sections}
    best: dict[tuple[str, str], float] = {}
    for lk in links:
        container = parent.get(lk.section_id)
        if container in containers and "." not in lk.outline_id.split(".", 1)[1]:
            key = (container, lk.outline_id)
            best[key] = max(best.get(key, 0.0), lk.score)
    return [Link(c, oid, score, "sections") for (c, oid), score in best.items()]


def _place_measures(
    rows: PlanRows,
    links: list[Link],
    outlines: tuple[str, ...],
    counts: Rows,
    level: dict[str, int | None],
    review: frozenset[str],
) -> None:
    """Each measure's outline section: its chapter or section's single link; the best of
    several by the measure's own text; with none, the best outline section by its text
    (``counts``: the sections' rows, then the measures'). ``level``: the sections' levels
    as the outline sees them (None for a container chapter, which a measure in it takes).
    A measure in a part that reviews past work (``review``) serves none: its reason says so."""
    parent = {s["section_id"]: s["parent_id"] for s in rows.tables["sections"]}
    links_of: dict[str, list[Link]] = {}
    for lk in links:
        links_of.setdefault(lk.section_id, []).append(lk)
    measures = rows.tables["measures"]
    model = outline_model()
    column, sections_of = _measure_columns(outlines)
    pending = []  # measures that a single link does not place: (row, node, links)
    # per section a measure stands in: its chapter or section, its links, and the one
    # link's (outline_id, score) when it has exactly one (worked out once per section)
    placed: dict[str | None, tuple[str | None, list[Link], tuple[str, float] | None]] = {}
    for i, m in enumerate(measures):
        sid = m["section_id"]
        if sid not in placed:
            node = sid
            while node and (level[node] or 0) > 2:  # items take their section's
                node = parent[node]
            own = links_of.get(node, []) if node else []
            one = (own[0].outline_id, round(own[0].score, 3)) if len(own) == 1 else None
            placed[sid] = (node, own, one)
        node, own, one = placed[sid]
        if sid in review:
            m["outline_id"], m["outline_score"], m["no_outline_reason"] = None, None, "review"
        elif one:
            m["outline_id"], m["outline_score"], m["no_outline_reason"] = *one, None
        else:
            m["outline_id"], m["outline_score"], m["no_outline_reason"] = None, None, None
            pending.append((i, node, own))
    if not pending:
        return
    # cosines only of those measures (rows are weighted and normed one by one, so a row's
    # cosines do not depend on the other rows)
    n_sections = len(rows.tables["sections"])
    pending_counts = counts.take([n_sections + i for i, _, _ in pending])
    similarity = model.body_similarity_of(pending_counts, outlines)
    for (i, node, own), cosines in zip(pending, similarity, strict=True):
        m = measures[i]
        cols = [column[lk.outline_id] for lk in own] if own else sections_of
        best = cols[int(np.argmax(cosines[cols]))]
        if own or cosines[best] >= MEASURE_LINK:
            m["outline_id"] = model.nodes[best].outline_id
            m["outline_score"] = round(float(cosines[best]), 3)
        else:  # a local addition, or an item that stands in no chapter or section
            m["no_outline_reason"] = "local_addition" if node else "no_match"


@functools.cache
def _measure_columns(outlines: tuple[str, ...]) -> tuple[dict[str, int], list[int]]:
    """Each outline node's row in the model, and the rows of the sections of ``outlines``
    (those ``match`` links sections to; a list, for numpy indexing: not to be changed)."""
    column = {n.outline_id: k for k, n in enumerate(outline_model().nodes)}
    return column, list(section_columns(outlines)[0])


def _coverage(rows: PlanRows, outline: str | None) -> list[Row]:
    """Per outline chapter and section: how many of the plan's chapters and sections,
    measures and targets serve it (exactly that id; chapters do not sum their sections)."""
    n_sections: dict[str, int] = {}
    for t in rows.tables["section_themes"]:
        n_sections[t["outline_id"]] = n_sections.get(t["outline_id"], 0) + 1
    of_measure = {m["measure_id"]: m["outline_id"] for m in rows.tables["measures"]}
    n_measures: dict[str, int] = {}
    for oid in of_measure.values():
        if oid:
            n_measures[oid] = n_measures.get(oid, 0) + 1
    n_targets: dict[str, int] = {}
    for t in rows.tables["targets"]:
        oid = of_measure.get(t["measure_id"])
        if oid:
            n_targets[oid] = n_targets.get(oid, 0) + 1
    used = {oid.split(".")[0] for oid in [*n_sections, *n_measures]}
    outlines = [o for o in OUTLINES if o == outline or (outline is None and o in used)]
    return [
        {
            "doc_id": rows.doc_id,
            "outline_id": n.outline_id,
            "n_sections": n_sections.get(n.outline_id, 0),
            "n_measures": n_measures.get(n.outline_id, 0),
            "n_targets": n_targets.get(n.outline_id, 0),
            "covered": bool(n_sections.get(n.outline_id) or n_measures.get(n.outline_id)),
        }
        for n in outline_nodes()
        if n.outline in outlines
    ]
