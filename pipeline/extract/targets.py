"""Find the quantified targets stated in one sentence of a plan body.

A target (shared/gold/GUIDELINE.md) is a checkable commitment: a number with a unit, an
explicit year deadline, or a recurring commitment with a count or a fixed date. This module
reads one sentence of the pipeline's normalized text and returns one ``TargetHit`` per
target, pointing at the clause (text between , . ; : boundaries, not split at 、) that
states it. It is a few regex passes driven by ``vocab/targets.yaml``:

1. spans that never hold targets are blocked: hotlines, document numbers, 12·4, 十四五,
   year ranges, ordinals (第37中学), anything inside 《》;
2. numbers followed by a unit (or written as a share: 90%, 三分之二, 百分之九十) are read; a
   Chinese count (一个, 一次) needs a comparator (至少一个) or a recurring period with an
   occurrence unit (每年开展一次), since bare ones are mostly slogans (一个号码, 四个一);
   counts inside quotes are slogans too (“一站式”), unless Arabic with a unit (“7×24小时”);
3. each number gets a comparator from the words around it, the nearest recurring period of
   its clause (每年 -> annual, 5年内 -> within_years …), and a scope (每个区, 市级 …); an
   occurrence count (次) with a period is a frequency row, otherwise a quantity row;
4. a clause with 每年 and a fixed date (年初, 一季度, 3月1日前, 国家宪法日) but no count is a
   frequency row counted once;
5. years (到2025年, 2022年底前, 2022年起) give a quantity its deadline_year when they come
   before it in the sentence; a year no quantity claims is a deadline row of its own, unless
   it is a vision clause (为2035年…奠定) or a baseline (截至…, 以来).

Functions are pure: the same sentence always gives the same hits. The module is longer than
most (about 500 lines) because the five passes share one set of blocked spans and offsets;
split apart, each would have to re-derive them.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from pipeline.extract.numerals import is_chinese, parse_numeral
from pipeline.text.required import requirements, searcher
from pipeline.vocab import load_yaml

CLAUSE_BREAKS = ",.;:，。；：!?！？\n\r"
_CN = "零〇一二两三四五六七八九十百千万"
# A number: a share (百分之九十, 三分之二), an Arabic one (12.5, 7×24) or a Chinese one, not
# inside another (the 5 of 12.5). It is written as its first character, then the rest of each
# form, whose first character a look-behind checks: opening with a character set, the regex is
# scanned for in C, where one opening with a look-ahead or look-behind is tried at every
# position (several times slower). Its matches are those of the plain form,
# (?<![\d.])(?:百分之[CN]+(?:点[CN]+)?|(?:[CN]+|\d+)分之(?:[CN]+|\d+)|\d+(?:\.\d+)?(?:…)?|[CN]+);
# an Arabic one may count in ten thousands (2万件, 1.4万名; not in 万元, a unit of its own).
_NUMBER = re.compile(
    rf"[{_CN}\d](?<![\d.].)(?:"
    rf"(?<=百)分之[{_CN}]+(?:点[{_CN}]+)?"
    rf"|(?:(?<=[{_CN}])[{_CN}]*|(?<=\d)\d*)分之(?:[{_CN}]+|\d+)"
    r"|(?<=\d)\d*(?:\.\d+)?(?:\s*[×xX*]\s*\d+(?:\.\d+)?|万(?!元))?"
    rf"|(?<=[{_CN}])[{_CN}]*)"
)
_CLAUSE_BREAK = re.compile("[" + re.escape(CLAUSE_BREAKS) + "]")
_PERIODIC = ("annual", "semiannual", "quarterly", "monthly", "within_years")
_LIST_JOINS = ("、", "和", "及")


# A "sentence" longer than this is garbled text (pages without a full stop): it is read in
# windows cut at clause breaks, since each number looks back over its clause (a sentence
# of 600,000 characters and 100,000 numbers took the better part of an hour).
MAX_SENTENCE = 2_000
# how far before its number a comparator may stand in its clause (不低于本院(庭)法官人均办案数的
# 30%: 17 characters)
COMPARATOR_REACH = 20


class TargetHit(NamedTuple):
    """One target: its clause (offsets into the sentence) and its normalized fields (a
    tuple: built several times faster than a frozen dataclass)."""

    clause_start: int
    clause_end: int
    kind: str
    value: float | None
    unit: str | None
    comparator: str | None
    deadline_year: int | None
    frequency: str | None
    scope: str | None


class _Mention(NamedTuple):
    start: int
    end: int  # after the unit and any suffix comparator
    value: float
    unit: str
    comparator: str
    frequency: str | None
    scope: str | None
    kind: str
    clause: tuple[int, int]


# A sentence with none of these (digits, Chinese numerals, 每/年/月/日/季) states no target:
# skipping it early keeps extraction fast.
_MAY_HOLD_TARGET = re.compile(r"[0-9一二两三四五六七八九十百千万半〇零每年月日季]")


@functools.cache
def _vocab() -> dict[str, Any]:
    return load_yaml("targets.yaml")


@functools.cache
def _re(key: str) -> re.Pattern[str]:
    """The vocabulary's regex under ``key``, compiled once (``re``'s own cache is a dict
    look-up and a lock per call, in the loop over numbers)."""
    return re.compile(_vocab()[key])


@functools.cache
def _unit_re() -> re.Pattern[str]:
    surfaces = sorted(_vocab()["units"], key=len, reverse=True)
    return re.compile(r"\s*(" + "|".join(re.escape(s) for s in surfaces) + ")")


@functools.cache
def _may_state_target() -> Callable[[str], bool]:
    """Whether a sentence holds what every target row needs: a number followed by a unit
    (what ``_mentions`` reads; a share needs 分之 unless its unit is %), a year (``_years``)
    or a date marker (``_date_rows``). Most sentences hold none, and skip the passes."""
    number_unit = re.compile(_NUMBER.pattern + _unit_re().pattern)
    return lambda s: bool(
        "分之" in s
        or number_unit.search(s)
        or ("年" in s and _YEAR.search(s))  # the literal first: most sentences lack it
        or _date_markers(s)
    )


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Clauses of a sentence as (start, end) offsets, trimmed of surrounding whitespace.

    A boundary is one of , . ; : ， 。 ； ： ! ? or a line break (a heading ends there) — except
    . , : between two digits (12.4, 9:00).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(sentence)
    for found in _CLAUSE_BREAK.finditer(sentence):
        i = found.start()
        ch = sentence[i]
        if (
            ch in ".,:"
            and 0 < i < n - 1
            and sentence[i - 1].isdigit()
            and sentence[i + 1].isdigit()
        ):
            continue  # between two digits: 12.4, 9:00
        spans.append((start, i))
        start = i + 1
    spans.append((start, n))
    out = []
    for a, b in spans:
        if a < b and not sentence[a].isspace() and not sentence[b - 1].isspace():
            out.append((a, b))  # the usual clause: nothing to trim
            continue
        clause = sentence[a:b]
        trimmed = clause.strip()  # str.strip drops exactly what str.isspace is true for
        if trimmed:
            a += len(clause) - len(clause.lstrip())
            out.append((a, a + len(trimmed)))
    return out


def _clause_of(spans: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int]:
    """The clause of ``spans`` that holds ``pos`` (``starts``: their starts, listed once a
    sentence for every number and year)."""
    i = max(bisect.bisect_right(starts, pos) - 1, 0)
    return spans[i]


def _inside_pairs(sentence: str, key: str) -> tuple[bool, ...]:
    """For each character, whether it lies inside one of the bracket/quote pairs listed
    under the vocabulary's ``key`` (most sentences hold none of their marks)."""
    pairs = _pairs(key)
    if _pair_marks(pairs).search(sentence) is None:
        return (False,) * len(sentence)
    return _inside_pairs_cached(sentence, pairs)


@functools.cache
def _pairs(key: str) -> tuple[str, ...]:
    return tuple(_vocab()[key])


@functools.cache
def _pair_marks(pairs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(pairs)) + "]")


@functools.lru_cache(maxsize=256)
def _inside_pairs_cached(sentence: str, pairs: tuple[str, ...]) -> tuple[bool, ...]:
    # Depth changes only at bracket or quote characters: walk those, fill the runs between.
    inside = [False] * len(sentence)
    marks = [m.start() for m in _pair_marks(pairs).finditer(sentence)]
    depth = 0
    for k, i in enumerate(marks):
        ch = sentence[i]
        for pair in pairs:
            opener, closer = pair[0], pair[1]
            if opener == closer and ch == opener:
                depth = 0 if depth else 1
                break
            if ch == opener:
                depth += 1
                break
            if ch == closer and depth:
                depth -= 1
                break
        if depth > 0:
            end = marks[k + 1] if k + 1 < len(marks) else len(sentence)
            inside[i:end] = [True] * (end - i)
    return tuple(inside)


@functools.cache
def _patterns(key: str) -> tuple[re.Pattern[str], ...]:
    """The vocabulary's regexes under ``key`` (a list or a mapping of them), compiled once."""
    found = _vocab()[key]
    return tuple(re.compile(p) for p in (found.values() if isinstance(found, dict) else found))


@functools.cache
def _union(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One regex that matches somewhere exactly when one of ``patterns`` does: most sentences
    hold none, and one search rules them all out. (Vocabulary patterns therefore use no
    numbered backreferences and no global inline flags: those do not survive being joined.)"""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


@functools.cache
def _somewhere(key: str) -> Callable[[str], bool]:
    """Whether one of the vocabulary's patterns under ``key`` matches somewhere in a text:
    their union, searched only where the literals it requires are (most sentences lack
    them); when some require none (a phone number needs only digits), the union of those
    that do (one look-up of all their literals) and each of the others."""
    patterns = _frequency_res() if key == "frequencies" else _patterns(key)
    gated = tuple(p for p in patterns if requirements(p))
    free = tuple(p for p in patterns if not requirements(p))
    return searcher(((_union(gated),) if gated else ()) + free)


@functools.cache
def _gated(key: str) -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str]], ...]:
    """Each pattern with a regex of the strings one of which its every match contains
    (``required.requirements``; None when it needs none): once ``_somewhere`` found one of
    a vocabulary's patterns in a sentence, the others are mostly absent and need no pass."""
    out = []
    for p in _frequency_res() if key == "frequencies" else _patterns(key):
        found = requirements(p)
        gate = re.compile("|".join(map(re.escape, sorted(found[0])))) if found else None
        out.append((gate, p))
    return tuple(out)


@functools.cache
def _any_gate(key: str) -> re.Pattern[str] | None:
    """One regex of the literals that all of ``_gated(key)``'s gates look for: where it finds
    none, no pattern of ``key`` can match (one scan in C; the union of the patterns
    themselves is tried at every position). None when a pattern needs no literal."""
    gates = [gate for gate, _ in _gated(key)]
    if not gates or any(gate is None for gate in gates):
        return None
    return re.compile("|".join(gate.pattern for gate in gates if gate is not None))


@functools.lru_cache(maxsize=64)
def _blocked(sentence: str) -> tuple[bool, ...]:
    """Characters covered by an exclusion pattern or a document title 《…》."""
    blocked = _inside_pairs(sentence, "title_pairs")
    marked = None
    for gate, pattern in _gated("exclusions"):
        if gate is not None and gate.search(sentence) is None:
            continue  # it lacks a literal every match needs (most do)
        for m in pattern.finditer(sentence):
            if marked is None:
                marked = list(blocked)
            marked[m.start() : m.end()] = [True] * (m.end() - m.start())
    return blocked if marked is None else tuple(marked)


@functools.cache
def _frequency_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(item["pattern"]) for item in _vocab()["frequencies"])


@functools.lru_cache(maxsize=64)
def _periods(sentence: str) -> tuple[tuple[int, int, str, str | None], ...]:
    """Recurring-period markers: (start, end, frequency, scope) sorted by position."""
    if not _somewhere("frequencies")(sentence):
        return ()
    found: list[tuple[int, int, str, str | None]] = []
    taken = [False] * len(sentence)
    gated = _gated("frequencies")
    for item, (gate, pattern) in zip(_vocab()["frequencies"], gated, strict=True):
        if gate is not None and gate.search(sentence) is None:
            continue
        for m in pattern.finditer(sentence):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), m.end(), item["frequency"], item.get("scope")))
    return tuple(sorted(found))


@functools.lru_cache(maxsize=64)
def _date_markers(sentence: str) -> tuple[tuple[int, int, str], ...]:
    out = []
    any_gate = _any_gate("date_markers")
    if any_gate is not None and any_gate.search(sentence) is None:
        return ()
    for gate, pattern in _gated("date_markers"):
        if gate is not None and gate.search(sentence) is None:
            continue
        for m in pattern.finditer(sentence):
            out.append((m.start(), m.end(), m.group()))
    return tuple(sorted(out))


@functools.cache
def _words(key: str) -> tuple[str, ...]:
    """The vocabulary's words under ``key``, for one ``startswith`` test of them all."""
    return tuple(_vocab()[key])


@functools.cache
def _longest_first(comparators: str) -> tuple[str, ...]:
    return tuple(sorted(_vocab()["comparators"][comparators], key=len, reverse=True))


@functools.cache
def _prefix_words() -> re.Pattern[str]:
    comps = _vocab()["comparators"]
    return re.compile("|".join(re.escape(w) for w in comps["prefix_ge"] + comps["prefix_le"]))


def _comparator(sentence: str, lo: int, start: int, after: int) -> tuple[str | None, int]:
    """Comparator from words before the number (sentence[lo:start]) or right after its unit.

    Returns (comparator or None, end offset including a suffix word).
    """
    comps = _vocab()["comparators"]
    suffix_ge, suffix_le = _longest_first("suffix_ge"), _longest_first("suffix_le")
    if sentence.startswith(suffix_ge + suffix_le, after):  # most units are followed by none
        for words, sign in ((suffix_ge, ">="), (suffix_le, "<=")):
            for word in words:
                if sentence.startswith(word, after):
                    return sign, after + len(word)
    window = sentence[lo:start].rstrip()
    best: tuple[int, int, str] | None = None
    if not _prefix_words().search(window):  # most windows hold none of the words
        return None, after
    for words, sign in ((comps["prefix_ge"], ">="), (comps["prefix_le"], "<=")):
        for word in words:
            pos = window.rfind(word)
            if pos < 0:
                continue
            end = pos + len(word)
            if word in comps["adjacent_only"] and end != len(window):
                continue
            if best is None or (end, len(word)) > (best[0], best[1]):
                best = (end, len(word), sign)
    return (best[2] if best else None), after


def _scope(
    sentence: str,
    clause: tuple[int, int],
    start: int,
    after: int,
    period: tuple[int, int, str, str | None] | None,
    item_start: int,
) -> str | None:
    """Whom or where the number applies to: 市级 after the unit or before the period word,
    每个区 / 每6个班级 before the number, 全区 in the same list item, else 每人 (每人每年)."""
    levels = _words("levels")
    following = sentence[after : after + 4]
    if following.startswith(levels):  # the first level listed that it starts with
        return next(level for level in levels if following.startswith(level))
    if period is not None:
        before = sentence[max(clause[0], period[0] - 3) : period[0]]
        if before.endswith(levels):
            return next(level for level in levels if before.endswith(level))
    found = None
    for m in _re("scope_each").finditer(sentence[clause[0] : start]):
        found = m.group()
    if found:
        return found
    item = sentence[item_start:start]
    for whole in _vocab()["whole_scopes"]:
        if whole in item:
            return whole
    if period is not None and period[3]:
        return period[3]
    return None


def _overlaps(spans: tuple[tuple[Any, ...], ...], start: int, end: int) -> bool:
    """Whether one of ``spans`` (each opening with its start and end) shares a character
    with [start, end): a few spans a sentence, tested directly instead of marked per
    character."""
    return any(a < b and a < end and start < b for a, b, *_ in spans)


def _mentions(sentence: str, spans: list[tuple[int, int]], starts: list[int]) -> list[_Mention]:
    """Numbers with a unit that state a quantity or a counted frequency."""
    vocab = _vocab()
    occurrence = vocab["occurrence_units"]
    per_person = vocab["per_person"]
    out: list[_Mention] = []
    taken: tuple[tuple[bool, ...], tuple[bool, ...], tuple[Any, ...]] | None = None
    periods = _periods(sentence)
    unit_re = _unit_re()
    baseline_end: int | None = None
    for m in _NUMBER.finditer(sentence):
        text, start, end = m.group(), m.start(), m.end()
        if start > 0 and sentence[start - 1] == "每":
            continue  # 每6个班级: a scope, not a target
        um = None
        if "分之" not in text:  # only a share (分之) is read without a unit
            um = unit_re.match(sentence, end)
            if not um:
                continue
        parsed = parse_numeral(text)
        if parsed is None:
            continue
        value, is_percent = parsed
        after = end
        if is_percent:
            unit = "%"
        else:
            if um is None:
                um = unit_re.match(sentence, end)
                if not um:
                    continue
            unit = vocab["units"][um.group(1)]
            after = um.end()
        written_in_chinese = is_chinese(text)
        if unit == "年" and not written_in_chinese and len(text) == 4:
            continue  # a calendar year, handled by _years
        if taken is None:  # the spans numbers may not fall in, for the first candidate only
            taken = (
                _blocked(sentence),
                _inside_pairs(sentence, "quote_pairs"),
                _date_markers(sentence),
            )
        blocked, quoted, dates = taken
        if (
            any(blocked[start:end])
            or (periods and _overlaps(periods, start, end))
            or (dates and _overlaps(dates, start, end))
        ):
            continue
        chinese = written_in_chinese and not is_percent
        if chinese and quoted[start]:
            continue
        clause = _clause_of(spans, starts, start)
        if clause[0] > start or start >= clause[1]:
            continue
        prev = [x for x in out if x.clause == clause]
        prev_end = max([x.end for x in prev] or [clause[0]])
        lo = max(prev_end, clause[0], start - COMPARATOR_REACH)
        list_break = sentence.rfind("、", lo, start)
        if list_break >= 0:
            lo = list_break + 1
        comparator, after = _comparator(sentence, lo, start, after)
        if comparator is None and prev and sentence[prev[-1].end : start].strip() in _LIST_JOINS:
            comparator = prev[-1].comparator  # 分别达到70%、50%: the list shares its comparator
        period = None
        for p in periods:
            if clause[0] <= p[0] and p[1] <= start:
                period = p
        frequency = period[2] if period else None
        clause_text = sentence[clause[0] : clause[1]]
        scope = _scope(sentence, clause, start, after, period, lo)
        if chinese and not _chinese_counts(
            sentence, start, after, comparator, unit, frequency, scope
        ):
            continue
        is_per_person = any(w in clause_text for w in per_person)
        kind = "quantity"
        if unit in occurrence and frequency in _PERIODIC and not is_per_person:
            kind = "frequency"
        if _is_baseline(clause_text[: start - clause[0]]):
            continue
        if baseline_end is None:  # where the first baseline word of the sentence ends
            found = [sentence.find(w) + len(w) for w in vocab["baseline_sentence"] if w in sentence]
            baseline_end = min(found, default=len(sentence) + 1)
        if baseline_end <= start:
            continue
        if sentence[end:].lstrip().startswith(_words("baseline_after")):
            continue
        out.append(
            _Mention(
                start=start,
                end=after,
                value=value,
                unit=unit,
                comparator=comparator or "=",
                frequency=frequency,
                scope=scope,
                kind=kind,
                clause=clause,
            )
        )
    return out


def _chinese_counts(
    sentence: str,
    start: int,
    after: int,
    comparator: str | None,
    unit: str,
    frequency: str | None,
    scope: str | None,
) -> bool:
    """Whether a count written in Chinese (一个, 两次) is a target rather than a slogan."""
    vocab = _vocab()
    if any(sentence[after:].startswith(w) for w in vocab["chinese_rhetoric_after"]):
        return False
    periodic = unit in vocab["occurrence_units"] and frequency in _PERIODIC
    built = sentence[:start].endswith(tuple(vocab["chinese_count_verbs"]))  # 建成一个…基地
    if not built and sentence[:start].endswith(("建设", "打造")):  # 建设一个省级…基地, no aim
        built = sentence.startswith(tuple(vocab["levels"]), after)
    return comparator is not None or periodic or built or bool(scope and scope.startswith("每个"))


def _is_baseline(before: str) -> bool:
    """Whether the clause text before a number or year states a past fact or a baseline."""
    return _somewhere("baseline_before")(before)


_FULL_YEAR = re.compile(r"\d{4}\s*年")
# (?<!\d)(\d{4})\s*年, its look-behind after the first digit: see _NUMBER
_YEAR = re.compile(r"(\d(?<!\d\d)\d{3})\s*年")


def _is_metadata_date(sentence: str, start: int, clause_start: int) -> bool:
    """A page's or notice's date (发布时间:2021年11月26日, a signature date), not a deadline."""
    date = _re("metadata_date").match(sentence, start)
    if date is None:
        return False
    before, after = sentence[clause_start:start], sentence[date.end() :]
    return (
        not before.strip()
        and _re("metadata_date_after").search(after) is not None
        or _re("metadata_date_before").search(before) is not None
    )


def _years(sentence: str, spans: list[tuple[int, int]], starts: list[int]) -> list[tuple[int, int]]:
    """Valid deadline years as (position, year): not in 《》, ranges, vision or baseline text."""
    vocab = _vocab()
    out: list[tuple[int, int]] = []
    years = [m for m in _YEAR.finditer(sentence) if vocab["year_min"] <= int(m.group(1))]
    years = [m for m in years if int(m.group(1)) <= vocab["year_max"]]
    if not years:
        return out
    blocked = _blocked(sentence)
    vision = [(m.start(), m.end()) for m in _re("vision").finditer(sentence)]
    for m in years:
        year = int(m.group(1))
        if blocked[m.start()]:
            continue
        if any(a <= m.start() < b for a, b in vision):
            continue
        clause = _clause_of(spans, starts, m.start())
        if _is_baseline(sentence[clause[0] : m.start()]):
            continue
        past = _somewhere("baseline_past")
        if past(sentence[clause[0] : clause[1]]):
            continue
        as_of = sentence[max(0, m.start() - 3) : m.start()]
        if any(as_of.endswith(w) for w in vocab["baseline_year_prefix"]) and past(
            sentence[m.end() :]
        ):
            continue
        if any(sentence[m.end() - 1 :].startswith(w) for w in vocab["baseline_after"]):
            continue
        if sentence[max(0, m.start() - 3) : m.start()].endswith(_words("comparison_before_year")):
            continue
        if _is_metadata_date(sentence, m.start(), clause[0]):
            continue
        if sentence.startswith(_words("year_labels"), m.end()):  # 2022年度…报告: that year's
            continue
        if TABLE_CELL in sentence and _is_baseline_cell(sentence, m.end()):
            continue
        out.append((m.start(), year))
    return out


def _date_rows(
    sentence: str,
    spans: list[tuple[int, int]],
    mentions: list[_Mention],
    annual_plan: bool = False,
) -> list[tuple[int, TargetHit]]:
    """Clauses with a recurring period and a fixed date but no count: one frequency row each
    (in a plan for one year, 年度 is that year: its dates are no recurring ones)."""
    vocab = _vocab()
    out: list[tuple[int, TargetHit]] = []
    periods = _periods(sentence)
    # a row needs a period word before its date, or an annual word in its clause
    if not periods and not any(w in sentence for w in vocab["annual_words"]):
        return out
    if not _date_markers(sentence):
        return out
    in_title = _inside_pairs(sentence, "title_pairs")
    counted = {m.clause for m in mentions}
    for clause in spans:
        if clause in counted:
            continue
        text = sentence[clause[0] : clause[1]]
        for a, _, marker in _date_markers(sentence):
            if not clause[0] <= a < clause[1] or in_title[a]:
                continue
            before = [p for p in periods if clause[0] <= p[0] < a]  # 每年底前: may share 年
            frequency = before[-1][2] if before else None
            if frequency not in ("annual", "semiannual", "quarterly"):
                frequency = None
            needs_word = _re("date_markers_need_annual_word").match(marker)
            if frequency is None and needs_word and not annual_plan:
                has_year = _FULL_YEAR.search(text)
                if not has_year and any(w in text for w in vocab["annual_words"]):
                    frequency = "annual"
            if frequency is None:
                continue
            period = before[-1] if before else None
            scope = _scope(sentence, clause, a, a, period, clause[0]) if period else None
            out.append(
                (
                    a,
                    TargetHit(
                        clause[0], clause[1], "frequency", 1.0, "次", "=", None, frequency, scope
                    ),
                )
            )
            break
    return out


_YEAR_BEFORE = re.compile(r"(?:\d{4}年?|[\d一二三四五六七八九十两])$")


def _dates_of_year(
    sentence: str, spans: list[tuple[int, int]], starts: list[int], year: int
) -> list[tuple[int, int]]:
    """A plan for one ``year``'s dates without a year (vocab annual_plan_dates: 6月底前,
    第三季度, 年底前, 年内) as (position, year), as ``_years`` gives printed years: not in 《》,
    not after a recurring period in their clause, a year or a count of years (3年内)."""
    blocked = _blocked(sentence)
    periods = _periods(sentence)
    out = []
    for m in _re("annual_plan_dates").finditer(sentence):
        pos = m.start()
        # (its last character: 第三 of 第三季度 is blocked as an ordinal)
        if blocked[m.end() - 1] or _YEAR_BEFORE.search(sentence, max(0, pos - 5), pos):
            continue
        clause = _clause_of(spans, starts, pos)
        if any(clause[0] <= p[0] < pos for p in periods):
            continue
        if _is_baseline(sentence[clause[0] : pos]):
            continue
        out.append((pos, year))
    return out


def forget_sentences() -> None:
    """Drop the memos keyed on sentence text (extract_rows calls this before each plan):
    within a plan they spare passes over a sentence that several steps read; across plans
    they would only flatter a benchmark whose plans repeat the seeds' sentences."""
    for memo in (_inside_pairs_cached, _blocked, _periods, _date_markers):
        memo.cache_clear()


def find_targets(sentence: str, plan_year: int | None = None) -> list[TargetHit]:
    """All targets stated in one sentence, in order of position; ``plan_year``: the one
    year of a plan for one year, whose dates without a year are that year's (6月底前)."""
    if len(sentence) > MAX_SENTENCE:
        return [
            hit
            for start, piece in _windows(sentence)
            for hit in _shifted(piece, start, plan_year)
        ]
    if not sentence or not _MAY_HOLD_TARGET.search(sentence):
        return []
    if not _may_state_target()(sentence) and not (
        plan_year and _re("annual_plan_dates").search(sentence)
    ):
        return []
    if "分" in sentence and _re("grading_rule").search(sentence):
        return []  # a scoring rule (得满分, 扣2分): how units are graded
    spans = clause_spans(sentence)
    if not spans:
        return []
    starts = [a for a, _ in spans]
    mentions = _mentions(sentence, spans, starts)
    years = _years(sentence, spans, starts)
    if plan_year:
        years = sorted(years + _dates_of_year(sentence, spans, starts, plan_year))
    claimed: set[int] = set()
    rows: list[tuple[int, TargetHit]] = []
    for m in mentions:
        year_pos = None
        if m.kind == "quantity":
            earlier = [y for y in years if y[0] < m.start]
            if earlier:
                year_pos = earlier[-1]
        if year_pos is None:
            same = [y for y in years if m.clause[0] <= y[0] < m.clause[1]]
            if same:
                year_pos = same[0]
        deadline = None
        if year_pos is not None:
            if not _own_deadline(sentence, spans, starts, year_pos[0], m, mentions):
                claimed.add(year_pos[0])
            deadline = year_pos[1]
        rows.append(
            (
                m.start,
                TargetHit(
                    m.clause[0],
                    m.clause[1],
                    m.kind,
                    m.value,
                    m.unit,
                    m.comparator,
                    deadline,
                    m.frequency,
                    m.scope,
                ),
            )
        )
    rows += _date_rows(sentence, spans, mentions, annual_plan=bool(plan_year))
    for pos, year in years:
        if pos in claimed:
            continue
        clause = _clause_of(spans, starts, pos)
        rows.append(
            (pos, TargetHit(clause[0], clause[1], "deadline", None, None, None, year, None, None))
        )
    rows.sort(key=lambda r: r[0])
    return [hit for _, hit in rows]


TABLE_CELL = "|"  # a table's row, its cells parted (pipeline/read/tables.py; spaces gone)


def _is_baseline_cell(row: str, year_end: int) -> bool:
    """Whether the year ending at ``year_end`` leads a table cell holding a bare number (an
    indicator table's baseline column: 2020年85|2025年目标95%以上), no deadline."""
    end = row.find(TABLE_CELL, year_end)
    cell = row[year_end : len(row) if end < 0 else end]
    return _baseline_cell().fullmatch(cell) is not None


@functools.cache
def _baseline_cell() -> re.Pattern[str]:
    words = "|".join(map(re.escape, _vocab()["table_year_columns"]))
    return re.compile(rf"(?:{words})?\s*\d+(?:\.\d+)?\s*")


OWN_DEADLINE_MIN = 4  # Chinese characters a year's clause states beside the year


def _own_deadline(
    sentence: str,
    spans: list[tuple[int, int]],
    starts: list[int],
    pos: int,
    mention: _Mention,
    mentions: list[_Mention],
) -> bool:
    """Whether the year at ``pos``, in an earlier clause than the quantity ``mention`` it
    dates, states a deadline of its own in the clauses before the quantity's (2022年底前实现
    法律顾问全覆盖,公职律师不少于15名; 到2025年,“八五”普法规划实施完成,…,满意度不低于95%:
    two rows each); the year alone right before it (2023年,完成40家…) or a number does not."""
    clause = _clause_of(spans, starts, pos)
    if clause == mention.clause:
        return False
    between = (clause[0], mention.clause[0])
    if any(between[0] <= o.start < between[1] for o in mentions):
        return False
    rest = _YEAR_WORDS.sub("", sentence[between[0] : between[1]])
    return len(_CJK.findall(rest)) >= OWN_DEADLINE_MIN


_YEAR_WORDS = re.compile(
    r"(?:到|在|于|自|力争|确保)?(?:19|20)\d{2}年(?:年?底|末|内|上半年|下半年)?(?:前|起|以前|之前)?"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _windows(sentence: str) -> list[tuple[int, str]]:
    """``sentence`` cut into pieces of at most MAX_SENTENCE characters, each ending at its
    last clause break (or cut hard where there is none), with their offsets."""
    out, start = [], 0
    while start < len(sentence):
        end = min(start + MAX_SENTENCE, len(sentence))
        if end < len(sentence):
            cut = max(sentence.rfind(c, start, end) for c in CLAUSE_BREAKS)
            end = cut + 1 if cut > start else end
        out.append((start, sentence[start:end]))
        start = end
    return out


def _shifted(piece: str, offset: int, plan_year: int | None) -> list[TargetHit]:
    """``find_targets`` of ``piece``, with clause offsets into the whole sentence."""
    return [
        hit._replace(clause_start=hit.clause_start + offset, clause_end=hit.clause_end + offset)
        for hit in find_targets(piece, plan_year)
    ]
