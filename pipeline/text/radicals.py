"""Radicals and compatibility forms that PDFs print for whole characters, folded back.

Why: the text layer of many PDFs made in Chinese office suites maps some glyphs to the
Kangxi Radicals (U+2F00-2FD5) or CJK Radicals Supplement (U+2E80-2EF3) code points instead
of the ideographs they look like: ⼀、总体要求, (⼆)指导思想, ⻓效机制, ⽅案. They read the same
on screen but are other characters, so headings (一、) were not found and words not matched.
Kangxi radicals and CJK compatibility ideographs (U+F900-FAFF) fold as Unicode's NFKC folds
them, then to simplified script (a Kangxi radical is the traditional form: ⾧ -> 長 -> 长; a
traditional plan is made simplified anyway); the supplement's forms, which Unicode does not
decompose, from the reviewed list ``vocab/radical_forms.csv``.
"""

from __future__ import annotations

import functools
import unicodedata

import numpy as np

from pipeline.text.codes import codes
from pipeline.text.mirror import simplified
from pipeline.vocab import load_csv

FIRST, LAST = 0x2E80, 0xFAFF  # the table spans the radicals' blocks to the compatibility one
BLOCKS = ((0x2E80, 0x2EF3), (0x2F00, 0x2FD5), (0xF900, 0xFAFF))


@functools.cache
def _table() -> np.ndarray:
    """Replacement code point by (code point - FIRST); 0 where the character stays."""
    table = np.zeros(LAST - FIRST + 1, dtype=np.uint32)
    for low, high in BLOCKS:
        for cp in range(low, high + 1):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) == 1 and folded != chr(cp) and "\u3400" <= folded <= "\u9fff":
                if cp < 0xF900:
                    folded = simplified(folded)
                table[cp - FIRST] = ord(folded)
    for row in load_csv("radical_forms.csv"):
        table[ord(row["radical"]) - FIRST] = ord(row["character"])
    return table


def radical_folds(text: str) -> tuple[list[int], list[int]]:
    """Where the text has such forms and the character each folds to."""
    cps = codes(text)
    at = np.flatnonzero(((cps >= FIRST) & (cps <= 0x2FD5)) | (cps >= 0xF900) & (cps <= LAST))
    if not len(at):
        return [], []
    new = _table()[cps[at] - FIRST]
    keep = new > 0
    return at[keep].tolist(), new[keep].tolist()
