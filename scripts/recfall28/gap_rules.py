"""recfall28: recovery's fallback interpolation picked by gap length from a table saved at train
time (trajlm/tasks/fallback_gap.py), against today's pick (the call's own backtest, one
interpolation for the whole call). No model: only *which* interpolation, assuming the call
falls back (as recfall27's study).

Per store: the table from its train split (``gap_table``, as ``trajlm train``'s val check
saves it); per scored pattern (random 50 %, every 60 / 120 / 240 s) of the scored split: each
rule's pooled error over the hidden fixes / the best single interpolation's (Akima, PCHIP,
linear) on that split = regret; per store the geometric mean over its patterns. Rules:
  current          the call's backtest picks one interpolation (fallback_recover today)
  table, per gap   each gap by its length's bin (interpolate_by_gap; no evidence: current)
  table, per call  one interpolation for the call: the lowest table error summed over the
                   call's hidden fixes by their bins (no evidence: current)

    PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py errs [STORE ...]
        # default stores: $FEWTRIP27/stores/* (/tmp/fewtrip27), /tmp/heldout27/stores/*,
        # $RECFALL27/fresh/stores/* (/tmp/recfall27); -> $RECFALL28/errs/STORE.json (/tmp/recfall28)
    PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py rules   # the tables (fit / eval halves)
    PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py errs --split val --seeds 3 /tmp/stores/porto
        # a shared store: its val split, random masks at seeds 0-2 (table sample seed too)
    PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py shared porto geolife   # their table
    RECFALL28=/tmp/recfall28/fresh PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py all
        # a confirmation set (gen_fresh.py): every store in one table, nothing fitted
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.tasks.fallback_gap import (
    gap_table,
    interpolate_by_gap,
    pick_for_call,
)
from trajlm.tasks.fallback_recover import INTERPS, interpolate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "recfall27"))
sys.path.insert(0, str(ROOT / "fewtrip27"))
from fallback_rules import rule_row, store_sets  # noqa: E402
from interp_errors import backtest_split, each_store  # noqa: E402
from rules import kind_of  # noqa: E402

OUT = Path(os.environ.get("RECFALL28", "/tmp/recfall28"))
R27 = Path(os.environ.get("RECFALL27", "/tmp/recfall27"))
DT = 15.0  # trajlm-small's training step: the call check's dense switch (as recfall27)
PATTERNS = [("random", 0.0), ("downsample", 60.0), ("downsample", 120.0), ("downsample", 240.0)]
RULES = (
    "current",
    "table, per gap",
    "table, per call",
    "table + call votes, per gap",
    "table over call by 2 %, per gap",
)  # the last two added after the first table (below)


def call_pick(xy, t, known, g) -> str:
    """Today's pick: the interpolation of lowest pooled error on the call's own backtest, hidden
    as BridgeRecoverer._guard hides it (ties: the first of INTERPS, as call_fallback)."""
    xs, ts, gs, k2, scored = backtest_split(xy, t, known, g)
    if not scored.any():
        return INTERPS[0], None
    e = [np.linalg.norm(interpolate(k, xs, ts, k2, gs)[scored] - xs[scored], axis=1).mean()
         for k in INTERPS]  # fmt: skip
    return INTERPS[int(np.argmin(e))], dict(zip(INTERPS, map(float, e), strict=True))


def scored(task, table: dict) -> dict:
    ll, kn, t, g = np.asarray(task.latlon, np.float64), task.known, np.asarray(task.t), task.groups
    proj = LocalProjection(float(ll[kn, 0].mean()), mean_lon(ll[kn, 1]))
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    hid = ~kn
    err = {k: float(np.linalg.norm(interpolate(k, xy, t, kn, g)[hid] - xy[hid], axis=1).mean())
           for k in INTERPS}  # fmt: skip
    cur, call = call_pick(xy, t.astype(np.float64), kn, g)
    by_gap, counts, _ = interpolate_by_gap(table, cur, xy, t, kn, g)
    pc = pick_for_call(table, t, kn, g) or cur
    pts = {"current": interpolate(cur, xy, t, kn, g), "table, per gap": by_gap,
           "table, per call": interpolate(pc, xy, t, kn, g)}  # fmt: skip
    for name, how in (("table + call votes, per gap", "votes"),
                      ("table over call by 2 %, per gap", "margin")):  # fmt: skip
        pts[name] = interpolate_by_gap(table, cur, xy, t, kn, g, call, how)[0]
    trip = {r: np.bincount(g[hid], np.linalg.norm(v[hid] - xy[hid], axis=1), g.max() + 1).tolist()
            for r, v in pts.items()}  # fmt: skip
    trip["n"] = np.bincount(g[hid], minlength=g.max() + 1).tolist()
    rule = {r: float(np.linalg.norm(v[hid] - xy[hid], axis=1).mean()) for r, v in pts.items()}
    return {"interp": err, "rule": rule, "picks": {"current": cur, "per call": pc,
            "per gap": counts}, "n_hidden": int(hid.sum()), "trip": trip}  # fmt: skip


def store_errs(store: Path, split: str, seeds: int) -> dict:
    sp = {s: read_store(store, split=s).drop("split", strict=False) for s in ("train", split)}
    res = {"store": store.name, "split": split, "runs": []}
    for seed in range(seeds):
        t0 = time.process_time()
        table = gap_table(sp["train"], seed=seed)
        res.setdefault("table_cpu_s", []).append(round(time.process_time() - t0, 2))
        run = {"seed": seed, "table": table, "patterns": {}}
        for mode, iv in PATTERNS:
            # downsampled masks are deterministic: there the seed moves the table's trip sample
            name = "random 50%" if mode == "random" else f"every {iv:g} s"
            task = make_recovery_task(sp[split], mode, interval_s=iv or 60.0, seed=seed)
            if not len(task.t) or task.known.all():
                continue
            run["patterns"][name] = scored(task, table)
        res["runs"].append(run)
    return res


def cmd_errs(argv: list[str]) -> None:
    split, seeds = "test", 1
    if "--split" in argv:
        i = argv.index("--split")
        split = argv[i + 1]
        argv = argv[:i] + argv[i + 2 :]
    if "--seeds" in argv:
        i = argv.index("--seeds")
        seeds = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    stores = [Path(a) for a in argv] or sorted(
        [*(Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27")) / "stores").iterdir(),
         *Path("/tmp/heldout27/stores").iterdir(), *(R27 / "fresh" / "stores").iterdir()])  # fmt: skip
    (OUT / "errs").mkdir(parents=True, exist_ok=True)

    def errs(st: Path) -> dict:
        return {**store_errs(st, split, seeds), "fresh": str(st).startswith(str(R27 / "fresh"))}

    each_store(stores, lambda st: OUT / "errs" / f"{st.name}{'' if split == 'test' else '_' + split}.json",
               errs, lambda r, s: f"{sum(len(x['patterns']) for x in r['runs'])} patterns, "
               f"{s:.1f} s (table CPU {r['table_cpu_s']} s)")  # fmt: skip


def log_regrets(s: dict) -> dict[str, float]:
    """Per rule: the mean over the store's runs and patterns of log(rule error / best single)."""
    per: dict[str, list] = {}
    for run in s["runs"]:
        for p in run["patterns"].values():
            best = min(p["interp"].values())
            if best <= 0:
                continue
            for r in RULES:
                per.setdefault(r, []).append(np.log(max(p["rule"][r], 1e-12) / best))
    return {r: float(np.mean(v)) for r, v in per.items()}


def table_of(stores: list, label: str, rng, fit_geo: dict | None = None) -> dict:
    reg = [(s["store"], log_regrets(s)) for s in stores]
    reg = [x for x in reg if x[1]]
    if not reg:
        return {}
    print(f"\n-- {label}: {len(reg)} stores, {len({kind_of(n) for n, _ in reg})} kinds")
    rows = {}
    for r in RULES:
        rows[r] = row = rule_row(reg, r, "current", rng)
        cs, ck = row["ci_stores"], row["ci_kinds"]
        f = f"{fit_geo[r]:.3f}" if fit_geo else "  -  "
        print(f"   {r:18s} fit {f}  regret {row['regret']:.4f}  vs current "
              f"{row['vs_current']:.4f} (CI stores {cs[0]:.4f}-{cs[1]:.4f} | kinds "
              f"{ck[0]:.4f}-{ck[1]:.4f})")  # fmt: skip
    return rows


def by_pattern(stores: list, label: str) -> None:
    per: dict[str, list] = {}
    for s in stores:
        for run in s["runs"]:
            for name, p in run["patterns"].items():
                best = min(p["interp"].values())
                if best > 0:
                    per.setdefault(name, []).append([np.log(p["rule"][r] / best) for r in RULES])
    print(f"   per pattern ({label}): " + "; ".join(
        f"{n} " + " / ".join(f"{np.exp(v):.3f}" for v in np.mean(a, 0))
        for n, a in per.items()))  # fmt: skip


def cmd_rules() -> None:
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["split"] == "test"]
    fresh = [s for s in stores if s.get("fresh")]
    stores = [s for s in stores if not s.get("fresh")]
    h27, big, fit, ev, _ = store_sets(stores)
    rng = np.random.default_rng(2828)
    print(f"rules: {RULES} (regret = rule / best single interpolation; per pattern: "
          + " / ".join(RULES) + ")")  # fmt: skip
    rf = [log_regrets(s) for s in fit]
    fit_geo = {r: float(np.exp(np.mean([x[r] for x in rf if x]))) for r in RULES}
    chosen = min(fit_geo, key=fit_geo.get)
    print(f"fit half ({len(fit)} stores): {fit_geo}; chosen: {chosen}")
    report = {"chosen": chosen, "fit": fit_geo}
    report["eval"] = table_of(ev, "evaluation half (read once for the choice)", rng, fit_geo)
    by_pattern(ev, "evaluation half")
    report["h27"] = table_of(h27, "heldout27's eight stores", rng)
    by_pattern(h27, "heldout27")
    report["big"] = table_of(big, "72-trip stores", rng)
    report["fresh"] = table_of(fresh, "recfall27's fresh seeds (40)", rng)
    by_pattern(fresh, "fresh seeds")
    report["fit_table"] = table_of(fit, "fitting half (in sample)", rng)
    (OUT / "rules.json").write_text(json.dumps(report, indent=1))


def cmd_all() -> None:
    """Every test-split store of $RECFALL28/errs in one table (a confirmation set)."""
    stores = [json.loads(p.read_text()) for p in sorted((OUT / "errs").glob("*.json"))]
    stores = [s for s in stores if s["split"] == "test"]
    table_of(stores, "all stores (confirmation)", np.random.default_rng(2828))
    by_pattern(stores, "all stores")


def trip_ci(runs: list, pattern: str, rule: str, rng, n: int = 2000) -> tuple[float, float, float]:
    """rule / current over one pattern's hidden fixes pooled over the runs (seeds), with a
    paired bootstrap 95 % CI over trips (each trip's fixes of every seed together)."""
    xs = [r["patterns"][pattern]["trip"] for r in runs if pattern in r["patterns"]]
    a = np.sum([x[rule] for x in xs], 0)
    c = np.sum([x["current"] for x in xs], 0)
    ok = np.sum([x["n"] for x in xs], 0) > 0
    a, c = a[ok], c[ok]
    boot_r = []
    for _ in range(n):
        i = rng.integers(0, len(a), len(a))
        boot_r.append(a[i].sum() / max(c[i].sum(), 1e-12))
    lo, hi = np.percentile(boot_r, [2.5, 97.5])
    return float(a.sum() / c.sum()), float(lo), float(hi)


def cmd_shared(names: list[str]) -> None:
    """A shared store's runs ($RECFALL28/errs/NAME_SPLIT.json): per pattern, each rule / current
    pooled over the seeds with a paired bootstrap CI over trips, and the picks per seed."""
    rng = np.random.default_rng(2828)
    for name in names:
        for p in sorted((OUT / "errs").glob(f"{name}*.json")):
            s = json.loads(p.read_text())
            print(f"\n-- {s['store']} ({s['split']}), {len(s['runs'])} seeds, table CPU s "
                  f"{s['table_cpu_s']}")  # fmt: skip
            for pat in s["runs"][0]["patterns"]:
                x0 = s["runs"][0]["patterns"][pat]
                mae = np.mean([r["patterns"][pat]["rule"]["current"] for r in s["runs"]])
                print(f"   {pat:11s} hidden {x0['n_hidden']:6d}, current {mae:.2f} m, interp "
                      + ", ".join(f"{k} {v:.2f}" for k, v in x0["interp"].items()))  # fmt: skip
                for r in RULES[1:]:
                    v, lo, hi = trip_ci(s["runs"], pat, r, rng)
                    print(f"      {r:32s} {v:.4f} ({lo:.4f}-{hi:.4f})")
                for r in s["runs"]:
                    x = r["patterns"][pat]
                    print(f"      seed {r['seed']}: current {x['picks']['current']}, per call "
                          f"{x['picks']['per call']}, per gap {x['picks']['per gap']}")  # fmt: skip


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "rules"
    if cmd == "errs":
        cmd_errs(sys.argv[2:])
    elif cmd == "shared":
        cmd_shared(sys.argv[2:])
    elif cmd == "all":
        cmd_all()
    else:
        cmd_rules()
