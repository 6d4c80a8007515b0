"""Slow recovered points' circles (session 32, uncert32; eval/recover_spread.py).

GeoLife's slow recovered points (speed x gap <= 50 m) held 51-67 % inside the 90 % circle after
session 31's noise floor. Candidates, each fitted like trajlm-small's recover_radii.json (same
rows, bins, weights, noise floor 1), differing only in the scale or in a regime split:

    base      the shipped form: scale = hypot(speed x gap, 1 x jitter), bins gap x position
    reg50     factors fitted apart for points with speed x gap <= 50 m and > 50 m
    reg20_50  apart for <= 20, 20-50, > 50 m
    m5 / m10 / m20   a GPS floor in metres: scale = hypot(speed x gap, jitter, M)

Subcommands:
    limit:   STORE:SPLIT ... -> the rows' scale / jitter recomputed with and without
             max_step_s = the file's max_gap_s (review31's fit / answer mismatch), per store
    choose:  VAL_ROWS -> val halves (fit on one half of the trips, read on the other, both
             ways) per candidate; the pre-registered pick (RULE); then leave-one-trip-out on val
             for base and the pick (the cross-check)
    rows:    STORE:SPLIT ... --out ROWS -> shipped-path rows (trajlm-small, four settings, the
             features read as answers read them: max_step_s = the file's max_gap_s)
    trips:   VAL_ROWS -> a run's own fit (eval/run_recover_radii.py's form: pooled over its
             settings, no regimes) on N random val trips of one store, read on that store's
             other val trips: share inside 50 / 90 at N = 3 ... 80 (40 draws each): how many
             val trips a run's fit needs before its 90 % circle holds on other trips
    heldout: ROWS --pick NAME -> base vs the pick fitted on all val rows, read on held-out rows
             (per store and setting; the slow points; a paired bootstrap over trips at 90)

RULE (written before `choose` was run): per candidate and half, per store the mean |share -
level| at 50 / 90 / 95 over its setting cells and its scale cells (speed x gap cut at 20 / 50 /
100 / 300 / 1000 m; cells of >= 100 points), both halves averaged; and the worst cell's share at
90 (the lowest over both stores' setting and scale cells). Pick: among candidates whose Porto
score is at most base's + 0.25 and whose worst 90 % share is at least base's, the lowest GeoLife
score; base unless that is at least 0.3 points below base's. The pick stands if leave-one-trip-
out on val moves the slow cells (<= 50 m) toward 90 % at 90 without the setting cells' mean
|share - 90| growing by more than 1 point.

HELD-OUT RULE (written with the RULE): one read per held-out store (vehicles, liverpool bus,
limerick bus, trackintel's GeoLife-format files; none fitted on). trajlm-small's file is refitted
with the pick only if the mean |share - level| at 50 / 90 / 95 over the held-out (store, setting)
cells of >= 50 points falls, and no such cell within 5 points of 90 % at 90 under base falls by
more than 2 points at 90 under the pick.

    export PYTHONPATH=$PWD UNCERT32=/tmp/uncert32
    .venv/bin/python scripts/uncert32/slow.py limit /tmp/stores/porto:val /tmp/stores/geolife:val
    .venv/bin/python scripts/uncert32/slow.py choose /tmp/uncert31/ship_val.parquet

Output: tables on stdout; rows Parquet under $UNCERT32 (/tmp/uncert32).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "uncert28"))
from recover_cover import weights  # noqa: E402

from trajlm.eval.recover_spread import (  # noqa: E402
    fit_recover_spread,
    gap_features,
    spread_columns,
)

OUT = os.environ.get("UNCERT32", "/tmp/uncert32")
LEVELS = (50, 90, 95)
EDGES = (0.1, 0.2, 0.35)  # session 30's position bins
K = 1.0  # session 31's noise floor
SCALE_CUTS = [20, 50, 100, 300, 1000]
CANDIDATES = {"base": ((), 0.0), "reg50": ((50.0,), 0.0), "reg20_50": ((20.0, 50.0), 0.0),
              "m5": ((), 5.0), "m10": ((), 10.0), "m20": ((), 20.0)}  # fmt: skip
SETTINGS = (("random 50 %", {"mode": "random", "ratio": 0.5, "seed": 0}),
            *((f"every {s} s", {"mode": "downsample", "interval_s": float(s)})
              for s in (120, 600, 1800)))  # fmt: skip


def _feats(d: pl.DataFrame, metres: float) -> dict[str, np.ndarray]:
    f = {k: d[k].to_numpy() for k in ("gap_s", "position", "scale", "jitter")}
    if metres > 0:  # hypot(hypot(s, M), k j) = hypot(s, k j, M)
        f["scale"] = np.hypot(f["scale"], metres)
    return f


def _regime(d: pl.DataFrame, cuts: tuple[float, ...]) -> np.ndarray:
    return np.searchsorted(cuts, d["scale"].to_numpy(), side="left")


def fit(d: pl.DataFrame, name: str) -> list[dict]:
    """One spread per regime of the candidate (one for the others)."""
    cuts, metres = CANDIDATES[name]
    reg, out = _regime(d, cuts), []
    for i in range(len(cuts) + 1):
        p = d.filter(pl.Series(reg == i))
        out.append(fit_recover_spread(p["err"].to_numpy(), _feats(p, metres), weights(p),
                                      p["traj"].to_numpy(), position_edges=EDGES,
                                      noise_floor=K))  # fmt: skip
    return out


def hits(d: pl.DataFrame, name: str, spreads: list[dict]) -> pl.DataFrame:
    cuts, metres = CANDIDATES[name]
    reg, f = _regime(d, cuts), _feats(d, metres)
    r = {lv: np.full(d.height, np.nan) for lv in LEVELS}
    for i, s in enumerate(spreads):
        m = reg == i
        cols = spread_columns(s, {k: v[m] for k, v in f.items()}, list(LEVELS))
        for lv in LEVELS:
            r[lv][m] = cols[f"r{lv}_m"]
    err = d["err"].to_numpy()
    return d.with_columns(sb=pl.col("scale").cut(SCALE_CUTS),
                          **{f"in{lv}": pl.Series(err <= r[lv]).cast(float) * 100
                             for lv in LEVELS})  # fmt: skip


def cells(h: pl.DataFrame, by: str, least: int = 100) -> pl.DataFrame:
    c = h.group_by("source", by).agg(pl.len(), *(pl.col(f"in{lv}").mean() for lv in LEVELS))
    return c.filter(pl.col("len") >= least)


def off(c: pl.DataFrame) -> dict[str, float]:
    return {src: float(np.mean([(g[f"in{lv}"] - lv).abs().mean() for lv in LEVELS]))
            for (src,), g in c.group_by("source")}  # fmt: skip


def choose(d: pl.DataFrame) -> str:
    odd = (d["traj"].hash(0) % 2 == 1).to_numpy()
    halves = ((d.filter(odd), d.filter(~odd)), (d.filter(~odd), d.filter(odd)))
    score: dict[str, dict[str, float]] = {}
    print("| candidate | store | setting + scale cells: mean abs(share - level) | slow <= 50 m at "
          "50 / 90 / 95 | worst cell at 90 |\n|---|---|---|---|---|")  # fmt: skip
    for name in CANDIDATES:
        acc: dict[str, list[float]] = {}
        worst, slow = [], {}
        for f, r in halves:
            h = hits(r, name, fit(f, name))
            both = pl.concat([cells(h, "setting").rename({"setting": "cell"}),
                              cells(h, "sb").with_columns(pl.col("sb").cast(pl.String))
                              .rename({"sb": "cell"})])  # fmt: skip
            for src, v in off(both).items():
                acc.setdefault(src, []).append(v)
            worst.append(float(both["in90"].min()))
            s = (
                h.filter(pl.col("scale") <= 50)
                .group_by("source")
                .agg(*(pl.col(f"in{lv}").mean() for lv in LEVELS))
            )
            for row in s.iter_rows(named=True):
                slow.setdefault(row["source"], []).append([row[f"in{lv}"] for lv in LEVELS])
        score[name] = {src: float(np.mean(v)) for src, v in acc.items()}
        score[name]["worst"] = float(np.mean(worst))
        for src in sorted(acc):
            sl = " / ".join(f"{x:.1f}" for x in np.mean(slow.get(src, [[np.nan] * 3]), 0))
            print(
                f"| {name} | {src} | {score[name][src]:.2f} | {sl} | {score[name]['worst']:.1f} |"
            )
    geo = next(s for s in score["base"] if s.startswith("geolife"))
    porto = next(s for s in score["base"] if s.startswith("porto"))
    b = score["base"]
    ok = [n for n in CANDIDATES if n != "base" and score[n][porto] <= b[porto] + 0.25
          and score[n]["worst"] >= b["worst"]]  # fmt: skip
    best = min(ok, key=lambda n: score[n][geo]) if ok else "base"
    pick = best if best != "base" and score[best][geo] <= b[geo] - 0.3 else "base"
    print(f"\nRULE: eligible {ok}; pick = {pick}")
    return pick


def loto(d: pl.DataFrame, names: list[str]) -> None:
    """Each val trip left out in turn: fitted on the others, read on it."""
    print("\n| candidate | store | slow <= 50 m at 50 / 90 / 95 | setting cells mean "
          "abs(share - 90) |\n|---|---|---|---|")  # fmt: skip
    trips = d["traj"].unique().to_list()
    for name in names:
        parts = []
        for t in trips:
            m = (d["traj"] == t).to_numpy()
            parts.append(hits(d.filter(m), name, fit(d.filter(~m), name)))
        h = pl.concat(parts)
        for (src,), g in h.group_by("source", maintain_order=True):
            s = g.filter(pl.col("scale") <= 50)
            sl = " / ".join(f"{s[f'in{lv}'].mean() or np.nan:.1f}" for lv in LEVELS)
            c = cells(g, "setting")
            print(f"| {name} | {src} | {sl} | {float((c['in90'] - 90).abs().mean()):.2f} |",
                  flush=True)  # fmt: skip


def store_frames(specs: list[str], trips: int):
    from trajlm.data.store import read_store

    for spec in specs:
        path, _, split = spec.partition(":")
        df = read_store(path, split or None).select("traj_id", "t", "lat", "lon")
        df = df.with_columns(pl.col("traj_id").cast(pl.String)).sort("traj_id", "t")
        n = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") >= 3)
        df = df.filter(pl.col("traj_id").is_in(n["traj_id"][:trips].implode()))
        src = os.path.basename(path.rstrip("/")) + f"-{split or 'all'}"
        t = df["t"].cast(pl.Float64).to_numpy()  # the store's Unix seconds
        yield src, df, t, df.select("lat", "lon").to_numpy(), df["traj_id"].rank("dense").to_numpy()


def limit(specs: list[str], trips: int, max_gap_s: float) -> None:
    from trajlm.data.protocol_tasks import make_recovery_task

    print("| store | setting | hidden points | scale changed (> 1e-9 rel) | jitter changed |")
    print("|---|---|---|---|---|")
    for src, df, t, ll, groups in store_frames(specs, trips):
        for name, kw in SETTINGS:
            known = make_recovery_task(df, **kw).known
            a, b = gap_features(t, ll, known, groups), gap_features(t, ll, known, groups, max_gap_s)
            h = ~known & np.isfinite(a["scale"])
            ch = {k: int((np.abs(a[k][h] - b[k][h]) > 1e-9 * np.maximum(1, b[k][h])).sum())
                  for k in ("scale", "jitter")}  # fmt: skip
            print(f"| {src} | {name} | {int(h.sum())} | {ch['scale']} | {ch['jitter']} |")


def rows(specs: list[str], trips: int, out: str) -> None:
    import torch

    import trajlm
    from trajlm.data.protocol_tasks import make_recovery_task
    from trajlm.eval.metrics import haversine
    from trajlm.eval.recover_spread import load_recover_spread, step_limit_s

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    lim = step_limit_s(load_recover_spread("trajlm/checkpoints/trajlm-small"))
    parts = []
    for src, df, t, ll, groups in store_frames(specs, trips):
        for name, kw in SETTINGS:
            known = make_recovery_task(df, **kw).known
            inp = df.with_columns(lat=pl.when(pl.Series(known)).then(pl.col("lat")),
                                  lon=pl.when(pl.Series(known)).then(pl.col("lon")))  # fmt: skip
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ans = model.recover(inp)
            err = haversine(ans["lat"].to_numpy(), ans["lon"].to_numpy(), ll[:, 0], ll[:, 1])
            f, h = gap_features(t, ll, known, groups, lim), ~known
            parts.append(pl.DataFrame({"source": src, "setting": name,
                                       "traj": df["traj_id"].to_numpy()[h], "engine": "shipped",
                                       "err": err[h], **{k: v[h] for k, v in f.items()}}))  # fmt: skip
            print(src, name, int(h.sum()), "hidden points", flush=True)
    pl.concat(parts).write_parquet(out)
    print("wrote", out)


def paired(before: pl.DataFrame, after: pl.DataFrame, reps: int = 2000) -> None:
    """After - before share inside the 90 % circle per store and on the slow points, with a
    paired bootstrap 95 % CI over trips (settings weigh as their points)."""
    print("\n| points | n | trips | 90 %: before -> after | after - before (95 % CI, trips) |\n"
          "|---|---|---|---|---|")  # fmt: skip
    rng = np.random.default_rng(0)
    d = before.select("source", "traj", "scale", b="in90").with_columns(a=after["in90"])
    groups = [(f"{src}", pl.col("source") == src) for src in sorted(set(d["source"]))]
    for name, m in groups + [("slow (<= 50 m), all stores", pl.col("scale") <= 50)]:
        g = d.filter(m)
        if not g.height:
            continue
        t = g.group_by("source", "traj").agg(pl.len(), pl.col("b").sum(), pl.col("a").sum())
        n, bs, as_ = (t[k].to_numpy().astype(float) for k in ("len", "b", "a"))
        i = rng.integers(0, len(t), (reps, len(t)))
        diff = (as_[i].sum(1) - bs[i].sum(1)) / n[i].sum(1)
        lo, hi = np.percentile(diff, [2.5, 97.5])
        print(
            f"| {name} | {g.height} | {len(t)} | {bs.sum() / n.sum():.1f} -> "
            f"{as_.sum() / n.sum():.1f} | {(as_.sum() - bs.sum()) / n.sum():+.1f} "
            f"({lo:+.1f}..{hi:+.1f}) |"
        )


def heldout(val: pl.DataFrame, test: pl.DataFrame, pick: str) -> None:
    print(
        "| store | setting | points | base 50 / 90 / 95 | pick 50 / 90 / 95 |\n|---|---|---|---|---|"
    )
    res = {}
    for name in ("base", pick):
        res[name] = cells(hits(test, name, fit(val, name)), "setting", least=50).sort(
            "source", "setting"
        )
    b, p = res["base"], res[pick]
    for rb, rp in zip(b.iter_rows(named=True), p.iter_rows(named=True), strict=True):
        print(
            f"| {rb['source']} | {rb['setting']} | {rb['len']} | "
            + " / ".join(f"{rb[f'in{lv}']:.1f}" for lv in LEVELS)
            + " | "
            + " / ".join(f"{rp[f'in{lv}']:.1f}" for lv in LEVELS)
            + " |"
        )
    for name, c in res.items():
        v = np.mean([(c[f"in{lv}"] - lv).abs().mean() for lv in LEVELS])
        print(f"{name}: mean abs(share - level) over the cells at 50 / 90 / 95: {v:.2f}")
    fine = (b["in90"] >= 85) & (b["in90"] <= 95)
    worse = fine & (p["in90"] < b["in90"] - 2)
    print(f"cells within 5 of 90 under base: {int(fine.sum())}; of them > 2 points worse at 90 "
          f"under {pick}: {int(worse.sum())}")  # fmt: skip
    full = {n: hits(test, n, fit(val, n)) for n in ("base", pick)}
    paired(full["base"], full[pick])
    h = {n: g.filter(pl.col("scale") <= 50) for n, g in full.items()}
    for n, g in h.items():
        print(
            f"{n}: held-out slow points (<= 50 m, {g.height}): "
            + " / ".join(f"{g[f'in{lv}'].mean():.1f}" for lv in LEVELS)
        )


def trips_needed(d: pl.DataFrame, draws: int = 40) -> None:
    print("| store | val trips fitted | draws | inside 50 %: median (10th-90th pct) | inside 90 %: "
          "median (10th-90th pct) | draws under 85 % at 90 |\n|---|---|---|---|---|---|")  # fmt: skip
    rng = np.random.default_rng(0)
    for (src,), g in d.group_by("source", maintain_order=True):
        names = np.array(sorted(set(g["traj"].to_list())))
        for n in (3, 5, 10, 20, 40, 80):
            if n >= len(names) - 10:
                continue
            got = {50: [], 90: []}
            for _ in range(draws):
                m = g["traj"].is_in(rng.choice(names, n, replace=False).tolist()).to_numpy()
                f, r = g.filter(m), g.filter(~m)
                w = (1.0 / f.select(pl.len().over("setting")).to_series()).to_numpy()
                s = fit_recover_spread(f["err"].to_numpy(), _feats(f, 0.0), w, f["traj"].to_numpy(),
                                       position_edges=EDGES, noise_floor=K)  # fmt: skip
                cols = spread_columns(s, _feats(r, 0.0), [50, 90])
                for lv in got:  # the read trips' settings weigh the same, as in the fit
                    inside = r["err"].to_numpy() <= cols[f"r{lv}_m"]
                    sh = (
                        r.with_columns(i=pl.Series(inside))
                        .group_by("setting")
                        .agg(pl.col("i").mean())
                    )
                    got[lv].append(float(sh["i"].mean()) * 100)
            q = {lv: np.percentile(v, [50, 10, 90]) for lv, v in got.items()}
            under = int((np.array(got[90]) < 85).sum())
            print(
                f"| {src} | {n} | {draws} | {q[50][0]:.1f} ({q[50][1]:.1f}-{q[50][2]:.1f}) | "
                f"{q[90][0]:.1f} ({q[90][1]:.1f}-{q[90][2]:.1f}) | {under} |",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("limit", "choose", "rows", "trips", "heldout"))
    ap.add_argument("args", nargs="+")
    ap.add_argument("--trips", type=int, default=120)
    ap.add_argument("--max-gap-s", type=float, default=2014.0)  # trajlm-small's file
    ap.add_argument("--out")
    ap.add_argument("--pick", default="reg50")
    ap.add_argument("--val", default="/tmp/uncert31/ship_val.parquet")
    a = ap.parse_args()
    shipped = (pl.col("err").is_finite() & pl.col("scale").is_finite()
               & (pl.col("engine") == "shipped"))  # fmt: skip
    if a.what == "limit":
        limit(a.args, a.trips, a.max_gap_s)
    elif a.what == "rows":
        rows(a.args, a.trips, a.out or os.path.join(OUT, "heldout_rows.parquet"))
    elif a.what == "choose":
        d = pl.concat([pl.read_parquet(p) for p in a.args]).filter(shipped)
        pick = choose(d)
        loto(d, ["base"] + ([pick] if pick != "base" else []))
    elif a.what == "trips":
        trips_needed(pl.concat([pl.read_parquet(p) for p in a.args]).filter(shipped))
    else:
        val = pl.read_parquet(a.val).filter(shipped)
        test = pl.concat([pl.read_parquet(p) for p in a.args]).filter(shipped)
        heldout(val, test, a.pick)


if __name__ == "__main__":
    main()
