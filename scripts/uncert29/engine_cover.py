"""Recovered points' radii per answering engine (session 29, uncert29; eval/recover_spread.py).

What it measures: whether the recovered points' circles (recover_radii.json, fitted on val
answers of trajlm-small's shipped recover path) hold when another interpolation answers. Per
store split (first --trips trips) and PROTOCOL recovery setting (random 50 % hidden, seed 0;
one fix per 120 s; optional longer --every gaps) it keeps each hidden point's error under the
shipped ``TrajLM.recover`` answer ("shipped", its engine in ``answered``) and under Akima, PCHIP
and linear interpolation of the same known fixes (trajlm/tasks/fallback_recover.interpolate).

    rows:   PATH:SPLIT ... -> Parquet rows at --out (one per hidden point and engine)
    cover:  rows -> share inside the 50 / 90 / 95 % circles per store, setting and engine, the
            shipped file's spread (or --fit ROWS: a spread fitted per engine on those rows)
    halves: rows -> the one-for-all spread (fitted on the shipped answers) vs one per engine,
            each fitted on one half of the trips and read on the other, both ways
    beyond: rows -> the shipped file's circles read with its max_gap_s limit dropped, on the
            points within it and past it (would extrapolating the factors hold?)
    long:   rows -> a spread fitted on the PROTOCOL settings only (random 50 %, every 120 s)
            vs one fitted on every setting of the rows (longer --every gaps too), each on one
            half of the trips and read on the other, both ways; points past a fit's max_gap_s
            are NaN (counted, not read)
    paired: rows -> after (--dir) - before (--before DIR) share inside the 90 / 95 % circles
            per store and setting on the shipped answers, paired bootstrap over trips
    fit:    rows -> recover_radii.json under --dir, fitted on --engine's rows (default
            shipped) of every setting

    export PYTHONPATH=$PWD UNCERT29=/tmp/uncert29
    .venv/bin/python scripts/uncert29/engine_cover.py rows /tmp/stores/porto:val \
        /tmp/stores/geolife:val --out $UNCERT29/eng_val.parquet
    .venv/bin/python scripts/uncert29/engine_cover.py cover $UNCERT29/eng_val.parquet
    .venv/bin/python scripts/uncert29/engine_cover.py halves $UNCERT29/eng_val.parquet

Output: rows Parquet under $UNCERT29 (/tmp/uncert29), tables on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "uncert28"))
from recover_cover import cover as cover_table  # noqa: E402  (uncert28's table, CI over trips)
from recover_cover import feats, weights  # noqa: E402

from trajlm.eval.recover_spread import (  # noqa: E402
    RECOVER_RADII_FILE,
    fit_recover_spread,
    load_recover_spread,
)

OUT = os.environ.get("UNCERT29", "/tmp/uncert29")
ENGINES = ("akima", "pchip", "linear")


def settings(every: list[float]) -> list[tuple[str, dict]]:
    out = [("random 50 %", dict(mode="random", ratio=0.5, seed=0))]
    return out + [(f"every {s:g} s", dict(mode="downsample", interval_s=s)) for s in every]


def rows(specs: list[str], trips: int, every: list[float], model_too: bool,
         skip: int = 0) -> pl.DataFrame:  # fmt: skip
    import torch

    import trajlm
    from trajlm.data.features import LocalProjection
    from trajlm.data.longitude import mean_lon
    from trajlm.data.protocol_tasks import make_recovery_task
    from trajlm.data.store import read_store
    from trajlm.eval.metrics import haversine
    from trajlm.eval.recover_spread import gap_features
    from trajlm.tasks.fallback_recover import interpolate

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1) if model_too else None
    parts = []
    for spec in specs:
        path, _, split = spec.partition(":")
        df = read_store(path, split or "val").select("traj_id", "t", "lat", "lon")
        df = df.with_columns(pl.col("traj_id").cast(pl.String))
        n = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") >= 3)
        df = df.filter(pl.col("traj_id").is_in(n["traj_id"][skip : skip + trips].implode()))
        for name, kw in settings(every):
            task = make_recovery_task(df, **kw)
            truth = df.sort("traj_id", "t")
            known = task.known
            ll = truth.select("lat", "lon").to_numpy()
            t = truth["t"].cast(pl.Float64).to_numpy()  # the store's Unix seconds
            groups = truth["traj_id"].rank("dense").to_numpy()
            f = gap_features(t, ll, known, groups)
            proj = LocalProjection(float(np.mean(ll[known, 0])), mean_lon(ll[known, 1]))
            xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
            answers = {}
            for eng in ENGINES:
                lat, lon = proj.inverse(*interpolate(eng, xy, t, known, groups).T)
                answers[eng] = (lat, lon, eng)
            if model is not None:
                inp = truth.with_columns(lat=pl.when(pl.Series(known)).then(pl.col("lat")),
                                         lon=pl.when(pl.Series(known)).then(pl.col("lon")))  # fmt: skip
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = model.recover(inp)
                answers["shipped"] = (out["lat"].to_numpy(), out["lon"].to_numpy(),
                                      model.last_engine)  # fmt: skip
            h = ~known
            for eng, (lat, lon, answered) in answers.items():
                err = haversine(lat, lon, ll[:, 0], ll[:, 1])
                parts.append(pl.DataFrame({
                    "source": os.path.basename(path.rstrip("/")) + f"-{split or 'val'}",
                    "setting": name, "traj": truth["traj_id"].to_numpy()[h], "engine": eng,
                    "answered": answered, "err": err[h], **{k: v[h] for k, v in f.items()}}))  # fmt: skip
            said = answers.get("shipped", (0, 0, "-"))[2]
            print(spec, name, int(h.sum()), "hidden points; shipped answered:", said, flush=True)
    return pl.concat(parts)


def fit(d: pl.DataFrame) -> dict:
    return fit_recover_spread(d["err"].to_numpy(), feats(d), weights(d), d["source"].to_numpy())


def long_gaps(d: pl.DataFrame) -> None:
    protocol = pl.col("setting").is_in(["random 50 %", "every 120 s"])
    odd = d["traj"].hash(0) % 2 == 1
    for half, (fit_, read) in enumerate(((d.filter(odd), d.filter(~odd)),
                                         (d.filter(~odd), d.filter(odd)))):  # fmt: skip
        for name, rows_ in (("PROTOCOL settings", fit_.filter(protocol)), ("every setting", fit_)):
            s = fit(rows_)
            inside = read.filter(pl.col("gap_s") <= s["max_gap_s"])
            print(
                f"\n### half {half}: fitted on {name} (max_gap_s {s['max_gap_s']:g}); "
                f"{read.height - inside.height} of {read.height} read points past it: NaN"
            )
            cover_table(inside, s)


def paired(d: pl.DataFrame, before: dict, after: dict, reps: int = 1000, seed: int = 0) -> None:
    from trajlm.eval.recover_spread import spread_columns

    rng = np.random.default_rng(seed)
    print("| store | setting | 90 % before -> after | 95 % before -> after | after - before, "
          "90 / 95 (95 % CI over trips) | median r90_m before -> after |\n|---|---|---|---|---|---|")  # fmt: skip
    for (src, st), g in d.group_by("source", "setting", maintain_order=True):
        _, ti = np.unique(g["traj"].to_numpy(), return_inverse=True)
        nt, err = ti.max() + 1, g["err"].to_numpy()
        cnt = np.bincount(ti, minlength=nt).astype(float)
        b = rng.integers(0, nt, (reps, nt))
        cells, diffs = [], []
        r90 = [np.nanmedian(spread_columns(s, feats(g), [90])["r90_m"]) for s in (before, after)]
        for lv in (90, 95):
            hit = [err <= spread_columns(s, feats(g), [lv])[f"r{lv}_m"] for s in (before, after)]
            per = [np.bincount(ti, h.astype(float), nt) for h in hit]
            est = [p.sum() / cnt.sum() * 100 for p in per]
            boot = (per[1][b].sum(1) - per[0][b].sum(1)) / cnt[b].sum(1) * 100
            lo, hi = np.percentile(boot, [2.5, 97.5])
            cells.append(f"{est[0]:.1f} -> {est[1]:.1f}")
            diffs.append(f"{est[1] - est[0]:+.1f} [{lo:+.1f}, {hi:+.1f}]")
        print(f"| {src} | {st} | {cells[0]} | {cells[1]} | {' / '.join(diffs)} | "
              f"{r90[0]:.0f} -> {r90[1]:.0f} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("rows", "cover", "halves", "beyond", "long", "fit", "paired"))
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--out")
    ap.add_argument("--dir", default="trajlm/checkpoints/trajlm-small")
    ap.add_argument("--trips", type=int, default=40)
    ap.add_argument("--skip", type=int, default=0, help="rows: leave out the first SKIP trips")
    ap.add_argument("--every", type=float, action="append", help="seconds (default: 120)")
    ap.add_argument("--no-model", action="store_true", help="interpolations only")
    ap.add_argument("--engine", help="beyond: the engine's rows (default pchip)")
    ap.add_argument("--limit", type=float, default=370.0,
                    help="beyond: the gap to split at for a file without max_gap_s (370 s: "
                    "session 28's longest val gap)")  # fmt: skip
    ap.add_argument("--before", help="paired: the folder of the file read before")
    ap.add_argument("--fit", help="rows to fit one spread per engine on (cover)")
    a = ap.parse_args()
    if a.what == "rows":
        d = rows(a.inputs, a.trips, a.every or [120.0], not a.no_model, a.skip)
        os.makedirs(OUT, exist_ok=True)
        d.write_parquet(a.out or os.path.join(OUT, "eng_rows.parquet"))
        return
    d = pl.concat([pl.read_parquet(p) for p in a.inputs]).filter(pl.col("err").is_finite())
    if a.what == "cover":
        shipped = load_recover_spread(a.dir)
        per = {}
        if a.fit:
            f = pl.read_parquet(a.fit).filter(pl.col("err").is_finite())
            per = {e: fit(f.filter(pl.col("engine") == e)) for e in ENGINES}
        for eng in ("shipped", *ENGINES):
            g = d.filter(pl.col("engine") == eng)
            if g.height:
                spread = per.get(eng, shipped)
                print(f"\n### {eng} ({'its own val fit' if eng in per else 'the shipped file'})")
                cover_table(g, spread)
        return
    if a.what == "beyond":
        shipped = load_recover_spread(a.dir)
        limit = shipped.pop("max_gap_s", None) or a.limit  # session 28's file: none kept
        d = d.filter(pl.col("engine") == (a.engine or "pchip"))
        for name, part in (("within", d.filter(pl.col("gap_s") <= limit)),
                           ("past", d.filter(pl.col("gap_s") > limit))):  # fmt: skip
            print(f"\n### gaps {name} {limit:g} s, {a.engine or 'pchip'}, factors extrapolated")
            cover_table(part, shipped)
        return
    if a.what == "fit":
        f = d.filter(pl.col("engine") == (a.engine or "shipped"))
        spread = fit(f)
        spread["note"] = ("fitted on val: " + ", ".join(sorted(set(f["source"]))) + "; " +
                          ", ".join(sorted(set(f["setting"]))) +
                          " (scripts/uncert29/engine_cover.py fit)")  # fmt: skip
        p = os.path.join(a.dir, RECOVER_RADII_FILE)
        with open(p, "w") as fh:
            fh.write(json.dumps(spread, indent=1) + "\n")
        print("wrote", p, "max_gap_s", spread["max_gap_s"], "pooled", spread["pooled"],
              "bins", [b["bin"] for b in spread["bins"]])  # fmt: skip
        return
    if a.what == "paired":
        paired(d.filter(pl.col("engine") == "shipped"), load_recover_spread(a.before),
               load_recover_spread(a.dir))  # fmt: skip
        return
    if a.what == "long":
        long_gaps(d.filter(pl.col("engine") == (a.engine or "pchip")))
        return
    odd = d["traj"].hash(0) % 2 == 1  # halves: trips split as uncert28's
    for eng in ENGINES:
        print(f"\n### {eng}: one-for-all (fitted on the shipped answers) vs its own fit")
        for fit_, read in ((d.filter(odd), d.filter(~odd)), (d.filter(~odd), d.filter(odd))):
            r = read.filter(pl.col("engine") == eng)
            print("one-for-all:")
            cover_table(r, fit(fit_.filter(pl.col("engine") == "shipped")))
            print("its own:")
            cover_table(r, fit(fit_.filter(pl.col("engine") == eng)))


if __name__ == "__main__":
    main()
