"""The candidate selector's out-of-fold answers on its own train windows (session 28, geogate28).

A head that post-processes the selector's answer (geowalk27's gate G: a learned shrink of the
selector's continuation) must be fitted on answers of the kind it will see at val / test time:
answers to windows the selector was NOT trained on. ``block_oof`` trains one selector per
time-ordered block of train trajectories (``walkers.time_blocks``) on the windows of the other
blocks and answers the held-out block's windows with it, so every train window gets an answer
from a selector that never saw its trajectory (nor its block). Early stopping reads the same val
windows as the full selector does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from trajlm.eval.candidate_selector import SelectorConfig, fit_selector, predict_selector
from trajlm.eval.candidates import CandidateSet


def subset(cs: CandidateSet, rows: np.ndarray) -> CandidateSet:
    """The candidate set's ``rows`` (a boolean mask or indices), every per-query field cut."""
    return replace(cs, cands=cs.cands[rows], cand_feats=cs.cand_feats[rows],
                   query_feats=cs.query_feats[rows], last=cs.last[rows], groups=cs.groups[rows],
                   source=cs.source[rows],
                   scale=None if cs.scale is None else cs.scale[rows])  # fmt: skip


def block_oof(train: CandidateSet, train_target: np.ndarray, blocks: np.ndarray,
              val: CandidateSet, val_target: np.ndarray, config: SelectorConfig | None = None,
              seed: int = 0, progress: Callable[[str], None] | None = None) -> np.ndarray:  # fmt: skip
    """(W, k, 2) absolute points: each train window answered by a selector fitted on the
    windows of every other block (``blocks`` (W,) int, one per window). A block holding every
    window (one block) has no out-of-fold answer: refused."""
    blocks = np.asarray(blocks)
    if len(blocks) != len(train.cands):
        raise ValueError(f"blocks: {len(blocks)} entries for {len(train.cands)} train windows")
    ids = np.unique(blocks)
    if len(ids) < 2:
        raise ValueError("out-of-fold answers need at least 2 blocks")
    out = np.zeros(train_target.shape, np.float64)
    for b in ids:
        held = blocks == b
        model, log = fit_selector(subset(train, ~held), train_target[~held], val, val_target,
                                  config, seed)  # fmt: skip
        out[held] = predict_selector(model, subset(train, held))
        if progress is not None:
            progress(f"block {b}: fitted on {int((~held).sum())} windows, answered {int(held.sum())} "
                     f"(val-window ADE {log['val_ade']:.1f} m, {log['train_s']:.0f} s)")  # fmt: skip
    return out
