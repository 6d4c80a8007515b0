"""Columns kept beside the trajectory: the owner (vehicle / user id) of each trajectory, and
the columns a mapping leaves unread (split out of detect.py in session 20, badin20;
`trajlm.data.readers.detect.keep_owner_column` etc. still work)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers._headers import geometry_columns, read_header
from trajlm.data.readers._lines import rglob_follow
from trajlm.data.readers._partitions import is_store_part
from trajlm.data.schema import SOURCE_ID, TrajlmInputError

# Column names kept as the owner of each trajectory (resplit --by user holds owners out);
# normalised as in column_names (case, spaces, dashes and dots ignored).
# cols23 (heldout23's ride-hail `driver_uuid` / e-scooter `scooter_id` were not kept): the
# uuid siblings, micromobility and fleet ids, after the names above (a driver's id before a
# rider's: in a ride-hail export the rider is the passenger); a rider / courier is a user.
VEHICLE_IDS = (
    "scooter_id",
    "scooter_uuid",
    "bike_id",
    "bike_uuid",
    "bicycle_id",
    "car_id",
    "truck_id",
    "bus_id",
    "boat_id",
    "ship_id",
    "cab_id",
    "van_id",
    "van_uuid",
    "lorry_id",
    "asset_id",
    "tracker_id",
    "unit_id",
    "unit_uuid",
)  # fmt: skip (van_id ... newuser24's fleet; unit_id: a telematics unit, newuser33)
_PEOPLE = ("user_uuid", "rider_id", "rider_uuid", "courier_id", "courier_uuid",
           # travel surveys and studies (newuser28: newuser27's `person_id` beside `trip_id`
           # was "not kept in the store", so `eval --holdout-by user` could not hold people out)
           "person_id", "person", "participant", "participant_id", "respondent_id",
           "subject_id")  # fmt: skip
USER_NAMES = ("user_id", "uid", "user", *_PEOPLE)
OWNER_NAMES = ("vehicle_id", *USER_NAMES[:3], "driver_id", "taxi_id", "device_id", "vessel_id",
               "mmsi", "imei", "individual_id", "animal_id", "vehicle_no", "vehicle",
               "driver_uuid", "vehicle_uuid", "device_uuid", "taxi_uuid", "vessel_uuid",
               "vehicle_ref", "vehicleref",  # SIRI-VM's `VehicleRef` beside a journey (newuser31)
               *VEHICLE_IDS, *_PEOPLE)  # fmt: skip


def keep_owner_column(
    paths: str | Path | Sequence[str | Path],
    format: str,
    columns: ColumnMap | None,
    given: str | None = None,
) -> tuple[ColumnMap | None, str | None]:
    """csv / parquet: keep a vehicle / user id column (`given`, else the first recognised name
    of OWNER_NAMES) in the store as vehicle_id / user_id, so `resplit --by user` can hold
    owners out. Returns the map to read with and the column kept (None: none)."""
    from trajlm.data.column_names import normalised

    cm = columns or ColumnMap()
    if format not in ("csv", "parquet") or ({"vehicle_id", "user_id"} & set(cm.extra)):
        return columns, None
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        pattern = "*.parquet" if format == "parquet" else "*.csv"
        first = next(iter(rglob_follow(first, pattern)), first)
    have = read_header(first, format, cm.sep) if first.is_file() else None
    if given is not None:
        if have is not None and given not in have:
            raise TrajlmInputError(f"--vehicle-col {given!r} is not a column; the file has {have}",
                                   path=first, line=1)  # fmt: skip
        return dataclasses.replace(cm, extra={**cm.extra, "vehicle_id": given}), given
    by_name = {normalised(c): c for c in reversed(have or [])}
    col = next((by_name[n] for n in OWNER_NAMES if n in by_name), None)
    if col is None:
        return columns, None
    name = "user_id" if normalised(col) in USER_NAMES else "vehicle_id"
    return dataclasses.replace(cm, extra={**cm.extra, name: col}), col


def unused_columns(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> list[str]:
    """Columns of the first csv / parquet file's header that the mapping does not read (they
    are not kept in the store), e.g. a `speed` column; [] for other formats."""
    if format not in ("csv", "parquet"):
        return []
    if isinstance(paths, str | Path):
        paths = [paths]
    first = Path(paths[0])
    if first.is_dir():  # a folder's first file, as the kept columns are chosen (fix33b: a
        first = next(iter(rglob_follow(first, f"*.{format}")), first)  # folder said none)
    if not first.is_file() or first.suffix.lower() == ".zip":
        return []
    cm = columns or ColumnMap()
    have = read_header(first, format, cm.sep) or []
    used = {cm.traj_id, *cm.time_columns(), cm.lat, cm.lon, *cm.extra.values()}
    used |= {c for pair in cm.coord_sources.values() for c in pair}
    if format == "parquet" and cm.lat not in have and (geom := geometry_columns(first)) is not None:
        used.add(geom[0])
    if cm.traj_id == SOURCE_ID and is_store_part(first):  # a store read as its trips (newuser33):
        used.add("traj_id")  # its pieces' ids are cut again here, not a column lost (fix33b)
    return [c for c in have if c not in used and c.strip() and not c.startswith("Unnamed: ")]
