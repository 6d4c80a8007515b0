"""`trajlm anomalies`: score every trajectory of a store or file, explain the worst ones.

    trajlm anomalies --model runs/synth --data stores/synth --split test --out anomalies.csv

The detector (trajlm/reason/anomaly.py) is calibrated on normal trajectories: the --data
store's val split by default (--calibrate-on another split, or a store / file of normal
trajectories), or a calibration saved before (--calibration FILE.json, written by
--save-calibration). Registered in trajlm/cli.py.
"""

from __future__ import annotations

from pathlib import Path

import typer

from trajlm._cli_io import column_option, crs_option

SPLITS = ("train", "val", "test")


def anomalies(
    model: Path = typer.Option(..., "--model", help="Run directory of a trained model."),
    data: Path = typer.Option(..., "--data", help="Store directory, CSV or Parquet to score."),
    out: Path = typer.Option(..., "--out", help="Per-trajectory table: .csv or .parquet."),
    split: str = typer.Option("test", help="Split to score when --data is a store."),
    calibrate_on: str = typer.Option(
        "val", "--calibrate-on", help="Normal data: a split of --data, or a store / file."
    ),
    calibration: Path = typer.Option(
        None, "--calibration", help="A calibration JSON from --save-calibration (no refit)."
    ),
    save_calibration: Path = typer.Option(
        None, "--save-calibration", help="Write the fitted calibration here (.json)."
    ),
    alpha: float = typer.Option(0.01, help="Flag trajectories with p-value below this."),
    score: str = typer.Option(
        "rollout+z2+dwell",
        help="Evidence: rollout, nll, z2, rollout+dwell, rollout+z2+dwell (best on val: docs/anomalies.md).",
    ),
    top: int = typer.Option(10, min=0, help="Print this many of the highest scores."),
    limit: int = typer.Option(None, min=1, help="Only the first N trajectories."),
    overwrite: bool = typer.Option(False, help="Replace existing outputs (never an input)."),
    threads: int = typer.Option(None, min=1, help="Torch CPU threads."),
    traj_col: str = column_option("traj_col", "CSV / Parquet"),
    time_col: str = column_option("time_col", "CSV / Parquet"),
    lat_col: str = column_option("lat_col", "CSV / Parquet"),
    lon_col: str = column_option("lon_col", "CSV / Parquet"),
    crs: str = crs_option("CSV / Parquet", "segments and sentences come back in its x / y"),
) -> None:
    """Anomaly scores (the model's own likelihood, calibrated on normal data) with explanations."""
    import polars as pl
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from trajlm import _cli_io as io
    from trajlm import _cli_points as points
    from trajlm._safety import UserError
    from trajlm._threads import apply_threads
    from trajlm.reason.anomaly import SCORES, AnomalyDetector

    io.choice(split, SPLITS, "--split")
    io.choice(score, SCORES, "--score")
    io.positive(alpha, "--alpha", upper=0.999)
    io.suffix(out, (".csv", ".parquet"), "--out")
    io.suffix(save_calibration, (".json",), "--save-calibration")
    io.outputs({"--out": out, "--save-calibration": save_calibration}, [data, model], overwrite)
    m = io.load_model(model)
    if m.config.head != "gaussian":
        raise UserError(f"--model {model}: anomaly scores need the Gaussian head (head = "
                        f"'gaussian'); this model has head = {m.config.head!r}")  # fmt: skip
    apply_threads(threads, m.num_params())
    # the same column names for --data and a --calibrate-on file (session 14: none could be named)
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    local = io.on_plane(data, crs, "--data")  # x / y metres: segments, sentences (local36/37)
    df = points.read_points(data, "--data", split, cols)
    if limit:
        df = df.filter(pl.col("traj_id").is_in(df["traj_id"].unique(maintain_order=True)
                                                .head(limit).implode()))  # fmt: skip
    if calibration is not None:
        io.must_exist(calibration, "--calibration")
        det = AnomalyDetector.load(m, calibration)
        det.config.alpha = alpha
    else:
        normal = _normal(data, calibrate_on, split, cols)
        det = AnomalyDetector(m, alpha=alpha, score=score).fit(normal)
    if save_calibration is not None:
        det.save(save_calibration)
    table = det.score(df, local=local)
    if data.is_dir():  # a vessel's pieces may sit in different splits: find its gaps in all
        table = _dark_across_splits(table, data, local)
    if out.suffix.lower() == ".csv":
        table.write_csv(out)
    else:
        table.write_parquet(out)
    console = Console(emoji=False)
    n_flag = int(table["is_anomaly"].sum())
    console.print(f"scored {len(table):,} trajectories of {data}: {n_flag:,} with p < {alpha:g}; "
                  f"wrote {out}", markup=False, highlight=False, soft_wrap=True)  # fmt: skip
    if top:
        t = Table(title=f"top {min(top, len(table))} by score")
        for c in ("traj_id", "score", "p_value", "explanation"):
            t.add_column(c, overflow="fold")
        for r in table.head(top).iter_rows(named=True):
            t.add_row(escape(str(r["traj_id"])), f"{r['score']:.1f}", f"{r['p_value']:.3g}",
                      escape(r["explanation"]))  # fmt: skip
        console.print(t)
    dark = table.filter(pl.col("dark_gap_s").is_not_null()).sort("dark_gap_s", descending=True)
    if len(dark):  # reporting gaps while under way (between pieces or inside one)
        console.print(f"went dark: {len(dark):,} reporting gap(s) while under way (kind "
                      "went_dark, column dark_gap_s); the longest:", markup=False,
                      highlight=False, soft_wrap=True)  # fmt: skip
        for r in dark.head(3).iter_rows(named=True):
            said = r["explanation"][r["explanation"].find("went dark") :]
            console.print(f"  {r['traj_id']}: {said}", markup=False, highlight=False,
                          soft_wrap=True)  # fmt: skip


def _normal(data: Path, calibrate_on: str, split: str, cols: dict | None = None):
    """The normal trajectories to calibrate on: a split of the --data store, or a path."""
    from trajlm import _cli_io as io
    from trajlm import _cli_points as points
    from trajlm._safety import UserError

    if calibrate_on in SPLITS:
        if not data.is_dir():
            raise UserError(
                f"--calibrate-on {calibrate_on}: --data {data} is a file, not a store with "
                "splits; give --calibrate-on STORE_OR_FILE of normal trajectories, or "
                "--calibration FILE.json"
            )
        if calibrate_on == split:
            raise UserError(f"--calibrate-on {calibrate_on} is the split being scored "
                            f"(--split {split}); calibrate on normal data you do not score")  # fmt: skip
        return points.read_points(data, "--data", calibrate_on, cols)
    path = Path(calibrate_on)
    io.must_exist(path, "--calibrate-on")
    return points.read_points(path, "--calibrate-on", "val", cols)


def _dark_across_splits(table, data: Path, local: bool = False):
    """``table`` with the "went dark" gaps (anomaly_gaps.with_dark_gaps) found among all of
    the store's points, for the rows whose next piece is in another split."""
    import polars as pl

    from trajlm.data.schema import SOURCE_ID
    from trajlm.data.store import read_store
    from trajlm.reason.anomaly_gaps import with_dark_gaps

    todo = table.filter(pl.col("dark_gap_s").is_null())
    if not len(todo):
        return table
    keep = ["traj_id", "t", "lat", "lon"]
    every = read_store(data)
    every = every.select(*keep, *([SOURCE_ID] if SOURCE_ID in every.columns else []))
    done = with_dark_gaps(todo.drop("dark_gap_s"), every, explain=True, tz=None, local=local)
    both = pl.concat([table.filter(pl.col("dark_gap_s").is_not_null()), done.select(table.columns)])
    return both.sort("score", "traj_id", descending=[True, False], nulls_last=True)  # ties: by id
