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
from typing import NamedTuple

import cn2an

_CN_DIGITS = "一二三四五六七八九十百零〇两"

# Patterns run on one line after full-width folding; spaces may still be present.
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (
        1,
        re.compile(
            rf"^[ \t]*(?:第(?P<n>[{_CN_DIGITS}]{{1,4}})(?:章|部分)"
            rf"|(?P<m>[{_CN_DIGITS}]{{1,4}})[ \t]*[、.])[ \t]*"
        ),
    ),
    (2, re.compile(rf"^[ \t]*\([ \t]*(?P<n>[{_CN_DIGITS}]{{1,5}})[ \t]*\)[ \t]*")),
    # not "1. [主题分类] 司法": a page's disclosure fields, numbered, with their labels in []
    (3, re.compile(r"^[ \t]*(?P<n>\d{1,3})[ \t]*[.、](?![\d.]|[ \t]*\[)[ \t]*")),
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


def match_marker(line: str) -> Marker | None:
    """The heading marker opening ``line``, or None when the line is not a heading."""
    m = _ANY_HEADING.match(line)
    if m is None:
        return None
    level = _LEVEL_OF[m.lastgroup]
    digits = m[f"g{level}n"] or (m["g1m"] if level == 1 else None) or ""  # as the loop reads
    if digits:
        try:
            return Marker(level=level, number=cn_number(digits), end=m.end())
        except ValueError:
            pass
    return _marker_after(line, level)


def _marker_after(line: str, matched: int) -> Marker | None:
    """The marker of a level after ``matched`` opening ``line`` (the pattern of level
    ``matched`` matched, but its numeral is none)."""
    for level, pattern in HEADING_PATTERNS[matched:]:
        m = pattern.match(line)
        if m:
            digits = m.group("n") or (m.groupdict().get("m") or "")
            if not digits:
                continue
            try:
                number = cn_number(digits)
            except ValueError:
                continue
            return Marker(level=level, number=number, end=m.end())
    return None


# A line that labels something ("牵头单位:…", "联系电话:…"): a short label then a colon.
LABEL_LINE = re.compile(r"^[ \t]*[^\s:,。;]{1,8}[ \t]*:")
