"""cov20: where the coverage gate acts on in-distribution val trajectories, whether the warning says
so, and what the gate does to ADE (trajlm-small, first <=20 points in, next 5 out)."""
# ruff: noqa: E402, E702, E741  (a measurement kept as it was run: scripts/cov20_gate_measure.py STORE N)

import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import torch

torch.set_num_threads(1)
from trajlm import TrajLM
from trajlm.data.features import NormStats
from trajlm.data.store import iter_store_batches
from trajlm.model.coverage import coverage_warnings, load_coverage
from trajlm.model.coverage_gate import gate_table

store, cap = sys.argv[1], int(sys.argv[2])
m = (
    TrajLM.from_pretrained("trajlm-small", threads=1)
    if hasattr(TrajLM, "from_pretrained")
    else None
)
df = pl.concat(
    [b for b in iter_store_batches(store, "val", columns=["traj_id", "t", "lat", "lon"])]
)
df = df.sort("traj_id", "t").with_columns(
    i=pl.int_range(pl.len()).over("traj_id"), n=pl.len().over("traj_id")
)
df = df.filter(pl.col("n") >= 7)
ids = df["traj_id"].unique(maintain_order=True)
ids = ids.sample(min(cap, len(ids)), seed=0)
df = df.filter(pl.col("traj_id").is_in(ids.implode()))
nin = pl.min_horizontal(pl.lit(20), pl.col("n") - 5)
hist = df.filter(pl.col("i") < nin).select("traj_id", "t", "lat", "lon")
truth = df.filter((pl.col("i") >= nin) & (pl.col("i") < nin + 5)).with_columns(
    step=pl.col("i") - nin + 1
)
K = 5
cfg = m.model.config
hl = cfg.max_len - K


def ade(pred):
    j = pred.join(
        truth.select("traj_id", "step", pl.col("lat").alias("la"), pl.col("lon").alias("lo")),
        on=["traj_id", "step"],
    )
    la1, lo1, la2, lo2 = (np.radians(j[c].to_numpy()) for c in ("lat", "lon", "la", "lo"))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    d = 2 * 6371008.8 * np.arcsin(np.sqrt(a))
    return (
        j.with_columns(d=pl.Series(d))
        .group_by("traj_id")
        .agg(pl.col("d").mean().alias("ade"), pl.col("lat"), pl.col("lon"))
    )


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    on = m.predict(hist, steps=K)
    cfg.coverage_gate = "none"
    off = m.predict(hist, steps=K)
    cfg.coverage_gate = "speed"
a_on, a_off = ade(on), ade(off)
# how far the gate moved each prediction (mean over the 5 steps, m)
j = on.join(off, on=["traj_id", "step"], suffix="_off")
la1, lo1, la2, lo2 = (np.radians(j[c].to_numpy()) for c in ("lat", "lon", "lat_off", "lon_off"))
a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
moved = (
    j.with_columns(mv=pl.Series(2 * 6371008.8 * np.arcsin(np.sqrt(a))))
    .group_by("traj_id")
    .agg(pl.col("mv").mean())
)
proj = NormStats.from_dict(cfg.stats).projection
step_limit = float(cfg.max_step_norm) * float(cfg.stats["dxy_scale"])
gt = gate_table(load_coverage(m.model), hist, proj, step_limit, hl)


# the warning on each trajectory alone, and in batches of 50
def gate_lines(d):
    return [
        l for l in coverage_warnings(m.model, d, hl) if "coverage gate" in l or "max_step_norm" in l
    ]


alone = {}
for tid, g in hist.group_by("traj_id"):
    alone[tid[0]] = bool(gate_lines(g))
named = set()
tl = hist["traj_id"].unique(maintain_order=True).to_list()
nb_warn = 0
for s in range(0, len(tl), 50):
    b = hist.filter(pl.col("traj_id").is_in(tl[s : s + 50]))
    ls = gate_lines(b)
    nb_warn += bool(ls)
    for t in tl[s : s + 50]:
        if any(f"trajectory {t!r}" in l or f"{t!r} (" in l for l in ls):
            named.add(t)
r = (
    gt.join(a_on.select("traj_id", "ade"), on="traj_id")
    .join(a_off.select("traj_id", pl.col("ade").alias("ade_off")), on="traj_id")
    .join(moved, on="traj_id")
)
r = r.with_columns(
    alone=pl.col("traj_id").replace_strict(alone, default=False),
    named=pl.col("traj_id").is_in(list(named)),
)
acted = r.filter(pl.col("g") < 1)
print(f"{store}: {len(r)} val trajectories, history {hl} points, k={K}")
print(
    f"gate acts (g<1): {len(acted)} ({len(acted) / len(r):.1%}); of them warned alone: {acted['alone'].sum()}, named in a batch of 50: {acted['named'].sum()}; batches with a gate line: {nb_warn}/{(len(tl) + 49) // 50}"
)
print(f"silent alone & acted: {(~acted['alone']).sum() / len(r):.1%} of all")
print(f"ADE all: gate on {r['ade'].mean():.1f} m, off {r['ade_off'].mean():.1f} m")
if len(acted):
    print(
        f"ADE acted: gate on {acted['ade'].mean():.1f} m, off {acted['ade_off'].mean():.1f} m; moved by gate: median {acted['mv'].median():.1f} m, p90 {acted['mv'].quantile(0.9):.1f} m, max {acted['mv'].max():.1f} m"
    )
    sil = acted.filter(~pl.col("alone"))
    if len(sil):
        print(
            f"ADE acted&silent: on {sil['ade'].mean():.1f}, off {sil['ade_off'].mean():.1f}; moved median {sil['mv'].median():.1f} m, >50 m: {(sil['mv'] > 50).sum()}, >100 m: {(sil['mv'] > 100).sum()}"
        )
    print(f"g of acted: median {acted['g'].median():.2f}, min {acted['g'].min():.2f}")
    # paired bootstrap CI of ADE(on)/ADE(off) over acted trajectories
    rng = np.random.default_rng(0)
    x, y = acted["ade"].to_numpy(), acted["ade_off"].to_numpy()
    bs = [x[i].mean() / y[i].mean() for i in (rng.integers(0, len(x), len(x)) for _ in range(2000))]
    print(
        f"ADE on/off over acted: {x.mean() / y.mean():.3f} (95% CI {np.percentile(bs, 2.5):.3f}-{np.percentile(bs, 97.5):.3f})"
    )
Path("/tmp/cov20").mkdir(exist_ok=True)
r.write_csv(f"/tmp/cov20/gate_{store.strip('/').split('/')[-1]}.csv")
from trajlm.model.coverage import gate_effects

ge = gate_effects(m.model, hist, hl).join(gt.select("traj_id", "g"), on="traj_id")
print(
    f"gate_effects acted: {(ge['gate_kept'] < 1).sum()}, equal to gate_table g: {(ge['gate_kept'] - ge['g']).abs().max():.3g} max diff"
)
