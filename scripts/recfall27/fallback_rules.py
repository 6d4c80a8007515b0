"""recfall27: rules that choose recovery's fallback interpolation (akima / pchip / linear) and
the harness's spline flavour (cubic / pchip / akima), fitted on one half of the small stores (by
kind, fewtrip27's halves) and scored on the other; heldout27's eight stores scored apart.

Regret of a rule on a store and pattern = the chosen interpolation's test error / the best
one's (of the same set) on that test; per store the geometric mean over its patterns; the
rule / current ratio with a 95 % bootstrap CI over stores and over kinds (2,000 draws).

    PYTHONPATH=$PWD python scripts/recfall27/fallback_rules.py      # reads $RECFALL27/errs (default /tmp/recfall27)
    PYTHONPATH=$PWD python scripts/recfall27/fallback_rules.py --resplit 20   # 20 random halves by kind
    RECFALL27=/tmp/recfall27/fresh PYTHONPATH=$PWD python scripts/recfall27/fallback_rules.py --all
        # the confirmation set (gen_fresh.py): every store in one table, nothing fitted
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fewtrip27"))
from rules import halves, kind_of, larger  # noqa: E402  (fewtrip27's split by kind)

OUT = Path(os.environ.get("RECFALL27", "/tmp/recfall27"))
FB = ("akima", "pchip", "linear")
FL = ("flav_cubic", "flav_pchip", "flav_akima")
H27 = {"canal_barges", "formula_e_motec", "glider_flights", "kobo_survey", "school_buses",
       "stork_ornitela", "tokyo_couriers", "yacht_race"}  # fmt: skip


def mean(src: dict | None, k: str) -> float:
    return src[k][0] / src[k][1] if src and src[k][1] else np.nan


def pooled(sources: list, keys) -> dict:
    """Per method: the pooled mean error over the given sources' hidden points."""
    out = {}
    for k in keys:
        s = sum(src[k][0] for src in sources if src and src[k][1])
        n = sum(src[k][1] for src in sources if src and src[k][1])
        out[k] = s / n if n else np.nan
    return out


def argmin(scores: dict, keys, default: str | None = None) -> str:
    """The key of the lowest score; ``default`` (else the first key) where none is known."""
    vals = [scores.get(k, np.nan) for k in keys]
    if all(np.isnan(v) for v in vals):
        return default or keys[0]
    return keys[int(np.nanargmin(vals))]


def log_votes(sources: list, keys) -> dict:
    """Each source's log(error / its best), summed over sources (each source one vote)."""
    tot, used = dict.fromkeys(keys, 0.0), False
    for src in sources:
        if not src or not all(src[k][1] for k in keys):
            continue
        used = True
        m = {k: src[k][0] / src[k][1] for k in keys}
        b = min(m.values())
        for k in keys:
            tot[k] += np.log(max(m[k], 1e-9) / max(b, 1e-9))
    return tot if used else dict.fromkeys(keys, np.nan)


def fallback_rules(p: dict) -> dict[str, str]:
    call, val, train = p["call"], p["val"], p["train"]
    v1, cur = val[:1], argmin({k: mean(call, k) for k in FB}, FB)
    return {
        "current (call backtest)": cur,
        "val, same pattern (1 mask)": argmin(pooled(v1, FB), FB, cur),
        "val, same pattern (up to 5 masks)": argmin(pooled(val, FB), FB, cur),
        "train, same pattern": argmin(pooled([train], FB), FB, cur),
        "call + val (pooled points)": argmin(pooled([call, *val], FB), FB, cur),
        "call + val + train (pooled points)": argmin(pooled([call, *val, train], FB), FB, cur),
        "val + train (pooled points)": argmin(pooled([*val, train], FB), FB, cur),
        "call, val, train (one vote each)": argmin(
            log_votes([call, pooled_src(val), train], FB), FB, cur
        ),
    }


def pooled_src(srcs: list) -> dict | None:
    srcs = [s for s in srcs if s]
    if not srcs:
        return None
    return {k: [sum(s[k][0] for s in srcs), sum(s[k][1] for s in srcs)] for k in srcs[0]}


def flavour_rules(store: dict) -> dict[str, str]:
    pats = store["patterns"]
    rnd = pats.get("random 50%")
    if not rnd or not rnd["val"]:
        return {}
    allval = [v for p in pats.values() for v in p["val"]]
    return {
        "current (val, random 50 %, seed 0)": argmin(pooled(rnd["val"][:1], FL), FL),
        "val, random 50 %, 5 masks": argmin(pooled(rnd["val"], FL), FL),
        "val, all patterns pooled": argmin(pooled(allval, FL), FL),
        "val + train, random 50 %": argmin(pooled([*rnd["val"], rnd["train"]], FL), FL),
        "val + train, all patterns": argmin(
            pooled([*allval, *(p["train"] for p in pats.values())], FL), FL
        ),
    }


FB4 = (*FB, "flav_cubic")  # a not-a-knot cubic as a 4th candidate (the harness's flavour)


def cubic_rules(p: dict) -> dict[str, str]:
    """The fallback with cubic as a 4th candidate: only rules that read val / train (the call's
    backtest was not computed for cubic)."""
    cur = argmin({k: mean(p["call"], k) for k in FB}, FB)
    return {
        "current (call backtest, 3 candidates)": cur,
        "train, same pattern (3 candidates)": argmin(pooled([p["train"]], FB), FB, cur),
        "train, same pattern (+ cubic)": argmin(pooled([p["train"]], FB4), FB4, cur),
        "val + train (+ cubic)": argmin(pooled([*p["val"], p["train"]], FB4), FB4, cur),
    }


def regrets(stores: list, which: str) -> tuple[list, dict]:
    """Per store: {rule: log regret (geo mean over patterns)} and the picks' counts."""
    out, picks = [], {}
    for s in stores:
        per: dict[str, list] = {}
        if which in ("fallback", "fallback4"):
            keys, rules_of = (FB, fallback_rules) if which == "fallback" else (FB4, cubic_rules)
            for p in s["patterns"].values():
                best = min(mean(p["test"], k) for k in keys)
                for rule, k in rules_of(p).items():
                    per.setdefault(rule, []).append(np.log(mean(p["test"], k) / best))
                    picks.setdefault(rule, {}).setdefault(k, 0)
                    picks[rule][k] += 1
        else:
            for rule, k in flavour_rules(s).items():
                for p in s["patterns"].values():
                    best = min(mean(p["test"], f) for f in FL)
                    per.setdefault(rule, []).append(np.log(mean(p["test"], k) / best))
                picks.setdefault(rule, {}).setdefault(k, 0)
                picks[rule][k] += 1
        if per:
            out.append((s["store"], {r: float(np.mean(v)) for r, v in per.items()}))
    return out, picks


def boot(d: np.ndarray, groups: np.ndarray, rng, n: int = 2000) -> tuple[float, float]:
    """95 % CI of exp(mean d), resampling the groups (each group's rows together)."""
    ug = np.unique(groups)
    idx = {g: np.flatnonzero(groups == g) for g in ug}
    ms = []
    for _ in range(n):
        pick = rng.choice(ug, len(ug))
        rows = np.concatenate([idx[g] for g in pick])
        ms.append(d[rows].mean())
    lo, hi = np.percentile(ms, [2.5, 97.5])
    return float(np.exp(lo)), float(np.exp(hi))


def table(reg: list, label: str, fit_geo: dict | None, rng) -> dict:
    if not reg:
        return {}
    rules = list(reg[0][1])
    cur = rules[0]
    print(f"\n-- {label}: {len(reg)} stores, {len({kind_of(n) for n, _ in reg})} kinds")
    print(f"   {'rule':40s} {'fit half':>8s} {'regret':>7s}  vs current (CI stores | kinds)")
    rows = {}
    for r in rules:
        rows[r] = row = rule_row(reg, r, cur, rng)
        cs, ck = row["ci_stores"], row["ci_kinds"]
        f = f"{fit_geo[r]:.3f}" if fit_geo else "   -"
        print(f"   {r:40s} {f:>8s} {row['regret']:7.3f}  {row['vs_current']:.4f} "
              f"({cs[0]:.4f}-{cs[1]:.4f} | {ck[0]:.4f}-{ck[1]:.4f})")  # fmt: skip
    return rows


def rule_row(reg: list, rule: str, current: str, rng) -> dict:
    """One rule over ``reg`` ([(store, {rule: log regret})]): its regret (geometric mean over the
    stores) and its ratio to ``current``'s, with 95 % CIs over stores and over kinds (recfall28's
    gap_rules.py reads its tables through it too)."""
    lr = np.array([x[rule] for _, x in reg])
    d = lr - np.array([x[current] for _, x in reg])
    kinds = np.array([kind_of(n) for n, _ in reg])
    cs, ck = boot(d, np.arange(len(reg)), rng), boot(d, kinds, rng)
    return {"regret": float(np.exp(lr.mean())), "vs_current": float(np.exp(d.mean())),
            "ci_stores": cs, "ci_kinds": ck}  # fmt: skip


def by_pattern(stores: list, rule: str) -> None:
    """The fallback rule's regret and the current rule's, per pattern (geo mean over stores)."""
    per: dict[str, list] = {}
    for s in stores:
        for name, p in s["patterns"].items():
            best = min(mean(p["test"], k) for k in FB)
            picks = fallback_rules(p)
            per.setdefault(name, []).append(
                (np.log(mean(p["test"], picks[rule]) / best),
                 np.log(mean(p["test"], picks["current (call backtest)"]) / best),
                 p["call"]["dense"]))  # fmt: skip
    for name, v in per.items():
        a = np.array([x[:2] for x in v])
        print(
            f"   {name:12s} n={len(v):3d} (dense {sum(x[2] for x in v):3d}): current "
            f"{np.exp(a[:, 1].mean()):.3f}, {rule} {np.exp(a[:, 0].mean()):.3f}"
        )


def store_sets(stores: list) -> tuple:
    """(heldout27's eight, the 72-trip stores, the small stores' fitting half, their evaluation
    half, (the fitting kinds, the evaluation kinds)): fewtrip27's halves by kind (recfall28's
    gap_rules.py splits its stores by it too)."""
    h27 = [s for s in stores if s["store"] in H27]
    small = [s for s in stores if s["store"] not in H27 and not larger(s["store"])]
    big = [s for s in stores if larger(s["store"])]
    fit_k, eval_k = halves(sorted({kind_of(s["store"]) for s in small}))
    fit = [s for s in small if kind_of(s["store"]) in fit_k]
    ev = [s for s in small if kind_of(s["store"]) in eval_k]
    return h27, big, fit, ev, (fit_k, eval_k)


def main() -> None:
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["patterns"]]
    h27, big, fit, ev, (fit_k, eval_k) = store_sets(stores)
    print(
        f"fit half {len(fit)} stores {sorted(fit_k)}\neval half {len(ev)} stores {sorted(eval_k)}"
    )
    report = {}
    for which in ("fallback", "flavour", "fallback4"):
        rng = np.random.default_rng(2727)
        print(f"\n===== {which} =====")
        rf, picks = regrets(fit, which)
        fit_geo = {r: float(np.exp(np.mean([x[r] for _, x in rf]))) for r in rf[0][1]}
        chosen = min(fit_geo, key=fit_geo.get)
        print(f"fit half geo-mean regret: { {k: round(v, 3) for k, v in fit_geo.items()} }")
        print(f"chosen on the fitting half: {chosen}")
        print(f"fit half picks: {picks}")
        re_, picks_e = regrets(ev, which)
        rep = {"chosen": chosen, "fit": fit_geo,
               "eval": table(re_, "evaluation half", fit_geo, rng)}  # fmt: skip
        print(f"   eval half picks: {picks_e}")
        rep["fit_table"] = table(rf, "fitting half (in sample for the choice)", None, rng)
        rep["big"] = table(regrets(big, which)[0], "eval+fit kinds at 72 trips (7 val)", None, rng)
        rh, ph = regrets(h27, which)
        rep["h27"] = table(rh, "heldout27's eight stores", None, rng)
        for name, x in rh:
            print(f"     {name:18s} " + " ".join(f"{np.exp(v):.3f}" for v in x.values()))
        print(f"   heldout27 picks: {ph}")
        if which == "fallback":
            print(f"   per pattern, evaluation half ({chosen} vs current):")
            by_pattern(ev, chosen)
            print("   per pattern, heldout27:")
            by_pattern(h27, chosen)
        report[which] = rep
    (OUT / "rules.json").write_text(json.dumps(report, indent=1))


def resplit(n: int) -> None:
    """The whole procedure (choose on one half, score against current on the other) over ``n``
    random splits of the small stores' kinds into halves (seed 2727), fallback rules."""
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    small = [
        s for s in stores if s["patterns"] and s["store"] not in H27 and not larger(s["store"])
    ]
    reg, _ = regrets(small, "fallback")
    kinds = np.array([kind_of(n) for n, _ in reg])
    rules = list(reg[0][1])
    lr = np.array([[x[r] for r in rules] for _, x in reg])  # (stores, rules)
    uk = sorted(set(kinds))
    rng = np.random.default_rng(2727)
    picked, ratio, train_ratio = [], [], []
    for _ in range(n):
        fk = set(rng.permutation(uk)[: len(uk) // 2])
        f = np.isin(kinds, list(fk))
        best = int(np.argmin(lr[f].mean(0)))
        picked.append(rules[best])
        ratio.append(float(np.exp((lr[~f, best] - lr[~f, 0]).mean())))
        j = rules.index("train, same pattern")
        train_ratio.append(float(np.exp((lr[~f, j] - lr[~f, 0]).mean())))
    print(
        f"{n} random halves by kind: picks { {str(k): int(c) for k, c in zip(*np.unique(picked, return_counts=True), strict=True)} }"
    )
    for label, r in (("the procedure's pick / current", ratio),
                     ("train, same pattern / current", train_ratio)):  # fmt: skip
        r = np.array(r)
        print(
            f"   {label} on the other half: median {np.median(r):.4f} "
            f"(min {r.min():.4f}, max {r.max():.4f}), under 1 in {(r < 1).sum()} of {n}"
        )


def confirm() -> None:
    """Every store of $RECFALL27/errs in one table per rule set (a confirmation set)."""
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["patterns"]]
    for which in ("fallback", "fallback4", "flavour"):
        print(f"\n===== {which} =====")
        table(regrets(stores, which)[0], "all stores", None, np.random.default_rng(2727))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--all"]:
        confirm()
    elif sys.argv[1:2] == ["--resplit"]:
        resplit(int(sys.argv[2]))
    else:
        main()
