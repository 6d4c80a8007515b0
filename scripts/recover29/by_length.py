"""recover29: the model or interpolation chosen per gap length (BridgeRecoverer(check="length"),
trajlm/tasks/fallback_length.py) against today's call check (check "call", one decision per
call), both with trajlm-small's BRIDGE_DEFAULT and no saved verdict (TrajLM.recover's path for
trajlm-small). Calls of CHUNK trips; patterns random 50 % and every 60 / 120 / 240 s; seed s
sets the random mask and which trips share a call (seed 0: sorted by traj_id). Per cell
(store x pattern, seeds pooled): new / current pooled error over the hidden fixes, paired
bootstrap over trips (2,000). Summary: geometric mean of the cells' ratios, trips resampled
per store. The model's rollouts are memoised between the two arms (same inputs, same output).

    PYTHONPATH=$PWD python scripts/recover29/by_length.py [--split val|test] [--seeds 3]
        [--trips N] [STORE ...]      # default: /tmp/stores/porto /tmp/stores/geolife, all trips
    PYTHONPATH=$PWD python scripts/recover29/by_length.py table [RUN.json ...]  # the tables
Outputs: $RECOVER29/by_length_SPLIT_STORES.json (default /tmp/recover29) and prints.
"""

import hashlib
import json
import os
import sys
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl

import trajlm.tasks.recover_bridge as rb
from trajlm.api import TrajLM
from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store

OUT = Path(os.environ.get("RECOVER29", "/tmp/recover29"))
CHUNK = 20
PATTERNS = [("random", 0.0), ("downsample", 60.0), ("downsample", 120.0), ("downsample", 240.0)]
ARMS = ("call", "length")
_bridge, _memo = rb.bridge_xy, {}


def memo_bridge(model, xy, t, known, groups, projection, *args):
    """bridge_xy memoised on its inputs (the two arms roll out the same histories)."""
    h = hashlib.sha1()
    for a in (xy, t, known, groups):
        h.update(np.ascontiguousarray(a).tobytes())
    key = (h.hexdigest(), args, projection.lat0, projection.lon0)
    if key not in _memo:
        _memo[key] = _bridge(model, xy, t, known, groups, projection, *args)
    return _memo[key].copy()


def run_call(model, task, check: str) -> tuple[np.ndarray, str]:
    rec = rb.BridgeRecoverer(model, **{**rb.BRIDGE_DEFAULT, "check": check})
    rec._said = "study"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ll = rec.recover(task)
    truth = np.asarray(task.truth, np.float64)
    proj = LocalProjection(float(truth[:, 0].mean()), mean_lon(truth[:, 1]))
    a = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    b = np.stack(proj.forward(truth[:, 0], truth[:, 1]), 1)
    return np.linalg.norm(a - b, axis=1), rec.last_engine


def cell(model, df: pl.DataFrame, ids: list, mode: str, iv: float, seeds: int) -> dict:
    """Per (seed, trip) summed error of each arm and hidden count; engines seen."""
    sums = {a: [] for a in ARMS}
    n_all, keys, engines, secs = [], [], {a: [] for a in ARMS}, {a: 0.0 for a in ARMS}
    for seed in range(seeds):
        order = list(ids) if seed == 0 else list(np.random.default_rng(seed).permutation(ids))
        for c in range(0, len(order), CHUNK):
            part = df.filter(pl.col("traj_id").is_in(order[c : c + CHUNK]))
            rt = make_recovery_task(part, mode, interval_s=iv or 60.0, seed=seed)
            if rt.known.all():
                continue
            counts = part.group_by("traj_id").len().filter(pl.col("len") >= 3)
            names = counts["traj_id"].sort().to_list()  # make_recovery_task's groups, in order
            task = SimpleNamespace(groups=rt.groups, t=rt.t, known=rt.known, truth=rt.latlon,
                                   latlon=np.where(rt.known[:, None], rt.latlon, 0.0))  # fmt: skip
            hid = ~rt.known
            G = int(rt.groups.max()) + 1
            n_all.append(np.bincount(rt.groups[hid], minlength=G))
            keys += [f"{seed}:{names[g]}" for g in range(G)] if len(names) == G else [
                f"{seed}:{c}:{g}" for g in range(G)]  # fmt: skip
            for arm in ARMS:
                t0 = time.time()
                e, eng = run_call(model, task, arm)
                secs[arm] += time.time() - t0
                sums[arm].append(np.bincount(rt.groups[hid], e[hid], G))
                engines[arm].append(eng)
        _memo.clear()
    return {"keys": keys, "n": np.concatenate(n_all).tolist(),
            **{a: np.concatenate(sums[a]).tolist() for a in ARMS},
            "engines": engines, "secs": secs}  # fmt: skip


def ratio_ci(rows: list[dict], rng, draws: int = 2000) -> dict:
    """Each cell's new / current with a paired bootstrap over trips; the geometric mean of the
    cells' ratios with trips resampled per store (one draw per store for all its cells)."""
    by_store: dict[str, list[dict]] = {}
    for r in rows:
        by_store.setdefault(r["store"], []).append(r)
    out, boots = [], []
    for store, cells in by_store.items():
        trips = sorted({k.split(":", 1)[1] for r in cells for k in r["keys"]})
        tix = {t: i for i, t in enumerate(trips)}
        draws_ix = [rng.integers(0, len(trips), len(trips)) for _ in range(draws)]
        for r in cells:
            ti = np.array([tix[k.split(":", 1)[1]] for k in r["keys"]])
            n, cur, new = (np.array(r[k], float) for k in ("n", "call", "length"))
            # per trip (seeds pooled): sum over the keys of that trip
            N, C, W = (np.bincount(ti, x, len(trips)) for x in (n, cur, new))
            ok = N > 0
            rat = []
            for d in draws_ix:
                w = np.bincount(d, minlength=len(trips)) * ok
                rat.append((W * w).sum() / (C * w).sum())
            rat = np.array(rat)
            boots.append(np.log(rat))
            out.append({"store": store, "pattern": r["pattern"], "trips": int(ok.sum()),
                        "hidden": int(N.sum()), "current_m": C.sum() / N.sum(),
                        "new_m": W.sum() / N.sum(), "ratio": W.sum() / C.sum(),
                        "ci": [float(np.percentile(rat, 2.5)), float(np.percentile(rat, 97.5))],
                        "engines_new": sorted(set(e.split(":")[0] for e in r["engines"]["length"])),
                        "mixed_calls": sum(e.startswith("by gap length: model")
                                           for e in r["engines"]["length"]),
                        "calls": len(r["engines"]["length"]),
                        "secs": r["secs"]})  # fmt: skip
    g = np.exp(np.mean(boots, 0))
    point = float(np.exp(np.mean([np.log(o["ratio"]) for o in out])))
    return {
        "cells": out,
        "geomean": point,
        "geomean_ci": [float(np.percentile(g, 2.5)), float(np.percentile(g, 97.5))],
    }


def table(paths: list[str]) -> None:
    rows = [r for p in paths for r in json.loads(Path(p).read_text())["rows"]]
    res = ratio_ci(rows, np.random.default_rng(29))
    print("| store | pattern | trips | hidden | current m | check length m | ratio (95 % CI) | "
          "calls mixed / all |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for c in res["cells"]:
        print(f"| {c['store']} | {c['pattern']} | {c['trips']} | {c['hidden']:,} | "
              f"{c['current_m']:.2f} | {c['new_m']:.2f} | {c['ratio']:.4f} "
              f"({c['ci'][0]:.4f}-{c['ci'][1]:.4f}) | {c['mixed_calls']} / {c['calls']} |")  # fmt: skip
    lo, hi = res["geomean_ci"]
    print(f"\ngeometric mean of the cells: {res['geomean']:.4f} ({lo:.4f}-{hi:.4f})")


def main(argv: list[str]) -> None:
    if argv[:1] == ["table"]:
        return table(argv[1:] or [str(p) for p in sorted(OUT.glob("by_length_val_*.json"))])
    split, seeds, trips = "val", 3, 0
    for opt in ("--split", "--seeds", "--trips"):
        if opt in argv:
            i = argv.index(opt)
            val, argv = argv[i + 1], argv[:i] + argv[i + 2 :]
            split, seeds, trips = ((val, seeds, trips) if opt == "--split" else
                                   (split, int(val), trips) if opt == "--seeds" else
                                   (split, seeds, int(val)))  # fmt: skip
    stores = argv or ["/tmp/stores/porto", "/tmp/stores/geolife"]
    rb.bridge_xy = memo_bridge
    model = TrajLM.from_pretrained("trajlm-small", threads=1).model
    rows = []
    for st in stores:
        df = read_store(Path(st), split=split).drop("split", strict=False)
        ids = df["traj_id"].unique().sort().to_list()
        ids = ids[:trips] if trips else ids
        df = df.filter(pl.col("traj_id").is_in(ids))
        for mode, iv in PATTERNS:
            t0 = time.time()
            r = cell(model, df, ids, mode, iv, seeds)
            r.update(
                store=Path(st).name,
                pattern="random 50 %" if mode == "random" else f"every {iv:g} s",
            )
            rows.append(r)
            one = ratio_ci([r], np.random.default_rng(0), 500)["cells"][0]
            print(json.dumps({k: one[k] for k in ("store", "pattern", "ratio", "ci", "mixed_calls",
                                                  "calls", "current_m", "new_m")}),
                  f"{time.time() - t0:.0f} s", flush=True)  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    name = f"by_length_{split}_{'_'.join(Path(s).name for s in stores)}.json"
    (OUT / name).write_text(json.dumps({"split": split, "seeds": seeds, "rows": rows}))
    print("wrote", OUT / name)


if __name__ == "__main__":
    main(sys.argv[1:])
