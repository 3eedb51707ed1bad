"""Tests for pipeline.extract.targets and .numerals on sentences from the seed plans.

Sentences are written as the pipeline hands them over: full-width punctuation folded to
ASCII (, ; : ( ) %), whitespace between CJK characters removed. Most come verbatim from
seeds/*.txt; the few marked "constructed" cover a rule no seed exercises.
"""

from __future__ import annotations

import pytest

from pipeline.extract.numerals import parse_numeral, parse_plain
from pipeline.extract.targets import TargetHit, clause_spans, find_targets


def rows(sentence: str) -> list[tuple]:
    """(kind, value, unit, comparator, deadline_year, frequency) per hit."""
    return [
        (h.kind, h.value, h.unit, h.comparator, h.deadline_year, h.frequency)
        for h in find_targets(sentence)
    ]


def clause(sentence: str, hit: TargetHit) -> str:
    return sentence[hit.clause_start : hit.clause_end]


# --- numerals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", (1.0, False)),
        ("一", (1.0, False)),
        ("两", (2.0, False)),
        ("十二", (12.0, False)),
        ("二十五", (25.0, False)),
        ("三分之二", (66.67, True)),
        ("三分之一", (33.33, True)),
        ("百分之九十", (90.0, True)),
        ("百分之百", (100.0, True)),
        ("7×24", (24.0, False)),
        ("99.5", (99.5, False)),
        ("2万", (20000.0, False)),  # Arabic counted in ten thousands
        ("1.4万", (14000.0, False)),
    ],
)
def test_parse_numeral(text: str, expected: tuple[float, bool]) -> None:
    assert parse_numeral(text) == expected


def test_parse_plain_rejects_non_numerals() -> None:
    assert parse_plain("") is None
    assert parse_plain("法治") is None
    assert parse_plain("万") == 10000.0


# --- clauses ----------------------------------------------------------------------------


def test_clauses_split_at_punctuation_not_at_list_comma_or_decimal() -> None:
    s = "推动“12.4”国家宪法日活动常态化,形成尊崇宪法、学习宪法的社会氛围。"
    assert [s[a:b] for a, b in clause_spans(s)] == [
        "推动“12.4”国家宪法日活动常态化",
        "形成尊崇宪法、学习宪法的社会氛围",
    ]


def test_clauses_are_trimmed_and_blank_ones_dropped() -> None:
    # whitespace around a clause is not part of it; a clause of whitespace only is none;
    # a separator at either end of the sentence never sits between two digits
    s = " 每年开展 2次,\u3000 ;9:00前完成 12.4\n.5"
    assert [s[a:b] for a, b in clause_spans(s)] == ["每年开展 2次", "9:00前完成 12.4", "5"]
    assert clause_spans(",1,") == [(1, 2)]
    assert clause_spans("   ") == []


def test_clause_offsets_point_at_the_verbatim_clause() -> None:
    s = "配齐配强法治课教师,2022年在小学每6个班级至少配备1名法治课专任教师,组织法官兼任。"
    (hit,) = find_targets(s)
    assert clause(s, hit) == "2022年在小学每6个班级至少配备1名法治课专任教师"


# --- comparators ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "comparator"),
    [
        (
            "每年至少组织1次全市政府立法业务培训,5年内对全市政府立法工作人才轮训2次。",
            1.0,
            "次",
            ">=",
        ),
        ("落实法制审核人员不少于本单位执法人员数5%的要求。", 5.0, "%", ">="),
        ("向社会组织购买的比例原则上不低于30%。", 30.0, "%", ">="),
        ("实现90%以上政务服务事项进驻政务服务机构统一办理。", 90.0, "%", ">="),
        ("确保行政规范性文件报备率、审查率达100%。", 100.0, "%", ">="),
        ("城乡居民心理健康知识知晓率分别达到70%。", 70.0, "%", ">="),
        ("确保实际办理时限压缩至1个工作日,商事流程实行“一窗受理”。", 1.0, "工作日", "<="),
        ("最迟在事件发生后5小时内发布权威信息。", 5.0, "小时", "<="),
        ("每年组织1次行政裁决业务培训,定期开展行政裁决案例研讨。", 1.0, "次", "="),
        # constructed: no seed uses 不超过 / 以下
        ("行政许可事项办理时限不超过10个工作日。", 10.0, "工作日", "<="),
        ("案件积压率控制在5%以下。", 5.0, "%", "<="),
    ],
)
def test_comparators(sentence: str, value: float, unit: str, comparator: str) -> None:
    hit = find_targets(sentence)[0]
    assert (hit.value, hit.unit, hit.comparator) == (value, unit, comparator)


def test_a_comparator_before_a_long_share_of_what_is_still_its_numbers() -> None:
    s = "院庭长办案数量不低于本院(庭)法官人均办案数的30%。"
    assert rows(s) == [("quantity", 30.0, "%", ">=", None, None)]


def test_list_shares_comparator_and_gives_one_row_per_number() -> None:
    s = "加强对脱贫人口的人文关怀,城乡居民心理健康知识知晓率分别达到70%、50%。"
    got = find_targets(s)
    assert [(h.value, h.unit, h.comparator) for h in got] == [(70.0, "%", ">="), (50.0, "%", ">=")]
    assert got[0].clause_start == got[1].clause_start


# --- frequencies ------------------------------------------------------------------------


def test_annual_and_within_years() -> None:
    s = "每年至少组织1次全市行政执法业务培训,5年内对全市行政执法人员轮训2次。"
    assert rows(s) == [
        ("frequency", 1.0, "次", ">=", None, "annual"),
        ("frequency", 2.0, "次", "=", None, "within_years"),
    ]


def test_once_every_few_years_is_a_count_within_years() -> None:
    s = "每两年至少开展一次法治政府建设督察,每3年组织1次全面评估。"
    assert rows(s) == [
        ("frequency", 1.0, "次", ">=", None, "within_years"),
        ("frequency", 1.0, "次", "=", None, "within_years"),
    ]


def test_semiannual() -> None:
    s = "市、区两级政府每半年至少开展1次政府与法院之间的行政诉讼工作座谈会。"
    assert rows(s) == [("frequency", 1.0, "次", ">=", None, "semiannual")]


def test_school_terms_and_years_are_periods_and_a_condition_is_no_target() -> None:
    assert rows("每所学校每学期至少开展2次法治教育活动。") == [
        ("frequency", 2.0, "次", ">=", None, "semiannual")
    ]
    assert rows("确保法治课每学年不少于12课时。") == [
        ("quantity", 12.0, "课时", ">=", None, "annual")
    ]
    assert rows("对实施满5年的地方性法规开展立法后评估。") == []  # when it applies


def test_a_past_level_reached_is_no_target_and_kinds_of_a_thing_are_counted() -> None:
    assert rows("2020年行政机关负责人出庭应诉率已达到98.6%。") == []
    assert rows("全区已创建全国民主法治示范社区4个。") == []
    assert rows("每年出版双语普法读物不少于5种。") == [
        ("quantity", 5.0, "种", ">=", None, "annual")
    ]
    assert rows("每年举办1届法治文艺作品征集展演活动。") == [
        ("frequency", 1.0, "届", "=", None, "annual")
    ]


def test_a_count_of_the_places_a_task_is_set_for_each_is_its_scope() -> None:
    s = "到2022年,全省13个市(地)各建成1个以上宪法宣传教育主题公园。"
    assert rows(s) == [("quantity", 1.0, "个", ">=", 2022, None)]
    assert rows("全市8个乡镇均建立1个调解室。") == [("quantity", 1.0, "个", "=", None, None)]
    assert rows("建成13个市级基地。") == [("quantity", 13.0, "个", "=", None, None)]


def test_widening_to_a_number_is_at_least_it() -> None:
    assert rows("基层立法联系点扩大到40个。") == [("quantity", 40.0, "个", ">=", None, None)]


def test_counts_in_ten_thousands_and_money_in_its_own_unit() -> None:
    assert rows("每年办理法律援助案件不少于2万件。") == [
        ("quantity", 20000.0, "件", ">=", None, "annual")
    ]
    assert rows("到2025年,全市执业律师达到1.4万名。") == [
        ("quantity", 14000.0, "名", ">=", 2025, None)
    ]
    assert rows("每年安排法律援助经费不少于500万元。")[0][1:3] == (500.0, "万元")


def test_city_and_district_levels_in_one_clause() -> None:
    s = (
        "每年组织开展应急管理执法人员法治培训不少于1次,"
        "按照市级每年1次、区级每半年1次的标准开展应急预案演练。"
    )
    got = find_targets(s)
    assert [(h.kind, h.value, h.comparator, h.frequency, h.scope) for h in got] == [
        ("frequency", 1.0, ">=", "annual", None),
        ("frequency", 1.0, "=", "annual", "市级"),
        ("frequency", 1.0, "=", "semiannual", "区级"),
    ]
    assert (got[1].clause_start, got[1].clause_end) == (got[2].clause_start, got[2].clause_end)


def test_quarterly_and_monthly() -> None:
    # constructed: no seed states a quarterly or monthly count
    assert rows("各镇街每季度至少召开1次矛盾纠纷排查会。") == [
        ("frequency", 1.0, "次", ">=", None, "quarterly")
    ]
    assert rows("社区每月开展一次法律咨询活动。") == [
        ("frequency", 1.0, "次", "=", None, "monthly")
    ]


def test_per_person_counts_are_quantities_with_frequency() -> None:
    s = (
        "进一步落实国家工作人员学法用法制度和旁听庭审制度,"
        "确保国家工作人员每人每年学法不少于40小时、旁听庭审至少1次。"
    )
    assert rows(s) == [
        ("quantity", 40.0, "小时", ">=", None, "annual"),
        ("quantity", 1.0, "次", ">=", None, "annual"),
    ]


def test_a_persons_yearly_duty_after_who_owes_it_is_a_quantity_an_organisations_a_frequency():
    assert rows("领导干部每年至少旁听庭审1次。") == [("quantity", 1.0, "次", ">=", None, "annual")]
    assert rows("每年至少组织1次领导干部旁听庭审活动。") == [
        ("frequency", 1.0, "次", ">=", None, "annual")
    ]


def test_per_term() -> None:
    s = (
        "每年举办领导干部法治专题培训班,"
        "承担行政执法职能的部门负责人任期内至少接受1次法治专题脱产培训。"
    )
    assert rows(s) == [("quantity", 1.0, "次", ">=", None, "per_term")]


def test_count_of_items_per_year_is_quantity() -> None:
    s = (
        "将重大行政决策后评估计划纳入重大行政决策年度目录,"
        "每年安排至少1个实施后明显未达到预期效果的事项开展决策后评估。"
    )
    assert rows(s) == [("quantity", 1.0, "个", ">=", None, "annual")]
    s = "每年选择2个以上区政府或者市直部门主要负责人在市委全面依法治市委员会上进行专门述法。"
    assert rows(s) == [("quantity", 2.0, "个", ">=", None, "annual")]


def test_period_carries_across_list_items() -> None:
    s = "定期开展法治专题培训和专题讲座,每年举办法治专题培训班不少于1批次、法治专题讲座不少于3次。"
    assert rows(s) == [
        ("frequency", 1.0, "批次", ">=", None, "annual"),
        ("frequency", 3.0, "次", ">=", None, "annual"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "全面实行行政决策年度目录管理,每年一季度公布年度目录并实行动态调整。",
        "并于每年第一季度向同级司法行政机关报送上一年度责任追究情况。",
        "建立行政执法案例指导制度,每年年初发布上一年度行政执法典型案例。",
        (
            "建立健全行政执法统计年报制度,"
            "各行政执法单位每年1月31日前将上一年度行政执法总体情况报本级人民政府。"
        ),
        "以民法典颁布日为契机,在每年五月份组织开展民法典宣传月活动。",
        "每年国家宪法日和宪法宣传周期间,结合法律七进开展形式多样的宪法宣传活动。",
        "市司法局应于每年4月前向市委、市政府报告全市行政机关上一年度行政案件办理情况。",
    ],
)
def test_fixed_date_makes_annual_commitment_countable(sentence: str) -> None:
    assert rows(sentence) == [("frequency", 1.0, "次", "=", None, "annual")]


def test_annual_report_date_without_meiNian() -> None:
    s = (
        "各区政府、市政府各部门应于4月1日前将法治政府建设年度报告通过报刊、"
        "政府网站等方式向社会公开。"
    )
    assert rows(s) == [("frequency", 1.0, "次", "=", None, "annual")]


def test_dated_sentence_gives_one_row_for_its_date_clause() -> None:
    s = "每年3月1日前,各区政府向党委、人大常委会和市政府报告上一年度法治政府建设情况。"
    (hit,) = find_targets(s)
    assert clause(s, hit) == "每年3月1日前"
    assert (hit.kind, hit.frequency) == ("frequency", "annual")


@pytest.mark.parametrize(
    "sentence",
    [
        "每年通报行政规范性文件备案审查情况,确保文件质量。",
        "定期开展行政裁决案例研讨,不断提高行政裁决工作队伍能力水平。",
        "各级国家机关每年编制并对外公布普法责任清单,明确普法职责任务。",
        "每年度都要开展宪法专题学习。",
    ],
)
def test_bare_periodic_activity_is_not_a_target(sentence: str) -> None:
    assert find_targets(sentence) == []


# --- Chinese numerals -------------------------------------------------------------------


def test_chinese_counts_with_period() -> None:
    s = "推动社会组织每年开展一次遵规守约教育实践活动,建立健全社会规范的执行监督机制。"
    assert rows(s) == [("frequency", 1.0, "次", "=", None, "annual")]


def test_chinese_count_with_comparator_and_scope() -> None:
    s = "在人民法院设置法治宣传栏,确保每个村(社区)至少设置一个法治文化阵地,扩大法治文化阵地覆盖面。"
    (hit,) = find_targets(s)
    assert (hit.kind, hit.value, hit.unit, hit.comparator) == ("quantity", 1.0, "个", ">=")
    assert hit.scope == "每个村(社区)"


def test_three_scoped_counts_in_one_clause() -> None:
    s = (
        "大力加强法治文化阵地建设,实现全区至少有一个法治文化公园(广场)、"
        "每个镇街至少有一个普法大讲堂、"
        "每个村(社区)至少有一个法治文化宣传栏(长廊),有效促进法治文化融合发展。"
    )
    got = find_targets(s)
    assert [(h.value, h.comparator, h.scope) for h in got] == [
        (1.0, ">=", "全区"),
        (1.0, ">=", "每个镇街"),
        (1.0, ">=", "每个村(社区)"),
    ]


def test_fractions() -> None:
    s = "落实“三分之二以上的人员和三分之二以上的时间精力用于线索核查、暗访督查”的工作机制等。"
    assert rows(s) == [("quantity", 66.67, "%", ">=", None, None)] * 2


def test_chinese_percent() -> None:
    # constructed: no seed writes 百分之…
    assert rows("村(社区)法律顾问覆盖率达到百分之九十以上。") == [
        ("quantity", 90.0, "%", ">=", None, None)
    ]


# --- deadlines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("到2022年,基本形成覆盖城乡、便捷高效、均等普惠的现代公共法律服务体系。", 2022),
        (
            "深化城乡社区依法治理,"
            "在2022年底前全面制定并公布区级职能部门社会治理方面的权责任务清单。",
            2022,
        ),
        (
            "持续深化相对集中行政复议体制改革,"
            "2022年年底前基本形成公正权威、统一高效的行政复议体制。",
            2022,
        ),
        ("建设统一公开查询平台,2023年年底前实现统一公开查询。", 2023),
        ("2024年年底基本建成市、区、镇(街道)三级全覆盖的行政执法协调监督工作体系。", 2024),
        # constructed: 2023年前 without a quantity, 2022年起 without a quantity
        ("2023年前建成全区统一的公共法律服务平台。", 2023),
        ("2022年起全面推行行政执法公示制度。", 2022),
    ],
)
def test_deadlines(sentence: str, year: int) -> None:
    assert rows(sentence) == [("deadline", None, None, None, year, None)]


def test_overall_goal_keeps_2025_and_drops_2035_vision() -> None:
    s = (
        "到2025年,政府行为全面纳入法治轨道,行政执法体制机制基本完善,"
        "为到2035年基本建成法治海口、法治政府、法治社会奠定坚实基础。"
    )
    got = find_targets(s)
    assert rows(s) == [("deadline", None, None, None, 2025, None)]
    assert clause(s, got[0]) == "到2025年"
    s = "形成人民群众满意的法治社会建设生动局面,为2035年基本建成法治社会奠定坚实基础。"
    assert find_targets(s) == []
    # the same vision in other words: 筑牢/打下/夯实 a foundation, 作出 a contribution
    for s in (
        "推进法治城市建设走在前列,为2035年基本建成法治城市筑牢坚实基础。",
        "全面提升依法行政水平,为到2035年基本建成法治政府作出本市贡献。",
        "更多区县实现率先突破,为到2035年",  # a copy cut inside the vision clause
    ):
        assert find_targets(s) == [], s


def test_year_before_quantity_in_same_clause() -> None:
    s = "除法律、行政法规另有规定等情形外,2023年实现95%以上政务服务事项全程网办。"
    assert rows(s) == [("quantity", 95.0, "%", ">=", 2023, None)]
    s = "2023年前每个区至少建成一个青少年法治教育实践基地。"
    (hit,) = find_targets(s)
    assert (hit.kind, hit.value, hit.unit, hit.comparator, hit.deadline_year, hit.scope) == (
        "quantity",
        1.0,
        "个",
        ">=",
        2023,
        "每个区",
    )


def test_year_from_earlier_clause_applies_to_quantity() -> None:
    s = (
        "2023年,完成40家市级单位、多家省级单位及社会企业接入海口城市大脑数据资源平台,"
        "海口数据共享开放水平进入全国前列。"
    )
    (hit,) = find_targets(s)
    assert rows(s) == [("quantity", 40.0, "家", "=", 2023, None)]
    assert clause(s, hit).startswith("完成40家市级单位")


def test_a_year_whose_clause_states_its_own_task_is_a_deadline_beside_the_quantity() -> None:
    s = "2022年底前实现县直部门和乡镇法律顾问全覆盖,全县公职律师总数不少于15名。"
    assert rows(s) == [
        ("deadline", None, None, None, 2022, None),
        ("quantity", 15.0, "名", ">=", 2022, None),
    ]
    s = "到2023年底,网上可办率达到90%以上。"  # the year alone in its clause: one row
    assert rows(s) == [("quantity", 90.0, "%", ">=", 2023, None)]
    s = "到2025年,“八五”普法规划实施完成,法治观念深入人心,群众满意度不低于95%。"
    assert rows(s) == [  # the plan's goal, and a rate it dates
        ("deadline", None, None, None, 2025, None),
        ("quantity", 95.0, "%", ">=", 2025, None),
    ]


def test_case_files_are_counted_in_juan() -> None:
    assert rows("抽查行政执法案卷不少于120卷。") == [("quantity", 120.0, "卷", ">=", None, None)]


def test_months_drop_their_classifier_as_working_days_do() -> None:
    s = "在本方案印发后1个月内制定具体落实措施。"
    assert rows(s) == [("quantity", 1.0, "月", "<=", None, None)]


def test_a_chinese_count_right_after_a_building_verb_is_a_quantity() -> None:
    assert rows("2024年底前建成一个县级法治文化教育基地。") == [
        ("quantity", 1.0, "个", "=", 2024, None)
    ]
    assert rows("建设一个人民满意的法治政府。") == []  # an aim
    assert rows("建设一个省级法治政府研究基地。") == [("quantity", 1.0, "个", "=", None, None)]
    assert rows("重点培育一批法治带头人。") == []  # a batch, no count


def test_year_start_with_percentage() -> None:
    s = (
        "全面推行“双随机、一公开”联合监管,制定完善联合抽查事项清单,"
        "2022年起实现联合抽查事项清单100%实行“双随机”抽查。"
    )
    assert rows(s) == [("quantity", 100.0, "%", "=", 2022, None)]


def test_scope_each_n_classes_is_not_a_row() -> None:
    s = "配齐配强法治课教师,2022年在小学每6个班级至少配备1名法治课专任教师,组织法官兼任法治课教师。"
    (hit,) = find_targets(s)
    assert (hit.value, hit.unit, hit.comparator, hit.deadline_year, hit.scope) == (
        1.0,
        "名",
        ">=",
        2022,
        "每6个班级",
    )


def test_city_and_district_scope_after_unit() -> None:
    s = (
        "因地制宜宣传宪法,建成1个市级宪法宣传主题公园(广场)、"
        "4个区级宪法宣传教育长廊和一批宪法宣传教育点。"
    )
    got = find_targets(s)
    assert [(h.value, h.unit, h.comparator, h.scope) for h in got] == [
        (1.0, "个", "=", "市级"),
        (4.0, "个", "=", "区级"),
    ]


# --- exclusions -------------------------------------------------------------------------


def test_hotline_and_one_number_but_round_the_clock_hours() -> None:
    s = "加快推进政务服务便民热线归并,实现“12345”一个号码提供“7×24小时”服务。"
    assert rows(s) == [("quantity", 24.0, "小时", "=", None, None)]
    assert find_targets("在“12345”热线、“12348”热线和人民建议征集平台中设置专门渠道。") == []
    assert find_targets("依托“12338”妇女维权热线、“12385”残疾人维权热线,开展心理咨询。") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”,坚定不移走中国特色社会主义法治道路。",
        "形成“四个一”(一枚印章审批、一个大厅办证、一支队伍服务、一个平台保障)的行政审批体制机制。",
        "构建人民调解、行政调解、司法调解“三调联动”的非诉讼纠纷解决机制。",
        "推动探索在矛盾纠纷多发领域建立“一站式”纠纷解决机制。",
        "加快推进两个“一站式”建设。",
        "努力让群众解纷“只进一个门、最多跑一次”。",
        "加强“城市快警”“一村一辅警”工作。",
        "强化“1+N+X”(总体+专项+部门)应急预案体系框架顶层设计。",
        "加强网络治理规划设计,编制“十四五”全区网络安全和信息化总体规划。",
        "运用多种方式和载体开展好“12·4”国家宪法日和“宪法宣传周”集中宣传活动。",
        "推动“12.4”国家宪法日和“宪法宣传周”集中宣传活动常态化。",
        "实行“124”国家宪法日和“宪法宣传周”集中宣传活动制度化。",
        "落实《XX省人民政府关于加快推进社会诚信建设的实施意见》(XX政发〔2017〕5号)等规定。",
        "出台《智慧海口实施方案(2021-2023年)》,加快推进“互联网+政务服务”。",
        "各地区各部门要全面贯彻《法治社会建设实施纲要(2020-2025年)》和省、市实施方案精神。",
        "完善中小学法治副校长制度,建设重庆市第37中学校等一批青少年法治教育实践基地。",
        "实现线上线下一套服务标准、一个办理平台。",
        "开展新一轮禁毒三年大会战。",
        "进一步完善“一镇街一法官”工作机制,民事、行政案件万人起诉率稳步下降至合理区间。",
        "联系电话(传真):3635352。",
        "切实运用发挥好12348XX法网如法网的作用。",
        "7.1人力资源配置。",  # a heading the plan numbers 7.1, 7.2… (not 7.1 persons)
        "据民政部2023年数据,全国乡镇总数达20955个,东部乡镇城镇化率达65.3%。",  # a statistic
        "制度建设(占总分值的15%)。",  # an indicator's weight
        "《意见》总结了近6年推进依法行政的成绩和经验。",  # the past years
        "我市连续4年被评为全省法治宣传教育工作先进市。",  # an honour won
        "6月底前完成2022年度法治政府建设情况报告的公开工作。",  # that year's report
        # constructed baselines
        "截至2020年底,全市已建成12个公共法律服务中心。",
        "2018年以来,全市累计调解纠纷。",
        # history in a plan's background: years before the plans' period are never deadlines
        "2008年3月,市委作出建设法治城市的决定。2016年,市委出台深化法治建设的意见。",
    ],
)
def test_exclusions(sentence: str) -> None:
    assert find_targets(sentence) == []


def test_a_goal_after_a_cited_statistic_is_still_a_target() -> None:
    assert rows("据统计,全市现有调解员800名,到2025年培训率达到100%。") == [
        ("quantity", 100.0, "%", ">=", 2025, None)
    ]


def test_a_decimal_inside_a_sentence_is_still_a_quantity() -> None:
    assert rows("7.5%以上的村达到标准。")[0][1:4] == (7.5, "%", ">=")  # no unit after its .5


def test_plan_name_is_excluded_but_goal_year_kept() -> None:
    assert rows("到2025年,“八五”普法规划实施完成。") == [("deadline", None, None, None, 2025, None)]


def test_results_are_in_position_order_and_offsets_valid() -> None:
    s = "每年至少开展1次全市行政复议人员业务培训活动,1年内对全市行政复议人员轮训5次。"
    got = find_targets(s)
    assert [(h.value, h.frequency) for h in got] == [(1.0, "annual"), (5.0, "within_years")]
    assert all(0 <= h.clause_start < h.clause_end <= len(s) for h in got)
    assert got[0].clause_end <= got[1].clause_start


def test_empty_and_numberless_sentences() -> None:
    assert find_targets("") == []
    assert find_targets("坚持党的集中统一领导。") == []


# --- rules for shapes the seeds do not show (constructed sentences) ---------------------


def test_chinese_count_after_each_scope_counts_but_rhetoric_does_not() -> None:
    assert rows("每个村(社区)配备一名法律顾问。") == [("quantity", 1.0, "名", "=", None, None)]
    assert find_targets("推动法治建设达到一个新水平。") == []


def test_day_of_month_date_with_quarterly_period() -> None:
    assert rows("每季度第一个月的10日前报送上季度工作情况。") == [
        ("frequency", 1.0, "次", "=", None, "quarterly")
    ]


def test_time_limits_in_days() -> None:
    assert rows("做到案件受理后7个工作日内办结。") == [
        ("quantity", 7.0, "工作日", "<=", None, None)
    ]
    assert rows("法律援助申请15日内作出决定。") == [("quantity", 15.0, "日", "<=", None, None)]


def test_baseline_sentence_is_not_a_target() -> None:
    assert find_targets("近三年来,共办理案件3000件。") == []


def test_year_range_is_not_a_deadline() -> None:
    assert rows("2021—2025年,每年组织1次宪法宣誓。") == [
        ("frequency", 1.0, "次", "=", None, "annual")
    ]


def test_heading_line_is_its_own_clause() -> None:
    s = "(一)维护宪法权威\n1.每年至少开展1次宪法宣传活动。"
    (hit,) = find_targets(s)
    assert clause(s, hit) == "每年至少开展1次宪法宣传活动"


def test_existing_basis_is_not_a_baseline() -> None:
    assert rows("在现有基础上新增10个公共法律服务工作站。") == [
        ("quantity", 10.0, "个", "=", None, None)
    ]
    assert rows("2022年底前完成现有规章清理。") == [("deadline", None, None, None, 2022, None)]
    assert find_targets("2020年全市已建成法治文化公园12个。") == []


def test_as_of_year_is_deadline_unless_past() -> None:
    assert rows("截至2025年底,全市建成10个法治示范园区。") == [
        ("quantity", 10.0, "个", "=", 2025, None)
    ]
    assert find_targets("截至目前,全市已建成12个。") == []


def test_year_end_shares_nian_with_period() -> None:
    assert rows("各单位每年底前报送普法工作总结。") == [
        ("frequency", 1.0, "次", "=", None, "annual")
    ]


def test_a_garbled_sentence_of_thousands_of_targets_is_read_in_windows():
    # OCR dumps can run for pages without a full stop; each window keeps true offsets
    clause = "每年至少开展1次普法活动"
    sentence = f"{clause}，" * 3000  # ~39,000 characters, cut into windows at the commas
    hits = find_targets(sentence)
    assert len(hits) == 3000
    assert all(sentence[h.clause_start : h.clause_end] == clause for h in hits)
    assert {(h.kind, h.value, h.unit, h.comparator, h.frequency) for h in hits} == {
        ("frequency", 1.0, "次", ">=", "annual")
    }


def test_a_long_run_of_digits_is_no_target():
    # garbled tables: every exclusion pattern starts at the start of a run (linear time)
    assert find_targets("1" * 20_000 + "年") == []
    assert find_targets("编号" + "7" * 20_000 + "+A") == []


@pytest.mark.parametrize(
    "sentence",
    ["发布时间:2021年11月26日", "2022年9月14日", "2021年9月30日印发。", "成文日期:2022年4月21日"],
)
def test_page_and_notice_dates_are_not_deadlines(sentence: str) -> None:
    assert find_targets(sentence) == []


def test_a_dated_deadline_is_still_a_deadline() -> None:
    (hit,) = find_targets("2021年12月31日前完成规范性文件清理工作。")
    assert (hit.kind, hit.deadline_year) == ("deadline", 2021)


# --- the pre-test that skips sentences without a target ---------------------------------


# constructed: each sentence's only target comes from one of the things the pre-test looks
# for (a number and its unit, a share, a year, a dated annual commitment), and the last ones
# have numbers and 每/年 but none of them
PRETEST_SENTENCES = [
    "建成10个法治示范村(社区)。",
    "群众满意度达到三分之二以上。",
    "到2025年,基本建成法治社会。",
    "按照工作安排.2025年完成全部任务。",  # a year no number-and-unit match starts at
    "每年一季度召开一次专题会议。",
    "每年国家宪法日开展集中宣传。",
    "统一思想,进一步推动法治建设。",
    "每年坚持依法行政,年年有进步。",
    "第十二条规定了一体化的要求。",
]


def test_pretest_skips_only_sentences_without_a_target(monkeypatch) -> None:
    import pipeline.extract.targets as targets

    found = [rows(s) for s in PRETEST_SENTENCES]
    assert all(found[:6]) and not any(found[6:])
    monkeypatch.setattr(targets, "_may_state_target", lambda: lambda s: True)
    assert [rows(s) for s in PRETEST_SENTENCES] == found


# --- regexes written for speed match their plain forms -----------------------------------


def _texts_of(alphabet: list[str], n: int, longest: int) -> list[str]:
    import random

    rng = random.Random(18)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(longest))) for _ in range(n)]


def test_numbers_and_years_match_their_plain_forms() -> None:
    import re

    from pipeline.extract.targets import _CN, _NUMBER, _YEAR

    plain_number = re.compile(
        rf"(?<![\d.])(?:百分之[{_CN}]+(?:点[{_CN}]+)?|(?:[{_CN}]+|\d+)分之(?:[{_CN}]+|\d+)"
        rf"|\d+(?:\.\d+)?(?:\s*[×xX*]\s*\d+(?:\.\d+)?|万(?!元))?|[{_CN}]+)"
    )
    plain_year = re.compile(r"(?<!\d)(\d{4})\s*年")
    numbers = [*"一二两十百万零点0129.. ×x*个年%的元", "百分之", "分之", "\u0663"]
    years = [*"0129年 .的", "\u0663"]
    for fast, plain, alphabet in ((_NUMBER, plain_number, numbers), (_YEAR, plain_year, years)):
        for text in _texts_of(alphabet, 20_000, 12):
            found = [(m.span(), m.groups()) for m in fast.finditer(text)]
            assert found == [(m.span(), m.groups()) for m in plain.finditer(text)], text
