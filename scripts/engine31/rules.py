"""engine31: rules that choose the engine answering in the model's place on a few val trips,
pre-registered (this file committed before any result was read), fitted on one half of the
stores (by kind) and confirmed on the other.

Reads $ENGINE31/errs/*.json (engine_errors.py). Per store and rule: regret = the chosen
engine's test5 ADE (up to 5 windows per test trip; fewtrip27's primary score) / the best engine's
in hindsight on that store's test5; geometric mean over stores with a 95 % CI (bootstrap over
stores). "test" (one window per trip, as `trajlm eval`) is printed beside it.

Candidates (all read val only):
  current     the shipped rule: lowest mean ADE over up to 5 windows per val trip (fewtrip27)
              among the engines the verdict holds after smallval25's shrinkage
  val10       the same over up to 10 windows per val trip
  valall      the same over every window of the val trips (up to 1,000 per trip)
  prior_ci    a prior engine P (the fitting half's best fixed engine), kept unless val5's best
              engine beats it with a paired bootstrap 95 % CI (over val5 windows) under 1
  prior_ci_all  the same read on every val window
  shrink(l)   argmin over the engines of log(val5 mean ADE) + l x the engine's mean log regret
              over the fitting stores (l in 0.25, 0.5, 1, 2: chosen on the fitting half)
Decision rule: the candidate of lowest fitting-half geometric-mean regret is the pick; it ships
only if its regret / current's on the confirming half has a 95 % CI over stores under 1.
Halves: kinds sorted, alternating (fit = [0::2]) within each family (movers16, heldout26,
heldout27-30's kinds).

    python scripts/engine31/rules.py          # tables on stdout; $ENGINE31/rules.json
    python scripts/engine31/rules.py --fit-only   # the fitting half alone (no confirming read)
"""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

OUT = Path(os.environ.get("ENGINE31", "/tmp/engine31"))
FIXED = ("linear-3", "constant velocity [time]", "linear-3 [time, fit]", "kNN default",
         "place default", "kNN tuned", "place tuned", "dead reckoning [time]")  # fmt: skip
H26 = {"endurance_horses", "rail_tunnels", "ferry_dateline", "snow_groomers", "purse_seiner",
       "refuse_trucks", "mower_fix", "takeout_records"}  # fmt: skip
LAMBDAS = (0.25, 0.5, 1.0, 2.0)
RNG = np.random.default_rng(3131)


def kind_of(store: str) -> str:
    return re.sub(r"_s\d+$", "", store)


def family(kind: str) -> str:
    return "h26" if kind in H26 else "heldout" if re.search(r"_h\d+$", kind) else "m16"


def halves(kinds: list[str]) -> tuple[set, set]:
    fit: set = set()
    for fam in ("m16", "h26", "heldout"):
        fit |= set(sorted(k for k in kinds if family(k) == fam)[0::2])
    return fit, set(kinds) - fit


def means(errs: dict, names) -> dict[str, float]:
    names = [n for n in names if n in errs]
    a = np.array([errs[n] for n in names], float)
    ok = np.isfinite(a).all(0)
    return {n: float(a[i, ok].mean()) for i, n in enumerate(names)} if ok.any() else {}


def best_on(split: str):
    def rule(s: dict, p: dict) -> str:
        m = means(s["errs"][split], s["current_set"])
        return min(m, key=m.get) if m else best_on("val5")(s, p)

    return rule


def prior_ci(split: str):
    def rule(s: dict, p: dict) -> str:
        prior = p["prior"] if p["prior"] in s["errs"][split] else "kNN default"
        best = best_on(split)(s, p)
        if best == prior:
            return prior
        x, y = np.array(s["errs"][split][best], float), np.array(s["errs"][split][prior], float)
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 3:
            return prior
        r = paired_bootstrap_ratio(x[ok], y[ok], n_boot=1000)
        return best if r["hi"] < 1 else prior

    return rule


def shrink(lam: float):
    def rule(s: dict, p: dict) -> str:
        m = means(s["errs"]["val5"], s["current_set"])
        score = {n: np.log(v) + lam * p["log_regret"].get(n, 0.0) for n, v in m.items() if v > 0}
        return min(score, key=score.get) if score else best_on("val5")(s, p)

    return rule


def regret(s: dict, engine: str, split: str) -> float:
    m = means(s["errs"][split], [n for n in FIXED if n in s["errs"][split]])
    return m[engine] / min(m.values())


def fit_params(fit: list[dict]) -> dict:
    """The prior engine and each engine's mean log regret over the fitting stores (test5)."""
    logr = {n: float(np.mean([np.log(regret(s, n, "test5")) for s in fit if n in s["errs"]["test5"]]))
            for n in FIXED if any(n in s["errs"]["test5"] for s in fit)}  # fmt: skip
    common = [n for n in FIXED if all(n in s["errs"]["test5"] for s in fit)]
    return {"log_regret": logr, "prior": min(common, key=logr.get)}


def gm_ci(x: np.ndarray) -> tuple[float, float, float]:
    lx = np.log(x)
    boots = [lx[RNG.integers(0, len(lx), len(lx))].mean() for _ in range(2000)]
    return float(np.exp(lx.mean())), *np.exp(np.percentile(boots, [2.5, 97.5])).tolist()


RULES = {"current": best_on("val5"), "val10": best_on("val10"), "valall": best_on("valall"),
         "prior_ci": prior_ci("val5"), "prior_ci_all": prior_ci("valall"),
         **{f"shrink({lam})": shrink(lam) for lam in LAMBDAS}}  # fmt: skip


def main() -> None:
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["n_val_trips"] < 10 and s["errs"]["test5"]]
    fit_k, conf_k = halves(sorted({kind_of(s["store"]) for s in stores}))
    fit = [s for s in stores if kind_of(s["store"]) in fit_k]
    conf = [s for s in stores if kind_of(s["store"]) in conf_k]
    p = fit_params(fit)
    print(f"{len(fit)} fitting stores ({len(fit_k)} kinds), {len(conf)} confirming ({len(conf_k)} kinds); "
          f"prior engine {p['prior']}; mean log regret {({k: round(v, 3) for k, v in p['log_regret'].items()})}")  # fmt: skip
    table, out = {}, {"params": p, "fit_kinds": sorted(fit_k), "confirm_kinds": sorted(conf_k)}
    for name, rule in RULES.items():
        row = {}
        for half, ss in (("fit", fit), ("confirm", conf)):
            for split in ("test5", "test"):
                row[f"{half}_{split}"] = np.array([regret(s, rule(s, p), split) for s in ss])
        table[name] = row
    pick = min(RULES, key=lambda n: np.log(table[n]["fit_test5"]).mean())
    if "--fit-only" in sys.argv:
        for name, row in table.items():
            g = gm_ci(row["fit_test5"])
            print(f"{name}: fitting half test5 {g[0]:.3f} ({g[1]:.3f}-{g[2]:.3f})")
        print("pick on the fitting half:", pick)
        return
    print(
        "| rule | fit half test5 | confirm half test5 (95 % CI over stores) | confirm vs current (CI) | confirm test (1 window) |"
    )
    print("|---|---|---|---|---|")
    for name, row in table.items():
        g = gm_ci(row["confirm_test5"])
        vs = gm_ci(row["confirm_test5"] / table["current"]["confirm_test5"])
        t1 = gm_ci(row["confirm_test"])
        mark = " (pick)" if name == pick else ""
        print(f"| {name}{mark} | {gm_ci(row['fit_test5'])[0]:.3f} | {g[0]:.3f} ({g[1]:.3f}-{g[2]:.3f}) | "
              f"{vs[0]:.3f} ({vs[1]:.3f}-{vs[2]:.3f}) | {t1[0]:.3f} ({t1[1]:.3f}-{t1[2]:.3f}) |")  # fmt: skip
        out[name] = {k: v.tolist() for k, v in row.items()}
    vs = gm_ci(table[pick]["confirm_test5"] / table["current"]["confirm_test5"])
    ships = pick != "current" and vs[2] < 1
    print(
        f"pick on the fitting half: {pick}; confirming half vs current {vs[0]:.3f} "
        f"({vs[1]:.3f}-{vs[2]:.3f}): {'SHIPS' if ships else 'does not ship'}"
    )
    out["pick"], out["ships"] = pick, ships
    out["stores"] = {"fit": [s["store"] for s in fit], "confirm": [s["store"] for s in conf]}
    (OUT / "rules.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
