"""Evaluate the question planners: exact-plan accuracy, execution-result accuracy, crashes and
latency (planner load once, then per question), on the synthetic city (300 trips, seed 0).

    python scripts/ask_results.py --planners rules,smollm2,smollm2-free --out ask_results.json

A question is right when the planner's plan gives the same result as the expected plan (both
run on the same store; a refusal is right when a refusal is expected). Prediction questions
use one seeded, untrained model for both plans, so their results agree exactly when the trip
and horizon agree. Torch runs on one thread (2-core machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

from trajlm.data.ingest import synth_store
from trajlm.data.store import load_stats
from trajlm.llm.plan import CannotAnswer, validate_plan
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.questions import Asker

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def _result(asker: Asker, plan):
    try:
        return asker.run(plan).result()
    except CannotAnswer as e:
        return f"refused: {e.reason}"


def evaluate(kind: str, store: Path, rows: list[dict], model, verbose: bool = False) -> dict:
    t0 = time.perf_counter()
    asker = Asker(store, planner=kind, model=model)
    load_s = time.perf_counter() - t0
    out = {"planner": kind, "load_s": load_s, "n": len(rows), "plan_ok": 0, "result_ok": 0,
           "crashes": 0, "refused_ok": 0, "n_refuse": 0, "seconds": [], "misses": []}  # fmt: skip
    for row in rows:
        want_plan = None if row.get("refuse") else validate_plan(row["plan"])
        out["n_refuse"] += want_plan is None
        t = time.perf_counter()
        try:
            got_plan = asker.plan(row["q"])
        except CannotAnswer as e:
            got_plan, why = None, e.reason
        except Exception as e:  # a crash: counted, reported, never hidden
            got_plan, why = None, f"CRASH {type(e).__name__}: {e}"
            out["crashes"] += 1
        out["seconds"].append(time.perf_counter() - t)
        if want_plan is None:
            ok_plan = ok_result = got_plan is None and not why.startswith("CRASH")
            out["refused_ok"] += ok_plan
        elif got_plan is None:
            ok_plan = ok_result = False
        else:
            ok_plan = got_plan.key() == want_plan.key()
            ok_result = ok_plan or _result(asker, got_plan) == _result(asker, want_plan)
        out["plan_ok"] += ok_plan
        out["result_ok"] += ok_result
        got = got_plan.key() if got_plan is not None else why
        if not ok_result:
            out["misses"].append({"q": row["q"], "got": got})
        if verbose:
            print(f"  {kind} {out['seconds'][-1]:.1f}s plan={ok_plan} result={ok_result} "
                  f"{row['q']!r} -> {got}", flush=True)  # fmt: skip
    s = out.pop("seconds")
    out["median_s"], out["max_s"] = statistics.median(s), max(s)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--planners", default="rules", help="comma list: rules,smollm2,smollm2-free")
    ap.add_argument("--sets", default="ask_eval.jsonl,ask_heldout.jsonl")
    ap.add_argument("--every", type=int, default=1, help="every N-th question (a spread subset)")
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    ap.add_argument("--verbose", action="store_true", help="one line per question")
    args = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "city"
        synth_store(store, n_trajectories=300, seed=0)
        torch.manual_seed(0)
        from trajlm.api import TrajLM

        cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, stats=load_stats(store).to_dict())
        model = TrajLM(TrajectoryModel(cfg))
        results = []
        for name in args.sets.split(","):
            rows = [json.loads(x) for x in (DATA / name).read_text().splitlines() if x.strip()]
            rows = rows[:: args.every]
            for kind in args.planners.split(","):
                r = evaluate(kind, store, rows, model, args.verbose) | {"set": name}
                results.append(r)
                print(f"| {name} | {kind} | {r['n']} | {r['plan_ok'] / r['n']:.1%} | "
                      f"{r['result_ok'] / r['n']:.1%} | {r['refused_ok']}/{r['n_refuse']} | "
                      f"{r['crashes']} | {r['load_s']:.1f} s | {r['median_s'] * 1000:.0f} ms | "
                      f"{r['max_s'] * 1000:.0f} ms |", flush=True)  # fmt: skip
                for m in r["misses"]:
                    print(f"    miss: {m['q']!r} -> {m['got']}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
