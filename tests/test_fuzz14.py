"""Session 14 (fuzz14): hostile / careless inputs against the session's new readers (KML/KMZ,
TCX, NMEA, Google location history, GeoJSON LineStrings with times) and HTTP features
(per-trajectory seconds_ahead / at_times, CORS). Each case was a traceback, a 500 or a silently
wrong place before; now it is read right or refused in one line naming file / line / field.
Report: docs/reliability.md, "Session 14 (fuzz14)"."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

KML = ('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2" '
       'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>{}</Document></kml>')  # fmt: skip
WHENS = ["2024-01-01T00:00:00Z", "2024-01-01T00:00:10Z", "2024-01-01T00:00:20Z"]


def track(whens: list[str], coords: list[str]) -> str:
    return ("<Placemark><gx:Track>" + "".join(f"<when>{w}</when>" for w in whens)
            + "".join(f"<gx:coord>{c}</gx:coord>" for c in coords) + "</gx:Track></Placemark>")  # fmt: skip


def rmc(hms: str, lat: str, ns: str, lon: str, ew: str, dmy: str = "010124") -> str:
    body = f"GPRMC,{hms},A,{lat},{ns},{lon},{ew},0.0,0.0,{dmy},,,A"
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"${body}*{x:02X}"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


# ---- KMZ / KML / TCX -----------------------------------------------------------------------


def test_kmz_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    kml = KML.format("<!--" + " " * (9 << 20) + "-->" + track(WHENS, ["1 2"] * 3))
    p = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", kml)
    assert p.stat().st_size < 100_000  # ~9 MiB expanded: > 200x
    with pytest.raises(TrajlmInputError, match="max_zip_ratio"):
        read(p, on_error="skip")


def test_kmz_reads_doc_kml_first(tmp_path):
    p = tmp_path / "two.kmz"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a_style.kml", "<kml/>")
        z.writestr("doc.kml", KML.format(track(WHENS, ["-9.1 38.7", "-9.1 38.71", "-9.1 38.72"])))
    df, _ = read(p)
    assert df["lat"].to_list() == [38.7, 38.71, 38.72]


def test_timeless_points_are_named_in_the_format_s_own_words(tmp_path):
    kml = write(tmp_path, "t.kml", KML.format(track(["", "", ""], ["1 2", "1 2.1", "1 2.2"])))
    with pytest.raises(TrajlmInputError, match="<when>") as e:
        read(kml)
    assert "trkpt" not in str(e.value)
    tcx = write(tmp_path, "t.tcx", '<TrainingCenterDatabase><Activities><Activity><Lap><Track>'
                '<Trackpoint><Position><LatitudeDegrees>1</LatitudeDegrees><LongitudeDegrees>2'
                '</LongitudeDegrees></Position></Trackpoint></Track></Lap></Activity>'
                '</Activities></TrainingCenterDatabase>')  # fmt: skip
    with pytest.raises(TrajlmInputError, match="<Trackpoint> has no <Time>"):
        read(tcx)


# ---- NMEA -----------------------------------------------------------------------------------


def test_nmea_lowercase_hemispheres_are_south_and_west(tmp_path):
    p = write(tmp_path, "syd.nmea", "\n".join([rmc("120000", "3352.000", "s", "15112.000", "w"),
              rmc("120001", "3352.001", "s", "15112.001", "w")]))  # fmt: skip
    df, _ = read(p)
    assert df["lat"][0] == pytest.approx(-33.866667, abs=1e-6)
    assert df["lon"][0] == pytest.approx(-151.2, abs=1e-6)


@pytest.mark.parametrize(
    "lat,ns,lon,ew",
    [("3352.000", "X", "15112.000", "E"),  # no such hemisphere
     ("3375.000", "N", "15112.000", "E"),  # minutes >= 60
     ("-3352.001", "S", "15112.000", "E"),  # a sign: was read 3,400 km away
     ("3352.000", "N", "15175.000", "Q")],
)  # fmt: skip
def test_nmea_impossible_positions_are_malformed_not_places(tmp_path, lat, ns, lon, ew):
    p = write(tmp_path, "bad.nmea", "\n".join([rmc("120000", lat, ns, lon, ew),
              rmc("120001", "3352.001", "S", "15112.001", "E")]))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="line 1 .*RMC position"):
        read(p)
    df, rep = read(p, on_error="skip")
    assert len(df) == 1 and rep.dropped["malformed_row"] == 1
    assert df["lat"][0] == pytest.approx(-(33 + 52.001 / 60))


def test_nmea_utf16_log_says_encoding(tmp_path):
    p = write(tmp_path, "u.nmea", rmc("120000", "3352.000", "S", "15112.000", "E").encode("utf-16"))
    with pytest.raises(TrajlmInputError, match="UTF-16"):
        read(p, on_error="skip")


# ---- JSON: Google location history, GeoJSON LineStrings -------------------------------------


def _records(*locs: dict) -> str:
    good = {"latitudeE7": 387000000, "longitudeE7": -91000000, "timestamp": WHENS[0]}
    return json.dumps({"locations": [good, *locs]})


@pytest.mark.parametrize("ms", ["1e30", "nan", "inf", "-1e25"])
def test_numeric_times_beyond_int64_are_malformed_rows(tmp_path, ms):
    p = write(tmp_path, "Records.json", _records({"latitudeE7": 1, "longitudeE7": 1,
                                                  "timestampMs": ms}))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="time is missing or not parseable"):
        read(p)
    df, rep = read(p, on_error="skip")
    assert len(df) == 1 and rep.dropped["malformed_row"] == 1


def test_geojson_times_beyond_int64(tmp_path):
    feat = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2]] * 3},
            "properties": {"coordTimes": [1e20, 1e20, -1e20]}}  # fmt: skip
    p = write(tmp_path, "x.geojson", json.dumps({"type": "FeatureCollection", "features": [feat]}))
    df, rep = read(p, on_error="skip")
    assert len(df) == 0 and rep.dropped["malformed_row"] == 3


def test_bool_e7_is_no_place(tmp_path):
    p = write(tmp_path, "Records.json", _records({"latitudeE7": True, "longitudeE7": False,
                                                  "timestamp": WHENS[1]}))  # fmt: skip
    df, _ = read(p, on_error="skip")
    assert df["lat"].to_list() == [38.7]  # not (0, 0) at WHENS[1]


@pytest.mark.parametrize(
    "doc",
    [[{"startTime": WHENS[0], "timelinePath": [{"point": "geo:52.5,13.4",
       "durationMinutesOffsetFromStartTime": v}]}] for v in ("1e20", [1], {"a": 1})]
    + [{"timelineObjects": [{"activitySegment": "x"}]},
       {"timelineObjects": [{"activitySegment": {"simplifiedRawPath": "x"}}]},
       {"timelineObjects": [{"activitySegment": {"simplifiedRawPath": {"points": 3}}}]},
       {"semanticSegments": [{"timelinePath": "x"}]},
       {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": "LineString",
        "properties": {"coordTimes": WHENS}}]}],
)  # fmt: skip
def test_odd_json_values_are_refused_in_one_line(tmp_path, doc):
    p = write(tmp_path, "odd.json", json.dumps(doc))
    with pytest.raises(TrajlmInputError):
        read(p)
    read(p, on_error="skip")  # counted, no traceback


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a": 1' + "0" * 5000 + "}"])
def test_json_too_deep_or_huge_number_is_invalid_json(tmp_path, text):
    p = write(tmp_path, "deep.json", text)
    with pytest.raises(TrajlmInputError, match="not valid JSON"):
        read(p)
    assert read(p, on_error="skip")[1].dropped["invalid_json"] == 1


# ---- HTTP -----------------------------------------------------------------------------------

ORIGIN = "http://localhost:3000"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from serve_helpers import make_workdir

    import trajlm
    from trajlm.serve import ServeSettings, create_app

    work = make_workdir(tmp_path_factory.mktemp("fuzz14"), classifier=False)
    model = trajlm.TrajLM.from_pretrained(work / "run", threads=1)
    with TestClient(create_app(model, ServeSettings(cors_origins=(ORIGIN,)))) as c:
        yield c


def walk() -> list[dict]:
    return [{"traj_id": "a", "t": 1710750600 + 15 * i, "lat": 41.15 + 0.0003 * i,
             "lon": -8.61 + 0.0004 * i} for i in range(6)]  # fmt: skip


@pytest.mark.parametrize("key", ["seconds_ahead", "at_times"])
def test_empty_per_trajectory_object_is_a_422(client, key):
    r = client.post("/predict", json={"trajectories": walk(), key: {}})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == key and "empty" in r.json()["error"]


@pytest.mark.parametrize("value", [[True], {"a": [True]}, {"a": ["10"]}])
def test_seconds_ahead_is_a_number_not_a_bool_or_text(client, value):
    r = client.post("/predict", json={"trajectories": walk(), "seconds_ahead": value})
    assert r.status_code == 422, r.text
    r = client.post("/predict", json={"trajectories": walk(), "seconds_ahead": {"a": [10]}})
    assert r.status_code == 200 and r.json()["points"][0]["t"] == 1710750600 + 75 + 10


def test_cors_preflight_refusal_says_what_to_change(client):
    h = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    r = client.options("/predict", headers=h)
    assert r.status_code == 400
    err = r.json()["error"]
    assert "'http://evil.example' is not allowed" in err and "--cors-origin" in err
    assert "access-control-allow-origin" not in r.headers
    r = client.options("/predict", headers={**h, "Origin": ORIGIN})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN


# ---- folders and encodings (round 2) --------------------------------------------------------


def test_folder_of_mixed_formats_warns_what_is_not_read(tmp_path):
    from trajlm.data.readers import detect_format

    write(tmp_path, "Records.json", _records())
    write(tmp_path, "ok.kml", KML.format(track(WHENS, ["1 2", "1 2.1", "1 2.2"])))
    write(tmp_path, "a.csv", "traj_id,time,lat,lon\na,2024-01-01T00:00:00Z,1,2\n")
    with pytest.warns(UserWarning, match=r"mfjson files only; it also holds 1 \.kml, 1 \.csv"):
        assert detect_format(tmp_path) == "mfjson"


def test_utf16_csv_is_named_utf16_not_cp1252(tmp_path):
    """Session 17 (formats17): UTF-16 with a byte-order mark is read (was refused with the
    iconv advice); without a mark it is still named UTF-16, not cp1252."""
    text = "traj_id;time;lat;lon\na;2024-01-01T00:00:00Z;38,7;-9,1\n"
    p = write(tmp_path, "u.csv", text.encode("utf-16"))
    df, _ = read(p)
    assert df.select("lat", "lon").rows() == [(38.7, -9.1)]
    p = write(tmp_path, "v.csv", text.encode("utf-16-le"))
    with pytest.raises(TrajlmInputError, match="UTF-16") as e:
        read(p)
    assert "iconv -f utf-16" in str(e.value) and "cp1252" not in str(e.value)


def test_extra_keys_with_nan_are_null_not_a_500(client):
    rows = json.dumps([dict(r, seq=i) for i, r in enumerate(walk())])
    body = rows.replace('"seq": 0', '"seq": NaN').replace('"seq": 1', '"seq": Infinity')
    r = client.post("/recover", content='{"trajectories": ' + body + "}",
                    headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert [p["seq"] for p in r.json()["points"]][:3] == [None, None, 2]


def test_kml_unpaired_track_is_skipped_and_counted_not_the_whole_file(tmp_path):
    good = track(WHENS, ["-9.1 38.7", "-9.1 38.71", "-9.1 38.72"])
    p = write(tmp_path, "m.kml", KML.format(track(WHENS, ["1 2", "1 2.1"]) + good))
    with pytest.raises(TrajlmInputError, match="gx:Track 0 has 3 <when> but 2 .*on-error skip"):
        read(p)
    df, rep = read(p, on_error="skip")
    assert df["traj_id"].unique().to_list() == ["m/1"] and len(df) == 3
    assert rep.dropped["invalid_kml_track"] == 3
    only_bad = write(tmp_path, "b.kml", KML.format(track(WHENS, ["1 2"])))
    df, rep = read(only_bad, on_error="skip")
    assert len(df) == 0 and rep.dropped["invalid_kml_track"] == 3


def test_python_asked_times_refuse_nan_mixed_kinds_and_overflowing_seconds():
    """Left by fuzz14, fixed by the lead: predict(seconds_ahead=1e300) returned times of
    -9.2e18 with NaN positions; at_times=[nan] and ISO text mixed with numbers were polars
    tracebacks. Each is now one error naming the argument."""
    import pandas as pd

    from trajlm.api_inputs import checked_seconds_ahead, utc_seconds

    with pytest.raises(ValueError, match="at most"):
        checked_seconds_ahead([30.0, 1e300])
    assert checked_seconds_ahead([30.0, 60.0]).tolist() == [30.0, 60.0]
    with pytest.raises(TrajlmInputError, match="NaN"):
        utc_seconds([float("nan")], "at_times")
    with pytest.raises(TrajlmInputError, match="mixed kinds"):
        utc_seconds(["2023-11-14T22:14:00Z", 1700000200], "at_times")
    assert utc_seconds([1700000100.0], "at_times").tolist() == [1700000100.0]
    assert utc_seconds(pd.to_datetime(["2023-11-14T22:15:00Z"]), "at_times").tolist() == [
        1700000100.0
    ]
