"""Zero-shot similarity of pretrained checkpoints (session 21; docs/pretraining.md "Session
21"): each checkpoint's own embedding (mean-pooled states, or the summary token's state for a
model built with one), NO fine-tune, against a random init of its architecture (seed 0), on one
split's halves / hard / clock-shifted hard queries (scripts/similarity_premise.py's tasks). A
diagnostic of what pretraining put into the embedding, not the premise's fine-tuned comparison.

    python scripts/premise21_zeroshot.py --data /tmp/stores/geolife --split val \
        --arm mean=/tmp/premise19/pre_c1/best --arm summary=/tmp/premise21/pre_s1/best
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from similarity_premise import N_POINTS, embedder_ranks, random_init, summary, tasks  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    from trajlm.data.store import read_store
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.embed import ModelEmbedder

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="store directory")
    ap.add_argument("--split", default="val", choices=["val", "test"])
    ap.add_argument("--arm", action="append", required=True, help="NAME=RUN/best (repeatable)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    ts = tasks(read_store(args.data, split=args.split))
    out = {}
    for spec in args.arm:
        name, _, run = spec.partition("=")
        if not run:
            raise SystemExit(f"--arm {spec!r}: expected NAME=RUN")
        for arm, model in ((name, TrajectoryModel.from_pretrained(run).eval()),
                           (f"{name} random init", random_init(run, 0))):  # fmt: skip
            emb = ModelEmbedder(model, n_points=N_POINTS)
            out[arm] = {t: summary(embedder_ranks(emb, task)) for t, task in ts.items()}
            print(arm, json.dumps(out[arm]), flush=True)


if __name__ == "__main__":
    main()
