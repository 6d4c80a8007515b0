"""`trajlm recover` and `trajlm travel-time`: the API's ``TrajLM.recover`` / ``travel_time`` on
a user's own file, read as `trajlm predict --input` reads it (trajlm/_cli_points.py).

    trajlm recover --input gaps.csv --model RUN --out filled.csv
    trajlm travel-time --input od.csv --model RUN --out times.csv

recover: rows whose lat / lon are empty are filled; the output is the input's rows and columns
(its names) plus ``recovered`` (true where filled). travel-time: one row per trip with origin
and destination columns (o_lat, o_lon, d_lat, d_lon or origin_lat ... destination_lon) and a
departure time (depart, departure, t_start or start_time: ISO text or Unix seconds); the
output is the input plus ``travel_time_s``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import (
    ON_ERROR_HELP,
    OVERWRITE_HELP,
    SPLIT_NAMES,
    THREADS_HELP,
    column_option,
    crs_option,
)
from trajlm.errors import TrajlmInputError

MODEL_HELP = (
    "Run directory or trajlm-small's name (travel-time: a multi-task model with "
    "infilling heads; recover: any, the bridge without them)."
)
# travel-time input columns: each role and the names it is found under (first match wins)
OD_NAMES = {
    "o_lat": ("o_lat", "origin_lat", "orig_lat", "start_lat", "from_lat"),
    "o_lon": (
        "o_lon",
        "o_lng",
        "origin_lon",
        "origin_lng",
        "orig_lon",
        "start_lon",
        "start_lng",
        "from_lon",
    ),  # Divvy / Citi Bike trip logs: start_lng, end_lng, started_at (newuser31)
    "d_lat": ("d_lat", "dest_lat", "destination_lat", "end_lat", "to_lat"),
    "d_lon": (
        "d_lon",
        "d_lng",
        "dest_lon",
        "destination_lon",
        "destination_lng",
        "end_lon",
        "end_lng",
        "to_lon",
    ),  # fmt: skip
    "depart": (
        "depart",
        "departure",
        "depart_time",
        "t_start",
        "start_time",
        "started_at",
        "starttime",
        "t",
    ),
}
# with --crs (projected or a local plane): the ends as x / y too (local37)
OD_PLANE_NAMES = {"o_lat": ("o_y", "origin_y", "start_y", "from_y"),
                  "o_lon": ("o_x", "origin_x", "start_x", "from_x"),
                  "d_lat": ("d_y", "dest_y", "destination_y", "end_y", "to_y"),
                  "d_lon": ("d_x", "dest_x", "destination_x", "end_x", "to_x")}  # fmt: skip


def _degrees(df, path: Path, lat: str, lon: str):
    """The (N, 2) float pairs of columns ``lat``, ``lon``; a value that is not a number is one
    line naming the column and the file line (before: a numpy ValueError, exit 1; badin35)."""
    import numpy as np
    import polars as pl

    from trajlm.data.schema import LINE

    for c in (lat, lon):
        as_float = pl.col(c).cast(pl.Float64, strict=False)
        bad = df.filter(pl.col(c).is_not_null() & as_float.is_null())
        if len(bad):
            at = f" at file line {bad[LINE][0]}" if LINE in bad.columns else ""
            io.fail(f"--input {path}: field {c}: {bad[c][0]!r}{at} is not a number; "
                    "coordinates are decimal degrees")  # fmt: skip
    return df.select(pl.col(lat, lon).cast(pl.Float64, strict=False)).to_numpy().astype(np.float64)


def _to_degrees(pairs, crs: str):
    """(N, 2) (y, x) pairs in ``crs`` (northing / easting, or a local plane's metres) as
    (lat, lon) degrees; a CRS that is none is one line naming --crs."""
    import numpy as np

    from trajlm.data import geo

    if why := geo.crs_refusal(crs):
        io.fail(f"--crs {crs}: {why}")
    lat, lon = geo.to_wgs84(pairs[:, 1], pairs[:, 0], crs)
    return np.column_stack([lat, lon])


def _one_time_kind(df, path: Path, col: str) -> None:
    """A text column of departures that mixes Unix seconds and ISO times is one line saying so
    (before: "do not parse as ISO dates (e.g. '1710099497')": it reads as one kind; badin35)."""
    import polars as pl

    from trajlm.data.schema import LINE

    if df[col].dtype != pl.String:
        return
    number = pl.col(col).str.strip_chars().str.contains(r"^[+-]?\d+(\.\d*)?$")
    nums, texts = df.filter(number), df.filter(~number & pl.col(col).is_not_null())
    if len(nums) and len(texts):
        at = lambda f: f" (file line {f[LINE][0]})" if LINE in f.columns else ""  # noqa: E731
        io.fail(
            f"--input {path}: field {col} mixes Unix seconds ({nums[col][0]!r}{at(nums)}) "
            f"and time text ({texts[col][0]!r}{at(texts)}); give every departure one way"
        )


def load_cli_model(model: Path, task: str, threads: int | None):
    """TrajLM.from_pretrained with the CLI's errors (the option named; no infilling heads)."""
    from trajlm.api import TrajLM
    from trajlm.model.weights import CONFIG_NAME, SHIPPED_DIR

    if not (SHIPPED_DIR / str(model) / CONFIG_NAME).is_file() or model.exists():
        io.must_exist(model, "--model")
    try:
        m = TrajLM.from_pretrained(model, threads=threads)
    except FileNotFoundError as e:
        io.fail(f"--model {e}")
    if task not in m.tasks:
        io.fail(f"--model {model} cannot {task.replace('_', ' ')} (it does: "
                f"{', '.join(m.tasks)}); it needs a multi-task checkpoint with the infilling "
                "heads (train one on configs/multitask.toml; its config.json has "
                '"infill_heads": true)')  # fmt: skip
    return m


def write_table(df: Any, out: Path) -> None:
    """``df`` (Polars or pandas) to ``out``: Parquet by its suffix, else CSV."""
    import polars as pl

    df = df if isinstance(df, pl.DataFrame) else pl.from_pandas(df)
    if out.suffix.lower() == ".parquet":
        df.write_parquet(out)
    else:
        df.write_csv(out)


def _texts_as_input(df, filled):
    """The input's time text back as the input wrote it: the API returns times as datetimes,
    which a CSV then wrote as `2025-03-06T02:12:38.000000+0000` for the input's
    `2025-03-06T02:12:38+00:00` (session 14, cliuser item 11). Only where the rows are the
    input's, in its order (same length, and each text column that became a datetime parses to
    exactly the output's instants); else the output is left as it is."""
    import polars as pl

    if not isinstance(filled, pl.DataFrame) or len(filled) != len(df):
        return filled
    for c in [c for c in df.columns if c in filled.columns and df[c].dtype == pl.Utf8
              and isinstance(filled[c].dtype, pl.Datetime)]:  # fmt: skip
        try:
            parsed = df[c].str.to_datetime(time_zone="UTC", time_unit="us")
        except (pl.exceptions.PolarsError, ValueError):
            continue
        got = filled[c].dt.convert_time_zone("UTC") if filled[c].dtype.time_zone else None
        if got is not None and parsed.cast(pl.Int64).equals(
            got.dt.cast_time_unit("us").cast(pl.Int64)
        ):
            filled = filled.with_columns(df[c])
    return filled


def _gap_rule_checked(m: Any, model: Path, gap_rule: str, mode: str) -> None:
    """--gap-rule refused in the CLI's words before the input is read (badin29: a run without
    the table of interpolation errors said "--input FILE: field gap_rule: gap_rule='lengths'
    ... leave gap_rule out", blaming the input in the Python keyword's words)."""
    from trajlm.api_verdict import check_gap_rule

    try:
        if getattr(m, "config", None) is None:  # a route-recovery model refuses any gap rule
            m.recover(None, gap_rule=gap_rule)  # (before it reads its input)
        infill = getattr(m.model, "infill_head", None) is not None
        check_gap_rule(m, gap_rule, not infill or mode == "bridge", True)
    except TrajlmInputError as e:
        text = str(e.args[0]).removeprefix("field gap_rule: ").removeprefix("gap_rule: ")
        for python, option in (("gap_rule=", "--gap-rule "), ("gap_rule", "--gap-rule"),
                               ("mode='bridge'", "--mode bridge")):  # fmt: skip
            text = text.replace(python, option)
        io.fail(text.replace("this in-memory model", f"--model {model}"))


def _radii_option(radii: str | None) -> list[int] | None:
    """``--radii 50,90`` as levels, or one line (as `trajlm predict --radii`)."""
    if radii is None:
        return None
    try:
        levels = [int(x) for x in radii.split(",") if x.strip()]
    except ValueError:
        io.fail(f"--radii {radii!r}: expected whole percentages like 50,90")
    from trajlm.eval.spread_radii import RADIUS_FACTORS

    if not levels or [lv for lv in levels if lv not in RADIUS_FACTORS]:
        io.fail(f"--radii {radii!r}: name levels from {', '.join(map(str, RADIUS_FACTORS))}, "
                "e.g. --radii 50,90")  # fmt: skip
    return levels


def _plane_store(input: Path, df, cols: dict):
    """A `--crs local` store's points as the x / y metres they were given, read back with
    crs="local", so answers come in x / y (local36: the stand-in 1 N 1 E was written)."""
    from trajlm.data.local_plane import as_plane_columns, store_crs

    if not (input.is_dir() and store_crs(input) == "local"):
        return df, cols
    return as_plane_columns(df), cols | {"crs": "local", "lat_col": "y", "lon_col": "x"}


def recover(
    model: Path = typer.Option(..., "--model", help=MODEL_HELP),
    input: Path = typer.Option(
        ..., "--input", help="Points with gaps (empty lat/lon): store dir, CSV, Parquet, GPX..."
    ),
    out: Path = typer.Option(Path("recovered.csv"), "--out", help="The input plus `recovered`."),
    mode: str = typer.Option(
        "inplace",
        help="inplace (one pass) | span (gap by gap) | bridge (forward + backward "
        "rollouts; what a model without infilling heads always uses).",
    ),
    split: str = typer.Option("test", help="Split to read when --input is a store."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
    crs: str = typer.Option(
        None,
        "--crs",
        help="--input table: CRS of projected coordinates (EPSG:32629; --lat-col = northing); "
        "the filled positions are written in it too.",
    ),
    on_error: str = typer.Option("raise", "--on-error", help=ON_ERROR_HELP),
    every: str = typer.Option(
        None,
        "--every",
        help="Also fill skipped fixes: a row at each multiple of this interval (UTC clock) "
        "inside the gaps, e.g. 1h, 30min, 600 (seconds).",
    ),
    radii: str = typer.Option(
        None,
        "--radii",
        help="Also write std_m and r50_m / r90_m / r95_m per recovered row: circles (m) that "
        "held 50 / 90 / 95 % of val's hidden points in that kind of gap; e.g. --radii 50,90.",
    ),
    gap_rule: str = typer.Option(
        None,
        "--gap-rule",
        help="Which interpolation the bridge falls back to: backtest (the default: the call's "
        "own), lengths (one for the call) or 'lengths per gap', by the gaps' lengths from the "
        "run's saved val check (docs/recovery.md, Session 28).",
    ),
) -> None:
    """Fill the missing positions of each input trajectory (TrajLM.recover): rows with empty
    lat/lon between known points (--every: rows at a regular interval too). The output keeps
    the input's rows and column names."""
    from trajlm._cli_points import input_errors, read_frame
    from trajlm.cli_predict_words import said as _said
    from trajlm.data.schema import LINE

    io.choice(split, SPLIT_NAMES, "--split")
    io.choice(on_error, ("raise", "skip"), "--on-error")
    io.choice(mode, ("inplace", "span", "bridge"), "--mode")
    if gap_rule is not None:
        from trajlm.tasks.fallback_gap import PICKS

        io.choice(gap_rule, PICKS, "--gap-rule")
    levels = _radii_option(radii)
    io.suffix(out, (".csv", ".parquet"), "--out")
    io.outputs({"--out": out}, [input, model], overwrite)
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    io.on_plane(input, crs, "--input")  # --crs on a store: refused, not ignored (local37)
    cols = {k: v for k, v in cols.items() if v is not None}
    df = read_frame(input, "--input", split, cols, on_error)
    df, cols = _plane_store(input, df, cols)
    m = load_cli_model(model, "recover", threads)
    if mode == "span" and getattr(m.model, "infill_head", None) is None:
        io.fail(
            f"--mode span decodes with infilling heads, which --model {model} has not; "
            "--mode inplace (the default) recovers with the bridge of its forward rollouts"
        )
    if gap_rule is not None:
        _gap_rule_checked(m, model, gap_rule, mode)
    with input_errors(input, "--input", on_error):
        asked = {"radii": levels} if levels else {}
        asked |= {"gap_rule": gap_rule} if gap_rule is not None else {}
        filled = _said(lambda: m.recover(df, mode=mode, every=every, **asked, **cols),
                       f"--input {input}")  # fmt: skip
    filled = _texts_as_input(df, filled.drop(LINE, strict=False))
    if out.suffix.lower() == ".csv":  # 1e-7 degree / mm, as `trajlm predict` (leftover30)
        from trajlm.cli_predict_output import csv_positions
        from trajlm.data.coerce import layout_of

        where = layout_of(df, **cols)
        filled = csv_positions(filled, (where.lat_col, where.lon_col), where.crs)
    write_table(filled, out)
    n = int(filled["recovered"].sum())
    added = f" ({len(filled) - len(df):,} rows added at --every {every})" if every else ""
    held = getattr(m, "last_held_gaps", 0)  # gaps at a standstill kept still (session 29)
    stood = f"; {held:,} parked gap{'s' if held != 1 else ''} held" if held else ""
    io.say(f"wrote {len(filled):,} rows to {out}: {n:,} positions recovered (column recovered)"
           + added + stood)  # fmt: skip


def travel_time(
    model: Path = typer.Option(..., "--model", help=MODEL_HELP),
    input: Path = typer.Option(
        ..., "--input", help="Trips, one a row: CSV or Parquet with origin, destination, depart."
    ),
    out: Path = typer.Option(Path("travel_times.csv"), "--out", help="Input + travel_time_s."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    crs: str = crs_option(answers="o_x / o_y / d_x / d_y name the ends too"),
) -> None:
    """Predicted trip durations (TrajLM.travel_time) for each row of --input: columns o_lat,
    o_lon, d_lat, d_lon (or origin_lat ... destination_lon; with --crs o_y, o_x, d_y, d_x) and
    depart (ISO time or Unix s)."""
    import numpy as np
    import polars as pl

    from trajlm._cli_points import input_errors, read_frame
    from trajlm.cli_predict_words import said as _said
    from trajlm.data.geo import is_local as geo_is_local
    from trajlm.data.schema import LINE
    from trajlm.model.coverage import refuse_plane_on_degree_model
    from trajlm.model.coverage_card import load_coverage

    io.suffix(input, (".csv", ".parquet"), "--input")
    io.suffix(out, (".csv", ".parquet"), "--out")
    io.outputs({"--out": out}, [input, model], overwrite)
    df = read_frame(input, "--input")
    lower = {c.lower(): c for c in df.columns}
    od_names = {r: n + OD_PLANE_NAMES.get(r, ()) if crs else n for r, n in OD_NAMES.items()}
    found = {
        r: next((lower[n] for n in names if n in lower), None) for r, names in od_names.items()
    }
    twice = {r: [lower[n] for n in names if n in lower] for r, names in od_names.items()}
    twice = {r: c for r, c in twice.items() if len(c) > 1}
    if twice:  # before: the first name won, silently, the other family unread (badin35)
        r, cols = next(iter(twice.items()))
        io.fail(f"--input {input}: columns {', '.join(cols)} all name {r}; keep one of them")
    missing = [r for r, c in found.items() if c is None]
    if missing:
        plane = not crs and any(n in lower for r in missing for n in OD_PLANE_NAMES.get(r, ()))
        io.fail(f"--input {input}: no column for {', '.join(missing)} (columns: "
                f"{', '.join(c for c in df.columns if c != LINE)}); name them "
                + "; ".join(f"{r}: {' / '.join(od_names[r][:3])}" for r in missing)
                + ("; x / y columns are read with --crs (local: metres on a plane)"
                   if plane else ""))  # fmt: skip
    if len(df) == 0:
        io.fail(f"--input {input}: no trips (the table is empty)")
    o, d = (_degrees(df, input, found[f"{e}_lat"], found[f"{e}_lon"]) for e in "od")
    if crs is not None:  # x / y in the --crs: the model's degrees (a local plane's stand-in)
        o, d = _to_degrees(o, crs), _to_degrees(d, crs)
    _one_time_kind(df, input, found["depart"])
    m = load_cli_model(model, "travel_time", threads)
    if crs is not None and geo_is_local(crs):  # fix40c: degrees as --crs local got 1.3e-126 s
        with input_errors(input, "--input"):
            refuse_plane_on_degree_model(load_coverage(getattr(m, "model", m)) or {}, np.r_[o[:, 0], d[:, 0]],
                                         np.r_[o[:, 1], d[:, 1]], "--crs local")  # fmt: skip
    with input_errors(input, "--input"):
        secs = _said(lambda: m.travel_time(o, d, df[found["depart"]]), f"--input {input}")
    write_table(df.drop(LINE, strict=False).with_columns(travel_time_s=pl.Series(secs)), out)
    # which engine answered, as Python's Durations.engine says it (newuser30: gradient boosting
    # answered a vessel's ETA by the run's val verdict, and the CLI said nothing)
    engine = getattr(secs, "engine", "model")
    by = "" if engine == "model" else f"; answered by {engine}, the run's val verdict"
    io.say(f"wrote {len(df):,} travel times to {out} (column travel_time_s, seconds{by})")
