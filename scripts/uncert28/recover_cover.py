"""Recovered points' std_m and radii (session 28, uncert28; trajlm/eval/recover_spread.py).

What it measures: trajlm-small's ``TrajLM.recover`` (the shipped path: the bridge of its
rollouts, or the interpolation its verdict hands the call to) on PROTOCOL's recovery settings
(random 50 % of interior points hidden, seed 0; down-sampling to one fix per 120 s) over the
first --trips trips of each store split; per hidden point its error (m) and gap features.

    rows:  PATH:SPLIT ... -> Parquet rows at --out (one per hidden point)
    fit:   val rows -> recover_radii.json under --dir (trajlm-small's folder)
    cover: rows -> the share of truths inside the 50 / 90 / 95 % circles and within 2 std_m
           per store and setting, with a 95 % bootstrap CI over trips (1,000 resamples)

    export PYTHONPATH=$PWD UNCERT28=/tmp/uncert28
    .venv/bin/python scripts/uncert28/recover_cover.py rows /tmp/stores/porto:val \
        /tmp/stores/geolife:val --out $UNCERT28/rec_val.parquet
    .venv/bin/python scripts/uncert28/recover_cover.py fit $UNCERT28/rec_val.parquet \
        --dir trajlm/checkpoints/trajlm-small
    .venv/bin/python scripts/uncert28/recover_cover.py cover $UNCERT28/rec_test.parquet \
        --dir trajlm/checkpoints/trajlm-small

Output: rows Parquet under $UNCERT28 (/tmp/uncert28), tables on stdout, ``fit``'s JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings

import numpy as np
import polars as pl

from trajlm.eval.recover_spread import (
    LEVELS,
    RECOVER_RADII_FILE,
    fit_recover_spread,
    gap_features,
    load_recover_spread,
    spread_columns,
)

OUT = os.environ.get("UNCERT28", "/tmp/uncert28")
SETTINGS = (("random 50 %", dict(mode="random", ratio=0.5, seed=0)),
            ("every 120 s", dict(mode="downsample", interval_s=120.0)))  # fmt: skip


def rows(specs: list[str], trips: int) -> pl.DataFrame:
    import torch

    import trajlm
    from trajlm.data.protocol_tasks import make_recovery_task
    from trajlm.data.store import read_store
    from trajlm.eval.metrics import haversine

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    parts = []
    for spec in specs:
        path, _, split = spec.partition(":")
        df = read_store(path, split or "val").select("traj_id", "t", "lat", "lon")
        df = df.with_columns(pl.col("traj_id").cast(pl.String))
        n = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") >= 3)
        df = df.filter(pl.col("traj_id").is_in(n["traj_id"][:trips].implode()))
        for name, kw in SETTINGS:
            task = make_recovery_task(df, **kw)
            truth = df.sort("traj_id", "t")
            known = task.known
            inp = truth.with_columns(lat=pl.when(pl.Series(known)).then(pl.col("lat")),
                                     lon=pl.when(pl.Series(known)).then(pl.col("lon")))  # fmt: skip
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = model.recover(inp)
            err = haversine(out["lat"].to_numpy(), out["lon"].to_numpy(),
                            truth["lat"].to_numpy(), truth["lon"].to_numpy())  # fmt: skip
            groups = truth["traj_id"].rank("dense").to_numpy()
            f = gap_features(truth["t"].cast(pl.Float64).to_numpy(),
                             truth.select("lat", "lon").to_numpy(), known, groups)  # fmt: skip
            h = ~known
            parts.append(pl.DataFrame({
                "source": os.path.basename(path.rstrip("/")) + f"-{split or 'val'}",
                "setting": name, "traj": truth["traj_id"].to_numpy()[h], "err": err[h],
                **{k: v[h] for k, v in f.items()}, "engine": model.last_engine}))  # fmt: skip
            print(spec, name, int(h.sum()), "hidden points,", model.last_engine, flush=True)
    return pl.concat(parts)


def weights(d: pl.DataFrame) -> np.ndarray:
    """Each (source, setting) weighs the same in the fit (as radii22's sources)."""
    return (1.0 / d.select(pl.len().over("source", "setting")).to_series()).to_numpy()


def feats(d: pl.DataFrame) -> dict[str, np.ndarray]:
    """The gap features of rows; ``jitter`` (session 31's noise floor) where the rows have it."""
    cols = ("gap_s", "position", "scale", "jitter")
    return {k: d[k].to_numpy() for k in cols if k in d.columns}


def cover(d: pl.DataFrame, spread: dict, reps: int = 1000, seed: int = 0) -> None:
    cols = spread_columns(spread, feats(d), list(LEVELS))
    err = d["err"].to_numpy()
    hits = {f"in{lv}": err <= cols[f"r{lv}_m"] for lv in LEVELS}
    hits["in2sd"] = err <= 2 * cols["std_m"]
    x = d.select("source", "setting", "traj").with_columns(
        **{k: pl.Series(v) for k, v in hits.items()}
    )
    rng = np.random.default_rng(seed)
    print(
        "| store | setting | hidden points (trips) | 50 % | 90 % | 95 % | within 2 std_m (86.5) |"
    )
    print("|---|---|---|---|---|---|---|")
    gaps = []
    for (src, st), g in x.group_by("source", "setting", maintain_order=True):
        _, ti = np.unique(g["traj"].to_numpy(), return_inverse=True)
        nt = ti.max() + 1
        cnt = np.bincount(ti, minlength=nt).astype(float)
        b = rng.integers(0, nt, (reps, nt))
        cells = []
        for k, lv in (*((f"in{lv}", lv) for lv in LEVELS), ("in2sd", 86.5)):
            per = np.bincount(ti, g[k].to_numpy().astype(float), nt)
            est = per.sum() / cnt.sum() * 100
            lo, hi = np.percentile(per[b].sum(1) / cnt[b].sum(1) * 100, [2.5, 97.5])
            cells.append(f"{est:.1f} [{lo:.1f}, {hi:.1f}]")
            if k != "in2sd":
                gaps.append((lv, abs(est - lv)))
        print(f"| {src} | {st} | {g.height} ({nt}) | " + " | ".join(cells) + " |")
    by = {lv: np.mean([v for l_, v in gaps if l_ == lv]) for lv in LEVELS}
    print("mean |share - level| 50 / 90 / 95:", " / ".join(f"{by[lv]:.1f}" for lv in LEVELS))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("rows", "fit", "cover", "halves"))
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--out")
    ap.add_argument("--dir", default="trajlm/checkpoints/trajlm-small")
    ap.add_argument("--trips", type=int, default=40)
    a = ap.parse_args()
    if a.what == "rows":
        d = rows(a.inputs, a.trips)
        os.makedirs(OUT, exist_ok=True)
        d.write_parquet(a.out or os.path.join(OUT, "rec_rows.parquet"))
        return
    d = pl.concat([pl.read_parquet(p) for p in a.inputs]).filter(pl.col("err").is_finite())
    if a.what == "fit":
        s = fit_recover_spread(d["err"].to_numpy(), feats(d), weights(d), d["source"].to_numpy(),
                               note="fitted on val: " + ", ".join(sorted(set(d["source"]))) +
                               " (scripts/uncert28/recover_cover.py)")  # fmt: skip
        p = os.path.join(a.dir, RECOVER_RADII_FILE)
        with open(p, "w") as fh:
            fh.write(json.dumps(s, indent=1) + "\n")
        print("wrote", p, "pooled", s["pooled"], "bins", len(s["bins"]))
    elif a.what == "halves":  # val: fit on one half of the trips, read the other, both ways
        odd = d["traj"].hash(0) % 2 == 1
        for fit_, read in ((d.filter(odd), d.filter(~odd)), (d.filter(~odd), d.filter(odd))):
            s = fit_recover_spread(fit_["err"].to_numpy(), feats(fit_), weights(fit_),
                                   fit_["source"].to_numpy())  # fmt: skip
            cover(read, s)
    else:
        cover(d, load_recover_spread(a.dir))


if __name__ == "__main__":
    main()
