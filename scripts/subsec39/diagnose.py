"""subsec39 diagnosis: where a trained run's next-point loss and its gradient go, per channel.

For a run of `trajlm train` on a store: the Gaussian head's NLL split into dx / dy / dt on
train windows, the mean predicted log-variance per channel, and the gradient norm of the
trunk from each channel's NLL alone (what grad_clip = 1 scales together).
    python scripts/subsec39/diagnose.py STORE RUN [RUN ...]
"""

from __future__ import annotations

import sys

import torch
from torch.utils.data import DataLoader

from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.model.embedding import DELTA
from trajlm.model.transformer import TrajectoryModel


def channel_report(store: str, run: str, weights: str, batches: int = 8) -> None:
    model = TrajectoryModel.from_pretrained(run, weights=weights)
    model.train(False)
    ds = TrajectoryWindows(store, "train", WindowConfig(max_len=48, seed=0))
    params = [p for n, p in model.named_parameters() if "head" not in n and p.requires_grad]
    nll_sum = torch.zeros(3)
    lv_sum = torch.zeros(3)
    g2 = torch.zeros(3)
    n = 0
    for i, batch in enumerate(DataLoader(ds, batch_size=32)):
        if i >= batches:
            break
        out = model(batch)
        feats = model.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
        y, p, lv = feats[:, 1:, DELTA], out.pred[:, :-1], out.log_var[:, :-1]
        valid = batch["mask"][:, 1:] & batch["mask"][:, :-1]
        nll = 0.5 * (lv + (y - p).square() / lv.exp())  # (B, T-1, 3)
        per = torch.where(valid[..., None], nll, 0.0).sum((0, 1)) / valid.sum()
        for c in range(3):
            grads = torch.autograd.grad(per[c], params, retain_graph=True, allow_unused=True)
            g2[c] += sum(float(g.square().sum()) for g in grads if g is not None)
        nll_sum += per.detach()
        lv_sum += torch.where(valid[..., None], lv, 0.0).sum((0, 1)).detach() / valid.sum()
        n += 1
    f = lambda v: " ".join(f"{x:8.3f}" for x in v.tolist())  # noqa: E731
    print(f"{run} [{weights}]: NLL dx dy dt {f(nll_sum / n)} | log_var {f(lv_sum / n)}"
          f" | trunk grad norm {f((g2 / n).sqrt())}")  # fmt: skip


if __name__ == "__main__":
    store, runs = sys.argv[1], sys.argv[2:]
    for r in runs:
        for w in ("best", "last"):
            channel_report(store, r, w)
