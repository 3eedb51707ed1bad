"""A text's code points are encoded once while it is the last text asked for."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.text.codes import codes


def test_code_points_of_the_same_text_are_kept_and_of_another_made_anew():
    text = "法治\ud800A\U00020000"  # a lone surrogate and a character past the BMP
    first = codes(text)
    assert first.tolist() == [0x6CD5, 0x6CBB, 0xD800, 0x41, 0x20000]
    assert codes(text) is first
    other = "".join(["法治", "\ud800A\U00020000"])  # equal, another object
    assert other is not text and codes(other) is not first
    assert np.array_equal(codes(other), first) and codes("").tolist() == []
    with pytest.raises(ValueError):
        first[0] = 0  # shared: never changed in place
