"""Recovery premise on any split (issue 14; docs/pretraining.md "Session 20"): the task
fine-tunes of scripts/foundation_results.sh `recover` (scratch and pretrained, one run per
seed) scored on the VAL split first, then the test split once, with linear interpolation
beside them and a paired bootstrap CI (pretrained - scratch) over the trips of the
seed-averaged per-trip MAE (foundation_eval.py's score, which reads the test split only).

    python scripts/premise20_recover.py --data STORE --split val --out DIR/val.json \
        --scratch R/recover_scratch_porto --pretrained R/recover_pre_porto --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from foundation_eval import recovery_errors  # noqa: E402

from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.metrics import point_errors  # noqa: E402
from trajlm.data.protocol_tasks import make_recovery_task  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.recovery_baselines import LinearInterpolation  # noqa: E402

SETTINGS = ("random:0.5", "downsample:240")  # PROTOCOL task 2, as foundation_results.sh


def linear_errors(task, train) -> np.ndarray:
    """(N,) per-trip MAE of linear interpolation in time (the same trips as recovery_errors)."""
    proj = LocalProjection.fit(train)
    out = LinearInterpolation()._recover(task.t.astype(float), task.xy(proj), task.known,
                                         task.groups)  # fmt: skip
    lat, lon = proj.inverse(out[:, 0], out[:, 1])
    hidden = ~task.known
    err = point_errors(np.stack([lat, lon], -1)[hidden], task.latlon[hidden])
    g = task.groups[hidden]
    return np.bincount(g, err)[np.unique(g)] / np.bincount(g)[np.unique(g)]


def main(argv: list[str] | None = None) -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--split", choices=("val", "test"), required=True)
    ap.add_argument("--scratch", required=True, help="run prefix: PREFIX_sS/best per seed")
    ap.add_argument("--pretrained", required=True, help="run prefix: PREFIX_sS/best per seed")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--settings", nargs="+", default=list(SETTINGS))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    df, train = read_store(args.data, split=args.split), read_store(args.data, split="train")
    recs = []
    for setting in args.settings:
        mode, value = setting.split(":")
        kw = {"ratio": float(value)} if mode == "random" else {"interval_s": float(value)}
        task = make_recovery_task(df, mode=mode, seed=0, **kw)
        arms = {a: [recovery_errors(f"{p}_s{s}/best", task) for s in args.seeds]
                for a, p in (("scratch", args.scratch), ("pretrained", args.pretrained))}  # fmt: skip
        li = linear_errors(task, train)
        rec = {"split": args.split, "setting": setting, "n": len(li), "linear": float(li.mean())}
        for a, per in arms.items():
            m = np.array([e.mean() for e in per])
            rec[a] = {"per_seed": m.tolist(), "mean": float(m.mean()), "std": float(m.std(ddof=1))}
        a, b = np.mean(arms["pretrained"], 0), np.mean(arms["scratch"], 0)
        rec["pretrained_minus_scratch"] = ci = paired_bootstrap_ci(a, b)
        rec["pretrained_minus_linear"] = paired_bootstrap_ci(a, li)
        recs.append(rec)
        print(f"{args.split} {setting} (n={rec['n']}): linear {rec['linear']:.1f}, scratch "
              f"{rec['scratch']['mean']:.1f} ± {rec['scratch']['std']:.1f}, pretrained "
              f"{rec['pretrained']['mean']:.1f} ± {rec['pretrained']['std']:.1f}; pretrained - "
              f"scratch {ci['diff']:+.2f} (95% CI {ci['lo']:+.2f} to {ci['hi']:+.2f})", flush=True)  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(recs, indent=1, default=str))


if __name__ == "__main__":
    main()
