"""Character n-gram counts of many texts into a fitted vocabulary, in a few numpy calls.

Why: scikit-learn's ``CountVectorizer.transform`` slices every n-gram of every text into a
Python string and looks it up in a dict, which was most of the cost of placing a plan on
its outline. Here all n-grams of all texts of a plan are looked up at once in the same
fitted vocabulary, held as a trie in numpy arrays. The counts are the same integers in the
same sorted layout as scikit-learn's, so the TF-IDF weights and cosines computed from them
are the same to the last bit.

The counts are ``Rows``: the three arrays of a CSR matrix and its shape, not a scipy
object. They are sliced and weighted as plain arrays, and their products and sums are
computed by the C routines of ``scipy.sparse._sparsetools`` that scipy's own ``@`` and ``+``
call, without building a scipy matrix: its checks and dispatch on each matrix of a plan
cost more than the arithmetic (~0.35 ms a plan), and the same routines add the same numbers
in the same order (scipy is pinned and part of the extraction code's version; a test holds
these to scipy's operators).
"""

from __future__ import annotations

import functools
import re
from itertools import chain
from typing import NamedTuple

import numpy as np
from scipy.sparse import _sparsetools

_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzers collapse to " "


def char_doc(text: str) -> str:
    """``text`` as scikit-learn's ``analyzer="char"`` reads it: lower case, every run of
    two or more whitespace characters one space."""
    return _WHITE_SPACES.sub(" ", text.lower())


def char_wb_doc(text: str) -> str:
    """``text`` as ``analyzer="char_wb"`` reads it: lower case, each word padded with a
    space. Words are joined by two spaces, so an n-gram across two words holds two spaces,
    which no n-gram of a padded word does: it is not in the vocabulary and is not counted.
    (For n-grams of 2 or more, a padded word yields exactly its sliding windows.)"""
    return " " + "  ".join(text.lower().split()) + " "


class Rows(NamedTuple):
    """Sparse rows in CSR layout: row ``r``'s columns are ``indices[indptr[r]:indptr[r + 1]]``
    with values ``data`` there, in that order (the order a row's sums run in)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def take(self, rows: list[int]) -> Rows:
        """These rows, in this order, each with its entries in their order."""
        starts, ends = self.indptr[rows], self.indptr[np.asarray(rows, dtype=np.int64) + 1]
        at = _ranges(starts, ends)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(ends - starts, out=indptr[1:])
        return Rows(self.data[at], self.indices[at], indptr, (len(rows), self.shape[1]))

    def rows(self, start: int, stop: int) -> Rows:
        """Rows ``start`` to ``stop - 1``, sharing this one's arrays (its ``indptr`` then
        need not start at 0: for ``dot``, which reads the entries where it points)."""
        return self._replace(
            indptr=self.indptr[start : stop + 1], shape=(stop - start, self.shape[1])
        )

    def dot(self, dense: np.ndarray) -> np.ndarray:
        """``self @ dense``, as scipy computes a CSR matrix times a dense one: each row's
        products added in the order of its entries (scipy's ``csr_matvecs``)."""
        out = np.zeros((self.shape[0], dense.shape[1]), dtype=np.result_type(self.data, dense))
        indptr, indices = _index_arrays(self.indptr, self.indices)
        _sparsetools.csr_matvecs(
            *self.shape, dense.shape[1], indptr, indices, self.data, dense.ravel(), out.ravel()
        )
        return out

    def sums(self, first: list[list[int]], then: list[list[int]]) -> Rows:
        """Row ``i``: the sum of rows ``first[i]`` and of rows ``then[i]`` (sorted lists),
        computed as scipy computes ``F @ self + T @ self`` for the 0/1 matrices that select
        them, so that each row's entries stand in the order of that sum (its product lists
        columns in the order it met them last), which the sums of squares and products of
        its weights later run in."""
        n_rows, n_cols = len(first), self.shape[1]
        a, b = self._selected(first), self._selected(then)
        indptr = np.empty(n_rows + 1, dtype=np.int32)
        indices = np.empty(len(a.data) + len(b.data), dtype=np.int32)
        data = np.empty(len(indices), dtype=np.result_type(a.data, b.data))
        _sparsetools.csr_plus_csr(
            n_rows, n_cols, a.indptr, a.indices, a.data, b.indptr, b.indices, b.data,
            indptr, indices, data,
        )  # fmt: skip
        nnz = int(indptr[-1])  # as scipy's ``prune``
        return Rows(data[:nnz], indices[:nnz], indptr, (n_rows, n_cols))

    def _selected(self, rows: list[list[int]]) -> Rows:
        """``S @ self`` for the 0/1 matrix ``S`` whose row ``i`` selects rows ``rows[i]``
        (sorted), as scipy's product of two CSR matrices (``csr_matmat``) computes it."""
        s_indptr = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum([len(r) for r in rows], out=s_indptr[1:])
        s_indices = np.fromiter(chain.from_iterable(rows), np.int32, count=int(s_indptr[-1]))
        s_data = np.ones(len(s_indices))
        indptr, indices = _index_arrays(self.indptr, self.indices)
        n_rows, n_cols = len(rows), self.shape[1]
        nnz = _sparsetools.csr_matmat_maxnnz(n_rows, n_cols, s_indptr, s_indices, indptr, indices)
        out = Rows(
            np.empty(nnz, dtype=np.result_type(s_data, self.data)),
            np.empty(nnz, dtype=np.int32),
            np.empty(n_rows + 1, dtype=np.int32),
            (n_rows, n_cols),
        )
        _sparsetools.csr_matmat(
            n_rows, n_cols, s_indptr, s_indices, s_data, indptr, indices, self.data,
            out.indptr, out.indices, out.data,
        )  # fmt: skip
        nnz = int(out.indptr[-1])  # entries that sum to 0 are dropped
        return out._replace(data=out.data[:nnz], indices=out.indices[:nnz])


def _index_arrays(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The index arrays as int32, as scipy passes them (a plan's matrices are far below
    2**31 entries)."""
    return indptr.astype(np.int32, copy=False), indices.astype(np.int32, copy=False)


def _code_points(text: str) -> np.ndarray:
    """The code point of each character of ``text`` (lone surrogates too)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``starts[0]..ends[0]-1``, then ``starts[1]..ends[1]-1``, ..., in one array."""
    lengths = (ends - starts).astype(np.int64)
    offsets = np.repeat(starts.astype(np.int64) - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(int(lengths.sum()), dtype=np.int64)


_BMP = 0x10000  # the code points a text's characters are looked up among (past it: a doc)


def _lower_code_points(n: int) -> np.ndarray:
    """The code point of the lower case of each of the first ``n`` characters, -1 where it
    is not one character (İ) or depends on the characters around it (Σ: σ or final ς)."""
    lowered = [c.lower() for c in map(chr, range(n))]
    codes = np.array([ord(c) if len(c) == 1 else -1 for c in lowered], dtype=np.int64)
    codes[0x3A3] = -1
    return codes


def _in_padded_word(gram: str) -> bool:
    """Whether ``gram`` is a piece of a word padded with one space on each side, as every
    n-gram of ``analyzer="char_wb"`` is (whitespace, if any, one space at either end)."""
    core = gram[gram.startswith(" ") : len(gram) - gram.endswith(" ")]
    return bool(core) and not any(c.isspace() for c in core)


def _ids(n: int) -> type[np.signedinteger]:
    """The smallest signed integer type that holds ids 0..n."""
    return np.int16 if n < 2**15 else np.int32


class NgramCounter:
    """Counts of a fitted vocabulary's n-grams (``{n-gram: column}``) in prepared texts
    (``char_doc`` or ``char_wb_doc``), equal to ``CountVectorizer.transform``.

    The vocabulary is a trie in dense arrays: a character's id (0: in no n-gram), then for
    each further character the id of the prefix read so far (0: a prefix of no n-gram),
    so every n-gram of every text is looked up at once with a few array indexings."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        longest = max(map(len, vocabulary), default=0)
        self._vocabulary = vocabulary
        self.n_features = len(vocabulary)
        chars = sorted({c for gram in vocabulary for c in gram})
        # ids as small as they fit: the arrays are read at random, once per character of
        # a plan, and a plan's extraction in between evicts them from the CPU's caches
        self._alphabet = np.zeros(max(map(ord, chars), default=0) + 2, dtype=_ids(len(chars)))
        self._alphabet[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1)
        self._width = len(chars) + 1
        prefixes = {c: k for k, c in enumerate(chars, 1)}
        self._steps: list[np.ndarray] = []  # (prefix id, char id) -> longer prefix id
        self._columns = [self._column_of(prefixes, vocabulary)]  # prefix id -> column
        for n in range(2, longest + 1):
            longer = {g[:n]: 0 for g in sorted(vocabulary) if len(g) >= n}
            step = np.zeros((len(prefixes) + 1) * self._width, dtype=_ids(len(longer)))
            for k, gram in enumerate(longer, 1):
                longer[gram] = k
                step[prefixes[gram[:-1]] * self._width + int(self._alphabet[ord(gram[-1])])] = k
            self._steps.append(step)
            self._columns.append(self._column_of(longer, vocabulary))
            prefixes = longer
        self._counted = [bool((c >= 0).any()) for c in self._columns]  # lengths in the vocabulary
        # a step's index (prefix id * width + char id) as int32 when it fits: less to move
        largest = max((len(step) for step in self._steps), default=0)
        self._index = np.int32 if largest < 2**31 else np.int64

    @staticmethod
    def _column_of(prefixes: dict[str, int], vocabulary: dict[str, int]) -> np.ndarray:
        columns = np.full(len(prefixes) + 1, -1, dtype=np.int32)  # id 0: no n-gram
        for gram, k in prefixes.items():
            columns[k] = vocabulary.get(gram, -1)
        return columns

    def counts(self, docs: list[str]) -> Rows:
        """One row per doc, int64 counts, sorted column indices (as scikit-learn's)."""
        # ``take`` rather than indexing: a third of the time (clipped: past the alphabet's
        # end, its last id, 0)
        chars = self._alphabet.take(_code_points("".join(docs)), mode="clip")
        return self._counted_in(chars, np.fromiter(map(len, docs), np.int64, len(docs)))

    def word_counts(self, texts: list[str]) -> Rows:
        """``counts`` of the texts' ``char_wb_doc``, without making those docs (a Python
        call per text cost more than counting): each text looked up as it is, between two
        spaces, each character by the id of its lower case and any whitespace by a space's.
        For a vocabulary of pieces of padded words, as ``char_wb``'s, that counts the same:
        every word then stands between spaces, as in the doc, and an n-gram over two words
        (with the whitespace between them) holds a space inside, as none of the vocabulary
        does. Texts with a character whose lower case is not one character of its own, or
        past the BMP, are made into docs."""
        if not texts or self._word_ids is None:
            return self.counts([char_wb_doc(t) for t in texts])
        joined = " " + "  ".join(texts) + " "
        chars = self._word_ids.take(_code_points(joined), mode="clip")
        if (chars < 0).any():
            return self.counts([char_wb_doc(t) for t in texts])
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        return self._counted_in(chars, lengths + 2)

    @functools.cached_property
    def _word_ids(self) -> np.ndarray | None:
        """Per code point of the BMP (and one past it, for all the others: -1), the id
        ``word_counts`` looks it up by: its lower case's, a space's for whitespace, -1
        where the text is to be made a doc; None when the vocabulary is not of pieces of
        padded words."""
        if not all(map(_in_padded_word, self._vocabulary)):
            return None
        lower = _lower_code_points(_BMP)
        ids = self._alphabet.take(lower, mode="clip")
        ids[lower < 0] = -1
        ids[[c for c in range(_BMP) if chr(c).isspace()]] = self._alphabet.take(32, mode="clip")
        return np.append(ids, ids.dtype.type(-1))

    def _counted_in(self, chars: np.ndarray, lengths: np.ndarray) -> Rows:
        """The counts of docs of ``lengths`` characters, one after the other in ``chars``
        (their ids in the alphabet)."""
        n_docs = len(lengths)
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)  # by character
        rows, cells = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        state = chars
        width = self._index(self._width)
        for n, columns in enumerate(self._columns, 1):
            m = len(chars) - n + 1
            if m <= 0:
                break
            if n > 1:  # the prefix read so far, one character longer
                index = state[:m].astype(self._index) * width + chars[n - 1 :]
                state = self._steps[n - 2].take(index)
            if not self._counted[n - 1]:  # no n-gram of this length is in the vocabulary
                continue
            column = columns.take(state)
            at = np.flatnonzero(column >= 0)  # where an n-gram of the vocabulary starts
            doc = doc_of[at]
            if n > 1:  # not across two docs: its last character in the doc of its first
                inside = doc_of[at + (n - 1)] == doc
                doc, at = doc[inside], at[inside]
            rows.append(doc)
            cells.append(column[at])
        cell = np.concatenate(rows) * self.n_features + np.concatenate(cells)
        small = n_docs * self.n_features < 2**31  # sorting int32 takes half the time
        cell = cell.astype(np.int32) if small else cell
        cell.sort()  # as np.unique counts, without its checks
        heads = np.flatnonzero(np.concatenate(([len(cell) > 0], cell[1:] != cell[:-1])))
        cells_found = cell[heads]
        values = np.diff(np.append(heads, len(cell)))
        indptr = np.searchsorted(cells_found, np.arange(n_docs + 1) * self.n_features)
        return Rows(
            values.astype(np.int64),
            (cells_found % self.n_features).astype(np.int32),
            indptr.astype(np.int32),
            (n_docs, self.n_features),
        )
