"""`trajlm data queries STORE --out queries.csv`: the windows `trajlm eval --task predict`
scores, written for a method outside trajlm to answer (session 34, byo34; the answers go back
through `trajlm eval --predictions`). Truth is never written: the inputs (queries.csv) and the
asks (queries.asks.csv: query_id, k, the time each answer is for)."""

from __future__ import annotations

from pathlib import Path

import typer

from trajlm._cli_io import OVERWRITE_HELP
from trajlm.eval.predict_windows import WINDOWS_HELP


def register(data_app: typer.Typer) -> None:
    @data_app.command("queries")
    def data_queries(
        store: Path = typer.Argument(..., help="Store directory."),
        out: Path = typer.Option(..., "--out", "-o",
                                 help="The inputs (.csv or .parquet); the asks go beside it as "
                                      "NAME.asks.csv / .parquet."),
        task: str = typer.Option("predict", "--task",
                                 help="predict (the k-step windows) or recover (the hidden "
                                      "points of each mask: random 50 % per seed, then every "
                                      "60 / 120 / 240 s)."),
        seeds: int = typer.Option(3, "--seeds", min=1,
                                  help="recover: the random masks' seeds 0..N-1 (as `trajlm "
                                       "eval --seeds`)."),
        split: str = typer.Option("test", "--split",
                                  help="test, or val (what `trajlm eval --score-on val` scores)."),
        windows: str = typer.Option("one", "--windows", help=WINDOWS_HELP),
        horizon_s: str = typer.Option(None, "--horizon-s",
                                      help="predict: the windows `trajlm eval --horizon-s S` "
                                           "scores (10 min history, a cut every longest "
                                           "horizon), asked at these seconds after each "
                                           "window's last fix: k = 1..H in ascending order."),
        at_report_times: bool = typer.Option(False, "--at-report-times",
                                             help="predict: the windows `trajlm eval "
                                                  "--at-report-times` scores (the k-step ones: "
                                                  "the asks' t are the true report times)."),
        overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
    ) -> None:  # fmt: skip
        """Write the windows `trajlm eval --task predict` scores (inputs and asks, no truth),
        to answer with your own model and score with `trajlm eval --predictions`."""
        from trajlm import _cli_io as io
        from trajlm.cli_eval_answers import query_tables
        from trajlm.eval.own_answers import asks_path, write_table

        io.suffix(out, (".csv", ".parquet"), "--out")
        asks = asks_path(out)
        io.outputs({"--out": out, "--out (asks beside it)": asks}, [store], overwrite)
        inputs, wanted = query_tables(
            store,
            split,
            windows,
            task=task,
            seeds=seeds,
            horizon_s=horizon_s,
            at_report_times=at_report_times,
        )
        write_table(inputs, out)
        write_table(wanted, asks)
        io.say(f"wrote {out} ({inputs['query_id'].n_unique():,} queries, {len(inputs):,} input "
               f"fixes) and {asks} ({len(wanted):,} asks: {', '.join(wanted.columns)})")  # fmt: skip
