"""A text is said to convert to itself only when OpenCC's t2s conversion returns it; the keys
file is what the installed OpenCC's dictionaries hold."""

from __future__ import annotations

import csv
import random

import opencc

from pipeline.text.t2s_keys import KEYS_FILE, dictionary_keys, may_change
from pipeline.vocab import VOCAB_DIR, load_csv
from tests.helpers import seed_text

T2S = opencc.OpenCC("t2s")


def test_keys_file_is_what_the_installed_opencc_holds():
    with (VOCAB_DIR / KEYS_FILE).open(encoding="utf-8", newline="") as fh:
        stored = [tuple(row) for row in csv.reader(fh)][1:]
    assert stored == dictionary_keys(), "OpenCC changed: python -m pipeline.text.t2s_keys"


def test_every_key_alone_changes_and_is_seen():
    for row in load_csv(KEYS_FILE):
        assert T2S.convert(row["key"]) != row["key"], row
        assert may_change(f"推进{row['key']}建设。"), row


def test_texts_said_unchanged_convert_to_themselves():
    # characters of the phrases, which a simplified text also holds (反, 覆, 意, 坏, 以免):
    # random texts of them, and of the keys that map to themselves, probe the phrase check
    phrases = [r["key"] for r in load_csv(KEYS_FILE) if len(r["key"]) > 1]
    pool = sorted({c for p in phrases for c in p} | set("法治建设,。(1) ab"))
    rng = random.Random(16)
    said_unchanged = 0
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.3:
            text += rng.choice(phrases)[: rng.randint(1, 3)]
        if not may_change(text):
            said_unchanged += 1
            assert T2S.convert(text) == text, text
    assert said_unchanged > 200  # the check does say so of such texts


def test_simplified_plans_need_no_conversion_and_traditional_ones_do():
    assert not may_change(seed_text("000"))
    assert not may_change("实现全覆盖,反复检查,以免出现破坏。")
    assert may_change("实现全覆盖,反覆检查。")  # 反覆 -> 反复: a phrase of unchanged characters
    assert may_change("加強法治社會建設")
    assert may_change("法治\ud800")  # a lone surrogate: OpenCC is asked, and refuses it
    assert not may_change("") and not may_change("a")
