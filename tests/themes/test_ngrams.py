"""The outline model's own n-gram counting and weighting give scikit-learn's numbers to the
last bit (on texts written here: Chinese, traditional script, Latin, odd whitespace)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from pipeline.themes import outlines
from pipeline.themes.ngrams import NgramCounter, Rows, char_doc, char_wb_doc

TEXTS = [
    "推进法治宣传教育,落实“谁执法谁普法”普法责任制。",
    "加强 宪法 实施和监督\t每年开展1次宪法宣传周活动",
    "健全行政決策程序,建設法治政府。",  # traditional characters
    "",
    " ",
    "法",
    "A\u3000b  C\n\n德 Ｆ",  # ideographic space, a blank line, a full-width letter
    "全市法治社会建设实施方案:完善社会矛盾纠纷多元预防调处化解综合机制",
    "坚持和发展新时代“枫桥经验”\ue000,健全基层治理",  # the joining character itself
    "建設\n(shè)法治",
]


def _same(a, b) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


@pytest.mark.parametrize(
    ("analyzer", "ngram_range", "prepare"),
    [("char_wb", (2, 3), char_wb_doc), ("char", (1, 2), char_doc)],
)
def test_counts_equal_scikit_learns(analyzer, ngram_range, prepare):
    fitted = CountVectorizer(analyzer=analyzer, ngram_range=ngram_range).fit(TEXTS)
    counter = NgramCounter(fitted.vocabulary_)
    texts = [outlines.clean(t) for t in TEXTS]
    _same(counter.counts([prepare(t) for t in texts]), fitted.transform(texts))
    _same(counter.counts([prepare(t) for t in texts[::-1]]), fitted.transform(texts[::-1]))
    assert counter.counts([]).shape == (0, len(fitted.vocabulary_))


def test_word_counts_are_the_counts_of_char_wb_docs():
    fitted = CountVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(TEXTS + ["ab σς i"])
    counter = NgramCounter(fitted.vocabulary_)
    texts = [outlines.clean(t) for t in TEXTS]
    odd = ["ΑΣ ab", "İab", "a\U0001f600b", "x\u2028ab\x1cσ\u3000ς"]  # context, two chars, astral
    for picked in (texts, texts[::-1], odd, texts + odd[3:], [""], []):
        _same(counter.word_counts(picked), counter.counts([char_wb_doc(t) for t in picked]))
    _same(counter.word_counts(texts + odd), fitted.transform(texts + odd))
    chars = CountVectorizer(analyzer="char", ngram_range=(1, 2)).fit(TEXTS).vocabulary_
    assert NgramCounter(chars)._word_ids is None  # 1-grams: not pieces of padded words


def test_clean_all_cleans_each_text_as_alone():
    assert outlines.clean_all(TEXTS) == [outlines.clean(t) for t in TEXTS]
    assert outlines.clean_all(TEXTS[:2]) == [outlines.clean(t) for t in TEXTS[:2]]
    assert outlines.clean_all([]) == []


def test_cosines_equal_scikit_learns_to_the_last_bit():
    nodes = outlines.outline_nodes()
    body_counter = CountVectorizer(analyzer="char_wb", ngram_range=(2, 3))
    counts = body_counter.fit_transform([outlines._node_text(n) for n in nodes])
    weights = TfidfTransformer(sublinear_tf=True).fit(counts)
    headings = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    heading_rows = headings.fit_transform([outlines.clean(n.title_zh) for n in nodes])
    texts = TEXTS + [n.title_zh + n.keywords for n in nodes]
    cleaned = [outlines.clean(t) for t in texts]

    model = outlines.outline_model()  # fitted to the bit as scikit-learn fits it
    assert np.array_equal(model.body_idf, weights.idf_)
    assert np.array_equal(model.body_t, weights.transform(counts).T.toarray())
    assert np.array_equal(model.heading_idf, headings.idf_)
    assert np.array_equal(model.heading_t, heading_rows.T.toarray())
    body = weights.transform(body_counter.transform(cleaned)) @ weights.transform(counts).T
    assert np.array_equal(model.body_similarity(texts), body.toarray())
    heading = (headings.transform(cleaned) @ heading_rows.T).toarray()
    assert np.array_equal(model.heading_similarity(texts), heading)
    assert body.max() > 0.5 and heading.max() > 0.5  # the outline's own texts are found


def test_the_fit_is_scikit_learns_without_it():
    """The model is fitted without scikit-learn: the same vocabularies as its fit."""
    for grams, analyzer, ngram_range in (
        (outlines._char_wb_grams, "char_wb", (2, 3)),
        (outlines._char_grams, "char", (1, 2)),
    ):
        vocabulary, _, _ = outlines._fit(TEXTS, grams, True, False)
        fitted = CountVectorizer(analyzer=analyzer, ngram_range=ngram_range).fit(TEXTS)
        assert vocabulary == fitted.vocabulary_


def test_rows_are_normed_as_scikit_learn_norms_them():
    """Rows of 0 to 300 entries over many magnitudes, where the order of a sum shows."""
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(7)
    lengths = np.concatenate([[0, 1, 2, 300], rng.integers(0, 200, 300)])
    indices = np.concatenate([np.sort(rng.choice(400, n, replace=False)) for n in lengths])
    data = np.exp(rng.random(len(indices)) * 40)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    m = csr_matrix((data, indices, indptr), shape=(len(lengths), 400))
    ours = m.copy()
    outlines._normalize_rows_l2(ours)
    _same(ours, normalize(m, norm="l2"))
    pairwise = m.copy()  # a sum along each row, in pairs: the test tells the two apart
    pairwise.data /= np.repeat(np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel()), lengths)
    assert not np.array_equal(pairwise.data, ours.data)


def test_rows_taken_are_scipys_rows_with_their_entries_in_order():
    from scipy.sparse import csr_matrix

    counter = NgramCounter(
        CountVectorizer(analyzer="char", ngram_range=(1, 2)).fit(TEXTS).vocabulary_
    )
    counts = counter.counts([char_doc(outlines.clean(t)) for t in TEXTS])
    matrix = csr_matrix((counts.data, counts.indices, counts.indptr), shape=counts.shape)
    for picked in ([0, 3, 3, 9, 1], [], [4]):
        _same(counts.take(picked), matrix[picked])
    summed = counts.sums([[0, 1], [], [5]], [[2, 7], [8], []])
    assert summed.shape == (3, counts.shape[1])
    dense = matrix.toarray()
    expected = np.stack([dense[[0, 1, 2, 7]].sum(0), dense[8], dense[5]])
    got = csr_matrix((summed.data, summed.indices, summed.indptr), shape=summed.shape).toarray()
    assert np.array_equal(got, expected)


def test_cosines_against_one_outline_are_those_of_both_on_its_nodes():
    model = outlines.outline_model()
    cleaned = [outlines.clean(t) for t in TEXTS]
    counts = model.body_counts_of(cleaned)
    society = np.array([n.outline == "society" for n in model.nodes])
    for both, one in (
        (model.body_similarity_of(counts), model.body_similarity_of(counts, ("society",))),
        (model.heading_similarity_of(cleaned), model.heading_similarity_of(cleaned, ("society",))),
    ):
        assert np.array_equal(one[:, society], both[:, society])
        assert np.isnan(one[:, ~society]).all() and both[:, society].max() > 0


def test_chapter_rows_against_chapters_and_section_rows_against_sections():
    model = outlines.outline_model()
    cleaned = [outlines.clean(t) for t in TEXTS]
    counts = model.body_counts_of(cleaned)
    chapter = np.array([n.section is None for n in model.nodes])
    society = np.array([n.outline == "society" for n in model.nodes])
    for n_chapters in (0, 4, len(TEXTS)):
        for outlines_, nodes in ((outlines.OUTLINES, True), (("society",), society)):
            for both, split in (
                (
                    model.body_similarity_of(counts),
                    model.body_similarity_of(counts, outlines_, n_chapters),
                ),
                (
                    model.heading_similarity_of(cleaned),
                    model.heading_similarity_of(cleaned, outlines_, n_chapters),
                ),
            ):
                for rows, cols in (
                    (slice(0, n_chapters), chapter & nodes),
                    (slice(n_chapters, None), ~chapter & nodes),
                ):
                    assert np.array_equal(split[rows][:, cols], both[rows][:, cols])
                    assert np.isnan(split[rows][:, ~cols]).all()


def _selecting(picked: list[list[int]], n: int):
    """The 0/1 CSR matrix whose row ``i`` selects rows ``picked[i]`` of an ``n``-row one."""
    from scipy.sparse import csr_matrix

    s = np.zeros((len(picked), n))
    for i, ks in enumerate(picked):
        s[i, ks] = 1.0
    return csr_matrix(s)


def test_sums_and_products_are_scipys_to_the_entry_order_and_the_bit():
    """``sums`` and ``dot`` call scipy's C routines themselves: the same arrays as scipy's
    ``F @ M + T @ M`` and ``M @ D`` (entries in the order scipy lists them), on random
    rows and on rows of one entry each (both sides sorted: scipy's other way of adding)."""
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(16)
    for lengths in (rng.integers(0, 40, 30), np.ones(12, dtype=int)):
        indices = np.concatenate([np.sort(rng.choice(300, n, replace=False)) for n in lengths])
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        n = len(lengths)
        rows = Rows(rng.integers(1, 9, len(indices)), indices.astype(np.int32), indptr, (n, 300))
        first = [sorted(rng.choice(n, rng.integers(0, 4), replace=False)) for _ in range(7)]
        then = [sorted(rng.choice(n, rng.integers(0, 4), replace=False)) for _ in range(7)]
        if lengths[0] == 1:  # one row each: every product row is sorted
            first, then = [[k] for k in range(7)], [[k + 7] if k < 5 else [] for k in range(7)]

        m = csr_matrix((rows.data, rows.indices, rows.indptr), shape=rows.shape)
        expected = _selecting(first, n) @ m + _selecting(then, n) @ m
        got = rows.sums(first, then)
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data) and got.data.dtype == expected.data.dtype
        dense = np.exp(rng.random((300, 9)) * 30)
        weights = rows._replace(data=np.exp(rng.random(len(rows.data)) * 30))
        product = csr_matrix((weights.data, weights.indices, weights.indptr), shape=rows.shape)
        assert np.array_equal(weights.dot(dense), product @ dense)
