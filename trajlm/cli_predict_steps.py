"""`trajlm predict`'s steps in the order it takes them (review39c split the one 270-line
command into these, code moved unchanged): the asked times and radii checked, the input read and
its trajectories chosen, radii measured on val, the answers written in the input's names."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

from trajlm import _cli_io as io
from trajlm.cli_predict_output import output_names, times_like_input
from trajlm.cli_predict_words import cli_words
from trajlm.cli_predict_words import said as _said


def asked_ahead(
    steps: int, seconds_ahead: str | None, at_times: str | None, tz: str | None,
    utc_offset: float | None, input: Path,
) -> dict | None:  # fmt: skip
    """--seconds-ahead / --at-times as answer_points takes them (None: the next --steps points)."""
    from trajlm._cli_times import (
        NO_CLOCK,
        STORE_NO_CLOCK,
        at_times_clock,
        clock_note,
        parse_at_times,
        store_clock,
    )
    from trajlm.data.coerce_path import is_store_path

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
    return ahead


def radii_levels(radii: str | None) -> list[int] | None:
    """--radii's percentages, each one measured on val (None: no radii asked)."""
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
    return levels


def read_input(
    input: Path, split: str, on_error: str, traj_col: str | None, time_col: str | None,
    lat_col: str | None, lon_col: str | None, crs: str | None, time_origin: str | None,
    time_format: str | None, tz: str | None, utc_offset: float | None, sub_second: bool = False,
):  # fmt: skip
    """--input's points and layout (the user's names, times, pieces), its warnings said in the
    CLI's words, and --time-origin as seconds (None when not given). ``sub_second``: the model
    was trained on sub-second steps, so every fix is read (fix39b)."""
    from trajlm._arguments import with_gap_rule
    from trajlm._cli_points import read_points
    from trajlm._cli_times import parse_time_origin
    from trajlm.data.coerce_subsec import THINNED

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
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df, layout = read_points(input, "--input", split, cols, on_error, with_layout=True,
                                 time_origin=origin, time_format=time_format,
                                 time_format_option=True, zone=zone,
                                 sub_second=sub_second)  # fmt: skip
    for w in said:  # the cut's line names the CLI's option, not the API's keywords
        if not (sub_second and THINNED in str(w.message)):  # every_fix puts them back after
            io.warn(cli_words(str(w.message)))
    return df, layout, origin


def chosen_trajectories(df, layout, input: Path, latest: bool, limit: int | None, holdout: int):
    """The trajectories answered (--latest, --limit), each one's owner, and --holdout's hidden
    last points as truth (None without --holdout)."""
    import polars as pl

    from trajlm.data.coerce_pieces import latest_pieces, mover_owners

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
    return df, owners, truth


def radii_on_val(pred, levels: list[int], model: Path, df, layout, fixes, threads: int | None,
                 hold_stays: bool):  # fmt: skip
    """The model's answers with the radii that held each share of truths on val (tails21)."""
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
    return pred


def write_answers(pred, df, layout, owners, out: Path, origin, time_origin: str | None,
                  overwrite: bool):  # fmt: skip
    """The answers written to --out in the input's names, times and positions, said in one
    line; the answers as the plot draws them (pieces over the input's pieces) returned."""
    import polars as pl

    from trajlm.data import geo
    from trajlm.data.coerce_out import exact_times, with_source_ids  # leftovers15 items 1, 3
    from trajlm.data.coerce_pieces import pieces_back, with_owners
    from trajlm.data.coerce_shapes import point_for_file
    from trajlm.tasks.predict import write_points

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
    return shown
