"""The code points of a text as a numpy array, those of the last text asked for kept.

Why: normalization looks characters up by code point (numpy tables: invisible characters,
t2s keys, full-width forms, inline headings, spaces), each pass on the text as the pass
before left it. Most passes change nothing, so the same text was encoded again and again
(~85,000 instructions a plan's text). The last text is kept with its array and known by
identity (``is``: it is held, so no other string can take its id), so a text is encoded
once until a pass changes it; a new plan's text is another object and is encoded anew.
"""

from __future__ import annotations

import numpy as np

_last: tuple[str, np.ndarray] = ("", np.zeros(0, dtype=np.uint32))


def codes(text: str) -> np.ndarray:
    """The code point of each character of ``text`` (a lone surrogate too), read-only."""
    global _last
    last = _last  # one read: another thread may replace it
    if last[0] is text:
        return last[1]
    out = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    _last = (text, out)
    return out
