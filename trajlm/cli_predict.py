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
from trajlm.cli_predict_steps import (  # its steps, in the order it takes them (review39c)
    asked_ahead,
    chosen_trajectories,
    radii_levels,
    radii_on_val,
    read_input,
    write_answers,
)
from trajlm.cli_predict_words import cli_words, mix_said, motion_note  # noqa: F401 (importable here)

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
    io.choice(split, (*SPLIT_NAMES, "all"), "--split")
    io.choice(on_error, ("raise", "skip"), "--on-error")
    ahead = asked_ahead(steps, seconds_ahead, at_times, tz, utc_offset, input)
    levels = radii_levels(radii)
    io.suffix(out, (".csv", ".parquet", ".geojson", ".json"), "--out")
    io.suffix(plot, (".png", ".pdf", ".svg", ".jpg"), "--plot")
    io.outputs({"--out": out, "--plot": plot}, [input, model], overwrite)
    sub_second = trained_sub_second(model)  # a 0.4-s run reads its input's every fix (fix39b)
    df, layout, origin = read_input(input, split, on_error, traj_col, time_col, lat_col, lon_col,
                                    crs, time_origin, time_format, tz, utc_offset,
                                    sub_second=sub_second)  # fmt: skip
    df, owners, truth = chosen_trajectories(df, layout, input, latest, limit, holdout)
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
        pred = radii_on_val(pred, levels, model, df, layout, fixes, threads, hold_stays)
    shown = write_answers(pred, df, layout, owners, out, origin, time_origin, overwrite)
    if plot:
        from trajlm.viz import plot_predictions

        io.say(f"wrote {plot_predictions(df, shown, plot, truth=truth)}")
