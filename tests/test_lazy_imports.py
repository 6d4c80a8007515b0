"""A command loads what it needs, no more (session 30, tidy30; docs/testing.md): `import
trajlm.cli` and `--help` load no polars / NumPy / torch (polars was half of the CLI's import:
0.16 of 0.33 CPU s), `trajlm data ingest` and `trajlm ask` (a data question) no torch, and
`trajlm predict` / `TrajLM.predict` on a model without a saved val verdict (trajlm-small) no
scikit-learn, SciPy or pandas (1.3 of a 3.9 CPU s predict). Each test runs one fresh interpreter:
the test worker has all of them loaded already. A new top-level import that breaks this fails
here; move it into the function that needs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "trajlm" / "checkpoints" / "trajlm-small" / "model.safetensors"
HEAVY = ("torch", "polars", "numpy", "pyarrow", "pandas", "scipy", "sklearn")

# Runs `trajlm ARGS` for each stage in one process; prints {stage: heavy modules loaded so far}.
_STAGES = """
import json, sys
HEAVY, STAGES = json.loads(sys.argv[1]), json.loads(sys.argv[2])
loaded = lambda: [m for m in HEAVY if m in sys.modules]
import trajlm.cli
seen = {"import trajlm.cli": loaded()}
for name, args in STAGES:
    if args == "api":
        import polars as pl, trajlm
        lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
        lm.predict(pl.read_csv(sys.argv[3]), steps=2)
    else:
        try:
            trajlm.cli.app(args, prog_name="trajlm")
        except SystemExit as e:
            assert not e.code, (name, e.code)
    seen[name] = loaded()
print(json.dumps(seen))
"""


def _loaded(stages: list[tuple[str, list[str] | str]], csv: Path) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _STAGES, json.dumps(HEAVY), json.dumps(stages), str(csv)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.splitlines()[-1])


def _points(tmp_path: Path) -> Path:
    """Three Porto taxis, 12 fixes 15 s apart each (where trajlm-small was trained)."""
    rows = [{"traj_id": f"taxi{k}", "t": 1_372_636_800 + 15 * i, "lat": 41.15 + 1e-4 * (i + k),
             "lon": -8.61 + 2e-4 * i} for k in range(3) for i in range(12)]  # fmt: skip
    path = tmp_path / "points.csv"
    pl.DataFrame(rows).write_csv(path)
    return path


def test_help_loads_no_data_library_and_ingest_no_torch(tmp_path: Path) -> None:
    csv = _points(tmp_path)
    store = str(tmp_path / "store")
    ingest = ["data", "ingest", str(csv), "--out", store]
    ask = ["ask", "how many trips are there", "--data", store, "--planner", "rules"]
    seen = _loaded([("--help", ["--help"]), ("data --help", ["data", "--help"]),
                    ("predict --help", ["predict", "--help"]), ("data ingest", ingest),
                    ("ask", ask)], csv)  # fmt: skip
    for stage in ("import trajlm.cli", "--help", "data --help", "predict --help"):
        assert seen[stage] == [], f"{stage} loaded {seen[stage]}"
    assert (tmp_path / "store" / "manifest.json").is_file()
    for stage in ("data ingest", "ask"):  # a question about the data: no model, no torch
        assert not {"torch", "sklearn", "scipy", "pandas"} & set(seen[stage]), seen


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_predict_without_a_verdict_loads_no_sklearn(tmp_path: Path) -> None:
    csv = _points(tmp_path)
    out = tmp_path / "pred.csv"
    cli = ["predict", "--model", "trajlm-small", "--input", str(csv), "--steps", "2", "--out",
           str(out), "--threads", "1"]  # fmt: skip
    seen = _loaded([("trajlm predict", cli), ("TrajLM.predict", "api")], csv)
    assert pl.read_csv(out).height == 3 * 2
    for stage in ("trajlm predict", "TrajLM.predict"):
        assert "torch" in seen[stage]  # it did predict
        assert not {"sklearn", "scipy", "pandas"} & set(seen[stage]), f"{stage}: {seen[stage]}"


# `trajlm divert` then `trajlm.divert` in one fresh process: divert runs no model (review35)
_DIVERT = """
import json, sys
import trajlm.cli
csv, out = sys.argv[1], sys.argv[2]
try:
    trajlm.cli.app(["divert", "--input", csv, "--order", "41.151,-8.607", "--out", out],
                   prog_name="trajlm")
except SystemExit as e:
    assert not e.code, e.code
seen = {"trajlm divert": [m for m in json.loads(sys.argv[3]) if m in sys.modules]}
import polars as pl, trajlm
ranked = trajlm.divert(pl.read_csv(csv), (41.151, -8.607))
seen["trajlm.divert"] = [m for m in json.loads(sys.argv[3]) if m in sys.modules]
print(json.dumps({"rows": ranked.height, **seen}))
"""


def test_divert_loads_no_torch(tmp_path: Path) -> None:
    """`trajlm divert` / `trajlm.divert` read fixes and orders, no model: torch (2.7 s to
    import) was loaded through api_checks, api_inputs and api_reach (review34's finding)."""
    csv, out = _points(tmp_path), tmp_path / "divert.csv"
    run = subprocess.run(
        [sys.executable, "-c", _DIVERT, str(csv), str(out), json.dumps(HEAVY)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["rows"] == 3 and pl.read_csv(out).height == 3  # three taxis ranked
    for stage in ("trajlm divert", "trajlm.divert"):
        assert not {"torch", "sklearn", "scipy"} & set(seen[stage]), f"{stage}: {seen[stage]}"
