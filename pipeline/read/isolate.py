"""Run a reader in a child process with a memory cap and a time limit.

The PDF and Word parsers are large libraries fed with bytes from anywhere: a hostile file
can make one loop on a single page or allocate without bound, beyond the reach of the
readers' own checks between pages. In a child process (``python -m pipeline.read.isolate
KIND BYTES``, bytes on stdin, the pickled result on stdout) a runaway reader is killed at the
time limit, and its address space is capped, so the run goes on and the file is rejected
with the reason. A plain subprocess (not multiprocessing) works inside every worker kind,
including Dask's daemonic ones.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.read.base import Reading, Unreadable

MEMORY_LIMIT = 1536 << 20  # address space of the child: well under 2 GB
TIME_LIMIT = 90.0  # seconds for the whole child, above the readers' own 60 s deadline
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds pipeline/


def run_isolated(kind: str, data: bytes) -> Reading:
    """``kind``'s reader on ``data`` in a child process; ``Unreadable`` when it fails, is
    killed at the time limit or runs out of its memory."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline.read.isolate", kind, str(MEMORY_LIMIT)],
            input=data,
            capture_output=True,
            timeout=TIME_LIMIT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Unreadable(
            f"reading the {kind} file took longer than {TIME_LIMIT:g} s; stopped"
        ) from None
    if proc.returncode != 0 or not proc.stdout:  # out of memory shows as many errors
        last = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        raise Unreadable(
            f"reading the {kind} file stopped (exit {proc.returncode}) within its limit of "
            f"{MEMORY_LIMIT >> 20} MB of memory: {last[:200] or 'no message'}"
        )
    status, value = pickle.loads(proc.stdout)
    if status == "unreadable":
        raise Unreadable(value)
    return value


def _reader(kind: str) -> Callable[[bytes], Reading]:
    if kind == "pdf":
        from pipeline.read.pdf import read_pdf

        return read_pdf
    from pipeline.read.docx import read_docx

    return read_docx


def main() -> None:
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    try:
        result: tuple[str, object] = ("ok", _reader(sys.argv[1])(data))
    except Unreadable as error:
        result = ("unreadable", str(error))
    except (MemoryError, RecursionError) as error:
        result = ("unreadable", f"{sys.argv[1]} file too complex to read ({type(error).__name__})")
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
