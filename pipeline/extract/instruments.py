"""Find the documents (laws, regulations, plans …) a plan names in 《》, and what it does with them.

Each outer 《…》 pair is one mention (nested 〈〉, <> or 《》 stay inside the name), as the gold
guideline says; a 〈…〉 standing alone is a mention too. For every mention we record:

* ``action``: what the plan commits to do with the document, from the verb that governs it in
  the same clause (enact 制定/出台/印发/公布…, revise 修订/修改/完善…, implement 落实/贯彻/执行/
  按照…, other). In a verb chain the strongest verb decides (印发实施 → enact, 修订完善 → revise).
  Consecutive mentions (《A》《B》, 《A》和《B》, 《A》、《B》) share the verb of the first one.
  Mentions in the preamble are the background or basis of the plan, hence always ``other``.
* ``instrument_type``: the generic word the name ends with (法, 条例, 办法, 方案, …), after
  trailing brackets such as (2021—2025年) or (试行); …关于印发〈X〉的通知 is a 通知.
* ``canonical_key``: a normal form that joins the same document across plans (width, dashes,
  brackets and a leading 中华人民共和国 do not matter).

The verb and type vocabularies live in ``vocab/instruments.yaml`` so reviewers can extend them.
All functions are pure.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from pipeline.vocab import load_yaml

VOCAB_FILE = "instruments.yaml"
ACTIONS = ("enact", "revise", "implement", "other")

_CLAUSE_BREAK = re.compile(r"[,，;；:：。!！?？]")
_MASK = "□"


class InstrumentHit(NamedTuple):
    """One mention of a document in a sentence (a tuple: built faster than a frozen
    dataclass)."""

    name: str  # text between the outer 《 and 》 exactly as in the text
    start: int  # offset of the name's first char in the sentence (just after 《)
    end: int  # exclusive, just before 》
    action: str  # enact | revise | implement | other
    instrument_type: str  # 法, 条例, 规定, 办法, 意见, 决定, 纲要, 方案, 规划, 细则, 通知, …
    canonical_key: str  # equal for the same instrument across plans


@functools.cache
def _vocab() -> dict:
    return load_yaml(VOCAB_FILE)


@functools.cache
def _verb_class() -> dict[str, str]:
    out: dict[str, str] = {}
    for action in ACTIONS:
        for verb in _vocab()["action_verbs"].get(action) or []:
            out.setdefault(verb, action)
    return out


@functools.cache
def _verb_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(v) for v in _verbs_longest_first()))


@functools.cache
def _adverbs() -> tuple[str, ...]:
    return tuple(sorted(_vocab()["adverbs"], key=len, reverse=True))


@functools.cache
def _adverbs_and_joins() -> tuple[str, ...]:
    return (*_adverbs(), "并", "和", "及", "、")


@functools.cache
def _verbs_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_verb_class(), key=len, reverse=True))


@functools.cache
def _types() -> tuple[str, ...]:
    return tuple(sorted(_vocab()["instrument_types"], key=len, reverse=True))


@functools.cache
def _joiner_re() -> re.Pattern[str]:
    joiners = sorted(_vocab()["joiners"], key=len, reverse=True)
    alt = "|".join(re.escape(j) for j in joiners)
    # an optional document number in brackets, e.g. (中发〔2020〕28号), then an optional joiner
    return re.compile(rf"(?:[(（][^()（）]{{1,30}}[)）])?(?:{alt})?")


# --- finding the mentions -------------------------------------------------------------------


_OPENER = re.compile("[《〈]")
_NESTING = {"《": re.compile("[《》。]"), "〈": re.compile("[〈〉。]")}


def _spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each outer name: just after 《 (or a free-standing 〈) to just before 》."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(sentence)
    while i < n:
        found = _OPENER.search(sentence, i)
        if found is None:
            break
        i = found.start()
        opener = sentence[i]
        closer = "》" if opener == "《" else "〉"
        depth, close = 0, -1
        for mark in _NESTING[opener].finditer(sentence, i):  # only these change the depth
            ch = mark.group()
            if ch == opener:
                depth += 1
            elif ch == closer:
                depth -= 1
                if depth == 0:
                    close = mark.start()
                    break
            else:  # 。
                break
        if close < 0:  # unbalanced nesting: fall back to the first closer, if any
            first = sentence.find(closer, i + 1)
            stop = sentence.find("。", i + 1)
            close = first if first > 0 and (stop < 0 or first < stop) else -1
        if close > i + 1:
            out.append((i + 1, close))
            i = close + 1
        else:
            i += 1
    return out


def _groups(sentence: str, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Indices of spans grouped into runs of consecutive mentions sharing one verb."""
    groups: list[list[int]] = []
    for k, (s, _e) in enumerate(spans):
        if groups:
            prev_end = spans[groups[-1][-1]][1] + 1  # just after the previous 》
            between = sentence[prev_end : s - 1]
            if _joiner_re().fullmatch(between):
                groups[-1].append(k)
                continue
        groups.append([k])
    return groups


# --- the governing verb ---------------------------------------------------------------------


@functools.cache
def _by_length(words: tuple[str, ...]) -> tuple[frozenset[str], tuple[int, ...]]:
    """``words`` as a set, and their lengths longest first."""
    return frozenset(words), tuple(sorted({len(w) for w in words}, reverse=True))


def _longest_ending_at(text: str, end: int, words: tuple[str, ...]) -> str | None:
    """The longest of ``words`` that ``text[:end]`` ends with: a set look-up per length
    (a few) instead of an ``endswith`` per word (~150 verbs)."""
    found, lengths = _by_length(words)
    for k in lengths:
        if k <= end and text[end - k : end] in found:
            return text[end - k : end]
    return None


def _strip_adverbs_back(text: str, end: int) -> int:
    """Move ``end`` back over adverbs (严格, 认真, 深入 …) and 并/和 that precede it."""
    while end > 0:
        adv = _longest_ending_at(text, end, _adverbs_and_joins())
        if adv is None:
            break
        end -= len(adv)
    return end


def _verb_ending_at(text: str, end: int) -> tuple[int, str] | None:
    """The longest vocabulary verb that ends exactly at ``end``: (start, verb)."""
    verb = _longest_ending_at(text, end, _verbs_longest_first())
    return None if verb is None else (end - len(verb), verb)


def _chain_action(text: str, start: int, verb: str) -> str:
    """Action of the verb chain ending with ``verb`` at ``start``.

    The strongest commitment in the chain wins (enact > revise > implement > other), so that
    印发实施 is enact, 修订完善 revise and 学习贯彻 implement.
    """
    classes = _verb_class()
    best = classes[verb]
    while True:
        pos = _strip_adverbs_back(text, start)
        found = _verb_ending_at(text, pos)
        if not found:
            return best
        start, verb = found
        if ACTIONS.index(classes[verb]) < ACTIONS.index(best):
            best = classes[verb]


def _action_for(masked: str, name_start: int, name_end: int) -> str:
    """Action of the mention(s) whose names run from ``name_start`` (its 《 is just before)
    to ``name_end`` (the last one's 》 is there); names are masked in ``masked``."""
    opener = name_start - 1
    clause_start = 0
    for m in _CLAUSE_BREAK.finditer(masked, 0, opener):
        clause_start = m.end()
    prefix = masked[clause_start:opener]
    classes = _verb_class()
    adjacent_end = _strip_adverbs_back(prefix, len(prefix))
    if prefix.endswith("以", 0, adjacent_end):  # 以《X》为基础 / 为指导
        return "other"
    if prefix.endswith("对", 0, adjacent_end):  # 对《X》进行修订
        stop = _CLAUSE_BREAK.search(masked, name_start)
        after = masked[name_start : stop.start() if stop else len(masked)]
        m = _verb_re().search(after)
        return classes[m.group(0)] if m else "other"
    last = None
    for m in _verb_re().finditer(prefix):
        last = m
    before = "other" if last is None else _chain_action(prefix, last.start(), last.group(0))
    if before in ("enact", "revise"):
        return before
    after = _after_name_verb().match(masked, name_end + 1)
    return after.lastgroup if after else before


@functools.cache
def _after_name_verb() -> re.Pattern[str]:
    """The words of ``after_name_verbs`` right after a name's 》, as named groups; not
    when 后 follows (落实《X》修订后的要求: the work is done, the text is implemented)."""
    groups = [
        f"(?P<{action}>{'|'.join(map(re.escape, words))})"
        for action, words in _vocab()["after_name_verbs"].items()
    ]
    return re.compile(f"的?(?:{'|'.join(groups)})(?!后)")


# --- type and key ---------------------------------------------------------------------------

_TRAILING_BRACKET = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]$")
_UNCLOSED_BRACKET = re.compile(r"(?<=.)[(（][^()（）]*$")
_TRAILING_ANGLE = re.compile(r"[〈<＜]([^〈〉<>＜＞]*)[〉>＞]$")


def instrument_type(name: str) -> str:
    """The generic word the name ends with, before bracketed years/(试行) and a 〈…〉 tail."""
    s = _UNCLOSED_BRACKET.sub("", name.strip().rstrip("\"“”'"))  # 规划(2021-2025年: cut off
    while True:
        t = _TRAILING_BRACKET.sub("", s).strip()
        if t == s or not t:
            break
        s = t
    inner = None
    m = _TRAILING_ANGLE.search(s)
    if m and m.start() > 0:
        inner = m.group(1)
        s = s[: m.start()]
    for word in _types():
        if s.endswith(word):
            return word
    if inner:
        return instrument_type(inner)
    return str(_vocab().get("unknown_type", "其他"))


_DASHES = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "─": "-",
        "―": "-",
        "‒": "-",
        "~": "-",
        "〜": "-",
        "<": "〈",
        ">": "〉",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
    }
)


def canonical_key(name: str) -> str:
    """Normal form of a document name, equal for the same instrument across plans."""
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"\s+", "", s).translate(_DASHES)
    s = s.replace("【", "(").replace("】", ")")
    s = re.sub(r"-+", "-", s)
    if s.startswith("中华人民共和国") and len(s) > len("中华人民共和国"):
        s = s[len("中华人民共和国") :]
    return s


# --- entry point ----------------------------------------------------------------------------


def find_instruments(sentence: str, in_preamble: bool) -> list[InstrumentHit]:
    """Every document named in 《》 (or a free 〈〉) in ``sentence``, with action, type and key.

    ``in_preamble`` marks text before the plan's first chapter: mentions there are the plan's
    background or basis, so their action is ``other``.
    """
    if "《" not in sentence and "〈" not in sentence:
        return []  # every mention opens with one of them (most sentences hold neither)
    spans = _spans(sentence)
    if not spans:
        return []
    masked = list(sentence)
    for s, e in spans:
        masked[s - 1 : e + 1] = _MASK * (e - s + 2)
    masked_text = "".join(masked)
    hits: list[InstrumentHit] = []
    for group in _groups(sentence, spans):
        first_start = spans[group[0]][0]
        last_end = spans[group[-1]][1]
        action = "other" if in_preamble else _action_for(masked_text, first_start, last_end)
        for k in group:
            s, e = spans[k]
            name = sentence[s:e]
            hits.append(
                InstrumentHit(name, s, e, action, instrument_type(name), canonical_key(name))
            )
    return hits
