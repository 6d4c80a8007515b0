"""newuser40's notebook walk: Danube barges (AIS-like, 1-30 min, two UTM zones) through the API.

    PYTHONPATH=$PWD python scripts/newuser40/walk_api.py [--steps N] [--only a,b]

Reads $NEWUSER40/raw/barges.csv (scripts/newuser40/gen.py), writes $NEWUSER40/out/walk.json:
per step what came back (ok / the exception's first line) and every warning's first line, so
the "before" / "after" table in docs/api.md "Session 40 (newuser40)" is this file's output.
The user follows README / docs/api.md / docstrings only; every call passes its column names.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newuser_walk import recorded_step  # noqa: E402

UTM = {
    "traj_col": "barge_no",
    "time_col": "ping_local",
    "lat_col": "northing",
    "lon_col": "easting",
}
COLS = {"traj_col": "barge_no", "time_col": "ping_local", "tz": "Europe/Budapest"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.environ.get("NEWUSER40", "/tmp/newuser40"))
    ap.add_argument("--steps", type=int, default=60, help="fine-tune steps (fit)")
    ap.add_argument("--only", default="", help="comma-separated step names")
    args = ap.parse_args()
    root = Path(args.root)
    out = root / "out"
    out.mkdir(parents=True, exist_ok=True)
    csv = root / "raw" / "barges.csv"
    raw = pd.read_csv(csv)
    log: dict = {}
    state: dict = {}

    def step(name: str, fn) -> None:  # noqa: ANN001
        if not args.only or name in args.only.split(","):
            recorded_step(log, name, fn)

    def load():
        state["m"] = trajlm.TrajLM.from_pretrained("trajlm-small")
        return repr(state["m"])

    def predict_utm_nocrs():
        p = state["m"].predict(raw, steps=5, **UTM, tz="Europe/Budapest")
        return {"type": type(p).__name__, "n": len(p)}

    def predict_utm_crs33():
        """The whole file read as zone 33N: the 34N rows are not where they say."""
        p = state["m"].predict(raw, steps=5, **UTM, tz="Europe/Budapest", crs="EPSG:32633")
        return {"type": type(p).__name__, "n": len(p), "head": p.head(2).to_dict("records")}

    def predict_path():
        p = state["m"].predict(str(csv), steps=5, traj_col="barge_no", time_col="ping_local")
        return {"type": type(p).__name__, "n": len(p)}

    def to_gdf():
        """The analyst's own fix: each zone's rows to EPSG:3035 (LAEA Europe), one GeoDataFrame."""
        import geopandas as gpd

        parts = []
        for zone, epsg in (("33N", 32633), ("34N", 32634)):
            z = raw[raw.utm_zone == zone]
            g = gpd.GeoDataFrame(z, geometry=gpd.points_from_xy(z.easting, z.northing), crs=epsg)
            parts.append(g.to_crs(3035))
        gdf = pd.concat(parts).sort_values(["barge_no", "ping_local"], kind="stable")
        gdf = gpd.GeoDataFrame(gdf.drop(columns=["easting", "northing", "utm_zone"]), crs=3035)
        state["gdf_raw"] = gdf
        return {"rows": len(gdf), "crs": str(gdf.crs)}

    def predict_gdf_raw():
        p = state["m"].predict(state["gdf_raw"], steps=5, **COLS)
        return {"type": type(p).__name__, "n": len(p)}

    def clean():
        """trajlm.clean, then again with the max_speed_mps its warning names (as a user does)."""
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            g = trajlm.clean(state["gdf_raw"], return_report=False, **COLS)
        advice = [m.group(1) for w in said
                  if (m := re.search(r"max_speed_mps=([\d.]+)\) drops", str(w.message)))]  # fmt: skip
        for w in said:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if advice:
            g = trajlm.clean(state["gdf_raw"], return_report=False,
                             max_speed_mps=float(advice[0]), **COLS)  # fmt: skip
        state["gdf"] = g
        rep = g.attrs.get("clean_report")
        return {
            "type": type(g).__name__,
            "crs": str(getattr(g, "crs", None)),
            "rows": len(g),
            "advice_max_speed_mps": advice,
            "ids": int(g["barge_no"].nunique()),
            "cols": list(g.columns),
            "report": str(rep)[:600],
        }

    def predict():
        p = state["m"].predict(state["gdf"], steps=5, **COLS)
        state["pred"] = p
        return {
            "type": type(p).__name__,
            "crs": str(getattr(p, "crs", None)),
            "cols": list(p.columns),
            "dtype_t": str(p["ping_local"].dtype),
            "head": p.head(2).drop(columns="geometry", errors="ignore").to_dict("records"),
        }

    def at_times():
        g = state["gdf"]
        last = pd.to_datetime(g.groupby("barge_no")["ping_local"].max())
        now = last.max()
        asked = [now + pd.Timedelta("15min"), now + pd.Timedelta("1h")]
        p = state["m"].predict(g, at_times=[str(a) for a in asked], **COLS)
        return {"n": len(p), "nan": int(p.geometry.x.isna().sum()),
                "cols": list(p.columns), "head": p.head(2).drop(columns="geometry").to_dict("records")}  # fmt: skip

    def seconds_ahead():
        p = state["m"].predict(state["gdf"], seconds_ahead=[900, 3600], latest=True, **COLS)
        return {
            "n": len(p),
            "cols": list(p.columns),
            "engine": p["engine"].value_counts().to_dict() if "engine" in p else None,
        }

    def recover_every():
        g = state["gdf"]
        r = state["m"].recover(g, every="10min", engine=True, **COLS)
        state["rec"] = r
        return {"type": type(r).__name__, "rows_in": len(g), "rows_out": len(r),
                "recovered": int(r["recovered"].sum()), "engine": state["m"].last_engine}  # fmt: skip

    def recover_holdout():
        """Hide every 3rd interior ping of 40 barges and score the recovered points in metres."""
        g = state["gdf"].copy()
        g = g[g.barge_no.isin(sorted(g.barge_no.unique())[:40])].reset_index(drop=True)
        i = g.groupby("barge_no").cumcount()
        n = g.groupby("barge_no")["barge_no"].transform("size")
        hide = (i % 3 == 1) & (i > 0) & (i < n - 1)
        truth = g.geometry[hide].copy()
        g.loc[hide, "geometry"] = None
        r = state["m"].recover(g, **COLS)
        err = r.geometry[hide].distance(truth)
        return {"hidden": int(hide.sum()), "mae_m": round(float(err.mean()), 1),
                "engine": state["m"].last_engine}  # fmt: skip

    def evaluate_small():
        t = state["m"].evaluate(
            state["gdf"], task="predict",
            compare=[("trajlm", "constant velocity"), ("trajlm", "kNN continuation")], **COLS,
        )  # fmt: skip
        return {
            "rows": t[["method", "mae_m"]].to_dict("records"),
            "comparisons": str(t.attrs.get("comparisons"))[:800],
            "verdict": t.attrs.get("verdict"),
        }

    def evaluate_report_times():
        """The eval note's advice on irregular reports: ask every method at the true times."""
        t = state["m"].evaluate(
            state["gdf"], task="predict", at_report_times=True,
            compare=[("trajlm", "constant velocity [time]"), ("trajlm", "kNN continuation")], **COLS,
        )  # fmt: skip
        return {"rows": t[["method", "mae_m"]].to_dict("records"),
                "comparisons": str(t.attrs.get("comparisons"))[:800]}  # fmt: skip

    def fit_run(name: str, **extra):  # noqa: ANN003, ANN202
        kw = {"init_from": "trajlm-small", "max_steps": args.steps, "seed": 0, "overwrite": True}
        return trajlm.TrajLM.fit(state["gdf"], out / name, **kw, **extra, **COLS)

    def fit_full():
        state["ft"] = fit_run("ft_full", store=out / "store")
        return repr(state["ft"])

    def fit_lora():
        state["lora"] = fit_run("ft_lora", mode="lora", lora_r=4)
        return repr(state["lora"])

    def evaluate_ft():
        t = state["ft"].evaluate(out / "store", task="predict",
                                 compare=[("trajlm", "kNN continuation")])  # fmt: skip
        return {"rows": t[["method", "mae_m"]].to_dict("records"),
                "comparisons": str(t.attrs.get("comparisons"))[:500]}  # fmt: skip

    def save_reload():
        d = out / "saved"
        shutil.rmtree(d, ignore_errors=True)
        m = state.get("ft", state["m"])
        m.save_pretrained(d)
        back = trajlm.TrajLM.from_pretrained(d)
        a = m.predict(state["gdf"], steps=3, **COLS)
        b = back.predict(state["gdf"], steps=3, **COLS)
        return {"files": sorted(p.name for p in d.iterdir()), "same": bool(a.equals(b))}

    def embed():
        e = state["m"].embed(state["gdf"], **COLS)
        return {"type": type(e).__name__, "cols": list(e.columns[:3]), "n": len(e)}

    def similar():
        s = state["m"].similar(state["gdf"], k=3, **COLS)
        cargo = state["gdf"].groupby("barge_no")["cargo"].first()
        top1 = s[s["rank"] == 1] if "rank" in s else s.groupby("barge_no").head(1)
        same = float((cargo.loc[top1["barge_no"]].to_numpy() == cargo.loc[top1["match"]].to_numpy()).mean())  # fmt: skip
        return {"cols": list(s.columns), "top1_same_cargo": round(same, 3), "n": len(s)}

    def classify():
        g = state["gdf"]
        ids = np.array(sorted(g.barge_no.unique()))
        rng = np.random.default_rng(0)
        rng.shuffle(ids)
        tr, va, te = ids[:90], ids[90:115], ids[115:]
        clf = trajlm.ModelClassifier("trajlm-small", mode="lora", epochs=4, seed=0)
        clf.fit(g[g.barge_no.isin(tr)], g[g.barge_no.isin(va)], label_col="cargo", **COLS)
        d = out / "cargo_clf"
        shutil.rmtree(d, ignore_errors=True)
        clf.save(d)
        res = trajlm.TrajLM.from_pretrained(d).classify(g[g.barge_no.isin(te)], **COLS)
        truth = g.groupby("barge_no")["cargo"].first()
        acc = float((res["label"].to_numpy() == truth.loc[res["barge_no"]].to_numpy()).mean())
        major = float((truth.loc[te] == truth.loc[tr].mode()[0]).mean())
        return {"cols": list(res.columns), "acc": round(acc, 3), "majority": round(major, 3)}

    def movingpandas():
        import movingpandas as mpd

        g = state["gdf"].copy()
        g["ping_local"] = pd.to_datetime(g["ping_local"])
        tc = mpd.TrajectoryCollection(g, traj_id_col="barge_no", t="ping_local")
        p = state["m"].predict(tc, steps=3, tz="Europe/Budapest")
        return {"type": type(p).__name__, "n": len(p.trajectories)}

    def baselines():
        from trajlm.baselines import ConstantVelocity, KNNContinuation

        cv = ConstantVelocity().predict(state["gdf"], steps=5, **COLS)
        knn = KNNContinuation().fit(state["gdf"], **COLS).predict(state["gdf"], steps=5, **COLS)
        return {"cv_type": type(cv).__name__, "cv_cols": list(cv.columns), "knn_n": len(knn)}

    steps = [
        ("load", load), ("predict_utm_nocrs", predict_utm_nocrs),
        ("predict_utm_crs33", predict_utm_crs33), ("predict_path", predict_path),
        ("to_gdf", to_gdf), ("predict_gdf_raw", predict_gdf_raw), ("clean", clean),
        ("predict", predict), ("at_times", at_times), ("seconds_ahead", seconds_ahead),
        ("recover_every", recover_every), ("recover_holdout", recover_holdout),
        ("evaluate_small", evaluate_small), ("evaluate_report_times", evaluate_report_times),
        ("fit_full", fit_full), ("fit_lora", fit_lora),
        ("evaluate_ft", evaluate_ft), ("save_reload", save_reload), ("embed", embed),
        ("similar", similar), ("classify", classify), ("movingpandas", movingpandas),
        ("baselines", baselines),
    ]  # fmt: skip
    for name, fn in steps:
        if name != "load" and "m" not in state:
            step("load", load)
        if name not in ("load", "to_gdf") and name.startswith(("predict_gdf", "clean")) is False:
            if "gdf" not in state and name not in (
                "predict_utm_nocrs",
                "predict_utm_crs33",
                "predict_path",
            ):
                if "gdf_raw" not in state:
                    step("to_gdf", to_gdf)
                step("clean", clean)
        if name == "predict_gdf_raw" and "gdf_raw" not in state:
            step("to_gdf", to_gdf)
        step(name, fn)
    (out / "walk.json").write_text(json.dumps(log, indent=1, default=str))


if __name__ == "__main__":
    main()
