"""fix39 (docs/reliability.md "Session 39 (fix39)"): newuser39's and heldout39's leftovers. A
bus feed's 1-4 km bad fixes said by ingest (the input's own speeds, not 340 m/s alone);
`eval --compare` names checked before scoring; the AIS "not available" speed limit kept for
AIS-named speeds; a frame whose `_id` column differs on every row of one time-ordered track
told. Synthetic data only."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import invoke, said

T0 = 1_790_000_000


def _bus_feed(path: Path, jumps: int = 4, seed: int = 0) -> Path:
    """4 buses, 300 fixes 15 s apart at ~8 m/s, ``jumps`` single fixes thrown 2 km off (two
    steps of ~130 m/s each: under 340 m/s)."""
    rng = np.random.default_rng(seed)
    lines = []
    for b in range(4):
        lat, lon = 63.43 + 0.01 * b, 10.39
        bad = (
            set(rng.choice(np.arange(10, 290), jumps // 2, replace=False).tolist())
            if b < 2
            else set()
        )
        for i in range(300):
            ang = 0.3 * math.sin(i / 20)
            lat += 8 * 15 * math.cos(ang) / 111_320 * (1 + 0.1 * rng.standard_normal())
            lon += 8 * 15 * math.sin(ang) / (111_320 * math.cos(math.radians(lat)))
            off = 2_000 / 111_320 if i in bad else 0.0
            lines.append(f"bus{b},{T0 + 15 * i},{lat + off:.6f},{lon:.6f}")
    path.write_text("vehicle_id,t,lat,lon\n" + "\n".join(lines) + "\n")
    return path


# ------------------------------------------------------------------ 1: jumps below 340 m/s


def test_ingest_says_a_bus_feeds_jumps_under_340_mps_with_the_option_that_drops_them(tmp_path):
    src = _bus_feed(tmp_path / "bus.csv")
    r = invoke("data", "ingest", src, "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    text = " ".join(said(r).split())
    # 2 thrown fixes on each of 2 buses: 8 steps in and out, none over 340 m/s
    assert "warning: 8 step(s) between consecutive points are faster than" in text, text
    limit = text.split("--max-speed-mps ")[1].split()[0]
    assert 20 <= float(limit) < 130 and "drops them" in text
    assert "340 m/s" not in text  # no step is impossible: the old line said nothing
    r = invoke("data", "ingest", src, "--out", tmp_path / "b", "--max-speed-mps", limit)
    assert r.exit_code == 0 and "step(s) between consecutive points" not in said(r), said(r)
    assert "speed_outlier 4" in " ".join(said(r).split())


def test_ingest_of_a_clean_feed_says_no_jumps(tmp_path):
    from trajlm.data.ingest import ingest

    m = ingest(_bus_feed(tmp_path / "ok.csv", jumps=0), "csv", tmp_path / "s")
    assert "jump_steps" not in m["reading"] and "impossible_speed" not in m["reading"]


# ------------------------------------------------------------------ 2: --compare checked early


def _city(tmp_path: Path) -> Path:
    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city

    d = tmp_path / "city"
    write_store(generate_city(n_trajectories=40, seed=3).points.drop("label"), d)
    return d


def test_compare_name_of_no_row_is_refused_before_scoring(tmp_path):
    city = _city(tmp_path)
    r = invoke("eval", "--task", "predict", "--data", city, "--compare", "linear-3,nope")
    text = " ".join(said(r).split())
    assert (
        r.exit_code == 2 and "names no two rows of this table (its rows: constant velocity" in text
    )
    assert "checked before scoring)" in text
    assert "| k=5 | linear-3 |" not in r.output and "Traceback" not in r.output  # nothing scored
    r = invoke(
        "eval", "--task", "predict", "--data", city, "--compare", "constant velocity,linear-3"
    )
    assert r.exit_code == 0 and "Paired comparisons (--compare)" in r.output, r.output


def test_names_of_rows_made_after_scoring_pass_the_early_check():
    import pytest

    from trajlm.errors import TrajlmInputError
    from trajlm.eval.row_pairs import check_names_before_scoring

    names = ["constant velocity", "knn", "trajlm:run_a", "trajlm:run_b"]
    check_names_before_scoring(["trajlm (mean ± std over 2 runs),knn"], names, ("trajlm",))
    check_names_before_scoring(["trajlm,knn", ("run_a", "knn")], names, ("trajlm",))
    check_names_before_scoring(["trajlm:run_a (val-checked: knn),knn"], names)
    with pytest.raises(TrajlmInputError, match="no row named 'knnn'"):
        check_names_before_scoring([("knnn", "knn")], names)
    with pytest.raises(TrajlmInputError, match="names no two rows"):
        check_names_before_scoring(["trajlm,knn"], names)  # no seeds' row without the head


# ------------------------------------------------------------------ 3: AIS's speed code


def _speed_log(path: Path, speed_col: str, speeds: list[str]) -> Path:
    rows = [f"{T0 + i},{48.0 + 2e-3 * i:.6f},{11.0:.6f},{s},90" for i, s in enumerate(speeds)]
    path.write_text(f"t,lat,lon,{speed_col},heading\n" + "\n".join(rows) + "\n")
    return path


def _kept_speeds(src: Path, out: Path) -> tuple[list, str]:
    import warnings

    from trajlm.data.ingest import ingest
    from trajlm.data.store import read_store

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        ingest(src, "csv", out)
    df = read_store(out)
    col = "sog_kn" if "sog_kn" in df.columns else "sog_mps"
    return df[col].to_list(), " ".join(str(w.message) for w in got)


def test_a_race_cars_speed_over_189_kmh_is_read(tmp_path):
    speeds = [str(v) for v in (150, 200, 230, 250) * 5]
    got, said_ = _kept_speeds(
        _speed_log(tmp_path / "car.csv", "Speed (km/h)", speeds), tmp_path / "a"
    )
    assert None not in got and max(got) == 250 / 3.6 and "102.25 kn" not in said_
    text = [f"{v} km/h" for v in (150, 200, 230, 250) * 5]  # units in the cells
    got, said_ = _kept_speeds(_speed_log(tmp_path / "t.csv", "speed_kmh", text), tmp_path / "b")
    assert None not in got and max(got) == 250 / 3.6 and "not available" not in said_


def test_an_aircrafts_knots_are_read_and_ais_sog_keeps_its_code(tmp_path):
    air = _speed_log(tmp_path / "air.csv", "groundspeed (kt)", ["450"] * 20)
    got, _ = _kept_speeds(air, tmp_path / "a")
    assert got == pytest.approx([450 * 1852 / 3600] * 20)  # m/s: no "not available" code
    ship = _speed_log(tmp_path / "ship.csv", "SOG", ["12.5"] * 19 + ["102.3"])
    got, _ = _kept_speeds(ship, tmp_path / "s")
    assert got[:19] == [12.5] * 19 and got[19] is None  # AIS: 102.3 kn = not available


# ------------------------------------------------------------------ 4: `_id` on every row


def _requests(n: int = 40, scattered: bool = False):
    import polars as pl

    rng = np.random.default_rng(1)
    lat = 41.15 + (rng.uniform(0, 0.5, n) if scattered else 1e-4 * np.arange(n))
    return pl.DataFrame({"req_id": [f"r{i}" for i in range(n)], "lat": lat,
                         "lon": -8.61 + (rng.uniform(0, 0.5, n) if scattered else 1e-4 * np.arange(n)),
                         "time": [T0 + 10 * i for i in range(n)]})  # fmt: skip


def test_a_row_key_by_its_ending_on_one_track_is_refused_with_the_way_on():
    import trajlm
    from trajlm.errors import TrajlmInputError

    df = _requests()
    with pytest.raises(TrajlmInputError, match="'req_id' differs on every row .40 rows., yet") as e:
        trajlm.clean(df, return_report=False)  # was: 0 rows kept, no word
    assert "traj_col=NAME" in str(e.value) and "df.drop(columns=['req_id'])" in str(e.value)
    with pytest.warns(UserWarning, match="read as one mover's fixes"):
        assert len(trajlm.clean(df.drop("req_id"), return_report=False)) == 40  # the way on
    named = trajlm.to_canonical(df, traj_col="req_id")  # named: a mover per row, as asked
    assert named["traj_id"].n_unique() == 40


def test_one_row_per_mover_frames_are_read_as_before():
    import polars as pl

    import trajlm

    scattered = trajlm.to_canonical(_requests(scattered=True))  # movers' last positions
    assert scattered["traj_id"].n_unique() == 40
    same_time = _requests().with_columns(time=pl.lit(T0))  # a fleet's snapshot at one time
    assert trajlm.to_canonical(same_time)["traj_id"].n_unique() == 40
