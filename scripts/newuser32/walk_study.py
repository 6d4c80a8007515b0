"""Session 32 (newuser32): an urban-mobility / public-health researcher's notebook on
gen_study.py's smartphone study (40 participants x 2 weeks, fixes every 10 s to 5 min with gaps,
an accuracy column, phones on other UTC offsets, a travel diary with stated modes, private
home / work places), cell by cell, from README.md and docs/api.md only: clean and cut into
trips, trajlm-small's predict ("where is P07 going next"), recover gaps, similar trips, embed +
cluster, mode per trip from the diary (ModelClassifier), `trajlm.ask` ("how many km did P07
walk last week?"), predict / embed on coordinates shifted or rounded for privacy; then
`trajlm serve` with a colleague's dashboard requests. Each cell prints its time, its warnings
and the head of its answer.

Command (after gen_study.py): PYTHONPATH=. python scripts/newuser32/walk_study.py [OUT]
(OUT default $NEWUSER32_OUT or /tmp/newuser32; $NEWUSER32_CELLS=name,... runs those cells only).
The CLI steps: scripts/newuser32/walk_cli.sh.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newuser_walk import cells, metres, serve_and_post, walk_out  # noqa: E402

OUT = walk_out("newuser32")
ONLY = set(os.environ.get("NEWUSER32_CELLS", "").split(",")) - {""}
step = cells("newuser32")  # one cell, skipped unless $NEWUSER32_CELLS names its start


def label_fixes(gps: pd.DataFrame, diary: pd.DataFrame) -> pd.DataFrame:
    """What the researcher writes to put the diary's stated mode on the fixes: each fix inside a
    diary trip's [depart, arrive] (local Amsterdam minutes) gets that trip's id and mode."""
    d = diary.copy()
    for c in ("depart", "arrive"):
        d[c] = pd.to_datetime(d[c]).dt.tz_localize("Europe/Amsterdam").dt.tz_convert("UTC")
    g = gps.assign(t_utc=pd.to_datetime(gps["timestamp"], utc=True, format="ISO8601"))
    g = g.sort_values("t_utc")
    m = pd.merge_asof(g, d.sort_values("depart"), left_on="t_utc", right_on="depart",
                      by="participant_id")  # fmt: skip
    m = m[m["t_utc"] <= m["arrive"]]
    m["trip"] = m["participant_id"] + "-" + m["trip_no"].astype(int).astype(str)
    return m.sort_values(["trip", "t_utc"]).drop(columns=["depart", "arrive", "t_utc"])


def notebook() -> None:
    gps = pd.read_csv(OUT / "gps.csv")  # `timestamp` stays text: offsets differ by phone
    diary = pd.read_csv(OUT / "survey_trips.csv")
    step("to_datetime mixed offsets", lambda: pd.to_datetime(gps["timestamp"].head(3)))
    cleaned = step("clean", lambda: trajlm.clean(gps, return_report=True))
    if cleaned is not None:
        print(cleaned[1])
    step("clean split_at_stops",
         lambda: trajlm.clean(gps, return_report=False, split_at_stops=True))  # fmt: skip
    p07 = gps[gps["participant_id"] == "P07"]
    week = p07[p07["timestamp"] < "2026-03-09"]
    small = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    step("P07 latest", lambda: small.predict(week, steps=5, latest=True))
    step("P07 at_times +10min", lambda: small.predict(
        week, seconds_ahead=[600], latest=True))  # fmt: skip
    trips = label_fixes(gps, diary)
    print("labelled fixes", len(trips), "trips", trips["trip"].nunique())
    some = trips[trips["trip"].isin(trips["trip"].drop_duplicates().sample(60, random_state=0))]
    step("predict trips", lambda: small.predict(some, steps=5, traj_col="trip"))
    holes = some.copy()
    rng = np.random.default_rng(0)
    hide = rng.random(len(holes)) < 0.3
    holes.loc[hide, ["latitude", "longitude"]] = np.nan
    filled = step("recover", lambda: small.recover(holes, traj_col="trip"))
    if filled is not None:
        m = some[hide].merge(filled, on=["trip", "timestamp"], suffixes=("", "_f"))
        e = metres(m["latitude"], m["longitude"], m["latitude_f"], m["longitude_f"])
        print(f"   recover: {len(m)} hidden rows, MAE {np.nanmean(e):.1f} m")
    step("similar", lambda: small.similar(some, k=3, traj_col="trip"))
    emb = step("embed", lambda: small.embed(some, traj_col="trip"))
    if emb is not None:
        from sklearn.cluster import KMeans

        X = emb.filter(like="emb_").to_numpy()
        print("kmeans sizes", np.bincount(KMeans(4, n_init=4, random_state=0).fit_predict(X)))
    # privacy: coordinates rounded to 3 decimals (~100 m), and shifted by a secret offset
    rounded = some.assign(latitude=some["latitude"].round(3), longitude=some["longitude"].round(3))
    step("predict rounded", lambda: small.predict(rounded, steps=5, traj_col="trip"))
    shifted = some.assign(latitude=some["latitude"] + 0.731, longitude=some["longitude"] - 1.214)
    step("predict shifted", lambda: small.predict(shifted, steps=5, traj_col="trip"))
    step("embed rounded", lambda: small.embed(rounded, traj_col="trip"))
    # mode per trip from the diary labels
    from trajlm import ModelClassifier

    ids = trips["trip"].drop_duplicates().sample(frac=1.0, random_state=1).tolist()
    tr, va = trips[trips["trip"].isin(ids[:300])], trips[trips["trip"].isin(ids[300:400])]
    clf = step("classify fit", lambda: ModelClassifier("trajlm-small", epochs=2).fit(
        tr, va, label_col="mode", traj_col="trip"))  # fmt: skip
    if clf is not None:
        step("classify", lambda: clf.classify(trips[trips["trip"].isin(ids[400:460])],
                                              traj_col="trip"))  # fmt: skip
    for q in ["how many km did P07 walk last week?", "how many trips did P07 make?",
              "how many participants are there?", "total km per participant",
              "how many trips stopped longer than 10 minutes?"]:  # fmt: skip
        step(f"ask {q}", lambda q=q: trajlm.ask(q, gps))
        step(f"ask trips {q}", lambda q=q: trajlm.ask(q, trips.drop(columns="trip_no"),
                                                      traj_col="trip", label_col="mode"))  # fmt: skip


def serve(port: int = 8767) -> None:
    gps = pd.read_csv(OUT / "gps.csv")
    rows = gps[gps["participant_id"].isin(["P05", "P07"])].groupby("participant_id").tail(20)
    rows = rows.to_dict("records")
    requests = [
        ("/predict", {"steps": 3, "output": "table", "trajectories": rows}),
        ("/predict", {"steps": 3, "latest": True, "output": "table", "trajectories": rows}),
        ("/embed", {"trajectories": rows}),
        ("/ask", {"question": "how many km did P07 travel?", "trajectories": rows}),
    ]
    serve_and_post("trajlm-small", port, OUT / "serve.log", requests, 500)


if __name__ == "__main__":
    notebook()
    if not ONLY or "serve" in ONLY:
        serve()
