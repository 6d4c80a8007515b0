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


def test_backtest_spread_grows_with_the_turn_and_the_horizon():
    """Dead reckoning's error on the history: a few metres on a straight ship with exact
    SOG / COG and 2 m noise, growing with the horizon on a ship turning 3 deg/min."""
    import polars as pl
    from test_sogcog import _ship

    from trajlm.data.coerce import coerce
    from trajlm.eval.dead_reckoning import backtest_spread

    ships = pd.concat(
        [_ship(1, 12.0, 10.0, 10.0, noise_m=2.0), _ship(2, 12.0, 10.0, 10.0, turn=3.0)]
    )
    df, _ = coerce(pl.from_pandas(ships), traj_col="MMSI", time_col="BaseDateTime")
    s = backtest_spread(df, np.array([[60.0, 300.0, 900.0]] * 2), grow=False)  # its own part
    assert (s[0] < 10).all(), s  # straight: GPS noise only
    assert s[1, 0] < s[1, 1] < s[1, 2] and s[1, 2] > 100, s  # turning: DR drifts off
    one = df.filter(pl.col("traj_id") == df["traj_id"][0]).head(1)  # one report: no backtest
    assert np.isnan(backtest_spread(one, np.array([[60.0]]))).all()


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_mixed_std_is_dead_reckonings_and_filled_gaps_do_not_warn(monkeypatch):
    """With reported motion, std_m follows dead reckoning's own spread (a straight ship: far
    below the model's); times beyond the model's rollout filled by DR raise no NaN warning,
    and without the columns the warning is still given."""
    import warnings

    from test_sogcog import _ship

    import trajlm
    from trajlm import api_rollout

    model = trajlm.TrajLM.from_pretrained("trajlm-small")
    df = _ship(7, 14.0, 10.0, 10.0, noise_m=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mixed = model.predict(df, seconds_ahead=[60, 600])
        model.dead_reckoning = 0.0
        # the model's own std_m (session 20 reads a positions-only answer against its history)
        monkeypatch.setattr(api_rollout, "CALIBRATE_STD", False)
        only = model.predict(df, seconds_ahead=[60, 600])
        monkeypatch.setattr(api_rollout, "CALIBRATE_STD", True)
    assert (mixed["std_m"] < 0.5 * only["std_m"]).all(), (mixed["std_m"], only["std_m"])
    model.dead_reckoning = api_rollout.DR_WEIGHT
    monkeypatch.setattr(api_rollout, "MAX_STEPS", 5)  # +3 h lies beyond a short rollout
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = model.predict(df, seconds_ahead=[3 * 3600])
    assert np.isfinite(got[["LAT", "LON", "std_m"]].to_numpy()).all()
    assert not [w for w in caught if "NaN where" in str(w.message)]
    with pytest.warns(UserWarning, match="NaN where no position can be given"):
        model.predict(df.drop(columns=["SOG", "COG"]), seconds_ahead=[3 * 3600])
