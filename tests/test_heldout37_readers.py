"""Session 37 (heldout37): eight held-out kinds through the readers, on the study's own seeded
generators (scripts/heldout37/gen_bus.py, gen_files.py) and small hand-made variants.

Before (202f3591): an Azure Event Hubs Capture `.avro` (map fields) crashed with a Rust panic
(`pyo3_runtime.PanicException`, a traceback); a Kinesis Firehose S3 object (`{...}{...}`
gzipped, no suffix), a MessagePack stream, an `.npz` of columns and a pickle were "cannot tell
the format from the name"; an OD matrix was told "a trip log: one row per trip"; a headerless
ETH / UCY file "missing column(s) ... the file has ['120.0', '13.0', ...]"; OsmAnd's `tracks`
database "missing column(s) ['traj_id', 't'] ... closest: t -> 'date'". docs/data.md
"Session 37 (heldout37)"."""

from __future__ import annotations

import gzip
import importlib.util
import json
import pickle
import sqlite3
import struct
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import trajlm
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "heldout37"


def _gen(module: str, kind: str, out: Path, seed: int = 5) -> Path:
    """One set of the study's generator written into `out`; the path of its file."""
    spec = importlib.util.spec_from_file_location(f"heldout37_{module}", SCRIPTS / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    getattr(mod, kind)(np.random.default_rng(seed), out)
    return out / mod.FILES[kind]


def _read(path: Path):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, _ = read(path)
    return out, " ".join(str(x.message) for x in w)


# -- Event Hubs Capture Avro: maps decoded in Python, `Body` bytes opened as the message ------


def test_an_event_hubs_capture_file_reads_the_body_at_the_fix_time(tmp_path: Path) -> None:
    p = _gen("gen_bus", "eventhubs", tmp_path)
    out, said = _read(p)  # was: pyo3_runtime.PanicException (Avro maps), a traceback
    assert out["traj_id"].n_unique() == 10 and out.height > 1000
    assert "'Body'" in said and "EnqueuedTimeUtc" in said  # the envelope's receipt time aside
    from trajlm.data.readers._lake_batches import avro_batches

    rows = pd.concat(b.to_pandas() for b in avro_batches(p))
    first = json.loads(rows["Body"].iloc[0])  # the device's own time, not the hub's
    mine = out.filter(out["traj_id"] == first["scooterId"])
    assert first["gpsTime"] // 1000 in set(mine["t"].to_list())


def test_a_damaged_avro_with_maps_is_one_line(tmp_path: Path) -> None:
    p = _gen("gen_bus", "eventhubs", tmp_path)
    p.write_bytes(p.read_bytes()[:-3000])
    with pytest.raises(TrajlmInputError, match="12.avro.*Avro"):
        read(p)


# -- Kinesis Firehose: JSON records back to back --------------------------------------------


def test_a_firehose_object_reads_every_record(tmp_path: Path) -> None:
    p = _gen("gen_bus", "firehose", tmp_path)
    out, _ = _read(p)  # was: "cannot tell the format from the name"
    recs = json.loads("[" + gzip.decompress(p.read_bytes()).decode().replace("}{", "},{") + "]")
    assert out.height == len(recs) and out["traj_id"].n_unique() == 14
    t0 = pd.Timestamp(recs[0]["eventTime"]).timestamp()  # `eventTime`: a time by its ending
    assert out.filter(out["traj_id"] == recs[0]["deviceId"])["t"].min() == pytest.approx(t0)


def test_json_records_back_to_back_read_without_gzip_too(tmp_path: Path) -> None:
    recs = [{"id": "a", "time": 1793692800 + 10 * k, "lat": 51.9 + k * 1e-4, "lon": 4.48}
            for k in range(12)]  # fmt: skip
    p = tmp_path / "PUT-S3-stream-1-2026-11-03"
    p.write_text("".join(json.dumps(r) for r in recs))
    out, _ = _read(p)
    assert out.height == 12


def test_two_json_documents_that_are_not_records_still_fail_as_json(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text("[1, 2][3]")
    with pytest.raises(TrajlmInputError, match="not valid JSON"):
        read(p)


# -- NumPy -------------------------------------------------------------------------------------


def test_an_npz_of_columns_reads_as_a_table(tmp_path: Path) -> None:
    p = _gen("gen_bus", "npz", tmp_path)
    out, _ = _read(p)  # was: "cannot tell the format from the name"
    with np.load(p) as z:
        assert out.height == len(z["lat"]) and out["traj_id"].n_unique() == 9
        assert out["t"].min() == z["timestamp"].min()


def test_npz_arrays_that_are_no_table_are_one_line(tmp_path: Path) -> None:
    p = tmp_path / "a.npz"
    np.savez(p, lat=np.zeros(5), lon=np.zeros(4))
    with pytest.raises(TrajlmInputError, match="not one table's columns"):
        read(p)
    q = tmp_path / "b.npy"
    np.save(q, np.zeros((5, 3)))
    with pytest.raises(TrajlmInputError, match="no field names"):
        read(q)
    r = tmp_path / "c.npz"
    np.savez(r, lat=np.array([{"a": 1}] * 3, dtype=object))
    with pytest.raises(TrajlmInputError, match="does not unpickle"):
        read(r)


# -- pickle and MessagePack: told, never opened ----------------------------------------------


class _Trap:
    def __reduce__(self):  # noqa: ANN204 (unpickling this writes a file)
        return (Path.write_text, (Path(self.where), "ran"))

    where = ""


def test_a_pickle_is_told_and_never_unpickled(tmp_path: Path) -> None:
    _Trap.where = str(tmp_path / "ran.txt")
    p = tmp_path / "tracks.pkl"
    p.write_bytes(pickle.dumps(_Trap()))
    with pytest.raises(TrajlmInputError, match="a Python pickle.*pd.read_pickle"):
        read(p)  # was: "cannot tell the format from the name"
    assert not (tmp_path / "ran.txt").exists()


def test_a_messagepack_stream_reads_every_map(tmp_path: Path) -> None:
    p = _gen("gen_bus", "msgpack", tmp_path)
    out, _ = _read(p)  # was: "cannot tell the format from the name"
    from trajlm.data.readers._msgpack_stream import msgpack_records

    recs = msgpack_records(p)
    assert out.height == len(recs) and out["traj_id"].n_unique() == 12  # `vid`: an id name
    first = recs[0]
    assert int(first["ts"]) in set(out.filter(out["traj_id"] == first["vid"])["t"].to_list())


def test_messagepack_timestamps_and_damage(tmp_path: Path) -> None:
    from trajlm.data.readers._msgpack_stream import msgpack_records

    # {"id": "a", "t": timestamp ext 32-bit 1793692800, "lat": 1.5} then a cut-off float
    one = (b"\x83\xa2id\xa1a\xa1t\xd6\xff" + (1793692800).to_bytes(4, "big")
           + b"\xa3lat\xcb" + struct.pack(">d", 1.5))  # fmt: skip
    p = tmp_path / "a.msgpack"
    p.write_bytes(one)
    assert msgpack_records(p) == [{"id": "a", "t": 1793692800.0, "lat": 1.5}]
    p.write_bytes(one + b"\x81\xa1x\xcb\x00")
    with pytest.raises(TrajlmInputError, match="a.msgpack.*ends inside a value"):
        read(p)


# -- OD matrix, headerless text, OsmAnd ------------------------------------------------------


def test_an_od_matrix_is_told_not_a_trip_log(tmp_path: Path) -> None:
    p = _gen("gen_files", "od_matrix", tmp_path)
    with pytest.raises(TrajlmInputError, match="origin-destination matrix.*counted in 'trips'"):
        read(p)  # was: "a trip log: one row per trip"
    with pytest.raises(TrajlmInputError, match="origin-destination matrix"):
        trajlm.clean(pd.read_csv(p))


def test_a_trip_table_without_counts_is_still_a_trip_log(tmp_path: Path) -> None:
    p = tmp_path / "rides.csv"
    p.write_text("ride_id,started_at,start_lat,start_lng,end_lat,end_lng\n"
                 "r1,2026-11-03 08:00,40.7,-73.9,40.8,-73.95\n")  # fmt: skip
    with pytest.raises(TrajlmInputError, match="a trip log"):
        read(p)


def test_a_headerless_numeric_file_is_told_it_has_no_header(tmp_path: Path) -> None:
    p = tmp_path / "readings.txt"  # newuser37: ETH / UCY's `frame ped x y` is read as such;
    p.write_text("120.5\t13\t1.46\t10.95\t7\n130.5\t13\t1.52\t10.90\t7\n")  # others: told
    with pytest.raises(TrajlmInputError, match="no header line.*--crs local"):
        read(p)  # was: "missing column(s) ... the file has ['120.5', '13', ...]"
    eth = _gen("gen_files", "ethucy", tmp_path)
    with pytest.raises(TrajlmInputError, match="--time-origin"):
        read(eth)  # newuser37: read as ETH / UCY, its frame steps counted from frame 0


def test_osmand_tracks_database_reads_its_unix_ms_date(tmp_path: Path) -> None:
    p = _gen("gen_files", "osmand", tmp_path)
    out, _ = _read(p)  # was: "missing column(s) ['traj_id', 't']; closest: t -> 'date'"
    with sqlite3.connect(p) as db:
        first = db.execute("SELECT MIN(date), COUNT(*) FROM track").fetchone()
    assert out.height == first[1] and out["t"].min() == first[0] // 1000


def test_a_date_column_of_days_is_not_taken_for_epochs(tmp_path: Path) -> None:
    from trajlm.data.readers._dated_column import holds_epochs

    assert holds_epochs(["1793692800000", "1793692805000"]) and holds_epochs([1793692800])
    assert not holds_epochs(["20261103", "2026-11-03", "123"]) and not holds_epochs([])


def test_a_frame_with_an_epoch_date_column_reads(tmp_path: Path) -> None:
    p = _gen("gen_files", "osmand", tmp_path)
    with sqlite3.connect(p) as db:
        df = pd.read_sql("SELECT * FROM track", db)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).predict(df.tail(300))
    assert len(out) > 0  # was: "no t column ... closest: 'date'"


def test_an_eth_ucy_file_with_a_header_reads_on_the_plane_without_a_radians_note(
    tmp_path: Path,
) -> None:
    raw = _gen("gen_files", "ethucy", tmp_path)
    p = tmp_path / "biwi_header.txt"
    p.write_text("frame\tped\tx\ty\n" + raw.read_text())
    from helpers import invoke_cli

    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "s"])
    # newuser37: the header `frame ped x y` is ETH / UCY's: read as such, its steps 0.4 s
    assert r.exit_code == 2 and "ETH / UCY" in r.output and "--time-origin" in r.output
    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "s", "--time-col", "frame",
                    "--time-format", "frames@25", "--time-origin", "2026-01-01T00:00Z",
                    "--crs", "local"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    assert "traj_id <- 'ped'" in r.output and "radians" not in r.output  # metres, not radians
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert sum(s["n_trajectories"] for s in manifest["splits"].values()) == 40


def test_a_zarr_store_is_told_what_reads_it(tmp_path: Path) -> None:
    z = tmp_path / "positions.zarr"
    (z / "lat").mkdir(parents=True)
    (z / ".zgroup").write_text('{"zarr_format": 2}')
    with pytest.raises(TrajlmInputError, match="a Zarr store.*pip install zarr"):
        read(z)  # was: "no file trajlm reads under the folder"
    (z / ".zgroup").unlink()
    with pytest.raises(TrajlmInputError, match="no file trajlm reads under the folder"):
        read(z)  # any other folder of nothing readable: as before
