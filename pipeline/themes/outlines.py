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
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import _sparsetools, csr_matrix

from pipeline.text.mirror import simplified  # for comparing only: quotes keep their characters
from pipeline.themes.ngrams import _WHITE_SPACES, NgramCounter, Rows, _index_arrays, char_doc
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

    Fitted once, as scikit-learn fits it (``_fit``); a plan's texts are then counted by
    ``NgramCounter`` and weighted here as ``TfidfTransformer.transform`` weighs them (same
    numbers), without its per-call validation, which cost more than the arithmetic on a
    plan's few rows.
    The outline side is kept dense: a sparse row times a dense matrix adds the same
    products in the same order as the sparse product (plus exact zeros), in one pass."""

    nodes: tuple[OutlineNode, ...]
    body_ngrams: NgramCounter  # counts and weights apart, so that counts can be summed
    body_idf: np.ndarray
    body_t: np.ndarray  # the outline side, transposed once, dense: (n-grams, nodes)
    heading_ngrams: NgramCounter
    heading_idf: np.ndarray
    heading_t: np.ndarray
    # (side, outlines) -> the nodes of those outlines and their columns of the side
    _parts: dict = field(default_factory=dict, compare=False, repr=False)

    def body_counts(self, texts: list[str]) -> Rows:
        """Counts of the outline side's n-grams in each text (a plan's text is read once:
        a section's counts are the sum of its measures' and headings')."""
        return self.body_counts_of(clean_all(texts))

    def body_counts_of(self, cleaned: list[str]) -> Rows:
        """``body_counts`` of texts already ``clean``ed."""
        return self.body_ngrams.word_counts(cleaned)

    def body_similarity_of(
        self, counts: Rows, outlines: tuple[str, ...] = OUTLINES, n_chapters: int | None = None
    ) -> np.ndarray:
        """Cosine of each row of counts against every node of ``outlines``, (rows, nodes)
        (the other nodes' columns NaN; see ``_against`` for ``n_chapters``)."""
        weights = _tfidf(counts, self.body_idf, sublinear=True)
        return self._against(weights, "body", outlines, n_chapters)

    def body_similarity(self, texts: list[str]) -> np.ndarray:
        """Cosine of each text against every outline node, shape (len(texts), nodes)."""
        return self.body_similarity_of(self.body_counts(texts))

    def heading_similarity(self, headings: list[str]) -> np.ndarray:
        return self.heading_similarity_of(clean_all(headings))

    def heading_similarity_of(
        self,
        cleaned: list[str],
        outlines: tuple[str, ...] = OUTLINES,
        n_chapters: int | None = None,
    ) -> np.ndarray:
        """``heading_similarity`` of headings already ``clean``ed, against the nodes of
        ``outlines`` (the other nodes' columns NaN; see ``_against`` for ``n_chapters``)."""
        counts = self.heading_ngrams.counts([char_doc(h) for h in cleaned])
        weights = _tfidf(counts, self.heading_idf, sublinear=False)
        return self._against(weights, "heading", outlines, n_chapters)

    def _against(
        self, weights: Rows, side: str, outlines: tuple[str, ...], n_chapters: int | None
    ) -> np.ndarray:
        """``weights`` times the outline side's columns of the nodes of ``outlines``: a
        plan whose type names its outline needs only that outline's half. When the first
        ``n_chapters`` rows are a plan's chapters and the others its sections, a chapter is
        compared with the outline chapters only and a section with the outline sections
        only: all that matching compares them with. Each cell's products are added as in
        the whole product (a column does not depend on the others), so the cosines are the
        same to the bit."""
        if n_chapters is None:
            blocks = [(0, weights.shape[0], "all")]
        else:
            blocks = [(0, n_chapters, "chapters"), (n_chapters, weights.shape[0], "sections")]
        out = np.full((weights.shape[0], len(self.nodes)), np.nan)
        for start, stop, which in blocks:
            cols, part = self._part(side, outlines, which)
            if len(blocks) == 1 and len(cols) == len(self.nodes):  # the whole product
                return weights.dot(part)
            if start < stop:
                out[start:stop, cols] = weights.rows(start, stop).dot(part)
        return out

    def _part(
        self, side: str, outlines: tuple[str, ...], which: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """The nodes of ``outlines`` (``all``, their ``chapters`` or their ``sections``) and
        their columns of the side (a contiguous copy, made once)."""
        key = (side, outlines, which)
        if key not in self._parts:
            dense = self.body_t if side == "body" else self.heading_t
            level = {True: "chapters", False: "sections"}
            cols = [
                k
                for k, n in enumerate(self.nodes)
                if n.outline in outlines and which in ("all", level[n.section is None])
            ]
            whole = len(cols) == len(self.nodes)
            part = dense if whole else np.ascontiguousarray(dense[:, cols])
            self._parts[key] = (np.array(cols, dtype=np.int64), part)
        return self._parts[key]


def _tfidf(counts: Rows, idf: np.ndarray, sublinear: bool) -> Rows:
    """TF-IDF rows of ``counts``, l2-normed, computed as scikit-learn's
    ``TfidfTransformer.transform`` computes them (same operations in the same order)."""
    data = counts.data.astype(np.float64)  # a copy
    if sublinear:
        np.log(data, data)
        data += 1.0
    data *= idf.take(counts.indices)
    weights = counts._replace(data=data)
    _normalize_rows_l2(weights)
    return weights


def _normalize_rows_l2(m: Rows | csr_matrix) -> None:
    """Each non-empty row divided by its l2 norm, in place, to the bit as scikit-learn's
    ``inplace_csr_row_normalize_l2`` does it: its sum of squares runs left to right along
    the row from 0.0, as scipy's product of a CSR matrix and a vector (``csr_matvec``) adds
    a row's products, here of the row's entries with themselves (each entry's column its
    own position); rows whose squares sum to 0 are left as they are."""
    if not len(m.data):
        return
    n_rows = len(m.indptr) - 1
    indptr, own = _index_arrays(m.indptr, np.arange(len(m.data), dtype=np.int32))
    sums = np.zeros(n_rows)
    _sparsetools.csr_matvec(n_rows, len(m.data), indptr, own, m.data, m.data, sums)
    data = m.data  # changed in place
    data /= np.repeat(np.where(sums == 0.0, 1.0, np.sqrt(sums)), np.diff(m.indptr))


def _char_wb_grams(doc: str) -> list[str]:
    """The 2- and 3-grams of ``CountVectorizer(analyzer="char_wb", ngram_range=(2, 3))``,
    in its order: per word padded with spaces, its 2-grams, then its 3-grams."""
    out = []
    for word in _WHITE_SPACES.sub(" ", doc.lower()).split():
        w = f" {word} "  # at least 3 characters: every n here slides over the whole word
        out += [w[i : i + 2] for i in range(len(w) - 1)]
        out += [w[i : i + 3] for i in range(len(w) - 2)]
    return out


def _char_grams(doc: str) -> list[str]:
    """The 1- and 2-grams of ``analyzer="char", ngram_range=(1, 2)``, in its order."""
    doc = char_doc(doc)
    return list(doc) + [doc[i : i + 2] for i in range(len(doc) - 1)]


def _fit(
    docs: list[str], grams: Callable[[str], list[str]], sublinear: bool, in_order_seen: bool
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """The vocabulary, the idf and the l2-normed TF-IDF rows (dense, transposed: n-grams by
    docs) that scikit-learn's ``CountVectorizer`` and ``TfidfTransformer`` (smooth idf) fit
    on ``docs``, to the bit, without importing scikit-learn (a second of every process).

    Columns are in sorted n-gram order. A norm's sum of squares runs in the order of the
    row's entries, which is column order where scikit-learn converts the counts to floats
    (``TfidfTransformer``), and the order the n-grams were first seen in any doc where
    it counts in floats (``TfidfVectorizer``: its columns are renumbered in sorted order
    after counting, the entries are not moved): ``in_order_seen``."""
    seen: dict[str, int] = {}
    rows = []
    for doc in docs:
        row: dict[int, int] = {}
        for gram in grams(doc):
            k = seen.setdefault(gram, len(seen))
            row[k] = row.get(k, 0) + 1
        rows.append(sorted(row.items()))
    vocabulary = {gram: k for k, gram in enumerate(sorted(seen))}
    column = np.array([vocabulary[g] for g in seen], dtype=np.int64)
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = column[np.array([k for r in rows for k, _ in r], dtype=np.int64)]
    counts = np.array([c for r in rows for _, c in r], dtype=np.float64)
    df = np.bincount(indices, minlength=len(vocabulary)).astype(np.float64) + 1.0
    idf = np.full_like(df, len(docs) + 1)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    counted = csr_matrix((counts, indices, indptr), shape=(len(docs), len(vocabulary)))
    if not in_order_seen:
        counted.sort_indices()
    weights = _tfidf(
        Rows(counted.data, counted.indices, counted.indptr, counted.shape), idf, sublinear
    )
    dense = np.zeros((len(vocabulary), len(docs)))
    dense[weights.indices, np.repeat(np.arange(len(docs)), np.diff(weights.indptr))] = weights.data
    return vocabulary, idf, dense


@functools.cache
def outline_model() -> OutlineModel:
    """The fitted model (once per process)."""
    nodes = outline_nodes()
    body_vocabulary, body_idf, body_t = _fit(
        [_node_text(n) for n in nodes], _char_wb_grams, sublinear=True, in_order_seen=False
    )
    heading_vocabulary, heading_idf, heading_t = _fit(
        [clean(n.title_zh) for n in nodes], _char_grams, sublinear=False, in_order_seen=True
    )
    return OutlineModel(
        nodes,
        NgramCounter(body_vocabulary),
        body_idf,
        body_t,
        NgramCounter(heading_vocabulary),
        heading_idf,
        heading_t,
    )
