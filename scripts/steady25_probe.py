"""Steadiness that skips stopped steps (session 25, steady25).

    PYTHONPATH=$PWD python scripts/steady24_probe.py dump heldout23 251,252,253 3,4,5,6,8,10 tune25.parquet
    PYTHONPATH=$PWD python scripts/steady25_probe.py features heldout23 251,252,253 3,4,5,6,8,10 tune25.parquet tune25f.parquet
    PYTHONPATH=$PWD python scripts/steady25_probe.py features val 0 3,4,6,10,16 val.parquet valf.parquet
    python scripts/steady25_probe.py rules tune25f.parquet tune24f.parquet valf.parquet   # the rule table
    python scripts/steady25_probe.py table fresh25f.parquet RULE                           # held-out table

``features``: adds to a steady24_probe dump (per track: constant velocity's, the rollout's and
the every-row choice's 5-step MAE) the steadiness of each history with its stopped steps
skipped, for a grid of floors (``rel`` x the history's fastest step, ``abs`` m/s, ``dist`` m
a step):
moving steps, mean heading change between consecutive moving steps (a stop in between is
skipped), std / mean of the moving steps' speeds, whether the last step moves. The histories
are regenerated (same seeds, same cuts: no model call). A rule picking the rows the choice acts
on is then exact offline, as in steady24_probe.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import steady24_probe as s24  # noqa: E402

M_PER_DEG = 111_320.0
FLOORS = {"r0": ("rel", 0.0), "r2": ("rel", 0.2), "r3": ("rel", 0.3), "r5": ("rel", 0.5),
          "a05": ("abs", 0.5), "a1": ("abs", 1.0), "a2": ("abs", 2.0), "a3": ("abs", 3.0),
          "d5": ("dist", 5.0), "d10": ("dist", 10.0), "d15": ("dist", 15.0), "d20": ("dist", 20.0)}  # fmt: skip


def moving_steadiness(x: np.ndarray, y: np.ndarray, t: np.ndarray, kind: str, floor: float) -> dict:
    """One history (metres, seconds): steadiness over its moving steps (as
    choice.steady_histories with a speed floor)."""
    dx, dy, dt = np.diff(x), np.diff(y), np.maximum(np.diff(t.astype(float)), 1.0)
    v = np.hypot(dx, dy) / dt
    thr = floor * v.max() if kind == "rel" and len(v) else floor
    mv = v >= thr if floor > 0 else np.ones(len(v), bool)
    if kind == "dist":  # a floor on the step's length (GPS noise is metres, not m/s)
        mv = np.hypot(dx, dy) >= floor
    hd = np.arctan2(dy[mv], dx[mv])
    turn = np.degrees(np.abs((np.diff(hd) + np.pi) % (2 * np.pi) - np.pi))
    vm = v[mv]
    return dict(
        nm=int(mv.sum()),
        mt=float(turn.mean()) if len(turn) else 0.0,
        sc=float(vm.std() / max(vm.mean(), 1e-6)) if len(vm) else 0.0,
        last_mv=bool(mv[-1]) if len(mv) else False,
    )


def histories(which: str, seeds: list[int], hists: list[int]):
    """(set, h, hist frame) as steady24_probe.dump builds them."""
    import steady22_probe as base

    sets = s24.cut_sets(which, seeds)
    for name, cuts in sets.items():
        for h in hists:
            yield name, h, base.frames(cuts, h)[0]


def features(which: str, seeds: list[int], hists: list[int], dump: str, out: str) -> None:
    only = os.environ.get("STEADY25_FLOORS")  # e.g. "r0,r3": the floors a held-out read needs
    floors = {k: v for k, v in FLOORS.items() if not only or k in only.split(",")}
    rows = []
    for name, h, hist in histories(which, seeds, hists):
        old = s24.steadiness(hist)
        for tid, g in hist.groupby("traj_id", sort=False):
            x = g.lon.to_numpy() * M_PER_DEG * np.cos(np.radians(g.lat.mean()))
            y = g.lat.to_numpy() * M_PER_DEG
            r = dict(set=name, h=h, tid=tid, mean_turn_check=old[tid]["mean_turn"])
            for key, (kind, floor) in floors.items():
                f = moving_steadiness(x, y, g.t.to_numpy(), kind, floor)
                r.update({f"{k}_{key}": v for k, v in f.items()})
            rows.append(r)
    f = pd.DataFrame(rows)
    d = pd.read_parquet(dump).merge(f, on=["set", "h", "tid"], how="left", validate="1:1")
    bad = (d.mean_turn - d.mean_turn_check).abs().max()
    assert bad < 1e-6, f"regenerated histories differ from the dump's (mean turn off by {bad})"
    d.drop(columns="mean_turn_check").to_parquet(out)
    print(f"{len(d)} rows -> {out}")


def rule_mask(d: pd.DataFrame, rule: str) -> pd.Series:
    """rule: 'off' | 'every' | 'FLOORKEY:turn:spread[:last]' (e.g. 'r0:10:0.5' = steady24)."""
    if rule == "off":
        return pd.Series(False, index=d.index)
    if rule == "every":
        return pd.Series(True, index=d.index)
    parts = rule.split(":")
    key, turn, spread = parts[0], float(parts[1]), float(parts[2])
    m = (d[f"nm_{key}"] >= 2) & (d[f"mt_{key}"] <= turn) & (d[f"sc_{key}"] <= spread)
    if len(parts) > 3 and parts[3] == "last":
        m &= d[f"last_mv_{key}"]
    return m


def rules(*paths: str) -> None:
    """Per rule: tuning (every set but Porto / GeoLife / the session-12 kinds) and val numbers."""
    d = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    val_sets = set(pd.read_parquet(paths[-1]).set)
    tune, val = d[~d.set.isin(val_sets)], d[d.set.isin(val_sets)]
    arms = ["off", "every", "r0:10:0.5"]
    for key in FLOORS:
        if key == "r0" or f"nm_{key}" not in d:  # a dump with fewer floors
            continue
        for turn, spread in ((10, 0.5), (15, 0.5), (10, 0.3), (20, 0.5)):
            arms += [f"{key}:{turn}:{spread}", f"{key}:{turn}:{spread}:last"]
    pg = ["porto_val", "geolife_val"]
    print(
        "| rule | tuning geo-mean | tuning worst | tram cells (mean) | val geo-mean | Porto/GeoLife "
        "val: max excess over steady24 | val cells > steady24 + 0.002 |"
    )
    print("|---|---|---|---|---|---|---|")
    base = s24.cells(val, rule_mask(val, "r0:10:0.5"))
    res = []
    for rule in arms:
        ct, cv = s24.cells(tune, rule_mask(tune, rule)), s24.cells(val, rule_mask(val, rule))
        ex = cv.rule - base.rule
        tram = ct.rule[[i for i in ct.index if i[0].startswith("tram")]].mean()
        res.append((rule, s24.geo_mean(ct.rule), ct.rule.max(), tram, s24.geo_mean(cv.rule),
                    ex.loc[pg].max(), int((ex > 0.002).sum())))  # fmt: skip
    for r in res:
        print(
            f"| {r[0]} | {r[1]:.4f} | {r[2]:.3f} | {r[3]:.4f} | {r[4]:.4f} | {r[5]:+.4f} | {r[6]} |"
        )


def table(path: str, rule: str, ref: str = "r0:10:0.5") -> None:
    """Held-out cells: the rule against steady24's (ref) and off, paired bootstrap CIs per cell."""
    from scipy import stats

    f = pd.read_parquet(path)
    f["e_rule"] = np.where(rule_mask(f, rule), f.e_choice, f.e_ship)
    f["e_ref"] = np.where(rule_mask(f, ref), f.e_choice, f.e_ship)
    rows = []
    for (s, h), g in f.groupby(["set", "h"], sort=False):
        r = {k: g[f"e_{k}"].sum() / g.e_cv.sum() for k in ("ship", "choice", "ref", "rule")}
        cis = {
            k: s24.boot(g[f"e_{k}"].to_numpy(), g.e_cv.to_numpy()) for k in ("ship", "ref", "rule")
        }
        lo_d, hi_d = s24.boot(g.e_rule.to_numpy(), g.e_ref.to_numpy())  # paired: rule / ref
        rows.append(dict(kind=s.split("/")[0], h=h, **r, **{f"{k}_above": c[0] > 1 for k, c in cis.items()},
                         better=hi_d < 1, worse=lo_d > 1, vs_ref=r["rule"] / r["ref"]))  # fmt: skip
    c = pd.DataFrame(rows)
    print(
        f"per-seed cells {len(c)}: CI above CV: off {c.ship_above.sum()}, steady24 {c.ref_above.sum()}, "
        f"{rule} {c.rule_above.sum()}; {rule} vs steady24 (paired CI): better {c.better.sum()}, "
        f"worse {c.worse.sum()}"
    )
    for k in ("ship", "choice", "ref", "rule"):
        print(
            f"{k}: worst {c[k].max():.3f}, geo-mean {s24.geo_mean(c[k]):.4f}, > 1.05: {(c[k] > 1.05).sum()}"
        )
    print(
        "| kind | h | off | every row | steady24 | rule | rule / steady24 (t 95 % CI over seeds) |"
    )
    print("|---|---|---|---|---|---|---|")
    for (k, h), g in c.groupby(["kind", "h"], sort=False):
        half = stats.t.ppf(0.975, len(g) - 1) * g.vs_ref.std(ddof=1) / np.sqrt(len(g))
        m = g.vs_ref.mean()
        print(
            f"| {k} | {h} | {g.ship.mean():.3f} | {g.choice.mean():.3f} | {g.ref.mean():.3f} | "
            f"{g.rule.mean():.3f} | {m:.3f} ({m - half:.3f}-{m + half:.3f}) |"
        )
    if c.worse.any():
        print(c[c.worse][["kind", "h", "ref", "rule", "vs_ref"]].to_string())


def main() -> None:
    cmd = sys.argv[1]
    if cmd == "features":
        seeds = [int(s) for s in sys.argv[3].split(",")]
        hists = [int(h) for h in sys.argv[4].split(",")]
        features(sys.argv[2], seeds, hists, sys.argv[5], sys.argv[6])
    elif cmd == "rules":
        rules(*sys.argv[2:])
    else:
        table(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
