"""Session 29 (geo29): G28 or the shipped engine E chosen per history regime, GeoLife 5-step
prediction (issue 15). Reads geogate28's outputs (its commands: docs/candidates.md "Session 28
(geogate28)"); pre-registered in docs/candidates.md "Session 29 (geo29)".

    PYTHONPATH=. python scripts/geo29/regime_arms.py --stage val      # ~3 min, 1 thread
    PYTHONPATH=. python scripts/geo29/regime_arms.py --stage test --variant C_val   # read once

Variants: C_tr (the map fitted on the 10,000 out-of-fold train windows: G28 block-cross-fitted,
3 seeds, vs kNN shrunk by a block-cross-fitted scale head, head seed 0), C_val (val halves, each
half's choices from the other half's map). Outputs under --out-dir (default $GEO29 or
/tmp/geo29): <stage>.md, <stage>.json, train_errors.npz (the train windows' errors, cached).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from stop_head_arms import ci, fmt  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.eval.heading_head import gate_features, shrink_answer  # noqa: E402
from trajlm.eval.regime_choice import fit_regime_map  # noqa: E402
from trajlm.eval.stop_head import fit_scale_head, history_features, optimal_shrink  # noqa: E402

E, G28 = "E shipped engine (B seed 0)", "G28 gate on OOF answers"
VARIANTS = ("C_tr", "C_val")


def window_errors(pts: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.linalg.norm(pts - target, axis=-1).mean(1)


def train_errors(oof: dict) -> dict[str, np.ndarray]:
    """Per train window: the 16 history features, E-like's and G28's (3-seed mean) errors, both
    answered by heads fitted on the other blocks' windows."""
    hist, t, lengths, asked = oof["hist_xy"], oof["hist_t"], oof["lengths"], oof["target_t"]
    last = hist[np.arange(len(hist)), lengths - 1]
    tgt, knn, block = oof["target_xy"], oof["knn_xy"], oof["block"]
    feats = history_features(hist, t, lengths, asked, knn)
    y_e = optimal_shrink(last, knn - last[:, None], tgt)
    e_cv, g_cv = np.array(knn, np.float64), np.zeros(oof["sel_xy"].shape)
    for b in np.unique(block):
        m = block == b
        e_cv[m] = shrink_answer(last[m], knn[m], fit_scale_head(feats[~m], y_e[~m], 0).predict(feats[m]))  # fmt: skip
    for s, sel in enumerate(oof["sel_xy"]):  # geogate28's G28 train check, seed s
        x = gate_features(hist, t, lengths, asked, sel, knn)
        y = optimal_shrink(last, sel - last[:, None], tgt)
        g_cv[s] = sel
        for b in np.unique(block):
            m = block == b
            g_cv[s][m] = shrink_answer(last[m], sel[m], fit_scale_head(x[~m], y[~m], s).predict(x[m]))  # fmt: skip
        print(f"train seed {s} done", flush=True)
    g_err = np.mean([window_errors(g, tgt) for g in g_cv], 0)
    return {"feats": feats, "E": window_errors(e_cv, tgt), "G28": g_err, "keys": oof["keys"]}


def stage_rows(gate_dir: Path, stage: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """The stage's history features, walker flags and geogate28's per-trip errors (same order)."""
    _, ev, _ = pickle.loads((gate_dir / "cache" / f"rows_geolife_{stage}.pkl").read_bytes())
    got = json.loads((gate_dir / f"{stage}.json").read_text())
    err = {n: np.asarray(got[stage][n]) for n in ("kNN", E, G28)}
    if not np.array_equal(np.asarray(got["walker"]), ev["walker"]) or len(ev["feats"]) != len(err["kNN"]):  # fmt: skip
        raise SystemExit(f"geogate28's {stage}.json and its cached rows disagree")
    return ev["feats"], ev["walker"], err


def val_map(feats: np.ndarray, err: dict, half: np.ndarray | None = None):
    m = np.ones(len(feats), bool) if half is None else half
    return fit_regime_map(feats[m], err[E][m], err[G28][m])


def describe(name: str, rmap, feats: np.ndarray) -> str:
    shares = np.bincount(rmap.bins(feats), minlength=len(rmap.use_b)) / len(feats)
    bins = ", ".join(f"{'G28' if u else 'E'} ({s:.0%})" for u, s in zip(rmap.use_b, shares, strict=True))  # fmt: skip
    return f"{name}: {rmap.feature} cut at {np.round(rmap.cuts, 2).tolist()} -> {bins}"


def table(err: dict, walker: np.ndarray, title: str) -> list[str]:
    w, knn, e, g = walker, err["kNN"], err[E], err[G28]
    lines = [f"_{title}: {len(w)} trips, {w.sum()} walkers; MAE (m) per trip; Δ: paired bootstrap "
             "95 % CI over trips (2,000 resamples)_", "",
             "| arm | walkers | others | all | Δ vs kNN | walkers Δ vs kNN | Δ vs E | Δ vs G28 |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, v in err.items():
        lines.append(f"| {name} | {v[w].mean():.1f} | {v[~w].mean():.1f} | {v.mean():.1f} "
                     f"({100 * (v.mean() / knn.mean() - 1):+.1f} %) | {fmt(ci(v - knn))} | "
                     f"{(v[w] - knn[w]).mean():+.2f} | {fmt(ci(v - e))} | {fmt(ci(v - g))} |")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument("--variant", choices=VARIANTS, help="--stage test: the variant val passed")
    ap.add_argument("--geogate28", type=Path, default=Path("/tmp/geogate28"),
                    help="geogate28's output folder (oof_val.npz, <stage>.json, cache/)")  # fmt: skip
    ap.add_argument("--out-dir", type=Path, default=Path(os.environ.get("GEO29", "/tmp/geo29")))
    ap.add_argument("--overwrite", action="store_true", help="replace <stage>.md / .json")
    args = ap.parse_args(argv)
    out_md, out_json = args.out_dir / f"{args.stage}.md", args.out_dir / f"{args.stage}.json"
    for path in (out_md, out_json):
        if path.exists() and not args.overwrite:
            ap.error(f"{path} exists; pass --overwrite to replace it")
    if args.stage == "test" and args.variant is None:
        ap.error("--stage test reads test once for the variant val passed: name it with --variant")
    for need in (args.geogate28 / "oof_val.npz", args.geogate28 / f"{args.stage}.json"):
        if not need.exists():
            ap.error(f"{need} is missing: run geogate28's commands first")
    apply_threads(1, None)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    cache = args.out_dir / "train_errors.npz"
    if cache.exists():
        tr = dict(np.load(cache))
    else:
        tr = train_errors(dict(np.load(args.geogate28 / "oof_val.npz")))
        np.savez(cache, **tr)
    map_tr = fit_regime_map(tr["feats"], tr["E"], tr["G28"])
    feats, walker, err = stage_rows(args.geogate28, args.stage)
    lines = [f"Train windows: {len(tr['E'])}; E-like {tr['E'].mean():.1f} m, G28 {tr['G28'].mean():.1f} m, "
             f"C_tr in-sample {np.where(map_tr.choose_b(tr['feats']), tr['G28'], tr['E']).mean():.1f} m",
             describe("C_tr map (train)", map_tr, feats)]  # fmt: skip
    if args.stage == "val":
        half = np.random.default_rng(0).permutation(len(feats)) < (len(feats) + 1) // 2
        maps = {"C_val (fitted on half 1)": val_map(feats, err, half),
                "C_val (fitted on half 0)": val_map(feats, err, ~half)}  # fmt: skip
        use = {"C_tr": map_tr.choose_b(feats), "C_val": np.zeros(len(feats), bool)}
        for (name, rmap), other in zip(maps.items(), (~half, half), strict=True):
            use["C_val"][other] = rmap.choose_b(feats[other])
            lines.append(describe(name, rmap, feats[other]))
        full = val_map(feats, err)  # bounds: these read val's own errors (not arms)
        lines += [describe("bound: the map fitted on all val", full, feats) + ", in-sample "
                  f"{np.where(full.choose_b(feats), err[G28], err[E]).mean():.1f} m",
                  f"bound: per-trip oracle min(E, G28) {np.minimum(err[E], err[G28]).mean():.1f} m, "
                  f"G28 better on {(err[G28] < err[E]).mean():.0%} of trips"]  # fmt: skip
    else:
        rmap = (
            map_tr if args.variant == "C_tr" else val_map(*stage_rows(args.geogate28, "val")[::2])
        )
        lines.append(describe(f"{args.variant} map", rmap, feats))
        use = {args.variant: rmap.choose_b(feats)}
    for name, b in use.items():
        err[name] = np.where(b, err[G28], err[E])
        lost = (err[E] - err[G28]) * ~b / len(b)  # each trip's share of the gap to G28 alone
        lines.append(f"{name}: G28 answers {b.mean():.0%} of trips; E answers {(~b & walker).sum()} "
                     f"walkers (+{lost[walker].sum():.1f} m vs G28) and {(~b & ~walker).sum()} "
                     f"others (+{lost[~walker].sum():.1f} m)")  # fmt: skip
    lines += [""] + table(err, walker, f"geolife {args.stage}")
    if args.stage == "val":
        lines += ["", "| variant | (1) CI vs E < 0 | (2) CI vs G28 < 0 | (3) walkers Δ vs kNN <= 0 | passes |",
                  "|---|---|---|---|---|"]  # fmt: skip
        passing = []
        for name in VARIANTS:
            v = err[name]
            r = (ci(v - err[E])[2] < 0, ci(v - err[G28])[2] < 0,
                 (v - err["kNN"])[walker].mean() <= 0)  # fmt: skip
            passing += [name] if all(r) else []
            lines.append(f"| {name} | {' | '.join(map(str, r))} | **{all(r)}** |")
        best = min(passing, key=lambda n: err[n].mean()) if passing else None
        lines += ["", f"Passing: {passing or 'none'}; read on test once: {best or 'nothing'}"]
    print("\n".join(lines), flush=True)
    out_md.write_text("\n".join(lines) + "\n")
    out_json.write_text(json.dumps({n: v.tolist() for n, v in err.items()}))


if __name__ == "__main__":
    main()
