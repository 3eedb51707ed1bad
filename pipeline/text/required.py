"""What text any match of a regular expression must contain: a cheap test that rules a
pattern out before it scans a whole plan.

Why: normalization removes what a dozen reviewed patterns (scraper junk, mojibake) match,
and most plans hold none of it, yet each pattern scanned every plan's ~12,000 characters:
a pattern opening with ``^`` or ``[ \\t]*`` is tried at every position, ~0.07 ms a pattern,
~1 ms a plan. Every match of ``^[ \\t]*(?:点击下载|下载文档)…`` contains 点击下载 or 下载文档;
looking those strings up (``str.__contains__``, in C) takes microseconds, and when one
requirement has none of its strings in the text the pattern cannot match and is skipped.
A pattern is still run as it is whenever the test passes, so its matches never change.

Requirements are read from the pattern's parse tree (``re._parser``, the parser ``re``
itself compiles with): a run of literal characters, a character set (small ranges
only), a repeat of at least one, a group, a positive look-ahead or look-behind (what it
needs stands in the text searched, if not in the match: every use here tests a text), and a
branch (one of its alternatives' requirements, united); anything else (negative
look-arounds, classes, case-insensitive parts, back-references) requires nothing, so the
test is only ever weaker than the pattern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from re import _constants as sre
from re import _parser

Requirement = frozenset[str]  # at least one of these strings is in every match
MAX_RANGE = 64  # a set with a larger range ([\u4e00-\u9fff]) requires nothing


def _set_chars(items: list) -> Requirement | None:
    chars: set[str] = set()
    for kind, value in items:
        if kind is sre.LITERAL:
            chars.add(chr(value))
        elif kind is sre.RANGE and value[1] - value[0] < MAX_RANGE:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:  # NEGATE, a category (\d, \s), a large range
            return None
    return frozenset(chars) if chars else None


def _best(requirements: list[Requirement]) -> Requirement | None:
    """The most selective requirement: its shortest string the longest, then the fewest."""
    return max(requirements, key=lambda r: (min(map(len, r)), -len(r)), default=None)


def _sequence(items) -> list[Requirement]:
    out: list[Requirement] = []
    run: list[str] = []  # consecutive literal characters: one string
    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            out.append(frozenset(("".join(run),)))
            run = []
        if op is sre.IN:
            chars = _set_chars(value)
            if chars:
                out.append(chars)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            least, _most, inner = value
            if least >= 1:
                out += _sequence(inner)
        elif op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, inner = value
            if not add_flags & re.IGNORECASE:
                out += _sequence(inner)
        elif op is sre.ATOMIC_GROUP:
            out += _sequence(value)
        elif op is sre.ASSERT:  # a positive look-around: what it needs is in the text too
            out += _sequence(value[1])
        elif op is sre.BRANCH:
            united: set[str] = set()
            for alternative in value[1]:
                best = _best(_sequence(alternative))
                if best is None:  # one alternative requires nothing: neither does the branch
                    break
                united |= best
            else:
                out.append(frozenset(united))
    if run:
        out.append(frozenset(("".join(run),)))
    return out


@functools.cache
def requirements(pattern: re.Pattern[str]) -> tuple[Requirement, ...]:
    """Requirements of every match of ``pattern``, those of fewest strings first (one
    missing rules the pattern out, and each costs a scan of the text per string: 附件 before
    the nine file extensions; cached per pattern: patterns come from the vocabularies)."""
    if pattern.flags & re.IGNORECASE:
        return ()
    found = set(_sequence(_parser.parse(pattern.pattern, pattern.flags)))
    return tuple(sorted(found, key=lambda r: (len(r), -min(map(len, r)), sorted(r))))


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text``."""
    return all(any(s in text for s in r) for r in requirements(pattern))


@functools.cache
def _line_gate(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For a pattern that opens with ``^`` under MULTILINE (no alternation around it), so
    that every match starts a line: the pattern with a line break for that ``^``. Its
    search, jumping from line break to line break (a literal opens it), finds the first
    line after the first where the pattern matches. None for any other pattern."""
    if not (pattern.flags & re.MULTILINE and pattern.pattern.startswith("^")):
        return None
    items = list(_parser.parse(pattern.pattern, pattern.flags))
    if not items or items[0] != (sre.AT, sre.AT_BEGINNING):
        return None
    return re.compile(r"\n(?:" + pattern.pattern[1:] + ")", pattern.flags)


def scan_start(pattern: re.Pattern[str], text: str) -> int | None:
    """A position from which ``pattern.finditer(text, start)`` finds every match of
    ``pattern`` in ``text`` (none starts before it); None when there is none. Any pattern
    is first ruled out by its requirements (``may_match``: the doc-sharing banner's line
    pattern took 0.8 ms a plan to try, its 由会员分享 microseconds to miss). One anchored
    at line starts is then looked for at line breaks only (a pattern opening with ``^``
    was tried at every position: ~0.07 ms a pattern a plan); any other is scanned from
    the start."""
    if not may_match(pattern, text):  # its literals are missing: no line needs trying
        return None
    gate = _line_gate(pattern)
    if gate is None:
        return 0
    if pattern.match(text):
        return 0
    found = gate.search(text)
    return found.start() + 1 if found else None


@functools.cache
def _prefilter(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A regex finding the strings of the pattern's most selective requirement (longest
    first); None when the pattern requires nothing."""
    found = requirements(pattern)
    if not found:
        return None
    return re.compile("|".join(map(re.escape, sorted(found[0], key=lambda s: (-len(s), s)))))


def searcher(patterns: tuple[re.Pattern[str], ...]) -> Callable[[str], bool]:
    """A test of whether one of ``patterns`` matches somewhere in a text: each pattern's
    search, run only where its most selective requirement is found (one scan in C for a
    set of literals instead of the pattern's slower one, ~1 us against 5-18 us a
    sentence for the target vocabularies' unions). Make it once per set of patterns."""
    gates = [(_prefilter(p), p.search) for p in patterns]

    def found(text: str) -> bool:
        for pre, search in gates:
            if (pre is None or pre.search(text) is not None) and search(text) is not None:
                return True
        return False

    return found
