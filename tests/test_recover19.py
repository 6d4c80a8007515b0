"""Session 19 (recover19): recover's model fill of a kept fix anchored on the known fixes under
a second from it (tasks/recover_subsec.py), the same through the API, the CLI and the server;
the guard's interpolation picks tried for dense feeds (tasks/recover_interp.py, recover_guard.py;
docs/recovery.md "Session 19 (recover19)")."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest
from test_recover_bridge import tiny

from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer
from trajlm.tasks.recover_interp import akima_xy, gap_pick, window_errors
from trajlm.tasks.recover_subsec import anchor_on_dropped

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
M_PER_DEG = 111_320.0
T0 = 1_700_000_000
COS = 0.7527  # cos(41.15 deg)


def _truth(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A drone circling at 12 m/s on a 40 m radius in Porto."""
    s = np.asarray(t, float) - T0
    x, y = 40.0 * np.sin(0.3 * s), 40.0 * (1 - np.cos(0.3 * s))
    return 41.15 + y / M_PER_DEG, -8.61 + x / (M_PER_DEG * COS)


def _circling(hz: float, end: float, gap: tuple[float, float]) -> tuple[pl.DataFrame, pl.Series]:
    """Fixes every 1/hz s up to T0 + end; those in [gap) missing. -> (frame, missing)."""
    t = np.round(T0 + end - np.arange(int(end * hz + 1e-9), -1, -1) / hz, 3)
    lat, lon = _truth(t)
    df = pl.DataFrame({"traj_id": "d", "t": t, "lat": lat, "lon": lon})
    rel = df["t"] - T0
    miss = (rel >= gap[0] - 1e-6) & (rel < gap[1] - 1e-6)
    return df.with_columns(lat=pl.when(miss).then(None).otherwise("lat"),
                           lon=pl.when(miss).then(None).otherwise("lon")), miss  # fmt: skip


def _err_m(t, lat, lon) -> np.ndarray:
    tl, tn = _truth(np.asarray(t, float))
    return np.hypot((np.asarray(lat) - tl) * M_PER_DEG, (np.asarray(lon) - tn) * M_PER_DEG * COS)


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ------------------------------------------------------------ 1. the anchor, without a model
def _kept(lat, lon, known, t=(0, 1, 2, 3)):
    df = pl.DataFrame({"traj_id": [0] * len(t), "t": list(t)})
    return df, np.stack([lat, lon], 1).astype(float), np.asarray(known)


def test_a_fill_moves_onto_the_dropped_known_fixes_around_it():
    """Kept fixes 0-3 s, 1 s missing and filled 1e-4 deg off the line; dropped known fixes at
    0.5 and 1.5 s lie on the line: the fill lands on the line between them."""
    lat = np.array([0.0, 1e-4 + 1e-4, 2e-4, 3e-4])
    df, ll, known = _kept(lat, np.zeros(4), [True, False, True, True])
    rows = pl.DataFrame({"traj_id": [0, 0], "t": [0, 1], "__t_frac": [0.5, 0.5],
                         "lat": [0.5e-4, 1.5e-4], "lon": [0.0, 0.0]})  # fmt: skip
    out = anchor_on_dropped(df, ll, known, None, rows)
    assert out[1, 0] == pytest.approx(1e-4, abs=1e-12)
    np.testing.assert_array_equal(out[known], ll[known])


def test_no_dropped_known_fix_leaves_the_fill_as_it_was():
    df, ll, known = _kept(np.arange(4) * 1e-4 + [0, 5e-5, 0, 0], np.zeros(4), [1, 0, 1, 1])
    known = known.astype(bool)
    assert anchor_on_dropped(df, ll, known, None, None) is ll
    missing = pl.DataFrame({"traj_id": [0], "t": [1], "__t_frac": [0.5], "lat": [None],
                            "lon": [None]}, schema_overrides={"lat": pl.Float64,
                                                              "lon": pl.Float64})  # fmt: skip
    np.testing.assert_array_equal(anchor_on_dropped(df, ll, known, None, missing), ll)


def test_the_anchor_goes_the_short_way_round_the_antimeridian():
    df, ll, known = _kept(np.zeros(4), np.array([179.9998, 179.9999, -179.9999, -179.9998]),
                          [True, False, True, True])  # fmt: skip
    ll[1, 1] = 179.9999 + 2e-5  # the fill a little east of the line
    rows = pl.DataFrame({"traj_id": [0, 0], "t": [0, 1], "__t_frac": [0.5, 0.5],
                         "lat": [0.0, 0.0], "lon": [179.99985, 179.99995]})  # fmt: skip
    out = anchor_on_dropped(df, ll, known, None, rows)
    assert out[1, 1] == pytest.approx(179.9999, abs=1e-9)


# ------------------------------------------ 2. trajlm-small, and API = CLI = server answers
@needs_small
def test_a_missing_kept_fix_is_anchored_on_the_known_fixes_a_tenth_of_a_second_away(small):
    """10 Hz circling drone, 10.0-10.4 s missing: the model bridged the kept 10.0 s from 9.0
    and 11.0 s though 9.9 and 10.5 s are known; anchored on them its error is < 0.2 m."""
    q, miss = _circling(10, 20, (10.0, 10.5))
    out = _quiet(small.recover, q)
    assert out.height == q.height and out["recovered"].to_list() == miss.to_list()
    f = out.filter(pl.col("recovered"))
    e = _err_m(f["t"], f["lat"], f["lon"])
    assert e.max() < 0.2, e


@needs_small
def test_gaps_across_whole_seconds_are_pulled_onto_the_known_fixes_near_their_ends(small):
    """2 Hz at a 0.3 s phase, 2.4 s missing: every fill within 0.6 m (it was 0.86 m mean,
    1.15 m max before the anchor, /tmp/recover19/probe.py)."""
    q, miss = _circling(2, 40.3, (20.3, 22.8))
    f = _quiet(small.recover, q).filter(pl.col("recovered"))
    assert f.height == int(miss.sum()) == 5
    e = _err_m(f["t"], f["lat"], f["lon"])
    assert e.max() < 0.6, e


@needs_small
def test_whole_second_feeds_recover_as_before(small):
    """No fix under a second from another: the anchor has nothing to read (same arrays)."""
    from trajlm.tasks.recover_bridge import BridgeRecoverer

    q, _ = _circling(1, 60, (20, 26))
    out = _quiet(small.recover, q)
    df = q.with_columns(pl.col("t").cast(pl.Int64))
    known = df["lat"].is_not_null().to_numpy()
    task = SimpleNamespace(groups=np.zeros(df.height, np.int64), t=df["t"].to_numpy(),
                           latlon=np.nan_to_num(df.select("lat", "lon").to_numpy()),
                           known=known)  # fmt: skip
    ll = BridgeRecoverer(small.model, **BRIDGE_DEFAULT).recover(task)
    np.testing.assert_allclose(out["lat"].to_numpy(), ll[:, 0], atol=1e-12)


@needs_small
def test_the_cli_and_the_server_recover_a_10hz_feed_as_the_python_api(small, tmp_path):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from reliability_helpers import invoke

    from trajlm.serve import create_app

    q, _ = _circling(10, 12, (5.0, 6.7))
    want = _quiet(small.recover, q)
    with TestClient(create_app(small)) as c:
        r = c.post("/recover", json={"trajectories": q.to_dicts()})
    assert r.status_code == 200, r.text
    got = r.json()["points"]
    np.testing.assert_allclose([p["lat"] for p in got], want["lat"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose([p["lon"] for p in got], want["lon"].to_numpy(), atol=1e-9)
    q.write_csv(tmp_path / "gaps.csv")
    res = _quiet(invoke, "recover", "--model", SMALL.parent, "--input", tmp_path / "gaps.csv",
                 "--out", tmp_path / "filled.csv", "--threads", 1)  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pl.read_csv(tmp_path / "filled.csv")
    np.testing.assert_allclose(cli["lat"].to_numpy(), want["lat"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(cli["lon"].to_numpy(), want["lon"].to_numpy(), atol=1e-9)


# ----------------------------------------------- 3. the interpolation picks (not the default)
def _line_and_turn(noise: float = 2.0) -> SimpleNamespace:
    """Two 2-s tracks: a straight line with GPS noise, and a steady turn; 60-s gaps."""
    rng = np.random.default_rng(0)
    s = np.arange(0, 600, 2.0)
    xs = [np.stack([10 * s, 0 * s], 1), np.stack([300 * np.sin(s / 60), 300 * np.cos(s / 60)], 1)]
    xy = np.concatenate([x + rng.normal(0, noise, x.shape) for x in xs])
    g = np.repeat([0, 1], len(s))
    t = np.tile(s, 2)
    known = ~((t % 180 >= 60) & (t % 180 < 120)) | (t == 0) | (t == s[-1])
    return SimpleNamespace(xy=xy, t=t, g=g, known=known)


def test_the_windows_around_a_gap_say_linear_on_a_line_and_akima_on_a_turn():
    d = _line_and_turn()
    pick = gap_pick(d.xy, d.t, d.known, d.g)
    hidden = ~d.known
    assert (pick[hidden & (d.g == 0)] == 0).mean() > 0.5
    assert (pick[hidden & (d.g == 1)] == 1).all()
    assert (pick[d.known] == -1).all()
    errs = window_errors(d.xy, d.t, d.known, d.g)
    assert {e[0] for e in errs} == {0, 1} and all(e[3] >= 0 and e[4] >= 0 for e in errs)
    assert np.isfinite(akima_xy(d.xy, d.t, d.known, d.g)).all()


def test_the_pick_option_is_checked_and_named():
    with pytest.raises(ValueError, match="pick must be one of"):
        BridgeRecoverer(tiny(), pick="local")
    assert "pick" not in BRIDGE_DEFAULT  # the default stays the trajectory's pick
    rec = BridgeRecoverer(tiny(), guard_power=8.0, pick="gap")
    assert rec.name.endswith(":pick-gap")


def test_the_picks_leave_15_s_data_as_it_was():
    """The picks and wide knots only act in the span backtest of a dense call: Porto-like 15-s data (the
    stores the harness scores) is recovered bit for bit as with the default."""
    from test_recdense import trained_on
    from test_recover_bridge import task

    tk = task()
    model = trained_on(tiny(), 15.0)
    base = BridgeRecoverer(model, **BRIDGE_DEFAULT).recover(tk)
    for opt in ({"pick": "gap"}, {"pick": "around"}, {"knots": "wide"}, {"knots": "pick"}):
        got = BridgeRecoverer(model, **{**BRIDGE_DEFAULT, **opt}).recover(tk)
        np.testing.assert_array_equal(got, base)


def test_wide_knots_read_akimas_slopes_over_the_gap_not_two_noisy_fixes():
    """A straight 2-s line with 6 m of noise and 300-s gaps: Akima through every fix bends
    with the noise at the gap's ends; through knots a quarter of a gap apart it stays nearer
    the line (the anchors stay knots: known rows as given)."""
    from trajlm.tasks.recover_interp import akima_wide_xy

    rng = np.random.default_rng(1)
    s = np.arange(0, 3600, 2.0)
    truth = np.stack([8 * s, 0 * s], 1)
    xy = truth + rng.normal(0, 6.0, truth.shape)
    g = np.zeros(len(s), np.int64)
    known = ~((s % 900 >= 300) & (s % 900 < 600)) | (s == s[-1])
    hid = ~known
    plain = np.linalg.norm(akima_xy(xy, s, known, g)[hid] - truth[hid], axis=1).mean()
    wide_xy = akima_wide_xy(xy, s, known, g)
    wide = np.linalg.norm(wide_xy[hid] - truth[hid], axis=1).mean()
    assert wide < plain, (wide, plain)
    np.testing.assert_array_equal(wide_xy[known], xy[known])
    with pytest.raises(ValueError, match="knots must be one of"):
        BridgeRecoverer(tiny(), knots="some")
