"""Session 28 (geogate28): gate G fitted on the selector's out-of-fold answers, and a heading
correction, vs the shipped "kNN scaled [time]" engine on GeoLife 5-step prediction (issue 15).

    PYTHONPATH=. python scripts/candidate_results.py --data /tmp/stores/geolife --stage val \
        --seeds 0,1,2 --w-place 0.03 --w-heading 300 --n-place 40 --local 1.0,300,10 \
        --max-train-windows 10000 --max-val-windows 3000 --cache /tmp/geogate28/cand \
        --time-cond --per-step --out /tmp/geogate28/A_val.json --save-oof /tmp/geogate28/oof_val.npz
    PYTHONPATH=. python scripts/geogate28/gate_arms.py --data /tmp/stores/geolife --stage val \
        --oof /tmp/geogate28/oof_val.npz --out /tmp/geogate28/val.md --json /tmp/geogate28/val.json \
        --cache /tmp/geogate28/cache

Measures (pre-registered in docs/candidates.md "Session 28 (geogate28)"): references kNN, B
(geostop26's scale head on its rows / folds, head seeds as --seeds), E (the shipped engine = B
with head seed 0), A (the selector, one per seed, from --oof / --selector) and G27 (B's shrink
on A's answer); arms G28 (a shrink head fitted on the selector's out-of-fold answers on its
train windows, ``heading_head.gate_features``), H_B / H_G (B's / G28's answer turned by
theta = a x recent turn + b x the answer's heading offset, (a, b) fitted on cross-fitted train
answers, ``heading_head.fit_heading``). Seed i pairs the npz's i-th selector with head seed
--seeds[i]. Prints per-regime MAE, paired bootstrap CIs against kNN, E and each arm's base,
the cross-fitted train check, the oracle heading gap closed and the rule's verdict; markdown
to stdout and --out, per-trip errors to --json (default under /tmp/geogate28/).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geowalk27"))
from scale_arms import rows27  # noqa: E402
from stop_head_arms import arms_parser, build, check_outputs, ci, concat, fmt  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.heading_head import (  # noqa: E402
    fit_heading,
    gate_features,
    heading_angle,
    oracle_angle,
    rotate_answer,
    shrink_answer,
)
from trajlm.eval.protocol import split_tables  # noqa: E402
from trajlm.eval.scale_head_arms import signed_turn_features  # noqa: E402
from trajlm.eval.selector_predictor import per_trip  # noqa: E402
from trajlm.eval.stop_head import fit_scale_head, optimal_shrink  # noqa: E402

G28, HB, HG = "G28 gate on OOF answers", "H_B heading on B", "H_G heading on G28"
ARMS = (G28, HB, HG)
BASE = {G28: "A selector", HB: "B scale head", HG: G28}
E, B, A, G27 = "E shipped engine (B seed 0)", "B scale head", "A selector", "G27 B's shrink on A"


def errors(pts: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(N,) mean Euclidean distance over the k steps (metres; the train check's unit)."""
    return np.linalg.norm(pts - target, axis=-1).mean(1)


def by_group(err: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per-group mean error (the bootstrap resamples trips, not correlated windows)."""
    _, g = np.unique(groups, return_inverse=True)
    return np.bincount(g, err) / np.bincount(g)


def cross_heading(last, answer, target, inputs, groups) -> np.ndarray:
    """The answers turned with (a, b) fitted on the other groups' rows (cross-fitted)."""
    out = np.array(answer, np.float64)
    for g in np.unique(groups):
        m = groups == g
        a, b = fit_heading(last[~m], answer[~m], target[~m], inputs[~m])
        out[m] = rotate_answer(last[m], answer[m], heading_angle(inputs[m], a, b))
    return out


def stage_task(args, oof: dict, sel_path: Path | None) -> tuple[dict, np.ndarray]:
    """The stage's protocol task arrays and the per-seed selector answers (S, N, k, 2), the
    trips checked one by one against the task's own order."""
    task = make_prediction_task(split_tables(read_store(args.data))[args.stage])
    src = dict(np.load(sel_path)) if sel_path is not None else oof
    key = f"{args.stage}_sel_xy"
    if key not in src:
        raise SystemExit(f"no {args.stage} selector answers in {sel_path or args.oof}")
    if [str(i) for i in task.traj_ids] != src[f"{args.stage}_traj_ids"].tolist():
        raise SystemExit(f"the selector's {args.stage} trips differ from {args.data}'s")
    return {"t": task.hist_t, "lengths": task.lengths, "asked_t": task.target_t,
            "traj_ids": task.traj_ids}, src[key]  # fmt: skip


def seed_arms(folds, ev, proj_xy, oof, sel_ev, seed, want) -> tuple[dict, dict, dict]:
    """(val points by arm, train-check errors by name, extras) for one seed."""
    tr = concat(folds)
    s_opt = optimal_shrink(tr["last"], tr["knn"] - tr["last"][:, None], tr["tgt"])
    shrink_b = fit_scale_head(tr["feats"], s_opt, seed).predict(ev["feats"])
    b_ev = shrink_answer(ev["last"], ev["knn"], shrink_b)
    out = {B: b_ev, A: sel_ev, G27: shrink_answer(ev["last"], sel_ev, shrink_b)}
    check, info = {}, {}
    if want(HB):  # B cross-fitted on every fold row, then (a, b) cross-fitted by fold
        b_cv, fold_id = [], []
        for i, f in enumerate(folds):
            rest = concat(folds[:i] + folds[i + 1 :])
            s = optimal_shrink(rest["last"], rest["knn"] - rest["last"][:, None], rest["tgt"])
            b_cv.append(shrink_answer(f["last"], f["knn"], fit_scale_head(rest["feats"], s, seed).predict(f["feats"])))  # fmt: skip
            fold_id.append(np.full(len(f["last"]), i))
        b_cv, fold_id = np.concatenate(b_cv), np.concatenate(fold_id)
        trip = np.cumsum(tr["first"])  # each fold trip's windows follow its protocol query
        h_cv = cross_heading(tr["last"], b_cv, tr["tgt"], tr["signed"], fold_id)
        check[HB] = (
            by_group(errors(b_cv, tr["tgt"]), trip),
            by_group(errors(h_cv, tr["tgt"]), trip),
        )
        a, b = fit_heading(tr["last"], b_cv, tr["tgt"], tr["signed"])
        out[HB] = rotate_answer(ev["last"], b_ev, heading_angle(ev["signed"], a, b))
        info[HB] = (a, b)
    if want(G28) or want(HG):
        hist, lengths = oof["hist_xy"], oof["lengths"]
        last = hist[np.arange(len(hist)), lengths - 1]
        sel, tgt, block = oof["sel_xy"], oof["target_xy"], oof["block"]
        x = gate_features(hist, oof["hist_t"], lengths, oof["target_t"], sel, oof["knn_xy"])
        y = optimal_shrink(last, sel - last[:, None], tgt)
        g_cv = np.array(sel, np.float64)
        for b in np.unique(block):
            m = block == b
            g_cv[m] = shrink_answer(
                last[m], sel[m], fit_scale_head(x[~m], y[~m], seed).predict(x[m])
            )
        check[G28] = (
            by_group(errors(sel, tgt), oof["keys"]),
            by_group(errors(g_cv, tgt), oof["keys"]),
        )
        xv = gate_features(proj_xy, ev["task"]["t"], ev["task"]["lengths"], ev["task"]["asked_t"],
                           sel_ev, ev["knn"])  # fmt: skip
        g_ev = shrink_answer(ev["last"], sel_ev, fit_scale_head(x, y, seed).predict(xv))
        out[G28] = g_ev
        if want(HG):
            inputs = signed_turn_features(hist, oof["hist_t"], lengths, sel)
            h_cv = cross_heading(last, g_cv, tgt, inputs, block)
            check[HG] = (check[G28][1], by_group(errors(h_cv, tgt), oof["keys"]))
            a, b = fit_heading(last, g_cv, tgt, inputs)
            inputs_ev = signed_turn_features(
                proj_xy, ev["task"]["t"], ev["task"]["lengths"], sel_ev
            )
            out[HG] = rotate_answer(ev["last"], g_ev, heading_angle(inputs_ev, a, b))
            info[HG] = (a, b)
    return out, check, info


def table(err: dict, walker: np.ndarray, title: str) -> list[str]:
    w, knn, e = walker, err["kNN"], err.get(E)
    lines = [f"_{title}: {len(w)} trips, {w.sum()} walkers; MAE (m), mean of the seeds' per-trip "
             "errors; Δ: paired bootstrap 95 % CI over trips (2,000 resamples)_", "",
             f"| arm | walkers ({w.sum()}) | others ({(~w).sum()}) | all ({len(w)}) | Δ vs kNN | "
             "walkers Δ vs kNN | Δ vs E (shipped) | Δ vs its base |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, v in err.items():
        base = BASE.get(name) or {G27: A}.get(name)
        vs_base = f"{fmt(ci(v - err[base]))} vs {base.split()[0]}" if base in err else ""
        vs_e = fmt(ci(v - e)) if e is not None and name != E else ""
        lines.append(f"| {name} | {v[w].mean():.1f} | {v[~w].mean():.1f} | {v.mean():.1f} "
                     f"({100 * (v.mean() / knn.mean() - 1):+.1f} %) | {fmt(ci(v - knn))} | "
                     f"{fmt(ci(v[w] - knn[w]))} | {vs_e} | {vs_base} |")  # fmt: skip
    print("\n".join(lines), flush=True)
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = arms_parser(__doc__, "/tmp/geogate28/val.md", "kNN, E, B, A and G27")
    ap.add_argument("--oof", type=Path, required=True,
                    help="candidate_results.py --save-oof: train windows + out-of-fold answers")  # fmt: skip
    ap.add_argument("--selector", type=Path,
                    help="candidate_results.py --save-points of a --stage test run (test only)")  # fmt: skip
    ap.add_argument("--overwrite", action="store_true", help="replace --out / --json if they exist")
    args = ap.parse_args(argv)
    check_outputs(ap, args)
    for name in args.arms or []:
        if name not in ARMS:
            ap.error(f"--arms: unknown arm {name!r}; choose from {', '.join(ARMS)}")
    if args.stage == "test" and args.selector is None:
        ap.error("--stage test needs --selector (the selector's per-seed test answers)")
    apply_threads(1, None)
    oof = dict(np.load(args.oof))
    if oof["sel_xy"].shape[0] != len(args.seeds):
        ap.error(
            f"--oof holds {oof['sel_xy'].shape[0]} selector seeds; --seeds names {len(args.seeds)}"
        )
    folds, ev, proj = build(args, make_rows=rows27)
    ev["task"], sel_ev = stage_task(args, oof, args.selector)
    proj_xy = make_prediction_task(split_tables(read_store(args.data))[args.stage]).xy(proj)

    def want(name: str) -> bool:
        return args.arms is None or name in args.arms or any(BASE.get(a) == name for a in args.arms)

    val, check, per_seed, infos = {}, {}, {}, []
    for i, seed in enumerate(args.seeds):
        pts, chk, info = seed_arms(folds, ev, proj_xy, {**oof, "sel_xy": oof["sel_xy"][i]},
                                   sel_ev[i], seed, want)  # fmt: skip
        infos.append(info)
        for name, p in {"kNN": ev["knn"], **pts}.items():
            val.setdefault(name, []).append(per_trip(p, ev["tgt_ll"], proj).mean(1))
        for name, pair in chk.items():
            check.setdefault(name, []).append(pair)
        if args.stage == "val":  # the per-query best angle on each arm's scale (a bound)
            for name in (B, G28):
                if name in pts:
                    turned = rotate_answer(
                        ev["last"], pts[name], oracle_angle(ev["last"], pts[name], ev["tgt"])
                    )
                    val.setdefault(f"oracle: {name.split()[0]} + best angle", []).append(per_trip(turned, ev["tgt_ll"], proj).mean(1))  # fmt: skip
            best = oracle_angle(ev["last"], pts[B], ev["tgt"])  # is the best angle readable?
            info["B's best angle: share 0, corr with turn / offset"] = (
                round(float((best == 0).mean()), 3),
                *(round(float(np.corrcoef(best, ev["signed"][:, j])[0, 1]), 3) for j in (0, 1)),
            )
        print(f"seed {seed} done: {info}", flush=True)
    val[E] = val[B][args.seeds.index(0)] if 0 in args.seeds else None
    per_seed = {
        n: [round(float(v.mean()), 1) for v in vs] for n, vs in val.items() if isinstance(vs, list)
    }
    val = {
        n: (np.mean(v, 0) if isinstance(v, list) else v) for n, v in val.items() if v is not None
    }
    order = [
        "kNN",
        E,
        B,
        A,
        G27,
        *[n for n in ARMS if n in val],
        *[n for n in val if n.startswith("oracle")],
    ]
    val = {n: val[n] for n in order if n in val}
    lines = table(val, ev["walker"], f"{args.data.name} {args.stage}")
    lines += ["", f"Per seed {args.seeds} (all trips): " + "; ".join(f"{n} {v}" for n, v in per_seed.items()),
              f"Heading (a, b) per seed: {infos}"]  # fmt: skip
    if args.stage == "val":
        lines += ["", "| train check (cross-fitted, per-trip mean, Euclidean m) | trips | base | arm | Δ [95 % CI] |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for name, pairs in check.items():
            base, arm = np.mean([p[0] for p in pairs], 0), np.mean([p[1] for p in pairs], 0)
            check[name] = ci(arm - base)
            lines.append(f"| {name} vs {BASE[name].split()[0]} | {len(base)} | {base.mean():.1f} | {arm.mean():.1f} | {fmt(check[name])} |")  # fmt: skip
        for name, base in ((HB, B), (HG, G28)):
            orc = f"oracle: {base.split()[0]} + best angle"
            if name in val and orc in val:
                gap = val[base].mean() - val[orc].mean()
                lines.append(f"\n{name}: closes {(val[base].mean() - val[name].mean()) / gap:+.1%} of the "
                             f"oracle heading gap ({val[base].mean():.1f} -> oracle {val[orc].mean():.1f} m)")  # fmt: skip
        lines += ["", "| arm | (1) CI vs E < 0 | (2) CI vs base < 0 | (3) walkers Δ vs kNN <= 0 | (4) train check | passes |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        passing = []
        for name in [n for n in ARMS if n in val]:
            r = (ci(val[name] - val[E])[2] < 0, ci(val[name] - val[BASE[name]])[2] < 0,
                 (val[name] - val["kNN"])[ev["walker"]].mean() <= 0,
                 name in check and check[name][0] < 0)  # fmt: skip
            passing += [name] if all(r) else []
            lines.append(f"| {name} | {' | '.join(map(str, r))} | **{all(r)}** |")
        best = min(passing, key=lambda n: val[n].mean()) if passing else None
        lines += [
            "",
            f"Passing: {passing or 'none'}; read on test once: {best or 'nothing (test not read)'}",
        ]
    print("\n".join(lines[-12:]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    if args.json:
        args.json.write_text(json.dumps({"walker": ev["walker"].tolist(), "per_seed": per_seed,
                                         args.stage: {n: v.tolist() for n, v in val.items()}}))  # fmt: skip


if __name__ == "__main__":
    main()
