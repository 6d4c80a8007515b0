"""Session 31 (gate31): the coverage gate's speed range, old rule vs new, on a store's val split.

Rules (each a coverage record the same model reads; trajlm/model/coverage_gate.py):
  old      speed judged on whole training tracks' medians, 5th-95th percentile (before session 31)
  new      the low end from whole tracks, the high end the higher of tracks' and windows' of the
           model's max_len points (``speed_reference``; the record must hold ``window_speed_mps``)
  windows  both ends from the windows (vessel30's warning reference, reverted at 8b32dd15)
  none     the model ungated (coverage_gate "none")
  cv       the gate's own fallback for every call (g = 0: constant velocity in the input's terms)

Per seed, one window per val trajectory: a cut drawn uniformly from its points (at least 3 in,
K out), history its last max_len - K points before the cut, truth the next K. Printed and
written (OUT/NAME.json, OUT default $GATE31_OUT or runs/gate31): per rule the share of windows
it gates (g < 1), ADE (m) over all windows and over the gated ones (with the same windows' ADE
ungated and under cv), and new/old's paired bootstrap 95 % CI over all windows of all seeds.

    PYTHONPATH=. python scripts/gate31/measure_gate.py NAME STORE MODEL [--n 600] [--seeds 3]
        [--split val]
MODEL: a checkpoint folder or "trajlm-small". One CPU thread.
"""
# ruff: noqa: E402

import argparse
import json
import os
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import torch

torch.set_num_threads(1)
from trajlm import TrajLM
from trajlm.data.features import NormStats
from trajlm.data.geometry import haversine
from trajlm.data.store import iter_store_batches
from trajlm.model.coverage_gate import gate_table

K = 5
RULES = ("old", "new", "windows", "none", "cv")


def records(cov: dict) -> dict[str, dict]:
    """The coverage record each gated rule reads (the rule itself is the code's)."""
    old = {k: v for k, v in cov.items() if k != "window_speed_mps"}
    win = {**old, "traj_speed_mps": cov["window_speed_mps"]}
    never = {**old, "traj_speed_mps": {"p1": 1e9, "p5": 1e9, "p95": 1e9, "p99": 1e9}}
    return {"old": old, "new": cov, "windows": win, "cv": never}


def windows(df: pl.DataFrame, history: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(histories, truths) of one cut per trajectory with at least K + 3 points."""
    df = df.sort("traj_id", "t").with_columns(i=pl.int_range(pl.len()).over("traj_id"))
    n = df.group_by("traj_id").agg(n=pl.len()).filter(pl.col("n") >= K + 3).sort("traj_id")
    rng = np.random.default_rng(seed)
    cut = n.with_columns(cut=pl.Series(rng.integers(3, n["n"].to_numpy() - K + 1)))
    df = df.join(cut.select("traj_id", "cut"), on="traj_id")
    hist = df.filter((pl.col("i") < pl.col("cut")) & (pl.col("i") >= pl.col("cut") - history))
    truth = df.filter((pl.col("i") >= pl.col("cut")) & (pl.col("i") < pl.col("cut") + K))
    truth = truth.with_columns(step=pl.col("i") - pl.col("cut") + 1)
    return hist.select("traj_id", "t", "lat", "lon"), truth.select("traj_id", "step", "lat", "lon")


def ade(pred: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    j = pred.select("traj_id", "step", "lat", "lon").join(
        truth, on=["traj_id", "step"], suffix="_t"
    )
    d = haversine(j["lat"].to_numpy(), j["lon"].to_numpy(), j["lat_t"].to_numpy(),
                  j["lon_t"].to_numpy())  # fmt: skip
    return j.with_columns(d=pl.Series(d)).group_by("traj_id").agg(pl.col("d").mean())


def predict(m: TrajLM, hist: pl.DataFrame, rule: str, recs: dict, cov: dict) -> pl.DataFrame:
    cfg = m.model.config
    cfg.coverage_gate, cfg.coverage = ("none", cov) if rule == "none" else ("speed", recs[rule])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return m.predict(hist, steps=K, fallback=False)
    finally:
        cfg.coverage_gate, cfg.coverage = "speed", cov


def bootstrap(a: np.ndarray, b: np.ndarray, seed: int = 0) -> list[float]:
    """Paired bootstrap 95 % CI of mean(a) / mean(b)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), (2000, len(a)))
    r = a[idx].mean(1) / b[idx].mean(1)
    return [float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))]


def parser() -> argparse.ArgumentParser:
    """NAME STORE MODEL [--n] [--seeds] [--split]: this script's and gate32's measure.py's."""
    ap = argparse.ArgumentParser()
    ap.add_argument("name"), ap.add_argument("store"), ap.add_argument("model")
    ap.add_argument("--n", type=int, default=600, help="val trajectories (a seeded sample)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--split", default="val", help="val; train: a run's own trajectories")
    return ap


def load(a: argparse.Namespace) -> tuple[TrajLM, dict, pl.DataFrame]:
    """The model (one thread), its coverage record (it must hold the windows') and a seeded
    sample of ``a.n`` trajectories of the store's ``a.split``."""
    m = TrajLM.from_pretrained(a.model, threads=1)
    cov = dict(m.model.config.coverage)
    if not cov.get("window_speed_mps"):
        raise SystemExit(f"{a.model}: its coverage record has no window_speed_mps (rebuild it)")
    cols = ["traj_id", "t", "lat", "lon"]
    df = pl.concat(list(iter_store_batches(a.store, a.split, columns=cols)))
    ids = df["traj_id"].unique().sort()
    df = df.filter(pl.col("traj_id").is_in(ids.sample(min(a.n, len(ids)), seed=0).implode()))
    return m, cov, df


def score(m: TrajLM, cov: dict, df: pl.DataFrame, recs: dict, rules: tuple[str, ...],
          gated: tuple[str, ...], seeds: int) -> pl.DataFrame:  # fmt: skip
    """Per seed and window: each rule's ADE (column named as the rule) and, for the ``gated``
    rules, the gate's speed factor (g_RULE)."""
    cfg = m.model.config
    history = cfg.max_len - K
    proj = NormStats.from_dict(cfg.stats).projection
    step_limit = float(cfg.max_step_norm) * float(cfg.stats["dxy_scale"])
    rows = []
    for seed in range(seeds):
        hist, truth = windows(df, history, seed)
        r = hist.select("traj_id").unique()
        for rule in rules:
            r = r.join(ade(predict(m, hist, rule, recs, cov), truth).rename({"d": rule}),
                       on="traj_id")  # fmt: skip
            if rule in gated:
                g = gate_table(recs[rule], hist, proj, step_limit, history)
                r = r.join(g.select("traj_id", pl.col("g_speed_mps").alias(f"g_{rule}")),
                           on="traj_id")  # fmt: skip
        rows.append(r.with_columns(seed=pl.lit(seed)))
    return pl.concat(rows).sort("seed", "traj_id")  # a fixed order: the bootstrap is seeded


def write(dest: Path, name: str, out: dict, r: pl.DataFrame) -> None:
    """DEST/NAME.json (the summary, also printed) and DEST/NAME_windows.csv (every window)."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / f"{name}.json").write_text(json.dumps(out, indent=2) + "\n")
    r.write_csv(dest / f"{name}_windows.csv")
    print(json.dumps(out, indent=2))


def main() -> None:
    a = parser().parse_args()
    m, cov, df = load(a)
    recs = records(cov)
    history = m.model.config.max_len - K
    r = score(m, cov, df, recs, RULES, ("old", "new", "windows"), a.seeds)
    out = {"store": str(a.store), "split": a.split, "model": a.model, "n_windows": len(r), "seeds": a.seeds,
           "history": history, "k": K,
           "ranges": {k: [recs[k]["traj_speed_mps"][p] for p in ("p5", "p95")]
                      for k in ("old", "windows")},
           "ade_all": {k: float(r[k].mean()) for k in RULES}}  # fmt: skip
    from trajlm.model.coverage_gate import gate_ranges

    out["ranges"]["new"] = list(gate_ranges(cov)["traj_speed_mps"])
    for rule in ("old", "new", "windows"):
        hit = r.filter(pl.col(f"g_{rule}") < 1)
        out[rule] = {
            "share_gated": len(hit) / len(r),
            "g_median_gated": float(hit[f"g_{rule}"].median() or 1.0),
            "ade_gated": {k: float(hit[k].mean() or 0.0) for k in (rule, "none", "cv")},
        }
    diff = r.filter((pl.col("g_new") - pl.col("g_old")).abs() > 1e-9)
    out["differ"] = {"windows": len(diff), **{k: float(diff[k].mean() or 0.0)
                                               for k in ("old", "new", "none", "cv")}}  # fmt: skip
    out["new_over_old"] = float(r["new"].mean() / r["old"].mean())
    out["new_over_old_ci95"] = bootstrap(r["new"].to_numpy(), r["old"].to_numpy())
    if len(diff) > 1:
        out["differ"]["new_over_old_ci95"] = bootstrap(diff["new"].to_numpy(),
                                                       diff["old"].to_numpy())  # fmt: skip
    write(Path(os.environ.get("GATE31_OUT", "runs/gate31")), a.name, out, r)


if __name__ == "__main__":
    main()
