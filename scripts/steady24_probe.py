"""Which histories the per-call choice should act on (session 24, steady24).

    PYTHONPATH=$PWD python scripts/steady24_probe.py dump heldout 221,222,223 3,4,5,6,8,10 tune.parquet
    PYTHONPATH=$PWD python scripts/steady24_probe.py dump val 0 3,4,6,10,16 val.parquet
    PYTHONPATH=$PWD python scripts/steady24_probe.py dump heldout23 241,242,243 3,4,5,6,8,10 fresh.parquet
    python scripts/steady24_probe.py rules tune.parquet val.parquet      # the rule table
    python scripts/steady24_probe.py table fresh.parquet                  # the held-out table

``dump``: steady22_probe's sets and cuts (``heldout23``: steady23_probe's kinds); per track the
5-step MAE of constant velocity, trajlm-small with the choice off and on every row (session 23,
``backtest_choice_steps`` 1, power 2), the choice's weight w and the history's steadiness
(mean / max heading change between consecutive steps, std / mean of the step speeds, as
``choice.steady_histories``). A rule that lets the choice act on some rows only is then exact
offline: those rows take the choice's answer, the others the rollout's (w is per row).
"""

from __future__ import annotations

import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

M_PER_DEG = 111_320.0


def steadiness(hist: pd.DataFrame) -> dict:
    out = {}
    for tid, g in hist.groupby("traj_id", sort=False):
        x = g.lon.to_numpy() * M_PER_DEG * np.cos(np.radians(g.lat.mean()))
        y = g.lat.to_numpy() * M_PER_DEG
        dx, dy, dt = np.diff(x), np.diff(y), np.maximum(np.diff(g.t.to_numpy().astype(float)), 1)
        v, hd = np.hypot(dx, dy) / dt, np.arctan2(dy, dx)
        turn = np.degrees(np.abs((np.diff(hd) + np.pi) % (2 * np.pi) - np.pi))
        out[tid] = dict(n=len(g), max_turn=float(turn.max()) if len(turn) else 0.0,
                        mean_turn=float(turn.mean()) if len(turn) else 0.0,
                        spd_cv=float(v.std() / max(v.mean(), 1e-6)) if len(v) > 1 else 0.0)  # fmt: skip
    return out


def cut_sets(which: str, seeds: list[int]) -> dict:
    """{set name: cuts}: the held-out kinds at ``seeds`` ("heldout" / "heldout23") or the val
    sets (Porto, GeoLife, the session-12 kinds); steady25_probe reuses it."""
    import steady22_probe as base
    import steady23_probe as s23

    g = base._gen_module()
    sets = {}
    if which in ("heldout", "heldout23"):
        kinds = base.heldout_kinds(g) if which == "heldout" else s23.heldout23_kinds(g)
        for kind in kinds:
            for seed in seeds:
                sets[f"{kind.name}/s{seed}"] = base.cuts_of_tracks(base.generated(kind, 120, seed))
    else:
        sets["porto_val"] = base.cuts_of_store("/tmp/stores/porto")
        sets["geolife_val"] = base.cuts_of_store("/tmp/stores/geolife")
        for s, kind in enumerate(g.KINDS):
            sets[kind.name] = base.cuts_of_tracks(base.generated(kind, 120, 1000 + s))
    return sets


def dump(which: str, seeds: list[int], hists: list[int], out: str) -> None:
    import steady22_probe as base
    import torch

    import trajlm
    from trajlm.baselines import ConstantVelocity

    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    sets = cut_sets(which, seeds)
    lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    cfg = lm.model.config
    cfg.backtest_choice_steady_only = False
    rows = []
    for name, cuts in sets.items():
        for h in hists:
            hist, truth = base.frames(cuts, h)
            feats = steadiness(hist)
            preds = {"cv": ConstantVelocity().predict(hist, steps=5)}
            for arm, steps in (("ship", 0), ("choice", 1)):
                cfg.backtest_choice_steps = steps
                preds[arm] = lm.predict(hist, steps=5)
            m = truth.rename(columns={"lat": "lat_t", "lon": "lon_t"})
            for k, p in preds.items():
                p = p[["traj_id", "step", "lat", "lon"]].rename(
                    columns={"lat": f"lat_{k}", "lon": f"lon_{k}"}
                )
                m = m.merge(p, on=["traj_id", "step"])
            cx = M_PER_DEG * np.cos(np.radians(float(hist.lat.mean())))
            for k in preds:
                m[f"e_{k}"] = np.hypot(
                    (m[f"lat_{k}"] - m.lat_t) * M_PER_DEG, (m[f"lon_{k}"] - m.lon_t) * cx
                )
            ax, ay = (m.lon_ship - m.lon_cv) * cx, (m.lat_ship - m.lat_cv) * M_PER_DEG
            bx, by = (m.lon_choice - m.lon_cv) * cx, (m.lat_choice - m.lat_cv) * M_PER_DEG
            m["num"], m["den"] = ax * bx + ay * by, ax * ax + ay * ay  # w: choice - cv on ship - cv
            agg = m.groupby("traj_id").agg(e_cv=("e_cv", "mean"), e_ship=("e_ship", "mean"),
                                           e_choice=("e_choice", "mean"), num=("num", "sum"),
                                           den=("den", "sum"))  # fmt: skip
            for tid, r in agg.iterrows():
                w = float(r.num / r.den) if r.den > 1e-9 else 1.0
                rows.append(dict(set=name, h=h, tid=tid, e_cv=r.e_cv, e_ship=r.e_ship,
                                 e_choice=r.e_choice, w=w, **feats[tid]))  # fmt: skip
            print(f"{name:28s} h={h:2d} ship {agg.e_ship.sum() / agg.e_cv.sum():.3f} "
                  f"choice {agg.e_choice.sum() / agg.e_cv.sum():.3f}", flush=True)  # fmt: skip
    pd.DataFrame(rows).to_parquet(out)


def steady(df: pd.DataFrame, turn: float = 10.0, spread: float = 0.5) -> pd.Series:
    return (df.n >= 3) & (df.mean_turn <= turn) & (df.spd_cv <= spread)


def cells(df: pd.DataFrame, act: pd.Series) -> pd.DataFrame:
    d = df.assign(e_g=np.where(act, df.e_choice, df.e_ship))
    g = d.groupby(["set", "h"], sort=False)
    return pd.DataFrame({"off": g.e_ship.sum() / g.e_cv.sum(), "s23": g.e_choice.sum() / g.e_cv.sum(),
                         "rule": g.e_g.sum() / g.e_cv.sum()})  # fmt: skip


def geo_mean(s: pd.Series) -> float:
    return float(np.exp(np.log(s).mean()))


def rules(tune_path: str, val_path: str) -> None:
    tune, val = pd.read_parquet(tune_path), pd.read_parquet(val_path)
    arms = {"off": lambda d: d.w > 2, "session 23 (every row)": lambda d: d.w < 2}
    for m in (1.2, 1.5, 2.0, 3.0):
        arms[f"margin {m}"] = lambda d, m=m: d.w <= m**-2 + 1e-9
    for th in (5, 10, 20, 45):
        arms[f"max turn <= {th}"] = lambda d, th=th: d.max_turn <= th
    for th in (5, 10, 15, 20):
        arms[f"mean turn <= {th}"] = lambda d, th=th: d.mean_turn <= th
    for th in (0.1, 0.2, 0.5):
        arms[f"speed spread <= {th}"] = lambda d, th=th: d.spd_cv <= th
    for a, b in ((10, 0.2), (10, 0.5), (15, 0.5), (20, 0.5)):
        arms[f"mean turn <= {a} & spread <= {b}"] = lambda d, a=a, b=b: steady(d, a, b)
    print(
        "| rule | tuning worst | tuning geo-mean | val geo-mean | Porto/GeoLife val: max excess "
        "over off | val cells > off + 0.002 | rows acting (Porto/GeoLife val) |"
    )
    print("|---|---|---|---|---|---|---|")
    pg = ["porto_val", "geolife_val"]
    for name, rule in arms.items():
        ct, cv = cells(tune, rule(tune)), cells(val, rule(val))
        ex = cv.rule - cv.off
        acting = float((rule(val) & (val.w < 0.999))[val.set.isin(pg)].mean())
        print(
            f"| {name} | {ct.rule.max():.3f} | {geo_mean(ct.rule):.4f} | {geo_mean(cv.rule):.4f} | "
            f"{ex.loc[pg].max():+.4f} | {int((ex > 0.002).sum())} | {acting:.1%} |"
        )


def boot(a: np.ndarray, b: np.ndarray, n: int = 2000) -> tuple[float, float]:
    idx = np.random.default_rng(0).integers(0, len(a), (n, len(a)))
    r = a[idx].sum(1) / b[idx].sum(1)
    return float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))


def table(path: str) -> None:
    from scipy import stats

    f = pd.read_parquet(path)
    f["e_rule"] = np.where(steady(f), f.e_choice, f.e_ship)
    rows = []
    for (s, h), g in f.groupby(["set", "h"], sort=False):
        r = {k: g[f"e_{k}"].sum() / g.e_cv.sum() for k in ("ship", "choice", "rule")}
        lo_s, _ = boot(g.e_ship.to_numpy(), g.e_cv.to_numpy())
        lo_r, _ = boot(g.e_rule.to_numpy(), g.e_cv.to_numpy())
        lo_d, hi_d = boot(g.e_rule.to_numpy(), g.e_ship.to_numpy())  # paired: rule / off
        rows.append(dict(kind=s.split("/")[0], h=h, **r, ship_above=lo_s > 1, rule_above=lo_r > 1,
                         better=hi_d < 1, worse=lo_d > 1, vs_off=r["rule"] / r["ship"]))  # fmt: skip
    c = pd.DataFrame(rows)
    print(
        f"per-seed cells {len(c)}: CI above 1 off {c.ship_above.sum()} -> rule {c.rule_above.sum()}; "
        f"rule vs off (paired CI): better {c.better.sum()}, worse {c.worse.sum()}"
    )
    for k in ("ship", "choice", "rule"):
        print(
            f"{k}: worst {c[k].max():.3f}, geo-mean {geo_mean(c[k]):.4f}, > 1.05: {(c[k] > 1.05).sum()}"
        )
    print("| kind | h | off | session 23 (every row) | rule | rule / off (t 95 % CI over seeds) |")
    print("|---|---|---|---|---|---|")
    for (k, h), g in c.groupby(["kind", "h"], sort=False):
        half = stats.t.ppf(0.975, len(g) - 1) * g.vs_off.std(ddof=1) / np.sqrt(len(g))
        m = g.vs_off.mean()
        print(
            f"| {k} | {h} | {g.ship.mean():.3f} | {g.choice.mean():.3f} | {g.rule.mean():.3f} | "
            f"{m:.3f} ({m - half:.3f}-{m + half:.3f}) |"
        )


def main() -> None:
    cmd = sys.argv[1]
    if cmd == "dump":
        seeds = [int(s) for s in sys.argv[3].split(",")]
        dump(sys.argv[2], seeds, [int(h) for h in sys.argv[4].split(",")], sys.argv[5])
    elif cmd == "rules":
        rules(sys.argv[2], sys.argv[3])
    else:
        table(sys.argv[2])


if __name__ == "__main__":
    main()
