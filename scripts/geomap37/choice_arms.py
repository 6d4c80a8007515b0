"""Session 37 (geomap37): G28 or the shipped engine E chosen per query by the movement map,
GeoLife 5-step prediction (issue 15). Pre-registered in docs/candidates.md "Session 37
(geomap37)"; reads geogate28's outputs rebuilt under --gate-dir (its commands: "Session 28
(geogate28)" there, or this session's section).

    PYTHONPATH=. python scripts/geomap37/choice_arms.py --stage val      # ~5 min, 1 thread
    PYTHONPATH=. python scripts/geomap37/choice_arms.py --stage test \
        --selector $GEOMAP37/gg28/A_test_points.npz                      # only after val passes

Train windows (geogate28's 10,000, 3 time-ordered blocks of train trips): E-like (kNN shrunk by
a scale head fitted on the other blocks) and G28 per seed (the gate fitted on the other blocks'
out-of-fold selector answers), each scored by a map of T-Drive + the train trips outside the
window's block (geo30's ``MoveMap``). J1: blocks 1-2 answered by the choice fitted on the
earlier blocks; J2: val with the choice fitted on every train window. Writes
$GEOMAP37/choice_{stage}.md / .json (default /tmp/geomap37). The maps stay in memory (licensed
data); the train answers are cached as $GEOMAP37/train_answers.npz.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

SCRIPTS = Path(__file__).resolve().parents[1]
for sub in ("geostop26", "geowalk27", "geogate28", "geo30"):
    sys.path.insert(0, str(SCRIPTS / sub))
from gate_arms import G28, by_group, seed_arms, stage_task  # noqa: E402
from map_arms import build_map, tdrive_tracks, tracks_of  # noqa: E402
from scale_arms import rows27  # noqa: E402
from stop_head_arms import build, ci, fmt  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.data.retrieval import traj_keys  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.heading_head import gate_features, shrink_answer  # noqa: E402
from trajlm.eval.map_choice import choice_error, choose_b, fit_choice, forward_choice  # noqa: E402
from trajlm.eval.protocol import split_tables  # noqa: E402
from trajlm.eval.selector_predictor import per_trip  # noqa: E402
from trajlm.eval.stop_head import fit_scale_head, history_features, optimal_shrink  # noqa: E402
from trajlm.eval.walkers import time_blocks  # noqa: E402

E, CMAP, KNN = "E shipped engine", "C_map map-made choice", "kNN"
OUT = Path(os.environ.get("GEOMAP37", "/tmp/geomap37"))


def cross_shrunk(last, answer, target, feats, block, seed) -> np.ndarray:
    """``answer`` shrunk per window by a scale head fitted on the other blocks' windows."""
    out = np.array(answer, np.float64)
    y = optimal_shrink(last, answer - last[:, None], target)
    for b in np.unique(block):
        held = block == b
        head = fit_scale_head(feats[~held], y[~held], seed)
        out[held] = shrink_answer(last[held], answer[held], head.predict(feats[held]))
    return out


def train_answers(oof: dict) -> dict[str, np.ndarray]:
    """The train windows' last fix, target, E-like answer (head seed 0) and G28 per seed, every
    answer from heads that never saw the window's block."""
    hist, t, n, asked = oof["hist_xy"], oof["hist_t"], oof["lengths"], oof["target_t"]
    last, tgt, knn = hist[np.arange(len(hist)), n - 1], oof["target_xy"], oof["knn_xy"]
    e = cross_shrunk(last, knn, tgt, history_features(hist, t, n, asked, knn), oof["block"], 0)
    g = np.stack([cross_shrunk(last, sel, tgt, gate_features(hist, t, n, asked, sel, knn),
                               oof["block"], s) for s, sel in enumerate(oof["sel_xy"])])  # fmt: skip
    return {"last": last, "tgt": tgt, "E": e, "G28": g, "block": oof["block"], "keys": oof["keys"]}


def cached_train_answers(oof: dict, cache: Path) -> dict[str, np.ndarray]:
    """``train_answers`` read from ``cache`` where it exists, else computed and saved there."""
    if cache.exists():
        return dict(np.load(cache))
    tr = train_answers(oof)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **tr)
    return tr


def check_blocks(oof: dict, blocked, stage_ids) -> dict:
    """{traj_id: block} of the train trips; ValueError for windows whose block or trip disagrees
    with the store's time blocks, or any window of a val / test trip."""
    ids = blocked["traj_id"].unique().to_list()
    block_of = dict(zip(blocked["traj_id"].to_list(), blocked["_b"].to_list(), strict=True))
    by_key = dict(zip(traj_keys(np.array(ids)).tolist(), ids, strict=True))
    if set(oof["keys"].tolist()) & set(traj_keys(np.asarray(stage_ids)).tolist()):
        raise ValueError("a train window belongs to a val / test trip")
    if not all(k in by_key and block_of[by_key[k]] == b for k, b in zip(oof["keys"].tolist(), oof["block"].tolist(), strict=True)):  # fmt: skip
        raise ValueError("the windows' blocks differ from the store's time blocks")
    return block_of


def train_inputs(ap: argparse.ArgumentParser, args: argparse.Namespace,
                 *more: Path | None) -> tuple[dict, dict, dict, dict]:  # fmt: skip
    """(oof, the store's splits, {train trip: block}, the train answers) from ``args``' gate_dir
    / data / tdrive / out_dir; a missing input (also any of ``more``) or a window of the wrong
    block or of a val / test trip is one ``ap.error`` line, before any work."""
    for p in (args.gate_dir / "oof_val.npz", args.tdrive, args.data, *more):
        if p is not None and not p.exists():
            ap.error(f"{p} not found (geogate28's rebuilt outputs, the T-Drive CSV, the store)")
    apply_threads(1, None)
    oof = dict(np.load(args.gate_dir / "oof_val.npz"))
    parts = split_tables(read_store(args.data))
    stage_ids = np.concatenate([parts[s]["traj_id"].unique().to_numpy() for s in ("val", "test")])
    blocked = time_blocks(parts["train"], int(oof["block"].max()) + 1)
    try:
        block_of = check_blocks(oof, blocked, stage_ids)
    except ValueError as err:
        ap.error(f"{args.gate_dir / 'oof_val.npz'}: {err}")
    return oof, parts, block_of, cached_train_answers(oof, args.out_dir / "train_answers.npz")


def map_signals(mm, last, e_pts, g_pts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(L_G (S, N), L_E (N,), on (N,)): the map scores of both answers' paths and coverage."""
    lg = np.stack([mm.path_score(last, g) for g in g_pts])
    return lg, mm.path_score(last, e_pts), mm.coverage(last)


def block_signals(tr: dict, geo: dict, tdrive: list, block_of: dict) -> tuple[np.ndarray, ...]:
    """``map_signals`` of the train windows, each block scored by a map of T-Drive + the train
    trips outside that block (never its own trip or anything of its block)."""
    lg, le, on = np.zeros(tr["G28"].shape[:2]), np.zeros(len(tr["last"])), np.zeros(len(tr["last"]), bool)  # fmt: skip
    for b in np.unique(tr["block"]):
        mm = build_map([x for tid, x in geo.items() if block_of[tid] != b], tdrive)
        m = tr["block"] == b
        lg[:, m], le[m], on[m] = map_signals(mm, tr["last"][m], tr["E"][m], tr["G28"][:, m])
        print(f"block {b}: {m.sum()} windows, map {len(mm.keys_)} cells, on it {on[m].mean():.1%}", flush=True)  # fmt: skip
    return lg, le, on


def check_stage(path: Path, err: dict) -> bool:
    """Are kNN's, E's and G28's per-trip errors gate_arms.py's own (its --json, where it exists)?
    SystemExit when they differ: the choice must read G28 exactly as geogate28 made it."""
    if not path.exists():
        return False
    got = json.loads(path.read_text())
    stage = next(k for k in got if k not in ("walker", "per_seed"))
    names = {KNN: "kNN", E: "E shipped engine (B seed 0)", G28: G28}
    for mine, theirs in names.items():
        if not np.allclose(err[mine], got[stage][theirs], rtol=0, atol=1e-6):
            raise SystemExit(f"{path}: {theirs}'s per-trip errors differ from this script's")
    return True


def errors(pts: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.linalg.norm(pts - target, axis=-1).mean(-1)


def row(name: str, v: np.ndarray, w: np.ndarray, ref: dict) -> str:
    vs = " | ".join(fmt(ci(v - r)) if r is not v else "" for r in ref.values())
    return f"| {name} | {v[w].mean():.1f} | {v[~w].mean():.1f} | {v.mean():.1f} | {vs} |"


def passes(v: np.ndarray, e: np.ndarray, g: np.ndarray) -> tuple[bool, bool, bool]:
    """The rule: CI upper bound vs E < 0, Δ <= -2 % of E, CI upper bound vs G28 < 0."""
    return ci(v - e)[2] < 0, v.mean() <= 0.98 * e.mean(), ci(v - g)[2] < 0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument("--tdrive", type=Path, default=Path("/work/shared/data/tdrive/Beijing_taxi.csv"))  # fmt: skip
    ap.add_argument("--gate-dir", type=Path, default=OUT / "gg28",
                    help="geogate28's rebuilt outputs: oof_val.npz, cache/")  # fmt: skip
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument(
        "--selector", type=Path, help="--stage test: candidate_results.py --save-points"
    )
    ap.add_argument("--out-dir", type=Path, default=OUT)
    ap.add_argument("--overwrite", action="store_true", help="replace choice_<stage>.md / .json")
    args = ap.parse_args(argv)
    md, js = args.out_dir / f"choice_{args.stage}.md", args.out_dir / f"choice_{args.stage}.json"
    for p in (md, js):
        if p.exists() and not args.overwrite:
            ap.error(f"{p} exists; pass --overwrite to replace it")
    if args.stage == "test" and args.selector is None:
        ap.error("--stage test reads test once after val passed: give --selector")
    oof, parts, block_of, tr = train_inputs(ap, args, args.selector)
    opts = argparse.Namespace(data=args.data, stage=args.stage, blocks=5, cache=args.gate_dir / "cache", oof=args.gate_dir / "oof_val.npz")  # fmt: skip
    folds, ev, proj = build(opts, make_rows=rows27)
    geo, tdrive = tracks_of(parts["train"], proj, "traj_id", "t"), tdrive_tracks(args.tdrive, proj)
    lg, le, on = block_signals(tr, geo, tdrive, block_of)
    err_e, err_g = errors(tr["E"], tr["tgt"]), errors(tr["G28"], tr["tgt"])
    use_fw, fw = forward_choice(tr["block"], err_g, err_e, lg, le, on)
    judged = tr["block"] > 0
    keys = tr["keys"][judged]
    j1 = {E: by_group(err_e[judged], keys), G28: by_group(err_g.mean(0)[judged], keys),
          CMAP: by_group(choice_error(err_g, err_e, use_fw)[judged], keys)}  # fmt: skip
    delta, off_b, grid = fit_choice(err_g, err_e, lg, le, on)
    lines = [f"Train windows {len(err_e)} ({on.mean():.1%} on their block's map): E-like {err_e.mean():.1f} m, "
             f"G28 {err_g.mean():.1f} m; forward choices {fw}; choice on all windows: delta {delta}, "
             f"off the map {'G28' if off_b else 'E'} (in-sample {grid[(delta, off_b)]:.1f} m)", "",
             f"J1 train forward blocks 1-2: {judged.sum()} windows, {len(j1[E])} trips, per-trip mean "
             f"Euclidean m; G28 answers {use_fw[:, judged].mean():.0%} of windows", "",
             "| arm | all | Δ vs E | Δ vs G28 |", "|---|---|---|---|"]  # fmt: skip
    for name, v in j1.items():
        lines.append(f"| {name} | {v.mean():.1f} | {fmt(ci(v - j1[E]))} | {fmt(ci(v - j1[G28]))} |")
    # the stage: E and G28 exactly as gate_arms.py makes them
    ev["task"], sel_ev = stage_task(opts, oof, args.selector)
    proj_xy = make_prediction_task(parts[args.stage]).xy(proj)
    g_ev, e_ev = [], None
    for s in range(len(oof["sel_xy"])):
        pts, _, _ = seed_arms(folds, ev, proj_xy, {**oof, "sel_xy": oof["sel_xy"][s]}, sel_ev[s], s, lambda n: n == G28)  # fmt: skip
        g_ev.append(pts[G28])
        e_ev = pts["B scale head"] if s == 0 else e_ev  # E = B with head seed 0
    g_ev = np.stack(g_ev)
    full = build_map(list(geo.values()), tdrive)
    slg, sle, son = map_signals(full, ev["last"], e_ev, g_ev)
    use = choose_b(slg, sle, son, delta, off_b)

    def trip_err(p):
        return per_trip(p, ev["tgt_ll"], proj).mean(1)

    e_err, g_err = trip_err(e_ev), np.stack([trip_err(g) for g in g_ev])
    err = {KNN: trip_err(ev["knn"]), E: e_err, G28: g_err.mean(0),
           CMAP: np.where(use, g_err, e_err).mean(0)}  # fmt: skip
    same = check_stage(args.gate_dir / f"{args.stage}.json", err)
    w = ev["walker"]
    ref = {k: err[k] for k in (KNN, E, G28)}
    lines += ["", f"kNN, E and G28 per trip equal gate_arms.py's {args.stage}.json: {same}",
              "", f"J2 geolife {args.stage}: {len(w)} trips, {w.sum()} walkers, {son.mean():.1%} on the map; "
              f"G28 answers {use.mean():.0%} of (trip, seed) pairs ({use[:, son].mean():.0%} on the map, "
              f"{use[:, ~son].mean():.0%} off it); per-trip 5-step MAE (m), 3 seeds' mean",
              "", "| arm | walkers | others | all | Δ vs kNN | Δ vs E | Δ vs G28 |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    lines += [row(n, v, w, ref) for n, v in err.items()]
    lines += ["", "| arm | on the map | Δ vs E | off it | Δ vs E |", "|---|---|---|---|---|"]
    for n in (G28, CMAP):
        v = err[n]
        lines.append(f"| {n} | {v[son].mean():.1f} | {fmt(ci(v[son] - e_err[son]))} | "
                     f"{v[~son].mean():.1f} | {fmt(ci(v[~son] - e_err[~son]))} |")  # fmt: skip
    if args.stage == "val":
        r1, r2 = passes(j1[CMAP], j1[E], j1[G28]), passes(err[CMAP], e_err, err[G28])
        lines += ["", f"bound: per-trip oracle min(E, G28) {np.minimum(e_err, err[G28]).mean():.1f} m",
                  "", "| judge | CI vs E < 0 | Δ <= -2 % of E | CI vs G28 < 0 |", "|---|---|---|---|",
                  f"| J1 train forward | {' | '.join(map(str, r1))} |",
                  f"| J2 val | {' | '.join(map(str, r2))} |", "",
                  f"Rule: {'PASS: read test once' if all(r1 + r2) else 'fails: test not read'}"]  # fmt: skip
    print("\n".join(lines), flush=True)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(lines) + "\n")
    js.write_text(json.dumps({"chosen": [delta, off_b], "forward": {str(k): v for k, v in fw.items()},
                              "walker": w.tolist(), "on_map": son.tolist(),
                              args.stage: {n: v.tolist() for n, v in err.items()},
                              "train_j1": {n: v.tolist() for n, v in j1.items()}}, default=float))  # fmt: skip


if __name__ == "__main__":
    main()
