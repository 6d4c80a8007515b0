"""A run's recovery radii read the scale as the answers do, and say which setting they left
out (session 32, uncert32; trajlm/eval/run_recover_radii.py, trajlm/eval/recover_spread.py):
review31 found the fit reading every known step's speed while answers leave out steps past the
calibrated gap, and a setting with another row count dropped without a word."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers_uncert32 import Linear, parked_trip

import trajlm.eval.run_recover_radii as rrr
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.errors import TrajlmInputError
from trajlm.eval.recover_spread import (
    GAP_FEATURES,
    RECOVER_RADII_FILE,
    calibrated_gap_s,
    gap_features,
    load_recover_spread,
    step_limit_s,
)

SMALL = Path("trajlm/checkpoints/trajlm-small/recover_radii.json")
DOWNSAMPLED = tuple(s for s in rrr.SETTINGS if s[1]["mode"] == "downsample")


def test_fit_rows_read_the_scale_as_the_answers_will(monkeypatch):
    # a 4-hour stop between two kept fixes: no hidden point in it, so longer than any hidden gap
    monkeypatch.setattr(rrr, "SETTINGS", DOWNSAMPLED)
    val = pl.concat([parked_trip("a", 0), parked_trip("b", 1)])
    rows = rrr.recover_answers(Linear(), val)
    spread, _ = rrr.fit_from_recover_answers(rows)
    assert spread is not None and spread["max_gap_s"] == calibrated_gap_s(rows["gap_s"])
    assert spread["max_gap_s"] < 4 * 3600  # the stop is a known step, not a hidden gap
    df = val.sort("traj_id", "t")
    t, ll = df["t"].cast(pl.Float64).to_numpy(), df.select("lat", "lon").to_numpy()
    groups = df["traj_id"].rank("dense").to_numpy()
    for name, kw in DOWNSAMPLED:
        known = make_recovery_task(df, **kw).known
        answered = gap_features(t, ll, known, groups, step_limit_s(spread))  # as recover reads
        every = gap_features(t, ll, known, groups)  # every step: what the fit read before
        got = rows.filter(pl.col("setting") == name)
        for k in ("scale", "jitter"):
            np.testing.assert_allclose(got[k].to_numpy(), answered[k][~known], rtol=1e-12)
        assert np.nanmedian(every["scale"][~known] / answered["scale"][~known]) < 0.8


class Drops:
    """A recoverer whose answer loses a row (a row count the fit cannot score)."""

    def recover(self, df: pl.DataFrame) -> pl.DataFrame:
        return Linear().recover(df).head(df.height - 1)


def test_a_setting_with_another_row_count_is_named_not_skipped_silently():
    val = pl.concat([parked_trip("a", 0), parked_trip("b", 1)])
    with pytest.warns(UserWarning, match="recovery radii fit: setting") as said:
        rows = rrr.recover_answers(Drops(), val)
    assert rows.height == 0 and set(rows.columns) >= set(GAP_FEATURES)
    text = [str(w.message) for w in said]
    for name, _ in rrr.SETTINGS:
        assert sum(f"setting {name!r} left out" in m for m in text) == 1
    assert all("\n" not in m and f"rows for {val.height}" in m for m in text)


def regime_file(doc: dict) -> dict:
    """``doc`` with two regimes: <= 50 m of speed x gap answered 4x wider, the rest as it was
    (null: the file's own table)."""
    wide = {"pooled": {"factors": {lv: 4 * f for lv, f in doc["pooled"]["factors"].items()},
                       "sigma": 4 * doc["pooled"]["sigma"], "n": 500}, "bins": []}  # fmt: skip
    return {**doc, "regime_edges_m": [50.0], "regimes": [wide, None]}


def test_regimes_answer_slow_points_from_their_own_table(tmp_path):
    from trajlm.eval.recover_spread import spread_columns

    doc = json.loads(SMALL.read_text())
    doc.pop("regime_edges_m", None), doc.pop("regimes", None)
    n = 6
    feats = {"gap_s": np.full(n, 120.0), "position": np.full(n, 0.5), "jitter": np.zeros(n),
             "scale": np.array([5.0, 20.0, 50.0, 50.01, 300.0, np.nan])}  # fmt: skip
    plain = spread_columns(doc, feats, [90])["r90_m"]
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(regime_file(doc)))
    got = spread_columns(load_recover_spread(tmp_path), feats, [90])["r90_m"]
    wide = 4 * doc["pooled"]["factors"]["90"] * feats["scale"]
    np.testing.assert_allclose(got[:3], wide[:3])  # <= 50 m: the slow regime's pooled factor
    np.testing.assert_allclose(got[3:5], plain[3:5])  # past it: the file's own bin
    assert np.isnan(got[5])


def test_bad_regimes_are_one_line(tmp_path):
    doc = regime_file(json.loads(SMALL.read_text()))
    bad = {"regime_edges_m": ([50.0, 20.0], [-1], "50", [], True),
           "regimes": ([None], "x", [None, None, None], [3, None],
                       [{"pooled": {"factors": {"50": 1}}, "bins": []}, None])}  # fmt: skip
    for field, values in bad.items():
        for v in values:
            (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps({**doc, field: v}))
            with pytest.raises(TrajlmInputError, match=r"regime") as e:
                load_recover_spread(tmp_path)
            assert "\n" not in str(e.value) and RECOVER_RADII_FILE in str(e.value)
    no_table = {k: v for k, v in doc.items() if k != "regimes"}  # edges without tables
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(no_table))
    with pytest.raises(TrajlmInputError, match="regimes: one table"):
        load_recover_spread(tmp_path)
