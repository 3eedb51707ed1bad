"""What mirror sites do to a copied plan, undone: pinyin inserted, traditional script,
headings misread.

Copies of plans on mirror sites are often in traditional script with the pinyin of some
characters inserted after them (建設(shè)實(shí)施方案); their mojibake runs are patterns in
the same vocabulary, removed by ``normalize``, except a heading marker misread in one (its
GBK bytes decoded one byte off: ?。ㄒ唬┩七M = (一)推進), which is read back. Each function
here returns the edits that undo one of these (as normalization spans, logged like every
other edit); the patterns and the threshold are reviewed data in ``vocab/mirror.yaml``.
Traditional characters become simplified with OpenCC (t2s), whose tables are the reference
for the conversion; a text is converted only when enough of it is traditional, so a
simplified plan is never touched.
"""

from __future__ import annotations

import contextlib
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


# A heading marker (一) indented by a full-width space, its GBK bytes read one byte off: a lone
# byte (?), then 。(A1A3), then the pair A8 + the numeral's first byte (ㄒ for 一, ǘ for 二…).
_NUMERALS = "一二三四五六七八九"  # 十's next pair is lost for (十一)…: never guessed


@functools.cache
def _misread_numerals() -> dict[str, str]:
    """The character each numeral's first byte makes with A8, and the numeral (六's A8C1 is
    no GBK character, so its marker cannot be misread this way)."""
    table = {}
    for numeral in _NUMERALS:
        with contextlib.suppress(UnicodeDecodeError):
            table[bytes([0xA8, numeral.encode("gbk")[0]]).decode("gbk")] = numeral
    return table


# pinyin right after a misread run, its opening bracket maybe eaten with the byte before it
PINYIN_TAIL = re.compile(r"[(（]?[a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,5}[)）]")


def misread_heading(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The heading marker a mojibake run ``text[start:end]`` stands for, and where the
    misreading ends (``?。ㄒ唬┩七M`` -> ``（一）推進``); None for any other run.

    Such a run is the GBK bytes of ``　（一）推進…`` decoded from the second byte on, up to
    the first ASCII byte, where the decoder fell back into step: those bytes from the second
    on decode to the original again. A pair the decoder could not map (二's second byte with
    the bracket's first) was lost, and so was a pair whose trail byte was ASCII ``(`` of
    inserted pinyin (read as ``?``): the marker is certain (its numeral is read from the first
    misread pair), the words after it are kept only when the bytes decode back to exactly
    that marker and whole characters; then the misreading ends at that ASCII byte, which
    may be before or after the run's end (the text after it is read right). Otherwise the
    run's end stands."""
    at = start
    while at < end and text[at] in " \t":
        at += 1
    if text[at : at + 2] != "?。" or text[at + 2 : at + 3] not in _misread_numerals():
        return None
    marker = f"（{_misread_numerals()[text[at + 2]]}）"
    line_end = text.find("\n", at)
    line_end = len(text) if line_end < 0 else line_end
    stop = next((k for k in range(at + 1, line_end) if text[k].isascii()), None)
    if stop is None or text[stop] == "?":  # the misreading ran on, or lost a byte
        return marker, end
    try:
        recovered = text[at + 1 : stop + 1].encode("gbk")[1:].decode("gbk", errors="replace")
    except UnicodeEncodeError:
        return marker, end
    words = recovered[len(marker) :]
    if not recovered.startswith(marker) or "\ufffd" in words:
        return marker, end
    return marker + words, stop + 1


def repair_misread_headings(spans: list[Span], text: str) -> list[Span]:
    """Mojibake removals (``spans``, sorted) with each misread heading marker put back, and
    the pinyin right after it ((shè), or dǎo) whose bracket was lost) removed with it."""
    repaired: list[Span] = []
    for k, (start, end, inserted, kind) in enumerate(spans):
        heading = misread_heading(text, start, end)
        limit = spans[k + 1][0] if k + 1 < len(spans) else len(text)
        if heading is not None and heading[1] <= limit:
            inserted, end = heading
            tail = PINYIN_TAIL.match(text, end)
            if tail and tail.end() <= limit:
                end = tail.end()
        repaired.append((start, end, inserted, kind))
    return repaired


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
