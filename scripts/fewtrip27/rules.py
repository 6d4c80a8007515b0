"""fewtrip27: rules that choose the answering engine on a few val trips, fitted on one half of
the benchmark's stores (by kind) and scored on the other half.

Reads $FEWTRIP27/errs/*.json (engine_errors.py). Per store and rule: the chosen engine's test
5-step ADE / the best engine's on test (regret); geometric mean over stores; the chosen rule vs
the current verdict: per-store ratio of regrets, 95 % CI by bootstrap over stores (and over
kinds, the stores of one kind resampled together). Rules with a parameter pick it on the
fitting half only. Scored on "test5" (up to 5 windows per test trip; decided before any result
was read: less noisy on 3-4 test trips) and "test" (one window per trip, as `trajlm eval`).

    python scripts/fewtrip27/rules.py      # table on stdout; $FEWTRIP27/rules.json
"""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

OUT = Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27"))
UNTUNED = ("linear-3", "constant velocity [time]", "linear-3 [time, fit]", "kNN default",
           "place default", "dead reckoning [time]")  # fmt: skip


def kind_of(store: str) -> str:
    return re.sub(r"(_n\d+)?_s\d+$", "", store)


def larger(store: str) -> bool:
    """A movers16 store of 72 trips (7-8 val trips): scored apart, never fitted on."""
    return "_n72_" in store


def halves(kinds: list[str]) -> tuple[set, set]:
    """Kinds alternate between the fitting and the evaluation half (sorted by family, then
    name; fixed before any result was read)."""
    h26 = sorted(k for k in kinds if k in H26)
    m16 = sorted(k for k in kinds if k not in H26)
    fit = set(h26[0::2]) | set(m16[0::2])
    return fit, set(kinds) - fit


H26 = {"endurance_horses", "rail_tunnels", "ferry_dateline", "snow_groomers", "purse_seiner",
       "refuse_trucks", "mower_fix", "takeout_records"}  # fmt: skip


def means(errs: dict[str, list], names) -> dict[str, float]:
    """Each engine's mean over the windows every one of ``names`` scored (finite)."""
    names = [n for n in names if n in errs]
    a = np.array([errs[n] for n in names], float)
    ok = np.isfinite(a).all(0)
    return {n: float(a[i, ok].mean()) for i, n in enumerate(names)} if ok.any() else {}


def paired(errs: dict[str, list], a: str, b: str) -> dict:
    x, y = np.array(errs[a], float), np.array(errs[b], float)
    ok = np.isfinite(x) & np.isfinite(y)
    return paired_bootstrap_ratio(x[ok], y[ok], n_boot=1000)


# ----------------------------------------------------------------------------- rules
def current(s: dict, p: dict) -> str:
    m = means(s["errs"]["val"], s["current_set"])
    return min(m, key=m.get)


def fixed(engine: str):
    def rule(s: dict, p: dict) -> str:
        return engine if engine in s["errs"]["val"] else "linear-3"

    return rule


def val_best(split: str, pool: str):
    def rule(s: dict, p: dict) -> str:
        names = s["current_set"] if pool == "current" else UNTUNED
        m = means(s["errs"][split], names)
        return min(m, key=m.get)

    return rule


def guarded_prior(how: str):
    """The prior engine (the fitting half's best fixed engine) unless the current verdict's val
    choice beats it on val: by a paired bootstrap CI under 1 ("ci"), or by a point ratio under
    a threshold fitted on the fitting half ("ratio")."""

    def rule(s: dict, p: dict) -> str:
        prior, best = p.get("fixed_prior") or p["prior"], current(s, p)
        if best == prior:
            return prior
        if how == "ci":
            return best if paired(s["errs"]["val"], best, prior)["hi"] < 1 else prior
        m = means(s["errs"]["val"], [best, prior])
        return best if m[best] / m[prior] < p["theta"] else prior

    return rule


def shrunk_score(s: dict, p: dict) -> str:
    """argmin over the engines of log(val ADE) + lam * log(prior regret) (the fitting half's
    geometric-mean regret of each engine as a fixed choice)."""
    m = means(s["errs"]["val"], s["current_set"] + ["kNN default", "place default"])
    return min(m, key=lambda e: np.log(m[e]) + p["lam"] * p["log_regret"].get(e, 0.5))


def pooled_folds(s: dict, p: dict) -> str:
    """argmin over the untuned engines of (1 - w) log(val ADE) + w log(train-fold ADE)."""
    m = means(s["errs"]["val"], UNTUNED)
    f = means(s["folds"], list(m))
    m = {e: v for e, v in m.items() if e in f} or m
    return min(m, key=lambda e: (1 - p["w"]) * np.log(m[e]) + p["w"] * np.log(f.get(e, m[e])))


# ----------------------------------------------------------------------------- scoring
def regret(s: dict, engine: str, split: str) -> float:
    m = means(s["errs"][split], list(s["errs"][split]))
    return m[engine] / min(m.values())


def geo(stores: list[dict], rule, p: dict, split: str) -> float:
    return float(np.exp(np.mean([np.log(regret(s, rule(s, p), split)) for s in stores])))


def fit_params(stores: list[dict], split: str) -> dict:
    """Each parametrised rule's parameter, chosen on ``stores`` (the fitting half)."""
    engines = sorted({e for s in stores for e in s["errs"][split]})
    log_regret = {}
    for e in engines:
        have = [s for s in stores if e in s["errs"][split]]
        log_regret[e] = float(np.mean([np.log(regret(s, e, split)) for s in have]))
    common = [e for e in engines if all(e in s["errs"][split] for s in stores)]
    p = {"log_regret": log_regret, "prior": min(common, key=log_regret.get)}
    p["theta"] = min(np.round(np.arange(0.3, 1.01, 0.05), 2),
                     key=lambda t: geo(stores, guarded_prior("ratio"), p | {"theta": t}, split))  # fmt: skip
    p["lam"] = min([0, 0.25, 0.5, 1, 2, 4, 8, 16],
                   key=lambda x: geo(stores, shrunk_score, p | {"lam": x}, split))  # fmt: skip
    p["w"] = min(np.round(np.arange(0, 1.01, 0.1), 1),
                 key=lambda w: geo(stores, pooled_folds, p | {"w": w}, split))  # fmt: skip
    return p


RULES = {
    "current verdict (val best, smallval25 shrinkage)": current,
    "fixed kNN at defaults": fixed("kNN default"),
    "fixed linear-3": fixed("linear-3"),
    "fixed place-aware kNN at defaults": fixed("place default"),
    "fixed linear-3 [time, fit]": fixed("linear-3 [time, fit]"),
    "(a) prior engine unless val's CI beats it": guarded_prior("ci"),
    "(a) prior engine unless val ratio < theta": guarded_prior("ratio"),
    "(a) val + lam x prior regret (score)": shrunk_score,
    "(c) kNN at defaults unless val's CI beats it": lambda s, p: guarded_prior("ci")(
        s, p | {"fixed_prior": "kNN default"}
    ),
    "(b) val + w x train folds (untuned)": pooled_folds,
    "val best on 5 windows per trip": val_best("val5", "current"),
    "untuned val best": val_best("val", "untuned"),
}
CANDIDATES = [r for r in RULES if r.startswith(("(a)", "(b)", "(c)", "fixed kNN", "val best on 5"))]


def boot(x: np.ndarray, groups: np.ndarray | None, n: int = 4000, seed: int = 27) -> tuple:
    """95 % CI of exp(mean(x)) resampling stores (or whole groups of them)."""
    rng = np.random.default_rng(seed)
    if groups is None:
        idx = rng.integers(0, len(x), (n, len(x)))
        stats = x[idx].mean(1)
    else:
        ug = np.unique(groups)
        members = [np.flatnonzero(groups == g) for g in ug]
        stats = []
        for _ in range(n):
            pick = rng.integers(0, len(ug), len(ug))
            stats.append(np.concatenate([x[members[i]] for i in pick]).mean())
        stats = np.array(stats)
    return tuple(np.exp(np.percentile(stats, [2.5, 97.5])))


def table(ev: list[dict], p: dict, split: str, fit_geo: dict, what: str) -> list[dict]:
    """Every rule on ``ev``: geometric-mean regret and its ratio to the current verdict's."""
    base = np.array([np.log(regret(s, current(s, p), split)) for s in ev])
    groups = np.array([kind_of(s["store"]) for s in ev])
    rows = []
    print(f"   {what} ({len(ev)} stores; val trips {sorted({s['n_val_trips'] for s in ev})})")
    print(
        f"   {'rule':52s} fit-half  {'scored':9s}  vs current (CI over stores | over kinds)  picks"
    )
    for r, rule in RULES.items():
        x = np.array([np.log(regret(s, rule(s, p), split)) for s in ev])
        d = x - base
        ci_s, ci_k = boot(d, None), boot(d, groups)
        picks: dict[str, int] = {}
        for s in ev:
            e = rule(s, p)
            picks[e] = picks.get(e, 0) + 1
        rows.append({"rule": r, "fit_geo": fit_geo[r], "eval_geo": float(np.exp(x.mean())),
                     "vs_current": float(np.exp(d.mean())), "ci_stores": ci_s, "ci_kinds": ci_k,
                     "picks": picks})  # fmt: skip
        print(f"   {r:52s} {fit_geo[r]:.3f}    {np.exp(x.mean()):.3f}      {np.exp(d.mean()):.3f} "
              f"({ci_s[0]:.3f}-{ci_s[1]:.3f} | {ci_k[0]:.3f}-{ci_k[1]:.3f})  {picks}")  # fmt: skip
    return rows


def main() -> None:
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["n_val_trips"] >= 3 and s["n_test_trips"] >= 1]
    big = [s for s in stores if larger(s["store"])]
    stores = [s for s in stores if not larger(s["store"])]
    fit_k, eval_k = halves(sorted({kind_of(s["store"]) for s in stores}))
    fit = [s for s in stores if kind_of(s["store"]) in fit_k]
    ev = [s for s in stores if kind_of(s["store"]) in eval_k]
    report: dict = {"fit_kinds": sorted(fit_k), "eval_kinds": sorted(eval_k),
                    "n_fit": len(fit), "n_eval": len(ev)}  # fmt: skip
    print(f"{len(stores)} stores: fit half {len(fit)} ({sorted(fit_k)}), eval half {len(ev)} "
          f"({sorted(eval_k)}); val trips {sorted({s['n_val_trips'] for s in stores})}")  # fmt: skip
    splits, chosen = sys.argv[1:] or ["test5", "test"], None
    for split in splits:
        p = fit_params(fit, split)
        pr = {k: v for k, v in p.items() if k != "log_regret"}
        print(f"\n== scored on {split}; fitted on the fitting half: {pr}")
        print("   fitting half's log regret per fixed engine:",
              {e: round(float(np.exp(v)), 3) for e, v in p["log_regret"].items()})  # fmt: skip
        fit_geo = {r: geo(fit, RULES[r], p, split) for r in RULES}
        winner = min(CANDIDATES, key=fit_geo.get)
        print(f"   candidate chosen on the fitting half: {winner}")
        chosen = chosen or winner  # the primary split's (the first) choice, followed on the rest
        print(f"   'chosen' below: {chosen} (the choice on {splits[0]})")
        rows = table(ev, p, split, fit_geo, "eval half")
        d = np.array([np.log(regret(s, RULES[chosen](s, p), split) / regret(s, current(s, p), split))
                      for s in fit])  # fmt: skip
        ci = boot(d, None)
        print(f"   chosen / current on the fitting half (in-sample for a fitted parameter): "
              f"{np.exp(d.mean()):.3f} ({ci[0]:.3f}-{ci[1]:.3f})")  # fmt: skip
        by_kind: dict[str, list] = {}
        for s in ev:  # the chosen rule vs the current verdict, per kind of the evaluation half
            r = regret(s, RULES[chosen](s, p), split) / regret(s, current(s, p), split)
            by_kind.setdefault(kind_of(s["store"]), []).append(np.log(r))
        print("   chosen / current per eval kind (geo-mean over its stores):",
              {k: round(float(np.exp(np.mean(v))), 3) for k, v in sorted(by_kind.items())})  # fmt: skip
        big_ev = [s for s in big if kind_of(s["store"]) in eval_k]
        big_rows = (
            table(big_ev, p, split, fit_geo, "eval half's kinds at 72 trips") if big_ev else []
        )
        report[split] = {"params": pr, "winner": winner, "rows": rows, "rows_72": big_rows}
    (OUT / "rules.json").write_text(json.dumps(report, indent=1, default=float))


if __name__ == "__main__":
    main()
