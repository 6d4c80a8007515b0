"""Session 37 (heldout37b): eight more held-out kinds through the readers, on the study's own
seeded generator (scripts/heldout37b/gen_files.py) and small hand-made variants.

Before (d7654608): Home Assistant's history JSON was "keys name no time" (`last_updated`); an
SQL dump (`pg_dump`, `mysqldump`) "cannot tell the format from the name"; a WiGLE wardriving
CSV "missing column(s) ... the file has ['WigleWifi-1.4', 'appRelease=2.68', ...]" and, with
its time named, refused as movers at one instant advising the network's MAC as the id; a
deck.gl TripsLayer file "top level is not a JSON object" (and `--time-origin` was ignored by
the JSON route); a frame with Android's `_id` row key read every row as its own mover; a
`json_normalize` frame of Home Assistant's states read the empty `context.user_id` as the id.
docs/data.md "Session 37 (heldout37b)"."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trajlm.data.column_names import TIERS, candidates, last_resort
from trajlm.data.readers import ColumnMap, read
from trajlm.data.readers._lines import preamble_lines
from trajlm.errors import TrajlmInputError

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "heldout37b"


def _gen(kind: str, out: Path, seed: int = 5) -> Path:
    """One set of the study's generator written into `out`; the path of its file."""
    spec = importlib.util.spec_from_file_location("heldout37b_gen", SCRIPTS / "gen_files.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    getattr(mod, kind)(np.random.default_rng(seed), out)
    return out / mod.FILES[kind]


def _read(path: Path, **kw):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, _ = read(path, **kw)
    return out, " ".join(str(x.message) for x in w)


# -- Home Assistant history: `last_updated` the time, `entity_id` the mover --------------------


def test_home_assistant_history_reads_each_entity_at_its_last_updated(tmp_path: Path) -> None:
    p = _gen("homeassistant", tmp_path)
    out, _ = _read(p)  # was: "keys name no time"
    hist = json.loads(p.read_text())
    assert sorted(out["traj_id"].unique()) == sorted(e[0]["entity_id"] for e in hist)
    first = out.filter(out["traj_id"] == hist[0][0]["entity_id"]).sort("t").row(0, named=True)
    assert first["t"] == int(pd.Timestamp(hist[0][0]["last_updated"]).timestamp())
    assert first["lat"] == pytest.approx(hist[0][0]["attributes"]["latitude"])
    assert out.height == sum(len(e) for e in hist)


def test_a_write_time_is_the_last_resort_never_the_state_change_time() -> None:
    assert last_resort("t", ["last_changed", "last_updated", "lat"]) == ["last_updated"]
    assert last_resort("t", ["last_changed", "lat", "lon"]) == []  # the zone's change: never
    assert last_resort("t", ["station_id", "last_reported"]) == ["last_reported"]  # GBFS
    assert last_resort("t", ["updated_at", "lat"]) == ["updated_at"]


def test_a_normalised_home_assistant_frame_names_entity_id_not_the_empty_user_id() -> None:
    cols = ["entity_id", "state", "context.id", "context.user_id", "attributes.latitude"]
    assert candidates(TIERS["traj_id"], cols) == ["entity_id"]
    assert candidates(TIERS["traj_id"], ["_id", "parent_id", "lat", "lon"]) == []  # a row key


# -- SQL dumps: pg_dump (INSERT / COPY), mysqldump ----------------------------------------------


def test_a_pg_dump_with_inserts_reads_each_van(tmp_path: Path) -> None:
    p = _gen("sqldump", tmp_path)
    out, _ = _read(p)  # was: "cannot tell the format from the name"
    assert out["traj_id"].n_unique() == 6 and out.height == 1800
    line = next(x for x in p.read_text().splitlines() if x.startswith("INSERT"))
    stamp = line.split("'")[3]  # '2026-11-03 07:43:09+00'
    assert int(pd.Timestamp(stamp).timestamp()) in set(out["t"].to_list())


def test_a_pg_dump_copy_block_and_a_mysqldump_read_the_same_rows(tmp_path: Path) -> None:
    rows = [("b1", "2026-11-03 08:00:00", 48.1 + k * 1e-4, 11.5 + k * 1e-4) for k in range(30)]
    rows += [("b2", "2026-11-03 08:00:00", 48.2 + k * 1e-4, 11.6 - k * 1e-4) for k in range(30)]
    rows = [(v, str(pd.Timestamp(t) + pd.Timedelta(seconds=10 * (k % 30))), a, b)
            for k, (v, t, a, b) in enumerate(rows)]  # fmt: skip
    pg = tmp_path / "dump.sql"
    pg.write_text(
        "-- PostgreSQL database dump\nSET client_encoding = 'UTF8';\n"
        "CREATE TABLE public.fixes (\n    vehicle_id text,\n    ts timestamp without time zone,\n"
        "    lat double precision,\n    lon double precision,\n    note text\n);\n"
        "COPY public.fixes (vehicle_id, ts, lat, lon, note) FROM stdin;\n"
        + "".join(f"{v}\t{t}\t{a}\t{b}\t\\N\n" for v, t, a, b in rows)
        + "\\.\n\nALTER TABLE ONLY public.fixes ADD CONSTRAINT k PRIMARY KEY (vehicle_id, ts);\n"
    )
    my = tmp_path / "backup"  # no suffix: known by its first line
    values = ",".join(f"('{v}','{t}',{a},{b},'O\\'Hare; gate 2')" for v, t, a, b in rows)
    my.write_text(
        "-- MySQL dump 10.13  Distrib 8.0.36\n/*!40101 SET NAMES utf8mb4 */;\n"
        "DROP TABLE IF EXISTS `fixes`;\nCREATE TABLE `fixes` (\n  `vehicle_id` varchar(8) NOT NULL,\n"
        "  `ts` datetime NOT NULL,\n  `lat` double DEFAULT NULL,\n  `lon` double DEFAULT NULL,\n"
        "  `note` text,\n  PRIMARY KEY (`vehicle_id`,`ts`),\n  KEY `ix_ts` (`ts`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\nLOCK TABLES `fixes` WRITE;\n"
        f"INSERT INTO `fixes` VALUES {values};\nUNLOCK TABLES;\n"
    )
    a, _ = _read(pg)
    b, _ = _read(my)
    assert a["traj_id"].n_unique() == 2 and a.height == 60
    assert (
        a.sort("traj_id", "t")
        .select("t", "lat", "lon")
        .equals(b.sort("traj_id", "t").select("t", "lat", "lon"))
    )


def test_an_sql_file_without_rows_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "schema.sql"
    p.write_text("CREATE INDEX ix ON t (a);\nSELECT 1;\n")
    with pytest.raises(TrajlmInputError, match="no CREATE TABLE / INSERT INTO / COPY rows"):
        read(p)


# -- WiGLE: a settings line above the header; one fix on several rows ---------------------------


def test_a_settings_line_above_the_header_is_passed_over() -> None:
    lines = [b"WigleWifi-1.4,appRelease=2.68,model=Pixel 7,release=14,device=panther\n",
             b"MAC,SSID,FirstSeen,CurrentLatitude,CurrentLongitude\n",
             b"aa:bb,x,2026-11-03 08:00:00,51.5,-0.1\n", b"aa:cc,y,2026-11-03 08:00:00,51.5,-0.1\n"]  # fmt: skip
    assert preamble_lines(lines) == 1
    data = [b"id,t,lat,lon,q\n", b"a,1,2,3,k=1\n", b"a,2,2,3,k=2\n", b"a,3,2,3,k=3\n"]
    assert preamble_lines(data) == 0  # a header with `=` in the rows' last field stays


def test_a_wardriving_log_is_told_its_time_then_read_as_one_phone(tmp_path: Path) -> None:
    p = _gen("wigle", tmp_path)
    with pytest.raises(TrajlmInputError, match="closest: t -> 'FirstSeen'") as e:
        read(p)  # was: the settings line read as the header
    assert "appRelease" not in str(e.value)
    out, _ = _read(p, columns=ColumnMap(t="FirstSeen"))  # was: told movers at one instant, `MAC`
    n_fixes = len({ln.split(",")[3] for ln in p.read_text().splitlines()[2:]})
    assert out["traj_id"].n_unique() == 1 and out["t"].n_unique() == n_fixes  # ingest: 1 a fix


def test_movers_at_the_same_instants_in_other_places_are_still_told(tmp_path: Path) -> None:
    p = tmp_path / "ferries.csv"  # two boats every 60 s, no id named: still refused
    rows = ["hull,time,lat,lon"] + [
        f"{b},2026-11-03T08:{k:02d}:00Z,{60 + k * 0.001 + b},{10 + b}"
        for k in range(40)
        for b in (1, 2)
    ]
    p.write_text("\n".join(rows) + "\n")
    with pytest.raises(TrajlmInputError, match="hull"):
        read(p)


# -- deck.gl TripsLayer / Map Matching bodies: a path beside its times -------------------------


def test_deck_gl_trips_are_told_the_origin_then_read_from_it(tmp_path: Path) -> None:
    p = _gen("decktrips", tmp_path)
    with pytest.raises(TrajlmInputError, match="--time-origin"):
        read(p)  # was: "top level is not a JSON object"
    out, _ = _read(p, columns=ColumnMap(time_origin="2026-11-03T07:00Z"))  # was: ignored, refused
    trips = json.loads(p.read_text())
    assert out["traj_id"].n_unique() == len(trips) and out.height == sum(
        len(d["path"]) for d in trips
    )
    t0 = pd.Timestamp("2026-11-03T07:00Z").timestamp()
    assert out["t"].min() == int(t0 + min(d["timestamps"][0] for d in trips))


def test_a_map_matching_body_reads_lon_lat_at_unix_seconds(tmp_path: Path) -> None:
    p = tmp_path / "match.json"
    coords = [[13.40 + k * 1e-4, 52.52 + k * 1e-4] for k in range(20)]
    p.write_text(json.dumps({"coordinates": coords, "timestamps": [1793692800 + 5 * k for k in range(20)],
                             "radiuses": [10] * 20, "id": "cab-7"}))  # fmt: skip
    out, _ = _read(p)
    assert out.height == 20 and out["t"].min() == 1793692800
    assert out["lat"].min() == pytest.approx(52.52) and out["lon"].min() == pytest.approx(13.40)


# -- read right before, kept: kepler trip layer, Valhalla bodies, a track database -------------


@pytest.mark.parametrize("kind,movers", [("kepler", 8), ("valhalla", 6)])
def test_trip_layers_and_valhalla_bodies_read_each_mover(
    tmp_path: Path, kind: str, movers: int
) -> None:
    p = _gen(kind, tmp_path)
    out, _ = _read(p)
    assert out["traj_id"].n_unique() == movers and out["t"].min() > 1.7e9


def test_a_track_database_reads_its_points_table(tmp_path: Path) -> None:
    p = _gen("trackdb", tmp_path)
    out, said = _read(p)
    with sqlite3.connect(p) as db:
        n = db.execute("SELECT COUNT(*) FROM points").fetchone()[0]
    assert out.height == n and "'points'" in said
