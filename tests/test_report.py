"""scripts/_report.py: the results scripts' shared JSON + Markdown writing. The tables of
beat_baselines.py, gated_blend.py and tte_residual.py are byte for byte those of the code
before the helper (tests/data/report_reference.json, recorded from the scripts at commit
fe3ae16 by ``python tests/test_report.py --record DIR_WITH_THOSE_SCRIPTS``)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from test_results_scripts import load_script

REFERENCE = Path(__file__).parent / "data" / "report_reference.json"
SCRIPTS = ("beat_baselines", "gated_blend", "tte_residual")

CI = {"diff": -3.14159, "lo": -5.5, "hi": -0.75, "rel": -0.0423, "n": 40}
CI2 = {"diff": 0.5, "lo": -1.25, "hi": 2.0, "rel": 0.01, "n": 40}
BEAT_META = {
    "data": "store",
    "split": "val",
    "n_trajectories": 40,
    "knn": {"n_neighbors": 10, "history": 5},
    "best_baseline": "kNN continuation",
}
BEAT_ROWS = [
    {
        "method": "constant velocity",
        "kind": "baseline",
        "mae_m": 150.04,
        "rmse_m": 201.55,
        "fde_m": 250.0,
    },
    {
        "method": "kNN continuation",
        "kind": "baseline",
        "mae_m": 120.25,
        "rmse_m": 180.0,
        "fde_m": 200.75,
    },
    {
        "method": "trajlm: a",
        "kind": "model",
        "n_seeds": 3,
        "n_params": 123456,
        "train_s": [1.0, None],
        "latency_ms_per_traj": 1.23456,
        "mae_m": 117.1,
        "mae_m_std": 2.05,
        "rmse_m": 170.0,
        "rmse_m_std": 0.0,
        "fde_m": 190.0,
        "fde_m_std": 3.3333,
        "vs_best_baseline": {"baseline": "kNN continuation", **CI},
    },
    {
        "method": "trajlm: b",
        "kind": "model",
        "n_seeds": 3,
        "n_params": 99,
        "train_s": [None],
        "latency_ms_per_traj": 0.5,
        "mae_m": 118.0,
        "mae_m_std": 1.0,
        "rmse_m": 171.0,
        "rmse_m_std": 1.0,
        "fde_m": 191.0,
        "fde_m_std": 1.0,
        "vs_best_baseline": {"baseline": "kNN continuation", **CI},
        "vs_first_arm": {"arm": "trajlm: a", **CI2},
    },
    {
        "method": "trajlm: a (3-seed ensemble)",
        "kind": "ensemble",
        "n_params": 370368,
        "latency_ms_per_traj": 3.7,
        "mae_m": 115.0,
        "rmse_m": 169.0,
        "fde_m": 185.0,
        "vs_best_baseline": {"baseline": "kNN continuation", **CI},
    },
    {
        "method": "kNN + w (trajlm: a - kNN)",
        "kind": "blend",
        "n_seeds": 3,
        "blend_w": [0.4, 0.45, 0.5],
        "mae_m": 110.0,
        "mae_m_std": 0.5,
        "rmse_m": 160.0,
        "rmse_m_std": 0.25,
        "fde_m": 180.0,
        "fde_m_std": 0.125,
        "vs_best_baseline": {"baseline": "kNN continuation", **CI},
    },
]
GATED_META = {
    "data": "store",
    "split": "test",
    "n_trajectories": 40,
    "n_fit_windows": 160,
    "knn": {"n_neighbors": 10, "history": 5},
}
GATED_ROWS = [
    {
        "method": "kNN continuation",
        "mae_m": 120.0,
        "mae_m_std": 0.0,
        "fde_m": 200.0,
        "fde_m_std": 0.0,
        "n_seeds": 1,
        "vs_knn": {**CI, "diff": 0.0},
    },
    {
        "method": "trajlm (per seed)",
        "mae_m": 121.5,
        "mae_m_std": 2.25,
        "fde_m": 201.0,
        "fde_m_std": 3.0,
        "n_seeds": 3,
        "vs_knn": CI2,
    },
    {
        "method": "single-w blend (per seed)",
        "mae_m": 115.5,
        "mae_m_std": 1.25,
        "fde_m": 190.0,
        "fde_m_std": 1.0,
        "n_seeds": 3,
        "vs_knn": CI,
        "w": [0.3, 0.35, 0.4],
    },
    {
        "method": "gated blend (ensemble, ade, alpha 0.1)",
        "mae_m": 113.0,
        "mae_m_std": 0.0,
        "fde_m": 188.0,
        "fde_m_std": 0.0,
        "n_seeds": 1,
        "vs_knn": CI,
        "gate_mean": 0.4567,
        "gate_std": 0.1234,
    },
]
TTE_META = {"data": "store", "split": "val", "n_trips": 40}
TTE_ROWS = [
    {
        "method": "gb",
        "n_seeds": 1,
        "head_params": 0,
        "fit_s": 0.25,
        "latency_ms_per_trip": 4.5,
        "mae_min": 7.4412,
        "mae_min_std": 0.0,
        "mape_pct": 36.87,
        "mape_pct_std": 0.0,
    },
    {
        "method": "residual l1 linear",
        "n_seeds": 2,
        "head_params": 3,
        "fit_s": 0.75,
        "latency_ms_per_trip": 3.398,
        "mae_min": 15.32,
        "mae_min_std": 7.59,
        "mape_pct": 94.5,
        "mape_pct_std": 50.39,
        "vs_gb": {"mae_min": CI, "mape_pct": CI2},
    },
]
TABLES = {
    "beat_baselines": (BEAT_ROWS, BEAT_META),
    "gated_blend": (GATED_ROWS, GATED_META),
    "tte_residual": (TTE_ROWS, TTE_META),
}


def _report():
    return load_script("_report")


def record(folder: Path) -> None:
    """Write the reference from the scripts in `folder` (the code before _report.py)."""
    out = {}
    for name, (rows, meta) in TABLES.items():
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        out[name] = mod.to_markdown(rows, meta)
    REFERENCE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", SCRIPTS)
def test_tables_are_unchanged(name):
    rows, meta = TABLES[name]
    want = json.loads(REFERENCE.read_text())[name]
    assert load_script(name).to_markdown(rows, meta) == want


def test_write_results_writes_json_markdown_and_prints(tmp_path, capsys):
    rep = _report()
    doc = {"meta": BEAT_META, "rows": BEAT_ROWS}
    for md, file_md in (("| a |\n|---|", "| a |\n|---|\n"), ("| b |\n", "| b |\n")):
        out = tmp_path / "sub" / "r.json"
        rep.write_results(out, doc, md)
        assert out.read_text() == json.dumps(doc, indent=2) + "\n"
        assert out.with_suffix(".md").read_text() == file_md  # one final newline either way
        assert capsys.readouterr().out == md + "\n"


def test_cells_and_seed_stats():
    rep = _report()
    assert rep.ci_text(CI) == "-3.1 [-5.5, -0.8] (-4.2 %)"
    assert rep.ci_text(CI2, 2, rel=False) == "+0.50 [-1.25, +2.00]"
    assert rep.pm(1.25, None) == "1.2" and rep.pm(1.0, 0.125, 3) == "1.000 ± 0.125"
    assert rep.weights_text([0.4, 0.455]) == " (w = 0.40, 0.46)"
    stats = rep.seed_stats([{"b": 1.0, "a": 2.0}, {"b": 3.0, "a": 2.0}])
    assert list(stats) == ["b", "b_std", "a", "a_std"]  # the JSON keeps the rows' order
    assert stats == {"b": 2.0, "b_std": 1.0, "a": 2.0, "a_std": 0.0}
    assert all(type(v) is float for v in stats.values())  # JSON-ready, not np.float64
    assert rep.seed_stats([{"x": np.float64(0.5)}])["x"] == 0.5


if __name__ == "__main__" and sys.argv[1:2] == ["--record"]:
    sys.path.insert(0, str(Path(__file__).parent))
    record(Path(sys.argv[2]))
