"""What every reader shares: its result (``Reading``), its error (``Unreadable``) and its limits.

Readers turn the bytes of one input into plain text plus what the container says about
itself. A file a reader cannot or must not read raises ``Unreadable`` with a reason a
maintainer can act on; ingest turns it into a rejection, so one bad file never stops a run.
The limits bound what one hostile file can cost: bytes read, bytes inflated from a zip,
pages, characters of text, and wall-clock time (checked between pages and blocks).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MAX_INPUT_BYTES = 64 << 20  # a plan is kilobytes to a few megabytes; 64 MB is far beyond
MAX_INFLATED_BYTES = 128 << 20  # all members of a .docx, uncompressed
MAX_ZIP_RATIO = 200  # a member that inflates more than this per compressed byte is a bomb
MAX_ZIP_MEMBERS = 5000
MAX_PAGES = 1000
MAX_TEXT_CHARS = 4_000_000
TIME_LIMIT_SECONDS = 60.0


class Unreadable(Exception):
    """The file cannot be read as a plan; ``str(exc)`` is the reason shown to users."""


@dataclass(frozen=True)
class Reading:
    """A reader's result: the text, and what the container says about itself.

    ``container`` keys (all optional): title, source_url, issuer, issue_date (ISO),
    document_number, index_number, subject, author, created (ISO). ``page_starts`` holds,
    for a PDF, the offset in ``text`` where each page begins (page 1 first)."""

    text: str
    encoding: str | None = None
    container: dict[str, str] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()


class Deadline:
    """Wall-clock budget of one reader: ``check()`` raises once it is spent."""

    def __init__(self, what: str, seconds: float = TIME_LIMIT_SECONDS) -> None:
        self.what = what
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise Unreadable(f"{self.what} took longer than {self.seconds:g} s; not read")


def check_text_size(text: str) -> str:
    """``text`` unless it exceeds MAX_TEXT_CHARS (a plan is far smaller)."""
    if len(text) > MAX_TEXT_CHARS:
        raise Unreadable(f"text of {len(text):,} characters exceeds {MAX_TEXT_CHARS:,}")
    return text
