"""Web pages saved as one file (.mhtml / .mht: a browser's "Webpage, single file").

Why: Chrome, Edge and the old Internet Explorer save a page with its images as one MIME
message (``multipart/related``), its HTML part quoted-printable or base64 encoded. Read as
text, that is encoded markup; the page is its first ``text/html`` part, decoded and read as
any saved page, with the address the browser recorded (``Snapshot-Content-Location`` or
the part's ``Content-Location``) as the page's URL when the page names none itself.
"""

from __future__ import annotations

import email
import email.policy
import re

from pipeline.read.base import Reading, Unreadable

# header lines (folded ones too) up to MIME-Version, as the browsers write them first
MIME_START = re.compile(
    rb"^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,30}?MIME-Version:", re.I
)


def is_mhtml(head: bytes) -> bool:
    """Whether the first bytes open a MIME message with parts related to one page."""
    return bool(MIME_START.match(head)) and b"multipart/related" in head.lower()


def read_mhtml(data: bytes) -> Reading:
    """The saved page's HTML part read as a web page."""
    from pipeline.read.html import read_html  # lxml: imported when a page is read

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise Unreadable("a page saved as one file (MHTML) without an HTML part")
    html = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset and not re.search(rb"<meta[^>]+charset", html[:4096], re.I):
        html = b'<meta charset="%s">' % charset.encode("ascii", "ignore") + html
    reading = read_html(html)
    location = message.get("Snapshot-Content-Location") or part.get("Content-Location")
    if location and location.startswith(("http://", "https://")):
        reading.container.setdefault("source_url", location.strip())
    return reading
