"""Session 33 (fix33b): session 33's silent leftovers (newuser33, fix33, dispatch33), each a
small general fix. docs/reliability.md "Session 33 (fix33b)"."""

import math

import numpy as np
import pandas as pd
import pytest
from helpers import invoke_cli

M_PER_DEG = 6_371_008.8 * math.pi / 180
LAT0, LON0 = 45.76, 4.84
M_LON = M_PER_DEG * math.cos(math.radians(LAT0))
T0 = pd.Timestamp("2026-12-07 09:00", tz="UTC")
VANS, STOPS_EACH = 30, 3


def van_rows(van: int, name: str, start: pd.Timestamp, n: int) -> pd.DataFrame:
    """Van ``van`` east along its own street (1 km north of the last van's) at 10 m/s."""
    return pd.DataFrame({"van_id": name, "timestamp": [start + pd.Timedelta(seconds=15 * i)
                                                       for i in range(n)],
                         "lat": LAT0 + van * 1000 / M_PER_DEG,
                         "lon": LON0 + 150 * np.arange(n) / M_LON})  # fmt: skip


def unix_rows(days_ago: int, n: int) -> pd.DataFrame:
    """Van V1's street, ``n`` fixes from T0 ``days_ago`` days back, t in Unix seconds."""
    rows = van_rows(0, "V1", T0 - pd.Timedelta(days=days_ago), n)
    return rows.assign(t=[int(x.timestamp()) for x in rows.pop("timestamp")])


def fleet() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(today's feed: 30 vans, 20 fixes each; last week: 3 days of each van's whole street;
    the stops: 3 per van on its own street ahead of it, keyed by van_id)."""
    feed = pd.concat([van_rows(v, f"van{v:02d}", T0, 20) for v in range(VANS)])
    past = pd.concat([van_rows(v, f"van{v:02d}-d{d}", T0 - pd.Timedelta(days=d), 60)
                      for v in range(VANS) for d in (1, 2, 3)])  # fmt: skip
    end = LON0 + 150 * 19 / M_LON
    stops = pd.DataFrame([{"van_id": f"van{v:02d}", "stop_id": f"S{v:02d}-{k}",
                           "lat": LAT0 + v * 1000 / M_PER_DEG, "lon": end + 600 * (k + 1) / M_LON}
                          for v in range(VANS) for k in range(STOPS_EACH)])  # fmt: skip
    return feed, past, stops


def test_keyed_reach_searches_each_vans_own_stops_only(trajlm_small, monkeypatch):
    """dispatch33 left: keyed targets were searched for every (van, stop) pair (30 x 90 per
    past path) and then filtered. Now only each van's own 3 are; the answers are the same as
    the unkeyed call's own-van rows."""
    from trajlm.api_reach_route import RouteMemory

    feed, past, stops = fleet()
    memory = RouteMemory.read(past)
    searched = []
    ahead = RouteMemory.ahead

    def counting(self, trip, j, targets, *a, **k):
        searched.append(len(targets))
        return ahead(self, trip, j, targets, *a, **k)

    monkeypatch.setattr(RouteMemory, "ahead", counting)
    keyed = trajlm_small.reach(feed, to=stops, memory=memory, radius_m=50, horizon_s=600)
    pairs, calls = sum(searched), len(searched)
    assert calls >= VANS and (keyed["engine"] == "route").all()
    assert pairs == calls * STOPS_EACH  # main: calls * 90 (every van x every stop)
    searched.clear()
    every = trajlm_small.reach(
        feed, to=stops.drop(columns="van_id"), memory=memory, radius_m=50, horizon_s=600
    )
    assert sum(searched) == len(searched) * VANS * STOPS_EACH
    own = every[every["van_id"] == every["stop_id"].str[1:3].radd("van")]
    cols = ["van_id", "stop_id", "reached", "eta_s", "closest_m", "engine", "paths"]
    pd.testing.assert_frame_equal(
        keyed[cols].reset_index(drop=True), own[cols].reset_index(drop=True)
    )


def test_http_accuracy_text_warning_names_the_key_the_client_sent(trajlm_small):
    """fix33 left: over HTTP an "accuracy": "good" was said as 'accuracy_m' (the API's column),
    a name the client never sent. Now each key is named as sent; "300 m" is still read."""
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    rows = [{"vehicle_id": "P", "t": 1_700_000_000 + 60 * k, "lat": 52.37 + 1e-4 * k,
             "lon": 4.89} for k in range(6)]  # fmt: skip
    with TestClient(create_app(trajlm_small)) as client:
        for key in ("accuracy", "horizontalAccuracy"):
            body = {"trajectories": [{**r, key: "good"} for r in rows], "steps": 1}
            said = client.post("/predict", json=body).json()["warnings"]
            line = next(w for w in said if "not a number of metres" in w)
            assert line.startswith(f"'{key}': 6 value(s)"), line  # main: 'accuracy_m'
        body = {"trajectories": [{**r, "accuracy": "300 m"} for r in rows], "steps": 1}
        far = client.post("/predict", json=body)
    assert far.status_code == 422 and "over 200 m" in far.json()["error"]


def _day_files(folder) -> None:
    folder.mkdir()
    for d in (1, 2):
        unix_rows(d, 20).to_csv(folder / f"day{d}.csv", index=False)


@pytest.mark.parametrize("as_file", [False, True])
def test_a_typed_split_with_files_for_input_is_refused_naming_the_option(tmp_path, as_file):
    """fix33 left: `--split val` with a folder of day files (or one file) was ignored without
    a word: every trajectory was read. Files have no split until ingest gives them one, so
    a typed --split is refused (exit 2); the default (test) still reads every trajectory."""
    _day_files(tmp_path / "days")
    given = tmp_path / "days" / "day1.csv" if as_file else tmp_path / "days"
    base = ["predict", "--model", "trajlm-small", "--input", str(given), "--steps", "2"]
    r = invoke_cli([*base, "--out", str(tmp_path / "a.csv"), "--split", "val"])
    assert r.exit_code == 2, r.output  # main: 0, every trajectory predicted
    assert "--split val" in r.output and "not a trajlm store" in r.output
    assert not (tmp_path / "a.csv").exists()
    r = invoke_cli([*base, "--out", str(tmp_path / "b.csv")])
    assert r.exit_code in (0, 1) and "--split" not in r.output, r.output  # 1: no weights


def test_a_column_only_later_files_have_is_kept_and_its_accuracy_rule_applied(tmp_path):
    """newuser33 left: from day 16 the vendor added `accuracy`; the first file's header chose
    the columns, so it was dropped without a word (its 500 m fixes kept). Now it is kept as
    accuracy_m, empty for the earlier days (said once, as a kept column missing from later
    files is), and the accuracy rule drops the later days' fixes over 200 m."""
    import polars as pl

    folder = tmp_path / "days"
    folder.mkdir()
    for d in (1, 2, 3):
        rows = unix_rows(10 - d, 30)
        if d >= 2:
            rows["accuracy"] = [500.0 if i % 10 == 0 else 5.0 for i in range(30)]
        rows.to_csv(folder / f"day{d}.csv", index=False)
    r = invoke_cli(["data", "ingest", str(folder), "--out", str(tmp_path / "store")])
    assert r.exit_code == 0, r.output
    assert "day1.csv: no column 'accuracy', which a later file has" in r.output
    pts = pl.read_parquet(tmp_path / "store" / "points")
    assert "accuracy_m" in pts.columns  # main: not kept
    assert pts.height == 90 - 6  # main: 90 (the six 500 m fixes kept)
    assert pts["accuracy_m"].null_count() == 30 and pts["accuracy_m"].max() == 5.0


def test_a_month_built_from_nights_stores_says_no_traj_id_lost(tmp_path):
    """newuser33 left: `trajlm data ingest NIGHT1 NIGHT2` printed `columns not kept in the
    store: ['traj_id']`: the nights' trip pieces, read again from `source_traj_id` and cut
    anew, not a column of the user's lost. A column that is lost is still said."""
    nights = []
    for d in (1, 2):
        folder = tmp_path / f"raw{d}"
        folder.mkdir()
        rows = unix_rows(10 - d, 30)
        rows.to_csv(folder / "day.csv", index=False)
        nights.append(str(tmp_path / f"night{d}"))
        assert invoke_cli(["data", "ingest", str(folder), "--out", nights[-1]]).exit_code == 0
    r = invoke_cli(["data", "ingest", *nights, "--out", str(tmp_path / "month")])
    assert r.exit_code == 0, r.output
    assert "not kept" not in r.output  # main: columns not kept in the store: ['traj_id']
    extra = tmp_path / "raw3"
    extra.mkdir()
    unix_rows(5, 30).assign(speed_note="x").to_csv(extra / "day.csv", index=False)
    r = invoke_cli(["data", "ingest", str(extra), "--out", str(tmp_path / "other")])
    assert "columns not kept in the store: ['speed_note']" in r.output
