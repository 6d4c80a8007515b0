"""Session 18 (motion18): an AIS file with a reported speed but no course keeps the speed at
ingest (the stop rule's drift, the validity checks); ``predict`` gives the model no share of the
mix when the last fix is a glitch dead reckoning skips. Every frame is generated here (seeded)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_ships17 import _canon, _dragging
from test_sogcog import SMALL, _metres, _ship
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.motion_columns import KNOT_MPS, motion_columns


def _anchorage(glitch: bool = True) -> pl.DataFrame:
    """A ship dragging anchor at 0.2 kn for 3 h between two 20-min legs at 11.7 kn (SOG), one
    fix 400 m off while under way (a glitch whose reported speed says it cannot be)."""
    df = _dragging(0.2, seed=0).rename({"traj_id": "MMSI"})
    if glitch:
        lat = df["lat"].to_numpy().copy()
        lat[60] += 400 / 111_195
        df = df.with_columns(lat=pl.Series(lat))
    return df


def _ingested(tmp: Path, df: pl.DataFrame, name: str) -> tuple[pl.DataFrame, str]:
    csv = tmp / f"{name}.csv"
    df.write_csv(csv)
    out = tmp / name
    r = CliRunner().invoke(app, ["data", "ingest", str(csv), "--out", str(out), "--split-at-stops"])
    assert r.exit_code == 0, r.output
    parts = sorted((out / "points").rglob("*.parquet"))
    store = pl.concat([pl.read_parquet(f) for f in parts], how="diagonal_relaxed")
    return store.sort("traj_id", "t"), r.output


def test_motion_columns_finds_a_speed_alone_only_when_asked():
    assert motion_columns(["MMSI", "SOG"]) is None  # dead reckoning needs a course
    assert motion_columns(["MMSI", "SOG"], speed_alone=True) == ("SOG", KNOT_MPS, None)
    assert motion_columns(["sog_mps", "COG"], speed_alone=True) == ("sog_mps", 1.0, "COG")
    assert motion_columns(["speed_mps"], speed_alone=True) is None  # derived, not reported


def test_a_sog_only_file_keeps_its_speed_and_stops_and_validity_match_the_cog_file(tmp_path):
    """Before, the SOG of a file without COG was dropped at ingest: the anchorage came out as 5
    pieces (the drift rule never ran) and the glitch under way was not flagged on the store.
    Now the store keeps `sog_kn` alone and both match the same file with a COG column."""
    import trajlm
    from trajlm.eval.dead_reckoning import has_motion

    df = _anchorage()
    with_cog, _ = _ingested(tmp_path, df.with_columns(COG=90.0), "cog")
    sog_only, _ = _ingested(tmp_path, df, "sog")
    assert "sog_kn" in sog_only.columns and "cog_deg" not in sog_only.columns
    assert sog_only["sog_kn"].null_count() == 0 and sog_only.height == with_cog.height
    assert sog_only["traj_id"].n_unique() == with_cog["traj_id"].n_unique() == 2
    assert sog_only["traj_id"].to_list() == with_cog["traj_id"].to_list()

    def flagged(store: pl.DataFrame) -> list[tuple]:
        v = trajlm.check_validity(store)
        bad = v.filter(~pl.col("valid"))
        return list(zip(bad["t"].to_list(), bad["reason_code"].to_list(), strict=True))

    got = flagged(sog_only)
    assert got == flagged(with_cog) and [c for _, c in got] == ["reported_speed"], got
    # positions alone (the speed dropped, as before) miss the glitch: the check is the speed's
    assert flagged(sog_only.drop("sog_kn")) == []
    assert has_motion(with_cog) and not has_motion(sog_only)  # no course: no dead reckoning


def test_a_sog_only_store_is_not_dead_reckoned():
    """The baseline refuses a speed without a course in one line (nothing to steer by)."""
    from trajlm.errors import TrajlmInputError
    from trajlm.eval.dead_reckoning import dead_reckon

    df = _canon(_ship(3, 10.0, 10.0, 5.0).drop(columns=["COG"]))
    with pytest.raises(TrajlmInputError, match="needs a reported speed and course"):
        dead_reckon(df, np.array([[60.0]]))


def _glitched(seed: int = 4):
    """A class-B craft at 7 kn, 30-s reports, its last fix 300 m north of the track (ships18's
    case); the truth 60 / 300 / 600 s later."""
    ship = _ship(9, 7.0, 30.0, 60.0, cog=135.0, noise_m=3.0, seed=seed)
    hist = ship.iloc[:41].copy()
    hist.loc[40, "LAT"] += 300 / 111_195
    return hist, [ship.iloc[40 + k] for k in (2, 10, 20)]


def test_the_mix_drops_the_model_share_from_a_glitched_last_fix():
    """with_reported_motion: a model rollout that starts from the glitch (here: it stays on it)
    had 0.1 of the mix, ~30 m of the 300 m at every horizon; now the mix is dead reckoning's
    there. A clean last fix keeps the model's share."""
    from trajlm.api_rollout import with_reported_motion
    from trajlm.eval.dead_reckoning import dead_reckon, glitched_last_report

    ahead = np.array([[60.0, 300.0, 600.0]])
    for glitch in (True, False):
        hist, truth = _glitched()
        if not glitch:
            hist = hist.iloc[:40]
        df = _canon(hist)
        last = df.tail(1)
        out = pl.DataFrame({"traj_id": [last["traj_id"][0]] * 3, "step": [1, 2, 3],
                            "t": last["t"][0] + ahead[0], "lat": np.full(3, last["lat"][0]),
                            "lon": np.full(3, last["lon"][0]), "std_m": np.full(3, 50.0)})  # fmt: skip
        lat, lon, _ = dead_reckon(df, ahead)
        mixed = with_reported_motion(out, df, last, ahead, None, 0.9)
        assert glitched_last_report(df).tolist() == [glitch]
        off = _metres(mixed["lat"].to_numpy(), mixed["lon"].to_numpy(), lat[0], lon[0])
        if glitch:
            assert (off < 1.0).all(), off  # was ~0.1 x the model's distance from DR
        else:
            model_off = _metres(out["lat"].to_numpy(), out["lon"].to_numpy(), lat[0], lon[0])
            assert np.allclose(off, 0.1 * model_off, rtol=0.02, atol=0.5), (off, model_off)


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_predict_from_a_glitched_last_fix_is_as_good_as_dead_reckoning():
    """ships18's case through TrajLM.predict: dead reckoning alone 2-4 m off at +60/300/600 s,
    the 0.9 / 0.1 mix was 62 / 183 / 332 m (the model's share from the glitch); now the same."""
    import trajlm

    model = trajlm.TrajLM.from_pretrained("trajlm-small")
    hist, truth = _glitched()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = model.predict(hist, seconds_ahead=[60, 300, 600])
    off = [
        _metres(o.LAT, o.LON, tr.LAT, tr.LON) for o, tr in zip(out.itertuples(), truth, strict=True)
    ]
    assert max(off) < 40, off


def test_a_sport_logs_speed_alone_stays_a_sensor_and_a_speed_with_a_course_is_motion(tmp_path):
    from trajlm.data.readers.ais import keep_motion_columns

    def kept(header: str):
        csv = tmp_path / "f.csv"
        csv.write_text(header + "\n")
        return keep_motion_columns(csv, "csv", None)[1]

    assert kept("time,lat,lon,speed_m_s") is None  # keep_sensor_columns' speed_mps, as before
    assert kept("time,lat,lon,speed_m_s,course") == ("speed_m_s", "course")
    assert kept("MMSI,time,lat,lon,SOG") == ("SOG", None)
