"""Parse the numerals that plans use for their targets: Arabic and Chinese.

Plans write the same commitment as ``1次``, ``一次`` or ``两次``, shares as ``90%``,
``百分之九十`` or ``三分之二``. Plain Chinese numerals (十二, 两百, 二十五) are left to the
``cn2an`` library; it cannot read fractions (X分之Y), so those are composed here from its parts.
A fraction is a share of a whole, so it is returned as a percentage rounded to two decimals
(三分之二 -> 66.67), which is how the gold annotates it.
"""

from __future__ import annotations

import functools
import re

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九十百千万"
CN_NUMERAL = f"[{CN_DIGITS}]+"
ARABIC_NUMBER = r"\d+(?:\.\d+)?"

_FRACTION = re.compile(rf"^({CN_NUMERAL}|{ARABIC_NUMBER})分之({CN_NUMERAL}|{ARABIC_NUMBER})$")
_PERCENT_CN = re.compile(rf"^百分之({CN_NUMERAL}(?:点[{CN_DIGITS}]+)?|{ARABIC_NUMBER})$")
_BARE_UNITS = {"十": 10.0, "百": 100.0, "千": 1000.0, "万": 10000.0}


def parse_plain(text: str) -> float | None:
    """Value of one plain numeral: ``"12"``, ``"3.5"``, ``"十二"``, ``"两"``, ``"1.4万"``; None
    if unreadable."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(ARABIC_NUMBER, text):
        return float(text)
    if text.endswith("万") and re.fullmatch(ARABIC_NUMBER, text[:-1]):  # 1.4万: Arabic in 万
        return round(float(text[:-1]) * 10000, 6)
    if text in _BARE_UNITS:
        return _BARE_UNITS[text]
    if not re.fullmatch(f"[{CN_DIGITS}点]+", text):
        return None
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


@functools.lru_cache(maxsize=4096)  # plans repeat a few hundred numerals; cn2an is slow
def parse_numeral(text: str) -> tuple[float, bool] | None:
    """Read a numeral and tell whether it is a percentage.

    Returns ``(value, is_percent)``: ``"三分之二"`` -> ``(66.67, True)``,
    ``"百分之九十"`` -> ``(90.0, True)``, ``"一个"``'s ``"一"`` -> ``(1.0, False)``,
    ``"7×24"`` -> ``(24.0, False)`` (round-the-clock: the hours are the figure).
    None when the text is not a numeral cn2an or these rules can read.
    """
    text = text.strip().replace(" ", "")
    m = _PERCENT_CN.match(text)
    if m:
        value = parse_plain(m.group(1))
        return None if value is None else (value, True)
    m = _FRACTION.match(text)
    if m:
        denominator, numerator = parse_plain(m.group(1)), parse_plain(m.group(2))
        if not denominator or numerator is None:
            return None
        return round(numerator / denominator * 100, 2), True
    if re.search(r"[×xX*]", text):
        text = re.split(r"[×xX*]", text)[-1]
    value = parse_plain(text)
    return None if value is None else (value, False)


def is_chinese(text: str) -> bool:
    """True when the numeral is written in Chinese characters, not Arabic digits."""
    return _DIGIT.search(text) is None


_DIGIT = re.compile(r"\d")
