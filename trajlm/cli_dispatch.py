"""`trajlm parked` and `trajlm divert`: is each mover parked now, and how long would each van
take to divert to an urgent order (``trajlm.parked`` / ``trajlm.divert`` on a user's own file;
session 34, dispatch34).

    trajlm parked --input live.csv --out parked.csv                  # at each van's last fix
    trajlm parked --input live.csv --at 2026-12-07T09:30:00Z --stop-minutes 2 --radius-m 50
    trajlm divert --input live.csv --order 45.7605,4.86 --to-file next_stops.csv \\
        --memory last_week.csv --out divert.csv

No model: both are read off the fixes (trajlm/data/parked.py, trajlm/api_divert.py).
"""

from __future__ import annotations

from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._arguments import is_number
from trajlm._cli_io import OVERWRITE_HELP, SPLIT_NAMES, column_option, crs_option
from trajlm._safety import UserError
from trajlm.cli_places import INPUT_HELP, answer_on_file

PARKED_OUT = (".csv / .parquet: one row per mover: id, parked, since, still_s, lat, lon, "
              "spread_m, fixes, max_gap_s, speed_mps, last_fix, age_s, stale.")  # fmt: skip
DIVERT_OUT = (".csv / .parquet: one row per (van, order), soonest first: id, order, order_lat, "
              "order_lon, eta_s, arrive_time, straight_m, engine, pace_s_per_km, rank (and with "
              "--to-file: next_lat, next_lon, next_*, delay_s).")  # fmt: skip


def parked(
    input: Path = typer.Option(..., "--input", help=INPUT_HELP),
    out: Path = typer.Option(Path("parked.csv"), "--out", help=PARKED_OUT),
    at: str = typer.Option(
        None,
        "--at",
        help="Answer as of this time (ISO 8601 or Unix s; default: each mover's last fix).",
    ),  # fmt: skip
    stop_minutes: float = typer.Option(
        2.0, "--stop-minutes", help="Parked: still for at least this many minutes."
    ),  # fmt: skip
    radius_m: float = typer.Option(
        50.0,
        "--radius-m",
        help="... within a box this many metres across (each fix allowed its stated accuracy).",
    ),  # fmt: skip
    stale_minutes: float = typer.Option(
        5.0,
        "--stale-minutes",
        help="A last fix older than this (before --at or the newest fix) is stale.",
    ),  # fmt: skip
    split: str = typer.Option("test", help="Split to read when --input is a store."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
    crs: str = crs_option(),
) -> None:
    """Is each mover parked at its last fix (still for --stop-minutes within --radius-m), since
    when, where, and how old is that fix (trajlm.parked)?"""
    import trajlm
    from trajlm.data.parked import BeforeEveryFix, at_seconds
    from trajlm.errors import TrajlmInputError

    io.positive(stale_minutes, "--stale-minutes")
    if at is not None:
        try:
            at_seconds(float(at) if is_number(at) else at)
        except TrajlmInputError:
            io.fail(f"--at {at!r}: give ISO 8601 (2026-12-07T09:30:00Z) or Unix seconds")
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    try:
        answer = answer_on_file(trajlm.parked, input, out, split, overwrite, cols,
                                at=float(at) if at is not None and is_number(at) else at,
                                stop_minutes=stop_minutes, radius_m=radius_m,
                                stale_minutes=stale_minutes)  # fmt: skip
    except UserError as e:  # a time before every fix is --at's fault, not the input's
        if not isinstance(e.__cause__, BeforeEveryFix):
            raise
        io.fail(f"--at {at}: before every fix of --input {input} (its first: {e.__cause__.first})")
    n = int(answer["parked"].sum())
    io.say(f"wrote {len(answer):,} movers to {out}: {n:,} parked")


def divert(
    input: Path = typer.Option(..., "--input", help=INPUT_HELP),
    order: str = typer.Option(
        None, "--order", help='The urgent order(s) "LAT,LON" or "LAT,LON;LAT,LON" (degrees).'
    ),  # fmt: skip
    to_file: Path = typer.Option(
        None,
        "--to-file",
        help="Each van's planned stops (CSV / Parquet with the van's id "
        "column named as in --input, a latitude and a longitude column), its next stop first: "
        "the delay the diversion adds to it.",
    ),  # fmt: skip
    memory: Path = typer.Option(
        None,
        "--memory",
        help="Past trips (store dir, CSV, Parquet, "
        "...): their legs give each van's pace, their paths the route "
        "answer.",
    ),  # fmt: skip
    service_s: float = typer.Option(
        0.0, "--service-s", help="Seconds spent at the order (in the delay)."
    ),  # fmt: skip
    out: Path = typer.Option(Path("divert.csv"), "--out", help=DIVERT_OUT),
    split: str = typer.Option("test", help="Split to read when --input is a store."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
    crs: str = crs_option(answers="the orders stay in degrees"),
) -> None:
    """How long would each van take from its last fix to the urgent --order, ranked, and what
    would it add to its next planned stop (trajlm.divert)?"""
    from trajlm._cli_points import input_errors, read_frame
    from trajlm.cli_reach import read_targets_file
    from trajlm.cli_route import parse_latlon
    from trajlm.cli_tasks import write_table

    io.choice(split, SPLIT_NAMES, "--split")
    if order is None or not [p for p in order.split(";") if p.strip()]:
        io.fail('give the urgent order with --order LAT,LON (several: "LAT,LON;LAT,LON")')
    if not service_s >= 0 or service_s == float("inf"):  # NaN was said as --input's fault
        io.fail(f"--service-s must be a number of seconds >= 0, got {service_s:g}")
    orders = [parse_latlon(p.strip(), "--order") for p in order.split(";") if p.strip()]
    io.suffix(out, (".csv", ".parquet"), "--out")
    io.outputs({"--out": out}, [input] + [p for p in (to_file, memory) if p is not None],
               overwrite)  # fmt: skip
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    cols = {k: v for k, v in cols.items() if v is not None}
    if io.on_plane(input, crs, "--input"):  # the orders were matched against 1 N 1 E (local37)
        from trajlm.data.local_plane import degree_places_line

        io.fail(
            f"--input {input}: {degree_places_line('divert --order / --to-file', file=not input.is_dir())}"
        )
    df = read_frame(input, "--input", split, cols)
    stops = read_targets_file(to_file) if to_file is not None else None
    past = read_frame(memory, "--memory", None, cols) if memory is not None else None
    import trajlm

    try:
        with input_errors(input, "--input"):
            answer = trajlm.divert(df, orders, to=stops, memory=past, service_s=service_s, **cols)
    except UserError as e:  # a fault of the stops or the memory is that option's
        text = str(e)
        for field, option in (("to", f"--to-file {to_file}"), ("memory", f"--memory {memory}")):
            if f"field {field}: " in text:  # TrajlmInputError(field=...) leads with it
                io.fail(f"{option}: {text.split(f'field {field}: ', 1)[1]}")
        raise
    from trajlm.data.schema import LINE

    write_table(answer.drop(LINE, strict=False), out)
    first = answer.filter(answer["rank"] == 1) if hasattr(answer, "filter") else answer
    io.say(f"wrote {len(answer):,} rows to {out}: {len(first):,} order(s), each van ranked by "
           "its time there")  # fmt: skip
