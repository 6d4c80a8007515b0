"""`trajlm route`: candidate routes from an origin to a destination under constraints, timed by
local tools (shortest paths on a road network, historical speeds from a store), checked for
validity, ranked, explained in one sentence each, and drawn (trajlm/reason/route.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._safety import UserError


def parse_latlon(text: str, option: str) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        raise UserError(
            f"{option} {text!r}: expected LAT,LON in degrees, e.g. 45.07,7.69"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UserError(f"{option} {text!r}: latitude must be in [-90, 90], longitude [-180, 180]")
    return lat, lon


def parse_time(text: str, option: str) -> int:
    """Unix seconds or ISO 8601 (a time without a zone is UTC, with a note on stderr: stdout
    holds the routes) -> Unix seconds."""
    try:
        return int(float(text))
    except ValueError:
        pass
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text!r}: expected an ISO 8601 time "
                        "(2024-03-04T08:30:00Z) or Unix seconds") from None  # fmt: skip
    if t.tzinfo is None:  # said, as ingest, predict and travel-time say theirs (append35)
        typer.echo(f"note: {option} {text!r} has no zone; read as UTC (give its offset, e.g. "
                   "2024-03-04T08:30+01:00, or Z if it is UTC)", err=True)  # fmt: skip
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp())


def parse_area(text: str | None):
    """ "min_lat,min_lon,max_lat,max_lon" (a box) or "lat,lon;lat,lon;lat,lon;..." (a polygon)."""
    if text is None:
        return None
    try:
        if ";" in text:
            pts = [tuple(float(v) for v in p.split(",")) for p in text.split(";") if p.strip()]
            if len(pts) < 3 or any(len(p) != 2 for p in pts):
                raise ValueError
            return pts
        box = tuple(float(v) for v in text.split(","))
        if len(box) != 4:
            raise ValueError
    except ValueError:
        raise UserError(f"--avoid {text!r}: expected min_lat,min_lon,max_lat,max_lon or "
                        "lat,lon;lat,lon;lat,lon (a polygon of >= 3 vertices)") from None  # fmt: skip
    if not (box[0] < box[2] and box[1] < box[3]):
        raise UserError(f"--avoid {text!r}: a box is min_lat,min_lon,max_lat,max_lon; each "
                        "min must be below its max")  # fmt: skip
    return box


def route(
    origin: str = typer.Option(..., "--from", help="Origin LAT,LON (degrees)."),
    destination: str = typer.Option(..., "--to", help="Destination LAT,LON."),
    depart: str = typer.Option(..., "--depart", help="Departure: ISO 8601 or Unix seconds."),
    network: Path = typer.Option(None, "--network", help=".osm.pbf, .geojson or .parquet edges."),
    synthetic_seed: int = typer.Option(
        None,
        "--synthetic-seed",
        min=0,
        help="Use the synthetic city of `trajlm data synth --seed`.",
    ),
    avoid: str = typer.Option(
        None,
        "--avoid",
        help="Area to avoid: min_lat,min_lon,max_lat,max_lon or lat,lon;lat,lon;...",
    ),
    arrive_before: str = typer.Option(None, "--arrive-before", help="Deadline (ISO or Unix s)."),
    speeds: Path = typer.Option(
        None, "--speeds", help="Store whose train split gives historical speeds (else free flow)."
    ),
    speeds_mode: str = typer.Option(None, "--speeds-mode", help="Only trips of this label."),
    model: Path = typer.Option(None, "--model", help="Run: add the model's log-likelihood."),
    k: int = typer.Option(3, "--k", min=1, max=10, help="Candidate routes."),
    out: Path = typer.Option(None, "--out", help="Ranked routes as CSV (explanations included)."),
    plot: Path = typer.Option(None, "--plot", help="Draw the routes (.png)."),
    overwrite: bool = typer.Option(False, help="Replace existing outputs."),
) -> None:
    """Recommend routes under constraints (avoid an area, arrive before a time)."""
    from trajlm.reason.route import FreeFlowTimes, HistoricalSpeeds, draw_routes, recommend

    o, d = parse_latlon(origin, "--from"), parse_latlon(destination, "--to")
    t0 = parse_time(depart, "--depart")
    deadline = parse_time(arrive_before, "--arrive-before") if arrive_before else None
    if deadline is not None and deadline <= t0:
        raise UserError(f"--arrive-before {arrive_before} is not after --depart {depart}")
    area = parse_area(avoid)
    if speeds_mode is not None and speeds is None:  # before: ignored, silently (badin35)
        raise UserError("--speeds-mode picks the trips of --speeds; give --speeds STORE too")
    if (network is None) == (synthetic_seed is None):
        raise UserError("give one of --network FILE and --synthetic-seed N")
    if speeds is not None:  # its stand-in 1 N 1 E fixes met no road: "4,927 km" (local36)
        from trajlm.data.local_plane import degree_places_line, is_local_input

        if is_local_input(speeds):
            raise UserError(f"--speeds {speeds}: {degree_places_line('route (a road network)')}")
    io.suffix(out, (".csv",), "--out")
    io.suffix(plot, (".png",), "--plot")
    inputs = [p for p in (network, speeds, model) if p is not None]
    io.outputs({"--out": out, "--plot": plot}, inputs, overwrite)
    if network is not None:
        from trajlm.roads import read_network

        graph = read_network(io.must_exist(network, "--network"))
    else:
        from trajlm.data.synthetic import generate_city
        from trajlm.roads import from_synthetic

        city = generate_city(n_trajectories=10, seed=synthetic_seed)  # the roads need only seed
        graph = from_synthetic(city.roads, city.projection)
    times = FreeFlowTimes()
    if speeds is not None:
        times = HistoricalSpeeds.from_store(io.store(speeds, "--speeds"), graph, mode=speeds_mode)
    m = io.load_model(model) if model is not None else None
    routes = recommend(graph, o, d, t0, times, avoid=area, arrive_before=deadline, k=k, model=m)
    for line in routes.explanations:
        typer.echo(line)
    if out is not None:
        routes.table.write_csv(out)
        typer.echo(f"wrote {out}")
    if plot is not None:
        draw_routes(routes, plot)
        typer.echo(f"wrote {plot}")
