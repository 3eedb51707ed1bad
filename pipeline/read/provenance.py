"""Where a plan came from: the optional sidecar ``<file>.meta.json`` beside an input.

One small JSON file per input (``plan.pdf`` -> ``plan.pdf.meta.json``) travels with the file
when it is copied, renamed with it, and needs no shared table kept in step with the folder.
It may hold ``source_url``, ``retrieved_at`` (ISO date or date-time), ``publisher`` and
``note``; they become the documents columns source_url, retrieved_at, publisher and
source_note. A sidecar is not a plan: it is never published or rejected as one; a sidecar
that cannot be read, or whose plan is missing, is listed as rejected with its reason (the
plan itself still publishes, without provenance).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"
FIELDS = {
    "source_url": "source_url",
    "retrieved_at": "retrieved_at",
    "publisher": "publisher",
    "note": "source_note",
}
MAX_SIDECAR_BYTES = 64 << 10
ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def plan_of(sidecar: Path) -> Path:
    """The input a sidecar describes (``x.pdf.meta.json`` -> ``x.pdf``)."""
    return sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])


def read_sidecar(path: Path) -> tuple[tuple[str, str], ...]:
    """The provenance columns a sidecar gives, as sorted pairs; ``ValueError`` with the
    reason when it is not a JSON object of those string fields."""
    if path.stat().st_size > MAX_SIDECAR_BYTES:
        raise ValueError(f"sidecar larger than {MAX_SIDECAR_BYTES} bytes")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"sidecar is not valid UTF-8 JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("sidecar must be a JSON object")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValueError(f"sidecar has unknown fields {unknown}; allowed: {sorted(FIELDS)}")
    out: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"sidecar field {key!r} must be a string")
        out[FIELDS[key]] = value.strip()
    url = out.get("source_url")
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"sidecar source_url must start with http:// or https:// ({url!r})")
    when = out.get("retrieved_at")
    if when and not ISO.match(when):
        raise ValueError(f"sidecar retrieved_at must be an ISO date or date-time ({when!r})")
    return tuple(sorted((k, v) for k, v in out.items() if v))
