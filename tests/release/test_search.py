"""Chinese substring search on FTS5 (pipeline/release/search.py), on texts written here:
every word of every length found exactly where it is a substring."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.release.search import FTS_TOKENIZE, index_texts, match_query

TEXTS = [
    "坚持依法治国，维护宪法权威。",
    "建设宪法公园和法治文化阵地;宪法宣传周期间开展活动",
    "宪法",
    "法法相依,法",
    "开通12345热线,提供公共法律服务",
    "人民调解组织覆盖率达到100%以上",
    "推进APP政务服务,建设“智慧法院”",
    "",
    "调解",
]


def fts(texts: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE f USING fts5(t, content='', tokenize='{FTS_TOKENIZE}')")
    conn.executemany("INSERT INTO f (rowid, t) VALUES (?, ?)", enumerate(index_texts(texts), 1))
    return conn


def found(conn: sqlite3.Connection, query: str) -> set[int]:
    rows = conn.execute("SELECT rowid FROM f WHERE f MATCH ?", [match_query(query)])
    return {rowid for (rowid,) in rows}


def chinese_words(texts: list[str], longest: int) -> set[str]:
    words = set()
    for text in texts:
        for n in range(1, longest + 1):
            for i in range(len(text) - n + 1):
                word = text[i : i + n]
                if all("\u4e00" <= c <= "\u9fff" for c in word):
                    words.add(word)
    return words


def test_every_chinese_word_is_found_exactly_where_it_is_a_substring():
    conn = fts(TEXTS)
    words = chinese_words(TEXTS, 6) | {"宪法广场", "法治政府", "调解员", "公园和"}
    assert {"宪法", "调解", "公共法律服务", "人民调解"} <= words
    for word in sorted(words):
        expected = {i for i, text in enumerate(TEXTS, 1) if word in text}
        assert found(conn, word) == expected, word


def test_a_word_across_punctuation_is_not_a_match():
    conn = fts(["维护宪法。公园建设", "宪法公园"])
    assert found(conn, "宪法公园") == {2}
    assert found(conn, "法公") == {2}


def test_terms_are_all_required_and_quotes_keep_a_phrase():
    conn = fts(TEXTS)
    assert found(conn, "宪法 公园") == {2}
    assert found(conn, "宪法 调解") == set()
    assert found(conn, '"12345热线"') == {5}


def test_letters_and_digits_match_whole_words_and_any_case():
    conn = fts(TEXTS)
    assert found(conn, "app") == {7}
    assert found(conn, "12345") == {5}
    assert found(conn, "1234") == set()


@pytest.mark.parametrize("query", ["", "  ", "，。", '"', "\ue000"])
def test_a_query_without_words_matches_nothing_and_is_valid(query):
    assert found(fts(TEXTS), query) == set()


def test_none_stays_none_and_rows_stay_separate():
    assert index_texts([None, "法", "治"]) == [None, "法 ", "治 "]
