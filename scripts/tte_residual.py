"""Travel time: gradient boosting vs the residual over it (issue 15 lever 3, docs/travel-time.md).

Fits every arm on the train split of STORE and scores it on --split (val to choose, test once),
one fit per seed (the seed sets the out-of-fold folds and the head's init; with --runs, seed i
also uses the i-th trained model). Per arm: MAE (min) and MAPE (%) as mean ± std over seeds, and
for each metric the paired bootstrap 95 % CI of (arm - gradient boosting) on per-trip errors
(averaged over seeds), the costs (head and model parameters, fit time, latency per trip).

    python scripts/tte_residual.py --data /tmp/stores/porto --split val \
        --runs R0,R1,R2 --out out/tte/porto_val.json

Arms (``ARMS``): gb (the harness's gradient boosting, deterministic), model (the trained model
alone, zero-shot), residual (the head on query features only) and residual+model (the head
also reads the model's log duration / GB's), each variant named by its head settings.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval import baselines as B  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.protocol import make_tte_task, split_tables  # noqa: E402
from trajlm.eval.tte_residual import ResidualTTE  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_report.py
from _report import ci_text, pm, seed_stats, write_results  # noqa: E402

# name -> ResidualTTE settings (None: not a residual arm). "+model" arms need --runs.
ARMS: dict[str, dict | None] = {
    "gb": None,
    "linear regression": None,  # the protocol's other two baselines (deterministic, one fit)
    "distance / mean speed": None,
    "model": None,
    "residual l1 linear": {"hidden": 0, "loss": "l1"},
    "residual l1 mlp16": {"hidden": 16, "loss": "l1"},
    "residual l2 mlp16": {"hidden": 16, "loss": "l2"},
    "residual l1 mlp32 600 steps": {"hidden": 32, "loss": "l1", "steps": 600},
    "residual l1 mlp16 wd0.1": {"hidden": 16, "loss": "l1", "weight_decay": 0.1},
    "residual metric mlp16": {"hidden": 16, "loss": "metric"},
    "residual l1 mlp16 knn10": {"hidden": 16, "loss": "l1", "n_neighbors": 10},
    "residual metric mlp16 knn10": {"hidden": 16, "loss": "metric", "n_neighbors": 10},
    "residual l1 mlp16 knn30": {"hidden": 16, "loss": "l1", "n_neighbors": 30},
    "residual+model l1 linear": {"hidden": 0, "loss": "l1", "model": True},
    "residual+model l1 mlp16": {"hidden": 16, "loss": "l1", "model": True},
    "residual+model l2 mlp16": {"hidden": 16, "loss": "l2", "model": True},
    "residual+model metric mlp16": {"hidden": 16, "loss": "metric", "model": True},
    "residual+model l1 mlp16 knn10": {"hidden": 16, "loss": "l1", "n_neighbors": 10, "model": True},
}
# session 7: L1 in minutes + lambda * L1 in log space ("mae+log", lambda = log_weight), and
# bags of heads (n_bags fold splits, corrections averaged); lambda is chosen on val
for _lam in (0.0, 0.25, 0.5, 1.0, 2.0):
    for _head, _hidden in (("linear", 0), ("mlp16", 16)):
        for _bags in (1, 5):
            _name = f"mae+log{_lam:g} {_head}" + (f" bag{_bags}" if _bags > 1 else "")
            _kw = {"hidden": _hidden, "loss": "mae+log", "log_weight": _lam, "n_bags": _bags}
            ARMS[f"residual {_name}"] = _kw
            ARMS[f"residual+model {_name}"] = {**_kw, "model": True}
for _head, _hidden in (("linear", 0), ("mlp16", 16)):
    ARMS[f"residual l1 {_head} bag5"] = {"hidden": _hidden, "loss": "l1", "n_bags": 5}
    ARMS[f"residual+model l1 {_head} bag5"] = {"hidden": _hidden, "loss": "l1", "n_bags": 5,
                                               "model": True}  # fmt: skip
for _loss, _lam in (("l1", 1.0), ("mae+log", 0.0), ("mae+log", 0.5), ("mae+log", 1.0)):
    for _head, _hidden in (("linear", 0), ("mlp16", 16)):
        for _bags in (1, 5):
            _kw = {"hidden": _hidden, "loss": _loss, "log_weight": _lam, "query_features": True,
                   "n_bags": _bags}  # fmt: skip
            _name = (f"{_loss}{f'{_lam:g}' if _loss != 'l1' else ''} {_head} +query"
                     + (f" bag{_bags}" if _bags > 1 else ""))  # fmt: skip
            ARMS[f"residual {_name}"] = _kw
            ARMS[f"residual+model {_name}"] = {**_kw, "model": True}
for _name in ("l1 mlp16", "l1 linear", "mae+log0.5 linear", "mae+log0.5 mlp16"):
    for _pre in ("residual", "residual+model"):  # 10 folds: the out-of-fold base is nearer
        ARMS[f"{_pre} {_name} k10"] = {**ARMS[f"{_pre} {_name}"], "n_folds": 10}  # the full one
for _lam in (0.0, 0.5):  # the query features without the hour (it extrapolates in time)
    _kw = {"hidden": 0, "loss": "mae+log", "log_weight": _lam, "query_features": True,
           "query_hour": False}  # fmt: skip
    ARMS[f"residual mae+log{_lam:g} linear +geo"] = _kw
    ARMS[f"residual+model mae+log{_lam:g} linear +geo"] = {**_kw, "model": True}
BASELINES = {"gb": B.GradientBoostingTTE, "linear regression": B.LinearRegressionTTE,
             "distance / mean speed": B.DistanceOverMeanSpeed}  # fmt: skip
DEFAULT_ARMS = ("gb", "model", "residual l1 mlp16", "residual+model l1 mlp16")


def load_model(run: str):
    from trajlm.model.transformer import TrajectoryModel
    from trajlm.tasks.travel_time import ModelTravelTime

    m = TrajectoryModel.from_pretrained(run).eval()  # a run directory: its val-selected best/
    return ModelTravelTime(m, name=f"trajlm:{run}")


class CachedTravelTime:
    """A model's travel_time memoised per O-D table (--cache-model): a sweep of many arms on
    one split asks the same model about the same trips again and again; predictions are
    deterministic, so only the fit times of "+model" arms change (they exclude the model)."""

    def __init__(self, inner) -> None:
        self.inner, self.model, self._memo = inner, inner.model, {}

    def travel_time(self, od) -> np.ndarray:
        cols = od.select("o_lat", "o_lon", "d_lat", "d_lon", "t_start").to_numpy()
        key = hashlib.sha1(np.ascontiguousarray(cols, np.float64).tobytes()).hexdigest()
        if key not in self._memo:
            self._memo[key] = np.asarray(self.inner.travel_time(od), np.float64)
        return self._memo[key].copy()


def per_trip(pred: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    return {"mae_min": np.abs(pred - y) / 60, "mape_pct": 100 * np.abs(pred - y) / y}


def run_arm(name, spec, seeds, models, train, target) -> tuple[dict, dict]:
    """(row, per-trip errors averaged over seeds) of one arm."""
    y = target["duration_s"].to_numpy().astype(np.float64)
    preds, fit_s, pred_s, n_params, weights = [], [], [], 0, []
    for i, seed in enumerate(seeds):
        t0 = time.perf_counter()
        if name in BASELINES:
            est = BASELINES[name]().fit(train)
        elif name == "model":
            est = models[i]
        else:
            kw = {k: v for k, v in spec.items() if k != "model"}
            model = models[i] if spec.get("model") else None
            est = ResidualTTE(model=model, random_state=seed, **kw).fit(train)
            n_params = est.num_params()
            if not est.hidden:  # a linear head: its weights on the standardized inputs, bag 0
                w = est.bags_[0][2].out.weight.detach().double().numpy()[0]
                weights.append(dict(zip(est.feature_names(), w.tolist(), strict=True)))
        fit_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        preds.append(est.travel_time(target) if name == "model" else est.predict(target))
        pred_s.append(time.perf_counter() - t0)
        if name in BASELINES:
            break  # deterministic: one fit is every seed's
    errs = [per_trip(p, y) for p in preds]
    row = {"method": name, "n_seeds": len(preds), "head_params": n_params,
           "fit_s": float(np.mean(fit_s)),
           "latency_ms_per_trip": 1000 * float(np.mean(pred_s)) / len(y)}  # fmt: skip
    if weights:
        row["head_weights"] = weights  # per seed
    if spec and spec.get("model") or name == "model":
        row["model_params"] = sum(p.numel() for p in models[0].model.parameters())
    row |= seed_stats([{k: float(e[k].mean()) for k in ("mae_min", "mape_pct")} for e in errs])
    mean_err = {k: np.mean([e[k] for e in errs], 0) for k in ("mae_min", "mape_pct")}
    return row, mean_err


def _pm(r: dict, k: str) -> str:
    return pm(r[k], r[k + "_std"] if r["n_seeds"] > 1 else None, 2)


def to_markdown(rows: list[dict], meta: dict) -> str:
    out = [f"### travel time, {meta['data']} ({meta['split']} split, {meta['n_trips']} trips)", "",
           "| method | MAE (min) | MAPE (%) | MAE - GB [95 % CI] | MAPE - GB [95 % CI] | "
           "head params | fit (s) | latency (ms/trip) |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        cis = []
        for k in ("mae_min", "mape_pct"):
            c = r.get("vs_gb", {}).get(k)
            cis.append("–" if c is None else ci_text(c, 2, rel=False))
        out.append(f"| {r['method']} | {_pm(r, 'mae_min')} | {_pm(r, 'mape_pct')} | {cis[0]} | {cis[1]} "
                   f"| {r['head_params']} | {r['fit_s']:.1f} | {r['latency_ms_per_trip']:.3f} |")  # fmt: skip
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="store (trajlm data ingest)")
    ap.add_argument("--split", choices=("val", "test", "train-tail"), default="val",
                    help="train-tail: fit on the first 80 %% of train trips by departure, score "
                    "the last 20 %% (a time-blocked check inside train; no model arms)")  # fmt: skip
    ap.add_argument("--runs", default="", help="comma-separated trained runs, one per seed")
    ap.add_argument("--cache-model", action="store_true",
                    help="memoise each model's predictions (sweeps; fit times then exclude it)")  # fmt: skip
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--arms", nargs="+", default=list(DEFAULT_ARMS), choices=list(ARMS))
    ap.add_argument("--out", required=True, type=Path, help="JSON path (a .md beside it)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    runs = [r for r in args.runs.split(",") if r]
    if runs and args.split == "train-tail":  # the od models saw every train trip: a leak
        ap.error("--split train-tail: no --runs (the models were trained on the tail too)")
    if runs and len(runs) != len(args.seeds):
        ap.error(f"--runs has {len(runs)} runs for {len(args.seeds)} seeds")
    arms = ["gb"] + [a for a in args.arms if a != "gb"]  # every arm is paired against GB
    arms = [a for a in arms if runs or not (a == "model" or (ARMS[a] or {}).get("model"))]
    models = [load_model(r) for r in runs]
    if args.cache_model:
        models = [CachedTravelTime(m) for m in models]
    parts = split_tables(read_store(args.data))
    if args.split == "train-tail":
        od = make_tte_task(parts["train"]).sort("t_start")
        cut = int(0.8 * len(od))
        train, target = od.head(cut), od.tail(len(od) - cut)
    else:
        train, target = make_tte_task(parts["train"]), make_tte_task(parts[args.split])
    rows, errs = [], {}
    for a in arms:
        row, errs[a] = run_arm(a, ARMS[a], args.seeds, models, train, target)
        if a != "gb":
            row["vs_gb"] = {k: paired_bootstrap_ci(errs[a][k], errs["gb"][k]) for k in errs[a]}
        rows.append(row)
        print(f"{a}: MAE {row['mae_min']:.2f} min, MAPE {row['mape_pct']:.1f} %", flush=True)
    meta = {"data": str(args.data), "split": args.split, "n_trips": len(target),
            "n_train_trips": len(train), "seeds": args.seeds, "runs": runs}  # fmt: skip
    doc = {"meta": meta, "rows": rows}
    write_results(args.out, doc, to_markdown(rows, meta))
    return doc


if __name__ == "__main__":
    main()
