"""Reprogrammed frozen MiniLM vs the from-scratch model on next-point prediction (one step).

    python scripts/reprogram_results.py STORE RUN [--steps 300] [--seed 0]

STORE: a store (e.g. Porto); RUN: a from-scratch run trained on it (``trajlm train``). Both
models see the same test windows: 33 points of one trip (32 steps) -> the next point; MAE in
metres. The reprogrammed model trains here on the store's train split (windows of 32 steps,
stride 8) for ``--steps`` AdamW steps; the run's training time is given with
``--scratch-train-s``. Prints a Markdown table (docs/llm.md). Torch on one thread.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl
import torch

from trajlm.api import TrajLM
from trajlm.data.features import LocalProjection
from trajlm.data.geometry import haversine
from trajlm.data.store import read_store
from trajlm.llm import weights
from trajlm.llm.reprogram import (
    ReprogrammedLM,
    anchor_embeddings,
    fit_next_step,
    next_step_windows,
    predict_next_m,
)

HISTORY = 32


def _scratch(run: Path, test: pl.DataFrame, starts: np.ndarray) -> tuple[np.ndarray, float]:
    """(N, 2) lat/lon predicted by the from-scratch run for each window, seconds per window."""
    model = TrajLM.from_pretrained(run, threads=1)
    idx = starts[:, None] + np.arange(HISTORY + 1)[None]  # the window's 33 points
    hist = pl.DataFrame({
        "traj_id": np.repeat(np.arange(len(starts)).astype(str), HISTORY + 1),
        "t": test["t"].to_numpy()[idx].ravel(),
        "lat": test["lat"].to_numpy()[idx].ravel(),
        "lon": test["lon"].to_numpy()[idx].ravel(),
    })  # fmt: skip
    t0 = time.perf_counter()
    pred = model.predict(hist, steps=1)
    sec = (time.perf_counter() - t0) / len(starts)
    pred = pred.with_columns(pl.col("traj_id").cast(pl.Int64)).sort("traj_id")
    return pred.select("lat", "lon").to_numpy(), sec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("run", type=Path)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--scratch-train-s", type=float, default=float("nan"),
                    help="the run's training wall time (e.g. from /usr/bin/time)")  # fmt: skip
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    cols = ["traj_id", "t", "lat", "lon"]
    train = read_store(args.store, split="train", columns=cols)
    test = read_store(args.store, split="test", columns=cols)
    proj = LocalProjection.fit(train)
    tr_steps, tr_target, _ = next_step_windows(train, proj, HISTORY, stride=8)
    te_steps, te_target, te_starts = next_step_windows(test, proj, HISTORY, stride=8)

    lm, tok = weights.load_minilm(), weights.minilm_tokenizer()
    model = ReprogrammedLM(lm, anchor_embeddings(lm, tok))
    t0 = time.perf_counter()
    losses = fit_next_step(model, tr_steps, tr_target, n_steps=args.steps, seed=args.seed)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred_m = predict_next_m(model, te_steps)
    rp_sec = (time.perf_counter() - t0) / len(te_steps)

    x, y = proj.forward(test["lat"].to_numpy(), test["lon"].to_numpy())
    last = te_starts + HISTORY  # index of the window's last point; truth is the next one
    truth_lat, truth_lon = test["lat"].to_numpy()[last + 1], test["lon"].to_numpy()[last + 1]

    def mae(dx: np.ndarray, dy: np.ndarray) -> float:
        lat, lon = proj.inverse(x[last] + dx, y[last] + dy)
        return float(haversine(lat, lon, truth_lat, truth_lon).mean())

    rp_mae = mae(pred_m[:, 0], pred_m[:, 1])
    cv_mae = mae(x[last] - x[last - 1], y[last] - y[last - 1])
    sc_pred, sc_sec = _scratch(args.run, test, te_starts)
    sc_mae = float(haversine(sc_pred[:, 0], sc_pred[:, 1], truth_lat, truth_lon).mean())
    scratch = TrajLM.from_pretrained(args.run).model
    sc_params = sum(p.numel() for p in scratch.parameters())
    sc_train_s = args.scratch_train_s
    total, trainable = model.n_params()
    rows = [
        ("constant velocity", cv_mae, 0, 0, 0.0, float("nan")),
        ("from-scratch trajlm (RUN)", sc_mae, sc_params, sc_params, sc_train_s, sc_sec),
        (f"reprogrammed MiniLM ({args.steps} steps)", rp_mae, total, trainable, train_s, rp_sec),
    ]
    print(f"test windows: {len(te_steps)} (train windows: {len(tr_steps)}); "
          f"final train loss {np.mean(losses[-20:]):.4f}")  # fmt: skip
    print("| model | next-point MAE (m) | total params | trainable params | training time | "
          "inference ms / trajectory |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, m, tot, trn, ts, sec in rows:
        print(f"| {name} | {m:.1f} | {tot:,} | {trn:,} | {ts:.0f} s | {sec * 1000:.2f} |")
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "n_test": len(te_steps)}, default=str))


if __name__ == "__main__":
    main()
