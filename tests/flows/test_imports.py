"""Start-up: the flow imports only what every run needs; heavy libraries wait for their step.

Launch to exit of a rerun with nothing new is mostly start-up, so a library imported at the
top of the flow's modules is paid by every run, even one that validates nothing (Great
Expectations, ~3 s), reads no PDF or Word file, builds no workbook and uses no Dask.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import REPO

# each is imported where its step runs, and only when that step has work
ON_DEMAND = (
    "great_expectations",  # validating rows no earlier run validated
    "frictionless",  # validating a batch's CSV part or a written release
    "dask",  # --runner dask
    "distributed",
    "prefect_dask",
    "matplotlib",  # the benchmark chart
    "openpyxl",  # workbooks
    "xlsxwriter",
    "sqlite_utils",
    "datasette",
    "pdfplumber",  # input formats other than text
    "docx",
    "trafilatura",
    "sklearn",
    "jieba",
    "pipeline.extract.plan",  # extracting a plan no cached batch holds
    "pipeline.themes.place",
    "scipy.optimize",
    "cn2an",
)


def test_importing_the_flow_loads_no_library_a_run_may_not_need():
    code = (
        "import json, sys, flows.main; "
        f"print(json.dumps([m for m in {list(ON_DEMAND)!r} if m in sys.modules]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
