"""`trajlm data match | resplit`: stores and tables derived from one's points, map-matched onto
a road network or copied with a hold-out split by hour or user. Split out of cli_data.py
(tidy26: the commands that derive data apart from those that read and look at it); registered
on the `data` sub-app by cli_data.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import OVERWRITE_HELP
from trajlm._cli_io import fail as _fail
from trajlm._cli_io import say as _say
from trajlm._cli_points import read_points
from trajlm.errors import TrajlmInputError


def register(data_app: typer.Typer) -> None:
    """Add `match` and `resplit` to the `data` sub-app (after ingest, inspect, synth, plot)."""
    data_app.command("match")(data_match)
    data_app.command("resplit")(data_resplit)


def data_match(
    data: Path = typer.Argument(..., help="Store directory, .csv or .parquet of points."),
    network: Path = typer.Option(..., "--network", help=".osm.pbf, .geojson or .parquet edges."),
    out: Path = typer.Option(..., "--out", "-o", help="Matched points, .parquet or .csv."),
    sigma_m: float = typer.Option(20.0, help="GPS noise (m): emission std of the HMM."),
    radius_m: float = typer.Option(80.0, help="Candidate edges within this distance (m)."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
) -> None:
    """Map-match points onto a road network (HMM); adds edge_id, edge_frac, match_lat/lon."""
    from trajlm.roads import match, match_summary, read_network

    io.suffix(out, (".parquet", ".csv"), "--out")
    io.positive(sigma_m, "--sigma-m")
    io.positive(radius_m, "--radius-m")
    io.must_exist(network, "--network")
    io.outputs({"--out": out}, [data, network], overwrite)
    if io.on_plane(data, None, "DATA"):  # matched to a degree network at 1 N 1 E (local37)
        from trajlm.data.local_plane import degree_places_line

        _fail(f"DATA {data}: {degree_places_line('data match (a road network)')}")
    df = read_points(data, "DATA")
    matched = match(df, read_network(network), sigma_m=sigma_m, radius_m=radius_m)
    if out.suffix.lower() == ".csv":  # 1e-7 degree, as predict / recover's CSVs (leftover30)
        from trajlm.cli_predict_output import csv_positions

        csv_positions(matched, ("match_lat", "match_lon"), None).write_csv(out)
    else:
        matched.write_parquet(out)
    c = match_summary(matched)
    _say(f"wrote {out}: {c['points']:,} points, {c['unmatched']:,} unmatched, "
         f"{c['breaks']:,} chain breaks")  # fmt: skip


def data_resplit(
    store: Path = typer.Argument(..., help="Store directory."),
    by: str = typer.Option(..., "--by", help="time | hour | hour=H (test: hours >= H) | user"),
    out: Path = typer.Option(..., "--out", "-o", help="New store directory."),
) -> None:
    """Copy a store with a hold-out split (by hour of day or user) for `train` and `eval`."""
    from trajlm.data.store import resplit_store

    io.store(store, "store")
    try:
        manifest = resplit_store(store, out, by)
    except TrajlmInputError:  # already names what is wrong (e.g. --out exists)
        raise
    except ValueError as e:  # a split rule that does not parse or leaves a split empty
        _fail(f"--by {by}: {e}")
    _say(f"wrote {out} split by {by}: {json.dumps(manifest['splits'])}")
    if "split_hours_utc" in manifest:
        from trajlm.data.splits import hour_ranges

        hours = manifest["split_hours_utc"]
        _say(
            "trips start at hours (UTC): "
            + "; ".join(f"{s} {hour_ranges(h)}" for s, h in hours.items())
        )
        _say_local_hours(out)
    _warn_empty_splits(manifest["splits"], by)


def _say_local_hours(out: Path) -> None:
    """The same splits' start hours in the store's own zone, where it has one (leftover35's
    decision: hour=H stays UTC hours, so every by-hour split made before reads the same; the
    local hours are said, as `trajlm eval --holdout-by hour` says them since newuser34)."""
    import polars as pl

    from trajlm.data.splits import hour_ranges, local_split_hours
    from trajlm.data.store import store_zone

    if (zone := store_zone(out)) is None:
        return
    local = local_split_hours(pl.read_parquet(out / "index.parquet"), zone)
    if local is not None:
        _say(f"in {zone}, the store's zone, they start at: "
             + "; ".join(f"{s} {hour_ranges(h)}" for s, h in local.items())
             + " (hour=H counts UTC hours)")  # fmt: skip


def _warn_empty_splits(splits: dict, by: str) -> None:
    """One warning line when the new store has an empty split (train / eval need each)."""
    empty = [s for s, v in splits.items() if not v.get("n_trajectories")]
    if not empty:
        return
    counts = ", ".join(f"{s} {v.get('n_trajectories', 0)}" for s, v in splits.items())
    todo = {"hour": "a smaller H (or --by hour: test = the latest hours holding ~10 % of trips)",
            "user": "more users / vehicles in the data, or --by time"}  # fmt: skip
    hint = todo.get(by.split("=")[0], "another --by rule")
    io.warn(
        f"the {' and '.join(empty)} split is empty ({counts} trajectories): train / eval "
        f"need every split; re-split with {hint}"
    )
