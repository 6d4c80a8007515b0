"""Recovery fine-tunes, both arms, on one split: the loss terms and the MAE against the
interpolation the heads start from (issue 14, docs/pretraining.md "Session 9b").

    python scripts/recovery_diag.py --data /tmp/stores/porto --split val \
        --scratch runs/f6k/recover_scratch_porto_s{0,1,2}/best \
        --pretrained runs/f6k/recover_pre_porto_s{0,1,2}/best

Per run: the engine's ``val_loss`` (next-point NLL of the causal head), the recovery mix's own
loss (``MaskedMix.eval_loss``, masks of ``step_generator(0, i)``), and on fixed random-50 %
masks its MSE (dxy_scale units) and variance (NLL) parts; then per setting (random 50 %,
every 240 s) the per-trip MAE (m) of every seed, of the same model with its (dx, dy) offset
zeroed (= linear interpolation in time, the anchor), and paired bootstrap 95 % CIs
(``trajlm.eval.compare.paired_bootstrap_ci``) of each arm minus interpolation and of
pretrained minus scratch, on the seed-averaged per-trip errors.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from torch.utils.data import DataLoader

from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.data.metrics import point_errors
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.model import TrajectoryModel
from trajlm.objectives import masking as mk
from trajlm.objectives.anchors import anchor_gap_of, anchor_kind_of, road_inputs_of
from trajlm.objectives.infill import anchor_inputs_of, build_infill, infill_loss
from trajlm.objectives.loss import infill_forward
from trajlm.tasks.recover import ModelRecoverer
from trajlm.train.objectives import MaskedMix, ObjectiveMix


@torch.no_grad()
def loss_terms(model: TrajectoryModel, batches: list[dict]) -> dict[str, float]:
    """Next-point loss, recovery-mix loss, and the random-50 % MSE / NLL parts."""
    mse, nll = [], []
    for i, b in enumerate(batches):
        g = torch.Generator().manual_seed(i)
        dm = mk.random_points(b["mask"].bool(), 0.5, g, domains="space")
        ib = build_infill(b, dm, model.embed.stats, spans=False,
                          anchor_inputs=anchor_inputs_of(model), edge_buckets=road_inputs_of(model),
                          anchor_kind=anchor_kind_of(model), anchor_gap_s=anchor_gap_of(model))  # fmt: skip
        _, parts = infill_loss(model, ib)
        o = infill_forward(model, ib)
        e = float((o.infill_mean - ib.infill_y).square()[ib.infill_valid].mean())
        mse.append(e)
        nll.append(float(parts["own"]) - e)  # own = MSE + the variance's NLL
    mix = MaskedMix(ObjectiveMix.for_task("recover"))
    return {"next_point": float(np.mean([float(model(b).loss) for b in batches])),
            "recovery_mix": mix.eval_loss(model, batches),
            "r50_mse": float(np.mean(mse)), "r50_nll": float(np.mean(nll))}  # fmt: skip


def per_trip(model: TrajectoryModel, task) -> np.ndarray:
    hidden = ~task.known
    err = point_errors(ModelRecoverer(model).recover(task)[hidden], task.latlon[hidden])
    g = task.groups[hidden]
    u = np.unique(g)
    return np.bincount(g, err)[u] / np.bincount(g)[u]


def interpolation(model: TrajectoryModel) -> TrajectoryModel:
    """The model with its in-place (dx, dy) offset zeroed: recovery = its anchor."""
    with torch.no_grad():
        head = model.infill_head.mean
        head.weight[:2] = 0
        if head.bias is not None:
            head.bias[:2] = 0
    return model


def _ci(a: np.ndarray, b: np.ndarray) -> str:
    d = paired_bootstrap_ci(a, b)
    return f"{d['diff']:+.2f} ({d['lo']:+.2f} to {d['hi']:+.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--split", default="val")
    ap.add_argument("--scratch", nargs="+", required=True)
    ap.add_argument("--pretrained", nargs="+", required=True)
    ap.add_argument("--batches", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(1)
    arms = {"scratch": a.scratch, "pretrained": a.pretrained}
    ds = TrajectoryWindows(a.data, a.split, WindowConfig(max_len=64, seed=0))
    batches = [b for _, b in zip(range(a.batches), DataLoader(ds, batch_size=32), strict=False)]
    for arm, runs in arms.items():
        for run in runs:
            terms = loss_terms(TrajectoryModel.from_pretrained(run).eval(), batches)
            print(arm, run, {k: round(v, 4) for k, v in terms.items()}, flush=True)
    df = read_store(a.data, split=a.split)
    for mode, kw in (("random", {"ratio": 0.5}), ("downsample", {"interval_s": 240.0})):
        task = make_recovery_task(df, mode=mode, seed=0, **kw)
        mean = {}
        for arm, runs in arms.items():
            full = [per_trip(TrajectoryModel.from_pretrained(r).eval(), task) for r in runs]
            zero = per_trip(interpolation(TrajectoryModel.from_pretrained(runs[0]).eval()), task)
            mean[arm], mean["interpolation"] = np.mean(full, 0), zero
            print(f"{a.split} {mode}: {arm} per seed {[round(float(f.mean()), 2) for f in full]}; "
                  f"interpolation {zero.mean():.2f}; {arm} - interpolation "
                  f"{_ci(mean[arm], zero)}", flush=True)  # fmt: skip
        print(f"{a.split} {mode}: pretrained - scratch "
              f"{_ci(mean['pretrained'], mean['scratch'])}")  # fmt: skip


if __name__ == "__main__":
    main()
