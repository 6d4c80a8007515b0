"""Every bench writes its JSON only where ``--out`` says, through the one helper
bench/_results.py (newuser3 F20; ux8 fixed two benches by hand). docs/reliability.md
"Session 13 (leftovers)"."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import run_script

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


def test_a_bench_run_without_out_prints_only(tmp_path, monkeypatch, capsys):
    tracked = BENCH / "results" / "kv_cache.json"
    before = tracked.read_bytes() if tracked.exists() else None
    args = ["--batch", "2", "--history", "4", "--steps", "3", "--threads", "1"]
    # in this process (run_script: `python bench/kv_cache.py` as __main__, ~2.5 CPU s less each)
    code, out_, err = run_script(BENCH / "kv_cache.py", args, monkeypatch, capsys)
    assert code == 0, err
    assert "not written (pass --out FILE; --out bench/results/kv_cache.json replaces" in out_
    assert (tracked.read_bytes() if tracked.exists() else None) == before
    out = tmp_path / "sub" / "k.json"
    code, out_, err = run_script(BENCH / "kv_cache.py", [*args, "--out", out], monkeypatch, capsys)
    assert code == 0, err
    assert f"wrote {out}" in out_ and '"speedup"' in out.read_text()
    assert (tracked.read_bytes() if tracked.exists() else None) == before


def test_scale_keep_results_needs_out(monkeypatch, capsys):
    args = ["--points", "1000", "--keep-results"]
    code, _, err = run_script(BENCH / "scale.py", args, monkeypatch, capsys)
    assert code != 0 and "--keep-results adds rows to --out's old ones" in err
