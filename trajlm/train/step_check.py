"""Before a next-point run trains: how many of the train split's steps its loss can use.

The causal loss drops every step with a normalized component beyond ``max_step_norm``
(``TrajectoryModel.forward``: "glitch" steps). The normalization is the model's
``NormStats``; a fine-tune keeps the pretrained model's time scale (``dt_mean``,
``dt_scale``: trajlm-small's are Porto's 14 +- 5 s), so on data sampled every 6 hours every
step is "a glitch", every target is masked and the loss is exactly 0 at every step: before
session 16 (movers2) the run then trained nothing, silently. ``check_next_point_steps``
refuses such a run in one line naming the component and what changes it, and warns when
most (not all) steps are dropped.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from trajlm.data.store_label import named
from trajlm.errors import TrajlmInputError

WARN_BELOW = 0.5  # usable share of the train steps under which a run is warned about
_NAMES = ("step east", "step north", "time step")


def usable_steps(model, data: str | Path, max_len: int, n_windows: int = 64) -> dict:
    """Counts over the first ``n_windows`` train windows of store ``data``: steps (both points
    real), usable (every normalized component within ``max_step_norm``), the number beyond the
    cap per component (dx, dy, dt) and the dropped steps' median dt (s) and length (m)."""
    from trajlm.data.loader import TrajectoryWindows, WindowConfig
    from trajlm.model.embedding import DELTA
    from trajlm.train.modes import core_model

    core = core_model(model)
    cap = float(core.config.max_step_norm)
    ds = TrajectoryWindows(data, "train", WindowConfig(max_len=max_len))
    n, ok, over = 0, 0, torch.zeros(3, dtype=torch.long)
    dts, lens = [], []
    with torch.no_grad():
        for i, w in enumerate(ds):
            if i >= n_windows:
                break
            pos, t, mask = w["pos"][None], w["t"][None], w["mask"][None].bool()
            feats = core.embed.features(pos, t, w["t0"][None], mask)
            y = feats[:, 1:, DELTA]
            real = mask[:, 1:] & mask[:, :-1]
            big = (y.abs() > cap) & real[..., None]
            n += int(real.sum())
            ok += int((real & ~big.any(-1)).sum())
            over += big.sum((0, 1))
            dropped = real & big.any(-1)  # the medians describe the dropped steps
            dts.append((t[:, 1:] - t[:, :-1])[dropped])
            lens.append((pos[:, 1:] - pos[:, :-1]).norm(dim=-1)[dropped])
    med = lambda x: float(torch.cat(x).median()) if n > ok else float("nan")  # noqa: E731
    return {"steps": n, "usable": ok, "over": over.tolist(), "cap": cap,
            "median_dt_s": med(dts), "median_step_m": med(lens)}  # fmt: skip


def _cause(c: dict, stats) -> str:
    """The component(s) beyond the cap, in words with the model's scales."""
    parts = []
    if c["over"][2]:
        limit = stats.dt_mean + c["cap"] * stats.dt_scale
        parts.append(f"time steps (median {c['median_dt_s']:,.0f} s) longer than the model's "
                     f"max_step_norm {c['cap']:g} x dt_scale allows ({limit:,.0f} s)")  # fmt: skip
    if c["over"][0] or c["over"][1]:
        limit = c["cap"] * stats.dxy_scale
        parts.append(f"steps (median {c['median_step_m']:,.0f} m) longer than the model's "
                     f"max_step_norm {c['cap']:g} x dxy_scale allows ({limit:,.0f} m)")  # fmt: skip
    return " and ".join(parts)


def check_next_point_steps(model, data: str | Path, max_len: int, n_windows: int = 64) -> dict:
    """Refuse (TrajlmInputError) a next-point run whose loss could use none of the train
    split's steps; warn (one line) when fewer than WARN_BELOW of them. Returns the counts."""
    from trajlm.train.modes import core_model

    c = usable_steps(model, data, max_len, n_windows)
    if not c["steps"]:
        return c  # no windows: the engine's own error says so
    share = c["usable"] / c["steps"]
    if share >= WARN_BELOW:
        return c
    from trajlm.data.store import load_stats

    stats = core_model(model).stats
    cause = _cause(c, stats)
    own = load_stats(data)  # a model whose scales are not the store's: a fine-tune
    keys = (("dt_scale",) if c["over"][2] else ()) + (("dxy_scale",) if c["over"][0] or
                                                       c["over"][1] else ())  # fmt: skip
    fine_tune = any(abs(getattr(own, k) - getattr(stats, k)) > 1e-6 * getattr(own, k) for k in keys)
    fix = (
        "train a model on this store instead (`trajlm train`, or finetune_next_point(None, "
        "...)): its scales are fit on the store"
        if fine_tune
        else "raise ModelConfig.max_step_norm, or check the store for unit errors"
    )
    if c["usable"] == 0:
        raise TrajlmInputError(
            f"{named(data)}: every train step is beyond what the model's loss uses: {cause}; "
            f"the loss would be 0 and nothing trained",
            hint=fix,
        )
    warnings.warn(f"{named(data)}: only {share:.0%} of the train steps are used by the loss: "
                  f"{cause}; {fix}", stacklevel=3)  # fmt: skip
    return c
