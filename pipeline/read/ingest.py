"""Find the input plans, read their bytes, hash them and decode them, or say why not.

Raw inputs are never modified. Each file either becomes a decoded plan or a rejection that
names the file and the reason, so a release accounts for every input it was given. The
reader is chosen by the file's content (magic bytes), not by its name: ``txt`` (UTF-8,
GB18030, UTF-16 with BOM), ``html`` (and ``mhtml``, a page saved as one file), ``pdf`` and
``docx`` each have a module in this
package; legacy binary formats (.doc, .wps, .xls), RTF, other zip archives and images are
rejected with how to convert them. Sidecars (``<file>.meta.json``, see ``provenance``) are
not inputs: they give their plan its source URL.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.read.base import MAX_INPUT_BYTES, Reading, Unreadable
from pipeline.read.mhtml import is_mhtml
from pipeline.read.provenance import is_sidecar, plan_of, read_sidecar
from pipeline.vocab import load_yaml

HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b",
    re.I | re.S,
)
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
IMAGES = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"BM": "BMP",
}


@dataclass(frozen=True)
class Source:
    """One input file as it arrived."""

    name: str
    sha256: str
    size: int
    data: bytes


@dataclass(frozen=True)
class InputFile:
    """An input file found by ingest: where it is and what its bytes hash to."""

    path: str
    name: str
    sha256: str
    size: int
    provenance: tuple[tuple[str, str], ...] = ()  # from its sidecar (provenance.FIELDS)


@dataclass(frozen=True)
class Decoded:
    """An input file decoded to text, with what its container says about itself.

    ``container``: see ``base.Reading`` (title, source_url, issuer, issue_date,
    document_number, index_number, subject, author, created); ``page_starts``: for a PDF,
    the offset in ``text`` where each page begins."""

    source: Source
    text: str
    encoding: str | None  # utf-8, utf-8-sig, gb18030, utf-16-le/-be; None for PDF and Word
    source_format: str = "txt"  # txt, html, pdf or docx
    container: dict[str, str] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """An input file that is not published, and why."""

    source_file: str
    sha256: str
    reason: str


def discover(seeds_dir: Path) -> list[Path]:
    """Every file directly in ``seeds_dir``, sorted by name (sub-folders are not read)."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir}")
    return sorted(p for p in seeds_dir.iterdir() if p.is_file())


def hash_file(path: Path) -> InputFile:
    """sha256 of a file, read in blocks (the bytes are not kept)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return InputFile(path=str(path), name=path.name, sha256=digest.hexdigest(), size=size)


def find_inputs(
    seeds_dir: Path,
    output: Path | None = None,
    hasher: Callable[[Path], InputFile] = hash_file,
) -> tuple[list[InputFile], list[Rejection]]:
    """Every input file with its hash (from ``hasher``: a run may remember unchanged files'
    hashes); a byte-identical copy of an earlier file (by name) is rejected here, so the
    same plan is never extracted twice in one run. Files in sub-folders are rejected
    (``in_subfolders``), except in ``output`` (the run's own output folder, when it lies
    inside ``seeds_dir``)."""
    inputs: list[InputFile] = []
    rejected: list[Rejection] = []
    first: dict[str, str] = {}
    files = discover(seeds_dir)
    provenance, rejected = sidecars(files)
    for path in files:
        if is_sidecar(path):
            continue
        item = hasher(path)
        if path.name in provenance:
            item = InputFile(item.path, item.name, item.sha256, item.size, provenance[path.name])
        if item.sha256 in first:
            reason = f"duplicate of {first[item.sha256]} (identical bytes)"
            rejected.append(Rejection(item.name, item.sha256, reason))
            continue
        first[item.sha256] = item.name
        inputs.append(item)
    return inputs, rejected + in_subfolders(seeds_dir, output)


def sidecars(files: list[Path]) -> tuple[dict[str, tuple[tuple[str, str], ...]], list[Rejection]]:
    """Provenance by plan file name, from the sidecars among ``files``; a sidecar that
    cannot be read or has no plan beside it is listed as rejected, with the reason."""
    names = {p.name for p in files}
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    rejected: list[Rejection] = []
    for path in files:
        if not is_sidecar(path):
            continue
        plan = plan_of(path).name
        try:
            if plan not in names:
                raise ValueError(f"sidecar of {plan}, which is not in the seeds folder")
            found[plan] = read_sidecar(path)
        except (ValueError, OSError) as error:
            rejected.append(Rejection(path.name, hash_file(path).sha256, str(error)))
    return found, rejected


def in_subfolders(seeds_dir: Path, output: Path | None = None) -> list[Rejection]:
    """Files inside sub-folders of ``seeds_dir``, which are not read: listed as rejected
    (named by their path inside ``seeds_dir``), so that none is left out unannounced.
    Hidden folders (``.git``) and the run's own ``output`` folder hold no inputs."""
    skip = output.resolve() if output else None
    return [
        Rejection(
            source_file=path.relative_to(seeds_dir).as_posix(),
            sha256=hash_file(path).sha256,
            reason=f"in a sub-folder ({path.relative_to(seeds_dir).parts[0]}/); "
            "only files directly in the seeds folder are read",
        )
        for folder in sorted(p for p in seeds_dir.iterdir() if p.is_dir())
        if not folder.name.startswith(".") and folder.resolve() != skip
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def read_source(path: Path) -> Source:
    """Bytes and sha256 of one input file (a file over the size limit is hashed in blocks
    and its bytes are not kept: ``decode`` rejects it)."""
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        item = hash_file(path)
        return Source(name=path.name, sha256=item.sha256, size=item.size, data=b"")
    data = path.read_bytes()
    return Source(
        name=path.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data
    )


def sniff(data: bytes, name: str) -> str:
    """The format of an input by its first bytes: pdf, docx (any zip), ole, rtf, image:KIND,
    mhtml (a page saved as one file), html or txt (the name only tells a page from text
    when the bytes allow both)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    for magic, kind in IMAGES.items():
        if data.startswith(magic):
            return f"image:{kind}"
    if is_mhtml(head):
        return "mhtml"
    if HTML_START.match(head) or (
        name.lower().endswith(HTML_SUFFIXES) and re.search(rb"<(?:p|div|body|table)\b", data, re.I)
    ):
        return "html"
    return "txt"


def _reader(kind: str) -> Callable[[bytes], Reading]:
    """The reader of ``kind``: PDF and Word in a child process with memory and time caps
    (``isolate``), web pages and text here (imported when first needed)."""
    if kind in ("pdf", "docx"):
        from pipeline.read.isolate import run_isolated

        return functools.partial(run_isolated, kind)
    if kind == "html":
        from pipeline.read.html import read_html

        return read_html
    if kind == "mhtml":
        from pipeline.read.mhtml import read_mhtml

        return read_mhtml
    from pipeline.read.txt import read_txt

    return read_txt


def decode(source: Source) -> Decoded | Rejection:
    """Read ``source`` with the reader its content calls for; reject what cannot be read."""

    def reject(reason: str) -> Rejection:
        return Rejection(source_file=source.name, sha256=source.sha256, reason=reason)

    if source.size == 0:
        return reject("empty file (0 bytes)")
    if source.size > MAX_INPUT_BYTES:
        return reject(f"file of {source.size:,} bytes exceeds the limit of {MAX_INPUT_BYTES:,}")
    kind = sniff(source.data, source.name)
    legacy = load_yaml("readers.yaml")["legacy"]
    if kind in ("ole", "rtf"):
        return reject(legacy[kind])
    if kind.startswith("image:"):
        return reject(legacy["image"].format(what=kind[6:]))
    try:
        reading = _reader(kind)(source.data)
    except Unreadable as error:
        return reject(str(error))
    except (MemoryError, RecursionError) as error:  # a hostile file: reject it, go on
        return reject(f"{kind} file too complex to read ({type(error).__name__})")
    return Decoded(
        source=source,
        text=reading.text,
        encoding=reading.encoding if kind in ("txt", "html", "mhtml") else None,
        source_format="html" if kind == "mhtml" else kind,  # a page, saved as one file
        container=dict(reading.container),
        page_starts=reading.page_starts,
    )
