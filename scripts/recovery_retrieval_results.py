"""Recovery by route retrieval + a learned selector (issue 15; docs/recovery-retrieval.md).

Scores, on --split with the harness's recovery tasks (as scripts/recovery_results.py builds
them: random 50 % over mask seeds 0-2, every --intervals seconds), the baselines (linear,
cubic, PCHIP, Akima in the train projection), the route median (the pointwise median of the
train pieces that went from near A to near B, ``trajlm.data.route_retrieval``), the rule
"route median where >= k pieces were found, else the base" (k chosen per setting on VAL) and
the ``CandidateSelector`` over the recovery candidates (one per --seeds, trained on TRAIN gaps
with the own trip left out of retrieval, early-stopped on VAL gaps). The base of every setting
(what an untrained selector returns) is its best baseline on VAL. The oracle (best candidate per
point) is printed for every split but is only a diagnostic. CIs: the mean difference to the
best baseline of the setting on --split, 95 % paired bootstrap over points
(``paired_bootstrap_ci``) and over whole trajectories (``traj_bootstrap``).

    PYTHONPATH=. python scripts/recovery_retrieval_results.py --data /tmp/stores/porto \
        --out out/recovery-retrieval --split val --seeds 0 [--intervals 60 120 240]

Writes OUT/retrieval_<split>.md and .json. One thread.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import torch

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig, fit_selector, predict_selector
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.metrics import point_errors
from trajlm.eval.recovery_candidates import (
    build_recovery_candidates,
    concat_sets,
    library_from_frame,
    route_rule,
    task_keys,
)

_spec = importlib.util.spec_from_file_location(
    "recovery_results", Path(__file__).resolve().parent / "recovery_results.py"
)
_rr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rr)
traj_bootstrap = _rr.traj_bootstrap
BASES = ("linear", "akima", "pchip")
RULE_K = (1, 2, 3, 5, 8)


def settings(df, mask_seeds, intervals) -> dict[str, list]:
    out = {"random 50 %": [make_recovery_task(df, "random", seed=s) for s in mask_seeds]}
    for i in intervals:
        out[f"every {i:g} s"] = [make_recovery_task(df, "downsample", interval_s=i)]
    return out


def haversine_errors(xy: np.ndarray, latlon: np.ndarray, proj: LocalProjection) -> np.ndarray:
    lat, lon = proj.inverse(xy[:, 0], xy[:, 1])
    return point_errors(np.stack([lat, lon], 1), latlon)


class Setting:
    """The candidate sets of one setting's tasks on one split, pooled, plus truth."""

    def __init__(self, tasks, proj, lib, base, split, exclude=None) -> None:
        built = [build_recovery_candidates(t, proj, lib, base, exclude, split) for t in tasks]
        self.cs = concat_sets([b[0] for b in built])
        self.target = np.concatenate([b[1] for b in built])
        self.latlon = np.concatenate([t.latlon[b[2]] for t, b in zip(tasks, built, strict=True)])
        # a trajectory seen under several masks is one bootstrap unit
        self.groups = np.concatenate([t.groups[b[2]] for t, b in zip(tasks, built, strict=True)])
        self.proj = proj

    def err(self, xy: np.ndarray) -> np.ndarray:
        return haversine_errors(xy, self.latlon, self.proj)

    def column(self, j: int) -> np.ndarray:
        return self.cs.last + self.cs.cands[:, j, 0]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/porto"))
    ap.add_argument("--out", type=Path, default=Path("out/recovery-retrieval"))
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--train-mask-seeds", type=int, nargs="+", default=[100])
    ap.add_argument("--intervals", type=float, nargs="+", default=[240.0])
    add_library_args(ap)
    ap.add_argument("--max-epochs", type=int, default=40)
    ap.add_argument("--no-selector", action="store_true")
    ap.add_argument("--max-train-rows", type=int, default=None,
                    help="train the selector on a seeded subset of the train gaps' points")  # fmt: skip
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    train = read_store(args.data, split="train")
    val = read_store(args.data, split="val")
    proj = LocalProjection.fit(train)
    lib = library_from_frame(train, proj, **library_kw(args))  # TRAIN points only
    val_tasks = settings(val, args.mask_seeds, args.intervals)
    # every choice (base, rule k) is made on VAL
    val_sets, base_of, k_of = {}, {}, {}
    for name, tasks in val_tasks.items():
        s = Setting(tasks, proj, lib, "akima", "val")
        maes = {b: s.err(s.column(1 + i)).mean() for i, b in enumerate(BASES)}
        base_of[name] = min(maes, key=maes.get)
        val_sets[name] = Setting(tasks, proj, lib, base_of[name], "val")
        vs = val_sets[name]
        k_of[name] = min(RULE_K, key=lambda k: vs.err(route_rule(vs.cs, k)).mean())
    selectors, logs = [], []
    if not args.no_selector:
        va = concat_sets([s.cs for s in val_sets.values()])
        va_target = np.concatenate([s.target for s in val_sets.values()])
        tkeys = task_keys(train)
        tr_tasks = settings(train, args.train_mask_seeds, args.intervals)
        tr = concat_sets([Setting(ts, proj, lib, base_of[n], "train", tkeys).cs
                          for n, ts in tr_tasks.items()])  # fmt: skip
        tr_target = np.concatenate([build_target(ts, proj) for ts in tr_tasks.values()])
        if args.max_train_rows is not None and len(tr_target) > args.max_train_rows:
            keep = np.sort(np.random.default_rng(0).choice(len(tr_target), args.max_train_rows,
                                                           replace=False))  # fmt: skip
            tr, tr_target = subset(tr, keep), tr_target[keep]
        print(f"selector: {len(tr_target)} train points, {len(va.last)} val points", flush=True)
        cfg = SelectorConfig(max_epochs=args.max_epochs)
        for seed in args.seeds:
            model, log = fit_selector(tr, tr_target, va, va_target, cfg, seed=seed)
            selectors.append(model)
            logs.append({k: v for k, v in log.items() if k != "epochs"})
            print(f"selector seed {seed}: best epoch {log['best_epoch']}, val {log['val_ade']:.1f} m"
                  f" (init {log['val_ade_init']:.1f}), {log['train_s']:.0f} s",
                  flush=True)  # fmt: skip
    tables = [("val", val_sets)]
    if args.split == "test":
        test = read_store(args.data, split="test")
        tables.append(("test", {n: Setting(ts, proj, lib, base_of[n], "test") for n, ts in
                                settings(test, args.mask_seeds, args.intervals).items()}))  # fmt: skip
    # on a test run the val table (the oracle on val above all) is written beside it
    for split, sets in tables:
        result = {"split": split, "data": str(args.data), "radius_m": args.radius,
                  "library": library_kw(args),
                  "base": base_of, "rule_k": k_of, "selector_logs": logs, "rows": []}  # fmt: skip
        lines = [f"Recovery by route retrieval on the {split} split of {args.data}", "",
                 "| setting | method | seeds | MAE (m) | vs best baseline | 95 % CI, points (m) | "
                 "95 % CI, trajectories (m) |", "|---|---|---|---|---|---|---|"]  # fmt: skip
        for name, s in sets.items():
            rows = {b: s.err(s.column(1 + i)) for i, b in enumerate(BASES)}
            rows["cubic"] = cubic_errors(name, args, proj, split)
            best = min(rows, key=lambda k: rows[k].mean())
            rows["route median"] = s.err(s.column(4))
            rows[f"rule: route median if >= {k_of[name]} pieces, else {base_of[name]}"] = s.err(
                route_rule(s.cs, k_of[name]))  # fmt: skip
            seeds_of = {}
            if selectors:
                per_seed = np.stack([s.err(predict_selector(m, s.cs)[:, 0]) for m in selectors])
                label = f"selector over candidates (base {base_of[name]})"
                rows[label], seeds_of[label] = per_seed.mean(0), per_seed.mean(1)
            pts = s.cs.last[:, None] + s.cs.cands[:, :, 0]
            oracle = np.linalg.norm(pts - s.target, axis=-1).min(1)  # metres, projection
            for label, e in rows.items():
                ci = paired_bootstrap_ci(e, rows[best]) if label != best else None
                tci = traj_bootstrap(e, rows[best], s.groups) if label != best else None
                maes = seeds_of.get(label)
                result["rows"].append({"setting": name, "method": label, "mae_m": float(e.mean()),
                                       "mae_m_per_seed": None if maes is None else maes.tolist(),
                                       "ci_points": ci, "ci_traj": tci})  # fmt: skip
                mae = f"{e.mean():.1f}" if maes is None or len(maes) < 2 else (
                    f"{maes.mean():.1f} ± {maes.std(ddof=1):.1f}")  # fmt: skip
                n = "-" if maes is None else str(len(maes))
                c1 = f"[{ci['lo']:+.1f}, {ci['hi']:+.1f}]" if ci else "-"
                c2 = f"[{tci['lo']:+.1f}, {tci['hi']:+.1f}]" if tci else "-"
                rel = f"{ci['rel']:+.1%}" if ci else "best"
                lab = f"**{label}**" if label == best else label
                lines.append(f"| {name} | {lab} | {n} | {mae} | {rel} | {c1} | {c2} |")
            lines.append(f"| {name} | (oracle: best candidate per point, diagnostic) | - | "
                         f"{oracle.mean():.1f} | | | |")  # fmt: skip
            result["rows"].append({"setting": name, "method": "oracle",
                                   "mae_m": float(oracle.mean())})  # fmt: skip
        result["seconds"] = time.perf_counter() - t0
        md = "\n".join(lines) + "\n"
        (args.out / f"retrieval_{split}.md").write_text(md)
        (args.out / f"retrieval_{split}.json").write_text(json.dumps(result, indent=1))
        print(md)


def add_library_args(ap: argparse.ArgumentParser) -> None:
    """RouteLibrary settings; the defaults are Porto's published ones (chosen on Porto val)."""
    ap.add_argument("--radius", type=float, default=100.0)
    ap.add_argument("--max-ratio", type=float, default=2.0,
                    help="piece elapsed time within [dt / r - slack, dt * r + slack]")  # fmt: skip
    ap.add_argument("--slack", type=float, default=30.0, help="seconds, see --max-ratio")
    ap.add_argument("--max-pieces", type=int, default=16)
    ap.add_argument("--reverse", action="store_true",
                    help="also read pieces that went B -> A backwards (walkers; not Porto)")  # fmt: skip


def library_kw(args: argparse.Namespace) -> dict:
    return {"radius_m": args.radius, "max_ratio": args.max_ratio, "slack_s": args.slack,
            "max_pieces": args.max_pieces, "reverse": args.reverse}  # fmt: skip


def subset(cs, rows: np.ndarray):
    """The candidate set's rows ``rows``."""
    return type(cs)(cs.cands[rows], cs.kind, cs.cand_feats[rows], cs.query_feats[rows],
                    cs.last[rows], cs.groups[rows], cs.source[rows], cs.split,
                    cs.base)  # fmt: skip


def build_target(tasks, proj: LocalProjection) -> np.ndarray:
    """(H, 1, 2) metres of the hidden points of tasks, in the Setting's order."""
    out = []
    for t in tasks:
        h = ~t.known
        x, y = proj.forward(t.latlon[h, 0], t.latlon[h, 1])
        out.append(np.stack([x, y], 1)[:, None])
    return np.concatenate(out)


def cubic_errors(name: str, args, proj: LocalProjection, split: str) -> np.ndarray:
    """The not-a-knot cubic spline baseline (not a candidate: it overshoots most)."""
    from trajlm.eval.recovery_baselines import CubicSplineInterpolation

    df = read_store(args.data, split=split)
    out = []
    for t in settings(df, args.mask_seeds, args.intervals)[name]:
        xy = CubicSplineInterpolation("cubic")._recover(
            np.asarray(t.t, np.float64), t.xy(proj), t.known, t.groups)  # fmt: skip
        out.append(haversine_errors(xy[~t.known], t.latlon[~t.known], proj))
    return np.concatenate(out)


if __name__ == "__main__":
    main()
