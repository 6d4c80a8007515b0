"""Pictures for docs/results.md: learning curves of every run and test predictions vs truth.

Usage: python scripts/plot_results.py OUT   (OUT holds store/ and run-s*/ from results.sh)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

from trajlm.data.store import read_store  # noqa: E402
from trajlm.model import TrajectoryModel  # noqa: E402
from trajlm.tasks.predict import predict_table  # noqa: E402
from trajlm.viz import plot_predictions  # noqa: E402


def learning_curves(out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    for run in sorted(out.glob("run-s*")):
        recs = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines() if x]
        train = [(r["step"], r["loss"]) for r in recs if "loss" in r]
        val = [(r["step"], r["val_loss"]) for r in recs if r.get("val_loss") is not None]
        (line,) = ax.plot(*zip(*train, strict=True), lw=0.6, alpha=0.5, label=f"{run.name} train")
        ax.plot(*zip(*val, strict=True), "o-", color=line.get_color(), label=f"{run.name} val")
    ax.set_xlabel("step")
    ax.set_ylabel("Gaussian NLL (normalized units)")
    ax.legend(fontsize=7)
    ax.set_title(f"learning curves: {out.name}")
    path = out / "learning_curve.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def test_predictions(out: Path, n: int = 6, k: int = 5) -> Path:
    df = read_store(out / "store", split="test").drop("split")
    ids = df.group_by("traj_id").len().filter(pl.col("len") >= 25)["traj_id"].sort().head(n)
    df = df.filter(pl.col("traj_id").is_in(ids.implode()))
    rank = pl.int_range(pl.len()).over("traj_id")
    hist, truth = df.filter(rank < 20), df.filter((rank >= 20) & (rank < 20 + k))
    model = TrajectoryModel.from_pretrained(out / "run-s0" / "best").eval()
    return plot_predictions(hist, predict_table(model, hist, k), out / "predictions.png", truth)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    print(learning_curves(out))
    print(test_predictions(out))
