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


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``starts[0]..ends[0]-1``, then ``starts[1]..ends[1]-1``, ..., in one array."""
    lengths = (ends - starts).astype(np.int64)
    offsets = np.repeat(starts.astype(np.int64) - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(int(lengths.sum()), dtype=np.int64)


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
        joined = "".join(docs)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        # ``take`` rather than indexing: a third of the time (clipped: past the alphabet's
        # end, its last id, 0)
        chars = self._alphabet.take(codes, mode="clip")
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)  # by character
        rows, cells = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        state = chars
        width = self._index(self._width)
        for n, columns in enumerate(self._columns, 1):
            m = len(codes) - n + 1
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
        small = len(docs) * self.n_features < 2**31  # sorting int32 takes half the time
        cell = cell.astype(np.int32) if small else cell
        cell.sort()  # as np.unique counts, without its checks
        heads = np.flatnonzero(np.concatenate(([len(cell) > 0], cell[1:] != cell[:-1])))
        cells_found = cell[heads]
        values = np.diff(np.append(heads, len(cell)))
        indptr = np.searchsorted(cells_found, np.arange(len(docs) + 1) * self.n_features)
        return Rows(
            values.astype(np.int64),
            (cells_found % self.n_features).astype(np.int32),
            indptr.astype(np.int32),
            (len(docs), self.n_features),
        )
