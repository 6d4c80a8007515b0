"""The `trajlm` command line: data, train, predict, eval.

Heavy imports (torch, readers) happen inside the commands so `trajlm --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Large trajectory models.")
data_app = typer.Typer(no_args_is_help=True, help="Read, clean, store and look at trajectories.")
app.add_typer(data_app, name="data")
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _report_table(report: dict, title: str = "drop report") -> Table:
    table = Table(title=title)
    table.add_column("what")
    table.add_column("rows", justify="right")
    table.add_row("rows in", f"{report['rows_in']:,}")
    for reason, n in report.get("dropped", {}).items():
        table.add_row(f"dropped: {reason}", f"{n:,}")
    for reason, n in report.get("repaired", {}).items():
        table.add_row(f"[dim]repaired: {reason}[/dim]", f"{n:,}")
    table.add_row("[bold]rows kept", f"[bold]{report['rows_kept']:,}")
    return table


def _dict_table(d: dict, title: str) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("key")
    table.add_column("value")
    for k, v in d.items():
        table.add_row(str(k), json.dumps(v) if isinstance(v, dict | list) else str(v))
    return table


# ----------------------------------------------------------------------------- data
@data_app.command("ingest")
def data_ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders to read."),
    format: str = typer.Option(
        ...,
        "--format",
        "-f",
        help="porto|geolife|ais|gpx|tdrive|csv|parquet|porto_mapmatched|mfjson",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Store directory to write."),
    preset: str = typer.Option(
        "auto", help="Cleaning preset (auto = the format's PROTOCOL preset, else 'default')."
    ),
    on_error: str = typer.Option("raise", help="raise | skip (count and drop bad rows)."),
    max_speed_mps: float = typer.Option(None, help="Drop points implying a faster speed."),
    max_gap_s: float = typer.Option(None, help="Split trajectories at time gaps longer than this."),
    min_points: int = typer.Option(None, help="Drop trajectories with fewer points."),
    traj_col: str = typer.Option(None, "--traj-col", help="csv/parquet: trajectory id column."),
    time_col: str = typer.Option(None, "--time-col", help="csv/parquet: time column."),
    lat_col: str = typer.Option(None, "--lat-col", help="csv/parquet: latitude column."),
    lon_col: str = typer.Option(None, "--lon-col", help="csv/parquet: longitude column."),
    time_format: str = typer.Option(None, help="csv/parquet: unix | unix_ms | iso | strptime."),
    sep: str = typer.Option(None, help="csv: field separator."),
    zip_members: str = typer.Option(
        None, "--zip-members", help="csv: glob of the members read from a .zip input (*.csv)."
    ),
    columns: str = typer.Option(
        None,
        help="csv/parquet: a named column mapping (liverpool_bus, hurricanes, icebergs, ...).",
    ),
) -> None:
    """Read raw files, clean them (drop report printed), write a partitioned Parquet store."""
    from trajlm.data.ingest import ingest

    overrides = {
        k: v
        for k, v in dict(
            max_speed_mps=max_speed_mps, max_gap_s=max_gap_s, min_points=min_points
        ).items()
        if v is not None
    }
    mapping = {
        k: v
        for k, v in dict(
            traj_id=traj_col,
            t=time_col,
            lat=lat_col,
            lon=lon_col,
            time_format=time_format,
            sep=sep,
            zip_members=zip_members,
        ).items()
        if v is not None
    }
    from trajlm.data.schema import TrajlmInputError

    try:
        manifest = ingest(paths, format, out, preset=preset, on_error=on_error,
                          clean_overrides=overrides, column_map=mapping, column_preset=columns,
                          progress=True)  # fmt: skip
    except (TrajlmInputError, FileNotFoundError, ValueError) as e:
        _fail(str(e))
    console.print(_report_table(manifest["drop_report"]))
    console.print(
        f"wrote [bold]{out}[/bold]: {manifest['n_trajectories']:,} trajectories, "
        f"{manifest['n_points']:,} points; splits {json.dumps(manifest.get('splits', {}))}"
    )


@data_app.command("inspect")
def data_inspect(store: Path = typer.Argument(..., help="Store directory.")) -> None:
    """Counts, sampling-interval percentiles, bbox and time span of a store."""
    from trajlm.data.store import inspect_store

    if not (store / "manifest.json").exists():
        _fail(
            f"{store}: not a trajlm store (no manifest.json); create one with `trajlm data ingest`"
        )
    console.print(_dict_table(inspect_store(store), f"store {store}"))


@data_app.command("synth")
def data_synth(
    out: Path = typer.Option(..., "--out", "-o"),
    n_trajectories: int = typer.Option(1000, "--n-trajectories", "-n"),
    seed: int = typer.Option(0),
) -> None:
    """Generate the synthetic city and write it as a store."""
    from trajlm.data.ingest import synth_store

    manifest = synth_store(out, n_trajectories=n_trajectories, seed=seed)
    console.print(
        f"wrote [bold]{out}[/bold]: {manifest['n_trajectories']:,} trajectories, "
        f"{manifest['n_points']:,} points"
    )


@data_app.command("plot")
def data_plot(
    store: Path = typer.Argument(...),
    out: Path = typer.Option(Path("map.png"), "--out", "-o"),
    n: int = typer.Option(100, help="Number of trajectories to draw."),
    split: str = typer.Option(None, help="Only this split."),
) -> None:
    """A matplotlib map of a sample of trajectories (coloured by label when present)."""
    from trajlm.data.store import read_store
    from trajlm.viz import plot_trajectories

    console.print(f"wrote {plot_trajectories(read_store(store, split=split), out, n=n)}")


@data_app.command("resplit")
def data_resplit(
    store: Path = typer.Argument(..., help="Store directory."),
    by: str = typer.Option(..., "--by", help="time | hour | hour=H (test: hours >= H) | user"),
    out: Path = typer.Option(..., "--out", "-o", help="New store directory."),
) -> None:
    """Copy a store with a hold-out split (by hour of day or user) for `train` and `eval`."""
    from trajlm.data.store import resplit_store

    if not (store / "manifest.json").exists():
        _fail(f"{store}: not a trajlm store (no manifest.json)")
    try:
        manifest = resplit_store(store, out, by)
    except (ValueError, FileExistsError) as e:
        _fail(str(e))
    console.print(f"wrote [bold]{out}[/bold] split by {by}: {json.dumps(manifest['splits'])}")


# ----------------------------------------------------------------------------- model
@app.command("train")
def train(
    data: Path = typer.Option(..., "--data", help="Store directory (trajlm data ingest/synth)."),
    out: Path = typer.Option(..., "--out", help="Run directory for checkpoints and metrics."),
    config: Path = typer.Option(None, help="JSON or TOML with [model] and [train] sections."),
    max_steps: int = typer.Option(None, help="Override train.max_steps."),
    resume: bool = typer.Option(False, help="Continue from OUT/trainer_state."),
    seed: int = typer.Option(None, help="Override train.seed."),
    device: str = typer.Option(None, help="auto | cpu | cuda"),
) -> None:
    """Pretrain the causal trajectory transformer (next-point prediction)."""
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    cfg = _load_config(config) if config else {}
    if resume and (out / "train_config.json").exists() and not config:
        cfg = {"train": json.loads((out / "train_config.json").read_text()),
               "model": _model_dict(out / "config.json")}  # fmt: skip
    train_cfg = TrainConfig.from_dict(cfg.get("train", {}))
    for name, value in (("max_steps", max_steps), ("seed", seed), ("device", device)):
        if value is not None:
            setattr(train_cfg, name, value)
    train_cfg.progress = sys.stderr.isatty() or train_cfg.progress
    model_cfg = ModelConfig.from_dict(cfg.get("model", {}))
    trainer = Trainer(data, out, model_cfg, train_cfg)
    summary = trainer.fit(resume=resume)
    if trainer.rank == 0:
        console.print(_dict_table(summary, f"run {out}"))


def _load_model(run: Path):
    """TrajectoryModel.from_pretrained with a clear error for a wrong path."""
    from trajlm.model import TrajectoryModel

    if not (run / "model.safetensors").exists():
        _fail(f"{run}: no model.safetensors (expected a run directory from `trajlm train`)")
    return TrajectoryModel.from_pretrained(run).eval()


def _model_dict(path: Path) -> dict:
    d = json.loads(path.read_text()) if path.exists() else {}
    d.pop("stats", None)
    return d


def _load_config(path: Path) -> dict:
    if path.suffix == ".toml":
        import tomllib

        return tomllib.loads(path.read_text())
    return json.loads(path.read_text())


@app.command("predict")
def predict(
    model: Path = typer.Option(..., "--model", help="Run directory (model.safetensors)."),
    input: Path = typer.Option(..., "--input", help="History points: store dir, CSV or Parquet."),
    steps: int = typer.Option(5, "--steps", "-k"),
    out: Path = typer.Option(Path("predictions.csv"), "--out", help=".csv/.parquet/.geojson"),
    plot: Path = typer.Option(None, "--plot", help="Write a PNG of history/truth/prediction."),
    holdout: int = typer.Option(
        0, help="Hide the last N points of each trajectory and draw them as truth."
    ),
    limit: int = typer.Option(None, help="Only the first N trajectories."),
    split: str = typer.Option("test", help="Split to read when --input is a store."),
) -> None:
    """Predict the next K points of each input trajectory (with uncertainty)."""
    import polars as pl

    from trajlm.tasks.predict import predict_table, write_points

    df = _read_points(input, split)
    if limit:
        keep = df["traj_id"].unique(maintain_order=True).head(limit)
        df = df.filter(pl.col("traj_id").is_in(keep.implode()))
    truth = None
    if holdout:
        rank = pl.int_range(pl.len()).reverse().over("traj_id")
        df = df.filter(pl.len().over("traj_id") > holdout + 2)
        truth = df.filter(rank < holdout)
        df = df.filter(rank >= holdout)
    m = _load_model(model)
    from trajlm.model.coverage import coverage_warnings

    for line in coverage_warnings(m, df):
        console.print(f"[yellow]warning:[/yellow] outside training coverage: {line}")
    pred = predict_table(m, df, steps)
    write_points(pred, out)
    console.print(f"wrote {len(pred):,} predicted points to {out}")
    if plot:
        from trajlm.viz import plot_predictions

        console.print(f"wrote {plot_predictions(df, pred, plot, truth=truth)}")


def _read_points(path: Path, split: str | None):
    import polars as pl

    from trajlm.data.schema import conform

    if not path.exists():
        _fail(f"{path}: no such file or folder")
    if path.is_dir() and (path / "manifest.json").exists():
        from trajlm.data.store import read_store

        return read_store(path, split=split).drop("split", strict=False)
    if path.suffix == ".parquet":
        return conform(pl.read_parquet(path))
    if path.suffix == ".csv":
        return conform(pl.read_csv(path, schema_overrides={"traj_id": pl.Utf8}))
    _fail(f"{path}: expected a store directory, .csv or .parquet with traj_id,t,lat,lon")


@app.command("eval")
def evaluate(
    task: str = typer.Option(..., "--task", help="predict | recover | tte | classify | similarity"),
    data: Path = typer.Option(..., "--data", help="Store directory."),
    model: list[Path] = typer.Option(
        None, "--model", help="Run directory of a trained model (repeat for several seeds)."
    ),
    seeds: int = typer.Option(3, help="Number of seeds for the random recovery mask."),
    out: Path = typer.Option(None, "--out", help="Write results JSON here."),
    split_by: str = typer.Option(
        "time", help="classify: time (PROTOCOL) or user_time (80/10/10 within each user)."
    ),
    shift: list[str] = typer.Option(
        None, "--shift", help="predict: also score with clocks moved, e.g. clock=+8h, weekday=+1."
    ),
    holdout_by: str = typer.Option(
        None, "--holdout-by", help="Re-split: hour | hour=H | user (train on the same split)."
    ),
    context: str = typer.Option(None, help="Models' context: full | motion | auto."),
) -> None:
    """Run the PROTOCOL.md evaluation: every baseline (and the model) on the test split.

    Tasks: predict, recover, tte, classify (GeoLife modes), similarity (odd/even self-search).
    """
    from trajlm.eval.cli import run_eval_command

    run_eval_command(task, data, model, seeds, out, console, split_by=split_by, shifts=shift,
                     holdout_by=holdout_by, context=context)  # fmt: skip


@app.command("finetune")
def finetune(
    model: Path = typer.Option(..., "--model", help="Pretrained run directory."),
    task: str = typer.Option(
        "predict", "--task", help="predict | recover | tte | classify | similarity"
    ),
    data: Path = typer.Option(..., "--data", help="Store to adapt on."),
    out: Path = typer.Option(..., "--out", help="Output run / adapter directory."),
    mode: str = typer.Option("full", help="full | selective | lora (predict, classify)."),
    steps: int = typer.Option(500, help="Fine-tuning steps (predict, recover, tte)."),
    epochs: int = typer.Option(10, help="Passes over the train split (classify, similarity)."),
    n_last: int = typer.Option(1, help="selective: train the last N blocks (+ heads)."),
    lora_r: int = typer.Option(8, help="LoRA rank."),
    fraction: float = typer.Option(1.0, help="predict: use this fraction of the train split."),
    n_points: int = typer.Option(32, help="similarity: points per (thinned) trajectory."),
    split_by: str = typer.Option("time", help="classify: time (PROTOCOL) or user_time."),
) -> None:
    """Adapt a pretrained model: next-point (full/selective/LoRA), a masked task, or modes."""
    if task == "predict":
        from trajlm.finetune.trainer import finetune_next_point

        summary = finetune_next_point(model, data, out, mode=mode, max_steps=steps,
                                      n_last=n_last, lora_r=lora_r, fraction=fraction)  # fmt: skip
    elif task in ("recover", "tte"):
        if mode != "full":
            _fail("recover/tte fine-tuning is full only for now")
        from trajlm.train.objectives import finetune as finetune_task

        summary = finetune_task(model, data, out, task, max_steps=steps)
    elif task == "classify":
        from trajlm.data.store import read_store
        from trajlm.eval.classify import make_mode_segments, split_segments
        from trajlm.tasks.classify import ModelClassifier

        segments, _ = make_mode_segments(read_store(data))
        parts = split_segments(segments, split_by)
        clf = ModelClassifier(model, mode=mode, n_last=n_last, lora_r=lora_r, epochs=epochs)
        clf.fit(parts["train"], parts["val"])
        summary = {"adapter_bytes": clf.save(out), "mode": mode}
    elif task == "similarity":
        import polars as pl

        from trajlm.data.store import read_store
        from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive

        if mode != "full":
            _fail("similarity (contrastive) fine-tuning is full only for now")
        df = read_store(data)
        net = _load_model(model)
        cfg = ContrastiveConfig(epochs=epochs, n_points=n_points)
        summary = fit_contrastive(net, df.filter(pl.col("split") == "train"),
                                  df.filter(pl.col("split") == "val"), cfg)  # fmt: skip
        net.save_pretrained(out)
        spec = {"n_points": n_points, "pooling": "mean", "metric": "l2", **summary}
        (Path(out) / "embedding.json").write_text(json.dumps(spec, indent=2) + "\n")
    else:
        _fail(f"unknown task {task!r}; use predict, recover, tte, classify or similarity")
    console.print(_dict_table({k: v for k, v in summary.items() if k != "history"}, str(out)))


@app.command("similar")
def similar_cmd(
    model: Path = typer.Option(..., "--model", help="Run directory."),
    query: Path = typer.Option(..., "--query", help="Query trajectories: store, CSV or Parquet."),
    database: Path = typer.Option(..., "--database", help="Trajectories to search."),
    k: int = typer.Option(10, "--k"),
    out: Path = typer.Option(Path("similar.csv"), "--out"),
) -> None:
    """The k most similar database trajectories to each query (embedding L2, exact search)."""
    import polars as pl

    from trajlm.tasks.embed import similar

    m = _load_model(model)
    spec = model / "embedding.json"  # written by `trajlm finetune --task similarity`
    n_points = json.loads(spec.read_text()).get("n_points") if spec.exists() else None
    dist, idx, qids, dbids = similar(m, _read_points(query, None), _read_points(database, None), k,
                                     n_points=n_points)  # fmt: skip
    rows = [
        {"query": q, "rank": r + 1, "match": dbids[j], "distance": float(dist[i, r])}
        for i, q in enumerate(qids)
        for r, j in enumerate(idx[i])
    ]
    pl.DataFrame(rows).write_csv(out)
    console.print(f"wrote {len(rows):,} matches for {len(qids):,} queries to {out}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
