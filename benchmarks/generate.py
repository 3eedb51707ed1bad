"""Synthetic corpora of N distinct plans, made from the real seed plans, for benchmarking.

Why synthetic: there are five real plans, and the flow's cost has to be known at 100, 1,000
and 10,000 plans before the real corpus grows that large. Copies of the seeds would not do:
the release keys documents by the sha256 of their bytes, so identical copies would collapse
into one document (and a future extraction cache would make them free). So plan ``i`` is seed
``i mod 5`` (round-robin over ``seeds/*.txt``) with

* its jurisdiction renamed: the name before 法治 in its title line (海口市, 西安区, 大渡口区,
  XX市) is replaced everywhere by a Chinese-looking name built from a syllable list plus the
  same admin suffix (市/区/县), unique per plan index; the bare stem (海口 in 法治海口) is
  renamed too, unless it is a mask (XX), which stays a mask;
* some Arabic numbers varied: percentages (90% -> 85%..95%, capped at 100%) and small counts
  before a measure word (至少1次, 4个) -> 1..9. Years, dates, document numbers, hotlines and
  heading numbers (lines starting with ``1.``) are never touched, nor is the title line, so
  the plans stay well-formed and extract like their seed.

Plan ``i`` depends only on (seed files, ``i``, ``--seed``): a corpus of N+1 plans is the corpus
of N plus one file, which is what the incremental benchmark needs.

``python -m benchmarks.generate --plans N --out DIR`` writes ``DIR/plans/*.txt`` (pass that
folder to ``--seeds``) and ``DIR/manifest.json``. The manifest lives outside ``plans/`` because
the flow reads every file in its input folder and would reject a JSON file as a bad input. If
``DIR`` already holds exactly that corpus (same parameters, same seed files, same bytes), it is
reused as is; otherwise only the files that differ are rewritten and extra files removed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1  # bump when the output of generate_plan changes for the same inputs
REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO / "seeds"
PLANS_SUBDIR = "plans"
MANIFEST = "manifest.json"
NAME_WIDTH = 6  # plan_000042.txt: zero-padded so the flow's sorted discovery keeps index order

# Characters common in Chinese place names. Excluded on purpose: every character of a
# province's name or short form (海, 南, 西, 安, 宁, 江, 山, 河, ... so no generated name reads as a
# province and moves the plan's province), admin-suffix characters (市, 区, 县, 州, 旗, 盟, 省,
# 林, 新, 特, 地: 林区/新区/特区 are suffixes too), and characters of the words the title parser
# splits on (法治, 关于, 全面, 推进, 加快, 依法). tests: benchmarks/generate.py --check.
SYLLABLES = (
    "阳平昌兴丰泰华清源德永长桥城峰乐和明禾宜鹤梅桐柳松岚溪泉潭峪岭坪庄营堡原田"
    "石金玉银富顺康祥瑞嘉茂盛隆怀仁义信文武英定靖绥凤鹿白黄红秀涟沅桂浦郁岳"
)
ADMIN_SUFFIXES = ("市", "区", "县")
MASK = re.compile(r"(?:[XxＸｘ×]{2,}|\*{2,}|＊{2,}|○{2,})")

TITLE_MAX = 60
HEADING_PREFIX = re.compile(r"^[ \t\u3000]*\d{1,3}[.．、]")
PERCENT = re.compile(r"(?<![\d.．·/:：\-－])(\d{1,3})(?=[ \t]?[%％])")
COUNT = re.compile(r"(?<![\d.．·/:：\-－〔])([1-9])(?=[ \t]?[个次名家项所天条件场批类支期轮])")


@dataclass(frozen=True)
class Seed:
    """One real plan used as a template."""

    name: str
    data: bytes
    text: str
    encoding: str
    jurisdiction: str  # e.g. 海口市
    stem: str  # e.g. 海口 ("" when masked, e.g. XX市)
    suffix: str  # 市, 区 or 县
    title_line: int  # index in text.split("\n")


def _decode(data: bytes) -> tuple[str, str]:
    """Same accepted encodings as pipeline.read.ingest: the output is re-encoded like its seed."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def _title_jurisdiction(text: str, name: str) -> tuple[int, str, str, str]:
    """The title line (first short line with 法治 and no sentence punctuation) and the name
    before 法治 in it, split into stem and admin suffix."""
    for i, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if "法治" not in line or len(line) > TITLE_MAX or re.search(r"[,，。;；:：]", line):
            continue
        head = re.sub(r"^(?:中共|中国共产党)", "", line.split("法治", 1)[0])
        m = re.fullmatch(r"(.+?)([市区县])", head)
        if m:
            stem = "" if MASK.fullmatch(m[1]) else m[1]
            return i, head, stem, m[2]
    raise ValueError(f"{name}: no title line with a 市/区/县 jurisdiction before 法治")


def load_seeds(seeds_dir: Path = DEFAULT_SEEDS) -> list[Seed]:
    """The seed plans, sorted by file name, with their jurisdictions."""
    seeds = []
    for path in sorted(seeds_dir.glob("*.txt")):
        data = path.read_bytes()
        text, encoding = _decode(data)
        line, jurisdiction, stem, suffix = _title_jurisdiction(text, path.name)
        seeds.append(Seed(path.name, data, text, encoding, jurisdiction, stem, suffix, line))
    if not seeds:
        raise FileNotFoundError(f"no seed plans (*.txt) in {seeds_dir}")
    return seeds


def place_stem(index: int, seed: int = 0) -> str:
    """A unique, deterministic, Chinese-looking stem for plan ``index``.

    Stems are two distinct syllables for the first S*(S-1) indices (S = number of syllables),
    three distinct syllables after that. An affine permutation of the index (multiplier
    coprime to the range) scatters consecutive indices over the names, so neighbouring plans
    do not share a first syllable; it is a bijection on each range, hence unique names.
    """
    s = len(SYLLABLES)
    offset = 0
    for width in (2, 3):
        space = 1
        for j in range(width):
            space *= s - j
        if index - offset < space:
            k = (7919 * (index - offset) + 104729 * (seed + 1)) % space
            pool, chars = list(SYLLABLES), []
            for _ in range(width):
                k, r = divmod(k, len(pool))
                chars.append(pool.pop(r))
            return "".join(chars)
        offset += space
    raise ValueError(f"plan index {index} too large (max {offset - 1})")


def _vary_numbers(line: str, rng: random.Random) -> str:
    """Vary about half of the percentages (±5 points, 1..100) and small counts (1..9)."""

    def percent(m: re.Match[str]) -> str:
        value = int(m[1])
        if value > 100 or rng.random() < 0.5:
            return m[1]
        return str(min(100, max(1, value + rng.randint(-5, 5))))

    def count(m: re.Match[str]) -> str:
        return m[1] if rng.random() < 0.5 else str(rng.randint(1, 9))

    return COUNT.sub(count, PERCENT.sub(percent, line))


def generate_plan(seeds: list[Seed], index: int, seed: int = 0) -> tuple[str, bytes]:
    """File name and bytes of plan ``index`` of the corpus."""
    template = seeds[index % len(seeds)]
    rng = random.Random(f"{GENERATOR_VERSION}:{seed}:{index}")
    stem = place_stem(index, seed)
    text = template.text.replace(template.jurisdiction, stem + template.suffix)
    if template.stem:
        text = text.replace(template.stem, stem)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i == template.title_line:
            continue
        head = HEADING_PREFIX.match(line)
        cut = head.end() if head else 0
        lines[i] = line[:cut] + _vary_numbers(line[cut:], rng)
    name = f"plan_{index:0{NAME_WIDTH}d}.txt"
    return name, "\n".join(lines).encode(template.encoding)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(seeds: list[Seed], plans: int, seed: int, files: dict[str, str]) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "plans": plans,
        "seed": seed,
        "seed_files": {s.name: _sha(s.data) for s in seeds},
        "files": files,
    }


def _matches(out: Path, expected: dict) -> bool:
    """Whether ``out`` already holds exactly the corpus the manifest ``expected`` describes."""
    path = out / MANIFEST
    if not path.is_file():
        return False
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    params = ("generator_version", "plans", "seed", "seed_files")
    if any(found.get(k) != expected[k] for k in params):
        return False
    plans_dir = out / PLANS_SUBDIR
    on_disk = {p.name for p in plans_dir.iterdir()} if plans_dir.is_dir() else set()
    files = found.get("files", {})
    if on_disk != set(files):
        return False
    return all(_sha((plans_dir / n).read_bytes()) == h for n, h in files.items())


def write_plan(out: Path, seeds: list[Seed], index: int, seed: int = 0) -> Path:
    """Write plan ``index`` into ``out/plans`` (if its bytes differ) and return its path."""
    name, data = generate_plan(seeds, index, seed)
    path = out / PLANS_SUBDIR / name
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def ensure_corpus(
    out: Path, plans: int, seed: int = 0, seeds_dir: Path = DEFAULT_SEEDS
) -> tuple[Path, bool]:
    """Make ``out`` hold exactly the corpus (plans, seed); return its plans folder and whether
    it was reused untouched."""
    seeds = load_seeds(seeds_dir)
    generated = [generate_plan(seeds, i, seed) for i in range(plans)]
    files = {name: _sha(data) for name, data in generated}
    manifest = _manifest(seeds, plans, seed, files)
    plans_dir = out / PLANS_SUBDIR
    if _matches(out, manifest):
        return plans_dir, True
    if len(set(files)) != plans or len(set(files.values())) != plans:
        raise AssertionError("generated plans are not all distinct")
    plans_dir.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # a half-written corpus must not look complete
    for stale in plans_dir.iterdir():
        if stale.name not in files:
            stale.unlink()
    for name, data in generated:
        path = plans_dir / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return plans_dir, False


def extend_corpus(out: Path, seed: int = 0, seeds_dir: Path = DEFAULT_SEEDS) -> Path:
    """Add the next plan (index N) to the N-plan corpus in ``out``; the manifest then says N+1
    (true: plan i depends only on i). Returns the new file."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("seed") != seed:
        raise ValueError(f"{out} was generated with seed {manifest.get('seed')}, not {seed}")
    seeds = load_seeds(seeds_dir)
    index = manifest["plans"]
    path = write_plan(out, seeds, index, seed)
    updated = _manifest(
        seeds, index + 1, seed, {**manifest["files"], path.name: _sha(path.read_bytes())}
    )
    (out / MANIFEST).write_text(json.dumps(updated, ensure_ascii=False, indent=1), "utf-8")
    return path


def check(seeds_dir: Path = DEFAULT_SEEDS) -> list[str]:
    """Self-check of the name rules (``--check``): problems found, empty when all is well."""
    import yaml

    places = yaml.safe_load((REPO / "vocab" / "places.yaml").read_text(encoding="utf-8"))
    forbidden = set("".join(places["admin_suffixes"]))
    for name, short in places["provinces"].items():
        forbidden |= set(name) | set("".join(short))
    forbidden |= set("法治关于全面推进加快依法")
    problems = [f"syllable {c} is forbidden" for c in SYLLABLES if c in forbidden]
    if len(set(SYLLABLES)) != len(SYLLABLES):
        problems.append("duplicate syllables")
    stems = [place_stem(i) for i in range(20_000)]
    if len(set(stems)) != len(stems):
        problems.append("place stems are not unique")
    for s in load_seeds(seeds_dir):
        problems += [] if s.jurisdiction else [f"{s.name}: no jurisdiction"]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--plans", type=int, help="number of plans N")
    parser.add_argument("--out", type=Path, help="corpus folder (plans go to OUT/plans)")
    parser.add_argument("--seed", type=int, default=0, help="variation seed (default 0)")
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS, help="real plans")
    parser.add_argument("--check", action="store_true", help="self-check the naming rules")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.seeds_dir)
        print("\n".join(problems) or "ok")
        return 1 if problems else 0
    if args.plans is None or args.out is None or args.plans < 1:
        parser.error("--plans N (>= 1) and --out DIR are required")
    plans_dir, reused = ensure_corpus(args.out, args.plans, args.seed, args.seeds_dir)
    print(f"{'reused' if reused else 'wrote'} {args.plans} plans in {plans_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
