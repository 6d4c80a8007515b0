"""Issue 15: a reliability-gated blend of kNN continuation and the model (trajlm.eval.blend).

    python scripts/gated_blend.py --data STORE --runs RUN_s0,RUN_s1,RUN_s2 --split val \
        [--objective ade|classify] [--alpha 0.1] [--offsets 0,4,8,12] --out OUT.json

The gate is fit on val windows only: the protocol's val task (each trip's first 20 points
-> next 5) plus the same task on val trips with their first ``o`` points dropped, for each
``o`` in --offsets (more windows of the same val trips; no other split is read for fitting).
``--split val`` reports the cross-fitted val number (5 folds by trajectory: a trip's blend
comes from a gate that never saw any window of it) for every objective x alpha in the grid;
``--split test`` fits one gate per seed (and one for the seed ensemble) on all val windows
and applies it once to the protocol's test task. Rows: kNN, the model (per seed, mean ±
std), its 3-seed ensemble, the single-weight blend (w on val, as beat_baselines.py --blend)
and the gated blends, each with the paired bootstrap 95 % CI of the per-trajectory ADE
difference (seed-averaged) against kNN. Markdown -> stdout and OUT.md; JSON -> OUT.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.blend import (
    FEATURE_NAMES,
    BlendInputs,
    GatedBlend,
    blend,
    cross_fit_predict,
    row_ade,
)
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.protocol import split_tables, tune_knn
from trajlm.model.rollout import ModelPredictor
from trajlm.model.transformer import TrajectoryModel

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_report.py
from _report import ci_text, pm, seed_stats, weights_text, write_results  # noqa: E402

W_GRID = np.round(np.linspace(0.0, 1.0, 21), 2)


class _KeepStd:
    """A model whose ``generate`` also keeps the last call's pos_std (ModelPredictor only
    returns positions)."""

    def __init__(self, model) -> None:
        self.model, self.config, self.stds = model, model.config, []

    def parameters(self):
        return self.model.parameters()

    def generate(self, batch, **kw):
        out = self.model.generate(batch, **kw)
        self.stds.append(out["pos_std"].detach().double().cpu().numpy())
        return out


def to_xy(latlon: np.ndarray, proj: LocalProjection) -> np.ndarray:
    return np.stack(proj.forward(latlon[..., 0], latlon[..., 1]), axis=-1)


def to_latlon(xy: np.ndarray, proj: LocalProjection) -> np.ndarray:
    return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


def shifted_task(df: pl.DataFrame, offset: int):
    """The protocol's prediction task on every trip with its first ``offset`` points dropped."""
    if offset == 0:
        return make_prediction_task(df)
    df = df.sort(["traj_id", "t"]).with_columns(pl.int_range(pl.len()).over("traj_id").alias("_i"))
    return make_prediction_task(df.filter(pl.col("_i") >= offset).drop("_i"))


def inputs_for(task, split, knn, proj, models) -> tuple[list[BlendInputs], np.ndarray]:
    """One BlendInputs per model (and the seed ensemble last) and the target (N, k, 2) m."""
    from trajlm.eval.blend import reliability_features

    k = task.target_t.shape[1]
    xy = task.xy(proj)
    base = knn.predict(xy, task.lengths, k)
    got = knn.index_.query(xy, task.lengths, k, n_neighbors=knn.n_neighbors)
    target = to_xy(task.target_latlon, proj)
    groups = np.asarray(task.traj_ids, dtype=object).astype(str)
    preds, stds = [], []
    for m in models:
        keep = _KeepStd(m)
        preds.append(to_xy(ModelPredictor(keep).predict_next(task), proj))
        stds.append(np.concatenate(keep.stds))
    preds.append(np.mean(preds, 0))  # the seed ensemble
    stds.append(np.mean(stds, 0))
    out = []
    for p, s in zip(preds, stds, strict=True):
        f = reliability_features(xy, task.lengths, task.hist_t, got, base, p, s)
        out.append(BlendInputs(base, p, f, split, groups, target))
    return out, target


def concat(parts: list[BlendInputs]) -> BlendInputs:
    cat = lambda name: np.concatenate([getattr(p, name) for p in parts])  # noqa: E731
    return BlendInputs(cat("base"), cat("model"), cat("features"), parts[0].split,
                       cat("groups"), cat("target"))  # fmt: skip


def best_w(inp: BlendInputs) -> float:
    scores = [row_ade(blend(inp.base, inp.model, w), inp.target).mean() for w in W_GRID]
    return float(W_GRID[int(np.argmin(scores))])


def row(name, per_seed_pred, target, proj, knn_err, target_ll, **extra) -> dict:
    """Metrics in haversine metres (lat/lon, as every other table) over seeds."""
    from trajlm.eval.metrics import point_errors

    errs = [point_errors(to_latlon(p, proj), target_ll) for p in per_seed_pred]
    per_traj = np.mean([e.mean(1) for e in errs], 0)
    stats = seed_stats([{"mae_m": e.mean(), "fde_m": e[:, -1].mean()} for e in errs])
    return {"method": name, **stats, "n_seeds": len(errs),
            "vs_knn": paired_bootstrap_ci(per_traj, knn_err), **extra}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="a store (trajlm data ingest)")
    ap.add_argument("--runs", required=True, help="RUN[,RUN...] trained checkpoints (seeds)")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--objective", default="ade,classify", help="comma list (val) or one (test)")
    ap.add_argument("--alpha", default="0.01,0.1,1", help="comma list (val) or one (test)")
    ap.add_argument("--offsets", default="0,4,8,12", help="val windows: points dropped per trip")
    ap.add_argument("--out", type=Path, required=True, help="OUT.json (+ OUT.md)")
    args = ap.parse_args(argv)
    apply_threads(1, None)
    from trajlm.eval.metrics import point_errors

    parts = split_tables(read_store(args.data))
    proj = LocalProjection.fit(parts["train"])
    val_task = make_prediction_task(parts["val"])
    knn, _ = tune_knn(parts["train"], val_task, proj)
    models = [TrajectoryModel.from_pretrained(Path(r)) for r in args.runs.split(",") if r]
    offsets = [int(o) for o in args.offsets.split(",")]
    # fit windows: val only. Per model (and ensemble): the concatenation over offsets.
    val_sets = [inputs_for(shifted_task(parts["val"], o), "val", knn, proj, models)[0]
                for o in offsets]  # fmt: skip
    fit_sets = [concat([vs[i] for vs in val_sets]) for i in range(len(models) + 1)]
    n0 = len(val_sets[0][0])  # offset 0 comes first: the protocol's val task
    assert offsets[0] == 0, "--offsets must start with 0 (the protocol's val task)"

    task = val_task if args.split == "val" else make_prediction_task(parts["test"])
    fit_trips = set(fit_sets[0].groups)  # the leak guard: no fit window from a scored test trip
    leaked = len(fit_trips & set(map(str, task.traj_ids))) if args.split == "test" else 0
    if leaked or {f.split for f in fit_sets} != {"val"}:
        raise RuntimeError(f"gate fit set holds {leaked} test trajectories")
    if args.split == "val":
        evals, target = val_sets[0], val_sets[0][0].target
    else:
        evals, target = inputs_for(task, "test", knn, proj, models)
    target_ll = task.target_latlon
    knn_err = point_errors(to_latlon(evals[0].base, proj), target_ll).mean(1)
    seeds, ens = evals[:-1], evals[-1]
    args_row = (target, proj, knn_err, target_ll)
    rows = [
        row("kNN continuation", [ens.base], *args_row),
        row("trajlm (per seed)", [e.model for e in seeds], *args_row),
        row(f"trajlm ({len(seeds)}-seed ensemble)", [ens.model], *args_row),
    ]
    for label, ins, fits in (
        ("per seed", seeds, fit_sets[:-1]),
        ("ensemble", [ens], fit_sets[-1:]),
    ):
        ws = [best_w(f) for f in fits]  # on all val windows (on --split val: in-sample)
        preds = [blend(e.base, e.model, w) for e, w in zip(ins, ws, strict=True)]
        rows.append(row(f"single-w blend ({label})", preds, *args_row, w=ws))
        for obj in args.objective.split(","):
            for alpha in (float(a) for a in args.alpha.split(",")):
                est = GatedBlend(alpha=alpha, objective=obj)
                preds, gates = [], []
                for e, f in zip(ins, fits, strict=True):
                    if args.split == "val":
                        p, g = cross_fit_predict(est, f, np.arange(n0))
                    else:
                        fitted = GatedBlend(alpha=alpha, objective=obj).fit(f)
                        p, g = fitted.predict(e), fitted.gate(e)
                    preds.append(p)
                    gates.append(g)
                name = f"gated blend ({label}, {obj}, alpha {alpha:g})"
                rows.append(row(name, preds, *args_row,
                                gate_mean=float(np.mean(gates)), gate_std=float(np.std(gates))))  # fmt: skip

    # ceilings, not methods (they read the scored targets): the better of the two per trip,
    # and the best w in [0, 1] per trip (ensemble model)
    e_base, e_model = row_ade(ens.base, target), row_ade(ens.model, target)
    pick = np.where(e_model < e_base, 1.0, 0.0)
    rows.append(row("oracle: better of kNN / ensemble per trip", [blend(ens.base, ens.model, pick)],
                    *args_row, oracle=True))  # fmt: skip
    best = np.stack([row_ade(blend(ens.base, ens.model, w), target) for w in W_GRID]).argmin(0)
    rows.append(row("oracle: best w per trip (ensemble)", [blend(ens.base, ens.model, W_GRID[best])],
                    *args_row, oracle=True))  # fmt: skip
    head = GatedBlend(alpha=float(args.alpha.split(",")[0]),
                      objective=args.objective.split(",")[0]).fit(fit_sets[-1])  # fmt: skip
    coef = dict(zip(FEATURE_NAMES, map(float, head.coef_), strict=True))
    meta = {"gate_coef_ensemble": {"objective": head.objective, "alpha": head.alpha,
                                   "intercept": head.intercept_, **coef}}  # fmt: skip
    meta |= {"data": str(args.data), "split": args.split, "n_trajectories": len(target),
            "n_fit_windows": len(fit_sets[0]), "offsets": offsets,
            "knn": {"n_neighbors": knn.n_neighbors, "history": knn.history},
            "runs": args.runs.split(","), "fit_splits": sorted({f.split for f in fit_sets}),
            "fit_trajectories_in_scored_test": leaked,
            "val_number": "cross-fitted, 5 folds by trajectory" if args.split == "val" else None}  # fmt: skip
    write_results(args.out, {"meta": meta, "rows": rows}, to_markdown(rows, meta))


def to_markdown(rows: list[dict], meta: dict) -> str:
    lines = [f"{meta['data']} ({meta['split']}, {meta['n_trajectories']} trajectories; gate fit "
             f"on {meta['n_fit_windows']} val windows; kNN k={meta['knn']['n_neighbors']}, "
             f"history {meta['knn']['history']})\n",
             "| method | MAE (m) | FDE (m) | Δ MAE vs kNN [95 % CI] | mean gate |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        cell = lambda k, r=r: pm(r[k], r[k + "_std"] if r["n_seeds"] > 1 else None)  # noqa: E731
        ci_txt = ci_text(r["vs_knn"]) if r["method"] != "kNN continuation" else ""
        name = r["method"] + (weights_text(r["w"]) if "w" in r else "")
        gate = pm(r["gate_mean"], r["gate_std"], 2) if "gate_mean" in r else ""
        lines.append(f"| {name} | {cell('mae_m')} | {cell('fde_m')} | {ci_txt} | {gate} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
