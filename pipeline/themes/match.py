"""Which outline chapter or section each chapter and section of a plan implements.

Local plans rename headings (培育全民法治意识 for 增强全民法治观念), merge two sections into
one, move or add sections, so the heading alone is not enough. Each pair (plan node, outline
node) gets a score from three signals:

- heading: TF-IDF cosine of the plan heading and the outline title (char 1-2-grams);
- body: TF-IDF cosine of the node's whole text (heading, body and items) and the outline
  node's title and reviewed keywords (char 2-3-grams), scaled so that BODY_STRONG counts 1;
- position: for a section, whether the outline section lies in the outline chapter that the
  plan's chapter was matched to, and how well its place in that chapter agrees.

Chapters are assigned one-to-one (Hungarian assignment, scipy) with a position prior on
their order; sections take their best outline section when the score reaches LINK, plus a
second one when the plan visibly merged two (both titles in the heading, or a new heading
whose body serves two outline sections almost equally). A section below LINK that stands,
in order, exactly where its chapter leaves an outline section unclaimed (between the
sections linked to its neighbours) takes that one if its score reaches GAP_MIN; the
other sections below LINK are local additions and get no link.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from pipeline.themes.outlines import OUTLINES, outline_model

W_HEADING, W_BODY, W_POSITION = 0.35, 0.52, 0.13  # weights of the signals (sum 1)
BODY_STRONG = 0.5  # a body cosine this high is as sure as an identical heading
LINK = 0.35  # least score for a link
HEADING_SAME = 0.7  # heading cosine above which the plan kept the outline's title
MERGE_HEADING = 0.6  # both titles this present in one heading: a merged section
MERGE_BODY = 0.75  # second body cosine at least this share of the first: a merged section
MERGE_BODY_MIN = 0.25  # and at least this high: the second outline section is plainly there
GAP_MIN = 0.2  # least score of a section placed by order into a gap the plan leaves


class PlanNode(NamedTuple):  # not a frozen dataclass: its __init__ cost ~2 us a node
    """A chapter (level 1) or section (level 2) of a plan, with its whole text."""

    section_id: str
    level: int
    heading: str
    text: str  # heading, body and every item below it
    parent_id: str | None
    # (heading, body) cosines against every outline node, when the plan computed them for
    # all its nodes at once (the body's from the counts of its headings and measures)
    cosines: tuple[np.ndarray, np.ndarray] | None = None


class Link(NamedTuple):  # as PlanNode: ~40 a plan
    """A plan node implements an outline node."""

    section_id: str
    outline_id: str
    score: float
    method: str  # heading, body or position: the signal that contributed most


def _order(n: int) -> np.ndarray:
    return np.arange(n) / (n - 1) if n > 1 else np.zeros(n)


def _scores(
    nodes: list[PlanNode], cols: tuple[int, ...], position: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scores (0-1) of ``nodes`` x outline rows ``cols``, their three weighted parts, and
    the raw heading and body cosines."""
    heading, body = _cosines(nodes)
    heading, body = heading[:, cols], body[:, cols]
    parts = np.stack(
        [W_HEADING * heading, W_BODY * np.minimum(body / BODY_STRONG, 1.0), W_POSITION * position]
    )
    return parts.sum(axis=0), parts, heading, body


def _cosines(nodes: list[PlanNode]) -> tuple[np.ndarray, np.ndarray]:
    """Heading and body cosines of ``nodes`` against every outline node: those the plan
    computed, else from the node's own heading and text."""
    missing = [n for n in nodes if n.cosines is None]
    if missing:
        model = outline_model()
        heading = model.heading_similarity([n.heading for n in missing])
        body = model.body_similarity([n.text for n in missing])
        computed = iter(zip(heading, body, strict=True))
    rows = [n.cosines if n.cosines is not None else next(computed) for n in nodes]
    return np.array([h for h, _ in rows]), np.array([b for _, b in rows])


def _method(parts: np.ndarray, i: int, j: int) -> str:
    """``heading`` when the plan kept the outline's title; else the larger of the other two
    signals (``body`` or ``position``)."""
    if parts[0, i, j] >= W_HEADING * HEADING_SAME:
        return "heading"
    return "body" if parts[1, i, j] >= parts[2, i, j] else "position"


@functools.cache
def _chapter_columns(outlines: tuple[str, ...]) -> tuple[tuple[int, ...], np.ndarray]:
    """The outline chapters of ``outlines`` (their rows in the model) and the rank of each
    in its outline (0 to 1): the same for every plan, so worked out once."""
    nodes = outline_model().nodes
    cols = [k for k, n in enumerate(nodes) if n.outline in outlines and n.section is None]
    rank = {n.outline: _order(sum(1 for k in cols if nodes[k].outline == n.outline)) for n in nodes}
    outline_rank = np.array([rank[nodes[k].outline][nodes[k].chapter - 1] for k in cols])
    outline_rank.flags.writeable = False
    return tuple(cols), outline_rank


@functools.cache
def section_columns(
    outlines: tuple[str, ...],
) -> tuple[tuple[int, ...], dict[str, tuple[list[int], np.ndarray]]]:
    """The outline sections of ``outlines`` (their rows in the model) and, per outline
    chapter (``society.2``), its sections (as positions in those rows) and the rank of each
    in the chapter (0 to 1): the same for every plan, so worked out once."""
    nodes = outline_model().nodes
    cols = [k for k, n in enumerate(nodes) if n.outline in outlines and n.section is not None]
    in_chapter: dict[str, list[int]] = {}
    for c, k in enumerate(cols):
        in_chapter.setdefault(f"{nodes[k].outline}.{nodes[k].chapter}", []).append(c)
    chapters = {}
    for chapter, members in in_chapter.items():
        ranks = _order(len(members))[[nodes[cols[c]].section - 1 for c in members]]
        ranks.flags.writeable = False
        chapters[chapter] = (members, ranks)
    return tuple(cols), chapters


@functools.cache
def _position_block(outlines: tuple[str, ...], chapter: str, n: int) -> np.ndarray:
    """The position signal of a plan chapter's ``n`` sections against the sections of the
    outline chapter it matched: 0.5 plus half the agreement of their ranks; the same for
    every plan with as many sections there, so worked out once."""
    ranks = _order(n)
    j_ranks = section_columns(outlines)[1][chapter][1]
    block = 0.5 + 0.5 * (1 - np.abs(ranks[:, None] - j_ranks[None, :]))
    block.flags.writeable = False
    return block


def _span_or_ix(rows: list[int], cols: list[int]) -> tuple:
    """The index of the cells at ``rows`` x ``cols`` (increasing): slices where they are
    runs, as they are for a chapter's sections (an ``np.ix_`` took ~10 us a chapter)."""
    if rows[-1] - rows[0] == len(rows) - 1 and cols[-1] - cols[0] == len(cols) - 1:
        return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    return np.ix_(rows, cols)


def match_chapters(chapters: list[PlanNode], outlines: tuple[str, ...]) -> list[Link]:
    """One-to-one links of the plan's chapters to outline chapters."""
    nodes = outline_model().nodes
    cols, outline_rank = _chapter_columns(outlines)
    if not chapters or not cols:
        return []
    position = 1 - np.abs(_order(len(chapters))[:, None] - outline_rank[None, :])
    score, parts, _, _ = _scores(chapters, cols, position)
    rows, picked = linear_sum_assignment(-score)
    return [
        Link(
            chapters[i].section_id,
            nodes[cols[j]].outline_id,
            float(score[i, j]),
            _method(parts, i, j),
        )
        for i, j in zip(rows, picked, strict=True)
        if score[i, j] >= LINK
    ]


def match_sections(
    sections: list[PlanNode], outlines: tuple[str, ...], chapter_of: dict[str, str]
) -> list[Link]:
    """Links of the plan's sections; ``chapter_of`` maps a plan chapter's section_id to the
    outline chapter id it was matched to."""
    nodes = outline_model().nodes
    cols, chapters = section_columns(outlines)
    if not sections or not cols:
        return []
    siblings: dict[str | None, list[int]] = {}
    for i, s in enumerate(sections):
        siblings.setdefault(s.parent_id, []).append(i)
    position = np.zeros((len(sections), len(cols)))
    for parent, members in siblings.items():
        chapter = chapter_of.get(parent) if parent else None
        if chapter not in chapters:
            continue
        block = _position_block(outlines, chapter, len(members))
        position[_span_or_ix(members, chapters[chapter][0])] = block
    score, parts, heading, body = _scores(sections, cols, position)
    # every row's best and next two at once, and only their numbers as Python floats (the
    # same doubles): a numpy call and scalar per row and cell cost more than the
    # comparisons, and making a float of every cell cost more than the rest of the loop
    picks = np.concatenate([score.argmax(axis=1)[:, None], np.argsort(-score, axis=1)[:, 1:3]], 1)
    at = (picks + np.arange(len(sections))[:, None] * len(cols)).ravel()
    width = picks.shape[1]
    picked = picks.tolist()
    score_of, heading_of, body_of = (
        [row[k : k + width] for k in range(0, len(row), width)]
        for row in (score.take(at).tolist(), heading.take(at).tolist(), body.take(at).tolist())
    )
    chosen: dict[int, list[int]] = {}
    for i, (best, *others) in enumerate(picked):
        sc, hd, bd = score_of[i], heading_of[i], body_of[i]  # at best, then the next two
        if sc[0] < LINK:
            continue
        chosen[i] = [best]
        for k, j in enumerate(others, 1):
            if sc[k] < LINK:
                break
            if nodes[cols[j]].title_zh == nodes[cols[best]].title_zh:
                continue  # the same title in both outlines (指导思想): a tie, not a merge
            both_titles = min(hd[0], hd[k]) >= MERGE_HEADING
            new_heading = hd[0] < HEADING_SAME and hd[k] < HEADING_SAME
            shared_body = bd[k] >= max(MERGE_BODY * bd[0], MERGE_BODY_MIN)
            if both_titles or (new_heading and shared_body):
                chosen[i].append(j)
    methods = {(i, j): _method(parts, i, j) for i, js in chosen.items() for j in js}
    for parent, members in siblings.items():
        chapter = chapter_of.get(parent) if parent else None
        if chapter:
            gaps = _gaps(members, chosen, chapters[chapter][0] if chapter in chapters else [])
            for i, j in gaps:
                if score[i, j] >= GAP_MIN:
                    chosen[i], methods[(i, j)] = [j], "position"
    return [
        Link(sections[i].section_id, nodes[cols[j]].outline_id, float(score[i, j]), methods[(i, j)])
        for i in sorted(chosen)
        for j in chosen[i]
    ]


def _gaps(
    members: list[int], chosen: dict[int, list[int]], chapter_cols: list[int]
) -> list[tuple[int, int]]:
    """Unlinked sections that stand, in order, exactly where the plan leaves outline
    sections of its chapter unclaimed: between the sections linked to outline sections
    a and b of that chapter (or the chapter's start or end), k unlinked sections and k
    unclaimed outline sections between a and b. Returns (section, outline column) pairs."""
    claimed = {j for js in chosen.values() for j in js}
    slot = {c: n for n, c in enumerate(chapter_cols, 1)}  # column -> number in the chapter
    anchor = [
        slot.get(chosen[i][0]) if i in chosen else None for i in members
    ]  # outline number of each sibling's first link (None: unlinked or another chapter)
    out = []
    k = 0
    while k < len(members):
        if members[k] in chosen:
            k += 1
            continue
        run_end = k
        while run_end < len(members) and members[run_end] not in chosen:
            run_end += 1
        left = 0 if k == 0 else anchor[k - 1]
        right = len(chapter_cols) + 1 if run_end == len(members) else anchor[run_end]
        if left is not None and right is not None and right - left - 1 == run_end - k:
            free = chapter_cols[left : right - 1]
            if not claimed & set(free):
                out += list(zip(members[k:run_end], free, strict=True))
        k = run_end
    return out


def match_plan(nodes: list[PlanNode], outline: str | None) -> list[Link]:
    """Links of every chapter and section of a plan to ``outline`` (both outlines when
    None: a plan that implements neither or parts of both)."""
    outlines = (outline,) if outline else OUTLINES
    chapters = match_chapters([n for n in nodes if n.level == 1], outlines)
    chapter_of = {link.section_id: link.outline_id for link in chapters}
    sections = match_sections([n for n in nodes if n.level == 2], outlines, chapter_of)
    return chapters + merged_chapters(nodes, chapters, sections) + sections


MERGED_CHAPTER_MIN = 2  # sections of a plan chapter linked into a second outline chapter


def merged_chapters(
    nodes: list[PlanNode], chapters: list[Link], sections: list[Link]
) -> list[Link]:
    """Second links of chapters that merged two outline chapters (健全依法行政制度体系,推进行政
    决策科学化…: outline chapters 3 and 4): an outline chapter no plan chapter took, into
    which at least MERGED_CHAPTER_MIN sections of one plan chapter are linked."""
    claimed = {link.outline_id for link in chapters}
    parent = {n.section_id: n.parent_id for n in nodes if n.level == 2}
    scores: dict[tuple[str, str], list[float]] = {}
    for link in sections:
        chapter = parent.get(link.section_id)
        outline_chapter = link.outline_id.rsplit(".", 1)[0]
        if chapter is not None and outline_chapter not in claimed:
            scores.setdefault((outline_chapter, chapter), []).append(link.score)
    best: dict[str, tuple[int, float, str]] = {}  # outline chapter -> its plan chapter
    for (outline_chapter, chapter), found in scores.items():
        if len(found) >= MERGED_CHAPTER_MIN:
            rank = (len(found), sum(found) / len(found), chapter)
            best[outline_chapter] = max(best.get(outline_chapter, rank), rank)
    return [
        Link(chapter, outline_chapter, score, "sections")
        for outline_chapter, (_, score, chapter) in sorted(best.items())
    ]
