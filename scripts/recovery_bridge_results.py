"""Recovery with a causal checkpoint (trajlm-small) through the bidirectional bridge
(trajlm/tasks/recover_bridge.py), beside Akima and linear interpolation (docs/recovery.md,
"Session 12").

The harness's recovery tasks (scripts/recovery_results.py `settings`): random 50 % over mask
seeds 0-2 and every --intervals seconds, on --split of each store. The bridge itself is
deterministic (eval mode); the randomness is the mask seed. Per arm: MAE (m) per mask seed,
the paired bootstrap 95 % CI (2,000 resamples of trajectories; the per-point error averaged
over mask seeds is NOT possible as masks differ, so points of all seeds are pooled, a
trajectory of seed s being its own resampling unit) of the difference to Akima and linear.

    PYTHONPATH=. python scripts/recovery_bridge_results.py --split val \\
        --data /tmp/stores/porto /tmp/stores/geolife --out /tmp/recbridge/val \\
        [--arms blend bridge bridge+guard] [--model trajlm-small] [--limit N]

Writes OUT/bridge_<split>.md and .json. One thread.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/recovery_results.py
from recovery_results import Metres, settings, traj_bootstrap  # noqa: E402

from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.baselines import CubicSplineInterpolation, LinearInterpolation  # noqa: E402
from trajlm.eval.metrics import point_errors  # noqa: E402
from trajlm.model.transformer import TrajectoryModel  # noqa: E402
from trajlm.tasks import recover_bridge  # noqa: E402
from trajlm.tasks.recover_bridge import BridgeRecoverer  # noqa: E402


def arms(model, names: list[str]) -> dict:
    """name -> a harness recoverer: "<blend>[@<history>][+guard[<p>][:<fallback>][:ne<g>]]"
    (p default 8; fallback best | akima | linear; ne: the gate without evidence, default 1;
    "nepool": the gate pooled over the call's scored points, Session 14; "shrink<k>": each
    trajectory's ratio shrunk toward the pooled one by n / (n + k), Session 15; "shrink<k>down":
    only ever lowering the gate, "shrink<k>logmean": toward the trajectories' geometric mean),
    e.g. "bridge", "blend", "bridge@akima+guard", "bridge+guard32:akima:ne0", "bridge+guard:nepool",
    "bridge+guard:nepool:shrink4"."""
    out = {}
    for a in names:
        head, _, guard = a.partition("+")
        blend, _, hist = head.partition("@")
        guard, *opts = guard.split(":")
        p = float(guard.removeprefix("guard") or 8.0) if guard else 0.0
        kw = {"fallback": "best", "no_evidence": 1.0}
        for o in opts:
            if o == "nepool":
                kw["no_evidence_rule"] = "pooled"
            elif o.startswith("shrink"):  # shrink<k>[down|logmean]
                k = o.removeprefix("shrink")
                rule = k.lstrip("0123456789.")
                kw["shrink_k"] = float(k[: len(k) - len(rule)])
                kw["shrink_rule"] = rule or "pool"
            elif o.startswith("ne"):
                kw["no_evidence"] = float(o[2:])
            else:
                kw["fallback"] = o
        out[a] = BridgeRecoverer(model, blend=blend, guard_power=p, name=a,
                                 history=hist or "known", **kw)  # fmt: skip
    return out


def memoise_bridge() -> None:
    """Arms that differ only in the guard's rule share their bridge rollouts (the bridge is
    deterministic in eval mode): recover_bridge.bridge_xy answers a repeated call from a cache
    (outputs identical; the "s" column then shows the first arm paying for the rest)."""
    cache: dict = {}
    orig = recover_bridge.bridge_xy

    def cached(model, xy, t, known, groups, projection, blend="bridge", history="known"):
        arrs = (xy, t, known, groups)
        key = (id(model), blend, history, projection.lat0, projection.lon0,
               *(hashlib.blake2b(np.ascontiguousarray(a).tobytes()).digest() for a in arrs))  # fmt: skip
        if key not in cache:
            cache[key] = orig(model, xy, t, known, groups, projection, blend, history)
        return cache[key].copy()

    recover_bridge.bridge_xy = cached


def errors_per_task(method, tasks) -> list[np.ndarray]:
    """Per task: errors (m) of its hidden points."""
    out = []
    for task in tasks:
        hidden = ~task.known
        out.append(point_errors(np.asarray(method.recover(task))[hidden], task.latlon[hidden]))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, nargs="+", default=[Path("/tmp/stores/porto")])
    ap.add_argument("--out", type=Path, default=Path("/tmp/recbridge/val"))
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--arms", nargs="+", default=["blend", "bridge", "bridge+guard"])
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--intervals", type=float, nargs="+", default=[240.0])
    ap.add_argument("--limit", type=int, default=0, help="first N trajectories (smoke runs)")
    ap.add_argument("--ref", default=None, help="one more paired CI column: vs this arm")
    ap.add_argument("--memo", action="store_true", help="arms share bridge rollouts (cache)")
    args = ap.parse_args(argv)
    if args.memo:
        memoise_bridge()
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    model = TrajectoryModel.from_pretrained(args.model).eval()
    result = {"split": args.split, "model": args.model, "rows": []}
    refs = ("akima", "linear") + ((args.ref,) if args.ref else ())
    extra = f" vs {args.ref}, 95 % CI (m) |" if args.ref else ""
    lines = [f"Recovery with {args.model} (bridge) on the {args.split} split", "",
             "| data | setting | method | MAE (m), per mask seed | vs Akima, 95 % CI (m) | "
             f"vs linear, 95 % CI (m) |{extra} s |",
             "|---|---|---|---|---|---|---|" + ("---|" if args.ref else "")]  # fmt: skip
    for store in args.data:
        proj = LocalProjection.fit(read_store(store, split="train"))
        df = read_store(store, split=args.split)
        if args.limit:
            keep = df["traj_id"].unique(maintain_order=True)[: args.limit]
            df = df.filter(df["traj_id"].is_in(keep.implode()))
        base = {"akima": Metres(CubicSplineInterpolation("akima"), proj),
                "linear": Metres(LinearInterpolation(), proj)}  # fmt: skip
        methods = {**base, **arms(model, args.arms)}
        for name, tasks in settings(df, args.mask_seeds, args.intervals).items():
            # a trajectory of mask seed s is its own unit: offset the group numbers per task
            off = np.cumsum([0] + [int(t.groups.max()) + 1 for t in tasks])
            groups = np.concatenate(
                [t.groups[~t.known] + o for t, o in zip(tasks, off[:-1], strict=True)]
            )
            errs, secs = {}, {}
            for m, rec in methods.items():
                t0 = time.perf_counter()
                errs[m] = errors_per_task(rec, tasks)
                secs[m] = time.perf_counter() - t0
                print(f"{store.name} {name} {m}: {np.concatenate(errs[m]).mean():.2f} m "
                      f"({secs[m]:.0f} s)", flush=True)  # fmt: skip
            for m, e in errs.items():
                flat = np.concatenate(e)
                per = [float(x.mean()) for x in e]
                row = {"data": store.name, "setting": name, "method": m, "mae_m": float(flat.mean()),
                       "mae_m_per_seed": per, "n_points": int(len(flat)), "seconds": secs[m]}  # fmt: skip
                cis = []
                for b in refs:
                    if m == b:
                        cis.append("-")
                        continue
                    ci = traj_bootstrap(flat, np.concatenate(errs[b]), groups)
                    row[f"vs_{b}"] = ci
                    cis.append(f"{ci['diff']:+.2f} [{ci['lo']:+.2f}, {ci['hi']:+.2f}] "
                               f"({ci['rel']:+.1%})")  # fmt: skip
                result["rows"].append(row)
                seeds = ", ".join(f"{x:.2f}" for x in per)
                cols = " | ".join(cis)
                lines.append(f"| {store.name} | {name} | {m} | {flat.mean():.2f} ({seeds}) | "
                             f"{cols} | {secs[m]:.0f} |")  # fmt: skip
    md = "\n".join(lines) + "\n"
    (args.out / f"bridge_{args.split}.md").write_text(md)
    (args.out / f"bridge_{args.split}.json").write_text(json.dumps(result, indent=1))
    print(md)


if __name__ == "__main__":
    main()
