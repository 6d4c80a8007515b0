"""Named column mappings (`readers.PRESETS`; CLI `--columns NAME`) for the shared data sets
and the layouts users bring (split from tabular.py, session 16)."""

from __future__ import annotations

from trajlm.data.readers._common import ColumnMap

HISTORICAL_MIN_T = -2208988800  # 1900-01-01: records that predate GPS (best tracks, satellites)

PRESETS: dict[str, ColumnMap] = {
    "ais": ColumnMap(
        traj_id="ID",
        t="ais_pos_timestamp",
        lat="latitude",
        lon="longitude",
        time_format="%d/%m/%Y %H:%M",
        extra={"vehicle_id": "ID"},
    ),
    # Danish Maritime Authority AIS archive (web.ais.dk): "# Timestamp" dd/mm/yyyy UTC
    "dma_ais": ColumnMap(
        traj_id="MMSI",
        t="# Timestamp",
        lat="Latitude",
        lon="Longitude",
        time_format="%d/%m/%Y %H:%M:%S",
        extra={"vehicle_id": "MMSI"},
    ),  # fmt: skip
    "tdrive": ColumnMap(
        traj_id="TaxiID",
        t="TimeStamp",
        lat="Latitude",
        lon="Longitude",
        time_format="%Y-%m-%d %H:%M:%S",
        utc_offset_s=8 * 3600,
        extra={"vehicle_id": "TaxiID"},
    ),
    "liverpool_bus": ColumnMap(
        traj_id="trip_id",
        t="timestamp",
        lat="latitude",
        lon="longitude",
        time_format="%Y-%m-%d %H:%M:%S",
        extra={"vehicle_id": "vehicle_id", "heading_deg": "bearing"},
    ),
    "geolife_small": ColumnMap(
        traj_id="trajectory_id", t="t", lat="Y", lon="X", sep=";", extra={"user_id": "tracker"}
    ),
    "hurricanes": ColumnMap(
        traj_id="tid",
        t_parts={"year": "Year", "month": "Month", "day": "Day", "hour": "Hour"},
        lat="lat",
        lon="lon",
        extra={"label": "class", "name": "Name"},
        min_t=HISTORICAL_MIN_T,
    ),
    "icebergs": ColumnMap(
        traj_id=None,
        t="date",
        time_format="%Y%j",
        coord_sources={
            s: (f"{s}_1", f"{s}_2")
            for s in ("ascat", "oscat", "qscat", "seawinds", "nscat", "ers", "sass", "nic")
        },
        no_fix=0.0,
        min_t=HISTORICAL_MIN_T,
    ),
    "trackintel": ColumnMap(
        traj_id="user_id",
        t="tracked_at",
        lat="latitude",
        lon="longitude",
        sep=";",
        traj_id_per_file=True,
        extra={"user_id": "user_id"},
    ),
    "mat_animals": ColumnMap(
        traj_id="tid",
        t="time",
        time_format="elapsed_h",
        # Not a CRS pyproj knows: refused until the user declares one. The values read as
        # degrees (50.05-50.19 N, 3.74-3.82 E) span ~15 x 6 km with ~180 m median steps,
        # plausible for the Starkey forest, so the refusal names `--crs EPSG:4326` as the
        # user's own declaration (classify21); nothing is assumed silently.
        crs="undocumented planar transform (MAT preprocessing of Starkey UTM data; to read "
        "the values as degrees, an approximation you declare: --crs EPSG:4326)",
        extra={"label": "label"},
    ),
    "mat_vehicles": ColumnMap(
        traj_id="tid",
        t="time",
        time_format="elapsed_s",
        crs="EPSG:2100 (Greek Grid, metres; column 'lat' = northing, 'lon' = easting)",
        extra={"label": "label"},
    ),
    # DJI flight records as Phantomhelp / Airdata "CSV (all columns)" write them (session 17):
    # a `sep=,` first line, the phone's local date and 12-hour time in two columns, the aircraft
    # at OSD.latitude / longitude (HOME.* is the take-off point). One flight per file.
    "dji_flightrecord": ColumnMap(
        traj_id=None,
        t="CUSTOM.updateTime [local]",
        t_date="CUSTOM.date [local]",
        lat="OSD.latitude",
        lon="OSD.longitude",
        time_format="%m/%d/%Y %I:%M:%S%.f %p",
    ),
}
