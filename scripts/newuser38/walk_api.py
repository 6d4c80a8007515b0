"""newuser38's notebook walk: Ushuaia scooters and cars through the API, as the docs tell it.

    PYTHONPATH=$PWD python scripts/newuser38/walk_api.py [--steps N] [--only a,b]

Reads $NEWUSER38/raw/ushuaia.parquet (scripts/newuser38/gen.py), writes $NEWUSER38/out/walk.json:
per step what came back (ok / the exception's first line) and every warning's first line, so
the "before" / "after" table in docs/api.md "Session 38 (newuser38)" is this file's output.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import traceback
import warnings
from pathlib import Path

import pandas as pd

import trajlm

COLS = {"traj_col": "ride", "time_col": "recorded_at", "lat_col": "lat_deg", "lon_col": "lon_deg"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.environ.get("NEWUSER38", "/tmp/newuser38"))
    ap.add_argument("--steps", type=int, default=60, help="fine-tune steps (fit)")
    ap.add_argument("--only", default="", help="comma-separated step names")
    args = ap.parse_args()
    root = Path(args.root)
    out = root / "out"
    out.mkdir(parents=True, exist_ok=True)
    raw = pd.read_parquet(root / "raw" / "ushuaia.parquet")
    log: dict = {}
    state: dict = {}

    def step(name: str, fn) -> None:  # noqa: ANN001
        if args.only and name not in args.only.split(","):
            return
        t0 = time.time()
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            try:
                result = fn()
                entry = {"ok": True, "result": result}
            except Exception as e:  # noqa: BLE001 - the walk records what a user would see
                tb = traceback.extract_tb(e.__traceback__)
                entry = {
                    "ok": False,
                    "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}",
                    "user_error": isinstance(e, trajlm.errors.UserError),
                    "where": f"{tb[-1].filename}:{tb[-1].lineno}",
                }
        entry["warnings"] = sorted(
            {f"{w.category.__name__}: {str(w.message).splitlines()[0][:300]}" for w in said}
        )
        entry["s"] = round(time.time() - t0, 1)
        log[name] = entry
        print(name, json.dumps(entry, default=str)[:1500], flush=True)

    def load():
        state["m"] = trajlm.TrajLM.from_pretrained("trajlm-small")
        return repr(state["m"])

    def predict_raw():
        p = state["m"].predict(raw, steps=5, **COLS)
        return {"type": type(p).__name__, "cols": list(p.columns), "n": len(p)}

    def clean():
        df = trajlm.clean(raw, return_report=False, **COLS)
        state["df"] = df
        return {"rows": len(df), "report": str(df.attrs.get("clean_report"))[:400]}

    def predict():
        df = state["df"]
        p = state["m"].predict(df, steps=5, **COLS)
        state["pred"] = p
        return {
            "type": type(p).__name__,
            "cols": list(p.columns),
            "dtype_t": str(p["recorded_at"].dtype),
            "head": p.head(2).to_dict("records"),
        }

    def evaluate_small():
        t = state["m"].evaluate(
            state["df"], task="predict", compare=[("trajlm", "constant velocity")], **COLS
        )
        return {
            "rows": t[["method", "mae_m", "ratio_to_cv"]].to_dict("records"),
            "comparisons": str(t.attrs.get("comparisons"))[:600],
            "verdict": t.attrs.get("verdict"),
        }

    def fit_run(name: str, **extra):  # noqa: ANN003, ANN202
        kwargs = {
            "init_from": "trajlm-small",
            "max_steps": args.steps,
            "seed": 0,
            "overwrite": True,
        }
        return trajlm.TrajLM.fit(state["df"], out / name, **kwargs, **extra, **COLS)

    def fit_full():
        state["ft"] = fit_run("ft_full", store=out / "store")
        return repr(state["ft"])

    def fit_lora():
        return repr(fit_run("ft_lora", mode="lora"))

    def save_reload():
        d = out / "saved"
        shutil.rmtree(d, ignore_errors=True)
        m = state.get("ft", state["m"])
        m.save_pretrained(d)
        files = sorted(p.name for p in d.iterdir())
        back = trajlm.TrajLM.from_pretrained(d)
        a = m.predict(state["df"], steps=3, **COLS)
        b = back.predict(state["df"], steps=3, **COLS)
        return {"files": files, "same": bool(a.equals(b))}

    def embed():
        e = state["m"].embed(state["df"], **COLS)
        return {"type": type(e).__name__, "cols": list(e.columns[:3]), "n": len(e)}

    def similar():
        s = state["m"].similar(state["df"], k=3, **COLS)
        return {"cols": list(s.columns), "head": s.head(3).to_dict("records")}

    def at_times():
        df = state["df"]
        now = df["recorded_at"].max()
        p = state["m"].predict(
            df, at_times=[now + pd.Timedelta("30s"), now + pd.Timedelta("2min")], **COLS
        )
        last_ride = df.loc[df["recorded_at"].idxmax(), "ride"]
        q = state["m"].predict(df, seconds_ahead=[10, 30, 60], **COLS)
        return {
            "n": len(p),
            "nan": int(p["lat_deg"].isna().sum()),
            "ride_ok": p.loc[p.ride == last_ride].to_dict("records")[:2],
            "seconds_ahead_n": len(q),
            "t_dtype": str(q["recorded_at"].dtype),
        }

    def geopandas():
        import geopandas as gpd

        df = state["df"]
        gdf = gpd.GeoDataFrame(
            df, geometry=gpd.points_from_xy(df.lon_deg, df.lat_deg), crs=4326
        ).to_crs(32719)
        p = state["m"].predict(
            gdf.drop(columns=["lat_deg", "lon_deg"]),
            steps=3,
            traj_col="ride",
            time_col="recorded_at",
        )
        return {"type": type(p).__name__, "crs": str(p.crs), "cols": list(p.columns)}

    def movingpandas():
        import geopandas as gpd
        import movingpandas as mpd

        df = state["df"]
        gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon_deg, df.lat_deg), crs=4326)
        tc = mpd.TrajectoryCollection(gdf, traj_id_col="ride", t="recorded_at")
        p = state["m"].predict(tc, steps=3)
        return {"type": type(p).__name__, "n": len(p.trajectories)}

    def baselines():
        from trajlm.baselines import ConstantVelocity, KNNContinuation

        cv = ConstantVelocity().predict(state["df"], steps=5, **COLS)
        knn = KNNContinuation().fit(state["df"], **COLS).predict(state["df"], steps=5, **COLS)
        return {"cv_cols": list(cv.columns), "knn_n": len(knn)}

    for name, fn in [
        ("load", load),
        ("predict_raw", predict_raw),
        ("clean", clean),
        ("predict", predict),
        ("evaluate_small", evaluate_small),
        ("fit_full", fit_full),
        ("fit_lora", fit_lora),
        ("save_reload", save_reload),
        ("embed", embed),
        ("similar", similar),
        ("at_times", at_times),
        ("geopandas", geopandas),
        ("movingpandas", movingpandas),
        ("baselines", baselines),
    ]:
        if name != "load" and "m" not in state:
            step("load", load)
        if name not in ("load", "predict_raw", "clean") and "df" not in state:
            step("clean", clean)
        step(name, fn)
    (out / "walk.json").write_text(json.dumps(log, indent=1, default=str))


if __name__ == "__main__":
    main()
