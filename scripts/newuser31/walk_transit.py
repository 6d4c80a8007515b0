"""Session 31 (newuser31): a city council's transit analyst, in a pandas notebook, on
gen_transit.py's bus AVL feed and bike / scooter logs, cell by cell, from the README and
docs/api.md only: trajlm-small's predict (journeys, each bus's latest journey, at given times,
radii), "when does bus X reach stop Y" from the predictions, recover AVL drop-outs, travel time
between two stops from the history (`trajlm.passages`), embed + similar journeys, `TrajLM.fit`
for this city (no config) and `evaluate`, a multi-task fit for `travel_time`, bike trips'
travel times, `trajlm.ask`; then `trajlm serve` on the fitted run with a dashboard's requests
(Python's http.client). Each cell prints its time, its warnings (category, file:line) and the
head of its answer.

Command (after gen_transit.py): PYTHONPATH=. python scripts/newuser31/walk_transit.py [OUT]
(OUT default $NEWUSER31_OUT or /tmp/newuser31; ~5-8 min on a loaded 2-core box). The CLI
steps: scripts/newuser31/walk_cli.sh.
"""

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newuser_walk import serve_and_post  # noqa: E402
from newuser_walk import step as run_cell  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER31_OUT", "/tmp/newuser31"))
ONLY = set(os.environ.get("NEWUSER31_CELLS", "").split(",")) - {""}


def step(name, f):
    """One cell (scripts/newuser_walk.py), skipped unless $NEWUSER31_CELLS names its start."""
    return None if ONLY and not any(name.startswith(o) for o in ONLY) else run_cell(name, f)


def metres(lat1, lon1, lat2, lon2):
    k = np.pi / 180
    x = (lon2 - lon1) * k * np.cos((lat1 + lat2) * k / 2)
    return 6_371_000 * np.hypot(x, (lat2 - lat1) * k)


def eta_to_stops(model, avl, stops, within_m=60.0):
    """What the analyst writes for "when does each bus reach each stop" (no ETA call exists):
    each bus's latest journey, positions every 30 s for 15 min, the first one within
    `within_m` of each stop."""
    p = model.predict(avl, seconds_ahead=list(range(30, 901, 30)), latest=True)
    d = metres(p["Latitude"].to_numpy()[:, None], p["Longitude"].to_numpy()[:, None],
               stops["stop_lat"].to_numpy()[None], stops["stop_lon"].to_numpy()[None])  # fmt: skip
    i, j = np.nonzero(d <= within_m)
    hits = p.iloc[i][[p.columns[0], "RecordedAtTime"]].assign(
        stop_id=stops["stop_id"].to_numpy()[j]
    )
    return hits.groupby([p.columns[0], "stop_id"], as_index=False).first()


def notebook() -> str:
    avl = pd.read_csv(OUT / "avl.csv", parse_dates=["RecordedAtTime"])
    stops = pd.read_csv(OUT / "stops.txt", dtype={"stop_id": str})
    small = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    step("small predict steps=5", lambda: small.predict(avl, steps=5))
    step("small predict journeys", lambda: small.predict(avl, steps=5,
                                                         traj_col="DatedVehicleJourneyRef"))  # fmt: skip
    step("small latest", lambda: small.predict(avl, steps=3, latest=True))
    now = avl["RecordedAtTime"].max()
    step("small at_times now+2min",
         lambda: small.predict(avl, at_times=[now + pd.Timedelta(minutes=2)], latest=True))  # fmt: skip
    step("small latest radii", lambda: small.predict(avl, steps=3, latest=True, radii=[50, 90]))
    step("eta to stops", lambda: eta_to_stops(small, avl, stops))
    gaps = pd.read_csv(OUT / "avl_gaps.csv", parse_dates=["RecordedAtTime"])
    step("recover", lambda: small.recover(gaps))  # refused: a journey ends on a hidden row
    known = gaps["Latitude"].notna()
    j = gaps["DatedVehicleJourneyRef"]
    inside = known.groupby(j).cummax() & known[::-1].groupby(j[::-1]).cummax()[::-1]
    gaps = gaps[inside]  # the refusal's advice: drop rows before the first / after the last fix
    filled = step("recover inner", lambda: small.recover(gaps))
    if filled is not None:
        truth = pd.read_csv(OUT / "avl_gaps_truth.csv", parse_dates=["RecordedAtTime"])
        key = ["DatedVehicleJourneyRef", "RecordedAtTime"]
        m = truth.merge(filled, on=key, suffixes=("", "_f"))
        err = metres(m["Latitude"], m["Longitude"], m["Latitude_f"], m["Longitude_f"])
        print(f"   recover: {len(m)} hidden rows matched, MAE {err.mean():.1f} m")
    a = stops.iloc[3][["stop_lat", "stop_lon"]].tolist()
    b = stops.iloc[9][["stop_lat", "stop_lon"]].tolist()
    step("passages stop 4 -> 10", lambda: trajlm.passages(avl, a=a, b=b, radius_m=60))
    step("passages by journey",
         lambda: trajlm.passages(avl, a=a, b=b, radius_m=60, traj_col="DatedVehicleJourneyRef"))  # fmt: skip
    step("embed", lambda: small.embed(avl, traj_col="DatedVehicleJourneyRef"))
    step("similar", lambda: small.similar(avl, k=3, traj_col="DatedVehicleJourneyRef"))

    run, store = OUT / "runs_py", OUT / "st_py"

    def fit_fresh():  # (removed only when the cell runs: $NEWUSER31_CELLS may skip it)
        shutil.rmtree(run, ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)
        return trajlm.TrajLM.fit(avl, run, max_steps=200, seed=0, threads=1, store=store)

    mine = step("fit", fit_fresh)
    if mine is not None:
        step("mine latest", lambda: mine.predict(avl, steps=3, latest=True))
        tab = step("evaluate", lambda: mine.evaluate(avl, task="predict"))
        if tab is not None:
            print(tab[["setting", "method", "mae_m", "ratio_to_best_baseline"]].to_string())
    mt_run = OUT / "runs_mt"
    shutil.rmtree(mt_run, ignore_errors=True)
    mt = step("fit multitask", lambda: trajlm.TrajLM.fit(avl, mt_run, config="configs/multitask.toml",
                                                         max_steps=60, seed=0, threads=1))  # fmt: skip
    if mt is not None:
        o, d = stops.iloc[[3, 20]], stops.iloc[[9, 27]]
        eta = step("travel_time stops", lambda: mt.travel_time(
            o[["stop_lat", "stop_lon"]], d[["stop_lat", "stop_lon"]], depart=str(now)))  # fmt: skip
        print("engine:", getattr(eta, "engine", None))
    bikes = pd.read_csv(OUT / "bike_trips.csv", parse_dates=["started_at", "ended_at"])
    step("bike fit", lambda: trajlm.TrajLM.fit(bikes, OUT / "runs_bike", max_steps=20, threads=1))
    scoot = pd.read_csv(OUT / "scooter_tracks.csv", parse_dates=["ts"])
    step("scooter latest", lambda: small.predict(scoot, steps=3, latest=True))
    for q in ["how many buses are there?", "average speed in km/h per bus",
              "which bus drove the most km?", "how many trips stopped longer than 5 minutes?",
              "what is the median trip duration in minutes?"]:  # fmt: skip
        step(f"ask {q}", lambda q=q: trajlm.ask(q, avl))
    return str(run)


AHEAD = {"seconds_ahead": [60, 300], "radii": [50, 90]}  # a dashboard's next 1 and 5 minutes


def serve(run: str, port: int = 8766) -> None:
    avl = pd.read_csv(OUT / "avl.csv")
    buses = avl[avl["VehicleRef"].isin(sorted(avl["VehicleRef"].unique())[:2])]
    rows = buses.groupby("VehicleRef").tail(15).to_dict("records")
    holes = [dict(r, Latitude=None, Longitude=None) if i % 4 == 2 else r
             for i, r in enumerate(rows)]  # fmt: skip
    requests = [
        ("/predict", {"steps": 3, "output": "table", "trajectories": rows}),
        ("/predict", {"steps": 3, "latest": True, "output": "table", "trajectories": rows}),
        ("/predict", {**AHEAD, "output": "table", "trajectories": rows}),
        ("/recover", {"output": "table", "trajectories": holes}),
        ("/embed", {"trajectories": rows}),
        ("/similar", {"k": 2, "trajectories": rows}),
        ("/ask", {"question": "how many buses are there?", "trajectories": rows}),
    ]
    serve_and_post(run, port, OUT / "serve.log", requests, 500)


if __name__ == "__main__":
    serve(notebook())
