"""The `trajlm` command line: data, train, predict, eval, finetune, similar, ask, serve
(predict: trajlm/cli_predict.py, eval: trajlm/cli_evaluate.py, finetune: trajlm/cli_finetune.py,
data: trajlm/cli_data.py).

Heavy imports (torch, readers) happen inside the commands so `trajlm --help` stays fast.
"""

from __future__ import annotations

import trajlm._early_signals  # noqa: F401  first: `trajlm train` notes a signal from here on

# isort: split
from pathlib import Path
from typing import Any

import typer

from trajlm import _cli_io as io
from trajlm import (
    cli_anomalies,
    cli_dispatch,
    cli_evaluate,
    cli_finetune,
    cli_places,
    cli_predict,
    cli_reach,
    cli_recovery,
    cli_route,
    cli_selector,
    cli_tasks,
)
from trajlm._cli_io import (
    ON_ERROR_TABLE_HELP,
    OVERWRITE_HELP,
    SPLIT_NAMES,
    THREADS_HELP,
    column_option,
)
from trajlm._cli_io import fail as _fail
from trajlm._cli_io import say as _say
from trajlm._cli_points import columns_present, read_points
from trajlm.cli_data import data_app
from trajlm.cli_train import run_train as _train  # `trajlm train`'s body (TrajLM.fit's too)
from trajlm.cli_verdict import TRAIN_VAL_CHECK_HELP

# the main paths, under the command list of `trajlm --help` (session 26, newuser26: the list
# named 14 commands and no order to run them in; \b keeps click from re-wrapping the lines)
MAIN_PATHS = """\b
Your own data, start to finish:
  trajlm data ingest FILE --out STORE        # CSV/Parquet/GPX/...; prints a drop report
  trajlm train --data STORE --out RUN        # ends with a val check beside the baselines
  trajlm eval --task predict --data STORE --model RUN
  trajlm predict --model RUN --input FILE --steps 5 --out pred.csv
  trajlm recover --model RUN --input FILE --every 1h --out filled.csv
No training: --model trajlm-small. Python: trajlm.TrajLM.from_pretrained(RUN).predict(df).
Each command: trajlm COMMAND --help."""

app = typer.Typer(
    cls=io.BoundaryGroup, add_completion=False, no_args_is_help=True,
    help="Large trajectory models.", pretty_exceptions_show_locals=False, epilog=MAIN_PATHS,
    rich_markup_mode=None,  # plain help: nothing truncated, [model] / [train] shown as written
)  # fmt: skip
app.add_typer(data_app, name="data")  # `trajlm data ...` (trajlm/cli_data.py)


@app.callback()
def _options(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of user errors too."),
) -> None:
    """Large trajectory models."""
    ctx.meta["trajlm_debug"] = debug


def _threads(requested: int | None, n_params: int | None) -> int:
    from trajlm._threads import apply_threads

    return apply_threads(requested, n_params)


@app.command("train")
def train(
    data: Path = typer.Option(..., "--data", help="Store directory (trajlm data ingest/synth)."),
    out: Path = typer.Option(..., "--out", help="Run directory for checkpoints and metrics."),
    config: Path = typer.Option(
        None,
        help="JSON or TOML with [model] and [train] sections (default: configs/default.toml, a residual on constant velocity).",
    ),
    max_steps: int = typer.Option(None, min=1, help="Override train.max_steps."),
    resume: bool = typer.Option(False, help="Continue from OUT/trainer_state."),
    overwrite: bool = typer.Option(False, help="Start an existing run again (its files only)."),
    seed: int = typer.Option(None, min=0, help="Override train.seed."),
    other_data: bool = typer.Option(
        False, "--other-data", help="With --resume: continue on another store than the run's."
    ),
    device: str = typer.Option(None, help="auto | cpu | cuda"),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    val_check: bool = typer.Option(True, help=TRAIN_VAL_CHECK_HELP),
) -> None:
    """Pretrain the causal trajectory transformer (next-point prediction); at the end, the
    val check: the engine that answers travel time / recovery, saved with the weights."""
    from trajlm.train.interrupt import StartSignals  # first: the start-up takes seconds (torch)

    with StartSignals(out, resume=resume):  # Ctrl-C / SIGTERM outside the loop: one line
        from trajlm.api import TrajLM  # the verdict asks it at report times (irreg27)

        _train(data, out, config, max_steps, resume, overwrite, seed, other_data, device, threads,
               val_check, lm_class=TrajLM)  # fmt: skip


app.command("predict")(cli_predict.predict)  # trajlm/cli_predict.py


evaluate = cli_evaluate.evaluate  # re-exported (before the split)
app.command("eval")(evaluate)  # trajlm/cli_evaluate.py


app.command("finetune")(cli_finetune.finetune)  # trajlm/cli_finetune.py


@app.command("similar")
def similar_cmd(
    model: Path = typer.Option(..., "--model", help="Run directory."),
    query: Path = typer.Option(..., "--query", help="Query trajectories: store, CSV or Parquet."),
    database: Path = typer.Option(..., "--database", help="Trajectories to search."),
    k: int = typer.Option(10, "--k", min=1),
    out: Path = typer.Option(Path("similar.csv"), "--out"),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    traj_col: str = column_option("traj_col", "Table inputs"),
    time_col: str = column_option("time_col", "Table inputs"),
    lat_col: str = column_option("lat_col", "Table inputs"),
    lon_col: str = column_option("lon_col", "Table inputs"),
    crs: str = typer.Option(None, "--crs", help="Table inputs: CRS of projected coordinates."),
    db_traj_col: str = typer.Option(None, "--db-traj-col", help="--database's id column."),
    db_time_col: str = typer.Option(None, "--db-time-col", help="--database's time column."),
    db_lat_col: str = typer.Option(None, "--db-lat-col", help="--database's latitude column."),
    db_lon_col: str = typer.Option(None, "--db-lon-col", help="--database's longitude column."),
    db_crs: str = typer.Option(None, "--db-crs", help="--database's CRS (projected tables)."),
    exclude_self: bool = typer.Option(
        False, "--exclude-self", help="Skip a match with the query's own id (query = database)."
    ),
    on_error: str = typer.Option("raise", "--on-error", help=ON_ERROR_TABLE_HELP),
) -> None:
    """The k most similar database trajectories to each query (embedding L2, exact search).
    The column options (--traj-col ...) apply to each of --query and --database whose table
    has that column; --db-traj-col ... name --database's own (then only they apply to it)."""
    import polars as pl

    from trajlm.tasks.embed import similar

    io.suffix(out, (".csv",), "--out")
    io.outputs({"--out": out}, [model, query, database], overwrite)
    io.choice(on_error, ("raise", "skip"), "--on-error")
    cols = dict(traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col, crs=crs)
    io.on_plane(query, crs, "--query")  # --crs on a store: refused, not ignored (local37)
    io.on_plane(database, db_crs, "--database")  # --db-crs likewise
    db_cols = dict(traj_col=db_traj_col, time_col=db_time_col, lat_col=db_lat_col,
                   lon_col=db_lon_col, crs=db_crs)  # fmt: skip
    q_cols = columns_present(query, cols)  # each option where that table has the column
    if not any(db_cols.values()):
        db_cols = columns_present(database, cols)
    for key, name in cols.items():  # a column of neither: the query's error names it
        if name is not None and key != "crs" and key not in q_cols and key not in db_cols:
            q_cols[key] = name
    from trajlm.data.local_plane import is_local_input, refuse_mixed_planes

    q = read_points(query, "--query", None, q_cols, on_error)
    db = read_points(database, "--database", None, db_cols, on_error)
    # a plane's queries against a library of degrees, or back (badin37)
    refuse_mixed_planes(is_local_input(query, q_cols.get("crs")),
                        is_local_input(database, db_cols.get("crs")),
                        f"--query {query}", f"--database {database}")  # fmt: skip
    n_db = db["traj_id"].n_unique()
    if k > n_db:
        _fail(f"--k {k} is more than the {n_db} trajectories of --database {database}")
    m = io.load_model(model)
    io.coverage_note(m, q, f"--query {query}", predicts=False)  # embeddings: no rollout
    io.coverage_note(m, db, f"--database {database}", predicts=False)
    n_points = io.embedding_spec(model)
    _threads(threads, m.num_params())
    extra = 1 if exclude_self and k < n_db else 0  # one more, in case the query finds itself
    dist, idx, qids, dbids = similar(m, q, db, k + extra, n_points=n_points)
    rows = []
    for i, qid in enumerate(qids):
        hits = [(j, float(dist[i, r])) for r, j in enumerate(idx[i])
                if not (exclude_self and str(dbids[j]) == str(qid))][:k]  # fmt: skip
        rows += [{"query": qid, "rank": r + 1, "match": dbids[j], "distance": d}
                 for r, (j, d) in enumerate(hits)]  # fmt: skip
    pl.DataFrame(rows).write_csv(out)
    _say(f"wrote {len(rows):,} matches for {len(qids):,} queries to {out}")


@app.command("ask")
def ask_cmd(
    question: str = typer.Argument(..., help="A question about the trips, in English."),
    data: Path = typer.Option(..., "--data", help="Store directory."),
    model: Path = typer.Option(None, "--model", help="Run for prediction questions."),
    planner: str = typer.Option("auto", help="auto|rules|smollm2|smollm2-free (docs/llm.md)."),
    split: str = typer.Option(None, help="Only this split."),
    tz: str = typer.Option(
        None,
        "--tz",
        help="Read hours, weekdays and dates in this zone (IANA name like Europe/Zurich, or "
        "+02:00); default: the zone the store was ingested in, else UTC.",
    ),
) -> None:
    """Answer a question about a store: question -> typed plan (shown) -> result. A question
    that no plan can express: "can't answer that: ..." and exit status 2."""
    from trajlm.llm.plan import CannotAnswer
    from trajlm.questions import Asker

    io.choice(planner, ("auto", "rules", "smollm2", "smollm2-free"), "--planner")
    io.choice(split, SPLIT_NAMES, "--split")
    io.store(data, "--data")
    try:
        asker = Asker(data, planner=planner, model=model, split=split, tz=tz)
        plan = asker.plan(question)
        typer.echo(f"plan: {plan.describe()}")
        answer = asker.run(plan)
    except CannotAnswer as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None
    typer.echo(str(answer))


@app.command("serve")
def serve(
    model: Path = typer.Option(
        ...,
        "--model",
        help="Run directory (its best weights), a classifier directory, a candidate selector "
        "folder (trajlm train-selector: /predict by steps), or a shipped checkpoint by name "
        "(trajlm-small).",
    ),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0: every one)."),
    port: int = typer.Option(8000, min=0, max=65535),
    index: Path = typer.Option(None, "--index", help="Store whose trajectories /similar searches."),
    index_limit: int = typer.Option(5000, min=1, help="Index at most this many trajectories."),
    max_batch: int = typer.Option(64, min=1, help="Requests per model pass (1: no batching)."),
    max_delay_ms: float = typer.Option(5.0, min=0.0, help="Wait this long to fill a batch."),
    max_queue: int = typer.Option(256, min=1, help="Queued requests before 503."),
    timeout: float = typer.Option(10.0, min=0.1, help="Seconds before a request gets 503."),
    threads: int = typer.Option(None, min=1, help=THREADS_HELP),
    access_log: bool = typer.Option(
        True, "--access-log/--no-access-log", help="One log line per request (uvicorn's)."
    ),
    cors_origin: list[str] = typer.Option(
        None,
        "--cors-origin",
        help="A browser origin allowed to call the API (CORS; repeat; "
        "'*' for any; default: $TRAJLM_CORS_ORIGINS, else none).",
    ),
    ask_root: Path = typer.Option(
        None,
        "--ask-root",
        help="POST /ask may name stores under this folder by path (default: none; rows only).",
    ),
    reach_memory: Path = typer.Option(
        None,
        "--reach-memory",
        help="Past trips (store dir, CSV, Parquet, ...) read once: POST /reach's route-aware "
        "answer reads their paths too, as `trajlm reach --memory` does.",
    ),
) -> None:
    """Serve the model over HTTP: the API (/docs) and a map page (/). docs/serve.md."""
    try:
        import uvicorn

        from trajlm.serve import ServeSettings, create_app
        from trajlm.serve.index import SimilarIndex
    except ImportError as e:
        _fail(f"serve needs the serve extra ({e.name} is missing): pip install 'trajlm[serve]'")
    from trajlm.api import TrajLM
    from trajlm.model.weights import CONFIG_NAME, SHIPPED_DIR

    if model.exists() or not (SHIPPED_DIR / str(model) / CONFIG_NAME).is_file():
        io.must_exist(model, "--model")  # else a shipped checkpoint by name ("trajlm-small")
    try:
        m = TrajLM.from_pretrained(model, threads=threads)
    except FileNotFoundError as e:  # a shipped checkpoint whose weights are not built here
        _fail(f"--model {e}")
    idx, selector = None, getattr(m, "engine_line", None)  # a candidate selector (selhttp22)
    if index is not None and selector is not None:
        _fail(f"--index: {model} is a candidate selector, which has no embedding for /similar; "
              "serve it without --index (or a trajlm training run with --index)")  # fmt: skip
    if index is not None:
        io.must_exist(index, "--index")
        idx = SimilarIndex(m, index, limit=index_limit)
        # a --crs local store: /similar takes "crs": "local" requests only (badfix37; local36
        # refused it at start, as queries in degrees met the stand-in 1 N 1 E)
        plane = ' (x / y metres on a plane: /similar takes "crs": "local")' if idx.local else ""
        _say(f"indexed {len(idx):,} trajectories of {index}{plane}")
    cfg = ServeSettings(max_batch=max_batch, max_delay_ms=max_delay_ms, max_queue=max_queue,
                        timeout_s=timeout, cors_origins=tuple(cors_origin) if cors_origin else None,
                        ask_root=str(ask_root) if ask_root is not None else None,
                        reach_memory=load_reach_memory(reach_memory))  # fmt: skip
    if ask_root is not None:
        io.must_exist(ask_root, "--ask-root")
        _say(f"POST /ask: stores under {ask_root}")
    if origins := cfg.cors():
        _say(f"CORS: browser apps on {', '.join(origins)} may call the API")
    if selector is not None:  # who answers /predict: the val check's winner
        _say(selector())
    _say(f"serving {m.path} ({', '.join(m.tasks)}) on http://{host}:{port}/ (API: /docs)")
    uvicorn.run(create_app(m, cfg, idx), host=host, port=port, access_log=access_log,
                log_level="info" if access_log else "warning")  # fmt: skip


def load_reach_memory(path: Path | None) -> Any:  # a RouteMemory (its import is heavy)
    """``--reach-memory``'s trips read once as a RouteMemory (dispatch33: a dispatch tool's
    /reach had to post last week's tracks with every call to get route-aware answers)."""
    if path is None:
        return None
    from trajlm._cli_points import input_errors, read_frame
    from trajlm.api_reach_route import RouteMemory
    from trajlm.data.local_plane import degree_places_line, is_local_input

    if is_local_input(path):  # /reach's and /divert's places are degrees: never met (local37)
        _fail(f"--reach-memory {path}: {degree_places_line('serve (/reach, /divert)')}")
    with input_errors(path, "--reach-memory"):
        memory = RouteMemory.read(read_frame(path, "--reach-memory"))
    _say(
        f"POST /reach: route-aware answers also read the {len(memory.trip_start):,} trips of {path}"
    )
    return memory


app.command("route")(cli_route.route)  # trajlm/cli_route.py
app.command("anomalies")(cli_anomalies.anomalies)  # trajlm/cli_anomalies.py
app.command("train-selector")(cli_selector.train_selector)  # trajlm/cli_selector.py
app.command("train-recovery")(cli_recovery.train_recovery)  # trajlm/cli_recovery.py
app.command("recover")(cli_tasks.recover)  # trajlm/cli_tasks.py: TrajLM.recover on a file
app.command("reach")(cli_reach.reach)  # trajlm/cli_reach.py: TrajLM.reach on a file (reach32)
app.command("places")(cli_places.places)  # trajlm/cli_places.py: trajlm.places (next32)
app.command("next-place")(cli_places.next_place)  # trajlm.next_place on a file (next32)
app.command("parked")(cli_dispatch.parked)  # trajlm/cli_dispatch.py: trajlm.parked (dispatch34)
app.command("divert")(cli_dispatch.divert)  # trajlm.divert on a file (dispatch34)
app.command("travel-time")(cli_tasks.travel_time)  # TrajLM.travel_time on a file of trips


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
