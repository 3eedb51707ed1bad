"""Which texts OpenCC's t2s conversion leaves as they are, known without converting them.

Why: every plan is converted twice (``mirror.t2s_spans`` tests whether it is traditional,
``themes.outlines.simplified`` compares its headings and measures), ~0.25 ms each, and
nearly every plan is simplified: it converts to itself. OpenCC replaces a text only where it
meets a key of its dictionaries whose value differs from the key; every other segment of its
longest-match segmentation (a key mapped to itself, a character of no key) is copied. So a
text holding none of the changing keys converts to itself, and ``may_change`` tells so from
a lookup by code point.

The changing keys are data, ``vocab/opencc_t2s_keys.csv``, as the installed OpenCC's own
dictionaries give them: ``python -m pipeline.text.t2s_keys`` rewrites the file from the
dictionaries that OpenCC's ``t2s.json`` names, dumped with OpenCC's ``opencc_dict`` tool (the
``.ocd2`` files are binary), and a test checks the file against them.
"""

from __future__ import annotations

import csv
import functools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import opencc

from pipeline.text.codes import codes as _codes
from pipeline.vocab import VOCAB_DIR, load_csv

KEYS_FILE = "opencc_t2s_keys.csv"
_SURROGATES = range(0xD800, 0xE000)  # OpenCC refuses a lone surrogate: let it, as before


def dictionary_keys(config: str = "t2s") -> list[tuple[str, str, str]]:
    """(key, value, dictionary) of every key of OpenCC's ``config`` whose value (its first
    candidate, the one OpenCC writes) differs from it, in the order of its dictionaries."""
    clib = Path(opencc.__file__).parent / "clib"
    share = clib / "share" / "opencc"
    spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in _dictionary_files(spec):
            out = Path(tmp) / f"{name}.txt"
            tool = [str(clib / "bin" / "opencc_dict"), "-i", str(share / name), "-o", str(out)]
            subprocess.run([*tool, "-f", "ocd2", "-t", "text"], check=True, capture_output=True)
            for line in out.read_text(encoding="utf-8").splitlines():
                key, values = line.split("\t")
                value = values.split(" ")[0]
                if value != key:
                    rows.append((key, value, name.removesuffix(".ocd2")))
    return rows


def _dictionary_files(node: object) -> list[str]:
    """The ``file`` of every dictionary a config names (normalization and conversion)."""
    if isinstance(node, dict):
        own = [node["file"]] if isinstance(node.get("file"), str) else []
        return own + [f for v in node.values() for f in _dictionary_files(v)]
    if isinstance(node, list):
        return [f for v in node for f in _dictionary_files(v)]
    return []


def _table(codes: set[int]) -> np.ndarray:
    table = np.zeros(max(codes) + 2, dtype=bool)  # one past the largest: False
    table[sorted(codes)] = True
    return table


@functools.cache
def _lookups() -> tuple[np.ndarray, np.ndarray, np.ndarray, frozenset[str]]:
    """The single-character keys (and lone surrogates), and the phrases holding none of
    them by two of their characters: tables of the first and of the second characters of
    those pairs, and the pairs themselves."""
    rows = load_csv(KEYS_FILE)
    singles = {r["key"] for r in rows if len(r["key"]) == 1}
    pairs = frozenset(
        _pair(r["key"], r["value"])
        for r in rows
        if len(r["key"]) > 1 and singles.isdisjoint(r["key"])
    )
    return (
        _table({ord(c) for c in singles} | set(_SURROGATES)),
        _table({ord(p[0]) for p in pairs}),
        _table({ord(p[1]) for p in pairs}),
        pairs,
    )


def _pair(key: str, value: str) -> str:
    """Two adjacent characters of a phrase: any two find it, and those at its first changed
    character are the rarest in simplified text (反覆: 反覆, not a pair of 反反覆覆's 反反)."""
    at = next((i for i, (a, b) in enumerate(zip(key, value, strict=False)) if a != b), 0)
    at = min(at, len(key) - 2)
    return key[at : at + 2]


def may_change(text: str) -> bool:
    """False when OpenCC's t2s conversion surely returns ``text`` itself: it holds no
    changing key (True: it may change, convert it)."""
    singles, firsts, seconds, pairs = _lookups()
    codes = _codes(text)
    if singles.take(codes, mode="clip").any():
        return True
    # the second characters looked up only after a first one (few): one pass, not two
    at = np.flatnonzero(firsts.take(codes[:-1], mode="clip"))
    at = at[seconds.take(codes[at + 1], mode="clip")]
    return any(text[i : i + 2] in pairs for i in at.tolist())


def write(path: Path = VOCAB_DIR / KEYS_FILE) -> int:
    """Rewrite the keys file from the installed OpenCC; the number of keys."""
    rows = dictionary_keys()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["key", "value", "dictionary"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(f"{write()} keys written to {VOCAB_DIR / KEYS_FILE}", file=sys.stderr)
