"""Travel time, session 28 (issue 15): two MAE-objective arms that read the od model, on val
with 3 seeds and paired bootstrap CIs vs GB and vs `gb abs`; a pre-registered rule decides
whether test is read (docs/travel-time.md "Session 28 (tte28)"; the rule: RULE below).

Arms (``ARMS``): references `gb` (the protocol's GB), `gb abs` (GB with the absolute-error
loss, session 9), `model` (the od model alone); candidates
`residual+model mae+log0 linear on gb abs` (session 7's hour-free MAE head over the
absolute-error GB, reading log model / base) and `gb abs +model` (absolute-error GB with the
model's log duration as one more feature; trajlm.eval.tte_model_gb).

    # per data set: val (3 od models, seeds 0-2, from configs/tte_od.toml)
    python scripts/tte28/mae_arms.py --data /tmp/stores/porto --split val \
        --runs R0,R1,R2 --out /tmp/tte28/porto_val.json
    # the rule over both val JSONs -> decision JSON (chosen arm or none)
    python scripts/tte28/mae_arms.py decide --a /tmp/tte28/porto_val.json \
        --b /tmp/tte28/geolife_val.json --out /tmp/tte28/decision.json
    # test: refused unless the decision names an arm
    python scripts/tte28/mae_arms.py --data STORE --split test --decision /tmp/tte28/decision.json ...

Outputs: the JSON named by --out, a .md table and an .npz of per-trip predictions beside it
(scripts/tte28/run.sh writes under $OUT, default /tmp/tte28/).
scripts/tte28/run.sh runs the whole study.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from _report import ci_text, pm, write_results  # noqa: E402
from tte_residual import CachedTravelTime, load_model, per_trip  # noqa: E402

from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval import baselines as B  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.protocol import make_tte_task, split_tables  # noqa: E402
from trajlm.eval.tte_mae import GradientBoostingMAE  # noqa: E402
from trajlm.eval.tte_model_gb import ModelFeatureGB  # noqa: E402
from trajlm.eval.tte_residual import ResidualTTE  # noqa: E402

RULE = ("test is read once, for one candidate, only if on val the upper end of the paired "
        "bootstrap 95 % CI of (arm - GB) is below 0 on all four of Porto MAE, Porto MAPE, "
        "GeoLife MAE, GeoLife MAPE; if both qualify, the lower mean of the four relative "
        "differences to GB")  # fmt: skip
CANDIDATES = ("residual+model mae+log0 linear on gb abs", "gb abs +model")
REFERENCES = ("gb", "gb abs", "model")
ARMS = (*REFERENCES, *CANDIDATES)
METRICS = ("mae_min", "mape_pct")


def make_arm(name: str, seed: int, model) -> object:
    """A fresh unfitted estimator of arm ``name`` (``model``: this seed's od model)."""
    if name == "gb":
        return B.GradientBoostingTTE()
    if name == "gb abs":
        return GradientBoostingMAE()
    if name == "residual+model mae+log0 linear on gb abs":
        return ResidualTTE(base=GradientBoostingMAE(), model=model, hidden=0, loss="mae+log",
                           log_weight=0.0, random_state=seed)  # fmt: skip
    if name == "gb abs +model":
        return ModelFeatureGB(model=model, loss="absolute_error")
    raise KeyError(name)


def predict_arms(arms, seeds, models, train, target) -> tuple[dict, dict]:
    """arm -> (seeds, n) seconds (deterministic arms: one row), arm -> fit seconds."""
    preds, fit_s = {}, {}
    for a in arms:
        rows, t0 = [], time.perf_counter()
        for i, seed in enumerate(seeds):
            if a == "model":
                rows.append(models[i].travel_time(target))
                continue
            rows.append(make_arm(a, seed, models[i] if models else None).fit(train).predict(target))
            if a in ("gb", "gb abs"):
                break  # deterministic: one fit is every seed's
        preds[a], fit_s[a] = np.stack(rows), (time.perf_counter() - t0) / len(rows)
        print(f"{a}: {fit_s[a]:.1f} s per seed", flush=True)
    return preds, fit_s


def score(preds: dict, y: np.ndarray, fit_s: dict) -> list[dict]:
    """Rows: mean ± std over seeds; CIs of (arm - GB) and (arm - gb abs) on per-trip errors
    averaged over seeds."""
    err = {a: {m: np.mean([per_trip(q, y)[m] for q in p], 0) for m in METRICS}
           for a, p in preds.items()}  # fmt: skip
    rows = []
    for a, p in preds.items():
        per_seed = [per_trip(q, y) for q in p]
        row = {"method": a, "candidate": a in CANDIDATES, "n_seeds": len(p),
               "fit_s": fit_s[a]}  # fmt: skip
        for m in METRICS:
            v = [float(e[m].mean()) for e in per_seed]
            row[m], row[m + "_std"] = float(np.mean(v)), float(np.std(v))
        for ref in ("gb", "gb abs"):
            if a != ref:
                row[f"vs_{ref}"] = {m: paired_bootstrap_ci(err[a][m], err[ref][m]) for m in METRICS}
        rows.append(row)
    return rows


def to_markdown(rows: list[dict], meta: dict) -> str:
    out = [f"### travel time, {meta['data']} ({meta['split']} split, {meta['n_trips']} trips, "
           f"seeds {meta['seeds']})", "",
           "| method | MAE (min) | MAPE (%) | MAE − GB [95 % CI] | MAPE − GB [95 % CI] | "
           "MAE − gb abs [95 % CI] | MAPE − gb abs [95 % CI] | fit (s / seed) |",
           "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        sd = r["n_seeds"] > 1
        cells = [ci_text(r[f"vs_{ref}"][m], 2, rel=False) if f"vs_{ref}" in r else "–"
                 for ref in ("gb", "gb abs") for m in METRICS]  # fmt: skip
        name = f"◀ {r['method']}" if r["candidate"] else r["method"]
        out.append(f"| {name} | {pm(r['mae_min'], r['mae_min_std'] if sd else None, 2)} | "
                   f"{pm(r['mape_pct'], r['mape_pct_std'] if sd else None, 2)} | "
                   f"{' | '.join(cells)} | {r['fit_s']:.1f} |")  # fmt: skip
    return "\n".join(out) + "\n"


def decide(docs: list[dict]) -> dict:
    """RULE over val JSONs (one per data set) -> {"chosen": arm or None, "table": ...}."""
    if any(d["meta"]["split"] != "val" for d in docs):
        raise SystemExit("decide: every JSON must be a val run (the choice is made on val)")
    table = {}
    for arm in CANDIDATES:
        rows = [next((r for r in d["rows"] if r["method"] == arm), None) for d in docs]
        if any(r is None for r in rows):
            continue
        his = [r["vs_gb"][m]["hi"] for r in rows for m in METRICS]
        gb = [next(g for g in d["rows"] if g["method"] == "gb") for d in docs]
        rel = [(r[m] - g[m]) / g[m] for r, g in zip(rows, gb, strict=True) for m in METRICS]
        table[arm] = {"ci_hi": his, "qualifies": all(h < 0 for h in his),
                      "mean_rel": float(np.mean(rel))}  # fmt: skip
    ok = [a for a, t in table.items() if t["qualifies"]]
    chosen = min(ok, key=lambda a: table[a]["mean_rel"]) if ok else None
    return {"rule": RULE, "data": [d["meta"]["data"] for d in docs], "table": table,
            "chosen": chosen}  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["decide"]:
        ap = argparse.ArgumentParser(description="apply RULE to val JSONs")
        ap.add_argument("--a", required=True, type=Path)
        ap.add_argument("--b", required=True, type=Path)
        ap.add_argument("--out", required=True, type=Path)
        args = ap.parse_args(argv[1:])
        doc = decide([json.loads(p.read_text()) for p in (args.a, args.b)])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=1))
        print(json.dumps(doc, indent=1))
        return doc
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="store (trajlm data ingest)")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--runs", required=True, help="comma-separated od model runs, one per seed")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--decision", type=Path, help="--split test: the decide JSON")
    ap.add_argument("--out", required=True, type=Path, help="JSON path (a .md beside it)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    runs = [r for r in args.runs.split(",") if r]
    if len(runs) != len(args.seeds):
        ap.error(f"--runs has {len(runs)} runs for {len(args.seeds)} seeds")
    arms = list(ARMS)
    if args.split == "test":  # the pre-registered rule, not the command line, names the arm
        chosen = (json.loads(args.decision.read_text()).get("chosen")
                  if args.decision and args.decision.is_file() else None)  # fmt: skip
        if chosen is None:
            ap.error("--split test: the decision JSON names no arm (test is not read)")
        arms = [*REFERENCES, chosen]
    models = [CachedTravelTime(load_model(r)) for r in runs]  # arms ask it about the same trips
    parts = split_tables(read_store(args.data))
    train, target = make_tte_task(parts["train"]), make_tte_task(parts[args.split])
    y = target["duration_s"].to_numpy().astype(np.float64)
    preds, fit_s = predict_arms(arms, args.seeds, models, train, target)
    meta = {"data": str(args.data), "split": args.split, "n_trips": len(target),
            "n_train_trips": len(train), "seeds": args.seeds, "runs": runs}  # fmt: skip
    doc = {"meta": meta, "rows": score(preds, y, fit_s)}
    write_results(args.out, doc, to_markdown(doc["rows"], meta))
    # per-trip predictions beside the JSON (scripts/tte28/power.py reads them)
    np.savez(args.out.with_suffix(".npz"), y=y, **{a: p for a, p in preds.items()})
    return doc


if __name__ == "__main__":
    main()
