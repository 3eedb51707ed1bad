"""What mirror sites do to a copied plan, undone: pinyin inserted, traditional script.

Copies of plans on mirror sites are often in traditional script with the pinyin of some
characters inserted after them (建設(shè)實(shí)施方案); their mojibake runs are patterns in
the same vocabulary, removed by ``normalize``. Each function here returns the edits that
undo one of these (as normalization spans, logged like every other edit); the patterns and the
threshold are reviewed data in ``vocab/mirror.yaml``. Traditional characters become
simplified with OpenCC (t2s), whose tables are the reference for the conversion; a text is
converted only when enough of it is traditional, so a simplified plan is never touched.
"""

from __future__ import annotations

import functools
import re

import opencc

from pipeline.text.required import scan_start
from pipeline.text.t2s_keys import may_change
from pipeline.vocab import load_yaml

Span = tuple[int, int, str, str]
NON_CJK = re.compile(r"[^\u3400-\u9fff]+")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.cache
def _variants() -> dict[int, str]:
    """Variant characters OpenCC's t2s leaves as they are (陜, 衞): ``str.translate``'s table."""
    return str.maketrans(_rules()["t2s_variants"])


def _convert(text: str) -> str:
    """OpenCC's t2s, then the variant characters it does not know."""
    return _t2s().convert(text).translate(_variants())


def _rules() -> dict:
    return load_yaml("mirror.yaml")


def pinyin_spans(text: str) -> list[Span]:
    """Pinyin annotations after characters (設(shè) -> 設), dropped (none in a text without
    a tone mark, which the pattern's look-ahead requires: a plan's brackets go untried)."""
    pattern = re.compile(_rules()["pinyin"])
    start = scan_start(pattern, text)
    if start is None:
        return []
    return [(m.start(), m.end(), "", "pinyin") for m in pattern.finditer(text, start)]


def simplified(text: str) -> str:
    """``text`` with OpenCC's t2s conversion (and ``t2s_variants``); a text holding none of
    the keys OpenCC changes (nearly every plan) is returned as it is, without converting it."""
    return _convert(text) if may_change(text) else text


def t2s_spans(text: str) -> list[Span]:
    """Traditional characters replaced by simplified ones (runs of changed characters), when
    at least ``t2s_min_share`` of the Chinese characters change; else none."""
    converted = simplified(text)
    if converted == text:  # the usual case, a simplified plan: nothing to count
        return []
    n_cjk = _count_cjk(text)
    if not n_cjk:
        return []
    if len(converted) != len(text):  # a phrase changed length: compare line by line
        return _line_spans(text)
    runs = _changed_runs(text, converted)
    if sum(j - i for i, j in runs) < _rules()["t2s_min_share"] * n_cjk:
        return []
    return [(i, j, converted[i:j], "t2s") for i, j in runs]


def _count_cjk(text: str) -> int:
    """Number of Chinese characters (removing the rest is faster than listing them)."""
    return len(NON_CJK.sub("", text))


_CHUNK = 64  # characters compared at once before looking at single characters


def _changed_runs(text: str, converted: str) -> list[tuple[int, int]]:
    """Runs ``(start, end)`` of positions where two equal-length strings differ.

    Whole chunks are compared first (in C), so a text that changes in a few places costs
    a pass over its chunks, not a Python step per character."""
    runs: list[tuple[int, int]] = []
    n = len(text)
    for base in range(0, n, _CHUNK):
        top = min(base + _CHUNK, n)
        if text[base:top] == converted[base:top]:
            continue
        for k in range(base, top):
            if text[k] == converted[k]:
                continue
            if runs and runs[-1][1] == k:
                runs[-1] = (runs[-1][0], k + 1)
            else:
                runs.append((k, k + 1))
    return runs


def _line_spans(text: str) -> list[Span]:
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    converted = [(start, line, _convert(line)) for start, line in lines]
    changed = sum(
        sum(a != b for a, b in zip(line, conv, strict=False)) for _, line, conv in converted
    )
    if changed < _rules()["t2s_min_share"] * _count_cjk(text):
        return []
    spans: list[Span] = []
    for start, line, conv in converted:
        if len(conv) == len(line):
            spans.extend(
                (start + i, start + j, conv[i:j], "t2s") for i, j in _changed_runs(line, conv)
            )
        elif conv != line:
            spans.append((start, start + len(line), conv, "t2s"))
    return spans
