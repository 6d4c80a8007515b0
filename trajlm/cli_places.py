"""`trajlm places` and `trajlm next-place`: a mover's stay places and its probable next places,
``trajlm.places`` / ``trajlm.next_place`` on a user's own file (session 32, next32).

    trajlm places --input gps.csv --traj-col participant_id --out places.csv
    trajlm next-place --input gps.csv --traj-col participant_id --k 3 --out next.csv

No model: both are read off the fixes (trajlm/data/places.py, trajlm/data/next_place.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import OVERWRITE_HELP, SPLIT_NAMES, column_option, crs_option

INPUT_HELP = "Each mover's fixes: store dir, CSV, Parquet, GPX, PLT or MF-JSON."
RADIUS_HELP = (
    "Stays within this many metres of one another are one place (default 250; a --crs local "
    "store: required)."
)
STOP_HELP = (
    "A stay lasts at least this many minutes (default 10; a van's deliveries: 2; a --crs "
    "local store: required)."
)


def answer_on_file(call: Callable[..., Any], input: Path, out: Path, split: str, overwrite: bool,
                   cols: dict, **kw: Any) -> Any:  # fmt: skip
    """Read --input, answer with ``call`` (a TrajlmInputError as one line naming the option),
    write --out; the answer."""
    from trajlm._cli_points import input_errors, read_frame
    from trajlm.cli_tasks import write_table

    io.choice(split, SPLIT_NAMES, "--split")
    io.positive(kw.get("radius_m"), "--radius-m")
    io.positive(kw.get("pseudo_count"), "--pseudo-count")
    io.positive(kw.get("stop_minutes"), "--stop-minutes")
    if kw.get("local_tz") is not None:
        from trajlm.data.next_place import check_tz
        from trajlm.errors import TrajlmInputError

        try:
            check_tz(kw["local_tz"])
        except TrajlmInputError:
            io.fail(
                f"--local-tz {kw['local_tz']!r}: give a time-zone name such as Europe/Amsterdam"
            )
    io.suffix(out, (".csv", ".parquet"), "--out")
    io.outputs({"--out": out}, [input], overwrite)
    io.on_plane(input, cols.get("crs"), "--input")  # --crs on a store: refused, not ignored
    # a store's own CRS given again (allowed above) reads as without it: the store's frame is
    # already its plane (badin38: its stand-in lat / lon were read as metres, refused)
    cols = {k: v for k, v in cols.items() if v is not None and not (k == "crs" and input.is_dir())}
    kw = on_plane(input, kw)
    if "stay_radius_m" in kw and "stay_radius_m" not in inspect.signature(call).parameters:
        del kw["stay_radius_m"]  # parked keeps its own box (badin38: every local store refused)
    df = read_frame(input, "--input", split, cols)
    with input_errors(input, "--input"):
        answer = call(df, **kw, **cols)
    from trajlm.data.local_plane import as_plane_columns, store_crs

    if input.is_dir() and store_crs(input) == "local":  # x / y metres, no place (newuser36)
        answer = as_plane_columns(answer, round_mm=True)
    write_table(answer, out)
    return answer


def on_plane(input: Path, kw: dict[str, Any]) -> dict[str, Any]:
    """The places options for ``input``: on a store of x / y metres on a plane (--crs local: a
    pitch, a warehouse), a city's defaults (places 250 m apart, stays of 10 min within 100 m)
    mean nothing, so --radius-m and --stop-minutes must be given, and a stay keeps within
    min(100 m, --radius-m) (sports37); elsewhere the defaults fill what was not given."""
    from trajlm.data.clean_split import STOP_RADIUS_M
    from trajlm.data.local_plane import store_crs
    from trajlm.data.places import PLACE_RADIUS_M, STOP_MINUTES

    if not (input.is_dir() and store_crs(input) == "local"):
        return {**kw, "radius_m": kw.get("radius_m") or PLACE_RADIUS_M,
                "stop_minutes": kw.get("stop_minutes") or STOP_MINUTES}  # fmt: skip
    if kw.get("radius_m") is None or kw.get("stop_minutes") is None:
        io.fail(
            f"--input {input}: a store of x / y metres on a plane (a pitch, a warehouse: read "
            f"as local), where a city's places ({PLACE_RADIUS_M:g} m apart, stays of "
            f"{STOP_MINUTES:g} min within {STOP_RADIUS_M:g} m) mean nothing: give --radius-m "
            "and --stop-minutes for it (forklift bays: --radius-m 5 --stop-minutes 2); a stay "
            "then keeps within min(100, --radius-m) m"
        )
    return {**kw, "stay_radius_m": min(STOP_RADIUS_M, kw["radius_m"])}


def places(
    input: Path = typer.Option(..., "--input", help=INPUT_HELP),
    out: Path = typer.Option(
        Path("places.csv"),
        "--out",
        help=".csv / .parquet: one row per "
        "(mover, place): id, place, lat, lon, visits, stay_s, "
        "first_arrival, last_departure.",
    ),  # fmt: skip
    radius_m: float = typer.Option(None, "--radius-m", help=RADIUS_HELP),
    stop_minutes: float = typer.Option(None, "--stop-minutes", help=STOP_HELP),
    split: str = typer.Option("test", help="Split to read when --input is a store."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
) -> None:
    """Each mover's places: its stays (--stop-minutes, default 10, within 100 m) clustered within --radius-m,
    numbered by time there (0: most)."""
    import trajlm

    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col)
    answer = answer_on_file(trajlm.places, input, out, split, overwrite, cols,
                            radius_m=radius_m, stop_minutes=stop_minutes)  # fmt: skip
    io.say(f"wrote {len(answer):,} places to {out}")


def next_place(
    input: Path = typer.Option(..., "--input", help=INPUT_HELP),
    out: Path = typer.Option(
        Path("next_place.csv"),
        "--out",
        help=".csv / .parquet: one row "
        "per (mover, rank): id, rank, place, lat, lon, probability, "
        "from_place, left_at.",
    ),  # fmt: skip
    k: int = typer.Option(3, "--k", min=1, help="How many places per mover, most probable first."),
    radius_m: float = typer.Option(None, "--radius-m", help=RADIUS_HELP),
    pseudo_count: float = typer.Option(
        30.0,
        "--pseudo-count",
        help="How many moves of the mover's own count as much as its place frequencies.",
    ),  # fmt: skip
    time_of_day: bool = typer.Option(
        False,
        "--time-of-day/--no-time-of-day",
        help="Count moves per weekday/weekend x 4-h slot too.",
    ),  # fmt: skip
    local_tz: str = typer.Option(None, "--local-tz", help="The clock of the slots (default UTC)."),
    stop_minutes: float = typer.Option(None, "--stop-minutes", help=STOP_HELP),
    split: str = typer.Option("test", help="Split to read when --input is a store."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
    crs: str = crs_option(),
) -> None:
    """Where each mover goes next after its last stay: its places ranked by a per-mover Markov
    chain backed off to its place frequencies (trajlm.next_place)."""
    import trajlm

    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    answer = answer_on_file(trajlm.next_place, input, out, split, overwrite, cols, k=k,
                            radius_m=radius_m, pseudo_count=pseudo_count,
                            time_of_day=time_of_day, local_tz=local_tz,
                            stop_minutes=stop_minutes)  # fmt: skip
    io.say(f"wrote {len(answer):,} rows to {out}")
