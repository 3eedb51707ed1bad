"""Find the input plans, read their bytes, hash them and decode them, or say why not.

Raw inputs are never modified. Each file either becomes a decoded plan or a rejection that
names the file and the reason, so a release accounts for every input it was given. Only
UTF-8 (with or without BOM) and GB18030 are accepted; anything else is rejected rather than
guessed, because a wrong guess would publish mojibake as if it were the plan's words.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

ACCEPTED_SUFFIX = ".txt"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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


@dataclass(frozen=True)
class Decoded:
    """An input file decoded to text."""

    source: Source
    text: str
    encoding: str  # utf-8, utf-8-sig or gb18030


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
    seeds_dir: Path, output: Path | None = None
) -> tuple[list[InputFile], list[Rejection]]:
    """Every input file with its hash; a byte-identical copy of an earlier file (by name)
    is rejected here, so the same plan is never extracted twice in one run. Files in
    sub-folders are rejected (``in_subfolders``), except in ``output`` (the run's own
    output folder, when it lies inside ``seeds_dir``)."""
    inputs: list[InputFile] = []
    rejected: list[Rejection] = []
    first: dict[str, str] = {}
    for path in discover(seeds_dir):
        item = hash_file(path)
        if item.sha256 in first:
            reason = f"duplicate of {first[item.sha256]} (identical bytes)"
            rejected.append(Rejection(item.name, item.sha256, reason))
            continue
        first[item.sha256] = item.name
        inputs.append(item)
    return inputs, rejected + in_subfolders(seeds_dir, output)


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
    """Bytes and sha256 of one input file."""
    data = path.read_bytes()
    return Source(
        name=path.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data
    )


def decode(source: Source) -> Decoded | Rejection:
    """Decode as UTF-8 (BOM allowed) or GB18030; reject anything else with the reason."""

    def reject(reason: str) -> Rejection:
        return Rejection(source_file=source.name, sha256=source.sha256, reason=reason)

    suffix = Path(source.name).suffix
    if suffix.lower() != ACCEPTED_SUFFIX:
        return reject(f"not a .txt file (suffix {suffix or 'none'!r}); plans must be plain text")
    if source.size == 0:
        return reject("empty file (0 bytes)")
    if source.data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return reject("UTF-16 text (byte-order mark); only UTF-8 and GB18030 are accepted")
    if b"\x00" in source.data:
        return reject("binary content (NUL bytes); UTF-16 and binary files are not accepted")
    try:
        if source.data.startswith(b"\xef\xbb\xbf"):
            text, encoding = source.data.decode("utf-8-sig"), "utf-8-sig"
        else:
            text, encoding = source.data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text, encoding = source.data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_error:
            return reject(
                "not valid UTF-8 or GB18030 text (UTF-8 fails at byte "
                f"{utf8_error.start}, GB18030 at byte {gb_error.start})"
            )
    controls = len(CONTROL.findall(text))
    if controls > max(2, len(text) // 1000):
        return reject(f"binary content ({controls} control characters after decoding)")
    if not text.strip():
        return reject("no text (only whitespace)")
    return Decoded(source=source, text=text, encoding=encoding)
