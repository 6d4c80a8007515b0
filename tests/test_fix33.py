"""Session 33 (fix33): badin33's and heldout33's leftovers, each a small general fix
(docs/reliability.md "Session 33 (fix33)"). Each test failed on main 6a10fe1e but the CLI's
held-ahead one (a guard: the CLI said it already, through TrajLM.predict)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

T0 = pd.Timestamp("2026-01-01 08:00", tz="UTC")


def _east(n: int = 40) -> pd.DataFrame:
    """A car driving east in Porto, a fix every 5 s at ~10 m/s."""
    return pd.DataFrame({"trip_id": "car", "t": [T0 + pd.Timedelta(seconds=5 * i) for i in range(n)],
                         "lat": 41.15, "lon": -8.61 + 6e-4 * np.arange(n)})  # fmt: skip


def test_reach_reads_a_geodataframe_of_stops_in_its_own_crs(small) -> None:
    gpd = pytest.importorskip("geopandas")
    stops = pd.DataFrame({"stop_id": ["A", "B"], "lat": [41.15, 41.18], "lon": [-8.583, -8.58]})
    gdf = gpd.GeoDataFrame(stops[["stop_id"]], crs=4326,
                           geometry=gpd.points_from_xy(stops.lon, stops.lat)).to_crs(3763)  # fmt: skip
    got = small.reach(_east(), to=gdf, radius_m=80, horizon_s=300)  # was: "no lat column"
    want = small.reach(_east(), to=stops, radius_m=80, horizon_s=300)
    assert list(got["stop_id"]) == ["A", "B"] and "geometry" not in got.columns
    np.testing.assert_allclose(got["target_lat"], stops["lat"], atol=1e-7)
    assert list(got["reached"]) == list(want["reached"])


def test_the_format_hint_names_a_keyword_python_takes(tmp_path) -> None:
    import trajlm
    from trajlm.errors import TrajlmInputError

    odd = tmp_path / "trips.dat"  # a CSV under a name that tells nothing
    odd.write_text("id,time,lat,lon\n" + "".join(f"a,{1772323200 + 10 * i},41.15,{-8.61 + 1e-4 * i}\n" for i in range(5)))  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"trajlm\.read\(path, format=\.\.\.\)") as e:
        trajlm.read(odd)
    assert "format= in Python" not in str(e.value)  # was: a keyword nothing took
    got = trajlm.read(odd, format="csv")  # the hint's keyword, taken
    assert got.height == 5 and got["lat"][0] == pytest.approx(41.15)
    with pytest.raises(TrajlmInputError, match="unknown format 'cvs'; give one of porto"):
        trajlm.read(odd, format="cvs")


STAY_T0 = 1772323200
STAY = pd.DataFrame({"traj_id": "p", "t": [STAY_T0 + 60 * k for k in range(20)],
                     "lat": [52.37 + (1e-3 * k if k < 6 else 6e-3) for k in range(20)],
                     "lon": 4.89})  # fmt: skip


@pytest.mark.parametrize("iso", [False, True])
def test_the_servers_shared_pass_says_a_stay_held_an_hour_ahead(small, iso: bool) -> None:
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    rows = STAY.assign(t=pd.to_datetime(STAY["t"], unit="s", utc=True).map(pd.Timestamp.isoformat)) if iso else STAY  # fmt: skip
    with TestClient(create_app(small)) as c:
        for steps, said in ((60, True), (3, False)):  # 60 one-minute steps: an hour ahead
            j = c.post("/predict", json={"trajectories": rows.to_dict("records"), "steps": steps}).json()  # fmt: skip
            ahead = [w for w in j.get("warnings", []) if "h after the last fix" in w]
            assert len(ahead) == int(said), j.get("warnings")  # was: the stay line alone
            # ISO times: the pass held the stay but said nothing of it (the rule read no minutes)
            assert [" end in a stay (" in w for w in j["warnings"]].count(True) == 1
            assert not said or (
                "a stay held 1.0 h" in ahead[0] and '"hold_stays": false' in ahead[0]
            )


def test_the_cli_says_a_stay_held_an_hour_ahead(tmp_path) -> None:
    from reliability_helpers import invoke

    STAY.to_csv(tmp_path / "stay.csv", index=False)
    r = invoke("predict", "--model", "trajlm-small", "--input", tmp_path / "stay.csv",
               "--out", tmp_path / "o.csv", "--steps", "60", "--radii", "50,90")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "a stay held 1.0 h after the last fix" in r.output and "--no-hold-stays" in r.output


def test_predict_input_reads_a_folder_ingest_reads(tmp_path) -> None:
    import struct

    import polars as pl
    from helpers import invoke_cli

    from trajlm.data.readers.flight_logs import mavlink_packet

    def position(s: int) -> bytes:
        p = struct.pack("<IiiiihhhH", 1000, round((-34.93 + s * 1e-4) * 1e7), round(138.6 * 1e7),
                        60000, 40000, 300, 400, 0, 9000)  # fmt: skip
        return struct.pack(">Q", (STAY_T0 + 2 * s) * 10**6) + mavlink_packet(33, p, s % 256)

    logs = tmp_path / "flights"
    logs.mkdir()
    (logs / "f1.tlog").write_bytes(b"".join(position(s) for s in range(12)))
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", logs, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]  # was: "not a trajlm store"
    assert pl.read_csv(out)["lat"].min() > -34.93 + 11e-4 - 1e-6
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello\n")
    r = invoke_cli(
        ["predict", "--model", "trajlm-small", "--input", empty, "--out", tmp_path / "o2.csv"]
    )
    assert r.exit_code == 2 and "not a trajlm store" in r.output and "ingest` reads" in r.output
    half = tmp_path / "store"  # a damaged store is still said as a store
    (half / "points").mkdir(parents=True)
    r = invoke_cli(
        ["predict", "--model", "trajlm-small", "--input", half, "--out", tmp_path / "o3.csv"]
    )
    assert r.exit_code == 2 and "not a trajlm store (no manifest.json" in r.output


def _pings(bad: bool = True) -> str:
    rows = "".join(f"a,{STAY_T0 + 10 * i},41.15,{-8.61 + 1e-4 * i}\n" for i in range(5))
    return "id,time,lat,lon\n" + rows + ("a,1772323300,91x,-8.6\n" if bad else "")


def test_errors_inside_a_packed_folder_name_the_packed_file(tmp_path) -> None:
    import bz2
    import lzma

    from trajlm.data.readers import read
    from trajlm.errors import TrajlmInputError

    days = tmp_path / "days"
    days.mkdir()
    (days / "day0.csv.xz").write_bytes(lzma.compress(_pings(bad=False).encode()))
    (days / "day1.csv.bz2").write_bytes(bz2.compress(_pings().encode()))
    with pytest.raises(TrajlmInputError, match=r"^days/day1\.csv\.bz2 line 7 field lat") as e:
        read(days)  # was: "days!day1.csv line 7" (a member of no archive)
    assert e.value.path == str(days / "day1.csv.bz2") and e.value.line == 7
    with pytest.raises(TrajlmInputError, match=r"/day1\.csv\.bz2 line 7 field lat"):
        read(days / "day1.csv.bz2")  # was: "day1.csv.bz2!day1.csv line 7"


def test_a_repeated_header_line_is_named_not_counted_as_a_lost_fix(tmp_path) -> None:
    from trajlm.data.readers import read

    head = "GPS Time, Device Time, Longitude, Latitude,GPS Speed (Meters/second)"
    rows = [head]
    for i in range(12):  # Torque Pro: logging restarted into the same file writes its header
        rows.append(f"Mon Mar 02 07:41:{10 + i:02d} GMT+01:00 2026,02-Mar-2026 07:41:{10 + i:02d}"
                    f".000,{11.58 + i * 1e-4:.7f},48.14,5.0")  # fmt: skip
        rows += [head] if i == 5 else []
    p = tmp_path / "trackLog-2026-Mar-02_07-41-10.csv"
    p.write_text("\n".join(rows) + "\n")
    df, report = read(p)
    assert df.height == 12 and dict(report.dropped) == {"repeated_header": 1}  # was: no_fix 1


def _pvt(sec: int, lat_raw: int, lon_raw: int = 85_400_000) -> bytes:
    import struct

    from trajlm.data.readers.binary_logs import ubx_message

    p = struct.pack("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH", 0, 2026, 6, 15, 7, 10, sec, 0x07, 30, 0, 3,
                    1, 0, 12, lon_raw, lat_raw, 430000, 410000, 2500, 3500, 0, 0, 0, 8000,
                    9000000, 400, 800000, 150)  # fmt: skip
    return ubx_message(0x01, 0x07, p + bytes(92 - len(p)))


def test_a_ubx_latitude_out_of_range_is_said_as_such_not_projected(tmp_path) -> None:
    import trajlm
    from trajlm.errors import TrajlmInputError

    bad = tmp_path / "bad.ubx"
    bad.write_bytes(b"".join(_pvt(s, 2**31 - 1) for s in range(6)))  # 214.7 degrees
    with pytest.raises(TrajlmInputError, match=r"6 of 6 UBX-NAV-PVT epochs hold a position out of range .*NAV-PVT message 1 \(byte 0\): lat 214\.7483647") as e:  # fmt: skip
        trajlm.read(bad)
    assert "projected" not in str(e.value) and "CRS" not in str(e.value)  # was: "look projected"
    good = [_pvt(s, 473_700_000 + 1000 * s) for s in range(8)]
    (tmp_path / "one.ubx").write_bytes(b"".join(good) + _pvt(9, 2**31 - 1))  # one damaged epoch
    with pytest.raises(TrajlmInputError, match=r"NAV-PVT message 9 \(byte 800\) field lat: latitude outside"):  # fmt: skip
        trajlm.read(tmp_path / "one.ubx")  # left to the rows' own check, as before
    assert trajlm.read(tmp_path / "one.ubx", on_error="skip").height == 8
