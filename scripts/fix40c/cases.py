"""fix40c: the two wrong answers serve40 found in the Python API's fitted heads, reproduced.

1. Travel time: degree pairs sent with ``crs="local"`` (x / y metres on a plane) to a model
   trained on latitude / longitude. Python (the verdict's linear regression, the model's own
   answer, gradient boosting on the run's train O-D table), HTTP and the CLI.
2. Classify: walking trips given to a classifier whose training data had walk.

Uses serve40's fitted run and classifier (scripts/serve40/heads.py fits them, by the CLI, on a
seeded synthetic city) under $SERVE40_OUT (default /tmp/serve40/heads); fits them when absent.

    PYTHONPATH=$PWD python scripts/fix40c/cases.py     # the code on PYTHONPATH: main = before
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(os.environ.get("SERVE40_OUT", "/tmp/serve40/heads"))
HERE = Path(__file__).resolve().parents[2]


def say(case: str, verdict: str, what: str) -> None:
    print(f"{verdict:10s} {case}: {what}"[:400])


def answered(case: str, call) -> None:
    """Run ``call``; print its answer and warnings, or the one line it refused with."""
    from trajlm.errors import TrajlmInputError

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        try:
            secs = np.asarray(call())
        except TrajlmInputError as e:
            return say(case, "refused", f"{e} [field {e.field}]")
    said = [str(w.message)[:70] for w in got]
    say(case, "answered", f"{secs[:3].tolist()} s; {len(said)} warnings {said}")


def travel_time(run, store: Path) -> None:
    from fastapi.testclient import TestClient

    from trajlm.data.store import read_store
    from trajlm.eval.tte_baselines import GradientBoostingTTE, od_features
    from trajlm.serve import create_app

    test = read_store(store, split="test").select("traj_id", "t", "lat", "lon")
    ends = test.group_by("traj_id", maintain_order=True).agg(
        pl.col("lat").first().alias("o_lat"), pl.col("lon").first().alias("o_lon"),
        pl.col("lat").last().alias("d_lat"), pl.col("lon").last().alias("d_lon"),
        pl.col("t").first().alias("t0"),
    ).head(8)  # fmt: skip
    o, d = ends.select("o_lat", "o_lon").rows(), ends.select("d_lat", "d_lon").rows()
    t0 = [float(t) for t in ends["t0"]]
    answered("Python, degrees as crs local (the verdict's engine)",
             lambda: run.travel_time(o, d, t0, crs="local"))  # fmt: skip
    answered("Python, degrees as crs local, fallback=False (the model's own)",
             lambda: run.travel_time(o, d, t0, crs="local", fallback=False))  # fmt: skip
    answered("Python, the same degrees without crs (the verdict's engine)",
             lambda: run.travel_time(o, d, t0))  # fmt: skip
    # gradient boosting on the run's train O-D table, given what crs local makes of the pairs
    from trajlm.data.geo import to_wgs84

    train = pl.read_parquet(OUT / "run" / "best" / "val_verdict_od.parquet")
    gb = GradientBoostingTTE().fit(od_features(train))
    (ol, on), (dl, dn) = (to_wgs84(*np.asarray(p).T, "local") for p in (o, d))
    od = pl.DataFrame({"o_lat": ol, "o_lon": on, "d_lat": dl, "d_lon": dn,
                       "t_start": np.asarray(t0, np.int64)})  # fmt: skip
    answered("gradient boosting (train O-D table) on crs local's reading of the degrees",
             lambda: gb.predict(od_features(od)))  # fmt: skip
    with TestClient(create_app(run)) as c:
        r = c.post("/travel-time", json={"origins": [list(p) for p in o],
                                         "destinations": [list(p) for p in d],
                                         "depart": t0, "crs": "local"})  # fmt: skip
        j = r.json()
        verdict = "answered" if r.status_code == 200 else "refused"
        say("HTTP /travel-time, degrees as crs local", verdict,
            f"{r.status_code} {j.get('seconds', [None])[:3] if r.status_code == 200 else j}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        trips = Path(tmp) / "od.csv"
        pl.DataFrame({"o_x": ends["o_lat"], "o_y": ends["o_lon"], "d_x": ends["d_lat"],
                      "d_y": ends["d_lon"], "depart": t0}).write_csv(trips)  # fmt: skip
        cli = [sys.executable, "-m", "trajlm.cli", "travel-time", "--model", str(OUT / "run"),
               "--input", str(trips), "--out", str(Path(tmp) / "tt.csv"), "--crs", "local"]  # fmt: skip
        p = subprocess.run(cli, capture_output=True, text=True, env={**os.environ})
        lines = (p.stdout + p.stderr).strip().splitlines()
        if p.returncode == 0:
            tt = pl.read_csv(Path(tmp) / "tt.csv")["travel_time_s"].head(3).to_list()
            say("CLI travel-time --crs local, degree columns", "answered", f"{tt} s; {lines}")
        else:
            say("CLI travel-time --crs local, degree columns", "refused",
                f"exit {p.returncode}: {lines}")  # fmt: skip


def classify(clf, store: Path) -> None:
    from trajlm.data.store import read_store

    test = read_store(store, split="test").select("traj_id", "t", "lat", "lon", "label")
    truth = test.group_by("traj_id", maintain_order=True).agg(pl.col("label").first())
    print("   test trips by label:", dict(truth["label"].value_counts().sort("label").rows()))
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = clf.classify(test.drop("label"))
    said = [str(w.message)[:200] for w in got]
    both = truth.join(out.select("traj_id", "label").rename({"label": "got"}), on="traj_id")
    walk = both.filter(pl.col("label") == "walk")
    labels = dict(walk["got"].value_counts().sort("got").rows())
    classes = [c[2:] for c in out.columns if c.startswith("p_")]
    learned = "walk" in classes and labels.get("walk", 0) > len(walk) / 2
    verdict = "works" if learned else "told" if said else "silent"
    say(
        "classify, walking test trips",
        verdict,
        f"{len(walk)} walking trips labelled {labels}; classes {classes}; warnings {said}",
    )
    hits = int((both["label"] == both["got"]).sum())
    print(f"   all test trips right: {hits}/{len(both)}")


def main() -> None:
    import trajlm

    if not (OUT / "clf" / "classifier.json").exists():
        runpy.run_path(str(HERE / "scripts" / "serve40" / "heads.py"), run_name="fit")["fit"]()
    warnings.simplefilter("ignore")
    run = trajlm.TrajLM.from_pretrained(OUT / "run")
    travel_time(run, OUT / "store")
    clf_dir = Path(os.environ.get("FIX40C_CLF", OUT / "clf"))
    classify(trajlm.TrajLM.from_pretrained(clf_dir), OUT / "store")


if __name__ == "__main__":
    main()
