"""Character n-gram counts of many texts into a fitted vocabulary, in a few numpy calls.

Why: scikit-learn's ``CountVectorizer.transform`` slices every n-gram of every text into a
Python string and looks it up in a dict, which was most of the cost of placing a plan on
its outline. Here each n-gram is an integer (its code points, 21 bits each) looked up in
the sorted keys of the same fitted vocabulary, for all texts of a plan at once. The counts
are the same integers in the same sorted layout as scikit-learn's, so the TF-IDF weights
and cosines computed from them are the same to the last bit.
"""

from __future__ import annotations

import re

import numpy as np
from scipy.sparse import csr_matrix

_BITS = 21  # every code point (at most 0x10FFFF) fits in 21 bits; three in a uint64
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


class NgramCounter:
    """Counts of a fitted vocabulary's n-grams (``{n-gram: column}``) in prepared texts
    (``char_doc`` or ``char_wb_doc``), equal to ``CountVectorizer.transform``."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.n_features = len(vocabulary)
        by_size: dict[int, list[tuple[int, int]]] = {}
        for gram, column in vocabulary.items():
            if not 1 <= len(gram) <= 3:
                raise ValueError(f"n-gram {gram!r} of {len(gram)} characters: 1 to 3 expected")
            by_size.setdefault(len(gram), []).append((_key(gram), column))
        self.tables = {}
        for n, pairs in sorted(by_size.items()):
            pairs.sort()
            keys = np.array([k for k, _ in pairs], dtype=np.uint64)
            self.tables[n] = (keys, np.array([c for _, c in pairs], dtype=np.int64))

    def counts(self, docs: list[str]) -> csr_matrix:
        """One row per doc, int64 counts, sorted column indices (as scikit-learn's)."""
        joined = "".join(docs)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = codes.astype(np.uint64)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        row = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        rows, cols = [], []
        for n, (keys, columns) in self.tables.items():
            m = len(codes) - n + 1
            if m <= 0:
                continue
            key = codes[:m].copy()
            for k in range(1, n):
                key <<= np.uint64(_BITS)
                key |= codes[k : k + m]
            at = np.searchsorted(keys, key)
            at[at == len(keys)] = 0
            hit = keys[at] == key
            if n > 1:
                hit &= row[:m] == row[n - 1 : n - 1 + m]  # not across two docs
            rows.append(row[:m][hit])
            cols.append(columns[at[hit]])
        flat = np.concatenate(
            [np.zeros(0, np.int64)]
            + [r * self.n_features + c for r, c in zip(rows, cols, strict=True)]
        )
        cells, values = np.unique(flat, return_counts=True)
        indptr = np.searchsorted(cells, np.arange(len(docs) + 1) * self.n_features)
        return csr_matrix(
            (
                values.astype(np.int64),
                (cells % self.n_features).astype(np.int32),
                indptr.astype(np.int32),
            ),
            shape=(len(docs), self.n_features),
        )


def _key(gram: str) -> int:
    key = 0
    for char in gram:
        key = (key << _BITS) | ord(char)
    return key
