"""Chinese substring search on SQLite FTS5, with nothing but SQLite's own tokenizer.

SQLite's tokenizers treat a run of Chinese characters as one token, so ``MATCH '宪法'`` would
miss 维护宪法权威; the trigram tokenizer finds substrings of three or more characters but no
two-character word (宪法, 调解), and word segmentation (jieba) misses words it splits
differently. So the database indexes *overlapping bigrams*: each run of Chinese characters is
written as its bigrams followed by its last character (宪法公园 -> ``宪法 法公 公园 园``),
letters and digits stay words, and a break token stands for punctuation and spaces, so that a
phrase never spans two runs. FTS5's built-in ``ascii`` tokenizer then indexes those tokens as
they are (in a contentless FTS5 table: only the index is stored; ``ascii`` is ~30% faster than
``unicode61`` and splits the same here), and a query is rewritten the same way: a
Chinese word of n >= 2 characters becomes the phrase of its n-1 bigrams, which occurs in a row
exactly when the word is a substring of the row's text; a single character becomes the prefix
query of tokens starting with it. Latin letters and digits match whole words, as usual.

The rewriting is vectorized with numpy over a chunk of rows at a time (a Python loop over
characters costs ~1 µs each, ~20 s on a 1,000-plan release).
"""

from __future__ import annotations

import re

import numpy as np

BREAK = "\ue000"  # private use: a token character to FTS5, never in text (stripped)
FTS_TOKENIZE = "ascii"  # splits on ASCII spaces and punctuation only: our tokens as they are
_ROW = 0  # "\x00" joins the rows of a chunk (removed from the text beforehand)
_SPACE, _BREAK = ord(" "), ord(BREAK)
_CJK_RANGES = (
    (0x3007, 0x3007),  # 〇
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
_NOTHING = '"' + "\ue001" + '"'  # a valid FTS5 query that matches no row
_TERMS = re.compile(r'"([^"]*)"|(\S+)')


def _classes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of Chinese characters and of word characters (letters, digits) in ``codes``."""
    cjk = np.zeros(len(codes), dtype=bool)
    for low, high in _CJK_RANGES:
        cjk |= (codes >= low) & (codes <= high)
    ascii_word = (
        ((codes >= 0x30) & (codes <= 0x39))
        | ((codes >= 0x41) & (codes <= 0x5A))
        | ((codes >= 0x61) & (codes <= 0x7A))
    )
    other = (codes >= 0x80) & ~cjk
    word = ascii_word
    if other.any():
        rare = np.unique(codes[other])
        alnum = np.array([chr(c).isalnum() for c in rare], dtype=bool)
        word = word | (other & np.isin(codes, rare[alnum]))
    return cjk, word & (codes != _BREAK)


def index_texts(texts: list[str | None]) -> list[str | None]:
    """Each text as the FTS5 input described above (``None`` stays ``None``)."""
    clean = ["" if t is None else t.replace("\x00", " ").replace(BREAK, " ") for t in texts]
    if not clean:
        return []
    codes = np.frombuffer("\x00".join(clean).encode("utf-32-le"), dtype=np.uint32)
    cjk, word = _classes(codes)
    row = codes == _ROW
    sep = ~(cjk | word | row)
    nxt_cjk = np.append(cjk[1:], False)
    nxt_word = np.append(word[1:], False)
    prev_sep = np.insert(sep[:-1], 0, False)
    # codepoints emitted per position: Chinese "ab " (bigram) or "a " (run end); word char
    # "a" (+ " " at its end); first separator of a run: BREAK + " "; row boundary: itself
    length = np.where(
        cjk,
        np.where(nxt_cjk, 3, 2),
        np.where(word, np.where(nxt_word, 1, 2), np.where(row, 1, np.where(sep & ~prev_sep, 2, 0))),
    )
    ends = np.cumsum(length)
    starts = ends - length
    out = np.full(int(ends[-1]) if len(ends) else 0, _SPACE, dtype=np.uint32)
    first = np.where(sep, _BREAK, codes)  # what each emitting position writes first
    emits = length > 0
    out[starts[emits]] = first[emits]
    pair = cjk & nxt_cjk
    out[starts[pair] + 1] = codes[np.flatnonzero(pair) + 1]
    joined = out.tobytes().decode("utf-32-le").split("\x00")
    return [None if t is None else j for t, j in zip(texts, joined, strict=True)]


def index_text(text: str) -> str:
    return index_texts([text])[0] or ""


def match_query(query: str) -> str:
    """An FTS5 query that finds the rows containing every term of ``query`` (terms split on
    spaces; a "quoted phrase" is one term), for a table indexed with :func:`index_texts`."""
    phrases = []
    for quoted, bare in _TERMS.findall(query.replace(BREAK, " ")):
        term = (quoted or bare).strip()
        tokens = index_text(term).split()
        while tokens and tokens[0] == BREAK:
            tokens.pop(0)
        while tokens and tokens[-1] == BREAK:
            tokens.pop()
        if not tokens:
            continue
        prefix = ""
        last = tokens[-1]
        if len(last) == 1 and _is_cjk(last):
            # the run's last character: a word of 2+ characters ends with its last bigram;
            # a single character is the start of a bigram or a run's last character
            if len(tokens) >= 2 and len(tokens[-2]) == 2 and tokens[-2][1] == last:
                tokens.pop()
            else:
                prefix = "*"
        phrases.append('"' + " ".join(tokens) + '"' + prefix)
    return " ".join(phrases) if phrases else _NOTHING


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)
