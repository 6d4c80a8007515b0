"""docs/anomalies.md, "What was tried": val AUROC (injected val, never test) of single pieces of
model evidence and of their min-p combinations, overall and per injected kind, mean over seeds.

    python scripts/anomaly_evidence.py --data STORE --out OUT --runs RUN0 RUN1 RUN2

Per seed s: anomalies injected into the val split with seed 100 + s (as scripts/anomaly_results.py).
Each piece of evidence is a per-trajectory score; a combination takes the smaller of the pieces'
p-values against the val split's normal trajectories (the ranking that the detector's min-p
recalibration keeps). Writes OUT/anomaly_evidence.md and .json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from trajlm.data.geometry import trajectory_offsets
from trajlm.data.store import read_store
from trajlm.eval.report import write_markdown_table
from trajlm.model import TrajectoryModel
from trajlm.reason.anomaly_baselines import RuleDetector
from trajlm.reason.anomaly_scores import dwell_scores, rollout_scores, segment_means, step_scores
from trajlm.reason.inject import KINDS, inject_anomalies

COMBOS = [
    ("rollout4/top3", "dwell(rollout4)"),
    ("rollout4/top3", "dwell(nll)"),
    ("rollout4/top3", "z2/max"),
    ("rollout4/top3", "rollout16/top3"),
    ("rollout4/top3", "z2/max", "dwell(rollout4)"),
    ("rollout4/top3", "z2seg3/max", "dwell(rollout4)"),
    ("nll/max", "dwell(rollout4)"),
    ("nll/max", "dwell(nll)"),
]


def _agg(v: np.ndarray, traj: np.ndarray, how: str) -> np.ndarray:
    d = pl.DataFrame({"tr": traj, "v": v}).with_columns(pl.col("v").fill_nan(None))
    g = d.group_by("tr", maintain_order=True)
    top = pl.col("v").drop_nulls().sort(descending=True).head(3).mean()
    r = g.agg(pl.col("v").max() if how == "max" else top)
    return r["v"].fill_null(-1e9).to_numpy()


def evidence(model, pts: pl.DataFrame, train: pl.DataFrame) -> dict[str, np.ndarray]:
    """Per-trajectory pieces of evidence (rows in traj_id order of the sorted `pts`)."""
    pts = pts.sort(["traj_id", "t"])
    start, length = trajectory_offsets(pts)
    traj = np.repeat(np.arange(len(start)), length)
    r4 = rollout_scores(model, pts, 24, 4, 512)
    r16 = rollout_scores(model, pts, 24, 16, 512)
    st = step_scores(model, pts, 48, 512)
    nll, z2 = (st[c].fill_null(np.nan).to_numpy() for c in ("nll", "z2"))
    ids = pts["traj_id"].unique(maintain_order=True).to_frame()
    rule = ids.join(RuleDetector().fit(train).score(pts), on="traj_id", how="left")
    return {
        "rollout4/top3": _agg(r4, traj, "top3"),
        "rollout16/top3": _agg(r16, traj, "top3"),
        "nll/max": _agg(nll, traj, "max"),
        "z2/max": _agg(z2, traj, "max"),
        "z2seg3/max": _agg(segment_means(np.nan_to_num(z2), start, length, 3), traj, "max"),
        "dwell(rollout4)": _agg(dwell_scores(r4, pts)[0], traj, "max"),
        "dwell(nll)": _agg(dwell_scores(nll, pts)[0], traj, "max"),
        "rule (not the model)": rule["score"].to_numpy(),
    }


def _p(ref: np.ndarray, s: np.ndarray) -> np.ndarray:
    ref = np.sort(ref)
    return (1.0 + len(ref) - np.searchsorted(ref, s, side="left")) / (1.0 + len(ref))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--runs", type=Path, nargs="+", required=True, help="one run per seed")
    ap.add_argument("--limit", type=int, default=None, help="trajectories per split (smoke)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    val = read_store(args.data, split="val").select("traj_id", "t", "lat", "lon")
    train = read_store(args.data, split="train").select("traj_id", "t", "lat", "lon")
    if args.limit:
        keep = val["traj_id"].unique().sort()[: args.limit].implode()
        val = val.filter(pl.col("traj_id").is_in(keep))
    auc: dict[str, list] = {}
    for seed, run in enumerate(args.runs):
        model = TrajectoryModel.from_pretrained(run).eval()
        pts, lab = inject_anomalies(val, seed=100 + seed)
        lab = lab.sort("traj_id")
        kind = lab["anomaly_type"].to_numpy()
        y = kind != "normal"
        ev = evidence(model, pts, train)
        for combo in COMBOS:
            p = np.minimum.reduce([_p(ev[c][~y], ev[c]) for c in combo])
            ev["min-p(" + ", ".join(combo) + ")"] = -p
        for name, s in ev.items():
            row = [roc_auc_score(y, s)]
            row += [roc_auc_score(y[(kind == k) | ~y], s[(kind == k) | ~y]) for k in KINDS]
            auc.setdefault(name, []).append(row)
    table = {k: np.asarray(v) for k, v in auc.items()}
    rows = [[name, f"{r[:, 0].mean():.3f} ± {r[:, 0].std():.3f}",
             *(f"{x:.3f}" for x in r[:, 1:].mean(0))] for name, r in table.items()]  # fmt: skip
    write_markdown_table(args.out / "anomaly_evidence.md", ["val evidence", "all", *KINDS], rows)
    doc = {"data": str(args.data), "runs": [str(r) for r in args.runs],
           "val_auroc": {k: v.tolist() for k, v in table.items()}}  # fmt: skip
    (args.out / "anomaly_evidence.json").write_text(json.dumps(doc, indent=2))
    return doc


if __name__ == "__main__":
    main()
