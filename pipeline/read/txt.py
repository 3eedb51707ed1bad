"""Plain-text plans: UTF-8 (with or without BOM), GB18030, and UTF-16 with a byte-order mark.

Windows tools save UTF-16 with a BOM, so the BOM decides it; UTF-16 without a BOM, and bytes
that are neither UTF-8 nor GB18030, are rejected rather than guessed, because a wrong guess
would publish mojibake as if it were the plan's words.

A task-division table copied into text (its cells apart by tabs or ``|``, or one a line) is
read as the table it is (``tables.tables_in_text``: items with role lines), so its agencies
are not lost.
"""

from __future__ import annotations

import re

from pipeline.read.base import Reading, Unreadable, check_text_size
from pipeline.read.tables import tables_in_text

CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding of ``data`` (BOM, else UTF-8, else GB18030 or Big5, whichever
    reads as Chinese), or ``Unreadable``."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError as error:
                raise Unreadable(
                    f"not valid {encoding} text after its byte-order mark "
                    f"(fails at byte {error.start + len(bom)})"
                ) from None
    if b"\x00" in data:
        raise Unreadable(
            "binary content (NUL bytes); UTF-16 text needs a byte-order mark, "
            "other binary files are not plans"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            big5 = _big5(data)
            if big5 is not None:
                return big5, "cp950"
            raise Unreadable(
                "not valid UTF-8 or GB18030 text (UTF-8 fails at byte "
                f"{utf8_error.start}, GB18030 at byte {gb_error.start})"
            ) from None
        big5 = _big5(data)
        if big5 is not None and _common(big5) > 2 * _common(text):
            return big5, "cp950"  # Big5 bytes read as GB18030 are valid, and nonsense
        return text, "gb18030"


# Characters every plan prints many times, in both scripts: a text decoded with the wrong
# one of GB18030 and Big5 (both accept most of the other's bytes) holds few of them
_COMMON = frozenset("的法治建设設政府年和制度工作会會强強加推进進行有关關人民县縣市区區社国國")


def _common(text: str) -> int:
    return sum(ch in _COMMON for ch in text[:20000])


def _big5(data: bytes) -> str | None:
    """``data`` read as Big5 (Microsoft's cp950, as Taiwan and Hong Kong sites write it), or
    None when it is not."""
    try:
        return data.decode("cp950")
    except UnicodeDecodeError:
        return None


def read_txt(data: bytes) -> Reading:
    """A plain-text plan, decoded; binary content or blank text is ``Unreadable``."""
    text, encoding = decode_text(data)
    controls = len(CONTROL.findall(text))
    if controls > max(2, len(text) // 1000):
        raise Unreadable(f"binary content ({controls} control characters after decoding)")
    if not text.strip():
        raise Unreadable("no text (only whitespace)")
    return Reading(text=check_text_size(tables_in_text(text)), encoding=encoding)
