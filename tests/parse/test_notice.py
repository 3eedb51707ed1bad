"""Issuer, issue date and 发文字号 from cover notices, lead-ins and infoboxes (inputs written
for these tests)."""

from __future__ import annotations

from pipeline.parse.notice import parse_date, read_notice


def test_signature_of_two_issuers_printed_without_a_separator():
    preamble = (
        "中共南江市委南江市人民政府\n关于印发《南江市法治政府建设实施方案(2021—2025年)》的通知\n"
        "南发〔2021〕22号\n各区县党委和人民政府:\n现将《…》印发给你们,请认真贯彻执行。\n"
        "中共南江市委南江市人民政府\n2021年12月30日\n(此件公开发布)"
    )
    n = read_notice(preamble)
    assert n.issuer == "中共南江市委、南江市人民政府"
    assert n.issue_date == "2021-12-30"
    assert n.document_number == "南发〔2021〕22号"


def test_signature_on_two_lines_and_a_date_whose_year_and_month_marks_were_lost():
    n = read_notice("现将…印发给你们。\n中共东山县委\n东山县人民政府\n2017322\n")
    assert (n.issuer, n.issue_date) == ("中共东山县委、东山县人民政府", "2017-03-22")
    assert parse_date("20221014日") == "2022-10-14"
    assert parse_date("2021年2月30日") is None  # no such day
    assert parse_date("2021年11月") is None  # a month is no date


def test_issuer_before_the_notice_title_and_a_lone_signature_date():
    preamble = (
        "西政办〔2020〕20号\n西河县人民政府办公室\n关于印发西河县2020年度法治政府建设工作安排的通知\n"
        "各乡镇:\n《…》已经县政府同意,现印发给你们。\n2020年7月8日"
    )
    n = read_notice(preamble)
    assert (n.issuer, n.issue_date, n.document_number) == (
        "西河县人民政府办公室",
        "2020-07-08",
        "西政办〔2020〕20号",
    )


def test_news_lead_in_and_wiki_infobox():
    assert read_notice("近日,市委、市政府印发了《南江市法治社会建设实施方案》。").issuer == (
        "市委、市政府"
    )
    assert read_notice("日前,枣林市委、市政府先后下发《关于印发〈…〉的通知》").issuer == (
        "枣林市委、市政府"
    )
    glued = read_notice("中共南江市委南江市人民政府印发《南江市法治政府建设实施方案》")
    assert glued.issuer == "中共南江市委、南江市人民政府"
    infobox = read_notice(
        "中文名:南江市法治社会建设实施方案\n颁布时间:2022年1月5日\n发布单位:南江市委"
    )
    assert (infobox.issuer, infobox.issue_date) == ("南江市委", "2022-01-05")


def test_page_dates_and_cited_numbers_are_not_the_plans():
    preamble = (
        "发布时间:2021-11-26 10:00\n更新时间:2021-11-27\n"
        "根据《东江省法治社会建设实施方案》(东发〔2021〕8号),结合我市实际,制定本方案。"
    )
    n = read_notice(preamble)
    assert (n.issuer, n.issue_date, n.document_number) == (None, None, None)
    assert read_notice("成文日期:2022-04-24\n发布日期:2022-04-26").issue_date == "2022-04-24"


def test_a_document_number_whose_place_is_masked_keeps_its_mask():
    n = read_notice("XX政办发〔2022〕15号\nXX市人民政府办公室\n关于印发《XX市法治方案》的通知")
    assert (n.issuer, n.document_number) == ("XX市人民政府办公室", "XX政办发〔2022〕15号")
