"""Session 36 (badin36): hostile inputs on session 35's new surfaces (`ingest --append`,
`--compare`, `data queries --horizon-s`, `predict --tz`, `trajlm.read`'s keywords, the MDS
reader, `places` between trips, `resplit`) and the Python API's frames
(docs/reliability.md "Session 36 (badin36)"; scripts/badin36/probe.py). Each test failed
before its fix: a silent wrong, a traceback or an unclear line."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from helpers import invoke_cli

import trajlm
from trajlm.data.store import load_manifest
from trajlm.errors import TrajlmInputError

DAY = 86_400
T0 = 1_793_491_200  # 2026-11-01T00:00Z


def _day_csv(path: Path, day: int, zone: str = "", vans: int = 4) -> Path:
    """A day of a small fleet, times as naive text (``zone``: a suffix such as "Z")."""
    rows = []
    for v in range(vans):
        t = T0 + day * DAY + 6 * 3600 + 97 * v
        for j in range(20):
            stamp = pd.Timestamp(t + 60 * j, unit="s").strftime("%Y-%m-%dT%H:%M:%S") + zone
            rows.append({"id": f"d{day}v{v}", "time": stamp, "lat": 52.0 + 0.01 * v + 4e-4 * j,
                         "lon": 5.0 + 3e-4 * j})  # fmt: skip
    pl.DataFrame(rows).write_csv(path)
    return path


def _store(tmp_path: Path, *extra: str) -> Path:
    store = tmp_path / "store"
    files = [str(_day_csv(tmp_path / f"day{d}.csv", d)) for d in range(3)]
    r = invoke_cli(["data", "ingest", *files, "--out", str(store), *extra])
    assert r.exit_code == 0, r.output
    return store


def _bytes(store: Path) -> dict[str, bytes]:
    return {str(p.relative_to(store)): p.read_bytes() for p in sorted(store.rglob("*"))
            if p.is_file()}  # fmt: skip


# ---- ingest --append


def test_append_through_a_symlink_appends_the_store_and_keeps_the_link(tmp_path):
    store = _store(tmp_path)
    link = tmp_path / "current"
    link.symlink_to(store)
    r = invoke_cli(["data", "ingest", str(_day_csv(tmp_path / "d5.csv", 5)), "--out", str(link),
                    "--append"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert link.is_symlink()  # before: swapped for a folder, the store it named left as it was
    assert load_manifest(store)["appends"][0]["n_trajectories"] == 4
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # no link left beside


def test_append_on_another_clock_is_refused(tmp_path):
    store = _store(tmp_path, "--tz", "Europe/Rome")
    before = _bytes(store)
    day = str(_day_csv(tmp_path / "d5.csv", 5))
    for extra in ([], ["--tz", "America/New_York"], ["--utc-offset", "1"]):
        r = invoke_cli(["data", "ingest", day, "--out", str(store), "--append", *extra])
        assert r.exit_code == 2, r.output  # before: appended an hour (or six) off, unsaid
        assert "Europe/Rome" in r.output and "--tz Europe/Rome" in r.output
        assert _bytes(store) == before
    r = invoke_cli(["data", "ingest", day, "--out", str(store), "--append", "--tz", "Europe/Rome"])
    assert r.exit_code == 0, r.output
    zoned = str(_day_csv(tmp_path / "d6.csv", 6, zone="Z"))  # instants: any store takes them
    assert invoke_cli(["data", "ingest", zoned, "--out", str(store), "--append"]).exit_code == 0


def test_append_to_a_utc_store_with_a_zone_is_refused(tmp_path):
    store = _store(tmp_path)
    r = invoke_cli(["data", "ingest", str(_day_csv(tmp_path / "d5.csv", 5)), "--out", str(store),
                    "--append", "--tz", "Asia/Tokyo"])  # fmt: skip
    assert r.exit_code == 2 and "no --tz / --utc-offset" in r.output


def test_append_other_cleaning_names_the_options(tmp_path):
    store = _store(tmp_path)
    r = invoke_cli(["data", "ingest", str(_day_csv(tmp_path / "d5.csv", 5)), "--out", str(store),
                    "--append", "--max-gap-s", "60"])  # fmt: skip
    assert r.exit_code == 2
    assert "--max-gap-s" in r.output and "median interval" in r.output  # was: "gap_intervals"


@pytest.mark.parametrize("flag", ["yes", 1, "no"])
def test_ingest_append_must_be_a_bool(tmp_path, flag):
    store = _store(tmp_path)
    before = _bytes(store)
    with pytest.raises(TrajlmInputError, match="append must be True or False"):
        trajlm.ingest([_day_csv(tmp_path / "d5.csv", 5)], "auto", store, append=flag)
    assert _bytes(store) == before  # before: "yes" and 1 appended, "no" too


def test_ingest_of_no_files_is_one_line(tmp_path):
    store = _store(tmp_path)
    for append in (True, False):  # before: a StopIteration traceback
        with pytest.raises(TrajlmInputError, match="no input files"):
            trajlm.ingest([], "auto", tmp_path / "x" if not append else store, append=append)


# ---- trajlm.read / a path's zone options


def test_read_a_store_refuses_reading_keywords(tmp_path):
    store = _store(tmp_path)
    for kw in ({"tz": "Europe/Rome"}, {"utc_offset": 5}, {"time_origin": "2020-01-01T00:00Z"},
               {"format": "gpx"}):  # fmt: skip
        with pytest.raises(TrajlmInputError, match="leave out"):  # before: dropped unsaid
            trajlm.read(store, **kw)
    assert trajlm.read(store).height == 12 * 20


def test_a_zone_option_on_instants_is_said(tmp_path):
    zoned = _day_csv(tmp_path / "z.csv", 1, zone="+01:00")
    unix = tmp_path / "u.csv"
    pl.DataFrame({"id": ["a"] * 3, "t": [T0, T0 + 60, T0 + 120], "lat": [52.0, 52.001, 52.002],
                  "lon": [5.0, 5.0, 5.0]}).write_csv(unix)  # fmt: skip
    for path, kw, said in ((zoned, {"tz": "America/New_York"}, "text with a zone"),
                           (unix, {"utc_offset": 3}, "Unix numbers")):  # fmt: skip
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plain = trajlm.read(path, **kw)
        lines = [str(w.message) for w in caught]
        # zones36: said in the words every route says it (was "tz X not used: ...")
        assert any("did not move them" in x and said in x for x in lines), lines
        assert plain["t"].to_list() == trajlm.read(path)["t"].to_list()  # what it did before
    with warnings.catch_warnings(record=True) as caught:  # naive times: used, nothing said
        warnings.simplefilter("always")
        trajlm.read(_day_csv(tmp_path / "n.csv", 1), tz="Europe/Rome")
    assert not [w for w in caught if "did not move" in str(w.message)]
    r = invoke_cli(
        ["data", "ingest", str(zoned), "--out", str(tmp_path / "s"), "--tz", "Asia/Tokyo"]
    )
    # ingest keeps the zone as the store's clock and says the times were not moved (leftover36)
    assert r.exit_code == 0 and "did not move them" in r.output
    assert load_manifest(tmp_path / "s")["reading"]["local_time"]["times_kept"] is True


# ---- MDS


def _mds_trip(k: int, t0: int = 1_790_900_000_000, route_type: str = "Point") -> dict:
    feats = [{"type": "Feature", "properties": {"timestamp": t0 + i * 60_000},
              "geometry": {"type": route_type, "coordinates": [-118.49 + 0.001 * i, 34.01]}}
             for i in range(5)]  # fmt: skip
    return {"provider_name": "op", "device_id": "dev", "vehicle_type": "scooter",
            "trip_id": f"trip-{k}", "route": {"type": "FeatureCollection", "features": feats}}  # fmt: skip


def _page(path: Path, trips: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": "0.4.1", "data": {"trips": trips}}))
    return path


def test_mds_trip_id_naming_two_routes_is_refused(tmp_path):
    _page(tmp_path / "p" / "a.json", [_mds_trip(0)])
    _page(tmp_path / "p" / "b.json", [_mds_trip(0, t0=1_790_986_400_000)])
    with pytest.raises(TrajlmInputError, match="trip_id 'trip-0' names two different routes"):
        trajlm.read(tmp_path / "p")  # before: one track jumping back a day


def test_mds_trip_on_two_pages_is_read_once(tmp_path):
    _page(tmp_path / "p" / "a.json", [_mds_trip(0), _mds_trip(1)])
    _page(tmp_path / "p" / "b.json", [_mds_trip(1)])  # an overlapping query window
    with pytest.warns(UserWarning, match="repeated on another page"):
        df = trajlm.read(tmp_path / "p")
    assert df.height == 10 and df["traj_id"].n_unique() == 2


def test_mds_route_lines_and_lone_status_feed_are_named(tmp_path):
    with pytest.raises(TrajlmInputError, match="a LineString, not a Point") as e:
        trajlm.read(_page(tmp_path / "l.json", [_mds_trip(0, route_type="LineString")]))
    assert str(e.value).count("field $.data") == 1  # the JSON path said once
    feed = tmp_path / "status_changes.json"
    feed.write_text(
        json.dumps(
            {
                "version": "0.4.1",
                "data": {
                    "status_changes": [
                        {
                            "device_id": "d",
                            "event_type": "available",
                            "event_time": 1_790_900_000_000,
                        }
                    ]
                },
            }
        )
    )
    with pytest.raises(TrajlmInputError, match="status_changes feed"):
        trajlm.read(feed)


# ---- places between trips


def _trips(spec: list[tuple[str | None, str, int, tuple, tuple]]) -> pd.DataFrame:
    rows = []
    for dev, trip, t0, a, b in spec:
        for i in range(6):
            rows.append({"device_id": dev, "trip_id": trip,
                         "t": pd.Timestamp(1_790_900_000 + t0 + 60 * i, unit="s", tz="UTC"),
                         "lat": a[0] + (b[0] - a[0]) * i / 5, "lon": a[1] + (b[1] - a[1]) * i / 5})  # fmt: skip
    return pd.DataFrame(rows)


A, B = (34.01, -118.49), (34.03, -118.46)


def test_places_trip_ids_two_devices_share_keep_the_stay():
    df = _trips([("d1", "t1", 0, A, B), ("d2", "t1", 3 * 3600, B, A), ("d1", "t2", 6 * 3600, B, A)])
    with pytest.warns(UserWarning, match="read as the 2 movers"):
        got = trajlm.places(df)  # before: "no stay" (trip t1 read as one mover of two devices)
    assert list(got["device_id"]) == ["d1"] and abs(got["lat"].iloc[0] - B[0]) < 1e-3


def test_places_owner_with_a_gap_is_said():
    df = _trips([("d1", "t1", 0, A, B), ("d1", "t2", 3 * 3600, B, A)])
    df.loc[0, "device_id"] = None
    with pytest.warns(UserWarning, match="have no 'device_id'"), pytest.raises(TrajlmInputError):
        trajlm.places(df)


# ---- eval / queries / score


def test_horizon_given_twice_is_refused(tmp_path):
    r = invoke_cli(["data", "synth", "-o", str(tmp_path / "s"), "-n", "60"])
    assert r.exit_code == 0
    r = invoke_cli(["data", "queries", str(tmp_path / "s"), "-o", str(tmp_path / "q.csv"),
                    "--horizon-s", "60,60"])  # fmt: skip
    assert r.exit_code == 2 and "60 s is given twice" in r.output  # before: asked twice


def test_score_takes_lazy_indexed_answers_and_names_duplicate_columns(tmp_path):
    store = tmp_path / "s"
    assert invoke_cli(["data", "synth", "-o", str(store), "-n", "40"]).exit_code == 0
    inputs, asks = trajlm.queries(store)
    last = inputs.sort_values(["query_id", "step"]).groupby("query_id").tail(1)
    ans = asks[["query_id", "k"]].merge(last[["query_id", "lat", "lon"]], on="query_id")
    plain = trajlm.score(store, ans)
    for given in (pl.from_pandas(ans).lazy(), ans.set_index(["query_id", "k"])):
        got = trajlm.score(store, given)  # before: refused / "no column query_id, k"
        assert got["mae_m"].iloc[-1] == plain["mae_m"].iloc[-1]
    with pytest.raises(TrajlmInputError, match="two columns are named 'lat'"):
        trajlm.score(store, pd.concat([ans, ans[["lat"]]], axis=1))


def test_resplit_hour_text_names_the_value(tmp_path):
    store = _store(tmp_path)
    r = invoke_cli(
        ["data", "resplit", str(store), "--out", str(tmp_path / "r"), "--by", "hour=abc"]
    )
    assert r.exit_code == 2 and "got 'abc'" in r.output


def test_compare_names_the_rows_users_gave():
    from trajlm.eval.row_pairs import resolve_pairs

    rows = ["constant velocity", "kNN continuation", "mine: a", "mine: b",
            "mine (mean ± std over 2 files)", "trajlm:run"]  # fmt: skip
    got = resolve_pairs(["mine,constant velocity", ("run", "mine")], rows)
    assert got == [("mine (mean ± std over 2 files)", "constant velocity"),
                   ("trajlm:run", "mine (mean ± std over 2 files)")]  # fmt: skip
    assert resolve_pairs([("answers", "kNN continuation")], ["kNN continuation", "answers: f"]) \
        == [("answers: f", "kNN continuation")]  # fmt: skip
    twice = ["constant velocity,kNN continuation"] * 2  # before: the pair's row printed twice
    assert len(resolve_pairs(twice, rows)) == 1
    with pytest.raises(TrajlmInputError, match="compared with itself"):
        resolve_pairs([("mine", "mine (mean ± std over 2 files)")], rows)


def test_compare_refuses_a_name_two_rows_carry(tmp_path):
    store = tmp_path / "s"
    assert invoke_cli(["data", "synth", "-o", str(store), "-n", "40"]).exit_code == 0
    inputs, asks = trajlm.queries(store)
    last = inputs.sort_values(["query_id", "step"]).groupby("query_id").tail(1)
    ans = asks[["query_id", "k"]].merge(last[["query_id", "lat", "lon"]], on="query_id")
    with pytest.raises(TrajlmInputError, match="two rows of this table are named 'linear-3'"):
        # before: the baseline compared, the user's rows under that name never
        trajlm.score(store, ans, name="linear-3", compare=[("linear-3", "constant velocity")])


def test_travel_time_positions_lazy_and_twice_named(tmp_path):
    from trajlm.api_inputs import latlon_array

    frame = pd.DataFrame({"lat": [52.0, 52.1], "lon": [5.0, 5.1]})
    assert latlon_array(pl.from_pandas(frame).lazy(), "origins").shape == (2, 2)  # was a TypeError
    with pytest.raises(TrajlmInputError, match="two columns are named 'lat'"):
        latlon_array(pd.concat([frame, frame[["lat"]]], axis=1), "origins")


def test_read_hints_name_what_read_takes(tmp_path):
    sec = tmp_path / "sec.csv"
    sec.write_text("id,sec,lat,lon\na,0,52.0,5.0\na,10,52.001,5.0\n")
    with pytest.raises(TrajlmInputError, match="trajlm.read takes no column names"):
        trajlm.read(sec)  # before: told columns=ColumnMap(...), a keyword read() has not
    with pytest.raises(TrajlmInputError, match="leave time_origin out"):
        trajlm.read(_day_csv(tmp_path / "n.csv", 1), time_origin="2026-11-01T00:00Z")


def test_a_zone_option_on_a_utc_gpx_is_said(tmp_path):
    pts = "".join(f'<trkpt lat="52.0{i}" lon="5.0"><time>2026-11-01T10:00:{i}0{{z}}</time></trkpt>'
                  for i in range(3))  # fmt: skip
    doc = '<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>{}</trkseg></trk></gpx>'
    gpx = tmp_path / "tZ.gpx"
    gpx.write_text(doc.format(pts.format(z="Z")))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trajlm.read(gpx, tz="Europe/Rome")
    assert any("did not move them" in str(w.message) for w in caught)  # before: never said
    naive = tmp_path / "t.gpx"  # zones36: refused as ingest refuses it (was dropped unsaid)
    naive.write_text(doc.format(pts.format(z="")))
    with pytest.raises(TrajlmInputError, match="read as the format defines them"):
        trajlm.read(naive, tz="Europe/Rome")
