# ruff: noqa: B020  (each mover's walk goes on from where its last leg ended)
"""Seeded held-out sets for heldout34, binary files: four kinds and file layouts no earlier
session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/data.md "Session 34 (heldout34)".
    python scripts/heldout34/gen_db.py [OUTDIR]   # default $HELDOUT34/raw or /tmp/heldout34/raw
Outputs (under OUTDIR): travel_survey.dta (Stata 118, `%tc` times, a person id that restarts in
every household), oruxmapstracks.db (OruxMaps' SQLite), trips_m.gpkg (a QGIS GeoPackage of
LineString M, M = Unix seconds), ferries_mpd.gpkg (MovingPandas `to_line_gdf()` written with
`to_file`). Same seed, same rows (the GeoPackages' GDAL timestamps differ).
"""

import sqlite3
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, write_sets  # noqa: E402


def travel_survey(rng, out: Path) -> None:
    """A household travel survey's GPS points saved from Stata (`save travel_survey.dta`,
    format 118): `hhid`, `persid` (1, 2, 3 inside EACH household: the person is the PAIR),
    `tripno`, `fixtime` (a `%tc` datetime: ms since 1960 in the file, UTC, variable label
    "GPS fix time (UTC)"), `lat`, `lon`, `mode` (value-labelled: walk / bike / car / bus),
    `speed_kmh`; 14 households, 1-3 people each, trips with a fix every 5-30 s in Zurich."""
    recs = []
    modes = {1: ("walk", 1.3), 2: ("bike", 4.5), 3: ("car", 11.0), 4: ("bus", 7.0)}
    for hh in range(14):
        for p in range(1, int(rng.integers(2, 4)) + 1):
            t = pd.Timestamp("2026-09-14 05:30") + pd.Timedelta(minutes=int(rng.integers(0, 120)))
            home = (47.37 + rng.uniform(-0.04, 0.04), 8.54 + rng.uniform(-0.06, 0.06))
            for trip in range(1, int(rng.integers(2, 5)) + 1):
                mode = int(rng.integers(1, 5))
                v0 = modes[mode][1]
                lat, lon = home
                for t, lat, lon, v, _hd in _legs(rng, lat, lon, t, int(rng.integers(30, 120)),
                                                 float(rng.uniform(5, 30)),
                                                 lambda v0=v0: rng.uniform(0.6, 1.4) * v0,
                                                 0.15, stop_p=0.02):  # fmt: skip
                    la, lo = noisy(rng, lat, lon, 5)
                    recs.append((1000 + hh, p, trip, t.floor("s"), la, lo, mode, v * 3.6))
                t += pd.Timedelta(hours=float(rng.uniform(1, 5)))
    df = pd.DataFrame(recs, columns=["hhid", "persid", "tripno", "fixtime", "lat", "lon", "mode",
                                     "speed_kmh"])  # fmt: skip
    df = df.astype({"hhid": "int32", "persid": "int8", "tripno": "int8", "mode": "int8"})
    df = df.sort_values(["hhid", "persid", "fixtime"]).reset_index(drop=True)
    df.to_stata(out / "travel_survey.dta", write_index=False, version=118,
                convert_dates={"fixtime": "tc"}, time_stamp=pd.Timestamp("2026-10-01 09:00"),
                data_label="Zurich travel survey 2026, GPS module", value_labels={
                    "mode": {k: v[0] for k, v in modes.items()}},
                variable_labels={"fixtime": "GPS fix time (UTC)", "persid": "person in household",
                                 "hhid": "household"})  # fmt: skip


def oruxmaps(rng, out: Path) -> None:
    """OruxMaps' own track database copied off the phone (`oruxmapstracks.db`, SQLite):
    `tracks` (name, start ms), `segments` (`segtrack` -> tracks), `trackpoints` (`trkptlat`,
    `trkptlon`, `trkptalt`, `trkpttime` = Unix MILLISECONDS, `trkptseg` -> segments), and a
    `pois` table of waypoints with their own `poilat` / `poilon` / `poitime`; 6 hikes and rides
    in the Pyrenees, 1-2 segments each (a pause splits one), a point every 2-5 s."""
    path = out / "oruxmapstracks.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE android_metadata (locale TEXT);
        INSERT INTO android_metadata VALUES ('es_ES');
        CREATE TABLE tracks (_id INTEGER PRIMARY KEY AUTOINCREMENT, trackname TEXT,
          trackciudad TEXT, trackdescripcion TEXT, trackfechaini INTEGER, tracktipo INTEGER,
          trackfolder TEXT);
        CREATE TABLE segments (_id INTEGER PRIMARY KEY AUTOINCREMENT, segname TEXT,
          segdescripcion TEXT, segfechaini INTEGER, segfechafin INTEGER, segdist REAL,
          segtrack INTEGER, segcolor INTEGER);
        CREATE TABLE trackpoints (_id INTEGER PRIMARY KEY AUTOINCREMENT, trkptlat REAL,
          trkptlon REAL, trkptalt REAL, trkpttime INTEGER, trkptseg INTEGER, trkptsen INTEGER);
        CREATE TABLE pois (_id INTEGER PRIMARY KEY AUTOINCREMENT, poiname TEXT, poitipo INTEGER,
          poilat REAL, poilon REAL, poialt REAL, poitime INTEGER, poitrack INTEGER,
          poidescripcion TEXT);
    """)
    seg = 0
    t = pd.Timestamp("2026-07-04 06:10", tz="UTC")
    for k in range(6):
        lat, lon = 42.65 + rng.uniform(-0.1, 0.1), 0.85 + rng.uniform(-0.3, 0.3)
        speed = 1.2 if k % 2 == 0 else 5.0
        db.execute("INSERT INTO tracks (trackname, trackciudad, trackdescripcion, trackfechaini,"
                   " tracktipo, trackfolder) VALUES (?, 'Vielha', '', ?, ?, '---')",
                   (f"{t.strftime('%Y-%m-%d %H:%M')}", t.value // 10**6, 1 + k % 2))  # fmt: skip
        for s in range(int(rng.integers(1, 3))):
            seg += 1
            t0 = t
            for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(200, 600)),
                                              float(rng.uniform(2, 5)),
                                              lambda speed=speed: rng.uniform(0.6, 1.3) * speed,
                                              0.1, stop_p=0.01):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 3)
                db.execute("INSERT INTO trackpoints (trkptlat, trkptlon, trkptalt, trkpttime,"
                           " trkptseg, trkptsen) VALUES (?, ?, ?, ?, ?, 0)",
                           (la, lo, float(rng.uniform(1400, 2400)), t.value // 10**6, seg))  # fmt: skip
            db.execute("INSERT INTO segments (segname, segdescripcion, segfechaini, segfechafin,"
                       " segdist, segtrack, segcolor) VALUES (?, '', ?, ?, 0, ?, -16776961)",
                       (f"Segmento {s + 1}", t0.value // 10**6, t.value // 10**6, k + 1))  # fmt: skip
            t += pd.Timedelta(minutes=float(rng.uniform(10, 40)))  # a pause
        for w in range(3):
            db.execute("INSERT INTO pois (poiname, poitipo, poilat, poilon, poialt, poitime,"
                       " poitrack, poidescripcion) VALUES (?, 1, ?, ?, 1800, ?, ?, '')",
                       (f"WPT{w}", lat + w * 1e-3, lon, t.value // 10**6, k + 1))  # fmt: skip
        t += pd.Timedelta(days=1)
        t = t.normalize() + pd.Timedelta(hours=float(rng.uniform(5, 9)))
    db.commit()
    db.close()


def trips_m(rng, out: Path) -> None:
    """A QGIS GeoPackage of LineString M, one feature per trip (Points to path with M =
    the fix's Unix seconds): fields `vehicle`, `trip_date`; the geometry's M holds each vertex's
    time (the only times in the file); 9 tractors on fields near Toulouse, a vertex every 5 s,
    4-6 trips each."""
    from pyogrio.raw import write

    path = out / "trips_m.gpkg"
    path.unlink(missing_ok=True)
    geoms, vehicles, dates = [], [], []
    for k in range(9):
        t = pd.Timestamp("2026-06-08 05:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 90))
        )
        for _trip in range(int(rng.integers(4, 7))):
            lat, lon = 43.6 + rng.uniform(-0.1, 0.1), 1.44 + rng.uniform(-0.15, 0.15)
            pts = []
            for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(80, 250)), 5.0,
                                              lambda: rng.uniform(1.5, 3.5), 0.12, stop_p=0.02):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 1.5)
                pts.append((round(lo, 7), round(la, 7), float(t.value // 10**9)))
            wkt = "LINESTRING M (" + ", ".join(f"{x} {y} {m:.0f}" for x, y, m in pts) + ")"
            geoms.append(shapely.to_wkb(shapely.from_wkt(wkt), flavor="iso"))
            vehicles.append(f"JD-{6120 + k}")
            dates.append(t.strftime("%Y-%m-%d"))
            t += pd.Timedelta(minutes=float(rng.uniform(30, 240)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write(str(path), np.array(geoms, dtype=object),
              [np.array(vehicles, dtype=object), np.array(dates, dtype=object)],
              fields=["vehicle", "trip_date"], layer="trips", driver="GPKG",
              geometry_type="Unknown", crs="EPSG:4326")  # fmt: skip
    db = sqlite3.connect(path)  # as QGIS declares it: LINESTRING with M
    db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = 'LINESTRING', m = 1")
    db.commit()
    db.close()


def ferries_mpd(rng, out: Path) -> None:
    """MovingPandas' `TrajectoryCollection.to_line_gdf()` written with `.to_file(...gpkg)`: one
    2-vertex LineString per step, `t` = the step's END time, `prev_t` = its start (naive UTC
    datetimes), `ferry` the id; 7 harbour ferries in Hamburg, a fix every 15-30 s."""
    import geopandas as gpd

    path = out / "ferries_mpd.gpkg"
    path.unlink(missing_ok=True)
    rows = []
    for k in range(7):
        t = pd.Timestamp("2026-08-17 04:45") + pd.Timedelta(minutes=int(rng.integers(0, 30)))
        for _run in range(int(rng.integers(4, 8))):
            lat, lon = 53.54 + rng.uniform(-0.01, 0.01), 9.93 + rng.uniform(-0.05, 0.05)
            prev = None
            for t, lat, lon, _v, _hd in _legs(rng, lat, lon, t, int(rng.integers(40, 90)),
                                              float(rng.uniform(15, 30)),
                                              lambda: rng.uniform(3, 6), 0.08):  # fmt: skip
                la, lo = noisy(rng, lat, lon, 3)
                t = t.floor("s")
                if prev is not None:
                    rows.append((f"HADAG {62 + k}", t, prev[0],
                                 shapely.LineString([(prev[2], prev[1]), (lo, la)])))  # fmt: skip
                prev = (t, la, lo)
            t += pd.Timedelta(minutes=float(rng.uniform(10, 30)))
    gdf = gpd.GeoDataFrame(rows, columns=["ferry", "t", "prev_t", "geometry"], crs="EPSG:4326")
    gdf.to_file(path, layer="ferries", driver="GPKG")


FILES = {"travel_survey": "travel_survey.dta", "oruxmaps": "oruxmapstracks.db",
         "trips_m": "trips_m.gpkg", "ferries_mpd": "ferries_mpd.gpkg"}  # fmt: skip

if __name__ == "__main__":
    write_sets([travel_survey, oruxmaps, trips_m, ferries_mpd], "HELDOUT34", 3410, FILES)
