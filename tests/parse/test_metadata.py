"""Document metadata read from the plans' own words, checked against the gold and by reading."""

from __future__ import annotations

import pytest

from pipeline.parse.metadata import extract_metadata
from pipeline.parse.structure import parse_sections, preamble_end
from pipeline.text.normalize import normalize
from tests.helpers import seed_text


def _meta(prefix: str):
    text = normalize(seed_text(prefix)).text
    return extract_metadata(text, preamble_end(parse_sections(text), text))


@pytest.mark.parametrize(
    ("prefix", "title", "jurisdiction", "level", "province", "plan_type", "period", "status"),
    [
        (
            "000",
            "海口市法治社会建设实施方案(2021—2025年)",
            "海口市",
            "city",
            "海南省",
            "society",
            (2021, 2025),
            "final",
        ),
        (
            "001",
            "XX市法治社会建设实施方案(2021-2025年)",
            "XX市",
            "city",
            "XX省",
            "society",
            (2021, 2025),
            "final",
        ),
        (
            "002",
            "西安区法治社会建设实施方案(2020—2025年)",
            "西安区",
            "county",
            "吉林省",
            "society",
            (2020, 2025),
            "draft",
        ),
        (
            "003",
            "大渡口区法治社会建设实施方案(2021—2025年)",
            "大渡口区",
            "county",
            "重庆市",
            "society",
            (2021, 2025),
            "draft",
        ),
        (
            "004",
            "海口市法治政府建设实施方案(2021—2025年)",
            "海口市",
            "city",
            "海南省",
            "government",
            (2021, 2025),
            "final",
        ),
    ],
)
def test_document_fields(prefix, title, jurisdiction, level, province, plan_type, period, status):
    m = _meta(prefix)
    assert m.title == title
    assert m.jurisdiction == jurisdiction
    assert m.admin_level == level
    assert m.province == province
    assert m.plan_type == plan_type
    assert (m.period_start, m.period_end) == period
    assert m.status == status


def test_masked_names_are_kept_and_flagged_never_invented():
    m = _meta("001")
    assert m.has_masked_names is True
    assert m.jurisdiction == "XX市"
    assert m.province == "XX省"  # cited as 《…〈XX省法治社会建设实施方案…〉…》, kept masked
    assert "XX省法治社会建设实施方案" in m.province_evidence
    assert _meta("004").has_masked_names is False


def test_issuer_and_date_where_the_plan_states_them():
    m = _meta("002")
    assert m.issuer == "中共西安区委全面依法治区委员会办公室"
    assert m.issue_date == "2022-09-14"
    assert _meta("004").issuer is None


def test_province_is_read_from_the_cited_provincial_plan():
    assert _meta("002").province_evidence.startswith("《中共吉林省委关于印发<吉林省")
    assert _meta("003").province_evidence == "《重庆市法治社会建设实施方案(2021—2025年)》"


def test_province_level_and_municipality_titles():
    text = "重庆市法治政府建设实施方案(2021—2025年)\n一、总体要求\n(一)指导思想。坚持。"
    m = extract_metadata(text, text.index("一、"))
    assert (m.jurisdiction, m.admin_level, m.province) == ("重庆市", "province", "重庆市")
    text = "广西壮族自治区法治社会建设实施方案\n一、总体要求\n(一)指导思想。坚持。"
    m = extract_metadata(text, text.index("一、"))
    assert (m.jurisdiction, m.admin_level, m.province) == (
        "广西壮族自治区",
        "province",
        "广西壮族自治区",
    )
