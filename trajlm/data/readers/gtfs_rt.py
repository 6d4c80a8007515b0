"""GTFS-realtime VehiclePositions feeds (format `gtfs_rt`: `.pb` protobuf snapshots, one file or
a folder of them, also `.pb.gz`), decoded with `gtfs-realtime-bindings`
(`pip install 'trajlm[formats]'`).

Every `FeedEntity` with a `vehicle.position` is a point of the vehicle's trajectory: traj_id =
`vehicle.vehicle.id` (else its label, else `trip.trip_id`, else the entity id), time =
`vehicle.timestamp`, else the feed header's timestamp (when the feed gives no per-vehicle time).
Entities without a position (trip updates, alerts) are skipped without being counted. Polling a
feed repeats a vehicle's last fix until it reports again: the repeats are exact duplicates, which
cleaning drops as `duplicate_timestamp`. A file that is not a FeedMessage is one error; an
empty feed (no vehicle positions) is counted as `empty_file` (skip) or raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx
from trajlm.data.readers.gpx import points_frame
from trajlm.data.readers.gz import missing_library, read_bytes
from trajlm.data.schema import TrajlmInputError, conform


def _iso(t: int) -> str | None:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if t else None


def iter_gtfs_rt(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per snapshot file (vehicles are joined across files by `regroup`)."""
    try:
        from google.protobuf.message import DecodeError
        from google.transit import gtfs_realtime_pb2
    except ImportError:
        raise missing_library("GTFS-realtime feeds", "gtfs-realtime-bindings") from None
    for path in paths:
        file = ctx.add_path(path)
        feed = gtfs_realtime_pb2.FeedMessage()
        try:
            feed.ParseFromString(read_bytes(path, ctx.limits))
        except (DecodeError, RuntimeError, ValueError) as e:
            raise TrajlmInputError(
                f"not a GTFS-realtime FeedMessage (protobuf: {e})",
                path=path,
                hint="skipping cannot help (the whole file); a VehiclePositions feed saved as "
                "bytes (curl -o x.pb URL), not its JSON or text form",
            ) from None
        head_t = feed.header.timestamp if feed.header.HasField("timestamp") else 0
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        for k, ent in enumerate(feed.entity):
            if not ent.HasField("vehicle") or not ent.vehicle.HasField("position"):
                continue
            v = ent.vehicle
            tid = v.vehicle.id or v.vehicle.label or v.trip.trip_id or ent.id
            cols["traj_id"].append(tid or None)
            cols["lat"].append(repr(float(v.position.latitude)))
            cols["lon"].append(repr(float(v.position.longitude)))
            cols["time"].append(_iso(v.timestamp if v.HasField("timestamp") else head_t))
            cols["ele"].append(None)
            cols["_line"].append(k + 1)  # the entity's index in the feed
        if not cols["traj_id"]:
            if ctx.on_error == "raise":
                raise TrajlmInputError(
                    f"no vehicle positions in the feed ({len(feed.entity)} entities)",
                    path=path,
                    hint="a VehiclePositions feed is needed (not TripUpdates / Alerts); "
                    "--on-error skip counts such files as empty_file and reads the rest",
                )
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
            continue
        out = points_frame(
            cols, file, ctx, no_time_msg="a vehicle position has no time (nor the feed header)"
        )
        if len(out):
            yield conform(out)
