"""serve40: `/travel-time` and `/classify` with fitted heads, each call classified and compared
with the Python API on the same input (in process, FastAPI's TestClient).

The models are fitted the documented way, by the CLI, on a seeded synthetic city (300 trips,
seed 40), once, under $SERVE40_OUT (default /tmp/serve40/heads):

    trajlm data synth --out OUT/store -n 300 --seed 40
    trajlm train --config OUT/mt.toml --data OUT/store --out OUT/run --seed 40   # infilling heads
    trajlm finetune --task classify --model OUT/run --data OUT/store --out OUT/clf --epochs 3

then served (`create_app(TrajLM.from_pretrained(...))`, as `trajlm serve --model` does).

    PYTHONPATH=$PWD python scripts/serve40/heads.py            # the code on PYTHONPATH
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(os.environ.get("SERVE40_OUT", "/tmp/serve40/heads"))
CONFIG = """# configs/multitask.toml's shape, smaller (minutes on a shared 2-core machine)
[model]
d_model = 32
n_layers = 2
n_heads = 4
n_kv_heads = 2
max_len = 64
pos_type = "rope_time"
head = "gaussian"
infill_heads = true
infill_anchor_inputs = true

[train]
batch_size = 16
max_len = 64
stride = 32
lr = 2e-3
warmup_steps = 20
max_steps = 200
eval_every = 100
save_every = 100
cpu_threads = 1
progress = false

[train.objectives]
causal = 1.0
points = 2.0
spans = 1.0
features = 0.5
od = 1.0
future = 0.5
od_whole_prob = 0.5
"""


def fit() -> None:
    """The store, the multitask run and the classifier, by the CLI (skipped when present)."""
    cli = [sys.executable, "-m", "trajlm.cli"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mt.toml").write_text(CONFIG)
    steps = [
        (OUT / "store", ["data", "synth", "--out", OUT / "store", "-n", "300", "--seed", "40"]),
        (OUT / "run" / "best", ["train", "--config", OUT / "mt.toml", "--data", OUT / "store",
                                "--out", OUT / "run", "--seed", "40"]),
        (OUT / "clf" / "classifier.json", ["finetune", "--task", "classify", "--model",
                                           OUT / "run", "--data", OUT / "store", "--out",
                                           OUT / "clf", "--epochs", "3", "--seed", "40"]),
    ]  # fmt: skip
    for done, args in steps:
        if not done.exists():
            subprocess.run([*cli, *map(str, args)], check=True)


def main() -> None:
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.data.store import read_store
    from trajlm.serve import create_app

    warnings.simplefilter("ignore")
    fit()
    run = trajlm.TrajLM.from_pretrained(OUT / "run")
    clf = trajlm.TrajLM.from_pretrained(OUT / "clf")
    test = read_store(OUT / "store", split="test").select("traj_id", "t", "lat", "lon", "label")
    ids = test["traj_id"].unique(maintain_order=True).head(8).to_list()
    trips = test.filter(pl.col("traj_id").is_in(ids))
    ends = trips.group_by("traj_id", maintain_order=True).agg(
        pl.col("lat").first().alias("o_lat"), pl.col("lon").first().alias("o_lon"),
        pl.col("lat").last().alias("d_lat"), pl.col("lon").last().alias("d_lon"),
        pl.col("t").first().alias("t0"), (pl.col("t").last() - pl.col("t").first()).alias("took"),
    )  # fmt: skip
    o = ends.select("o_lat", "o_lon").rows()
    d = ends.select("d_lat", "d_lon").rows()
    t0 = ends["t0"].to_list()
    got: list[tuple[str, str, str]] = []

    def note(name: str, verdict: str, why: str) -> None:
        got.append((name, verdict, why))
        print(f"{verdict:12s} {name}: {why}"[:260])

    def told(name: str, r, field: str | None = None) -> None:
        j = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        one = "error" in j and "\n" not in j["error"] and (field is None or j.get("field") == field)
        if r.status_code >= 500:
            note(name, "500", r.text[:160])
        elif 400 <= r.status_code < 500 and one:
            note(name, "told", f"{r.status_code} {j.get('field')}: {j['error']}")
        else:
            note(name, "confusing", f"{r.status_code} {r.text[:160]}")

    def same(name: str, r, want: np.ndarray, key: str = "seconds") -> None:
        if r.status_code != 200:
            return told(name, r)
        have = np.array([np.nan if v is None else v for v in r.json()[key]], dtype=float)
        ok = have.shape == want.shape and np.allclose(have, want, rtol=0, atol=1e-6, equal_nan=True)
        note(name, "works" if ok else "silent wrong",
             f"engine {r.json().get('engine')}, {np.round(have[:3], 1).tolist()} vs Python "
             f"{np.round(want[:3], 1).tolist()}, equal: {ok}")  # fmt: skip

    with TestClient(create_app(run)) as c:
        iso = [trajlm_iso(t) for t in t0]
        body = {"origins": [list(p) for p in o], "destinations": [list(p) for p in d]}
        r = c.post("/travel-time", json=body | {"depart": iso[0]})
        same("travel-time, 8 trips, one ISO depart", r, np.asarray(run.travel_time(o, d, iso[0])))
        r = c.post("/travel-time", json=body | {"depart": iso})
        same("travel-time, a depart per trip", r, np.asarray(run.travel_time(o, d, iso)))
        r = c.post("/travel-time", json=body | {"depart": iso, "fallback": False})
        same("travel-time, fallback false (the model's own)", r,
             np.asarray(run.travel_time(o, d, iso, fallback=False)))  # fmt: skip
        ms = [int(t) * 1000 for t in t0]
        r = c.post("/travel-time", json=body | {"depart": ms})
        same("travel-time, depart in Unix ms (Date.now())", r,
             np.asarray(run.travel_time(o, d, [float(t) for t in t0])))  # fmt: skip
        local = [trajlm_iso(t, "+03:00") for t in t0]
        r = c.post("/travel-time", json=body | {"depart": local})
        same("travel-time, depart with +03:00", r, np.asarray(run.travel_time(o, d, local)))
        r = c.post("/travel-time", json=body | {"depart": iso[0], "fallback": False})
        print("   truth (s):", ends["took"].to_list(), "\n   model:", r.json().get("seconds"))
        r = c.post("/travel-time", json={"origins": [o[0]], "destinations": [o[0]],
                                         "depart": iso[0]})  # fmt: skip
        warned = r.status_code == 200 and any("origin == destination" in w
                                              for w in r.json().get("warnings", []))  # fmt: skip
        note("travel-time, origin = destination", "told" if warned else "confusing",
             f"{r.status_code} {r.text[:200]}")  # fmt: skip
        told("travel-time, 2 origins 1 destination", c.post("/travel-time", json={
            "origins": body["origins"][:2], "destinations": body["destinations"][:1],
            "depart": iso[0]}), "destinations")  # fmt: skip
        told("travel-time, a depart list of the wrong length",
             c.post("/travel-time", json=body | {"depart": iso[:3]}), "depart")  # fmt: skip
        told("travel-time, latitude 123", c.post("/travel-time", json=body | {
            "origins": [[123, 8]] + body["origins"][1:], "depart": iso[0]}), "origins[0]")  # fmt: skip
        told("travel-time, no depart", c.post("/travel-time", json=body), "depart")
        r = c.post("/travel-time", json={"origins": [{"lat": o[0][0], "lon": o[0][1]}],
                                         "destinations": [{"lat": d[0][0], "lng": d[0][1]}],
                                         "depart": iso[0]})  # fmt: skip
        same("travel-time, {lat, lon} / Leaflet {lat, lng} objects", r,
             np.asarray(run.travel_time([o[0]], [d[0]], iso[0])))  # fmt: skip
        told("travel-time, 'at noon'", c.post("/travel-time", json=body | {"depart": "at noon"}))
        told("classify on a run that is no classifier",
             c.post("/classify", json={"trajectories": rows(trips)}))  # fmt: skip
        r = c.post("/travel-time", json=body | {"depart": iso[0], "crs": "local"})
        py = np.asarray(run.travel_time(o, d, iso[0], crs="local"))
        said = r.status_code == 200 and len(r.json().get("warnings", [])) >= 2
        note("travel-time, degrees sent as crs local (metres 4,955 km from the training area)",
             "told" if said and np.allclose(r.json()["seconds"], py, rtol=1e-9) else "confusing",
             f"{r.json().get('seconds', [None])[0]} s as Python ({py[0]:.3g} s), warnings: "
             f"{[w[:60] for w in r.json().get('warnings', [])]}")  # fmt: skip

    with TestClient(create_app(clf)) as c:
        py = clf.classify(trips.drop("label"))
        r = c.post("/classify", json={"trajectories": rows(trips)})
        labels_same(note, "classify, 8 test trips (rows)", r, py)
        r = c.post("/classify", json={"trajectories": geojson(trips)})
        labels_same(note, "classify, GeoJSON", r, py)
        feed = [{"unitId": x["traj_id"], "ts": trajlm_iso(x["t"], "+01:00"),
                 "latitude": str(x["lat"]), "longitude": x["lon"]}
                for x in trips.iter_rows(named=True)]  # fmt: skip
        r = c.post("/classify", json={"trajectories": feed})
        labels_same(note, "classify, a feed's own keys, text latitude", r, py)
        r = c.post("/classify", json={"trajectories": feed, "keys": "request"})
        ok = r.status_code == 200 and "unitId" in r.json()["results"][0]
        note("classify, keys request", "works" if ok else "dead end", r.text[:160])
        truth = trips.group_by("traj_id", maintain_order=True).agg(pl.col("label").first())
        hits = sum(a == b for a, b in zip(py["label"], truth["label"], strict=True))
        print(
            f"   classify: {hits}/{len(truth)} test trips right (engine {py['engine'][0]}; "
            f"truth {truth['label'].to_list()})"
        )
        one = trips.group_by("traj_id", maintain_order=True).head(1)
        r = c.post("/classify", json={"trajectories": rows(one)})
        said = r.status_code == 200 and any("single point" in w for w in r.json()["warnings"])
        note("classify, one point per trajectory", "told" if said else "confusing",
             f"{r.status_code}, warnings {r.json().get('warnings')}")  # fmt: skip
        told("classify, empty", c.post("/classify", json={"trajectories": []}), "trajectories")
        r = c.post("/travel-time", json={"origins": [o[0]], "destinations": [d[0]],
                                         "depart": iso[0]})  # fmt: skip
        same("travel-time on a classifier (its backbone's infilling heads)", r,
             np.asarray(clf.travel_time([o[0]], [d[0]], iso[0])))  # fmt: skip
        r = c.post("/predict", json={"trajectories": rows(trips), "steps": 2})
        note("predict on a classifier", "works" if r.status_code == 200 else "told",
             f"{r.status_code} {r.text[:140]}")  # fmt: skip
    counts = {}
    for _, v, _ in got:
        counts[v] = counts.get(v, 0) + 1
    print(json.dumps(counts))


def trajlm_iso(t: float, offset: str = "Z") -> str:
    from datetime import datetime, timedelta, timezone

    sign = -1 if offset.startswith("-") else 1
    hours = 0 if offset == "Z" else int(offset[1:3])
    tz = timezone(sign * timedelta(hours=hours))
    text = datetime.fromtimestamp(float(t), tz).isoformat()
    return text.replace("+00:00", "Z")


def rows(df: pl.DataFrame) -> list[dict]:
    return df.select("traj_id", "t", "lat", "lon").to_dicts()


def geojson(df: pl.DataFrame) -> dict:
    feats = []
    for (tid,), g in df.group_by("traj_id", maintain_order=True):
        feats.append({"type": "Feature", "properties": {"traj_id": tid, "times": g["t"].to_list()},
                      "geometry": {"type": "LineString",
                                   "coordinates": g.select("lon", "lat").rows()}})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


def labels_same(note, name: str, r, py: pl.DataFrame) -> None:
    if r.status_code != 200:
        note(name, "told" if r.status_code < 500 else "500", r.text[:160])
        return
    res = r.json()["results"]
    key = "traj_id" if "traj_id" in res[0] else next(iter(res[0]))
    labels = [x["label"] for x in res]
    p_http = np.array([[x["proba"][k] for k in sorted(x["proba"])] for x in res])
    cols = sorted(c for c in py.columns if c.startswith("p_"))
    p_py = py.select(cols).to_numpy()
    ok = (
        labels == py["label"].to_list()
        and [str(x[key]) for x in res] == py["traj_id"].cast(pl.Utf8).to_list()
    )
    ok = ok and p_http.shape == p_py.shape and np.allclose(p_http, p_py, atol=1e-6)
    note(name, "works" if ok else "silent wrong", f"labels {labels[:4]}..., equal to Python: {ok}")


if __name__ == "__main__":
    main()
