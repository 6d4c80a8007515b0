"""Autoregressive rollout: each row continues from its own last real point.

Cached path (default):
    prefill   the right-padded history once; every layer's keys/values go to a preallocated
              KVCache (B, H_kv, T_hist + steps, D); take the hidden state at each row's last
              real point (index len_b - 1).
    step s    head -> normalized (dx, dy, dt) -> metres / seconds -> new absolute point;
              its features come from build_features on the 2-point window [previous, new]
              (the same code as training); it is written at cache slot len_b + s of its row
              with token index len_b + s and time t_new, and attends over the valid slots.
Slots len_b .. T_hist - 1 of a short row hold padding after prefill: the `valid` mask hides
them until the row's own new points overwrite them.

use_cache=False recomputes the full forward on the growing sequence every step (the
reference the cached path is tested against).

Asked times (``target_t``, a model built with ``time_query``): step s goes to time
target_t[:, s] instead of the model's own next time, and (dx, dy) are read at that time step.
"""

from __future__ import annotations

import torch

from trajlm.data.subsec_store import min_step_s
from trajlm.errors import TrajlmInputError
from trajlm.model.backtest import (
    backtest_gate,
    combine_gates,
    fallback_step,
    fast_rows,
    physics_spread,
    physics_step,
    rollout_backtest_gate,
    uses_one_step_backtest,
    widen_log_var,
)
from trajlm.model.cache import KVCache
from trajlm.model.choice import blend_constant_velocity, choice_weight
from trajlm.model.context import RolloutContext
from trajlm.model.embedding import DELTA, build_features
from trajlm.model.retrieval import RolloutBase
from trajlm.model.scale import RunningScale, history_gate
from trajlm.model.step_head import RecentSteps

MIN_DT_S = 1.0  # a predicted time step is never shorter than this (time must move forward;
# a model of a sub-second store: a quarter of its mean step, subsec_store.min_step_s)


@torch.inference_mode()
def generate(
    model: torch.nn.Module,  # a TrajectoryModel (not imported: it imports this module)
    batch: dict,
    steps: int,
    sample: bool = False,
    generator: torch.Generator | None = None,
    use_cache: bool = True,
    temperature: float = 1.0,
    target_t: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """Roll out `steps` new points per row.

    Returns pos (B, k, 2) metres and t (B, k) seconds since window start of the new points;
    pos_std (B, k, 2) metres and dt_std (B, k) seconds: the Gaussian head's standard
    deviation of the position / time after k steps, assuming independent step errors
    (sqrt of the cumulative step variance); NaN for the "mse" head, which has no variance.
    sample=True draws each step from the predicted Gaussian (std scaled by temperature)
    with `generator`; otherwise the mean is used. target_t (B, steps) seconds since window
    start, non-decreasing and after each row's last point: the times of the new points (needs
    a model built with ``time_query``); the returned t is then target_t.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if target_t is not None:
        if not model.config.time_query:
            raise ValueError("target_t needs a model built with time_query=True")
        if tuple(target_t.shape) != (batch["mask"].shape[0], steps):
            raise ValueError(f"target_t must be (B, steps={steps}), got {tuple(target_t.shape)}")
        target_t = target_t.float()
    if sample and model.config.head != "gaussian":
        raise ValueError("sample=True needs the 'gaussian' head (the 'mse' head has no variance)")
    mask = batch["mask"].bool()
    lengths = mask.sum(1)  # (B,)
    n_hist = int(lengths.max())  # the one host sync: sizes the cache
    if int(lengths.min()) < 1:
        raise ValueError("every row needs at least one real point to continue from")
    model.check_length(n_hist + steps - 1)  # the last predicted point is never fed back
    pos = batch["pos"][:, :n_hist].float()
    t = batch["t"][:, :n_hist].float()
    t0, mask = batch["t0"], mask[:, :n_hist]

    was_training = model.training
    model.eval()
    try:
        step_fn = cached_rollout if use_cache else _recompute_rollout
        if model.config.points_out > 1:  # one forward pass per output patch of new points
            step_fn = patch_rollout
        args = (pos, t, t0, mask, lengths, steps, sample, generator, temperature)
        if step_fn is patch_rollout:
            return to_output(model, *step_fn(model, *args))
        extra = rollout_backtest_gate(model, step_fn, pos, t, t0, mask, lengths)  # (B,) | None
        # the per-call choice between the rollout and constant velocity (session 23): a mean
        # rollout only (a sampled one is a draw from the model's own distribution)
        w = None if sample else choice_weight(model, step_fn, pos, t, t0, mask, lengths)
        out_pos, out_t, out_lv = step_fn(model, *args, target_t, extra_gate=extra)
        out_pos, out_t = blend_constant_velocity(pos, t, mask, lengths, out_pos, out_t, w,
                                                 min_step_s(model.embed.stats))  # fmt: skip
        return to_output(model, out_pos, out_t, out_lv)
    finally:
        model.train(was_training)


def with_fallback(last_step: torch.Tensor, fallback: torch.Tensor | None) -> torch.Tensor:
    """The base input (B, 3) plus the step the gates fall back to (B, 3) -> (B, 6), read by
    step_head as a window base's (base, own step) pair; None: the base input as it is. Only the
    first rollout step needs it: later the own last step is the fallback's own continuation."""
    return last_step if fallback is None else torch.cat([last_step, fallback], -1)


def _physics(model, feats, mask, last, gate):
    """(fast rows, physics spread, gate) for a history (backtest.py, session 16): fast rows
    roll out their own step (gate 0); the spread widens std where the gate fell back."""
    fast = fast_rows(model, feats, mask, last)
    if fast is None or gate is None:
        return None, None, gate
    gate = torch.where(fast, torch.zeros_like(gate), gate)
    return fast, physics_spread(model, feats, mask, last), gate


def _query(model, h, last_step, cur_t, target_t, s, scale=None, gate=None, cur_pos=None):
    """Step head at hidden states h (B, C): (mean, log_var) (B, 3), reading the asked time
    step to target_t[:, s] when times are given; scale / gate (B,): model/scale.py; cur_pos
    (B, 2) metres: the current point (step_target "absolute")."""
    if target_t is None:
        return model.predict_step(h, last_step, None, scale, gate, cur_pos)
    st = model.embed.stats
    dt_next = ((target_t[:, s] - cur_t) - st["dt_mean"]) / st["dt_scale"]  # (B,) normalized
    return model.predict_step(h, last_step, dt_next, scale, gate, cur_pos)


def next_point(model, mean, log_var, cur_pos, cur_t, sample, generator, temperature, at=None):
    """(B, 3) normalized step -> new absolute (B, 2) position and (B,) time (`at` when the
    time was asked)."""
    s = model.embed.stats
    delta = mean
    if sample:
        noise = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
        delta = mean + temperature * torch.exp(0.5 * log_var) * noise
    dxy = delta[:, :2] * s["dxy_scale"]  # (B, 2) metres
    dt = (delta[:, 2] * s["dt_scale"] + s["dt_mean"]).clamp_min(min_step_s(s))  # (B,) seconds
    return cur_pos + dxy, (cur_t + dt) if at is None else at


def cached_rollout(
    model, pos, t, t0, mask, lengths, steps, sample, generator, temperature, target_t=None,
    extra_gate=None, backtest=True,
):  # fmt: skip
    B, n_hist = mask.shape
    cfg, dev = model.config, pos.device
    rows = torch.arange(B, device=dev)
    dtype = next(model.parameters()).dtype
    if torch.is_autocast_enabled(dev.type):  # e.g. bf16 autocast on GPU: keys come out in bf16
        dtype = torch.get_autocast_dtype(dev.type)
    L = n_hist + steps
    caches = [KVCache(B, cfg.kv_heads, L, cfg.head_dim, dev, dtype, zero_from=n_hist)
              for _ in model.blocks]  # fmt: skip
    # Equal-length histories (the common batch): every row writes the same slot each step, so
    # the cache takes a slice copy, no row needs a mask and positions broadcast from (1, T).
    uniform = bool((lengths == n_hist).all())
    valid = None
    if not uniform:
        valid = torch.zeros(B, L, dtype=torch.bool, device=dev)  # (B, L) cache slots
        valid[:, :n_hist] = mask

    # Prefill: causal attention over the padded history, keys/values into slots 0..n_hist-1.
    feats = model.embed.features(pos, t, t0, mask)  # (B, n_hist, 9)
    index = torch.arange(L, device=dev)[None]  # (1, L) token index of each slot
    last = lengths - 1  # (B,) each row's last real point: the only state the rollout reads
    bt = backtest and uses_one_step_backtest(cfg)  # it reads every history point's state
    h = model.backbone(feats, None, index[:, :n_hist], t, None, True, caches, 0,
                       keep=None if bt else last)  # fmt: skip
    h_hist, h = (h, h[rows, last]) if bt else (None, h[:, 0])  # (B, C)
    cur_pos, cur_t = pos[rows, last], t[rows, last]  # (B, 2), (B,)
    recent = RecentSteps(model, feats, last)  # the base's window (ModelConfig.base_window)
    last_step = recent.base()  # (B, 3) the residual base's input
    retrieval = (
        RolloutBase(model, pos, lengths, steps) if cfg.residual_base == "retrieval" else None
    )
    two = torch.ones(B, 2, dtype=torch.bool, device=dev)
    context = RolloutContext(model, feats, last)
    gate = history_gate(model, feats, last)  # (B,) | None: fixed by the history
    if bt:
        gate = combine_gates(gate, backtest_gate(model, h_hist, feats, mask, last))
    gate = combine_gates(gate, extra_gate)  # a rollout backtest's (backtest_steps)
    fallback = fallback_step(model, feats, mask, last) if bt else None  # (B, 3) | None
    fast, spread, gate = _physics(model, feats, mask, last, gate)  # session 16 (movers)
    scaler = None
    if cfg.scale_invariant:  # the running step scale (model/scale.py)
        scaler = RunningScale(feats, last, cfg.max_step_norm, model.scale_floor)

    out_pos, out_t, out_lv = [], [], []
    for s in range(steps):
        if retrieval is not None:  # the retrieval base's step s (docs/retrieval.md)
            last_step = retrieval.step(s, last_step)
        scale = scaler.scale if scaler is not None else None
        query_step = with_fallback(last_step, fallback if s == 0 else None)
        mean, log_var = _query(model, h, query_step, cur_t, target_t, s, scale, gate, cur_pos)
        mean = physics_step(mean, last_step, fast)
        at = None if target_t is None else target_t[:, s]
        new_pos, new_t = next_point(
            model, mean, log_var, cur_pos, cur_t, sample, generator, temperature, at
        )
        out_pos.append(new_pos)
        out_t.append(new_t)
        out_lv.append(widen_log_var(model, log_var, spread, gate, s + 1))
        if s == steps - 1:
            break
        # Features of the new point from the window [previous, new]: same code as training.
        win_pos = torch.stack([cur_pos, new_pos], dim=1)  # (B, 2, 2)
        win_t = torch.stack([cur_t, new_t], dim=1)  # (B, 2)
        f = build_features(win_pos, win_t, t0, two, model.embed.stats)[:, 1:]  # (B, 1, 9)
        motion, dist = context.step(f)
        scale = scaler.step(f) if scaler is not None else None  # (B, 1)
        last_step = recent.push(f[:, 0, DELTA])
        if retrieval is not None:
            retrieval.push(new_pos)
        if uniform:  # slot n_hist + s for every row; every slot before it is valid
            slot = n_hist + s
            h = model.backbone(f, None, index[:, slot : slot + 1], new_t[:, None], None, False,
                               caches, slot, motion=motion, dist=dist, scale=scale)[:, 0]  # fmt: skip
        else:
            slot = (lengths + s)[:, None]  # (B, 1) this row's next free slot = its token index
            valid[rows, slot[:, 0]] = True
            attn_mask = valid[:, None, None, : n_hist + s + 1]  # (B, 1, 1, S) written slots
            h = model.backbone(f, None, slot, new_t[:, None], attn_mask, False, caches, slot,
                               motion=motion, dist=dist, scale=scale)[:, 0]  # fmt: skip
        cur_pos, cur_t = new_pos, new_t
    return out_pos, out_t, out_lv


def _recompute_rollout(
    model, pos, t, t0, mask, lengths, steps, sample, generator, temperature, target_t=None,
    extra_gate=None, backtest=True,
):  # fmt: skip
    B, n_hist = mask.shape
    L = n_hist + steps
    rows = torch.arange(B, device=pos.device)
    P = torch.zeros(B, L, 2, dtype=pos.dtype, device=pos.device)  # (B, L, 2)
    Tt = torch.zeros(B, L, dtype=t.dtype, device=t.device)  # (B, L)
    M = torch.zeros(B, L, dtype=torch.bool, device=mask.device)  # (B, L)
    P[:, :n_hist], Tt[:, :n_hist], M[:, :n_hist] = pos, t, mask
    feats0 = model.embed.features(pos, t, t0, mask)
    gate = history_gate(model, feats0, lengths - 1)
    gate = combine_gates(gate, extra_gate)  # a rollout backtest's (backtest_steps)
    fast = spread = None
    out_pos, out_t, out_lv = [], [], []
    retrieval = None
    if model.config.residual_base == "retrieval":
        retrieval = RolloutBase(model, pos, lengths, steps)
    for s in range(steps):
        n = n_hist + s
        out = model({"pos": P[:, :n], "t": Tt[:, :n], "t0": t0, "mask": M[:, :n]})
        last = lengths - 1 + s  # (B,) each row's newest point
        mean = out.pred[rows, last]  # (B, 3)
        log_var = out.log_var[rows, last] if out.log_var is not None else None
        if model.config.uses_step_query:  # forward asked the (unknown) next time: ask again
            feats = model.embed.features(P[:, :n], Tt[:, :n], t0, M[:, :n])
            fallback = None
            if s == 0 and backtest and uses_one_step_backtest(model.config):  # its own past
                gate = combine_gates(gate, backtest_gate(model, out.hidden, feats, M[:, :n], last))
                fallback = fallback_step(model, feats, M[:, :n], last)
            h, last_step = out.hidden[rows, last], model.velocity_steps(feats, M[:, :n])[rows, last]
            if retrieval is not None:
                last_step = retrieval.step(s, last_step)
            scale = model.step_scale(feats)[rows, last] if model.config.scale_invariant else None
            if s == 0:
                fast, spread, gate = _physics(model, feats0, mask, lengths - 1, gate)
            own_step = last_step
            last_step = with_fallback(last_step, fallback)
            mean, log_var = _query(model, h, last_step, Tt[rows, last], target_t, s, scale, gate)
            mean = physics_step(mean, own_step, fast)
        at = None if target_t is None else target_t[:, s]
        new_pos, new_t = next_point(
            model,
            mean,
            log_var,
            P[rows, last],
            Tt[rows, last],
            sample,
            generator,
            temperature,
            at,
        )
        out_pos.append(new_pos)
        out_t.append(new_t)
        out_lv.append(widen_log_var(model, log_var, spread, gate, s + 1))
        P[rows, last + 1], Tt[rows, last + 1], M[rows, last + 1] = new_pos, new_t, True
        if retrieval is not None:
            retrieval.push(new_pos)
    return out_pos, out_t, out_lv


def patch_rollout(
    model, pos, t, t0, mask, lengths, steps, sample, generator, temperature, patch=None
):
    """Rollout of a patched model: each forward pass yields the next q = points_out points
    (output j of the token ending at point i is the step of point i + 1 + j). The oldest
    lengths % patch points of a row are dropped so that it ends on a patch boundary, as in
    training, where the last patch of a prediction's context is always complete."""
    p = patch or model.config.patch_size
    q = model.config.points_out if patch is None else patch
    B, n_hist = mask.shape
    dev = pos.device
    rows = torch.arange(B, device=dev)
    drop = lengths % p  # (B,)
    n = lengths - drop  # (B,) history points kept
    if int(n.min()) < p:  # TrajlmInputError (a ValueError): 422 from the server, one CLI line
        short = int(torch.argmin(lengths))
        raise TrajlmInputError(
            f"this patched model (patch_size {p}) reads histories in patches of {p} points and "
            f"needs at least {p} history points per trajectory; row {short} has {int(lengths[short])}",
            hint=f"give each trajectory {p}+ points",
        )
    L = n_hist + -(-steps // q) * q
    ar = torch.arange(n_hist, device=dev)
    idx = (drop[:, None] + ar).clamp_max(n_hist - 1)  # (B, n_hist) source point of each slot
    keep = ar[None] < n[:, None]  # (B, n_hist)
    P = torch.zeros(B, L, 2, dtype=pos.dtype, device=dev)
    Tt = torch.zeros(B, L, dtype=t.dtype, device=dev)
    M = torch.zeros(B, L, dtype=torch.bool, device=dev)
    P[:, :n_hist] = torch.where(keep[..., None], pos[rows[:, None], idx], 0.0)
    Tt[:, :n_hist] = torch.where(keep, t[rows[:, None], idx], 0.0)
    M[:, :n_hist] = keep
    out_pos, out_t, out_lv = [], [], []
    for made in range(0, steps, q):
        cur = int(n.max()) + made
        out = model({"pos": P[:, :cur], "t": Tt[:, :cur], "t0": t0, "mask": M[:, :cur]})
        last = n + made - 1  # (B,) each row's newest point, the end of a patch
        tok = (n + made) // p - 1  # (B,) the token that ends at `last`
        cur_pos, cur_t = P[rows, last], Tt[rows, last]
        for j in range(q):
            i = tok * q + j  # (B,) the output whose prediction is point last + 1 + j
            log_var = out.log_var[rows, i] if out.log_var is not None else None
            cur_pos, cur_t = next_point(
                model, out.pred[rows, i], log_var, cur_pos, cur_t, sample, generator, temperature
            )
            P[rows, last + 1 + j], Tt[rows, last + 1 + j], M[rows, last + 1 + j] = (
                cur_pos,
                cur_t,
                True,
            )
            out_pos.append(cur_pos)
            out_t.append(cur_t)
            out_lv.append(log_var)
    return out_pos[:steps], out_t[:steps], out_lv[:steps]


def to_output(model, new_pos, new_t, log_vars) -> dict[str, torch.Tensor]:
    """Per-step lists -> the generate() dict (B, k, ...)."""
    out = {"pos": torch.stack(new_pos, 1), "t": torch.stack(new_t, 1)}  # (B, k, 2), (B, k)
    if log_vars[0] is None:
        out["dt_std"] = torch.full_like(out["t"], float("nan"))
        out["pos_std"] = torch.full_like(out["pos"], float("nan"))
        return out
    var = torch.exp(torch.stack(log_vars, 1)).cumsum(1)  # (B, k, 3) cumulative step variance
    s = model.embed.stats
    out["pos_std"] = var[..., :2].sqrt() * s["dxy_scale"]
    out["dt_std"] = var[..., 2].sqrt() * s["dt_scale"]
    return out
