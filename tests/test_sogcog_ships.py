"""scripts/ships_gen.py is deterministic and scripts/ships_results.py scores a tiny generated sea
(session 16, sogcog2: the ships table reproduced from the repo)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_results_scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "trajlm/checkpoints/trajlm-small/model.safetensors"


def _tiny(tmp_path: Path, seed: int, name: str) -> Path:
    gen = load_script("ships_gen")
    gen.write(gen.val(seed, n_vessels=3, hours=0.6), str(tmp_path / name))
    return tmp_path / name / f"val{seed}"


def test_ships_gen_is_deterministic_and_queries_match_truth(tmp_path):
    a, b, c = _tiny(tmp_path, 5, "a"), _tiny(tmp_path, 5, "b"), _tiny(tmp_path, 6, "c")
    for part in ("_ais.csv", "_queries.csv", "_truth.csv"):
        assert Path(f"{a}{part}").read_bytes() == Path(f"{b}{part}").read_bytes(), part
    assert (
        Path(f"{a}_ais.csv").read_bytes() != Path(f"{c}_ais.csv").read_bytes()
    )  # the seed matters
    q, t = pd.read_csv(f"{a}_queries.csv"), pd.read_csv(f"{a}_truth.csv")
    assert q["query"].nunique() >= 2 and set(q["query"]) == set(t["query"])
    assert sorted(t.sec.unique()) == [60, 120, 300, 600]
    assert q.groupby("query").size().min() >= 10 and q[["SOG", "COG"]].notna().all().all()


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_ships_results_scores_a_tiny_sea(tmp_path):
    res = load_script("ships_results")
    prefix = _tiny(tmp_path, 5, "a")
    s = res.score(
        pd.read_csv(f"{prefix}_queries.csv"), pd.read_csv(f"{prefix}_truth.csv"), weights=(0.5,)
    )
    assert {"cv", "model", "dr", "default", "w0.5", "std_model", "std_default"} <= set(s.columns)
    errs = s[["cv", "model", "dr", "default", "w0.5"]].to_numpy()
    assert np.isfinite(errs).all() and (errs >= 0).all()
    # smooth ships with exact reported motion: DR beats constant velocity at +600 s
    far = s[s.sec == 600]
    assert far.dr.mean() < far.cv.mean()
    md = res.table(s, (0.5,))
    assert md.count("\n| +") == 4 and "default / DR" in md
