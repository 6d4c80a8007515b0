"""Session 18 (predict18): `trajlm predict` and TrajLM.predict leftovers (docs/api.md,
"Session 18 (predict18)"): a glitched last fix is not the rollout's origin (1), the CLI says
when dead reckoning alone was used (2), the CLI passes fixes under a second apart as the API
reads them (3), and reads coordinates written as text as `data ingest` does (4)."""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from test_sogcog import _metres, _ship  # noqa: E402

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
R = 6371008.8


def _glitched(seed: int) -> tuple[pd.DataFrame, list]:
    """A class-B craft at 7 kn, 30-s reports, 20 min of history whose last fix is moved 300 m
    north (motion18's case), and its true positions at +60 / 300 / 600 s."""
    ship = _ship(9, 7.0, 30.0, 60.0, cog=135.0, noise_m=3.0, seed=seed)
    hist = ship.iloc[:41].copy()
    hist["LAT"] = np.where(hist.index == 40, hist.LAT + 300 / 111_195, hist.LAT)
    return hist, [ship.iloc[40 + k] for k in (2, 10, 20)]


def _cli(*args: str):
    from trajlm.cli import app

    return CliRunner().invoke(app, ["predict", "--model", "trajlm-small", *args, "--overwrite"])


# ------------------------------------------------------- 1. a glitched last fix is no origin
@needs_small
@pytest.mark.parametrize("course", [True, False], ids=["sog+cog", "sog-only"])
def test_the_model_alone_does_not_roll_out_from_a_glitched_last_fix(small, course):
    """motion18: with dead_reckoning=0 (or a SOG-only file, where dead reckoning cannot run)
    the model extrapolated the 300-m glitch step: 0.6 / 1.8 / 3.3 km off at +60/300/600 s.
    Now the glitch leaves the history, with one warning naming the trajectory and the fix's
    time, and the answers stay within ~0.1 km (7-66 m on seeds 4-6)."""
    hist, truth = _glitched(4)
    if not course:
        hist = hist.drop(columns="COG")
    w0 = small.dead_reckoning
    small.dead_reckoning = 0.0
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            out = small.predict(hist, seconds_ahead=[60, 300, 600])
    finally:
        small.dead_reckoning = w0
    err = [
        _metres(o.LAT, o.LON, t.LAT, t.LON) for o, t in zip(out.itertuples(), truth, strict=True)
    ]
    assert max(err) < 150, err
    lines = [str(w.message) for w in said if "position glitch" in str(w.message)]
    assert len(lines) == 1 and "'9'" in lines[0] and "2026-06-15T12:20:00" in lines[0], lines
    # the rows' times are still counted from the last fix given (12:20:00)
    assert list(out.BaseDateTime.dt.strftime("%H:%M:%S")) == ["12:21:00", "12:25:00", "12:30:00"]


@needs_small
def test_steps_from_a_glitched_last_fix_follow_the_track(small):
    """predict(steps=5) rolled out from the glitch: 0.45-1.07 km off at its 5 steps of 30 s
    (seeds 4-6); now the steps come at the track's median interval from the last fix, on the
    rollout from the fix before it (5-21 m, the model alone). A clean trajectory of the same
    call steps as before, bit for bit."""
    hist, _ = _glitched(5)
    ship = _ship(9, 7.0, 30.0, 60.0, cog=135.0, noise_m=3.0, seed=5)
    clean = _ship(7, 9.0, 30.0, 20.0, cog=20.0, seed=1)
    w0 = small.dead_reckoning
    small.dead_reckoning = 0.0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            both = small.predict(pd.concat([hist, clean]), steps=5)
            alone = small.predict(clean, steps=5)
    finally:
        small.dead_reckoning = w0
    got = both[both.MMSI == 9]
    tt = (ship.BaseDateTime - ship.BaseDateTime[0]).dt.total_seconds().to_numpy()
    pt = (got.BaseDateTime - ship.BaseDateTime[0]).dt.total_seconds().to_numpy()
    np.testing.assert_allclose(pt - 1200, [30, 60, 90, 120, 150])
    err = _metres(got.LAT, got.LON, np.interp(pt, tt, ship.LAT), np.interp(pt, tt, ship.LON))
    assert err.max() < 100, err
    pd.testing.assert_frame_equal(both[both.MMSI == 7].reset_index(drop=True), alone)


def test_no_last_fix_of_a_real_turn_is_called_a_glitch():
    """Turns at the reported speed are not glitches: ships turning up to 360 deg/min (2-60 s
    reports), and cars turning 60-179 deg at a corner within their last interval, whose
    previous report's course missed the fix by up to 1.3 km (58 of 200 flagged before the
    turn rule; a handful near 180 deg, where the turn's side is noise, may remain)."""
    from trajlm.data.coerce import coerce
    from trajlm.eval.dead_reckoning import glitched_last_fix

    n_ship = 0
    for seed in range(3):
        for every in (2.0, 30.0):
            for turn in (0.0, 60.0, 360.0):
                s = _ship(1, 15.0, every, 10.0, cog=40.0, seed=seed, turn=turn)
                for frame in (s, s.drop(columns="COG")):
                    n_ship += int(glitched_last_fix(coerce(frame)[0]).sum())
    assert n_ship == 0
    rng = np.random.default_rng(0)
    flagged = {True: 0, False: 0}
    for _ in range(60):
        v, every = rng.uniform(5, 30), float(rng.choice([5.0, 15.0, 30.0]))
        t = np.arange(30) * every
        tc = t[-1] - every + rng.uniform(0, every)
        a = math.radians(float(rng.choice([60, 90, 135])) * rng.choice([-1, 1]))
        after = t > tc
        x = np.where(after, v * tc + v * (t - tc) * math.cos(a), v * t) + rng.normal(0, 5, 30)
        y = np.where(after, v * (t - tc) * math.sin(a), 0.0) + rng.normal(0, 5, 30)
        car = pl.DataFrame({"traj_id": "c", "t": 1.6e9 + t, "sog_mps": v,
                            "lat": 41.15 + np.degrees(y / R),
                            "lon": -8.61 + np.degrees(x / (R * math.cos(math.radians(41.15)))),
                            "cog_deg": np.where(after, (90 - math.degrees(a)) % 360, 90.0)})  # fmt: skip
        for course in (True, False):
            frame = car if course else car.drop("cog_deg")
            flagged[course] += int(glitched_last_fix(coerce(frame)[0]).sum())
    assert flagged == {True: 0, False: 0}


def test_positions_alone_and_mislabelled_reports_judge_nothing():
    """Without a reported speed nothing is flagged (Porto / GeoLife val: 0 of 430); reports in
    m/s under a knots name (report_ratio 0.51x) do not judge the last fix either."""
    from trajlm.data.coerce import coerce
    from trajlm.eval.dead_reckoning import glitched_last_fix

    hist, _ = _glitched(5)
    df = coerce(hist)[0]
    assert glitched_last_fix(df).tolist() == [True]
    assert glitched_last_fix(coerce(hist.drop(columns=["SOG", "COG"]))[0]).tolist() == [False]
    fast = coerce(hist.assign(SOG=hist.SOG / 0.514444))[0]  # knots written as m/s numbers
    assert glitched_last_fix(fast).tolist() == [False]


# ------------------------------------------------ 2. the CLI says dead reckoning alone was used
@needs_small
def test_cli_says_dead_reckoning_alone_for_a_glitched_last_fix(tmp_path):
    """motion18 gave a glitched last fix dead reckoning alone; the CLI still said "0.9 dead
    reckoning + 0.1 model". `--steps` answers as the API does (from the fix before)."""
    import trajlm

    hist, _ = _glitched(4)
    clean = hist.iloc[:-1]
    pd.concat([hist, clean.assign(MMSI=7)]).to_csv(tmp_path / "g.csv", index=False)
    r = _cli("--input", str(tmp_path / "g.csv"), "--out", str(tmp_path / "p.csv"),
             "--seconds-ahead", "60,300")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "0.9 dead reckoning + 0.1 model, dead reckoning alone for 1 of 2 trajectories" in text
    assert "e.g. '9'" in text
    r = _cli("--input", str(tmp_path / "g.csv"), "--out", str(tmp_path / "s.csv"), "--steps", "2")
    assert r.exit_code == 0 and "'9': its last fix (2026-06-15T12:20:00" in r.output, r.output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).predict(
            pl.read_csv(tmp_path / "g.csv"), steps=2
        )
    got = pl.read_csv(tmp_path / "s.csv")
    np.testing.assert_allclose(got["LAT"].to_numpy(), want["LAT"].to_numpy(), atol=1e-9)
    hist.to_csv(tmp_path / "one.csv", index=False)
    r = _cli("--input", str(tmp_path / "one.csv"), "--out", str(tmp_path / "p1.csv"),
             "--seconds-ahead", "60")  # fmt: skip
    assert r.exit_code == 0 and "positions are dead reckoning alone" in " ".join(r.output.split())


# ------------------------------------------------------- 3. fixes under a second apart: CLI = API
def _hz10(path: Path) -> None:
    """Two 10 Hz drones at 12 m/s, 30 s each, ISO times with milliseconds."""
    rows = []
    t0 = pd.Timestamp("2024-05-01T12:00:00Z")
    for v, head in (("d1", 0.3), ("d2", 1.2)):
        s = np.arange(300) * 0.1
        a = head + 0.002 * s
        rows.append(pd.DataFrame({
            "vehicle": v,
            "timestamp": (t0 + pd.to_timedelta(s, "s")).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "latitude": 41.15 + 12 * s * np.sin(a) / 111_195,
            "longitude": -8.61 + 12 * s * np.cos(a) / (111_195 * math.cos(math.radians(41.15))),
        }))  # fmt: skip
    pd.concat(rows).to_csv(path, index=False)


@needs_small
@pytest.mark.parametrize("ask", [["--steps", "3"], ["--seconds-ahead", "0.5,2,10"]])
def test_cli_answers_a_10hz_csv_as_the_api(small, tmp_path, ask):
    """subsec18 made the API answer sub-second feeds at their cadence / from the last fix
    given; the CLI passed the table without the dropped fixes: steps 1 s apart (30, 31, 32 s
    for a drone whose last fix is 29.9 s) and +0.5 s answered at 29.5 s, before the last fix."""
    _hz10(tmp_path / "hz.csv")
    r = _cli("--input", str(tmp_path / "hz.csv"), "--out", str(tmp_path / "p.csv"), *ask)
    assert r.exit_code == 0, r.output
    got = pl.read_csv(tmp_path / "p.csv")
    kw = {"steps": 3} if ask[0] == "--steps" else {"seconds_ahead": [0.5, 2, 10]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = small.predict(pl.read_csv(tmp_path / "hz.csv"), **kw)
    assert got["vehicle"].to_list() == want["vehicle"].to_list()
    when = want["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_list()
    assert got["timestamp"].to_list() == when
    for c in ("latitude", "longitude", "std_m"):  # CSV positions: 7 decimals (leftover30)
        tol = 5.1e-8 if c != "std_m" else 1e-9
        np.testing.assert_allclose(got[c].to_numpy(), want[c].to_numpy(), rtol=1e-9, atol=tol)
    assert min(when) > "2024-05-01T12:00:29.900Z"  # after the last fix given


# --------------------------------------------------- 4. coordinates as text, as ingest reads them
def _dms(v: float, pos: str, neg: str) -> str:
    h, v = (pos if v >= 0 else neg), abs(v)
    d = int(v)
    m = int((v - d) * 60)
    return f"{d}°{m:02d}'{(v - d - m / 60) * 3600:06.3f}\"{h}"


def _nmea(v: float, width: int) -> str:
    d = int(abs(v))
    return f"{d:0{width}d}{(abs(v) - d) * 60:07.4f}"


def test_predict_input_reads_dms_hemisphere_letters_and_nmea(tmp_path):
    """`trajlm predict --input` refused `41°09'01.080"N` as "values that are not numbers",
    and read unsigned values beside N/S, E/W columns as positive (8.61 W as 8.61 E, silently):
    now read as `trajlm data ingest` reads them (readers/_coord_text.parse_coords)."""
    from trajlm._cli_points import read_points

    lat = 41.1501 + 0.0003 * np.arange(20)
    lon = -8.6101 + 0.0004 * np.arange(20)
    t = 1_400_000_000 + 15 * np.arange(20)
    forms = {
        "dms": pl.DataFrame({"traj_id": "a", "t": t, "lat": [_dms(v, "N", "S") for v in lat],
                             "lon": [_dms(v, "E", "W") for v in lon]}),
        "hemi": pl.DataFrame({"traj_id": "a", "t": t, "lat": np.abs(lat), "ns": "N",
                              "lon": np.abs(lon), "ew": "W"}),
        "nmea": pl.DataFrame({"traj_id": "a", "t": t, "lat": [_nmea(v, 2) for v in lat],
                              "ns": "N", "lon": [_nmea(v, 3) for v in lon], "ew": "W"}),
    }  # fmt: skip
    for name, frame in forms.items():
        frame.write_csv(tmp_path / f"{name}.csv")
        df = read_points(tmp_path / f"{name}.csv", "--input")
        np.testing.assert_allclose(df["lat"].to_numpy(), lat, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(df["lon"].to_numpy(), lon, atol=1e-6, err_msg=name)
    bad = forms["hemi"].with_columns(ew=pl.Series(["W"] * 19 + ["N"]))
    bad.write_csv(tmp_path / "bad.csv")
    from trajlm._safety import UserError

    with pytest.raises(UserError, match=r"line 21: .*ew='N'"):
        read_points(tmp_path / "bad.csv", "--input")
