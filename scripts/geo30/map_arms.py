"""Session 30 (geo30): a movement map of Beijing (GeoLife train + T-Drive) as a new input to
GeoLife 5-step prediction (issue 15), vs the shipped engine E ("kNN scaled [time]").

    PYTHONPATH=. python scripts/geo30/map_arms.py --stage val   # ~1.5 min, 1 thread (results 1-2)
    PYTHONPATH=. python scripts/geo30/map_arms.py --stage val --map-source folds   # result 3
    PYTHONPATH=. python scripts/geo30/map_arms.py --stage test --arm MK  # only after val passes

Pre-registered in docs/candidates.md "Session 30 (geo30)". Reads geogate28's cached rows
(``--cache``, default /tmp/geogate28/cache: ``stop_head_arms.build``'s folds, protocol queries,
kNN answers, 40 neighbour continuations, head features), the store (``--data``) for the train
tracks and T-Drive (``--tdrive``). Maps: one per train fold (T-Drive + the train trips outside
the fold's block) to choose tau (arm MK, map-weighted kNN under E's shrink) and lambda (arm MT,
map turn of E) on the folds; one of T-Drive + all train trips for the stage. Writes markdown and
per-trip errors to $GEO30 (default /tmp/geo30): {stage}.md / {stage}.json. The maps stay in
memory: they are derived from licensed data and are never written.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from stop_head_arms import ci, concat, fmt  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.move_map import MoveMap  # noqa: E402
from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.heading_head import shrink_answer  # noqa: E402
from trajlm.eval.map_arms import (  # noqa: E402
    choose_on_rows,
    heading_frame,
    map_knn,
    map_turn,
    neighbour_scores,
)
from trajlm.eval.protocol import split_tables  # noqa: E402
from trajlm.eval.selector_predictor import per_trip  # noqa: E402
from trajlm.eval.stop_head import fit_scale_head, optimal_shrink  # noqa: E402
from trajlm.eval.walkers import time_blocks  # noqa: E402

BLOCKS, FOLDS, WINDOWS = 5, 3, 8  # geostop26's folds: blocks 2, 3, 4 of 5, as cached
TAUS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)  # ascending: ties go to the smaller tau
LAMS = (np.inf, 8.0, 4.0, 2.0, 1.0, 0.5)  # descending: ties go to the larger lambda
GEOLIFE_LIMITS, TDRIVE_LIMITS = (120.0, 500.0), (600.0, 1500.0)  # (max gap s, max pair m)
ARMS = {
    "MK": "MK map-weighted kNN (E's shrink)",
    "MT": "MT map turn of E",
    "MKT": "MKT map turn of MK",
}  # MKT: the amendment after result 1
E, KNN = "E shipped engine", "kNN"


def tracks_of(df: pl.DataFrame, proj: LocalProjection, key: str, time: str) -> dict:
    """{key value: (xy, t)} one track per ``key`` group, in time order (metres, seconds)."""
    out = {}
    for (k,), g in df.sort([key, time]).group_by(key, maintain_order=True):
        x, y = proj.forward(g["lat"].to_numpy(), g["lon"].to_numpy())
        out[k] = (np.stack([x, y], 1), g[time].to_numpy().astype(np.float64))
    return out


def raw_tracks(raw: Path, train: pl.DataFrame, proj: LocalProjection) -> dict:
    """{traj_id: (xy, t)}: every raw GeoLife .plt fix inside each train trip's own time span
    (amendment 2; the .plt times equal the store's). Nothing outside a train span is read."""
    spans = train.group_by("traj_id").agg(pl.col("source_traj_id").first(),
                                          pl.col("t").min().alias("t0"), pl.col("t").max().alias("t1"))  # fmt: skip
    out = {}
    for (src,), g in spans.group_by("source_traj_id"):
        user, name = src.split("/")
        a = np.loadtxt(raw / user / "Trajectory" / f"{name}.plt", delimiter=",", skiprows=6,
                       usecols=(0, 1, 4), ndmin=2)  # fmt: skip
        t = np.round((a[:, 2] - 25569.0) * 86400.0)  # days since 1899-12-30 -> Unix seconds
        for tid, t0, t1 in g.select("traj_id", "t0", "t1").iter_rows():
            m = (t >= t0) & (t <= t1)
            x, y = proj.forward(a[m, 0], a[m, 1])
            out[tid] = (np.stack([x, y], 1), t[m])
    return dict(sorted(out.items()))


def tdrive_tracks(path: Path, proj: LocalProjection) -> list:
    df = pl.read_csv(path).select(
        pl.col("TaxiID").alias("taxi"),
        pl.col("TimeStamp").str.to_datetime("%Y-%m-%d %H:%M:%S").dt.epoch("s").alias("t"),
        pl.col("Latitude").alias("lat"),
        pl.col("Longitude").alias("lon"),
    )
    return list(tracks_of(df, proj, "taxi", "t").values())


def build_map(geolife: list, tdrive: list) -> MoveMap:
    """GeoLife tracks and T-Drive counted with their own limits (T-Drive's fixes are ~250 s
    apart), the smoothed counts added."""
    m = MoveMap().fit(geolife, *GEOLIFE_LIMITS)
    td = MoveMap().fit(tdrive, *TDRIVE_LIMITS)
    n_geo = m.n_samples_
    keys = np.union1d(m.keys_, td.keys_)
    counts = np.zeros((len(keys), m.n_dirs))
    counts[np.searchsorted(keys, m.keys_)] += m.counts_
    counts[np.searchsorted(keys, td.keys_)] += td.counts_
    m.keys_, m.counts_, m.n_samples_ = keys, counts, n_geo + td.n_samples_
    return m


def stage_frame(df: pl.DataFrame, proj: LocalProjection, windows: int) -> np.ndarray:
    """(N, 2) kNN's heading frame (cos, sin) of each window, in ``rows``'s window order."""
    task = make_prediction_task(df, windows=windows)
    return np.stack(heading_frame(task.xy(proj), task.lengths), 1)


def fold_choices(folds: list, train: pl.DataFrame, proj, geolife: dict,
                 tdrive: list) -> tuple[dict, dict, list]:  # fmt: skip
    """tau and lambda chosen on the folds' first windows, each with its held-out-block map
    (``geolife``: {traj_id: track} of the train trips)."""
    blocked = time_blocks(train, BLOCKS)
    rows = []
    for i, b in enumerate(range(BLOCKS - FOLDS, BLOCKS)):
        keep = set(blocked.filter(pl.col("_b") != b)["traj_id"].unique().to_list())
        mm = build_map([tr for tid, tr in geolife.items() if tid in keep], tdrive)
        f = {
            **folds[i],
            "frame": stage_frame(blocked.filter(pl.col("_b") == b).drop("_b"), proj, WINDOWS),
        }
        f = {k: v[folds[i]["first"]] for k, v in f.items()}
        f = {k: v[f["found"]] for k, v in f.items()}
        f["scores"] = neighbour_scores(mm, f["last"], f["conts"])
        f["map"] = mm
        rows.append(f)
        print(f"fold block {b}: {len(f['last'])} rows, map {len(mm.keys_)} cells, coverage "
              f"{mm.coverage(f['last']).mean():.2f}", flush=True)  # fmt: skip

    def err(pts_of) -> float:
        e = [np.linalg.norm(pts_of(f) - f["tgt"], axis=-1).mean(1) for f in rows]
        assert all(len(x) == len(f["last"]) for x, f in zip(e, rows, strict=True))
        return float(np.concatenate(e).mean())

    tau, tau_err = choose_on_rows(TAUS, lambda t: err(lambda f: map_knn(f["scores"], f["last"], f["conts"], t, tuple(f["frame"].T))))  # fmt: skip
    lam, lam_err = choose_on_rows(LAMS, lambda lm: err(lambda f: map_turn(f["map"], f["last"], f["knn"], lm)))  # fmt: skip

    def mk(f: dict) -> np.ndarray:
        return map_knn(f["scores"], f["last"], f["conts"], tau, tuple(f["frame"].T))

    lam_mkt, mkt_err = choose_on_rows(LAMS, lambda lm: err(lambda f: map_turn(f["map"], f["last"], mk(f), lm)))  # fmt: skip
    knn_err = err(lambda f: f["knn"])  # tau = 0 and lambda = inf must give it back
    chosen = {"tau": tau, "lam": lam, "lam_mkt": lam_mkt}
    return chosen, {"kNN": knn_err, "tau": tau_err, "lam": lam_err, "lam_mkt": mkt_err}, rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument(
        "--tdrive", type=Path, default=Path("/work/shared/data/tdrive/Beijing_taxi.csv")
    )
    ap.add_argument("--cache", type=Path, default=Path("/tmp/geogate28/cache"))
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument("--arm", choices=tuple(ARMS), help="--stage test: the one arm val passed")
    ap.add_argument("--map-source", choices=("store", "raw", "folds"), default="store",
                    help="the map's GeoLife fixes: the store's train trips (results 1-2), the raw "
                    ".plt fixes in their spans, or the one the train folds choose (amendment 2)")  # fmt: skip
    ap.add_argument("--raw", type=Path, default=Path("/work/shared/data/geolife/Data"))
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("GEO30", "/tmp/geo30")))
    ap.add_argument("--overwrite", action="store_true", help="replace this stage's outputs")
    args = ap.parse_args(argv)
    tag = "" if args.map_source == "store" else f"_{args.map_source}"
    md, js = args.out / f"{args.stage}{tag}.md", args.out / f"{args.stage}{tag}.json"
    for p in (md, js):
        if p.exists() and not args.overwrite:
            ap.error(f"{p} exists; pass --overwrite to replace it")
    if args.stage == "test" and args.arm is None:
        ap.error("--stage test reads test once for the arm val passed: name it with --arm")
    rows_path = args.cache / f"rows_{args.data.name}_{args.stage}.pkl"
    for p in (rows_path, args.tdrive, args.data):
        if not p.exists():
            ap.error(f"{p} not found (geogate28's cached rows, the T-Drive CSV, the store)")
    apply_threads(1, None)
    folds, ev, proj = pickle.loads(rows_path.read_bytes())
    train = split_tables(read_store(args.data))["train"]
    tdrive = tdrive_tracks(args.tdrive, proj)
    sources = {"store": lambda: tracks_of(train, proj, "traj_id", "t"), "raw": lambda: raw_tracks(args.raw, train, proj)}  # fmt: skip
    picks = ("store", "raw") if args.map_source == "folds" else (args.map_source,)
    got = {}
    for src in picks:
        geo = sources[src]()
        chosen, grid_err, _ = fold_choices(folds, train, proj, geo, tdrive)
        got[src] = (geo, chosen, grid_err, grid_err["lam_mkt"][chosen["lam_mkt"]])
        print(f"{src} map: {sum(len(x) for x, _ in geo.values())} fixes; chosen on the folds: "
              f"{chosen}; MKT fold error {got[src][3]:.2f} m; errors {grid_err}", flush=True)  # fmt: skip
    src = min(got, key=lambda k: (got[k][3], picks.index(k)))
    geo, chosen, grid_err, _ = got[src]
    if args.map_source == "folds":
        print(f"the folds choose the {src} map", flush=True)
        if src == "store":
            print("the store map is results 1-2's: nothing new is read on val", flush=True)
            return
    full = build_map(list(geo.values()), tdrive)
    tr = concat(folds)  # E: geostop26's head (seed 0) on the three folds, as shipped / geogate28
    s_opt = optimal_shrink(tr["last"], tr["knn"] - tr["last"][:, None], tr["tgt"])
    shrink = fit_scale_head(tr["feats"], s_opt, 0).predict(ev["feats"])
    pts = {KNN: ev["knn"], E: shrink_answer(ev["last"], ev["knn"], shrink)}
    frame = tuple(stage_frame(split_tables(read_store(args.data))[args.stage], proj, 1).T)
    kmap = map_knn(neighbour_scores(full, ev["last"], ev["conts"]), ev["last"], ev["conts"],
                   chosen["tau"], frame)  # fmt: skip
    same = np.abs(map_knn(np.zeros(ev["conts"].shape[:2]), ev["last"], ev["conts"], 0.0, frame)
                  - ev["knn"])[ev["found"]].max()  # fmt: skip
    print(f"tau = 0 reproduces kNN's answer to {same:.2e} m", flush=True)
    kmap = np.where(ev["found"][:, None, None], kmap, ev["knn"])
    pts[ARMS["MK"]] = shrink_answer(ev["last"], kmap, shrink)
    pts[ARMS["MT"]] = map_turn(full, ev["last"], pts[E], chosen["lam"])
    pts[ARMS["MKT"]] = map_turn(full, ev["last"], pts[ARMS["MK"]], chosen["lam_mkt"])
    if args.stage == "test":
        pts = {n: p for n, p in pts.items() if n in (KNN, E, ARMS[args.arm])}
    err = {n: per_trip(p, ev["tgt_ll"], proj).mean(1) for n, p in pts.items()}
    w, e = ev["walker"], err[E]
    lines = [f"_geolife {args.stage}: {len(e)} trips, {w.sum()} walkers; per-trip 5-step MAE (m); "
             "Δ: paired bootstrap 95 % CI over trips (2,000 resamples, rng 0)_", "",
             f"Map source: {src}. Chosen on the train folds: {chosen}; fold errors (Euclidean m): "
             f"{ {k: v[3] for k, v in got.items()} } (MKT); {grid_err}", "",
             f"Map (T-Drive + all train trips): {len(full.keys_)} cells, {full.n_samples_} samples; "
             f"{args.stage} queries whose last fix lies on it: {full.coverage(ev['last']).mean():.1%}", "",
             "| arm | walkers | others | all | Δ vs kNN | Δ vs E | Δ % vs E |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    verdict = {}
    for n, v in err.items():
        d_e = ci(v - e)
        lines.append(f"| {n} | {v[w].mean():.1f} | {v[~w].mean():.1f} | {v.mean():.1f} | "
                     f"{fmt(ci(v - err[KNN]))} | {fmt(d_e) if n != E else ''} | "
                     f"{100 * (v.mean() / e.mean() - 1):+.2f} % |")  # fmt: skip
        if n in ARMS.values():
            verdict[n] = bool(d_e[2] < 0 and v.mean() <= 0.98 * e.mean())
    on = full.coverage(ev["last"])  # a diagnostic: where the map has nothing, the arms are E-like
    lines += ["", f"| arm | on the map ({on.sum()}) | Δ vs E | off it ({(~on).sum()}) | Δ vs E |",
              "|---|---|---|---|---|"]  # fmt: skip
    for n, v in err.items():
        if n in ARMS.values():
            lines.append(f"| {n} | {v[on].mean():.1f} | {fmt(ci(v[on] - e[on]))} | "
                         f"{v[~on].mean():.1f} | {fmt(ci(v[~on] - e[~on]))} |")  # fmt: skip
    if args.stage == "val":  # robustness: MKT over E with the scale head's other seeds
        lines += ["", "| scale-head seed | E | MKT | Δ [95 % CI] |", "|---|---|---|---|"]
        for seed in (0, 1, 2):
            sh = fit_scale_head(tr["feats"], s_opt, seed).predict(ev["feats"])
            e_s = per_trip(shrink_answer(ev["last"], ev["knn"], sh), ev["tgt_ll"], proj).mean(1)
            mkt = map_turn(full, ev["last"], shrink_answer(ev["last"], kmap, sh), chosen["lam_mkt"])
            m_s = per_trip(mkt, ev["tgt_ll"], proj).mean(1)
            lines.append(f"| {seed} | {e_s.mean():.1f} | {m_s.mean():.1f} | {fmt(ci(m_s - e_s))} |")
        passing = [n for n, ok in verdict.items() if ok]
        best = min(passing, key=lambda n: err[n].mean()) if passing else None
        lines += ["", f"Rule (CI upper bound vs E < 0 and Δ <= -2 %): {verdict}; read on test: "
                  f"{best or 'nothing (test not read)'}"]  # fmt: skip
    print("\n".join(lines), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(lines) + "\n")
    js.write_text(json.dumps({"chosen": chosen, "walker": w.tolist(), "on_map": on.tolist(),
                              args.stage: {n: v.tolist() for n, v in err.items()}}))  # fmt: skip


if __name__ == "__main__":
    main()
