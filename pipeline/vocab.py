"""Load the reviewed vocabularies that live in ``vocab/`` (CSV and YAML, not code).

Rules that people review (agency aliases, units, action verbs, scraper junk) are data:
keeping them in small files lets a reviewer change a rule without reading Python, and lets
the extraction cache key include their checksums.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

import yaml

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"


@functools.cache
def load_yaml(name: str) -> Any:
    """Parse ``vocab/<name>`` as YAML (cached: vocabularies do not change during a run)."""
    with (VOCAB_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """Read ``vocab/<name>`` as a tuple of row dicts (header row required)."""
    with (VOCAB_DIR / name).open(encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))
