"""Word's automatic list numbers, printed back in front of the paragraphs they number.

Why: a plan typed in Word or WPS often numbers its chapters, sections and items with the
editor's list numbering (一、 (一) 1.) instead of typing the markers. The numbers are then
not in the paragraph's text, where python-docx reads it, but in ``numbering.xml``: the
paragraph (or its style) names a list (``w:numId``) and a level (``w:ilvl``); the list's
abstract definition gives each level a start, a number format (``chineseCounting``,
``decimal``, …) and a label template (``%1、``, ``（%2）``, ``%3.``). Without them, structure
parsing sees no heading at all. This module counts the paragraphs of each list as Word
does (a level's count restarts when a higher level advances) and renders the label Word
would show.

Bullets and formats with no reading as a heading number (``none``, pictures) give no label.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import cn2an
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

MAX_LEVELS = 9
COUNTING = {"chineseCounting", "chineseCountingThousand", "japaneseCounting",
            "taiwaneseCounting", "taiwaneseCountingThousand", "chineseLegalSimplified"}  # fmt: skip
TEN_STEMS = "甲乙丙丁戊己庚辛壬癸"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
DIGITS = "〇一二三四五六七八九"
ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip


def _roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letter(n: int) -> str:  # Word: a..z, then aa..zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str | None:
    """The number ``n`` as Word prints it in format ``fmt``; None for bullets and unknowns."""
    if n < 1:  # a list may start at 0: only digits print it
        return str(n) if fmt.startswith("decimal") else None
    if fmt in {"decimal", "decimalZero"}:
        return f"{n:02d}" if fmt == "decimalZero" and n < 10 else str(n)
    if fmt in COUNTING:
        return cn2an.an2cn(n, "up" if fmt == "chineseLegalSimplified" else "low")
    if fmt in {"ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"}:
        return "".join(DIGITS[int(d)] for d in str(n))
    if fmt in {"ideographTraditional"} and n <= len(TEN_STEMS):
        return TEN_STEMS[n - 1]
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and n <= len(CIRCLED):
        return CIRCLED[n - 1]
    if fmt in {"decimalFullWidth", "decimalFullWidth2"}:
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt in {"lowerLetter", "upperLetter"}:
        return _letter(n).upper() if fmt == "upperLetter" else _letter(n)
    if fmt in {"lowerRoman", "upperRoman"}:
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    return None


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    template: str  # lvlText: %1 … %9 stand for the counts of levels 1 … 9
    separated: bool  # w:suff is a tab or a space (the default), not nothing
    restart: int | None  # w:lvlRestart: 0 never, n after level n (1-based); None: any higher

    def restarts_after(self, ilvl: int) -> bool:
        """Whether a paragraph at the higher level ``ilvl`` (0-based) restarts this count."""
        return self.restart is None or (self.restart != 0 and ilvl < self.restart)


def _int(value: str | None, default: int) -> int:
    """A number attribute; ``default`` when absent or not a number (a file Word would repair)."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(element, tag: str, default: str | None = None) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val"), default) if child is not None else default


def _levels(abstract) -> dict[int, Level]:
    levels = {}
    for lvl in abstract.findall(qn("w:lvl")):
        ilvl = _int(lvl.get(qn("w:ilvl")), 0)
        levels[ilvl] = Level(
            start=_int(_val(lvl, "w:start"), 1),
            fmt=_val(lvl, "w:numFmt", "decimal") or "decimal",
            template=_val(lvl, "w:lvlText", "") or "",
            separated=_val(lvl, "w:suff", "tab") != "nothing",
            restart=None if (r := _val(lvl, "w:lvlRestart")) is None else _int(r, 1),
        )
    return levels


@dataclass
class ListNumbering:
    """The document's list definitions and the counts so far, paragraph by paragraph."""

    lists: dict[str, dict[int, Level]]  # numId -> its levels (abstract ones, overrides applied)
    counts: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> ListNumbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls({})
        abstracts = {
            a.get(qn("w:abstractNumId")): _levels(a) for a in root.findall(qn("w:abstractNum"))
        }
        lists = {}
        for num in root.findall(qn("w:num")):
            levels = dict(abstracts.get(_val(num, "w:abstractNumId"), {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = _int(override.get(qn("w:ilvl")), 0)
                own = list(_levels(override).values())
                if own:  # the override defines the level anew
                    levels[ilvl] = own[0]
                start = _val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = dataclasses.replace(old, start=_int(start, old.start))
            lists[num.get(qn("w:numId"))] = levels
        return cls(lists)

    def label(self, paragraph: Paragraph) -> str:
        """The label Word shows before ``paragraph`` (``二、``, ``(三)``), counting it; ""
        when the paragraph is not numbered or its number has no printed form."""
        reference = _num_pr(paragraph)
        if reference is None:
            return ""
        num_id, ilvl = reference
        levels = self.lists.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(num_id, [None] * MAX_LEVELS)
        counts[ilvl] = levels[ilvl].start if counts[ilvl] is None else counts[ilvl] + 1
        for lower in range(ilvl + 1, MAX_LEVELS):
            if lower not in levels or levels[lower].restarts_after(ilvl):
                counts[lower] = None
        level = levels[ilvl]
        if format_number(1, level.fmt) is None:  # a bullet, a picture, no number
            return ""
        label = level.template
        for k in range(MAX_LEVELS, 0, -1):  # %10 does not exist; longest first anyway
            if f"%{k}" not in label:
                continue
            shown = levels.get(k - 1)
            count = counts[k - 1] if counts[k - 1] is not None else (shown.start if shown else 1)
            printed = format_number(count, shown.fmt if shown else "decimal")
            if printed is None:
                return ""
            label = label.replace(f"%{k}", printed)
        if label and level.separated and label[-1].isalnum():
            label += " "
        return label


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) of the paragraph's numbering: its own, else its style's (the based-on
    chain), each value taken from the nearest place that sets it."""
    num_id = ilvl = None
    p_pr = paragraph._p.pPr
    places = [p_pr.find(qn("w:numPr")) if p_pr is not None else None]
    style = paragraph.style
    while style is not None and len(places) < 10:
        s_pr = style.element.find(qn("w:pPr"))
        places.append(s_pr.find(qn("w:numPr")) if s_pr is not None else None)
        style = style.base_style
    for num_pr in places:
        if num_pr is None:
            continue
        num_id = num_id if num_id is not None else _val(num_pr, "w:numId")
        ilvl = ilvl if ilvl is not None else _val(num_pr, "w:ilvl")
    if num_id in {None, "0"}:  # numId 0 switches a style's numbering off
        return None
    level = _int(ilvl, 0)
    return (num_id, level) if 0 <= level < MAX_LEVELS else None
