"""Recovered points past the calibrated gap (session 29, uncert29; eval/recover_spread.py):
recover_radii.json keeps the longest gap its val fit saw; a point in a longer gap gets NaN
std_m / radii and the call one warning line, instead of a circle never measured (badin28: a
30-day gap's "90 %" circle was 537 m)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest
from test_uncert28_recover import M_PER_DEG, _val

from trajlm.errors import TrajlmInputError
from trajlm.eval.recover_spread import (
    RECOVER_RADII_FILE,
    beyond_line,
    fit_recover_spread,
    load_recover_spread,
    spread_columns,
    with_recover_spread,
)


def _spread() -> dict:
    rng = np.random.default_rng(0)
    err, feats = _val(3000, rng)  # gaps of 30 / 120 / 600 s
    return fit_recover_spread(err, feats, np.ones(len(err)), rng.integers(0, 3, len(err)))


def test_the_fit_keeps_its_longest_gap_and_points_past_it_get_nan():
    s = _spread()
    assert s["max_gap_s"] == 600.0
    feats = {"gap_s": np.array([30.0, 600.0, 601.0, 30 * 86400.0, np.nan]),
             "position": np.full(5, 0.5), "scale": np.r_[np.full(4, 500.0), np.nan]}  # fmt: skip
    cols = spread_columns(s, feats, [50, 90, 95])
    for v in cols.values():
        assert np.isfinite(v[:2]).all() and np.isnan(v[2:]).all()  # NaN gap: NaN scale
    line = beyond_line(s, feats["gap_s"])
    assert "2 recovered point(s)" in line and "10.0 min" in line and "30.0 days" in line
    assert "\n" not in line and beyond_line(s, feats["gap_s"][:2]) is None
    old = {k: v for k, v in s.items() if k != "max_gap_s"}  # session 28's file: every gap
    assert np.isfinite(spread_columns(old, feats, [90])["r90_m"][:4]).all()
    assert beyond_line(old, feats["gap_s"]) is None


@pytest.mark.parametrize("bad", [0, -5.0, "370", True, None, float("inf")])
def test_a_hand_edited_max_gap_is_one_line(tmp_path, bad):
    d = json.loads(json.dumps(_spread()))
    d["max_gap_s"] = bad
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(d).replace("Infinity", "1e999"))
    with pytest.raises(TrajlmInputError, match=f"{RECOVER_RADII_FILE}: max_gap_s") as e:
        load_recover_spread(tmp_path)
    assert "\n" not in str(e.value)
    del d["max_gap_s"]  # absent: read, as session 28's file
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(d))
    assert "max_gap_s" not in load_recover_spread(tmp_path)


def _month_gap() -> tuple[pl.DataFrame, np.ndarray]:
    """A 10-s walker with fixes 2 and 6 hidden; fix 7 comes 30 days after fix 6, so 6 lies in
    a 30-day gap and 2 in a 20-s one."""
    t = 1.7e9 + 10.0 * np.arange(9)
    t[7:] += 30 * 86400.0  # fix 6 hidden between fix 5 and a fix 30 days later
    lat = 41.15 + 1.4 * np.arange(9) * 10 / M_PER_DEG
    known = ~np.isin(np.arange(9), [2, 6])
    df = pl.DataFrame({"traj_id": "a", "t": pl.from_epoch(pl.Series(t.astype(np.int64))),
                       "lat": lat, "lon": np.full(9, -8.61)})  # fmt: skip
    return df, known


def test_the_warning_names_the_callers_line_and_only_far_points_are_nan():
    df, known = _month_gap()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = with_recover_spread(df, known, _spread(), [90])
    assert len(w) == 1 and w[0].filename == __file__
    assert "longer than the longest the val calibration saw (10.0 min" in str(w[0].message)
    r90 = out["r90_m"].to_numpy()
    assert np.isfinite(r90[2]) and np.isnan(r90[6]) and np.isnan(r90[known]).all()
    # the month's step leaves the mean speed: 1.4 m/s x the 20-s gap (28 m), not the 1-m floor
    f90 = _spread()["bins"][3]["factors"]["90"]  # bin 3: gap <= 60 s, mid-gap (uncert30's 4
    # position bins)
    np.testing.assert_allclose(r90[2], f90 * 1.4 * 20.0, rtol=1e-3)


@pytest.mark.slow  # the bridge on trajlm-small and the HTTP app: ~10 s on the shared 2 cores
def test_trajlm_small_says_a_month_gap_is_beyond_its_calibration(trajlm_small):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    assert trajlm_small.recover_spread["max_gap_s"] > 0  # the shipped file keeps it
    df, known = _month_gap()
    inp = df.with_columns(lat=pl.when(pl.Series(known)).then("lat"),
                          lon=pl.when(pl.Series(known)).then("lon"))  # fmt: skip
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = trajlm_small.recover(inp, radii=[90])
    said = [x for x in w if "val calibration saw" in str(x.message)]
    assert len(said) == 1 and said[0].filename == __file__
    r90 = out["r90_m"].to_numpy()
    assert np.isfinite(r90[2]) and np.isnan(r90[6])
    rows = inp.with_columns(pl.col("t").dt.epoch("s")).to_dicts()
    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/recover", json={"trajectories": rows, "radii": [90]})
    assert r.status_code == 200, r.text
    assert any("val calibration saw" in ln for ln in r.json()["warnings"])
    assert r.json()["points"][6]["r90_m"] is None
