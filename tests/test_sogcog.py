"""Session 16 (sogcog): reported speed over ground / course kept and used; the eval harness at
horizons in seconds. Every frame is generated here (seeded): no real data."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "trajlm/checkpoints/trajlm-small/model.safetensors"
R = 6371008.8
KN = 1852 / 3600


def _ship(mmsi, knots, every_s, minutes, cog=150.0, seed=0, lat0=36.1, lon0=-5.4, turn=0.0,
          noise_m=5.0) -> pd.DataFrame:  # fmt: skip
    """AIS-like reports of a ship (MarineCadastre names, SOG kn / COG deg), turning ``turn``
    degrees per minute, with GPS noise; the reported SOG / COG are the true ones."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, minutes * 60 + 1e-9, every_s)
    course = cog + turn * t / 60.0
    lat, lon = [lat0], [lon0]
    for k in range(1, len(t)):
        d = knots * KN * (t[k] - t[k - 1])
        b = math.radians(course[k - 1])
        lat.append(lat[-1] + math.degrees(d * math.cos(b) / R))
        lon.append(lon[-1] + math.degrees(d * math.sin(b) / (R * math.cos(math.radians(lat0)))))
    lat = np.array(lat) + rng.normal(0, noise_m, len(t)) / 111_000
    lon = np.array(lon) + rng.normal(0, noise_m, len(t)) / 90_000
    when = pd.Timestamp("2026-06-15T12:00:00Z") + pd.to_timedelta(t, "s")
    return pd.DataFrame({"MMSI": mmsi, "BaseDateTime": when, "LAT": lat, "LON": lon,
                         "SOG": knots, "COG": course % 360})  # fmt: skip


def _metres(lat1, lon1, lat2, lon2):
    a1, o1, a2, o2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((a2 - a1) / 2) ** 2 + np.cos(a1) * np.cos(a2) * np.sin((o2 - o1) / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(h))


def test_reported_motion_units_and_not_available_codes():
    from trajlm.data.motion_columns import motion_columns, reported_motion

    df = pl.DataFrame({"SOG": [10.0, 102.3, -1.0, 0.0], "COG": [90.0, 45.0, 360.0, 359.9]})
    v, c = reported_motion(df)
    assert v[0] == pytest.approx(10 * KN) and np.isnan(v[1]) and np.isnan(v[2]) and v[3] == 0
    assert np.isnan(c[2]) and c[3] == 359.9
    m = reported_motion(pl.DataFrame({"sog_mps": [5.0, 60.0], "cog_deg": [1.0, 2.0]}))[0]
    assert m.tolist() == [5.0, 60.0]  # metres per second: 60 m/s is no "not available" code
    assert motion_columns(["speed_mps", "heading_deg"]) is None  # derived speed: not reported
    assert reported_motion(pl.DataFrame({"SOG": [1.0]})) is None  # a speed without a course


def test_destination_on_the_great_circle():
    from trajlm.eval.dead_reckoning import destination

    lat, lon = destination(0.0, 0.0, 90.0, 1000.0)
    assert lat == pytest.approx(0.0, abs=1e-12) and lon == pytest.approx(math.degrees(1000 / R))
    lat, lon = destination(60.0, 179.999, 90.0, 1000.0)  # across the antimeridian
    assert -180 <= lon < -179.98 and _metres(60.0, 179.999, lat, lon) == pytest.approx(1000, 0.001)


def test_dead_reckoning_baseline_frame_and_refusal():
    import trajlm.baselines as tb

    df = _ship(224000001, 20.0, 10.0, 5.0, cog=60.0, noise_m=0.0)
    p = tb.predict_at(tb.DeadReckoning(), df, seconds_ahead=[60, 600])
    truth = _ship(224000001, 20.0, 10.0, 15.0, cog=60.0, noise_m=0.0)
    for (_, row), minute in zip(p.iterrows(), (6, 15), strict=True):
        want = truth[truth.BaseDateTime == df.BaseDateTime.iloc[0] + pd.Timedelta(minutes=minute)]
        assert _metres(row.LAT, row.LON, want.LAT.iloc[0], want.LON.iloc[0]) < 5.0  # of 7-15 km
    steps = tb.DeadReckoning().predict(df, steps=3)
    assert len(steps) == 3 and (steps.BaseDateTime.diff().dropna() == pd.Timedelta("10s")).all()
    with pytest.raises(TrajlmInputError, match="reported speed and course"):
        tb.DeadReckoning().predict(df.drop(columns=["SOG", "COG"]), steps=3)


def test_ingest_keeps_sog_cog_additively(tmp_path):
    from trajlm.data.readers import read

    df = _ship(224000002, 12.0, 10.0, 10.0)
    df.loc[3, "SOG"], df.loc[4, "COG"] = 102.3, 360.0
    df["BaseDateTime"] = df["BaseDateTime"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    df.to_csv(tmp_path / "ais.csv", index=False)
    got, _ = _ingest(tmp_path / "ais.csv")
    assert {"sog_kn", "cog_deg"} <= set(got.columns)
    assert got["sog_kn"].null_count() == 1 and got["cog_deg"].null_count() == 1
    df.drop(columns=["SOG", "COG"]).to_csv(tmp_path / "plain.csv", index=False)
    plain, _ = read([tmp_path / "plain.csv"])
    assert not {"sog_kn", "sog_mps", "cog_deg"} & set(plain.columns)  # no columns: none added


def _ingest(path):
    from trajlm.data.ingest import ingest

    out = path.parent / "store"
    ingest([path], "csv", out)
    from trajlm.data.store import read_store

    return read_store(out), out


def _fleet(n=12, minutes=70.0) -> pl.DataFrame:
    """A canonical table with reported motion: ships of 8-30 kn on gently turning courses."""
    rows = []
    for i in range(n):
        d = _ship(230000000 + i, 8 + 2 * i, 10.0, minutes, cog=30 * i, seed=i, turn=0.5 * (i % 3))
        rows.append(d)
    df = pd.concat(rows)
    return pl.DataFrame({
        "traj_id": df.MMSI.astype(str).to_numpy(),
        "t": (df.BaseDateTime - pd.Timestamp(0, tz="UTC")).dt.total_seconds().astype("int64"),
        "lat": df.LAT.to_numpy(), "lon": df.LON.to_numpy(),
        "sog_kn": df.SOG.to_numpy(), "cog_deg": df.COG.to_numpy(),
    })  # fmt: skip


def test_eval_horizons_rows_skips_and_dead_reckoning_best():
    from trajlm.eval.horizon import make_horizon_task
    from trajlm.eval.protocol import run_eval

    df = _fleet()
    splits = ["train"] * 6 + ["val"] * 2 + ["test"] * 4
    ids = sorted(df["traj_id"].unique().to_list())
    df = df.join(pl.DataFrame({"traj_id": ids, "split": splits}), on="traj_id")
    res = run_eval(df, "predict", horizons_s=(60, 300), verbose=False)
    settings = {r["setting"] for r in res.rows}
    assert settings == {"+60s", "+300s"}
    rows = {(r["setting"], r["method"]): r for r in res.rows}
    dr = rows[("+300s", "dead reckoning [time]")]["metrics"]["mae_m"]
    cv = rows[("+300s", "constant velocity [time]")]["metrics"]["mae_m"]
    assert dr < 0.5 * cv  # reported speed and course beat the last displacement's noise
    assert rows[("+60s", "linear-3 [time]")]["ratio_to_best_baseline"]["baseline"] == (
        "dead reckoning [time]"
    )
    # a hole of 5 min after a window's last fix: that horizon is skipped and counted
    test = df.filter(pl.col("split") == "test").drop("split")
    t0 = test["t"].min()
    holed = test.filter(~pl.col("t").is_between(t0 + 660, t0 + 960))
    task = make_horizon_task(holed, (60, 300), max_gap_s=60)
    full = make_horizon_task(test, (60, 300), max_gap_s=60)
    assert sum(task.skipped["+60s"].values()) > sum(full.skipped["+60s"].values())
    assert np.isnan(task.truth[:, 0, 0]).sum() == sum(task.skipped["+60s"].values())
    # without reported motion: no dead-reckoning row, said in a note
    plain = run_eval(df.drop("sog_kn", "cog_deg"), "predict", horizons_s=(60,), verbose=False)
    assert "dead reckoning [time]" not in {r["method"] for r in plain.rows}
    assert any("dead reckoning" in n for n in plain.meta["skipped"])


def test_eval_default_is_unchanged_by_the_new_options_and_columns():
    """`eval --task predict` without --horizon-s: the same rows with or without the reported
    motion columns, and with horizons_s=() given explicitly (bit for bit)."""
    from trajlm.eval.protocol import run_eval

    df = _fleet(n=10, minutes=20.0)
    ids = sorted(df["traj_id"].unique().to_list())
    df = df.join(pl.DataFrame({"traj_id": ids, "split": ["train"] * 6 + ["val"] * 2 +
                               ["test"] * 2}), on="traj_id")  # fmt: skip

    def table(res):
        return [(r["setting"], r["method"], r["metrics"]) for r in res.rows]

    a = run_eval(df, "predict", verbose=False)
    b = run_eval(df.drop("sog_kn", "cog_deg"), "predict", verbose=False)
    c = run_eval(df, "predict", verbose=False, horizons_s=())
    assert table(a) == table(b) == table(c)
    assert {r["setting"] for r in a.rows} == {"k=5"}


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_predict_with_reported_motion_is_not_worse_than_dead_reckoning():
    """A 25-kn ship on a steady turn of 3 deg/min (2-s reports): with SOG / COG the model's
    positions at +60 / +300 s come within dead reckoning's error plus a tenth of the
    positions-only error (the mix: DR_WEIGHT 0.9), well below the latter; without the columns the
    output is the positions-only prediction, bit for bit."""
    import trajlm
    import trajlm.baselines as tb
    from trajlm.api_rollout import DR_WEIGHT

    model = trajlm.TrajLM.from_pretrained("trajlm-small")
    df = _ship(224000003, 25.0, 2.0, 10.0, cog=100.0, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = model.predict(df, seconds_ahead=[60, 300])
        dr = tb.predict_at(tb.DeadReckoning(), df, seconds_ahead=[60, 300])
        model.dead_reckoning = 0.0
        only = model.predict(df, seconds_ahead=[60, 300])
        plain = model.predict(df.drop(columns=["SOG", "COG"]), seconds_ahead=[60, 300])
    model.dead_reckoning = DR_WEIGHT
    truth = _ship(224000003, 25.0, 1.0, 15.0, cog=100.0, noise_m=0.0)
    truth = truth.set_index("BaseDateTime")
    for frame in (got, dr, only):
        frame["err"] = [_metres(r.LAT, r.LON, *truth.loc[r.BaseDateTime, ["LAT", "LON"]])
                        for r in frame.itertuples()]  # fmt: skip
    e = (got["err"].tolist(), dr["err"].tolist(), only["err"].tolist())
    assert (got["err"] <= dr["err"] + 0.15 * only["err"] + 1.0).all(), e  # DR_WEIGHT 0.9
    assert (got["err"] < 0.5 * only["err"]).all(), e
    assert not np.allclose(got[["LAT", "LON"]], only[["LAT", "LON"]])  # the motion was used
    pd.testing.assert_frame_equal(only.drop(columns="err"), plain)
