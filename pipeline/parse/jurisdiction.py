"""Which place a plan belongs to: its jurisdiction as printed, its level and its division.

The place is read, in this order, from the start of the plan's title (重庆市璧山区法治政府…,
法治江苏建设规划, 上海法治社会…), from its issuer (中共浙江省委办公厅), from the short name it
uses of itself in its preamble (法治四川, 结合海南实际; patterns in ``vocab/place_names.yaml``)
and, for a province-level plan that names one province only, that province. Each name is
resolved in the official division table (``pipeline.parse.divisions``), which gives the
level, the province and the code. A name printed without its level suffix is completed
from the table (法治江苏 -> 江苏省); masked names stay as printed. Where nothing names the place,
the level still comes from how the plan speaks of itself (我省, 全市, 本区), and the rest is null.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.parse.divisions import Division, Resolution, division_table, resolve, short_name
from pipeline.vocab import load_yaml

OPENING = 3000  # characters of a plan in which it speaks of itself (我省, 法治四川)
# a title's opening years (2022年…, 2018年度…, 2016年到2020年…), before its place
LEADING_YEARS = r"(?:19|20)\d{2}年度?(?:[到至—–\-－~]+(?:19|20)\d{2}年)?"
UNLISTED_PLACE = re.compile(
    r"^(?P<place>[\u4e00-\u9fff]{2,6}?(?:自治州|自治县|省|市|州|区|县|旗|盟))"
    r"(?=法治|深入|全面|推进|加快|关于|贯彻|(?:19|20)\d{2})"
)


@dataclass(frozen=True)
class Place:
    """A plan's place: as printed (completed), its level and how it resolved."""

    jurisdiction: str | None
    admin_level: str | None
    resolution: Resolution
    evidence: str | None  # where the name was read


def _places() -> dict:
    return load_yaml("place_names.yaml")


@functools.cache
def _suffixes() -> tuple[str, ...]:
    return tuple(sorted(_places()["level_suffixes"], key=len, reverse=True))


@functools.cache
def _explained() -> str:
    """The words before the plan a page explains (关于《东江市…》的政策解读, 政策解读《…》,
    vocab/plan_types.yaml interpretation_words), as a pattern."""
    words = "|".join(map(re.escape, load_yaml("plan_types.yaml")["interpretation_words"]))
    return rf"(?:{words}|关于)?《"


def place_tokens(head: str) -> list[str]:
    """The division names that open ``head`` (重庆市璧山区法治… -> [重庆市, 璧山区]): the
    longest full or short name at each step, a short name taking the level suffix printed
    after it (凉山州)."""
    table = division_table()
    head = re.sub(rf"^(?:中共|中国共产党|法治|{LEADING_YEARS}|{_explained()})", "", head)
    mask = load_yaml("places.yaml")["mask_pattern"]
    masked = re.match(rf"^{mask}(?:自治区|自治州|省|市|州|区|县|旗|盟)", head)
    if masked:
        return [masked.group()]
    tokens: list[str] = []
    pos = 0
    while pos < len(head):
        for k in range(min(table.longest, len(head) - pos), 1, -1):
            word = head[pos : pos + k]
            if table.forms(word):
                if word not in table.by_name:
                    word += next((s for s in _suffixes() if head.startswith(s, pos + k)), "")
                tokens.append(word)
                pos += len(word)
                break
        else:
            break
        if head.startswith("法治", pos):
            break
    return tokens


def _completed(printed: str, res: Resolution) -> str:
    """The printed name with its level suffix (上海 -> 上海市), as printed when it has one."""
    if res.division and (
        printed == short_name(res.division.name) or not printed.endswith(_suffixes())
    ):
        return res.division.name
    return printed


def _level_from_words(text: str) -> str | None:
    """The level a plan speaks of itself at (我省, 全市, 本区…), by the most mentions; 我区 in
    a plan that names 自治区 is the autonomous region."""
    words = _places()["level_words"]
    counts = {lv: sum(text.count(w) for w in ws) for lv, ws in words.items()}
    in_region = any(w in text for w in _places()["region_words"])
    if counts["county"] and in_region and not re.search(r"[我全本](?:市|县|州)", text):
        counts["province"] += counts.pop("county")
    best = max(counts.values())
    if not best:
        return None
    top = [lv for lv, n in counts.items() if n == best]
    return top[0] if len(top) == 1 else None


def _from_name(printed: str, context: str, evidence: str) -> Place | None:
    res = resolve(printed, context)
    if res.match == "not_found":
        return None
    division = res.division
    if res.match == "masked":
        level = next((lv for s, lv in _level_suffix_map() if printed.endswith(s)), None)
    else:
        level = division.level if division else _common_level(res.candidates)
    return Place(_completed(printed, res), level, res, evidence)


def _level_suffix_map() -> list[tuple[str, str]]:
    suffixes = load_yaml("places.yaml")["admin_suffixes"]
    return sorted(suffixes.items(), key=lambda kv: -len(kv[0]))


def _common_level(candidates: tuple[Division, ...]) -> str | None:
    levels = {d.level for d in candidates}
    return levels.pop() if len(levels) == 1 else None


def _self_named(text: str, level: str | None) -> Place | None:
    """The first short name the plan uses of itself that resolves (at its level, if known)."""
    for pattern in _places()["self_names"]:
        for m in re.finditer(pattern, text):
            name = m.group("place")
            place = _from_name(name, text, m.group())
            if (
                place
                and place.resolution.match != "ambiguous"
                and (level is None or place.admin_level == level)
            ):
                return place
    return None


SHORT_MENTIONS_MIN = 2  # a province named only by its short form, this often (辽宁“八五”…)


def _only_province(text: str) -> Place | None:
    """The one province a province-level plan names: by its full name, else by its short form
    (vocab/places.yaml provinces) at least ``SHORT_MENTIONS_MIN`` times, no other named."""
    table = division_table()
    named = {d.name for d in table.by_code.values() if d.level == "province" and d.name in text}
    evidence = None
    if not named:
        shorts = load_yaml("places.yaml")["provinces"]
        counts = {name: sum(text.count(f) for f in forms) for name, forms in shorts.items()}
        named = {name for name, n in counts.items() if n}
        evidence = next(iter(named), None)
        if len(named) == 1 and counts[evidence] < SHORT_MENTIONS_MIN:
            return None
    if len(named) == 1:
        name = named.pop()
        division = table.by_name[name][0]
        return Place(name, "province", Resolution("from_text", division), evidence or name)
    return None


def own_municipality(place: Place, province: str | None) -> Place:
    """A plan that names no place and speaks of itself as a city (本市, 全市) within a
    municipality (the province it cites: 《北京市全面依法治市规划》) is the municipality's own:
    below a municipality there are districts and counties, no cities."""
    if place.jurisdiction or place.admin_level != "city" or not province:
        return place
    if not province.endswith("市"):
        return place
    division = next(
        (d for d in division_table().by_name.get(province, ()) if d.level == "province"), None
    )
    if division is None:
        return place
    return Place(province, "province", Resolution("from_text", division), province)


def _unlisted_below(source: str, tokens: list[str]) -> Place | None:
    """The place a title names right after the divisions it opens with, when the table no
    longer lists it (重庆市渝北区: 渝北区 is gone from it): that place as printed, not the
    province or city before it (which would make a district's plan a municipality's)."""
    start = source.find(tokens[-1])
    if start < 0:
        return None
    return _unlisted(source[start + len(tokens[-1]) :], source)


def _unlisted(head: str, evidence: str | None) -> Place | None:
    """The place ``head`` opens with when the table does not list it (株洲县, abolished 2018;
    渝北区): as printed, at its suffix's level, unresolved."""
    unlisted = UNLISTED_PLACE.match(re.sub(r"^(?:中共|法治)", "", head))
    if not unlisted:
        return None
    name = unlisted["place"]
    level = next((lv for s, lv in _level_suffix_map() if name.endswith(s)), None)
    return Place(name, level, Resolution("not_found"), evidence)


def find_place(title: str | None, issuer: str | None, preamble: str, text: str) -> Place:
    """The plan's place (see the module docstring); ``text`` is the whole normalized text."""
    subtitle = title.split("——", 1)[1] if title and "——" in title else None  # 标语——X旗…综述
    for source in (title, subtitle, issuer):
        tokens = place_tokens(source or "")
        if tokens:
            below = _unlisted_below(source or "", tokens)
            if below:  # 重庆市渝北区…: a division the table no longer lists, inside 重庆市
                return below
            parents = "".join(tokens[:-1])
            place = _from_name(tokens[-1], parents + text, source or "")
            if place:
                return place
    opening = text[: max(len(preamble), OPENING)]
    unlisted = _unlisted(title or "", title)
    if unlisted:  # a name the table no longer lists (株洲县, abolished 2018): as printed
        return unlisted
    level = _level_from_words(opening)
    place = _self_named(opening, level)
    if place:
        return place
    if level == "province":
        place = _only_province(opening)
        if place:
            return place
    return Place(None, level, Resolution("not_found"), None)
