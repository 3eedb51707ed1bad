"""The release's zip archive, composed from what is already written or compressed.

CSV entries are their files' deflate pieces joined (``csvpieces.write_csv``); Parquet
files and the workbook are compressed already, so they are STORED; the small JSON and
Markdown files are deflated here. The SQLite database is left out: stored it would add
gigabytes at the scale of the country, deflated it costs many seconds per release; it is
a file of its own beside the zip (the release's README says so). Entries sit under
``rule-of-law-plans-<version>/`` in the order given.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.release.pieces import Piece
from pipeline.release.zipwriter import ZipWriter

STORED_SUFFIXES = (".parquet", ".xlsx")  # compressed already: deflating them gains nothing


def write_release_zip(
    path: Path, root: str, folder: Path, files: list[Path], pieces: dict[Path, list[Piece]]
) -> None:
    """Write the zip ``path`` of ``files`` (in ``folder``) under ``root/``; a file in
    ``pieces`` is written from those pieces, not from its bytes."""
    with ZipWriter(path) as archive:
        for file in files:
            name = f"{root}/{file.relative_to(folder).as_posix()}"
            if file in pieces:
                archive.add_pieces(name, pieces[file])
            elif file.suffix in STORED_SUFFIXES:
                archive.add_stored(name, file)
            else:
                archive.add_bytes(name, file.read_bytes())
