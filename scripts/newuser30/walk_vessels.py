"""Session 30 (newuser30): a maritime analyst's notebook on the AIS-like feed of gen_vessels.py,
cell by cell: trajlm-small's predict (steps, latest + seconds_ahead, radii, at_times "now + 5
min"), recover (+ radii), embed, travel_time, match, save / reload; then TrajLM.fit (100 steps),
the fitted run's predict and evaluate (k-step, at report times, horizon_s), a multi-task fit
(60 steps) and its travel_time to the port; then `trajlm serve`
on that run and six requests with Python's http.client. Each call prints its time, its warnings
(category, file:line) and the head of its answer.

Command (after gen_vessels.py): PYTHONPATH=. python scripts/newuser30/walk_vessels.py [OUT]
(OUT default $NEWUSER30_OUT or /tmp/newuser30; runs go to OUT/runs_py, OUT/st_py; ~3-5 min on
a loaded 2-core box). The CLI steps: scripts/newuser30/walk_cli.sh.
"""

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import polars as pl

import trajlm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newuser_walk import post_each, start_server, step  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER30_OUT", "/tmp/newuser30"))


def notebook() -> str:
    df = pl.read_parquet(OUT / "ais.parquet")
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    step("predict steps=5", lambda: model.predict(df, steps=5))
    step(
        "latest seconds_ahead", lambda: model.predict(df, seconds_ahead=[60, 300, 600], latest=True)
    )
    step("latest radii", lambda: model.predict(df, steps=3, latest=True, radii=[50, 90]))
    now = df["BaseDateTime"].max()
    step(
        "at_times now + 5 min", lambda: model.predict(df, at_times=[now + dt.timedelta(minutes=5)])
    )
    gaps = pl.read_csv(OUT / "ais_gaps.csv", try_parse_dates=True)
    step("recover", lambda: model.recover(gaps))
    step("recover radii", lambda: model.recover(gaps, radii=[50, 90]))
    step("embed", lambda: model.embed(df))
    step("travel_time", lambda: model.travel_time([(51.90, 3.70)], [(51.955, 4.055)],
                                                  depart="2026-06-02T09:00:00Z"))  # fmt: skip
    step("match", lambda: model.match(df.filter(pl.col("MMSI") == df["MMSI"][0])))
    step("save", lambda: model.save_pretrained(OUT / "small_copy", overwrite=True))
    again = trajlm.TrajLM.from_pretrained(OUT / "small_copy", threads=1)
    a = step("reload predict", lambda: again.predict(df, steps=2, latest=True))
    print("same after reload:", a is not None and a.equals(model.predict(df, steps=2, latest=True)))

    run, store = OUT / "runs_py", OUT / "st_py"
    shutil.rmtree(run, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    mine = step(
        "fit", lambda: trajlm.TrajLM.fit(df, run, max_steps=100, seed=0, threads=1, store=store)
    )
    step(
        "mine latest seconds_ahead", lambda: mine.predict(df, seconds_ahead=[60, 300], latest=True)
    )
    step("mine latest steps radii", lambda: mine.predict(df, steps=3, latest=True, radii=True))
    cols = ["setting", "method", "mae_m", "ratio_to_best_baseline", "n_trajectories"]
    for kw in ({}, {"at_report_times": True}, {"horizon_s": [60, 300]}):
        tab = step(f"evaluate {kw}", lambda kw=kw: mine.evaluate(df, task="predict", **kw))
        if tab is not None:
            print(tab[cols].to_string())
    mt_run = OUT / "runs_mt"  # infilling heads, for travel_time (ETA to the port)
    shutil.rmtree(mt_run, ignore_errors=True)
    mt = step("fit multitask", lambda: trajlm.TrajLM.fit(df, mt_run, config="configs/multitask.toml",
                                                         max_steps=60, seed=0, threads=1))  # fmt: skip
    od = pl.read_csv(OUT / "od.csv")
    o, d = od.select(LAT="o_lat", LON="o_lon"), od.select(LAT="d_lat", LON="d_lon")
    eta = step("travel_time", lambda: mt.travel_time(o, d, depart=od["depart"].to_list()))
    print("engine:", getattr(eta, "engine", None))
    return str(run)


def serve(run: str, port: int = 8765) -> None:
    srv = start_server(run, port, OUT / "serve.log")
    try:
        df = pl.read_parquet(OUT / "ais.parquet")
        two = df.filter(pl.col("MMSI").is_in(df["MMSI"].unique().sort().head(2).implode()))
        two = two.sort("MMSI", "BaseDateTime").group_by("MMSI", maintain_order=True).tail(20)
        rows = two.with_columns(pl.col("BaseDateTime").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_dicts()
        holes = [dict(r, LAT=None, LON=None) if i % 5 == 2 else r for i, r in enumerate(rows)]
        requests = [
            ("/predict", {"steps": 3, "output": "table", "trajectories": rows}),
            (
                "/predict",
                {
                    "seconds_ahead": [60, 300],
                    "radii": [50, 90],
                    "output": "table",
                    "trajectories": rows,
                },
            ),  # fmt: skip
            ("/predict", {"steps": 2, "latest": True, "output": "table", "trajectories": rows}),
            ("/recover", {"output": "table", "trajectories": holes}),
            ("/embed", {"trajectories": rows}),
            (
                "/travel-time",
                {
                    "origins": [[51.9, 3.7]],
                    "destinations": [[51.955, 4.055]],
                    "depart": "2026-06-02T09:00:00Z",
                },
            ),  # fmt: skip
        ]
        post_each(port, requests, 600)
    finally:
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    serve(notebook())
