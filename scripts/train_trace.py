"""A step-by-step trace of a short training run, to check that two code versions train alike.

Trains a TOML config (e.g. configs/multitask.toml) for a few steps with a log line per step and
writes OUT/trace.json: every step's loss and gradient norm, each val evaluation, and a hash of
the final weights. Only `Trainer(data, run, ModelConfig, TrainConfig).fit()` is used, so the
same script runs on an older checkout too (PYTHONPATH=that tree). `--compare A B` prints the
first step where two traces differ (exit 1) or that they are bit-identical (exit 0):

    git worktree add --detach /tmp/old 0befe47
    PYTHONPATH=/tmp/old python scripts/train_trace.py --data STORE --config configs/multitask.toml \
        --steps 50 --eval-every 50 --out /tmp/trace-old
    PYTHONPATH=.        python scripts/train_trace.py ... --out /tmp/trace-new
    python scripts/train_trace.py --compare /tmp/trace-old /tmp/trace-new

The lr schedule is the config's with max_steps = `--schedule-steps` (default: the config's), so
a short trace follows the first steps of the full run exactly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from pathlib import Path

# "val_ade_m" is left out of the exact comparison: the rollout was reorganised (KV cache, last
# block on one token) and differs in the 9th digit; --compare reports its largest relative gap.
EXACT = ("loss", "grad_norm", "objective", "val_loss")


def run(args: argparse.Namespace) -> dict:
    import torch

    torch.set_num_threads(1)
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    cfg = tomllib.loads(Path(args.config).read_text())
    train = dict(cfg.get("train", {}))
    schedule = args.schedule_steps or train.get("max_steps", args.steps)
    train.update(max_steps=schedule, eval_every=args.eval_every, save_every=10**9, log_every=1,
                 progress=False, seed=args.seed, cpu_threads=1)  # fmt: skip
    trainer = Trainer(args.data, args.out, ModelConfig.from_dict(cfg.get("model", {})),
                      TrainConfig.from_dict(train))  # fmt: skip
    batches = trainer._train_batches  # stop after args.steps batches, in any version
    trainer._train_batches = lambda: (b for b, _ in zip(batches(), range(args.steps), strict=False))
    try:
        trainer.fit()
    except (RuntimeError, StopIteration):  # the stream ran dry on purpose
        pass
    model = getattr(trainer, "_raw_model", lambda: trainer.model)()
    digest = hashlib.sha256()
    for name, value in sorted(model.state_dict().items()):
        digest.update(name.encode() + value.detach().cpu().contiguous().numpy().tobytes())
    records = [json.loads(x) for x in (Path(args.out) / "metrics.jsonl").read_text().splitlines()]
    trace = {"trajlm": str(Path(sys.modules["trajlm"].__file__).parent), "steps": trainer.step,
             "weights_sha256": digest.hexdigest(), "records": records}  # fmt: skip
    (Path(args.out) / "trace.json").write_text(json.dumps(trace, indent=1))
    return trace


def compare(a: dict, b: dict) -> tuple[bool, str]:
    """(identical, one line saying where they first differ or that they do not)."""
    ra, rb = a["records"], b["records"]
    ade_gap = 0.0
    for x, y in zip(ra, rb, strict=False):
        if x.get("step") != y.get("step"):
            return False, f"record order differs: step {x.get('step')} vs {y.get('step')}"
        for key in EXACT:
            if key in x and key in y and x[key] != y[key]:
                return False, f"step {x['step']}: {key} {x[key]!r} vs {y[key]!r}"
        if x.get("val_ade_m") is not None and y.get("val_ade_m") is not None:
            gap = abs(x["val_ade_m"] - y["val_ade_m"]) / abs(x["val_ade_m"])
            ade_gap = max(ade_gap, gap)
    if a["steps"] != b["steps"] or len(ra) != len(rb):
        return False, f"lengths differ: {a['steps']} vs {b['steps']} steps"
    if a["weights_sha256"] != b["weights_sha256"]:
        return False, f"every logged number equal, final weights differ after {a['steps']} steps"
    return True, (f"bit-identical over {a['steps']} steps (loss, grad norm, objective, val loss, "
                  f"final weights); val_ade_m within {ade_gap:.1e} relative")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="Store directory.")
    ap.add_argument("--config", help="TOML with [model] and [train].")
    ap.add_argument("--out", type=Path, help="Output run directory (new).")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--eval-every", type=int, default=0, help="Val evaluation every N steps.")
    ap.add_argument("--schedule-steps", type=int, default=0, help="max_steps of the lr schedule.")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="Two trace dirs.")
    args = ap.parse_args(argv)
    if args.compare:
        a, b = (json.loads((d / "trace.json").read_text()) for d in args.compare)
        same, line = compare(a, b)
        print(line)
        return 0 if same else 1
    if not (args.data and args.config and args.out):
        ap.error("--data, --config and --out are required (or --compare A B)")
    trace = run(args)
    print(f"{trace['steps']} steps, weights {trace['weights_sha256'][:16]} ({trace['trajlm']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
