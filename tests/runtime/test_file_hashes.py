"""Input hashes remembered between runs: reused only while a file's stat is unchanged."""

from __future__ import annotations

import hashlib
import os

from pipeline.read.ingest import find_inputs
from pipeline.runtime.file_hashes import FileHashes


def test_a_hash_is_reused_only_while_size_mtime_and_inode_are_the_same(tmp_path):
    seeds, cache = tmp_path / "seeds", tmp_path / "cache"
    seeds.mkdir()
    plan = seeds / "a.txt"
    plan.write_text("一、总体要求", encoding="utf-8")
    first = FileHashes(cache)
    items, _ = find_inputs(seeds, None, first.hash)
    first.save()
    assert items[0].sha256 == hashlib.sha256(plan.read_bytes()).hexdigest()

    stat = plan.stat()  # same size, mtime and inode, other bytes: the signature cannot tell
    plan.write_text("二、主要任务", encoding="utf-8")
    os.utime(plan, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    remembered = FileHashes(cache).hash(plan)
    assert remembered.sha256 == items[0].sha256  # as with git: a known limit

    plan.write_text("二、主要任务。", encoding="utf-8")  # a change of size or mtime is seen
    again = FileHashes(cache)
    assert again.hash(plan).sha256 == hashlib.sha256(plan.read_bytes()).hexdigest()


def test_an_unreadable_memo_means_hashing_again(tmp_path):
    (tmp_path / "file-hashes.json").write_text("{not json", encoding="utf-8")
    plan = tmp_path / "p.txt"
    plan.write_bytes(b"x")
    assert FileHashes(tmp_path).hash(plan).sha256 == hashlib.sha256(b"x").hexdigest()
