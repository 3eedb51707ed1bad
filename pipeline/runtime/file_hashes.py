"""Input files' sha256, remembered between runs by their size, mtime and inode.

Every run identifies its inputs by the hash of their bytes (the cache keys, ``doc_id``,
duplicates), but reading and hashing 10,000 plans takes ~2 s, which a run that adds one plan
pays before doing anything. Like git's index, a file whose path, size, modification time
(nanoseconds) and inode are all unchanged since it was last hashed keeps its hash; any change
of these rehashes it. Kept in ``output/cache/file-hashes.json``; a missing or unreadable file
only means every input is hashed again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.read.ingest import InputFile, hash_file

FILE = "file-hashes.json"


class FileHashes:
    """``hash(path)`` that reads a file only when its stat signature is new."""

    def __init__(self, cache_root: Path) -> None:
        self.path = cache_root / FILE
        try:
            self.known: dict[str, list] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.seen: dict[str, list] = {}

    def hash(self, path: Path) -> InputFile:
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        key = str(path)  # the flow passes absolute paths
        entry = self.known.get(key)
        if isinstance(entry, list) and len(entry) == 4 and entry[:3] == signature:
            item = InputFile(path=str(path), name=path.name, sha256=entry[3], size=entry[0])
        else:
            item = hash_file(path)
        self.seen[key] = [*signature, item.sha256]
        return item

    def save(self) -> None:
        """Keep the signatures of the files hashed in this run (atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.seen, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
