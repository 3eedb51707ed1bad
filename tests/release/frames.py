"""Small staged frames the release tests write themselves."""

from __future__ import annotations

import pandas as pd


def links(doc: str, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [doc] * n,
            "measure_id": [f"{doc}-m{i}" for i in range(n)],
            "agency_id": [f"a{i % 3}" for i in range(n)],
            "role": ["lead" if i % 2 else "support" for i in range(n)],
            "name_raw": ['市司法局 & <法院>, "宪法"' if i % 2 else "=区法院" for i in range(n)],
        }
    )
