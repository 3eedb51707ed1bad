"""The numbering forms that open a chapter, a section or an item: defined once, used twice.

Normalization needs them to decide whether a line break ends a heading line or falls
mid-sentence; structure parsing needs them to build the tree. Keeping the patterns here
means both steps agree on what a heading is.

Forms seen in real plans:
- level 1, chapter: ``一、总体要求`` (also ``一.`` and ``第一章`` / ``第一部分``)
- level 2, section: ``(一)指导思想。…`` with ASCII or full-width brackets
- level 3, item:    ``1.深入宣传宪法。…`` or ``1、…``
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

import cn2an

from pipeline.vocab import load_yaml

_CN_DIGITS = "一二三四五六七八九十百零〇两"

# What follows an item's number and point when it is no decimal's fraction (see level 3):
# one or two digits are one, unless a month's (2.3月底前制定…: item 2, by March)
NOT_A_FRACTION = r"(?!\d{1,2}(?![\d月])|\.)"
# Patterns run on one line after full-width folding; spaces may still be present.
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (
        1,
        re.compile(
            rf"^[ \t]*(?:第(?P<n>[{_CN_DIGITS}]{{1,4}})(?:章|部分)"
            rf"|(?P<m>[{_CN_DIGITS}]{{1,4}})[ \t]*[、.])[ \t]*"
        ),
    ),
    # (一), or 第一节 (a 规划's section of a 第一章 chapter)
    (
        2,
        re.compile(
            rf"^[ \t]*(?:\([ \t]*(?P<n>[{_CN_DIGITS}]{{1,5}})[ \t]*\)"
            rf"|第(?P<k>[{_CN_DIGITS}]{{1,4}})节)[ \t]*"
        ),
    ),
    # not a decimal (3.5%, 1.25万: one or two digits after the point; 4.2023年底前… and
    # 16.12345热线… are items), not 1.1., not "1. [主题分类] 司法": a page's disclosure fields,
    # numbered, with their labels in []
    (3, re.compile(rf"^[ \t]*(?P<n>\d{{1,3}})[ \t]*[.、]{NOT_A_FRACTION}(?![ \t]*\[)[ \t]*")),
)
# The three as one alternation, in level order: a line is tried once, not three times (most
# lines are no heading). Alternative k matches exactly where HEADING_PATTERNS[k] does.
_ANY_HEADING = re.compile(
    "|".join(
        f"(?P<level{level}>{pattern.pattern.replace('(?P<', f'(?P<g{level}')})"
        for level, pattern in HEADING_PATTERNS
    )
)
_LEVEL_OF = {f"level{level}": level for level, _ in HEADING_PATTERNS}
_NUMERAL_OF = {level: f"g{level}n" for level, _ in HEADING_PATTERNS}  # the numeral's group
_SECOND_NUMERAL = {1: "g1m", 2: "g2k"}


class Marker(NamedTuple):  # not a frozen dataclass: its __init__ cost ~1.5 us a heading
    """A heading marker at the start of a line."""

    level: int
    number: int
    end: int  # offset just after the marker (and any spaces after it) within the line


@functools.lru_cache(maxsize=1024)  # a few hundred markers recur; cn2an is slow
def cn_number(text: str) -> int:
    """Chinese or Arabic numeral of a heading marker as an int (``二十四`` -> 24)."""
    if text.isdigit():
        return int(text)
    return int(cn2an.cn2an(text, "smart"))


# _ANY_HEADING at every line start but the first: a search for a line break followed by a
# marker jumps from line break to line break (a literal opens it), where splitting the text
# and matching each line took a Python step per line. No part of a marker spans a line break,
# so it matches here exactly where it matches the line alone.
_HEADING_AFTER_BREAK = re.compile(r"\n(?:" + _ANY_HEADING.pattern + ")", re.MULTILINE)


def match_marker(line: str) -> Marker | None:
    """The heading marker opening ``line``, or None when the line is not a heading."""
    m = _ANY_HEADING.match(line)
    return None if m is None else _marker(m, 0, len(line))


def line_markers(text: str) -> list[tuple[int, int, Marker]]:
    """Start, end and marker of each line of ``text`` that opens with a heading marker (as
    ``match_marker`` reads each line)."""
    found = []
    first = _ANY_HEADING.match(text)
    matches = ([first] if first else []) + list(_HEADING_AFTER_BREAK.finditer(text))
    for m in matches:
        start = m.start() + (m is not first)  # after the line break
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        marker = _marker(m, start, end)
        if marker:
            found.append((start, end, marker))
    return found


# An item numbered in brackets, (1), at a line start: the fourth level of the usual numbering
# (一、 (一) 1. (1)), but the third in a plan that skips 1. (pipeline/parse/structure.py)
_PAREN = r"[ \t]*\([ \t]*(?P<n>\d{1,3})[ \t]*\)[ \t]*"


@functools.cache
def _at_and_after_break(source: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(source), re.compile("\n" + source)


def line_start_matches(source: str, text: str) -> list[tuple[int, re.Match[str]]]:
    """(line start, match) of ``source`` at the start of each line of ``text``: matched at
    the text's start and searched after each line break (a literal opens that search, so
    it is scanned for in C; a pattern opening with ``^`` is tried at every position)."""
    at, after = _at_and_after_break(source)
    first = at.match(text)
    found = [(0, first)] if first else []
    return found + [(m.start() + 1, m) for m in after.finditer(text)]


def paren_item_markers(text: str) -> list[tuple[int, int, Marker]]:
    """Start, end and marker (level 3) of each line of ``text`` opening with (1), (2)…"""
    found = []
    for start, m in line_start_matches(_PAREN, text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        found.append((start, end, Marker(3, int(m["n"]), m.end() - start)))
    return found


def _marker(m: re.Match[str], start: int, end: int) -> Marker | None:
    """The marker of the line ``m.string[start:end]`` that ``m`` matched (``_ANY_HEADING``
    at ``start``): its numeral read, else a marker of a later level."""
    level = _LEVEL_OF[m.lastgroup]
    # as the loop reads: a level's second form's numeral (一、 of level 1, 第一节 of level 2)
    digits = m[_NUMERAL_OF[level]] or m.groupdict().get(_SECOND_NUMERAL.get(level, "")) or ""
    if digits:
        try:  # by position: a NamedTuple's keywords cost ~1 us a heading
            return Marker(level, cn_number(digits), m.end() - start)
        except ValueError:
            pass
    return _marker_after(m.string[start:end], level)


def _marker_after(line: str, matched: int) -> Marker | None:
    """The marker of a level after ``matched`` opening ``line`` (the pattern of level
    ``matched`` matched, but its numeral is none)."""
    for level, pattern in HEADING_PATTERNS[matched:]:
        m = pattern.match(line)
        if m:
            groups = m.groupdict()
            digits = m.group("n") or groups.get("m") or groups.get("k") or ""
            if not digits:
                continue
            try:
                number = cn_number(digits)
            except ValueError:
                continue
            return Marker(level=level, number=number, end=m.end())
    return None


@functools.cache
def _review_words() -> tuple[tuple[str, ...], int, tuple[str, ...]]:
    vocab = load_yaml("headings.yaml")
    words, ahead = tuple(vocab["review_headings"]), tuple(vocab["ahead_headings"])
    return words, vocab["review_heading_max"], ahead


def is_review_heading(heading: str | None) -> bool:
    """A heading of a part that reviews past work (发展现状, 工作成效, 面临的形势): short, and
    opening or ending with one of ``review_headings``."""
    words, longest, _ = _review_words()
    if not heading or len(heading) > longest:
        return False
    return heading.startswith(words) or heading.endswith(words)


def review_parts(
    parts: Iterable[tuple[str, str | None, str | None]], report: bool = False
) -> set[str]:
    """Keys of the parts that review past work, and of every part below one: ``parts`` are
    (key, parent key, heading), parents first. Plans review before they plan: only the
    first chapter, or a section of it, is read as a review (a later 巩固工作成效 is a task).
    A ``report`` (…建设情况报告) reviews throughout, but for the parts that look ahead
    (下一步工作打算, 2026年工作计划: ``ahead_headings``) and all below them."""
    review: set[str] = set()
    first_chapter = None
    ahead: set[str] = set()
    ahead_words = _review_words()[2]
    for key, parent, heading in parts:
        if report:
            if parent in ahead or (heading and any(w in heading for w in ahead_words)):
                ahead.add(key)
            else:
                review.add(key)
            continue
        if parent is None and first_chapter is None:
            first_chapter = key
        opening = key == first_chapter or (parent is not None and parent == first_chapter)
        if parent in review or (opening and is_review_heading(heading)):
            review.add(key)
    return review


@functools.cache
def run_on_heading_words() -> str:
    """Generic headings that may run on into their body (vocab/headings.yaml), as an
    alternation."""
    return "|".join(map(re.escape, load_yaml("headings.yaml")["run_on_headings"]))


@functools.cache
def _run_on_title() -> re.Pattern[str]:
    return re.compile(rf"(?:{run_on_heading_words()})(?=[\u4e00-\u9fff“])")


def run_on_title(rest: str) -> int:
    """Length of the generic heading (指导思想, 总体目标…) that ``rest``, the text after a
    heading marker, opens with and runs on from into its body (指导思想高举…); 0 if none."""
    m = _run_on_title().match(rest)
    return m.end() if m else 0


# How a plan's (or a report's) first sentence opens, right after a title that a flattened
# page runs on into it: …实施方案为贯彻…, …规划根据…, …情况报告2025年,全县…, …近年来…
BODY_OPENING = (
    r"为|根据|按照|(?:今年|近年|一年|五年)来|(?:19|20)\d{2}年(?:以来|度)?[,，]"
)


# A line that labels something ("牵头单位:…", "联系电话:…"): a short label then a colon.
LABEL_LINE = re.compile(r"^[ \t]*[^\s:,。;]{1,8}[ \t]*:")
