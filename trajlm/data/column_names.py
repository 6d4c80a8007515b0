"""The column names trajlm recognises for the four canonical fields, in tiers of confidence.

Shared by the Python API's frame coercion (`coerce.py`) and the CSV / Parquet readers
(`readers/detect.py`), so that a file and a DataFrame with the same columns are read alike.
A name is matched case-insensitively, with spaces, dashes and dots read as underscores
("Vehicle ID" is vehicle_id), and, when no name matches so, without underscores ("TaxiID" is
taxi_id); the first tier with a match wins, and two matches in one tier are ambiguous (the
caller names the column instead).
"""

from __future__ import annotations

import re
from typing import Any

from trajlm.data.column_spelling import column_words as column_words  # re-exported
from trajlm.data.column_spelling import normalised as normalised  # re-exported
from trajlm.data.zone_names import header_zone

TRAJ = (
    ("traj_id",),
    ("trajectory_id", "tid", "track_id", "trip_id", "trajectory", "traj",
     # session 36 (heldout36): probe / map-matching traces (TomTom-style `traceid`)
     "trace_id", "traceid",
     # session 31 (newuser31): SIRI-VM / BODS AVL downloads as CSV: a journey is one run of a
     # line (a trip), beside the bus's `VehicleRef` (kept as the owner)
     "dated_vehicle_journey_ref", "vehicle_journey_ref", "journey_ref", "journey_id"),
    # a rental's ride beside the vehicle's id (newuser31: `ride_id` + `vehicle_id` was read by
    # the vehicle, its rides one track); below trip_id (`trip_id` beside `ride_id` stays)
    ("ride_id", "rental_id"),
    ("id", "track", "trip", "individual_local_identifier",  # Movebank: the animal
     "rit", "rit_id", "ritnummer"),  # Dutch trips (heldout31: `rit` beside `deelnemer`)
    ("uid", "user_id", "mmsi", "vehicle_id", "object_id", "individual_id", "vehicle", "device_id",
     "imei", "taxi_id", "vessel_id", "animal_id", "tag_id", "icao24", "tag_local_identifier",
     "deviceid",  # Traccar's tc_positions: `id` is the row key, `deviceid` the tracker
     "devicetag", "device_tag",  # Google Takeout Records.json (heldout26)
     "device", "device_name", "tracker", "tracker_id", "asset_id", "activity_id",  # Traccar's
     # route report (`Device`), fleet and fitness exports (session 17); European exports:
     "fahrzeug", "kennzeichen", "vehiculo", "vehicule", "veicolo", "voertuig",
     # trackers, fleets, animal collars, Argos (session 18, formats18's held-out files)
     "asset", "unit_id", "rider", "rider_id", "collar_id", "collarid", "platform_id",
     "vehicle_reg", "registration", "conductor",
     "objectno", "object_no", "flight_id", "fa_flight_id",  # Webfleet, AeroAPI (session 19)
     "full_name",  # ArcGIS Field Maps / Tracker location tracks: the mobile worker (session 20)
     "vehicle_ref"),  # SIRI-VM's `VehicleRef` (a bus; newuser31)
    # a tier below the MMSI (a ship's IMO number beside it is the same ship), regattas, and
    # Latin-American fleet exports (`movil`, `unidad`: heldout24's Santiago taxis were one track)
    ("imo", "imo_number", "imo_no", "ship_id", "boat", "boat_id", "yacht", "movil", "unidad",
     # a driver changes trucks: below a vehicle's id (leftover36: Motive records with
     # `vehicle.id` and `driver.id` read two trucks of one driver as one track)
     "driver_id",
     # session 25 (heldout25): truck fleets (`Truck No.`), apron vehicles, delivery robots
     "truck", "truck_id", "callsign", "call_sign", "robot", "robot_id",
     # session 26 (heldout26): race bibs (endurance rides), `veh` (refuse trucks), an
     # e-monitoring export's `Vessel Name` (below the MMSI / IMO of AIS files)
     "bib", "bib_number", "start_number", "veh", "veh_id", "vessel", "vessel_name", "ship_name",
     # session 27 (heldout27): a barge skipper's `Schip` (Dutch; German `Schiff`), a glider
     # club's `flight`, a field survey's `enumerator` (Kobo / ODK forms)
     "schip", "schiff", "flight", "enumerator", "enumerator_id", "surveyor", "interviewer",
     # session 28 (heldout28): a Thai fleet portal's plate (`ทะเบียนรถ`) and vehicle code
     "ทะเบียนรถ", "ทะเบียน", "รหัสรถ",
     # a balloon instrument's `Balloon` (registration), a boat logger's `Session` (a row)
     "balloon", "balloon_id", "session", "session_id",
     # session 29 (heldout29): a golf club's `Cart`, a pigeon loft's `Ring-Nr.` (a bird's ring)
     "cart", "cart_id", "ring_nr", "ring_nr_", "ring_no", "ring_number", "ringnummer",
     # session 30 (heldout30): a cattle portal's `Collar`, a harvester's `Machine`, a running
     # club's `runner`
     # (`car` stays no id name: `cab_id` beside `car_id` asks, test_heldout23 / test_detect)
     "collar", "collar_no", "collar_nr", "machine", "machine_id", "runner", "runner_id",
     # session 31 (heldout31): ICES / VMStools tacsat's vessel `VE_REF`, a Dutch study's
     # participant `deelnemer`, a Russian fleet portal's `Объект` (Wialon's unit)
     "ve_ref", "deelnemer", "deelnemer_id", "объект", "объект_мониторинга",
     # session 35 (heldout35): a multi-agent simulator's `agent` (robots, SUMO / MATSim agents)
     "agent", "agent_id",
     # session 36 (newuser36): GPS-vest exports name the athlete (`Player`, Catapult's
     # `Athlete`); a sports scientist's 14 vests were read as one jumping track
     "player", "player_id", "player_name", "athlete", "athlete_id", "athlete_name",
     # session 37 (heldout37): pedestrian benchmarks (ETH / UCY `frame ped x y`, crowd counts);
     # `vid`, the vehicle in bus-tracker APIs (CTA Bus Tracker) and bus subscribers' messages
     "ped", "ped_id", "pedestrian", "pedestrian_id", "vid",
     # session 37 (heldout37b): Home Assistant's `entity_id` (`device_tracker.anna_phone`; a
     # `json_normalize` frame of its history read the empty `context.user_id` as the id)
     "entity_id",
     # session 39 (heldout39): a Particle device's `coreid` (its event stream's and webhooks')
     "coreid", "core_id"),
)  # fmt: skip
TIME = (("t",), ("timestamp", "time", "datetime", "tracked_at", "date_time", "ts", "basedatetime",
                 "date_time_utc", "datetime_utc", "datetime(utc)", "timestamp_utc", "time_utc", "recorded_at",
                 # session 35 (heldout35): Motive's `located_at`; ROS's `header.stamp` / `stamp`
                 "located_at", "stamp"),
        # Traccar: the GPS fix time, before the tracker's clock; Torque Pro's `GPS Time` before
        # its `Device Time` (the phone's clock, naive; heldout33: read as UTC, an hour off)
        ("fixtime", "fix_time", "gps_time"),
        ("devicetime", "device_time"),  # (Traccar's servertime, when it arrived, is not read)
        ("zeit", "zeitstempel", "datum_uhrzeit", "datum/uhrzeit", "fecha_hora", "horodatage",
         "data_ora", "tijdstip",  # European spreadsheets (session 17)
         # the moment, in German / Spanish (heldout32's German tracker portal: `Zeitpunkt`)
         "zeitpunkt", "messzeitpunkt", "datum_zeit", "marca_temporal", "marca_de_tiempo",
         # a time of day beside a date column (`Datum;Tijd`: heldout27's Dutch barges)
         "tijd", "uhrzeit", "hora", "heure"),
        ("epoch", "unix", "unix_time", "epoch_time", "unix_timestamp", "epoch_s", "unix_s",
         "timestamp_s", "epoch_seconds", "unix_seconds",  # Unix seconds by name (session 18)
         "t_unix", "t_epoch", "time_unix", "timestamp_unix", "ts_unix"),  # (heldout23)
        # (session 18; "local_time" is left out: its zone is unknown, so it is named by hand)
        ("gps_utc", "utc", "utc_time", "date/time", "gps_date/time", "gps_datetime",
         "gps_date_time"),
        # session 19: Webfleet's `pos_time`, Lotek's `Date & Time [GMT]`, Field Maps'
        # `location_timestamp`, AeroAPI / SIRI names
        ("pos_time", "date_&_time", "date_and_time", "location_timestamp", "recordedattime",
         "recorded_at_time", "position_time", "gps_timestamp"),
        ("sample_date",),  # HERE probe data (SYSTEM_DATE: when it was stored; session 20)
        # heldout39: Amazon Location's `SampleTime` (beside the service's `ReceivedTime`), a
        # street-photo service's `captured_at` (Mapillary)
        ("sampletime", "sample_time", "captured_at", "capture_time", "capturetime"),
        ("at",),  # race trackers' moments (heldout27's yacht race: files and frames)
        # session 31 (heldout31): ICES tacsat's `SI_TIME` (beside `SI_DATE`), Russian `Время`
        ("si_time", "время", "дата_и_время", "дата/время", "дата_время"))  # fmt: skip
LAT = (("lat", "latitude", "location_lat", "gps_latitude"), ("y",),
       ("y_m", "pos_y", "y_pos", "position_y"),  # metres on a plane (crs="local"; newuser36)
       ("breite", "breitengrad", "latitud", "latitudine", "breedtegraad"),
       ("northing", "utm_northing"),  # projected (crs=; without it, refused)
       # a unit in the name (session 19): PX4's degrees; Webfleet's micro-degrees (divided)
       ("latitude_deg", "lat_deg", "latitude_mdeg", "lat_mdeg", "latitude_e6", "lat_e6",
        "latitude_e7", "lat_e7", "latitude_n/s", "latitude_ns", "latitude_i"),
       ("position_lat", "lat_semicircles"),
       ("si_lati", "широта"))  # ICES tacsat; Russian (heldout31)  # Garmin FIT records (semicircles, divided; session 20)  # fmt: skip
LON = (("lon", "lng", "longitude", "long", "location_long", "location_lon", "gps_longitude"),
       ("x",),
       ("x_m", "pos_x", "x_pos", "position_x"),  # metres on a plane (crs="local"; newuser36)
       ("länge", "laenge", "längengrad", "laengengrad", "longitud", "longitudine",
        "lengtegraad"),
       ("easting", "utm_easting"),
       ("longitude_deg", "lon_deg", "longitude_mdeg", "lon_mdeg", "longitude_e6", "lon_e6",
        "longitude_e7", "lon_e7", "lng_mdeg", "lng_e6", "lng_e7", "long_e6", "long_e7",
        "longitude_e/w", "longitude_ew", "longitude_i"),  # Meshtastic's `_i`: x 1e7
       ("position_long", "lon_semicircles", "long_semicircles"),
       ("si_long", "долгота"))  # ICES tacsat; Russian (heldout31)  # fmt: skip
TIERS = {"traj_id": TRAJ, "t": TIME, "lat": LAT, "lon": LON}


def tier_of(tiers: tuple[tuple[str, ...], ...], column: str) -> int | None:
    """Index of the tier that names `column` (None: no tier does): its whole name, else its last
    two dotted parts (`vehicle.id` as `vehicle_id`, `driver.id` as `driver_id`: leftover36, a
    Motive record's truck before its driver, both `id` by their last part), else its last."""
    parts = column.strip('"').rsplit(".", 2)
    for name in (column, "_".join(parts[-2:]) if len(parts) > 1 else column, parts[-1]):
        n = normalised(name)
        if (k := next((k for k, tier in enumerate(tiers) if n in tier), None)) is not None:
            return k
    return None


def candidates(tiers: tuple[tuple[str, ...], ...], columns: list[str]) -> list[str]:
    """The columns of the first tier that has any (several = ambiguous; none = not found)."""
    lower: dict[str, list[str]] = {}
    for c in columns:
        lower.setdefault(normalised(c), []).append(c)
    for tier in tiers:
        found = [c for name in tier for c in lower.get(name, [])]
        if found:
            return found
    # flattened JSON (pandas.json_normalize, GTFS-realtime `vehicle.position.latitude`): the
    # last dotted part, when no whole name matched
    last: dict[str, list[str]] = {}
    for c in columns:
        if "." in c.strip('"'):
            last.setdefault(normalised(c.strip('"').rsplit(".", 1)[-1]), []).append(c)
    for tier in tiers:
        found = [c for name in tier for c in last.get(name, [])]
        if found:
            return found
    # written without separators (T-Drive's `TaxiID`, `VehicleID`, `unixtime`): matched with
    # the underscores dropped on both sides, when nothing above matched (session 18)
    compact: dict[str, list[str]] = {}
    for c in columns:
        if normalised(c) not in ROW_KEYS:  # ESRI's OBJECTID is no object_id (session 20)
            compact.setdefault(normalised(c).replace("_", ""), []).append(c)
    for tier in tiers:
        found = list(
            dict.fromkeys(c for name in tier for c in compact.get(name.replace("_", ""), []))
        )
        if found:
            return found
    return []


# GIS row keys (ESRI's OBJECTID / FID / GlobalID, OGR's ogc_fid): never a trajectory; nor the
# `_id` of MongoDB documents and Android SQLite tables (heldout37b: a frame read a row a mover)
ROW_KEYS = ("objectid", "fid", "oid", "globalid", "global_id", "ogc_fid", "ogr_fid", "_id")
# Last resort for file headers (session 20; the CSV / Parquet / GIS readers) and, since
# leftovers20, the Python API's frames (coerce_columns.pick_column; a lone datetime column is picked by its
# dtype before, two datetime columns still ask): a name that ENDS like the field
# (`cab_id`, `PROBE_ID`; `pickup_time`, `frame_time_utc`, `pubMillis`; `detect_lat` /
# `detect_lon`), when no name of the tiers matched; two such columns are ambiguous (the error
# names both). Words before `_id` that make a row or record key (`detect_id`, `point_id`) are
# not trajectories.
_ENDINGS = {
    "traj_id": (("id",),),
    "t": (("time", "timestamp", "datetime", "ts", "millis", "utc"), ("date",)),
    "lat": (("lat", "latitude"),),
    "lon": (("lon", "lng", "long", "longitude"),),
}
_NOT_TRIPS = {"global", "row", "point", "record", "fix", "detect", "detection", "message",
              "event", "feature", "parent", "seg", "segment", "sample", "reading", "position",
              "pos", "line", "sequence", "seq", "file", "layer", "scene", "frame", "object"}  # fmt: skip


# East Asian names end with the field's word (heldout27: a Tokyo dispatch CSV's `記録日時`,
# `緯度`, `経度`; Chinese and Korean exports alike): date-time, latitude, longitude
_CJK_ENDINGS = {
    # Thai (heldout28's Bangkok tuk-tuks): `วันที่เวลา` (date-time), `ละติจูด`, `ลองจิจูด`
    "t": ("日時", "時刻", "时间", "時間", "时刻", "일시", "시간", "시각", "เวลา"),
    "lat": ("緯度", "纬度", "위도", "ละติจูด"),
    "lon": ("経度", "经度", "經度", "경도", "ลองจิจูด"),
}


def by_ending(field: str, columns: list[str]) -> list[str]:
    """The columns whose name ends like `field` ("traj_id", "t", "lat", "lon"; see above)."""
    if cjk := [c for c in columns if normalised(c).endswith(_CJK_ENDINGS.get(field, ("\0",)))]:
        return cjk
    for ends in _ENDINGS.get(field, ()):
        found = [
            c
            for c in columns
            if len(w := column_words(c)) >= 2
            and w[-1] in ends
            and normalised(c) not in ROW_KEYS
            and not (field == "traj_id" and w[-2] in _NOT_TRIPS)
            and not (field == "t" and {"local", "lmt"} & set(w) and header_zone(c) is None)
            # (zone unknown: named by hand; `local time (PST)` names it: cols23)
        ]
        if found:
            return found
    return []


# words of a time column that say when a server got the row, not when the fix was taken
SERVER_WORDS = {"update", "updated", "received", "receive", "server", "insert", "inserted",
                "created", "stored", "system", "upload", "uploaded", "processed", "arrival"}  # fmt: skip


def fix_times(have: list[str]) -> list[str]:
    """Columns named as the time of the GPS fix (`Time of Fix`, `fix_timestamp`, `GPS Fix
    Time`, `time_observed_at`): taken over one that only ends like a time (CalAmp's `Update
    Time`, when the server got the report; formats21: read 37 s late without a word)."""
    return [
        c
        for c in have
        if {"fix", "gps_fix", "observed"} & set(w := column_words(c))  # iNaturalist's
        and {"time", "timestamp", "datetime", "date"} & set(w)
        and not {"type", "status", "quality", "age", "mode"} & set(w)
    ]


# when a record was last written (Home Assistant's state `last_updated` / `last_reported`, GBFS'
# `last_reported`, `updated_at`): the fix's time where no name says so (heldout37b); never
# `last_changed`, Home Assistant's time the zone state (home / away) last changed
_WRITTEN = (("updated", "update"), ("reported",), ("seen",), ("created",))  # Swarm: heldout40


def _updated(have: list[str]) -> list[str]:
    for words in _WRITTEN:
        got = [
            c
            for c in have
            if len(w := column_words(c)) == 2 and "last" in w and set(words) & set(w)
        ]
        if got := got or [c for c in have if column_words(c) == [words[0], "at"]]:
            return got
    return []


_TIMES = ("time", "timestamp", "epoch", "unix", "ts")  # `ts_ms` (heldout25's pilot boats)
_UNITS = ("s", "sec", "secs", "ms", "us", "ns")  # `time_s`: the unit after the name
_XY_OWNERS = ("location", "position", "pos", "loc", "point", "coord", "coords", "geom")


def last_resort(field: str, have: list[str]) -> list[str]:
    """Names no tier or ending matches, read when nothing else is (formats21, docs/status.md
    Open 7): Sentinel-1 / Global Fishing Watch `detect_scene_start` (the image's time), Firehose's
    `clock`, a time with its unit after it (`time_s`, `timestamp_ms`: the unit is then checked
    against the values' size) as t; a lone `uuid` / `*_uuid` (Waze probes; a uuid per row is a
    row key, which the caller refuses), Ruptela's `Object` as the trajectory; `location_x` /
    `location_y` (Waze's `location.x` flattened) as lon / lat. (`lng_e7` is a LON tier name
    beside `lon_e7` since leftovers21.)"""
    if field == "t":
        return (
            [c for c in have if column_words(c)[-2:] == ["scene", "start"]]
            or _updated(have)
            or [c for c in have if normalised(c) == "clock"]  # FlightAware Firehose (Unix s)
            or [
                c
                for c in have
                if len(w := column_words(c)) == 2 and w[1] in _UNITS and w[0] in _TIMES
            ]
        )
    if field == "traj_id":
        return [c for c in have if column_words(c)[-1:] == ["uuid"]] or [
            c for c in have if normalised(c) in ("object", "object_name")
        ]  # Ruptela exports' `Object` (a bare `unit` stays to the times-go-back line)
    axis = {"lat": "y", "lon": "x"}.get(field)
    pairs = [
        c for c in have if len(w := column_words(c)) == 2 and w[0] in _XY_OWNERS and w[1] == axis
    ]
    return pairs if axis else []


# a column name ending in an angle unit holds a bearing / heading / course, never an id
_ANGLE_UNIT = re.compile(r"[(\[]\s*(°|deg|degrees?|rad|radians?)\s*[)\]]\s*$", re.IGNORECASE)


def find_columns(field: str, have: list[str], row_key: Any = None) -> list[str]:
    """The columns that may be ``field`` ("traj_id", "t", "lat", "lon"), one rule for files
    (readers/detect.py) and frames (coerce.py; leftovers21): the first tier with a match, a
    time named as the GPS fix's, a name ending like the field, then ``last_resort``. A last
    resort id is dropped when ``row_key(column)`` says it holds a different value on every row
    (a uuid per row is a row key, no trajectory). Several: ambiguous, the caller asks."""
    if field == "traj_id":  # an angle is no id: AgLeader's `Track(deg)` is a heading (heldout28)
        have = [c for c in have if not _ANGLE_UNIT.search(c)]
    found = candidates(TIERS[field], have) or (fix_times(have) if field == "t" else [])
    found = found or by_ending(field, have)
    if not found and (found := last_resort(field, have)) and field == "traj_id":
        if row_key is not None and row_key(found[0]):
            return []
    return one_trip(found) if field == "traj_id" else found


# Words that name one trip of a vehicle / person (heldout23: `ride_id` beside `scooter_id`,
# `trip_uuid` beside `driver_uuid` asked the user to choose; the trip is the trajectory)
TRIP_WORDS = {"trip", "ride", "rental", "journey", "voyage", "flight", "run", "tour", "hike",
              "trajectory", "traj", "track", "session", "leg", "booking", "sortie", "mission",
              "drive"}  # TeslaMate's `drive_id` beside `car_id` (heldout38)  # fmt: skip


def one_trip(found: list[str]) -> list[str]:
    """Of several id columns, the one named as a trip (`ride_id`, `trip_uuid`) when exactly one
    is and none of the others is: a trip id beside its vehicle's / driver's id. Else `found`."""
    if len(found) < 2:
        return found
    trips = [c for c in found if TRIP_WORDS & set(column_words(c)[:-1])]
    return trips if len(trips) == 1 else found


# Columns a CSV may state its CRS in (layouts.declared_crs): Movebank's `utm-zone` ("32N";
# formats21) gives WGS 84 / UTM north 326xx, south 327xx
UTM_ZONE_NAMES = ("utm_zone", "utmzone", "zone_utm")


# What an unset or misconfigured AIS transponder sends as its MMSI (0 and 999999999 are
# MarineCadastre's and DMA's commonest; 123456789 and 1193046 = 0x123456 are factory defaults).
# Several ships send them at once, so their reports are no one vessel's track (session 15).
MMSI_PLACEHOLDERS = ("", "999999999", "123456789", "1193046")  # leading zeros stripped: "0" -> ""


def mmsi_placeholder(field: str | None):  # -> pl.Expr | None (polars imported lazily)
    """For a trajectory id read from a column named MMSI (``mmsi``, ``buque_mmsi``, ...): a
    Polars expression true on the rows whose id is a placeholder MMSI; None for other columns."""
    if not field or not re.fullmatch(r"(.*_)?mmsi", normalised(field)):
        return None
    import polars as pl

    v = pl.col("traj_id").cast(pl.Utf8).str.strip_chars().str.strip_chars_start("0")
    return v.is_in(list(MMSI_PLACEHOLDERS)).fill_null(False)
