"""A release CSV file and its zip entry from staged parts: the rows copied, never deflated
again, and a part that lost an excluded plan's rows formatted and deflated at publish."""

from __future__ import annotations

import zlib

import pandas as pd

from pipeline.release.csvpieces import header_bytes, write_csv
from pipeline.release.pieces import FINAL, combined
from pipeline.release.staging import StagedTables, write_part
from tests.release.frames import links


def test_csv_file_and_zip_entry_from_parts_minus_excluded_plans(tmp_path):
    staging = tmp_path / "staging"
    frames = [links("d0", 4), pd.concat([links("d1", 3), links("dup", 2)]), links("d2", 0)]
    for n, frame in enumerate(frames):
        write_part(staging, n, "measure_agencies", frame)
    tables = StagedTables(staging, ["measure_agencies"], excluded_docs={"dup"})
    rows, pieces = write_csv("measure_agencies", tables, tmp_path / "out.csv")
    written = (tmp_path / "out.csv").read_bytes()
    parts = [(staging / "measure_agencies" / f"part-{n:06d}.csv").read_bytes() for n in (0, 1)]
    header = header_bytes("measure_agencies")
    assert parts[0].startswith(header) and written.startswith(header)
    kept = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig", keep_default_na=False)
    assert rows == len(kept) == 7 and "dup" not in set(kept["doc_id"])
    assert written.startswith(parts[0])  # the first part's bytes copied as they are
    assert kept["name_raw"].tolist()[:2] == ["=区法院", '市司法局 & <法院>, "宪法"']  # quoted
    entry = b"".join(p.data if p.data is not None else read(p) for p in pieces) + FINAL
    assert zlib.decompress(entry, -15) == written
    assert combined(pieces)[:2] == (zlib.crc32(written), len(written))
    assert [p.path is not None for p in pieces] == [False, True, False, True]


def read(piece) -> bytes:
    with piece.path.open("rb") as fh:
        fh.seek(piece.offset)
        return fh.read(piece.length)


def test_the_zip_entry_has_the_same_bytes_whatever_the_batches(tmp_path):
    """Each plan's rows are deflated on their own, so batching changes no byte."""
    plans = [links(f"d{i}", n) for i, n in enumerate((3, 0, 5, 1, 4))]
    entries = []
    for name, groups in (("one", [plans]), ("three", [plans[:1], plans[1:4], plans[4:]])):
        staging = tmp_path / name
        for n, group in enumerate(groups):
            write_part(staging, n, "measure_agencies", pd.concat(group))
        _, pieces = write_csv(
            "measure_agencies",
            StagedTables(staging, ["measure_agencies"]),
            tmp_path / f"{name}.csv",
        )
        entries.append(b"".join(p.data if p.data is not None else read(p) for p in pieces))
    assert entries[0] == entries[1]
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "three.csv").read_bytes()


def test_only_the_batches_that_staged_an_excluded_plan_are_read_again(tmp_path):
    staging = tmp_path / "staging"
    frames = [links("d0", 4), pd.concat([links("d1", 3), links("dup", 2)])]
    for n, frame in enumerate(frames):
        write_part(staging, n, "measure_agencies", frame)
    # batch 0 cannot hold the duplicate: its Parquet part is not read, only copied
    (staging / "measure_agencies" / "part-000000.parquet").write_bytes(b"not read")
    tables = StagedTables(
        staging, ["measure_agencies"], excluded_docs={"dup"}, excluded_batches={1}
    )
    parts = dict(tables.csv_parts("measure_agencies"))
    assert [frame is None for frame in parts.values()] == [True, False]
    assert set(parts[staging / "measure_agencies" / "part-000001.csv"]["doc_id"]) == {"d1"}
    rows, _ = write_csv("measure_agencies", tables, tmp_path / "out.csv")
    assert rows == 7
