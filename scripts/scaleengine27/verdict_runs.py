"""Session 27 (scaleengine27): the "kNN scaled [time]" verdict engine on a trained run.

    PYTHONPATH=. python scripts/scaleengine27/verdict_runs.py RUN STORE \
        [--out /tmp/scaleengine27/geolife] [--seeds 0 1 2] [--test] [--overwrite]

Copies RUN (a `trajlm train` run folder) to OUT/run and applies `trajlm train`'s own end-of-run
check to it (cli_train_check.knn_summary: the val verdict, now with the scaled engine as the
challenger of its choice), timed; then reports: the verdict's engine and line, the scaled
engine's val ADE beside kNN with a paired bootstrap 95 % CI (per trip) for each head seed
(seed 0 is the one the verdict fits and saves; 1, 2 refit the head on the same folds), the
answer `predict(steps=5)` gives (asked at the history's median interval, no target times),
`TrajLM.predict` latency, the saved tables' size. ``--test`` reads the store's test split
once: kNN (the verdict's), the scaled engine per seed and the verdict's answer, with CIs.
Outputs: OUT/report.md and OUT/report.json (default OUT under /tmp/scaleengine27/); nothing is
written into the repo or into RUN.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from trajlm._threads import apply_threads


def ci(d: np.ndarray, n: int = 2000) -> list[float]:
    """Mean of the paired differences and its bootstrap 95 % interval (over trips)."""
    rng = np.random.default_rng(0)
    boot = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(n)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return [float(d.mean()), float(lo), float(hi)]


def answers(est, task, proj, median: bool = False) -> np.ndarray:
    """(N, k, 2) lat/lon of an array-level engine on ``task`` (true target times, or the
    history's median interval as `predict(steps=k)` asks)."""
    t0 = task.hist_t[:, :1]
    tt = task.target_t.astype(np.float64)
    if median:
        gaps = np.diff(task.hist_t.astype(np.float64), axis=1)
        real = np.arange(gaps.shape[1])[None] < (task.lengths[:, None] - 1)
        med = np.nan_to_num(np.nanmedian(np.where(real, gaps, np.nan), axis=1), nan=1.0)
        last = task.hist_t[np.arange(len(tt)), task.lengths - 1]
        tt = last[:, None] + np.maximum(med, 1)[:, None] * np.arange(1, tt.shape[1] + 1)
    xy = est.predict(task.xy(proj), task.lengths, tt.shape[1], task.hist_t - t0, tt - t0)
    return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("store", type=Path)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--test", action="store_true", help="read the test split (once)")
    ap.add_argument("--overwrite", action="store_true")
    args = ap.parse_args(argv)
    out = args.out or Path("/tmp/scaleengine27") / args.store.name
    if out.exists() and not args.overwrite:
        ap.error(f"{out} exists; pass --overwrite to replace it")
    shutil.rmtree(out, ignore_errors=True)
    apply_threads(1, None)
    import trajlm
    from trajlm.cli_train_check import knn_summary
    from trajlm.data.features import LocalProjection
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval import metrics as M
    from trajlm.eval.predict_verdict import KNN, VerdictBaseline, load_index, load_knn, verdict_line
    from trajlm.eval.protocol import tune_knn
    from trajlm.eval.scaled_knn_engine import SCALE_NAME, SCALED, fit_scaled
    from trajlm.eval.val_verdict import KNN_NAME, read_verdict
    from trajlm.model.weights import resolve_weights

    run = out / "run"
    shutil.copytree(args.run, run)
    for stale in run.rglob("val_verdict*"):  # the check writes its own
        stale.unlink()
    cfg = json.loads((run / "train_config.json").read_text())
    trainer = SimpleNamespace(cfg=SimpleNamespace(select_max_traj=cfg.get("select_max_traj"),
                                                  cpu_threads=1))  # fmt: skip
    summary = json.loads((run / "train_summary.json").read_text())
    start = time.perf_counter()
    check = knn_summary(trainer, args.store, run, summary)
    check_s = time.perf_counter() - start
    wdir = resolve_weights(run, log=False)
    v = read_verdict(wdir)["predict"]
    rep: dict = {"store": str(args.store), "check_s": round(check_s, 1), "engine": v["engine"],
                 "line": verdict_line(v), "val_scaled": check.get("val_scaled"),
                 "val_ade_m": v["val_ade_m"], "val_baseline_fit_s": check.get("val_baseline_fit_s")}  # fmt: skip
    lines = [f"# {args.store.name}: {v['engine']} answers", "", rep["line"], "",
             f"train's end-of-run check: {check_s:.1f} s; the scaled engine's fit: "
             f"{(check.get('val_scaled') or {}).get('fit_s')} s", ""]  # fmt: skip
    # the check's plain kNN, tuned on val again as the check tuned it (the same settings)
    train = read_store(args.store, split="train").drop("split")
    proj = LocalProjection.fit(train)
    val_task = make_prediction_task(read_store(args.store, split="val").drop("split"))
    knn, _ = tune_knn(train, val_task, proj)
    k = {"history": knn.history, "n_neighbors": knn.n_neighbors}
    splits = ["val"] + (["test"] if args.test else [])
    tasks = {s: make_prediction_task(read_store(args.store, split=s).drop("split")) for s in splits}
    heads = {}
    for seed in args.seeds:
        got, info = fit_scaled(train, knn, seed)
        heads[seed] = got
        rep.setdefault("fit_s", {})[seed] = info.get("fit_s")
    for s, task in tasks.items():
        truth = task.target_latlon
        base = M.point_errors(answers(knn, task, proj), truth).mean(1)
        rows = {f"kNN continuation (verdict's settings {k['history']}/{k['n_neighbors']})": base}
        for seed, est in heads.items():
            rows[f"kNN scaled [time], head seed {seed}"] = M.point_errors(
                answers(est, task, proj), truth).mean(1)  # fmt: skip
            if seed == args.seeds[0]:
                rows[f"kNN scaled, steps=5 at the median interval (predict), seed {seed}"] = (
                    M.point_errors(answers(est, task, proj, median=True), truth).mean(1))  # fmt: skip
        lines += [f"## {s}: {len(base)} trips, per-trip 5-step ADE (m); Δ vs kNN: paired "
                  "bootstrap 95 % CI over trips", "", "| engine | ADE | Δ vs kNN | Δ % |",
                  "|---|---|---|---|"]  # fmt: skip
        for name, e in rows.items():
            d = ci(e - base)
            lines.append(f"| {name} | {e.mean():.1f} | {d[0]:+.2f} [{d[1]:+.2f}, {d[2]:+.2f}] | "
                         f"{100 * (e.mean() / base.mean() - 1):+.1f} % |")  # fmt: skip
            rep.setdefault(s, {})[name] = {"ade": float(e.mean()), "delta_ci": d}
        seeds = [rows[f"kNN scaled [time], head seed {x}"] for x in args.seeds]
        mean = np.mean(seeds, 0)
        d = ci(mean - base)
        lines += [f"| mean of the {len(seeds)} seeds (per trip) | {mean.mean():.1f} | "
                  f"{d[0]:+.2f} [{d[1]:+.2f}, {d[2]:+.2f}] | {100 * (mean.mean() / base.mean() - 1):+.1f} % |", ""]  # fmt: skip
        rep[s]["seed mean"] = {"ade": float(mean.mean()), "delta_ci": d}
    # what answers TrajLM.predict, its latency, the tables' size
    if v["engine"] != "model":
        val = read_store(args.store, split="val").drop("split")
        hist = val.group_by("traj_id", maintain_order=True).head(20)
        model = trajlm.TrajLM.from_pretrained(run, threads=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.predict(hist.head(50), steps=5)  # loads the verdict's tables
            times = []
            for _ in range(3):
                t = time.perf_counter()
                got = model.predict(hist, steps=5)
                times.append(time.perf_counter() - t)
        n = hist["traj_id"].n_unique()
        index = load_knn(wdir, {**v, "engine": KNN})[0] if "knn" in v else None
        eng = load_index(wdir, v)[0] if v["engine"] == SCALED else None
        task = tasks["val"]
        lat = {}
        for name, est in (("kNN", index and VerdictBaseline(KNN, index)), ("kNN scaled", eng)):
            if est is None:
                continue
            t = time.perf_counter()
            for _ in range(3):
                answers(est, task, proj)
            lat[name] = (time.perf_counter() - t) / 3 / len(task.lengths) * 1e3
        size = {
            n_: (wdir / n_).stat().st_size for n_ in (KNN_NAME, SCALE_NAME) if (wdir / n_).is_file()
        }
        rep |= {"predict_s": times, "predict_trips": n, "engine_answered": got["engine"][0],
                "array_ms_per_query": lat, "bytes": size}  # fmt: skip
        lines += [f"TrajLM.predict({n} val trajectories, steps=5): {min(times):.2f} s (best of 3; "
                  f"engine {got['engine'][0]!r}); array level per query: "
                  + ", ".join(f"{a} {b:.2f} ms" for a, b in lat.items())
                  + "; on disk: " + ", ".join(f"{a} {b / 1e3:.0f} kB" for a, b in size.items())]  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text("\n".join(lines) + "\n")
    (out / "report.json").write_text(json.dumps(rep, indent=1, default=str))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
