"""`trajlm reach`: when will each mover reach these points? ``TrajLM.reach`` on a user's own
file, read as `trajlm recover --input` reads it (session 32, reach32).

    trajlm reach --input avl.csv --model trajlm-small --to-file stops.txt --radius-m 60 \\
        --horizon-s 900 --out eta.csv
    trajlm reach --input track.csv --model RUN --to "41.15,-8.61;41.16,-8.62"

One row per (trajectory, target) in the input's names: its id column (+ the vehicle column
beside a trip id), target, target_lat, target_lon, reached, eta_s, reach_time (as the input's
times: ISO text with its offset, datetimes, Unix seconds), closest_m, engine ("route": past
paths that went this way answered; else the rollout's engine), paths, and the --to-file's own
other columns (stop_id, stop_name, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import OVERWRITE_HELP, SPLIT_NAMES, THREADS_HELP, column_option, crs_option
from trajlm._safety import UserError

if TYPE_CHECKING:  # `import trajlm.cli` loads no polars (tests/test_lazy_imports.py)
    import polars as pl

OUT_HELP = (
    ".csv / .parquet: one row per (trajectory, target): the input's id column(s), target "
    "(0-based), target_lat, target_lon, reached, eta_s, reach_time (as the input's times), "
    "closest_m, engine, paths, and the --to-file's other columns (stop_id, ...)."
)


def parse_targets(text: str) -> list[tuple[float, float]]:
    """--to "LAT,LON;LAT,LON" -> [(lat, lon), ...], or a UserError naming --to."""
    from trajlm.cli_route import parse_latlon

    pairs = [p for p in text.split(";") if p.strip()]
    if not pairs:
        raise UserError(f"--to {text!r}: give LAT,LON or LAT,LON;LAT,LON (degrees)")
    return [parse_latlon(p.strip(), "--to") for p in pairs]


def read_targets_file(path: Path) -> pl.DataFrame:
    """--to-file: a CSV (GTFS stops.txt too) or Parquet with one latitude and one longitude
    column; its other columns come back beside each answer."""
    import polars as pl

    from trajlm._safety import reading

    io.must_exist(path, "--to-file")
    if path.is_dir():
        raise UserError(
            f"--to-file {path}: a folder; give a .csv, .txt (GTFS stops.txt) or .parquet"
        )
    todo = "give a table with a latitude and a longitude column (stop_lat, stop_lon)"
    with reading(path, todo):
        if path.suffix.lower() == ".parquet":
            frame = pl.read_parquet(path)
        else:  # ids stay text (GTFS stop_id 0045 keeps its zero)
            frame = pl.read_csv(path, infer_schema_length=0)
            lat_lon = [
                c for c in frame.columns if any(k in c.lower() for k in ("lat", "lon", "lng"))
            ]
            try:
                frame = frame.with_columns(pl.col(lat_lon).str.strip_chars().cast(pl.Float64))
            except pl.exceptions.InvalidOperationError:
                raise UserError(f"--to-file {path}: {', '.join(lat_lon)}: expected numbers "
                                "(degrees) in every row") from None  # fmt: skip
    if frame.height == 0:
        raise UserError(f"--to-file {path}: no points (the table is empty)")
    return frame


def reach(
    model: Path = typer.Option(..., "--model", help="Run directory or trajlm-small's name."),
    input: Path = typer.Option(
        ..., "--input", help="History points: store dir, CSV, Parquet, GPX, PLT or MF-JSON."
    ),
    to: str = typer.Option(
        None, "--to", help='Target points "LAT,LON" or "LAT,LON;LAT,LON;..." (degrees).'
    ),
    to_file: Path = typer.Option(
        None,
        "--to-file",
        help="Target points: CSV / GTFS stops.txt / Parquet with a latitude and a longitude "
        "column (stop_lat, stop_lon); its other columns (stop_id, ...) come back.",
    ),
    radius_m: float = typer.Option(50.0, "--radius-m", help="Reached within this many metres."),
    horizon_s: float = typer.Option(
        1800.0, "--horizon-s", help="Look this many seconds past each trajectory's last fix."
    ),
    step_s: float = typer.Option(
        None, "--step-s", help="The rollout's time grid (default: the model's training step)."
    ),
    memory: Path = typer.Option(
        None,
        "--memory",
        help="Past trips (store dir, CSV, Parquet, ...) whose paths answer where they went this "
        "way, besides the --input's own other trips.",
    ),
    route: bool = typer.Option(
        True,
        "--route/--no-route",
        help="Past paths that went this way answer where 2 or more did (engine route); "
        "--no-route: the rollout alone.",
    ),
    out: Path = typer.Option(Path("reach.csv"), "--out", help=OUT_HELP),
    split: str = typer.Option("test", help="Split to read when --input is a store."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
    crs: str = crs_option(answers="the targets stay in degrees"),
) -> None:
    """When will each input trajectory come within --radius-m of each target (TrajLM.reach)?
    Past paths that went the same way answer where they can (the input's other trips, the
    mover's own earlier ones, --memory), the model's rollout elsewhere."""
    from trajlm._cli_points import input_errors, read_frame
    from trajlm.cli_predict_words import said as _said
    from trajlm.cli_tasks import load_cli_model, write_table

    io.choice(split, SPLIT_NAMES, "--split")
    if (to is None) == (to_file is None):
        io.fail("give the targets with --to LAT,LON[;LAT,LON...] or --to-file FILE (one of them)")
    io.positive(radius_m, "--radius-m")
    io.positive(horizon_s, "--horizon-s")
    io.positive(step_s, "--step-s")
    io.suffix(out, (".csv", ".parquet"), "--out")
    inputs = [input, model] + [p for p in (to_file, memory) if p is not None]
    io.outputs({"--out": out}, inputs, overwrite)
    targets = parse_targets(to) if to is not None else read_targets_file(to_file)
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    cols = {k: v for k, v in cols.items() if v is not None}
    from trajlm.data.local_plane import degree_places_line

    if io.on_plane(input, crs, "--input"):  # targets matched against the stand-in 1 N 1 E
        io.fail(
            f"--input {input}: {degree_places_line('reach --to / --to-file', file=not input.is_dir())}"
        )
    df = read_frame(input, "--input", split, cols)
    past = None
    if memory is not None and route:  # read here: its faults are --memory's, not --input's
        from trajlm.api_reach_route import RouteMemory

        frame = read_frame(memory, "--memory", None, cols)
        with input_errors(memory, "--memory"):
            past = RouteMemory.read(frame, **cols)
    m = load_cli_model(model, "predict", threads)
    source = f"--to-file {to_file}" if to_file is not None else "--to"
    try:
        with input_errors(input, "--input"):
            answer = _said(lambda: m.reach(df, to=targets, radius_m=radius_m, horizon_s=horizon_s,
                                           step_s=step_s, route=route, memory=past, **cols),
                           f"--input {input}")  # fmt: skip
    except UserError as e:  # a target's fault is the target option's, not the input's
        text = str(e)
        if "field to: " in text:  # TrajlmInputError(field="to") leads with it
            io.fail(f"{source}: {text.split('field to: ', 1)[1]}")
        for field in ("radius_m", "horizon_s", "step_s"):
            text = text.replace(f"{field}=", f"--{field.replace('_', '-')} ").replace(
                f"{field} ", f"--{field.replace('_', '-')} "
            )
        raise UserError(text) from None
    from trajlm.data.schema import LINE

    write_table(answer.drop(LINE, strict=False), out)
    n = int(answer["reached"].sum())
    by = answer["engine"].value_counts(sort=True).rows()
    io.say(f"wrote {len(answer):,} rows to {out}: {n:,} reached within {horizon_s:g} s "
           f"(engines: {', '.join(f'{e} {k:,}' for e, k in by)})")  # fmt: skip
