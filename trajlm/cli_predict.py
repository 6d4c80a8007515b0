"""`trajlm predict`: the next points of every input trajectory, written with the input's names.

The output keeps the input's id and time column names (``vehicle``, ``timestamp`` in ->
``vehicle``, ``timestamp`` out) and its latitude / longitude names when it had WGS84 lat/lon
columns; a store, a GPX / PLT / MF-JSON file, a table already in trajlm's names (traj_id, t,
lat, lon) and projected (--crs) or GeoParquet input keep trajlm's. Times are written as the
input had them (ux7): ISO text like the input's, each trajectory's UTC offset kept; datetimes
in the input's zone; Unix ms / us / ns in that unit; Unix seconds (UTC) otherwise. Positions are
WGS84 degrees, or in the input's --crs under its x / y names (session 27, as `trajlm recover`).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import (
    ON_ERROR_TABLE_HELP,
    OVERWRITE_HELP,
    SPLIT_NAMES,
    THREADS_HELP,
    column_option,
)
from trajlm.cli_predict_answer import (  # the answers by path
    answer_points,
    engine_radii,
    every_fix,
    trained_sub_second,
)
from trajlm.cli_predict_output import output_names, times_like_input
from trajlm.cli_predict_words import cli_words, mix_said, motion_note  # noqa: F401 (importable here)
from trajlm.cli_predict_words import said as _said

OUT_HELP = (
    ".csv/.parquet/.geojson with the columns ID, step, TIME (as the input's: ISO text with its "
    "UTC offset, datetimes in its zone, Unix ms / us / ns, or Unix seconds), LAT, LON "
    "(WGS84; in the --crs for projected input), std_m: ID and TIME named as the input's id and "
    "time columns (e.g. vehicle, timestamp), LAT/LON as its latitude/longitude (or --crs x / y) "
    "columns (lat, lon for GeoParquet and GeoJSON output); a store or GPX/PLT/MF-JSON input "
    "gives traj_id, t, lat, lon."
)


def predict(
    model: Path = typer.Option(
        ..., "--model", help="Run directory (model.safetensors) or a candidate selector folder."
    ),
    input: Path = typer.Option(
        ..., "--input", help="History points: store dir, CSV, Parquet, GPX, PLT or MF-JSON."
    ),
    steps: int = typer.Option(5, "--steps", "-k", min=1),
    seconds_ahead: str = typer.Option(
        None,
        "--seconds-ahead",
        help="Positions at these seconds after each trajectory's last "
        "point, comma-separated (e.g. 30,60,300) instead of --steps: exact for a time_query "
        "model, the rollout interpolated otherwise.",
    ),  # fmt: skip
    at_times: str = typer.Option(
        None,
        "--at-times",
        help="Positions at these instants (ISO 8601 with a zone, without one on the --tz / "
        "--utc-offset clock, or Unix seconds), "
        "comma-separated or a file with one a line, instead of --steps: as "
        "TrajLM.predict(at_times=) and HTTP /predict's at_times.",
    ),  # fmt: skip
    out: Path = typer.Option(Path("predictions.csv"), "--out", help=OUT_HELP),
    plot: Path = typer.Option(None, "--plot", help="Write a PNG of history/truth/prediction."),
    holdout: int = typer.Option(
        0, min=0, help="Hide the last N points of each trajectory and draw them as truth."
    ),
    limit: int = typer.Option(None, min=1, help="Only the first N trajectories."),
    split: str = typer.Option(
        "test", help="Split to read when --input is a store: train | val | test | all."
    ),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    int8: bool = typer.Option(
        False,
        "--int8",
        help="int8 dynamic quantization of the transformer blocks (CPU; ~4x smaller; the "
        "speed-up grows with the model: ~1.1x for trajlm-small, 1.97x at d_model 128, "
        "docs/ablations.md).",
    ),
    traj_col: str = column_option("traj_col"),
    time_col: str = column_option("time_col"),
    lat_col: str = column_option("lat_col"),
    lon_col: str = column_option("lon_col"),
    crs: str = typer.Option(
        None,
        "--crs",
        help="--input table: CRS of projected coordinates (EPSG:32629; "
        "--lat-col = northing; local: x / y metres on a plane); predictions are written in it too, under the input's names "
        "(as `trajlm recover --crs`).",
    ),  # fmt: skip
    latest: bool = typer.Option(
        False,
        "--latest",
        help="A table keyed by a vehicle / user / device id is cut at gaps into pieces (a "
        "van's days), each predicted past its own end: --latest predicts each id's latest "
        "piece only (one answer per vehicle); trips keyed by a trip id with a vehicle / user "
        "id column beside them (ride_id + scooter_id): each vehicle's trip that ends last.",
    ),
    on_error: str = typer.Option("raise", "--on-error", help=ON_ERROR_TABLE_HELP),
    radii: str = typer.Option(
        None,
        "--radii",
        help="Also write r50_m / r90_m / r95_m: radii (m) that held 50 / 90 / 95 % of truths on "
        "val (std_m is a Gaussian sigma matched at 2 std_m); e.g. --radii 50,90.",
    ),
    fallback: bool = typer.Option(
        True,
        "--fallback/--no-fallback",
        help="A run `trajlm train` saved a prediction verdict with: its val winner (the model or "
        "the best baseline on val: kNN, place-aware kNN, linear-3, the [time] ones) answers --steps "
        "and --seconds-ahead, named in an `engine` column. "
        "--no-fallback: the model alone.",
    ),
    time_format: str = typer.Option(
        None,
        "--time-format",
        help=io.TIME_FORMAT_HELP.replace("csv/parquet:", "--input table:", 1)
        + " The table is read as `trajlm data ingest --time-format` reads it; predictions "
        "come back in trajlm's names, t in Unix seconds.",
    ),
    time_origin: str = typer.Option(
        None,
        "--time-origin",
        help="--input table: times are seconds elapsed since this instant (2020-01-01T00:00Z, "
        "as `trajlm data ingest --time-origin`); predicted times are written the same way.",
    ),
    tz: str = typer.Option(
        None,
        "--tz",
        help="--input file: times without a zone are local in this IANA zone (America/Chicago; "
        "daylight saving included), as `trajlm data ingest --tz` reads them; predictions come "
        "back in trajlm's names, t in Unix seconds.",
    ),
    utc_offset: float = typer.Option(
        None,
        "--utc-offset",
        help="--input file: times without a zone are local, this many hours ahead of UTC (-6, "
        "5.5), as `trajlm data ingest --utc-offset` reads them.",
    ),
    hold_stays: bool = typer.Option(
        True,
        "--hold-stays/--no-hold-stays",
        help="A history ending in a stay (10+ min within 100 m plus each fix's stated accuracy: "
        "a phone at home) is answered at the stay's median, engine 'stay', said once; "
        "--no-hold-stays: the model's (or engine's) own rollout.",
    ),
) -> None:
    """Predict the next K points of each input trajectory (with uncertainty). The output keeps
    the input's id / time (and lat / lon) column names; see --out."""
    import polars as pl

    from trajlm._arguments import with_gap_rule
    from trajlm._cli_points import read_points
    from trajlm._cli_times import (
        NO_CLOCK,
        STORE_NO_CLOCK,
        at_times_clock,
        clock_note,
        parse_at_times,
        parse_time_origin,
        store_clock,
    )
    from trajlm.data import geo
    from trajlm.data.coerce_path import is_store_path
    from trajlm.data.coerce_pieces import latest_pieces, mover_owners, with_owners
    from trajlm.data.coerce_subsec import THINNED
    from trajlm.tasks.predict import write_points

    io.choice(split, (*SPLIT_NAMES, "all"), "--split")
    io.choice(on_error, ("raise", "skip"), "--on-error")
    ahead = None
    if seconds_ahead is not None:
        try:
            ahead = [float(x) for x in seconds_ahead.split(",") if x.strip()]
        except ValueError:
            io.fail(f"--seconds-ahead {seconds_ahead!r}: expected numbers like 30,60,300")
        if steps != 5:  # badin25: --steps 3 beside --seconds-ahead was dropped without a word
            io.fail(f"--steps {steps} and --seconds-ahead: give one (the positions at the seconds "
                    "asked, or the next --steps points)")  # fmt: skip
        ahead = {"seconds_ahead": ahead}
    if at_times is not None:  # vessel30: Python and HTTP had at_times, the CLI had not
        if ahead is not None or steps != 5:
            io.fail("--at-times with --seconds-ahead or --steps: give one")
        offset_s = (
            None if utc_offset is None or not math.isfinite(utc_offset) else utc_offset * 3600
        )
        clock = at_times_clock(tz, None if offset_s is None else int(round(offset_s)))
        on_store = is_store_path(input)  # (--tz on a store: refused)
        if clock is None and on_store:
            clock = store_clock(input)  # the store's own (--tz at ingest), as TrajLM.predict
        no_clock = STORE_NO_CLOCK if on_store else NO_CLOCK
        ahead = {"at_times": parse_at_times(at_times, clock, no_clock)}
        if clock is not None and (note := clock_note(at_times, clock)):  # leftover37
            io.say(f"note: {note}")
    levels = None
    if radii is not None:
        try:
            levels = [int(x) for x in radii.split(",") if x.strip()]
        except ValueError:
            io.fail(f"--radii {radii!r}: expected whole percentages like 50,90")
        if not levels:  # badin21: `--radii ""` wrote no radii without a word
            io.fail(f"--radii {radii!r}: name the levels, e.g. --radii 50,90")
        from trajlm.eval.spread_radii import RADIUS_FACTORS

        if bad := [lv for lv in levels if lv not in RADIUS_FACTORS]:
            io.fail(f"--radii {radii}: {bad[0]} is not one of {', '.join(map(str, RADIUS_FACTORS))} "
                    "(the radii are measured on val, not assumed from a Gaussian)")  # fmt: skip
    io.suffix(out, (".csv", ".parquet", ".geojson", ".json"), "--out")
    io.suffix(plot, (".png", ".pdf", ".svg", ".jpg"), "--plot")
    io.outputs({"--out": out, "--plot": plot}, [input, model], overwrite)
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    io.on_plane(input, crs, "--input")  # --crs on a store: refused, not ignored (local37)
    cols = with_gap_rule(cols)  # a vehicle's days cut into trips, as TrajLM.predict (vehicles21)
    split = None if split == "all" else split  # every trajectory of the store
    origin = parse_time_origin(time_origin)
    if origin is not None and input.is_dir():
        io.fail(f"--time-origin: --input {input} is a store (its times are absolute already)")
    if utc_offset is not None and not math.isfinite(utc_offset):
        io.fail(f"--utc-offset must be a number of hours ahead of UTC (-6, 5.5), got {utc_offset}")
    zone = {"tz": tz, "utc_offset_s": None if utc_offset is None else int(round(utc_offset * 3600))}
    sub_second = trained_sub_second(model)  # a 0.4-s run reads its input's every fix (fix39b)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df, layout = read_points(input, "--input", split, cols, on_error, with_layout=True,
                                 time_origin=origin, time_format=time_format,
                                 time_format_option=True, zone=zone,
                                 sub_second=sub_second)  # fmt: skip
    for w in said:  # the cut's line names the CLI's option, not the API's keywords
        if not (sub_second and THINNED in str(w.message)):  # every_fix puts them back below
            io.warn(cli_words(str(w.message)))
    if latest:  # one answer per vehicle: its latest piece (newuser27)
        df = latest_pieces(df, layout)
    owners = mover_owners(df)  # each answer names its bus (fix31; every call: leftover32)
    if limit:
        keep = df["traj_id"].unique(maintain_order=True).head(limit)
        df = df.filter(pl.col("traj_id").is_in(keep.implode()))
    truth = None
    if holdout:
        rank = pl.int_range(pl.len()).reverse().over("traj_id")
        df = df.filter(pl.len().over("traj_id") > holdout + 2)
        if len(df) == 0:
            io.fail(
                f"--holdout {holdout}: no trajectory of {input} has more than {holdout + 2} points"
            )
        truth = df.filter(rank < holdout)
        df = df.filter(rank >= holdout)
    fixes = every_fix(df, layout)  # fixes under a second apart: as the API reads them
    # radii: the model's own (--radii), unless the verdict's engine saved its own (uncert26)
    from trajlm.eval.saved_kind import is_selector_dir

    # a selector's engine answers with its own too, or says in one line why not (uncert27)
    own = levels is not None and (is_selector_dir(model) or fallback and engine_radii(model))
    pred = answer_points(
        model,
        df,
        steps,
        ahead,
        int8,
        threads,
        f"--input {input}",
        layout.frac,
        fixes,
        fallback=fallback and (levels is None or own),
        radii=levels if own else None,
        hold=hold_stays,
    )
    if levels is not None and not own:  # session 21 (tails21): radii that held a share on val
        from trajlm.api_rollout import exact_times as fix_times
        from trajlm.eval.radii_bins import cli_bins
        from trajlm.eval.spread_radii import with_radii

        hist = fix_times(df, layout.frac) if fixes is None else fixes  # as answer_points reads it
        bins, backtester = cli_bins(model), None
        if getattr(bins, "scale", None) is not None:  # radii23: each history's own backtest
            from trajlm.api import TrajLM

            backtester = TrajLM(io.load_model(model), threads=threads)
        pred = with_radii(pred, levels, bins=bins, history=hist, predictor=backtester)
        if hold_stays:  # a held stay's radii are its own (stays32), not the model's
            from trajlm.api_stays import drop_poor_fixes, held_at_stays

            pred = held_at_stays(pred, _said(lambda: drop_poor_fixes(hist), None))[0]
    from trajlm.data.coerce_out import exact_times, with_source_ids  # leftovers15 items 1, 3
    from trajlm.data.coerce_pieces import pieces_back
    from trajlm.data.coerce_shapes import point_for_file

    pred = with_owners(pred, owners)
    shown = pred  # the plot draws pieces over the input's pieces
    pred = with_source_ids(exact_times(pred, layout), df)  # the user's own ids beside traj_id
    pred = pieces_back(pred, layout)  # a vehicle's pieces: its own id, then `piece` (as the API)
    timed, how = times_like_input(pred, layout, out.suffix.lower())
    if origin is not None:  # back to the input's elapsed seconds
        timed = timed.with_columns(pl.col("t") - origin)
        how = f"in seconds since --time-origin {time_origin}"
    suffix_geo = out.suffix.lower() in (".geojson", ".json") or layout.kind == "geopandas"
    named = output_names(timed, layout, positions=not suffix_geo, csv=out.suffix.lower() == ".csv")
    t, lat, lon = (named.columns[pred.columns.index(c)] for c in ("t", "lat", "lon"))
    named, point = point_for_file(named, layout, out.suffix.lower())
    write_points(named, out, overwrite=overwrite)
    crs_said = (
        "WGS84" if geo.is_wgs84(layout.crs) or suffix_geo else f"in {geo.crs_name(layout.crs)}"
    )
    where = f"{lat}/{lon} {crs_said}" if point is None else point
    io.say(f"wrote {len(pred):,} predicted points to {out}: columns {', '.join(named.columns)} "
           f"(named as the input's; {t} {how}, {where})")  # fmt: skip
    if plot:
        from trajlm.viz import plot_predictions

        io.say(f"wrote {plot_predictions(df, shown, plot, truth=truth)}")
