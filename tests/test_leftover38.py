"""Session 38 (leftover38): session 37's leftovers. docs/reliability.md "Session 38 (leftover38)".

Before (d90d52f5): a WiGLE-like HTTP body was refused offering the networks' `MAC` as the mover
(HTTP rows kept their own id rule) ..."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client():
    from helpers import tiny_infill_trajlm

    from trajlm.serve import create_app

    with TestClient(create_app(tiny_infill_trajlm())) as c:
        yield c


# -- 1. HTTP rows: a key observed at one fix is never offered as the mover --------------------


def _wigle_rows(seed: int = 5, fixes: int = 80) -> list[dict]:
    """One phone's fix every 3 s with the 2-6 networks it saw: a row per network (`MAC`,
    `SSID`), the fix repeated on each (a WiGLE log's layout)."""
    rng = np.random.default_rng(seed)
    pool = [f"{k:02x}:1c:aa:{k % 7:02x}:5e:{k:02x}" for k in range(60)]
    rows = []
    for i in range(fixes):
        lat, lon = 51.5 + i * 1e-4, -0.12 + i * 5e-5
        for j in rng.choice(10, int(rng.integers(2, 7)), replace=False):
            mac = pool[(i // 4 + j) % len(pool)]
            rows.append({"time": 1793692800 + 3 * i, "lat": lat, "lon": lon, "MAC": mac,
                         "SSID": f"BT-{mac[-5:]}", "RSSI": int(rng.integers(-92, -40))})  # fmt: skip
    return rows


def test_a_wigle_body_is_one_phone_not_refused_naming_its_networks(client) -> None:
    rows = _wigle_rows()
    for path in ("/validity", "/embed"):
        r = client.post(path, json={"trajectories": rows})
        assert r.status_code == 200, r.text  # was 422: "'MAC' holds 49 values ... traj_id"
    got = client.post("/validity", json={"trajectories": rows}).json()
    assert got["n_trajectories"] == 1 and len(got["points"]) == 80  # a row per fix
    assert any("repeat an earlier row" in w for w in got["warnings"])


def test_movers_in_turns_over_http_are_still_told_their_key(client) -> None:
    rows = [{"time": 1793692800 + 10 * k, "lat": 60 + k * 1e-3 + b, "lon": 10.0 + b,
             "hull": f"b{b}"} for k in range(40) for b in (1, 2)]  # fmt: skip
    r = client.post("/validity", json={"trajectories": rows})
    assert r.status_code == 422 and "'hull' holds 2 values" in r.json()["error"], r.text


# -- 2. training from a run's weights never crosses planes ------------------------------------


@pytest.fixture(scope="module")
def planes(tmp_path_factory) -> dict:
    """A `--crs local` store with a tiny run on it, and a degrees store with a tiny run."""
    import warnings

    from helpers import tiny_fit_run
    from reliability_helpers import TINY
    from test_local36 import hall_store

    import trajlm

    d = tmp_path_factory.mktemp("planes38")
    (d / "hall").mkdir()
    (d / "deg").mkdir()
    hall = hall_store(d / "hall")
    deg = tiny_fit_run(d / "deg", 6, seed=0)
    (d / "tiny.toml").write_text(TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajlm.TrajLM.fit(hall["store"], d / "plane_run", config=d / "tiny.toml", max_steps=2,
                          seed=0, threads=1)  # fmt: skip
    return {"dir": d, "plane": (hall["store"], d / "plane_run"),
            "deg": (deg["dir"] / "s", deg["dir"] / "run")}  # fmt: skip


def test_train_init_from_across_planes_is_refused_in_one_line(planes) -> None:
    from helpers import invoke_cli

    import trajlm
    from trajlm.errors import TrajlmInputError

    d = planes["dir"]
    for data, run in (
        (planes["plane"][0], planes["deg"][1]),
        (planes["deg"][0], planes["plane"][1]),
    ):
        cfg = d / f"init_{run.name}.toml"
        cfg.write_text(
            (d / "tiny.toml").read_text().replace("[train]", f'[train]\ninit_from = "{run}"')
        )
        out = d / f"out_{run.name}"
        r = invoke_cli(["train", "--data", data, "--out", out, "--config", cfg, "--max-steps", 1])
        said = r.output.strip()
        assert r.exit_code == 2 and "cannot cross planes" in said, said  # was: trained
        assert "Traceback" not in said and "init_from" in said and not out.exists()
        with pytest.raises(TrajlmInputError, match="cannot cross planes"):
            trajlm.TrajLM.fit(data, d / "py_out", config=d / "tiny.toml", max_steps=1, threads=1,
                              init_from=run)  # fmt: skip
        assert not (d / "py_out").exists()


# -- 3. every HTTP body of trajectory rows reads "crs" (or refuses it in one line) ------------


def _forklift_rows() -> list[dict]:
    return [{"traj_id": f"f{b}", "t": 1793692800 + 2 * k, "x": 5.0 + 1.2 * k,
             "y": 10.0 + 20 * b + 0.3 * k} for k in range(30) for b in (0, 1)]  # fmt: skip


def test_every_body_of_rows_declares_crs(client) -> None:
    spec = client.app.openapi()
    schemas = spec["components"]["schemas"]
    with_rows = []
    for path, ops in spec["paths"].items():
        body = ops.get("post", {}).get("requestBody", {}).get("content", {})
        ref = body.get("application/json", {}).get("schema", {}).get("$ref", "")
        props = schemas.get(ref.split("/")[-1], {}).get("properties", {})
        if {"trajectories", "rows"} & set(props):
            with_rows.append(path)
            assert "crs" in props, path
    assert len(with_rows) >= 10, with_rows  # predict ... validity, ask


@pytest.mark.parametrize(
    "path, extra, applies",
    [("/predict", {"steps": 2}, True), ("/recover", {}, True), ("/embed", {}, True),
     ("/validity", {}, True), ("/parked", {}, True), ("/reach", {"to": [[50, 20]]}, False),
     ("/divert", {"order": [[5, 5]]}, False)],
)  # fmt: skip
def test_each_endpoint_reads_or_refuses_crs_local(client, path, extra, applies) -> None:
    rows = _forklift_rows()
    plain = client.post(path, json={"trajectories": rows, **extra})
    assert plain.status_code == 422 and '"crs": "local"' in plain.json()["error"]  # metres seen
    r = client.post(path, json={"trajectories": rows, "crs": "local", **extra})
    if not applies:  # targets in degrees: one line naming crs (as the CLI and Python refuse)
        assert r.status_code == 422 and r.json()["field"] == "crs", r.text
        return
    assert r.status_code == 200, r.text
    got = r.json()
    for p in got.get("points") or got.get("results") or []:
        assert "lat" not in p and -20 < p.get("x", 50) < 120 and -20 < p.get("y", 50) < 120, p


def test_embed_on_a_plane_is_the_embedding_of_the_stand_in_plane(client) -> None:
    from trajlm.data.geo import to_wgs84

    rows = _forklift_rows()
    lat, lon = to_wgs84(np.array([r["x"] for r in rows]), np.array([r["y"] for r in rows]), "local")
    deg = [{"traj_id": r["traj_id"], "t": r["t"], "lat": float(a), "lon": float(o)}
           for r, a, o in zip(rows, lat, lon, strict=True)]  # fmt: skip
    on_plane = client.post("/embed", json={"trajectories": rows, "crs": "local"}).json()
    as_degrees = client.post("/embed", json={"trajectories": deg}).json()
    for a, b in zip(on_plane["embeddings"], as_degrees["embeddings"], strict=True):
        np.testing.assert_allclose(a["embedding"], b["embedding"], atol=1e-5)


# -- 4. lat / lon named the wrong way round, told by the reported motion ----------------------


def _van_csv(path, swap: bool, speed: bool = True, course: bool = True, lat0: float = 38.7):
    """Three vans in Lisbon, a fix every 5 s with a GPS speed (km/h) and course; ``swap``: the
    longitude written under `lat` and the latitude under `lon` (both in range)."""
    rng = np.random.default_rng(3)
    head = [
        "vehicle_id,time,lat,lon" + (",speed_kmh" if speed else "") + (",course" if course else "")
    ]
    for v in range(3):
        lat, lon, t, h = lat0 + 0.01 * v, -9.15, 1793692800, rng.uniform(0, 360)
        for _ in range(100):
            h, sp = h + rng.normal(0, 8), max(1.5, 9 + rng.normal(0, 1.5))
            lat += sp * 5 * np.cos(np.radians(h)) / 111_320
            lon += sp * 5 * np.sin(np.radians(h)) / (111_320 * np.cos(np.radians(lat)))
            t += 5
            a, b = (lon, lat) if swap else (lat, lon)
            row = f"V{v},{t},{a:.6f},{b:.6f}" + (f",{sp * 3.6:.1f}" if speed else "")
            head.append(row + (f",{h % 360:.1f}" if course else ""))
    path.write_text("\n".join(head) + "\n")
    return path


def _read(path, **kw):
    import warnings

    from trajlm.data.readers import read

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df, _ = read(path, **kw)
    return df, [str(w.message) for w in said]


@pytest.mark.parametrize("course", [True, False])
def test_swapped_lat_lon_names_are_read_the_right_way_by_the_reported_speed(tmp_path, course):
    right, _ = _read(_van_csv(tmp_path / "right.csv", swap=False, course=course))
    df, said = _read(_van_csv(tmp_path / "swapped.csv", swap=True, course=course))
    assert df["lat"].is_between(38, 39).all()  # was: -9.15 N, 38.7 E (the Indian Ocean)
    np.testing.assert_allclose(df["lat"].to_numpy(), right["lat"].to_numpy())
    line = " ".join(said)
    assert "'lat' holds the longitude and 'lon' the latitude" in line and "slope" in line, said


def test_swapped_names_in_orc_are_read_the_right_way(tmp_path):
    import polars as pl

    orc = pytest.importorskip("pyarrow.orc")
    table = pl.read_csv(_van_csv(tmp_path / "v.csv", swap=True)).to_arrow()
    orc.write_table(table, str(tmp_path / "v.orc"))
    df, said = _read(tmp_path / "v.orc")
    assert df["lat"].is_between(38, 39).all() and any("holds the longitude" in s for s in said)


def test_right_names_are_read_without_a_word(tmp_path):
    for course in (True, False):
        df, said = _read(_van_csv(tmp_path / f"r{course}.csv", swap=False, course=course))
        assert df["lat"].is_between(38, 39).all() and not any("latitude" in s for s in said)


def test_a_course_alone_cannot_tell_and_is_refused_in_one_line(tmp_path):
    from trajlm.data.readers import ColumnMap
    from trajlm.errors import TrajlmInputError

    path = _van_csv(tmp_path / "c.csv", swap=True, speed=False)
    with pytest.raises(TrajlmInputError, match="cannot tell whether 'lat' / 'lon'") as e:
        _read(path)
    assert "counter-clockwise from east" in str(e.value) and "\n" not in str(e.value)
    # names the user gives are read as given (the way on the refusal names)
    df, _ = _read(path, columns=ColumnMap(traj_id="vehicle_id", t="time", lat="lon", lon="lat"))
    assert df["lat"].is_between(38, 39).all()
    df, _ = _read(path, columns=ColumnMap(traj_id="vehicle_id", t="time"))
    assert df["lat"].is_between(-10, -9).all()  # their word: as named


# -- 5. JSON files hand a fix's fraction of a second on, as CSV does --------------------------


def _json_layouts(d, times: list[float]) -> dict:
    """One phone's 12 fixes with microsecond times in a CSV and five JSON layouts."""
    import datetime as dt
    import json

    def iso(t: float) -> str:
        return dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="microseconds")

    recs = [{"id": "a", "time": iso(t), "lat": 47.37 + 1e-4 * k, "lon": 8.54 + 1e-4 * k}
            for k, t in enumerate(times)]  # fmt: skip
    ha = [[{"entity_id": "device_tracker.anna_phone", "state": "not_home",
            "attributes": {"latitude": r["lat"], "longitude": r["lon"], "gps_accuracy": 10},
            "last_updated": r["time"], "last_changed": recs[0]["time"]} for r in recs]]  # fmt: skip
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
         "properties": {"id": "a", "time": r["time"]}} for r in recs]}  # fmt: skip
    mf = {"type": "Feature", "properties": {"id": "a"}, "temporalGeometry": {
        "type": "MovingPoint", "coordinates": [[r["lon"], r["lat"]] for r in recs],
        "datetimes": [r["time"] for r in recs]}}  # fmt: skip
    files = {"history.json": json.dumps(ha), "recs.json": json.dumps(recs),
             "recs.ndjson": "\n".join(json.dumps(r) for r in recs) + "\n",
             "pts.geojson": json.dumps(fc), "mf.json": json.dumps(mf),
             "recs.csv": "id,time,lat,lon\n" + "".join(
                 f"{r['id']},{r['time']},{r['lat']},{r['lon']}\n" for r in recs)}  # fmt: skip
    for name, text in files.items():
        (d / name).write_text(text)
    return {name: d / name for name in files}


def test_json_files_hand_sub_second_times_on_as_csv_does(tmp_path):
    times = [1793692800 + 5 * k + 0.123456 * (k % 4) for k in range(12)]
    paths = _json_layouts(tmp_path, times)
    csv, _ = _read(paths.pop("recs.csv"), exact_times=True)
    assert csv["t"].dtype.is_float() and csv["t"][1] != round(csv["t"][1])
    for name, path in paths.items():
        df, _ = _read(path, exact_times=True)
        np.testing.assert_array_equal(df["t"].to_numpy(), csv["t"].to_numpy(), err_msg=name)


# -- 6. Avro files with map fields read with every codec the spec names ----------------------


def _recoded(src, out, codec: str, damage: bool = False):
    """heldout37's Event Hubs Capture file (maps; deflate) with its one block written again
    with ``codec`` (snappy: the block, then the CRC-32 of the raw bytes, big-endian)."""
    import bz2
    import lzma
    import struct
    import zlib

    import pyarrow as pa

    from trajlm.data.readers._avro_records import header_schema, split_blocks
    from trajlm.data.readers._lake_batches import SYNC_BYTES, avro_header

    with src.open("rb") as f:
        header = avro_header(f)
        rest = f.read()
    sync = header[-SYNC_BYTES:]
    schema, was = header_schema(header)
    assert was == "deflate"
    [(count, data)] = list(split_blocks(rest, sync))
    raw = zlib.decompress(data, -15)
    packed = {
        "snappy": lambda b: (
            pa.compress(b, codec="snappy", asbytes=True) + struct.pack(">I", zlib.crc32(b))
        ),
        "zstandard": lambda b: pa.compress(b, codec="zstd", asbytes=True),
        "bzip2": bz2.compress,
        "xz": lzma.compress,
    }[codec](raw)
    if damage:
        packed = packed[:-1] + bytes([packed[-1] ^ 0xFF])

    def varint(n: int) -> bytes:
        n, b = (n << 1) ^ (n >> 63), bytearray()
        while n & ~0x7F:
            b.append((n & 0x7F) | 0x80)
            n >>= 7
        return bytes([*b, n])

    meta = {"avro.schema": json_text(schema), "avro.codec": codec.encode()}
    head = b"Obj\x01" + varint(len(meta))
    head += b"".join(varint(len(k)) + k.encode() + varint(len(v)) + v for k, v in meta.items())
    out.write_bytes(head + varint(0) + sync + varint(count) + varint(len(packed)) + packed + sync)
    return out


def json_text(schema) -> bytes:
    import json

    return json.dumps(schema).encode()


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    import importlib.util
    from pathlib import Path

    d = tmp_path_factory.mktemp("capture38")
    here = Path(__file__).resolve().parents[1] / "scripts" / "heldout37" / "gen_bus.py"
    spec = importlib.util.spec_from_file_location("gen_bus37", here)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    mod.eventhubs(np.random.default_rng(0), d)
    return d / mod.FILES["eventhubs"]


@pytest.mark.parametrize("codec", ["snappy", "zstandard", "bzip2", "xz"])
def test_avro_with_maps_reads_with_every_codec(capture, tmp_path, codec):
    want, _ = _read(capture)
    got, _ = _read(_recoded(capture, tmp_path / f"{codec}.avro", codec))
    assert got.height == want.height > 1000  # was: "... the 'snappy' codec: ... null or deflate"
    assert got.equals(want)


def test_a_damaged_snappy_block_is_one_line(capture, tmp_path):
    from trajlm.errors import TrajlmInputError

    with pytest.raises(TrajlmInputError, match="snappy.avro") as e:
        _read(_recoded(capture, tmp_path / "snappy.avro", "snappy", damage=True))
    assert "\n" not in str(e.value) and "Traceback" not in str(e.value)
