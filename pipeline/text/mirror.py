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

from pipeline.vocab import load_yaml

Span = tuple[int, int, str, str]
CJK = re.compile(r"[\u3400-\u9fff]")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _rules() -> dict:
    return load_yaml("mirror.yaml")


def pinyin_spans(text: str) -> list[Span]:
    """Pinyin annotations after characters (設(shè) -> 設), dropped."""
    return [(m.start(), m.end(), "", "pinyin") for m in re.finditer(_rules()["pinyin"], text)]


def t2s_spans(text: str) -> list[Span]:
    """Traditional characters replaced by simplified ones (runs of changed characters), when
    at least ``t2s_min_share`` of the Chinese characters change; else none."""
    converted = _t2s().convert(text)
    n_cjk = len(CJK.findall(text))
    if not n_cjk:
        return []
    if len(converted) != len(text):  # a phrase changed length: compare line by line
        return _line_spans(text)
    changed = sum(a != b for a, b in zip(text, converted, strict=True))
    if changed < _rules()["t2s_min_share"] * n_cjk:
        return []
    return _run_spans(text, converted, 0)


def _run_spans(text: str, converted: str, offset: int) -> list[Span]:
    spans: list[Span] = []
    i = 0
    while i < len(text):
        if text[i] == converted[i]:
            i += 1
            continue
        j = i
        while j < len(text) and text[j] != converted[j]:
            j += 1
        spans.append((offset + i, offset + j, converted[i:j], "t2s"))
        i = j
    return spans


def _line_spans(text: str) -> list[Span]:
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    converted = [(start, line, _t2s().convert(line)) for start, line in lines]
    changed = sum(
        sum(a != b for a, b in zip(line, conv, strict=False)) for _, line, conv in converted
    )
    if changed < _rules()["t2s_min_share"] * len(CJK.findall(text)):
        return []
    spans: list[Span] = []
    for start, line, conv in converted:
        if len(conv) == len(line):
            spans.extend(_run_spans(line, conv, start))
        elif conv != line:
            spans.append((start, start + len(line), conv, "t2s"))
    return spans
