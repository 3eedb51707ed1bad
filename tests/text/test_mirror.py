"""Mirror-site noise is undone in normalization, each edit logged; plans without it are
left alone."""

from __future__ import annotations

import contextlib

from pipeline.parse.structure import parse_sections
from pipeline.text.mirror import t2s_spans
from pipeline.text.normalize import normalize, raw_offset
from tests.helpers import seed_text


def kinds(raw: str) -> list[tuple[str, str, str]]:
    return [(e.kind, e.removed, e.inserted) for e in normalize(raw).edits]


def test_pinyin_after_characters_is_dropped_and_traditional_becomes_simplified():
    raw = "一、總體要求\n加強法治社會建設(shè)，推進實(shí)施方案落實，開(kāi)展普法。\n"
    result = normalize(raw)
    assert result.text == "一、总体要求\n加强法治社会建设,推进实施方案落实,开展普法。"
    edits = kinds(raw)
    assert ("pinyin", "(shè)", "") in edits and ("pinyin", "(kāi)", "") in edits
    assert ("t2s", "總體", "总体") in edits


def test_variant_forms_opencc_leaves_become_simplified_in_a_traditional_text():
    raw = (
        "陜西省法治社會建設實施方案\n一、總體要求\n"
        "加強陜西法治社會建設，保衞人民權益，共建共治共亯，實施戰畧。\n"
    )
    text = normalize(raw).text
    assert text.startswith("陕西省法治社会建设实施方案\n") and "保卫人民权益" in text
    assert "共建共治共享,实施战略。" in text
    assert not set("陜衞亯畧") & set(text)


def test_simplified_plan_is_not_converted_and_brackets_are_kept():
    raw = "一、总体要求\n坚持依法行政（一）理念，著力推进“放管服”改革(a)。\n"
    assert not [e for e in normalize(raw).edits if e.kind in ("t2s", "pinyin", "mojibake")]


def test_mojibake_runs_are_flagged_and_dropped():
    raw = "印发方案全文如下?。ぢ耕_嗰)\n一、总体要求锟斤拷\n加强建设\ufffd\ufffd。\n"
    result = normalize(raw)
    assert result.text == "印发方案全文如下\n一、总体要求\n加强建设。"
    assert [e.removed for e in result.edits if e.kind == "mojibake"] == [
        "?。ぢ耕_嗰)", "锟斤拷", "\ufffd\ufffd",
    ]  # fmt: skip


def test_site_chrome_and_doc_sharing_lines_are_junk():
    raw = (
        "当前位置：首页 > 政务公开 > 规划\n字号：大 中 小\n打印本页 关闭窗口\n"
        "icon-nav.png 首页>会议>会刊>东江区法治规划\n"
        "示例方案.doc 由会员分享，可在线阅读，更多相关文档\n一、总体要求\n"
        "加强建设。已阅读3页，还剩9页未读，继续阅读\n"
    )
    result = normalize(raw)
    assert result.text == "一、总体要求\n加强建设。"
    assert len([e for e in result.edits if e.kind == "junk"]) == 6


def test_a_sites_date_line_and_footer_are_junk_and_a_dated_sentence_is_not():
    raw = (
        "今天是 2023年02月20日 星期一\n一、总体要求\n1.今天是2023年的起点,加强学习。\n"
        "微信扫一扫在手机阅读、分享本文\n本文标题:东江镇法治示范村创建实施方案\n"
        "链接地址:http://www.example.com/1.html\n联系客服\n版权声明\n"
    )
    result = normalize(raw)
    assert result.text == "一、总体要求\n1.今天是2023年的起点,加强学习。"
    assert len([e for e in result.edits if e.kind == "junk"]) == 6


def test_a_model_essay_sites_count_of_versions_parts_the_title_from_the_text():
    title = "东江镇法治政府建设工作方案"
    raw = f"{title}【3篇】第一篇:{title}为贯彻法治思想,制定本方案。\n一、指导思想\n"
    lines = normalize(raw).text.split("\n")
    assert lines[0] == title
    assert lines[1].startswith(f"{title}为贯彻")


def test_a_breadcrumb_trail_printed_as_a_numbered_list_is_junk_not_items():
    raw = "1. 首页\n2. > 政策文件 >\n东江区法治政府建设实施方案\n一、总体要求\n1.加强领导。\n"
    result = normalize(raw)
    assert result.text == "东江区法治政府建设实施方案\n一、总体要求\n1.加强领导。"
    assert [e.removed for e in result.edits if e.kind == "junk"] == ["1. 首页", "2. > 政策文件 >"]


def test_a_printed_pages_number_left_in_copied_text_is_junk():
    raw = "- 1 - 东江县法治政府建设工作计划\n1.加强学习。按时报送并 - 2 - 向社会公开。\n"
    result = normalize(raw)
    assert result.text == "东江县法治政府建设工作计划\n1.加强学习。按时报送并向社会公开。"
    assert normalize("(2021 - 2025年)").text == "(2021-2025年)"


def test_a_table_of_contents_is_junk_not_headings():
    raw = (
        "东江市法治建设规划\n目  录\n一、总体要求……………………1\n(一)指导思想 . . . . . . 2\n"
        "二、主要任务\t3\n一、总体要求\n(一)指导思想\n坚持以法治思想为指导。\n二、主要任务\n"
    )
    result = normalize(raw)
    assert result.text == (
        "东江市法治建设规划\n一、总体要求\n(一)指导思想\n坚持以法治思想为指导。\n二、主要任务"
    )
    assert [e.removed for e in result.edits if e.kind == "junk"] == [
        "目  录", "一、总体要求……………………1", "(一)指导思想 . . . . . . 2", "二、主要任务\t3",
    ]  # fmt: skip


def test_empty_tags_and_a_pictures_file_name_are_junk_and_a_bracketed_name_is_not():
    raw = (
        '<legend id="k2x"></legend><samp id="k2x"></samp>\n'
        '<mark id="k2x"><del id="k2x"></del></mark>\n'
        "东江县法治政府建设实施方案\n一、总体要求\n落实<东江县法治政府建设纲要>。<br/>\n图片1.png\n"
    )
    result = normalize(raw)
    assert result.text == "东江县法治政府建设实施方案\n一、总体要求\n落实<东江县法治政府建设纲要>。"
    assert len([e for e in result.edits if e.kind == "junk"]) == 10  # each tag, the picture's name


def test_a_newspapers_continuation_marks_are_junk():
    raw = (
        "(上接第一版)\n(三)强化宪法宣传\n4. 开展宪法宣传周活动。推动宪法(下转第三版)\n"
        "(上接第二版)精神深入人心。\n"
    )
    result = normalize(raw)
    assert result.text == "(三)强化宪法宣传\n4.开展宪法宣传周活动。推动宪法精神深入人心。"
    assert [e.removed for e in result.edits if e.kind == "junk"] == [
        "(上接第一版)", "(下转第三版)", "(上接第二版)",
    ]  # fmt: skip


def test_raw_offset_maps_normalized_positions_back():
    raw = seed_text("004")
    result = normalize(raw)
    pairs = {
        "一、总体要求": "一、总体要求",
        "(二十三)深化": "（二十三）深化",
        "1个工作日": "1个工作日",
    }
    for normalized, printed in pairs.items():
        assert raw_offset(result.edits, result.text.index(normalized)) == raw.index(printed)


def test_traditional_runs_are_found_across_comparison_chunks_and_the_threshold_is_exact():
    # 200 simplified characters; ten traditional ones in runs that straddle the 64- and
    # 128-character chunk boundaries: 10 of 200 is the 5% threshold, 9 is below it
    base = list("依法治理" * 50)
    for start, chars in ((63, "實設"), (126, "總體實設"), (190, "總體實設")):
        base[start : start + len(chars)] = chars
    spans = t2s_spans("".join(base))
    assert spans == [
        (63, 65, "实设", "t2s"),
        (126, 130, "总体实设", "t2s"),
        (190, 194, "总体实设", "t2s"),
    ]
    base[193] = "理"
    assert t2s_spans("".join(base)) == []


def misread_one_byte_off(line: str, before: str = "\u3000") -> str:
    """``line`` as some mirror sites print it: its GBK bytes, after ``before`` (an indent),
    decoded from the second byte on by a decoder that drops pairs it cannot map and falls
    back into step at an ASCII byte (the first byte, alone, shows as ?)."""
    data = (before + line).encode("gbk")[1:]
    out, k = "?", 0
    while k < len(data):
        if data[k] < 0x80:
            out, k = out + chr(data[k]), k + 1
            continue
        with contextlib.suppress(UnicodeDecodeError):
            out += data[k : k + 2].decode("gbk")
        k += 2
    return out


def test_a_heading_marker_misread_one_byte_off_is_read_back():
    lines = [
        "（一）推進政府機構職能優化",  # read back whole: its bytes fall into step at an ASCII byte
        "（二）主要原則。堅持依法決策。",  # a pair of 二 and the bracket was lost: the marker only
        "（八）加強隊伍建設(shè)。",  # pinyin after the misreading is dropped with it
    ]
    garbled = [misread_one_byte_off(line) for line in lines]
    assert garbled[0].startswith("?。ㄒ唬") and garbled[1].startswith("?。ǘ")
    result = normalize("一、總體要求\n" + "\n".join(garbled) + "\n")
    assert result.text.split("\n") == [
        "一、总体要求",
        "(一)推进政府机构职能优化",
        "(二)。坚持依法决策。",
        "(八)加强队伍建设。",
    ]
    assert [e.inserted for e in result.edits if e.kind == "mojibake"] == [
        "（一）推進", "（二）", "（八）加強隊伍建設",
    ]  # fmt: skip
    assert [s.number for s in parse_sections(result.text) if s.level == 2] == [1, 2, 8]


def test_a_misread_run_that_is_no_heading_marker_is_still_dropped():
    garbled = misread_one_byte_off("《法治建設規劃》", before="。")  # ?! then the name
    assert garbled.startswith("?！")
    # the misread run (up to the ASCII byte where the decoder fell back into step) is dropped
    assert normalize("一、總體要求\n印發" + garbled + "\n").text == "一、总体要求\n印发规划》"


def test_a_document_sites_credits_buttons_page_places_and_recommended_titles_are_junk():
    raw = (
        "东江县法治社会建设实施方案_第1页\n东江县法治社会建设实施方案_第2页\n"
        "上传者：user_01    上传时间：2022-04-06    浏览：1,326次    下载券：2\n"
        "VIP免费下载   加入收藏   举报\n"
        "本文档由会员上传，仅供学习交流使用，如有侵权请联系删除\n"
        "版权说明:本文档由用户提供并上传,收益归属内容提供方,若内容存在侵权,请进行举报或认领\n"
        "一、总体要求\n加强建设。\n1/9\n第 2 页 共 9 页\n(一)指导思想\n"
        "坚持法治。已阅读3页，还剩6页未读，继续免费阅读\n"
        "展开全文 ∨\n本文档需要2下载券    立即下载\n"
        "相关推荐\n· 法治社会建设实施方案范文（精选5篇）\n· 2022年法治政府建设工作总结\n"
        "乡镇2022年普法依法治理工作要点  3页  1下载券\n"
    )
    result = normalize(raw)
    assert result.text == "一、总体要求\n加强建设。\n(一)指导思想\n坚持法治。"


def test_a_government_sites_footer_is_junk_and_names_no_roles():
    raw = (
        "一、总体要求\n1.加强建设。(责任单位:区司法局)\n"
        "主办单位：东江区人民政府办公室    承办单位：东江区数据资源局\n"
        "湘ICP备05000000号-1  政府网站找错\n地址：东江区XX路XX号  联系电话：0731-8XXXXXXX\n"
        "扫一扫在手机打开当前页\n网站标识码：4301040001\n"
    )
    assert normalize(raw).text == "一、总体要求\n1.加强建设。(责任单位:区司法局)"


def test_a_documents_print_record_is_junk_and_a_sentence_dated_by_its_issue_is_not():
    raw = (
        "八、强化督促落实\n2021年10月12日印发的方案要抓好落实。\n"
        "抄送：省委各部委，省人大常委会办公厅。\n中共东江省委办公厅 2021年10月14日印发\n"
    )
    assert normalize(raw).text == "八、强化督促落实\n2021年10月12日印发的方案要抓好落实。"


def test_a_cms_pager_inside_the_article_is_junk():
    raw = (
        "一、总体要求\n推动行业协会建立健全行业规范和自律上一页 1 2 3 下一页\n"
        "首页 上一页 1 2 下一页 尾页\n"
    )
    assert normalize(raw).text == "一、总体要求\n推动行业协会建立健全行业规范和自律"


def test_pinyin_of_several_syllables_in_one_bracket_is_dropped_and_an_english_note_is_not():
    raw = "每年至少開展2次網絡普法(pǔ fǎ)專項活動(see note)。\n"
    assert normalize(raw).text == "每年至少开展2次网络普法专项活动(see note)。"
