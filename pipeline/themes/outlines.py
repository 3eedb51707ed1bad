"""The two national outlines as reviewed data, and the text models fitted on them once.

``vocab/outlines.csv`` holds every chapter and section of 《法治社会建设实施纲要(2020—2025年)》
(``society``) and 《法治政府建设实施纲要(2021—2025年)》 (``government``): its id, its title in
Chinese and in English, and keywords a reviewer wrote for what the outline asks under it.
The TF-IDF vectorizers are fitted on the outline side only, once per process, so a plan is
only transformed (milliseconds) and the same outline always yields the same vectors.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.vocab import load_csv, load_yaml

OUTLINES = ("society", "government")


@dataclass(frozen=True)
class OutlineNode:
    """One chapter (``section`` None) or section of a national outline."""

    outline_id: str
    outline: str
    chapter: int
    section: int | None
    title_zh: str
    title_en: str
    keywords: str


@functools.cache
def outline_nodes() -> tuple[OutlineNode, ...]:
    """Every row of ``vocab/outlines.csv``, in file order (chapter, then its sections)."""
    return tuple(
        OutlineNode(
            outline_id=r["outline_id"],
            outline=r["outline"],
            chapter=int(r["chapter"]),
            section=int(r["section"]) if r["section"] else None,
            title_zh=r["title_zh"],
            title_en=r["title_en"],
            keywords=r["keywords"],
        )
        for r in load_csv("outlines.csv")
    )


def outline_rows() -> list[dict]:
    """The release table ``outline_sections``."""
    return [
        {
            "outline_id": n.outline_id,
            "outline": n.outline,
            "chapter": n.chapter,
            "section": n.section,
            "title_zh": n.title_zh,
            "title_en": n.title_en,
        }
        for n in outline_nodes()
    ]


@functools.cache
def _generic() -> re.Pattern[str]:
    phrases = sorted(load_yaml("theme_matching.yaml")["generic_phrases"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, phrases)))


def clean(text: str) -> str:
    """``text`` without the phrases that every plan repeats everywhere (see the vocab)."""
    return _generic().sub(" ", text)


def _node_text(node: OutlineNode) -> str:
    """What a chapter or section is about: its title (twice: it is the surest signal) and
    keywords; a chapter also carries the titles and keywords of its sections."""
    parts = [node.title_zh, node.title_zh, node.keywords]
    if node.section is None:
        for other in outline_nodes():
            if other.outline == node.outline and other.chapter == node.chapter:
                parts += [other.title_zh, other.keywords] if other.section else []
    return clean(" ".join(parts))


@dataclass(frozen=True)
class OutlineModel:
    """Outline nodes and their vectors: ``body`` (char 2-3-grams of titles and keywords)
    and ``heading`` (char 1-2-grams of titles only), rows in ``outline_nodes()`` order."""

    nodes: tuple[OutlineNode, ...]
    body_vectorizer: TfidfVectorizer
    body: csr_matrix
    heading_vectorizer: TfidfVectorizer
    heading: csr_matrix

    def body_similarity(self, texts: list[str]) -> np.ndarray:
        """Cosine of each text against every outline node, shape (len(texts), nodes)."""
        vectors = self.body_vectorizer.transform([clean(t) for t in texts])
        return (vectors @ self.body.T).toarray()

    def heading_similarity(self, headings: list[str]) -> np.ndarray:
        vectors = self.heading_vectorizer.transform([clean(h) for h in headings])
        return (vectors @ self.heading.T).toarray()


@functools.cache
def outline_model() -> OutlineModel:
    """The fitted model (once per process)."""
    nodes = outline_nodes()
    body_vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    body = body_vectorizer.fit_transform([_node_text(n) for n in nodes])
    heading_vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    heading = heading_vectorizer.fit_transform([clean(n.title_zh) for n in nodes])
    return OutlineModel(nodes, body_vectorizer, body, heading_vectorizer, heading)
