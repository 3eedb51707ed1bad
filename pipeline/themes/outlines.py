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
import opencc
from scipy.sparse import csr_matrix

from pipeline.themes.ngrams import NgramCounter, char_doc, char_wb_doc
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


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified characters, for comparing only (pages in traditional ones are
    common; OpenCC converts a plan in about a millisecond; quotes keep their characters)."""
    return _converter().convert(text)


def clean(text: str) -> str:
    """``text`` as it is compared: simplified, without the phrases every plan repeats
    everywhere (see the vocab)."""
    return _generic().sub(" ", simplified(text))


_APART = "\ue000"  # a private-use character: in no OpenCC dictionary word nor generic phrase


def clean_all(texts: list[str]) -> list[str]:
    """``clean`` of each text, in one OpenCC call and one regex pass (a call per text cost
    more than converting): the texts joined by a character that no dictionary word or
    phrase spans, so each is converted and cleaned as it would be alone."""
    if len(texts) < 2 or any(_APART in t for t in texts):
        return [clean(t) for t in texts]
    parts = clean(_APART.join(texts)).split(_APART)
    return parts if len(parts) == len(texts) else [clean(t) for t in texts]


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
    and ``heading`` (char 1-2-grams of titles only), rows in ``outline_nodes()`` order.

    Fitted by scikit-learn once; a plan's texts are then counted by ``NgramCounter`` and
    weighted here as ``TfidfTransformer.transform`` weighs them (same numbers), without
    its per-call validation, which cost more than the arithmetic on a plan's few rows.
    The outline side is kept dense: a sparse row times a dense matrix adds the same
    products in the same order as the sparse product (plus exact zeros), in one pass."""

    nodes: tuple[OutlineNode, ...]
    body_ngrams: NgramCounter  # counts and weights apart, so that counts can be summed
    body_idf: np.ndarray
    body_t: np.ndarray  # the outline side, transposed once, dense: (n-grams, nodes)
    heading_ngrams: NgramCounter
    heading_idf: np.ndarray
    heading_t: np.ndarray

    def body_counts(self, texts: list[str]) -> csr_matrix:
        """Counts of the outline side's n-grams in each text (a plan's text is read once:
        a section's counts are the sum of its measures' and headings')."""
        return self.body_ngrams.counts([char_wb_doc(t) for t in clean_all(texts)])

    def body_similarity_of(self, counts: csr_matrix) -> np.ndarray:
        """Cosine of each row of counts against every outline node, (rows, nodes)."""
        return _tfidf(counts, self.body_idf, sublinear=True) @ self.body_t

    def body_similarity(self, texts: list[str]) -> np.ndarray:
        """Cosine of each text against every outline node, shape (len(texts), nodes)."""
        return self.body_similarity_of(self.body_counts(texts))

    def heading_similarity(self, headings: list[str]) -> np.ndarray:
        counts = self.heading_ngrams.counts([char_doc(h) for h in clean_all(headings)])
        return _tfidf(counts, self.heading_idf, sublinear=False) @ self.heading_t


def _tfidf(counts: csr_matrix, idf: np.ndarray, sublinear: bool) -> csr_matrix:
    """TF-IDF rows of ``counts``, l2-normed, computed as scikit-learn's
    ``TfidfTransformer.transform`` computes them (same operations in the same order)."""
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    weights = counts.astype(np.float64)  # a copy
    if sublinear:
        np.log(weights.data, weights.data)
        weights.data += 1.0
    weights.data *= idf[weights.indices]
    inplace_csr_row_normalize_l2(weights)
    return weights


@functools.cache
def outline_model() -> OutlineModel:
    """The fitted model (once per process; scikit-learn is imported here, by the first plan
    to place, not by every run that imports the flow)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

    nodes = outline_nodes()
    body_counter = CountVectorizer(analyzer="char_wb", ngram_range=(2, 3))
    counts = body_counter.fit_transform([_node_text(n) for n in nodes])
    body_weights = TfidfTransformer(sublinear_tf=True).fit(counts)
    heading_vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    heading = heading_vectorizer.fit_transform([clean(n.title_zh) for n in nodes])
    return OutlineModel(
        nodes,
        NgramCounter(body_counter.vocabulary_),
        body_weights.idf_,
        np.ascontiguousarray(body_weights.transform(counts).T.toarray()),
        NgramCounter(heading_vectorizer.vocabulary_),
        heading_vectorizer.idf_,
        np.ascontiguousarray(heading.T.toarray()),
    )
