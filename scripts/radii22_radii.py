"""Radii per regime (session 22, radii22): fit eval/radii_bins.py's factors on val rows and
measure coverage at 50 / 90 / 95 % before (session 21's pooled factors) and after (per bin).

Rows come from scripts/tails21_cover.py (one per answer: source, kind, mode, h, a = seconds
ahead, err, std = std_m, dt, speed = the history's mean speed).

    python scripts/radii22_radii.py fit /tmp/radii22/val.parquet --loso \
        --out trajlm/checkpoints/trajlm-small        # writes radii.json (val rows only)
    python scripts/radii22_radii.py cover /tmp/radii22/test.parquet \
        --bins trajlm/checkpoints/trajlm-small          # before -> after per set, worst set

``--loso`` prints the choice's evidence: each val group (Porto, GeoLife, each mover kind) left
out in turn, factors fitted on the others, coverage on it (pooled against per bin).
"""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl

from trajlm.eval.radii_bins import fit_radii_bins, load_radii_bins, relative_std, save_radii_bins
from trajlm.eval.spread_radii import RADIUS_FACTORS

LEVELS = (50, 90, 95)
CELL_EDGES_S = (10.0, 60.0, 180.0)  # horizon cells for the per-regime |share - level|


def rows(paths: list[str]) -> pl.DataFrame:
    """Finite answers with r = err / std_m, the group (a mover kind, else the source), the
    source-equal weight w (as session 21) and rel = std_m / distance covered."""
    d = pl.concat([pl.read_parquet(p) for p in paths], how="diagonal")
    d = d.filter(pl.col("err").is_finite() & pl.col("std").is_finite() & (pl.col("std") > 0))
    d = d.with_columns(
        r=pl.col("err") / pl.col("std"),
        g=pl.when(pl.col("source").str.starts_with("movers"))
        .then(pl.col("source") + "/" + pl.col("kind"))
        .otherwise(pl.col("source")),
    )
    d = d.with_columns(w=1.0 / pl.len().over("source"))
    return d.with_columns(rel=pl.Series(relative_std(d["std"], d["speed"], d["a"])))


def fit(d: pl.DataFrame, note: str = ""):
    return fit_radii_bins(d["r"].to_numpy(), d["w"].to_numpy(), d["g"].to_numpy(),
                          d["a"].to_numpy(), d["rel"].to_numpy(), LEVELS, note=note)  # fmt: skip


def factors(d: pl.DataFrame, bins) -> np.ndarray:
    """(rows, levels) radius / std_m: pooled (bins None: session 21's) or per bin."""
    if bins is None:
        return np.tile([RADIUS_FACTORS[lv] for lv in LEVELS], (d.height, 1))
    a, sp, s = d["a"].to_numpy(), d["speed"].to_numpy(), d["std"].to_numpy()
    return np.stack([bins.factor(lv, a, sp, s) for lv in LEVELS], 1)


def shares(d: pl.DataFrame, f: np.ndarray, key: str = "g") -> pl.DataFrame:
    """Per ``key``: answers, queries, the share within each radius (%) and the mean |share -
    level| over (mode, horizon cell) cells of >= 20 answers."""
    hit = d["r"].to_numpy()[:, None] <= f
    cell = np.searchsorted(CELL_EDGES_S, d["a"].to_numpy())
    h = pl.DataFrame({f"in{lv}": hit[:, i] for i, lv in enumerate(LEVELS)})
    x = pl.concat([d.select(key, "q", "mode"), h, pl.DataFrame({"cell": cell})], how="horizontal")
    per = x.group_by(key).agg(
        n=pl.len(), queries=pl.col("q").n_unique(), **{f"in{lv}": pl.col(f"in{lv}").mean() * 100 for lv in LEVELS}
    )  # fmt: skip
    cells = (
        x.group_by(key, "mode", "cell")
        .agg(n=pl.len(), **{f"in{lv}": pl.col(f"in{lv}").mean() * 100 for lv in LEVELS})
        .filter(pl.col("n") >= 20)
        .group_by(key)
        .agg(**{f"cell{lv}": (pl.col(f"in{lv}") - lv).abs().mean() for lv in LEVELS})
    )
    return per.join(cells, on=key, how="left").sort(key)


def boot_ci(d: pl.DataFrame, f: np.ndarray, reps: int = 300, seed: int = 0) -> dict:
    """Per source and level: a 95 % bootstrap interval of the share (queries resampled)."""
    rng, out = np.random.default_rng(seed), {}
    for (src,), idx in d.with_row_index("i").group_by("source", maintain_order=True):
        i = idx["i"].to_numpy()
        _, qi = np.unique(idx["q"].to_numpy(), return_inverse=True)
        nq = qi.max() + 1
        cnt = np.bincount(qi, None, nq)
        b = rng.integers(0, nq, (reps, nq))
        for k, lv in enumerate(LEVELS):
            hit = np.bincount(qi, d["r"].to_numpy()[i] <= f[i, k], nq)
            s = hit[b].sum(1) / cnt[b].sum(1) * 100
            out[(src, lv)] = tuple(np.percentile(s, [2.5, 97.5]))
    return out


def loso(d: pl.DataFrame) -> None:
    """Each val group left out: pooled factors vs per-bin factors fitted on the rest."""
    res = []
    for g in d["g"].unique().sort().to_list():
        tr, te = d.filter(pl.col("g") != g), d.filter(pl.col("g") == g)
        b = fit(tr)
        pooled = np.tile([b.pooled[lv] for lv in LEVELS], (te.height, 1))
        for name, f in (("pooled", pooled), ("bins", factors(te, b))):
            res.append(shares(te, f).with_columns(fit=pl.lit(name)))
    t = pl.concat(res)
    with pl.Config(tbl_rows=100, float_precision=1, tbl_width_chars=200):
        print(t.sort("g", "fit"))
        offs = [(pl.col(f"in{lv}") - lv).abs().mean().alias(f"off{lv}") for lv in LEVELS]
        worst = [(pl.col(f"in{lv}") - lv).abs().max().alias(f"worst{lv}") for lv in LEVELS]
        cells = [pl.col(f"cell{lv}").mean() for lv in LEVELS]
        print(t.group_by("fit").agg(*offs, *worst, *cells).sort("fit"))


def cover(d: pl.DataFrame, bins) -> None:
    """Before -> after per set (source), the worst set, and movers' mean +- t-CI over seeds."""
    from scipy import stats

    before, after = factors(d, None), factors(d, bins)
    b, a = shares(d, before, "source"), shares(d, after, "source")
    ca = boot_ci(d, after)
    lines = []
    for rb, ra in zip(b.iter_rows(named=True), a.iter_rows(named=True), strict=True):
        src = rb["source"]
        cells = " ".join(f"{lv}: {ca[(src, lv)][0]:.1f}-{ca[(src, lv)][1]:.1f}" for lv in LEVELS)
        lines.append(
            f"| {src} | {rb['queries']} | "
            + " | ".join(f"{rb[f'in{lv}']:.1f} -> **{ra[f'in{lv}']:.1f}**" for lv in LEVELS)
            + " | "
            + " / ".join(f"{rb[f'cell{lv}']:.1f} -> {ra[f'cell{lv}']:.1f}" for lv in LEVELS)
            + f" | {cells} |"
        )
    print(
        "| set | queries | 50 % | 90 % | 95 % | cells mean abs(share - level) 50/90/95 | after 95 % CI |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    for name, t in (("before", b), ("after", a)):
        w = {lv: (t[f"in{lv}"] - lv).abs() for lv in LEVELS}
        print(name, "worst set:", ", ".join(f"{lv}: {t['source'][int(w[lv].arg_max())]} "
              f"{t[f'in{lv}'][int(w[lv].arg_max())]:.1f}" for lv in LEVELS),
              "| mean abs(share - level) over sets:",
              " / ".join(f"{w[lv].mean():.1f}" for lv in LEVELS))  # fmt: skip
    held = [s for s in b["source"].to_list() if not s.startswith("movers")]
    for name, t in (("before", b), ("after", a)):
        t = t.filter(pl.col("source").is_in(held))
        print(f"held-out stores ({len(held)}), {name}: mean abs(share - level)",
              " / ".join(f"{(t[f'in{lv}'] - lv).abs().mean():.1f}" for lv in LEVELS))  # fmt: skip
    kinds(d, bins)
    mv = [s for s in b["source"].to_list() if s.startswith("movers")]
    if len(mv) >= 2:
        tq = stats.t.ppf(0.975, len(mv) - 1)
        for name, t in (("before", b), ("after", a)):
            t = t.filter(pl.col("source").is_in(mv))
            parts = []
            for c in [f"in{lv}" for lv in LEVELS] + [f"cell{lv}" for lv in LEVELS]:
                x = t[c].to_numpy()
                parts.append(f"{c} {x.mean():.1f} +- {tq * x.std(ddof=1) / np.sqrt(len(x)):.1f}")
            print(f"movers over {len(mv)} seeds, {name}:", "; ".join(parts))


def kinds(d: pl.DataFrame, bins) -> None:
    """Movers per kind: the share within each radius, mean +- t 95 % CI over seeds, before ->
    after; the mean abs(share - level) over kinds and the worst kind."""
    from scipy import stats

    d = d.filter(pl.col("source").str.starts_with("movers"))
    if not d.height:
        return
    res = []
    for name, f in (("before", factors(d, None)), ("after", factors(d, bins))):
        t = shares(d, f, "g").with_columns(kind=pl.col("g").str.split("/").list.get(1))
        res.append(t.with_columns(fit=pl.lit(name)))
    t = pl.concat(res)
    n = t.group_by("kind").len()["len"].max() // 2
    tq = stats.t.ppf(0.975, max(n - 1, 1))
    agg = (
        t.group_by("kind", "fit")
        .agg(
            *[pl.col(f"in{lv}").mean() for lv in LEVELS],
            *[(pl.col(f"in{lv}").std() * tq / np.sqrt(n)).alias(f"ci{lv}") for lv in LEVELS],
            *[pl.col(f"cell{lv}").mean() for lv in LEVELS],
        )
        .sort("kind", "fit", descending=[False, True])
    )
    with pl.Config(tbl_rows=40, float_precision=1, tbl_width_chars=200, tbl_cols=20):
        print(f"movers per kind, mean over {n} seeds (ci: t 95 %):")
        print(agg)
    for name in ("before", "after"):
        x = agg.filter(pl.col("fit") == name)
        off = {lv: (x[f"in{lv}"] - lv).abs() for lv in LEVELS}
        print(f"kinds {name}: mean abs(share - level)",
              " / ".join(f"{off[lv].mean():.1f}" for lv in LEVELS), "| worst",
              ", ".join(f"{lv}: {x['kind'][int(off[lv].arg_max())]} "
                        f"{x[f'in{lv}'][int(off[lv].arg_max())]:.1f}" for lv in LEVELS))  # fmt: skip


def print_bins(b, out: str | None, head: tuple = ()) -> None:
    """A fit's pooled factors and each bin's (``head`` first on the pooled line), then its
    radii.json written into ``out`` when given (also radii23_radii.py's)."""
    print(*head, "pooled", {k: round(v, 3) for k, v in b.pooled.items()})
    for (i, j), (n, g) in sorted(b.counts.items()):
        f = b.factors.get((i, j))
        print(f"  ahead bin {i} rel bin {j}: n {n} groups {g}",
              {k: round(v, 2) for k, v in f.items()} if f else "-> pooled")  # fmt: skip
    if out:
        print("wrote", save_radii_bins(b, out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("fit", "cover"))
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--out", help="fit: the checkpoint folder to write radii.json into")
    ap.add_argument("--bins", help="cover: the checkpoint folder whose radii.json to measure")
    ap.add_argument("--loso", action="store_true")
    a = ap.parse_args()
    d = rows(a.rows)
    if a.what == "fit":
        if a.loso:
            loso(d)
        b = fit(
            d, note="fitted on val: Porto, GeoLife, movers seed 2001 (scripts/radii22_radii.py)"
        )
        print_bins(b, a.out)
        return
    bins = load_radii_bins(a.bins)
    if bins is None:
        raise SystemExit(f"--bins {a.bins}: no radii.json there")
    cover(d, bins)


if __name__ == "__main__":
    main()
