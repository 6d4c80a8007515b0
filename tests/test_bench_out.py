"""Every bench writes its JSON only where ``--out`` says, through the one helper
bench/_results.py (newuser3 F20; ux8 fixed two benches by hand). docs/reliability.md
"Session 13 (leftovers)"."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def test_every_bench_takes_out_from_the_one_helper_and_writes_through_it():
    writers = []
    for path in sorted(BENCH.glob("*.py")):
        if path.name == "_results.py":
            continue
        calls = _calls(path)
        own_out = [c for c in calls if _name(c) == "add_argument" and c.args
                   and isinstance(c.args[0], ast.Constant) and c.args[0].value == "--out"]  # fmt: skip
        assert not own_out, f"{path.name}: its own --out option; use _results.add_out"
        if any(_name(c) == "add_out" for c in calls):
            writers.append(path.name)
            assert any(_name(c) == "write_result" for c in calls), path.name
        text = path.read_text()
        assert "Writes bench/results/" not in text, f"{path.name}: the docstring says it writes"
    assert {"inference.py", "kv_cache.py", "ddp.py", "similarity.py", "scale.py"} <= set(writers)


def test_a_bench_run_without_out_prints_only(tmp_path):
    tracked = BENCH / "results" / "kv_cache.json"
    before = tracked.read_bytes() if tracked.exists() else None
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "bench/kv_cache.py", "--batch", "2", "--history", "4", "--steps", "3",
            "--threads", "1"]  # fmt: skip
    r = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "not written (pass --out FILE; --out bench/results/kv_cache.json replaces" in r.stdout
    assert (tracked.read_bytes() if tracked.exists() else None) == before
    out = tmp_path / "sub" / "k.json"
    r = subprocess.run([*args, "--out", str(out)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"wrote {out}" in r.stdout and '"speedup"' in out.read_text()
    assert (tracked.read_bytes() if tracked.exists() else None) == before


def test_scale_keep_results_needs_out():
    r = subprocess.run([sys.executable, "bench/scale.py", "--points", "1000", "--keep-results"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode != 0 and "--keep-results adds rows to --out's old ones" in r.stderr
