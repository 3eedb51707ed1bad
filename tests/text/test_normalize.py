"""Each normalization rule, on real text from the seeds, and the edit log that maps back."""

from __future__ import annotations

from pipeline.parse.structure import parse_sections
from pipeline.release.schema import table_schema
from pipeline.text.normalize import normalize
from tests.helpers import DOC_SHARE_BODY as _BODY
from tests.helpers import DOC_SHARE_PREVIEW, seed_text


def _kinds(result) -> set[str]:
    return {e.kind for e in result.edits}


def test_spaces_inside_chinese_and_around_numbers_are_dropped():
    result = normalize("（三）总体目标。到 2025 年，海口市“八五”普法规划实施完成")
    assert result.text == "(三)总体目标。到2025年,海口市“八五”普法规划实施完成"
    assert "space" in _kinds(result) and "width" in _kinds(result)


def test_spaces_next_to_latin_letters_and_between_digits_are_kept():
    assert normalize("执法检查 and 隐患排查治理").text == "执法检查 and 隐患排查治理"
    assert normalize("编号 2021 2022 年").text == "编号2021 2022年"


def test_a_space_between_chinese_and_a_word_in_capitals_is_typography():
    assert normalize("XX 市法治社会建设,推进智慧执法、APP 掌上执法,考察 XX、5G 网络").text == (
        "XX市法治社会建设,推进智慧执法、APP掌上执法,考察XX、5G网络"
    )
    kept = "使用 Excel 表格,PDF and Word 格式"
    assert normalize(kept).text == kept


def test_full_width_ascii_forms_fold_but_cjk_punctuation_stays():
    text = normalize("（一）坚持党的领导；加强“宪法”宣传，《民法典》。").text
    assert text == "(一)坚持党的领导;加强“宪法”宣传,《民法典》。"


def test_pdf_line_break_mid_sentence_is_joined():
    raw = seed_text("000")
    text = normalize(raw).text
    # raw: "…建成 1 个市级宪法\n\n宣传主题公园（广场）、4个区级…"
    assert "建成1个市级宪法宣传主题公园(广场)、4个区级宪法宣传教育长廊" in text
    # a heading line that runs on into its body across a page break (004: "…需\n\n要，")
    assert (
        "(七)加强重要领域立法。紧密结合海南自由贸易港建设需要,围绕"
        in normalize(seed_text("004")).text
    )


def test_paragraph_breaks_headings_and_role_lines_are_not_joined():
    text = normalize(seed_text("002")).text
    assert "\n(一)维护宪法权威\n1.深入推进宪法学习宣传教育。" in text
    assert "协调运行机制\n责任单位:区政务局、区民政局、区住建局\n" in text
    assert "西安区法治社会建设实施方案\n(2020—2025年)\n(征求意见稿)\n" in text


def test_list_markers_are_stripped():
    result = normalize(seed_text("003"))
    assert "\n(二)主要原则。坚持党的集中统一领导" in result.text
    assert "- (" not in result.text
    assert sum(e.kind == "list_marker" for e in result.edits) == 9


def test_scraper_junk_is_removed_and_logged():
    raw = seed_text("001")
    result = normalize(raw)
    assert result.text.startswith("XX市法治社会建设实施方案(2021-2025年)\n")
    assert "当前隐藏内容免费查看" not in result.text
    assert "实行“124”国家宪法日和“宪法宣传周”集中宣传活动制度化" in result.text
    assert result.text.endswith("确保实施方案各项任务措施落到实处。")
    junk = [e.removed for e in result.edits if e.kind == "junk"]
    assert junk[0].startswith("下面是小编为大家整理的") and junk[0].endswith("供大家参考。")
    assert junk[1] == "当前隐藏内容免费查看"
    assert junk[2].startswith("推荐访问:")
    page = "省委印发《东江省法治社会建设实施方案》\n东江 26℃ 0\n成都18~25°C多云\n"
    page += "近日,气温-5℃以下时停工。\n"  # a sentence with a temperature stays
    assert normalize(page).text.split("\n")[1:] == ["近日,气温-5℃以下时停工。"]


def test_edit_log_maps_every_edit_back_to_the_raw_text():
    raw = seed_text("004")
    result = normalize(raw)
    for edit in result.edits:
        assert raw[edit.raw_start : edit.raw_end] == edit.removed
    # replaying the log on the raw text reproduces the normalized text exactly
    pieces, last = [], 0
    for edit in sorted(result.edits, key=lambda e: (e.raw_start, e.raw_end)):
        if edit.raw_start < last:  # a later pass edited text an earlier pass inserted
            continue
        pieces += [raw[last : edit.raw_start], edit.inserted]
        last = edit.raw_end
    pieces.append(raw[last:])
    assert "".join(pieces) == result.text


def test_normalized_offsets_point_at_the_edit_site():
    result = normalize("到 2025 年")
    spaces = [e for e in result.edits if e.kind == "space"]
    assert [(e.raw_start, e.norm_start) for e in spaces] == [(1, 1), (6, 5)]


def test_crlf_line_endings_and_invisible_characters():
    result = normalize("\ufeff一、总体要求\r\n(一)指导\u200b思想。坚持。\r\n")
    assert result.text == "一、总体要求\n(一)指导思想。坚持。"
    kinds = [e.kind for e in result.edits]
    assert kinds.count("newline") == 2 and kinds.count("invisible") == 2


def test_a_page_flattened_onto_one_line_gets_its_heading_breaks_back():
    raw = (
        "东江市法治社会建设实施方案(2021—2025年) 为推进法治社会建设,结合我市实际,制定本方案。"
        " 一、总体要求 (一)指导思想。坚持以人民为中心。 (二)主要目标。到2025年,建成法治社会。"
        " 二、主要任务 (一)加强宪法宣传。 1.开展宪法宣传周活动。 2.推进宪法进校园。"
    )
    result = normalize(raw)
    assert result.text.split("\n") == [
        "东江市法治社会建设实施方案(2021—2025年)为推进法治社会建设,结合我市实际,制定本方案。",
        "一、总体要求",
        "(一)指导思想。坚持以人民为中心。",
        "(二)主要目标。到2025年,建成法治社会。",
        "二、主要任务",
        "(一)加强宪法宣传。",
        "1.开展宪法宣传周活动。",
        "2.推进宪法进校园。",
    ]
    assert sum(e.kind == "heading_break" for e in result.edits) == 7
    (kind,) = [f for f in table_schema("normalization_edits")["fields"] if f["name"] == "kind"]
    assert {e.kind for e in result.edits} <= set(kind["constraints"]["enum"])


def test_a_document_sharing_preview_loses_its_page_markers_and_keeps_its_title():
    result = normalize(DOC_SHARE_PREVIEW)
    lines = result.text.split("\n")
    assert lines[:4] == [
        "西河区法治社会建设实施方案(2022—2025年)参考范文.docx",
        "西河区法治社会建设实施方案(20222025年)参考范文",
        "为贯彻落实上级部署,结合实际,制定本方案。",
        "一、总体要求",
    ]
    assert "(二)主要目标。到2025年,群众法治观念明显增强、法治社会建设生动局面基本形成。" in lines
    assert "(一)弘扬宪法精神。" + _BODY + "开展宪法宣传周活动。" in lines
    assert not [ln for ln in lines if ln[:2] in ("1、", "2、", "3、")]
    removed = [e.removed for e in result.edits if e.kind == "page_chunk"]
    assert removed == ["1、", "", "\n2、", "\n3、"]


def test_a_generic_heading_running_on_into_its_body_on_a_flattened_page_is_cut():
    raw = (
        "为推进法治建设,制定本方案。一、总体目标坚持以人民为中心,建成法治社会。"
        "二、主要任务(一)组织实施普法工程。开展普法。(二)加强宪法宣传。开展宪法宣传周活动。"
    )
    assert normalize(raw).text.split("\n") == [
        "为推进法治建设,制定本方案。",
        "一、总体目标",
        "坚持以人民为中心,建成法治社会。",
        "二、主要任务",
        "(一)组织实施普法工程。开展普法。",
        "(二)加强宪法宣传。开展宪法宣传周活动。",
    ]


def test_numbered_items_of_a_plan_are_not_pages():
    # under a heading; or with no heading but each item a whole sentence
    under_heading = DOC_SHARE_PREVIEW.replace("1、西河区", "一、总体要求\n1、西河区", 1)
    assert not [e for e in normalize(under_heading).edits if e.kind == "page_chunk"]
    whole = "\n".join(f"{k}、{_BODY}" for k in (1, 2, 3))
    assert normalize(whole).text == whole


def test_the_next_items_run_on_into_an_items_line_get_lines_of_their_own():
    # a page that lost its paragraph breaks: items 2 and 3 after item 1's full stops
    raw = (
        "一、重点措施\n(一)深化学习。加强宣传。(二)强化教育\n"
        "1.深化宣传。推动深入基层。2.深化宪法学习宣传教育。加强教育;3、增强法治观念。开展活动。\n"
    )
    result = normalize(raw)
    assert result.text.split("\n")[1:] == [
        "(一)深化学习。加强宣传。",
        "(二)强化教育",
        "1.深化宣传。推动深入基层。",
        "2.深化宪法学习宣传教育。加强教育;3、增强法治观念。开展活动。",  # 3、 is not 1.'s form
    ]
    numbers = [(s.level, s.number) for s in parse_sections(result.text)]
    assert numbers == [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2)]


def test_numbers_inside_an_items_sentences_stay_where_they_are():
    raw = (
        "一、重点措施\n"
        "1.提高效率。3.审批时限压缩一半。2.5%的事项。2.2023年底前完成。\n"  # out of order; decimal
        "(一)健全制度。(三)完善机制。\n"  # (三) does not follow (一)
        "2.深化宪法学习宣传教育,推动2.宪法进校园。"  # not after a full stop
    )
    assert normalize(raw).text == raw


def test_inline_chapter_markers_after_a_stop_or_any_space_break_a_flattened_line():
    # three inline markers (after "。", after "。", after an ideographic space) on line one;
    # one on line two, which is short, so it stays a sentence
    raw = "前言。一、总体要求。坚持党的领导。二、主要任务\u3000三、保障措施\n说明。四、附则"
    result = normalize(raw)
    assert result.text == (
        "前言。\n一、总体要求。坚持党的领导。\n二、主要任务\n三、保障措施\n说明。四、附则"
    )
    assert [e.removed for e in result.edits if e.kind == "heading_break"] == ["", "", "\u3000"]


def test_space_runs_are_the_runs_the_space_rule_names():
    """The numpy scan finds exactly ``SPACES``' runs: every Unicode space but a line break,
    at the ends, next to line breaks, beside astral characters and a lone surrogate."""
    from pipeline.text.normalize import SPACES, _space_runs

    spaces = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c != "\n")
    texts = [
        "",
        " ",
        "\n",
        " 到 2025 年\t\t底\u3000\u3000建成 \n 法治\xa0 市 ",
        f"a{spaces}b\n{spaces}\n",
        "𠀋 𠀋\ud800 x\u200b \u2028\u2029\n\r\n\x0b\x0c\x1c\x85",
    ]
    for text in texts:
        assert _space_runs(text) == [m.span() for m in SPACES.finditer(text)], repr(text)


def test_inline_chapter_markers_are_found_where_the_pattern_matches():
    from pipeline.text.normalize import INLINE_CHAPTER, _inline_chapters

    texts = [
        "",
        "一、",
        "总体要求。一、指导思想 二、目标\n三、措施\u3000四、保障;五、其他!六、x?七、",
        "\n一、a\t十二、b 一二三四、c 。十、",
        "𠀋 一、\ud800 二、",
    ]
    for text in texts:
        assert _inline_chapters(text) == [m.start() for m in INLINE_CHAPTER.finditer(text)]


def test_full_width_folding_ends_at_the_block_edges():
    """U+FF01 and U+FF5E fold, U+FF00 and U+FF5F (outside the ASCII forms) stay; each fold
    is logged at its own offset, after an astral character too."""
    result = normalize("ａ\uff00𠀋！\uff5e\uff5f")
    assert result.text == "a\uff00𠀋!~\uff5f"
    assert [(e.raw_start, e.removed, e.inserted) for e in result.edits] == [
        (0, "ａ", "a"),
        (3, "！", "!"),
        (4, "\uff5e", "~"),
    ]


def test_a_notice_title_stands_alone_and_one_the_line_width_broke_is_joined():
    raw = (
        "东江市西河区人民政府办公室关于征求《西\n河区法治社会建设实施方案(2021—2025\n"
        "年)》(征求意见稿)意见的通知\n各街道办事处,区政府各部门:\n现将方案印发给你们。\n"
    )
    assert normalize(raw).text.split("\n") == [
        "东江市西河区人民政府办公室关于征求《西河区法治社会建设实施方案(2021—2025年)》"
        "(征求意见稿)意见的通知",
        "各街道办事处,区政府各部门:",
        "现将方案印发给你们。",
    ]


def test_radicals_a_pdf_prints_for_whole_characters_are_folded_back():
    # Kangxi radicals (U+2F00…), a supplement form (U+2E80…) and a traditional Kangxi form
    raw = "\u2f00、总体要求\n(\u2f06)指导思想\n建立\u2ed3效机制,完善\u2f45案,\u2fa8户公开。\n"
    result = normalize(raw)
    assert result.text == "一、总体要求\n(二)指导思想\n建立长效机制,完善方案,门户公开。"
    assert [(e.removed, e.inserted) for e in result.edits if e.kind == "radical"] == [
        ("\u2f00", "一"), ("\u2f06", "二"), ("\u2ed3", "长"), ("\u2f45", "方"), ("\u2fa8", "门"),
    ]  # fmt: skip
    assert parse_sections(result.text)[1].heading == "指导思想"


def test_a_heading_running_on_after_a_space_into_its_first_child_is_broken_there():
    raw = "一、总体要求 (一)指导思想。坚持。\n二、推进学习宣传 1.推动学习。\n三、一是加强 1.5亿元\n"
    assert normalize(raw).text.split("\n") == [
        "一、总体要求", "(一)指导思想。坚持。", "二、推进学习宣传", "1.推动学习。",
        "三、一是加强1.5亿元",
    ]  # fmt: skip


def test_a_notice_title_run_into_its_addressees_is_broken_there():
    raw = "东江市人民政府关于印发《东江市法治方案》的通知各区人民政府,市直各单位:\n现将方案印发。\n"
    assert normalize(raw).text.split("\n") == [
        "东江市人民政府关于印发《东江市法治方案》的通知",
        "各区人民政府,市直各单位:",
        "现将方案印发。",
    ]
    kept = "各单位要按照通知要求,认真落实以下工作:"  # 通知 in a sentence, no 关于…的通知
    assert normalize(kept).text == kept


def test_a_heading_on_a_flattened_page_ends_at_the_space_before_its_body():
    # paragraphs joined by single spaces: each heading, then its body's first sentence
    raw = (
        "东江市法治建设规划(2021—2025年) 为推进法治建设,制定本规划。"
        " 一、坚定不移走法治道路,建设更高水平法治东江 市委历来高度重视法治建设。"
        " 二、主要任务 (一)健全制度体系 完善地方立法。 (二)加强宣传。坚持普法。"
    )
    assert normalize(raw).text.split("\n")[1:] == [
        "一、坚定不移走法治道路,建设更高水平法治东江",
        "市委历来高度重视法治建设。",
        "二、主要任务",
        "(一)健全制度体系",
        "完善地方立法。",
        "(二)加强宣传。坚持普法。",
    ]


def test_a_long_titles_line_ending_in_its_document_word_is_not_joined_to_the_preamble():
    title = (
        "关于贯彻《东江省法治政府建设实施纲要\n(2021—2025年)》和《东江市贯彻〈法治政府建设实施纲要"
        "(2021—2025年)〉的实施方案》的实施方案\n"
    )
    lines = normalize(title + "为贯彻落实《东江省法治政府建设实施纲要》精神,制定本方案。\n").text
    assert lines.split("\n")[0] == title.replace("\n", "")
    # a body line of the same length, ending in the same word, runs on (it has a comma)
    body = "各地区要结合实际研究制定本地区本部门具体的贯彻落实措施,并认真组织开展本方案\n的宣传。"
    assert "\n" not in normalize(body).text


def test_a_heading_run_on_after_a_role_notes_closing_bracket_gets_its_own_line():
    raw = (
        "一、持续推进学习\n1.推动学习走深走实。\n"
        "〔牵头单位:县司法局;责任单位:县政府各部门〕 二、压实第一责任人职责\n2.落实年度报告制度。\n"
        "坚持依法决策(见附件) 二是加强监督。\n"  # no role note: the line stays whole
    )
    assert normalize(raw).text.split("\n") == [
        "一、持续推进学习",
        "1.推动学习走深走实。",
        "〔牵头单位:县司法局;责任单位:县政府各部门〕",
        "二、压实第一责任人职责",
        "2.落实年度报告制度。",
        "坚持依法决策(见附件)二是加强监督。",
    ]


def test_a_line_ending_in_a_note_after_its_sentence_ends_its_paragraph():
    raw = (
        "(一)深化改革\n推动政府高效履职尽责。(省委编办牵头,省直有关部门按职责分工负责)\n"
        "严格执行市场准入负面清单,完善\n制度(省发展改革委负责)\n加强监管。\n"
    )
    assert normalize(raw).text.split("\n") == [
        "(一)深化改革",
        "推动政府高效履职尽责。(省委编办牵头,省直有关部门按职责分工负责)",
        "严格执行市场准入负面清单,完善制度(省发展改革委负责)",  # a wrap mid-sentence is joined
        "加强监管。",
    ]


def _hard_wrapped(paragraphs: list[str], width: int = 28) -> str:
    """The paragraphs as a document site's copy of a PDF prints them: broken every
    ``width`` characters wherever that falls (inside a word, a number, a name)."""
    return "\n".join(p[i : i + width] for p in paragraphs for i in range(0, len(p), width))


def test_a_text_hard_wrapped_at_one_width_is_joined_inside_words_and_names():
    paragraphs = [
        "（一）加强宪法学习宣传。深入宣传宪法和民族区域自治法，每年组织开展一次宪法宣传周集中宣传活动，"
        "推动宪法进机关进乡村进社区进学校进企业，县委理论学习中心组每年至少专题研究1次法治社会建设工作。",
        "牵头单位：县委宣传部、县司法局；责任单位：县教育局、县民宗局、各乡镇人民政府",
        "（二）推动领导干部带头尊法学法。健全国家工作人员学法用法制度，国家工作人员每人每年学法不少于40学时，"
        "县委理论学习中心组每年至少安排2次法治专题学习，新提任县管领导干部任前法律知识考试参考率达到100%。",
        "牵头单位：县委组织部；责任单位：县委宣传部、县司法局、县委党校",
    ] * 3
    raw = "东江县法治社会建设实施方案\n" + _hard_wrapped(paragraphs)
    lines = normalize(raw).text.split("\n")
    assert lines[0] == "东江县法治社会建设实施方案"  # a short line still stands alone
    assert "牵头单位:县委宣传部、县司法局;责任单位:县教育局、县民宗局、各乡镇人民政府" in lines
    assert any(line.endswith("每年至少专题研究1次法治社会建设工作。") for line in lines)
    assert len(lines) == 1 + len(paragraphs)


def test_a_hard_wrapped_note_broken_inside_its_label_is_joined_back():
    paragraphs = [
        "1.加强宪法学习宣传。深入宣传宪法和民族区域自治法,每年组织开展一次宪法宣传周集中宣传活动(牵"
        "头单位:县委宣传部、县司法局;责任单位:县教育局、各乡镇人民政府)",
        "2.推动领导干部带头尊法学法。国家工作人员每人每年学法不少于40学时,县委理论学习中心组每年"
        "至少安排2次法治专题学习(牵头单位:县委组织部;责任单位:县委宣传部、县委党校)",
    ] * 4
    lines = normalize(_hard_wrapped(paragraphs, width=30) + "\n").text.split("\n")
    assert len(lines) == len(paragraphs)
    note = "(牵头单位:县委宣传部、县司法局;责任单位:县教育局、各乡镇人民政府)"
    assert lines[0].endswith("宣传活动" + note)


def test_a_line_opening_with_a_clause_mark_goes_on_with_the_line_before():
    raw = (
        "1.全县村(社区)法律顾问覆盖率达到100%\n；到2023年，达到20个以上。\n"
        "责任单位：县法院\n、县检察院\n"
    )
    assert normalize(raw).text == (
        "1.全县村(社区)法律顾问覆盖率达到100%;到2023年,达到20个以上。\n责任单位:县法院、县检察院"
    )


def test_a_tables_rows_are_lines_of_their_own_and_a_files_name_stands_alone():
    raw = (
        "东江县法治社会建设实施方案（2021-2025年）.docx\n东江县法治社会建设实施方案\n"
        "阶段 | 时间 | 主要任务\n部署实施 | 2022年6月底前 | 制定任务分工方案，细化年度工作要点\n"
        "全面推进 | 2024年底前 | 全面落实各项任务\n"
    )
    assert normalize(raw).text.split("\n") == [
        "东江县法治社会建设实施方案(2021-2025年).docx",
        "东江县法治社会建设实施方案",
        "阶段|时间|主要任务",
        "部署实施|2022年6月底前|制定任务分工方案,细化年度工作要点",
        "全面推进|2024年底前|全面落实各项任务",
    ]


def test_a_scans_misread_numbers_are_read_back_and_latin_words_with_digits_stay():
    raw = (
        "永修县法治社会建设实施方案\n(2021一2025年)\n2021年9月16曰\n"
        "宣誓率达到l00%,配备率达到1O0%,到2O23年达到1500名。\n通过ISO9001认证,推广O2O模式。\n"
    )
    result = normalize(raw)
    assert result.text.split("\n") == [
        "永修县法治社会建设实施方案",
        "(2021—2025年)",
        "2021年9月16日",
        "宣誓率达到100%,配备率达到100%,到2023年达到1500名。",
        "通过ISO9001认证,推广O2O模式。",
    ]
    assert {e.removed for e in result.edits if e.kind == "ocr"} == {"一", "曰", "l", "O"}


def test_a_printed_pages_running_header_copied_once_a_page_is_dropped():
    lines = ["一、总体要求", "坚持依法治县。", "二、主要任务", "加强普法。", "三、组织保障"]
    lines.append("加强领导。")
    pages = zip(["永修县人民政府文件"] * 3, lines[::2], lines[1::2], strict=True)
    raw = "\n".join(line for page in pages for line in page)
    assert normalize(raw + "\n").text.split("\n") == lines
    once = "东江市人民政府文件\n一、总体要求\n加强领导。\n"  # a title's line, not a header
    assert normalize(once).text.startswith("东江市人民政府文件\n")
