"""Fixes under a second apart through ``TrajLM.predict`` (session 18, subsec18): 10 Hz drones,
2-5 Hz phones, 0.5 s vehicles.

Canonical ``t`` is whole seconds: ``coerce`` keeps the earliest fix of each second and hands the
others back in ``Layout.sub_second_rows`` (trajlm/data/coerce_subsec.py). The model still reads
about one fix a second, but here counted back from the trajectory's exact *last* fix (not the
earliest of each second), so that

- ``seconds_ahead`` counts from the last fix given (it counted from the last kept one, up to
  0.9 s earlier: 10 Hz, last fix 2.95 s, ``seconds_ahead=[0.75]`` was answered at 2.80 s);
- ``steps`` on a trajectory sampled faster than once a second answers at its own cadence, its
  last fix + k x its median interval (a 10 Hz drone's steps are 0.1 s apart), as the server
  does (docs/serve.md, Session 18): positions on the model's rollout at those times. Before,
  step 1 came 0.1 s after the last fix and the others a second apart.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.api_glitch import glitched_last, without_glitched_last
from trajlm.api_rollout import at_times_with_motion, exact_times, history_interval
from trajlm.data.coerce_subsec import FRAC, FRAC_NS

# Fixes closer than this to the one kept after them are left out of the model's history (the
# model's time resolution is 1 s); the tolerance absorbs float rounding of 0.1 s steps.
MIN_GAP_S = 1.0 - 1e-6


# the start of coerce's line about the fixes it set aside for sharing a second (coerce_subsec)
SUB_SECOND_DROPPED = r".*less than a second after another of the same trajectory dropped"


def sub_second_read_line(layout, model_step_s: float) -> str | None:
    """What ``TrajLM.predict`` says instead of coerce's "dropped" line when its model was
    trained on a sub-second store (subsec38): every fix is read at its exact time."""
    rows = layout.sub_second_rows
    if rows is None or not len(rows):
        return None
    return (
        f"{len(rows):,} fix(es) under a second after another of their trajectory: this model "
        f"was trained at {model_step_s:g}-s steps and reads every fix at its exact time (as "
        "does its val verdict's engine, where it answers)"
    )


def all_fixes(df: pl.DataFrame, layout) -> pl.DataFrame:
    """``df`` (canonical: kept fixes, whole seconds) with the input's sub-second part on ``t``
    (Float64) and the fixes ``coerce`` dropped for sharing a second put back (their own
    columns, exact times): every fix given, sorted by (traj_id, t). Without dropped fixes:
    ``exact_times(df, layout.frac)`` (``df`` itself for whole-second input)."""
    df = exact_times(df, layout.frac)
    rows = layout.sub_second_rows
    if rows is None or not len(rows) or df.height == 0:
        return df
    back = rows.with_columns(t=pl.col("t").cast(pl.Float64) + pl.col(FRAC).cast(pl.Float64))
    back = back.drop(FRAC, FRAC_NS, strict=False).filter(
        pl.col("traj_id").is_in(df["traj_id"].unique().implode())
    )
    both = pl.concat([df, back.select(df.columns)], how="vertical_relaxed")
    return both.sort("traj_id", "t", maintain_order=True)


def one_a_second(df: pl.DataFrame, ids: pl.Series | None = None) -> pl.DataFrame:
    """Of each trajectory with fixes under a second apart (``df`` sorted by traj_id, exact
    float ``t``; only those in ``ids`` when given): its last fix and, walking back, every fix
    at least a second before the one kept after it. Others are kept whole; a table without
    such fixes comes back as it is."""
    if df.height < 2 or not df.schema["t"].is_float():
        return df
    t = df["t"].to_numpy()
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
    close = np.r_[False, (np.diff(t) < MIN_GAP_S) & (g[1:] == g[:-1])]
    if ids is not None:
        close &= df["traj_id"].is_in(ids.implode()).to_numpy()
    if not close.any():
        return df
    bounds = np.flatnonzero(np.r_[True, g[1:] != g[:-1], True])
    keep = np.ones(df.height, bool)
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if not close[a + 1 : b].any():
            continue
        keep[a:b] = False
        tt, j = t[a:b].astype(np.float64), b - a - 1
        before = np.searchsorted(tt, tt - MIN_GAP_S, side="right") - 1  # one call (badin35)
        while j >= 0:
            keep[a + j] = True
            j = int(before[j])
    return df.filter(pl.Series(keep))


def exact_history(df: pl.DataFrame, layout, model_step_s: float = 0.0) -> pl.DataFrame:
    """What the model reads for positions at asked times: every fix at its exact time,
    thinned to about one a second counted back from the exact last fix (``one_a_second``) where
    ``coerce`` dropped fixes for sharing a second (other trajectories as ``exact_times``).
    ``model_step_s``: the model's training step (``history_interval``); under a second (a run
    trained on a sub-second store, subsec38) every fix is kept, as it was trained."""
    rows = layout.sub_second_rows
    if rows is None or not len(rows) or 0 < model_step_s < MIN_GAP_S:
        return all_fixes(df, layout)
    return one_a_second(all_fixes(df, layout), rows["traj_id"].unique())


def history_by_horizon(lm, df: pl.DataFrame, ahead: np.ndarray, layout) -> pl.DataFrame:
    """The history a rollout to asked times reads (``lm._history``: thinned to the training
    step), but a trajectory fixed faster than once a second (``coerce`` dropped fixes of it for
    sharing a second) whose every asked time ``ahead`` (B, m) s (NaN: not asked; rows in
    ``df``'s trajectory order) is within one training step keeps its one-a-second history
    (``exact_history``): thinned, its answers under a second ahead lay on the line to the
    rollout's first point 15 s out (session 19, movers19; docs/api.md "Session 18
    (subsec18)"). Other trajectories as ``lm._history``; bit for bit without such a one."""
    thinned = lm._history(df)
    rows = layout.sub_second_rows
    step = history_interval(lm.model)
    if rows is None or not len(rows) or thinned is df or step <= 0:
        return thinned
    ids = df["traj_id"].unique(maintain_order=True)
    far = np.nanmax(np.where(np.isfinite(ahead), ahead, -np.inf), axis=1)
    near = ids.filter(pl.Series(far <= step) & ids.is_in(rows["traj_id"].unique().implode()))
    if not len(near):
        return thinned
    order = pl.DataFrame({"traj_id": ids, "__o": np.arange(len(ids))})
    both = pl.concat([thinned.filter(~pl.col("traj_id").is_in(near.implode())),
                      df.filter(pl.col("traj_id").is_in(near.implode()))],
                     how="vertical_relaxed")  # fmt: skip
    return (
        both.join(order, on="traj_id", maintain_order="left")
        .sort("__o", "t", maintain_order=True)
        .drop("__o")
    )


def horizon_split(lm, df: pl.DataFrame, ahead: np.ndarray, layout) -> list[np.ndarray] | None:
    """For a call mixing horizons (session 20, uncert20): the (B, m) masks [near, far] of the
    asked times ``ahead`` (NaN: not asked; rows in ``df``'s trajectory order) when some
    trajectory fixed faster than once a second (``coerce`` dropped fixes of it for sharing a
    second) is asked both within one training step and beyond it, else None. Answered in one
    rollout, ``history_by_horizon`` thins such a trajectory for all its times (its 0.5-10 s
    answers 5.2 -> 3.1 m off at 2 Hz when asked apart, scripts/uncert20_subsec_mix.py); asked
    once per mask (``valid`` = mask) each reads its own history. ``near`` holds every time
    within the step (other trajectories' too), ``far`` the rest."""
    rows = layout.sub_second_rows
    step = history_interval(lm.model)
    if rows is None or not len(rows) or step <= 0 or getattr(lm.config, "time_query", False):
        return None
    a = np.asarray(ahead, np.float64)
    asked = np.isfinite(a)
    near = asked & (a <= step)
    ids = df["traj_id"].unique(maintain_order=True)
    dense = ids.is_in(rows["traj_id"].unique().implode()).to_numpy()
    both = dense & near.any(1) & (asked & ~near).any(1)
    if not both.any():
        return None
    return [near, asked & ~near]


def cadence(fixes: pl.DataFrame) -> dict[str, tuple[float, float]]:
    """{traj_id: (exact last fix, median interval)} of the trajectories of ``fixes``
    (``all_fixes``) sampled faster than once a second (median interval in (0, 0.999) s)."""
    if fixes.height < 2 or not fixes.schema["t"].is_float():
        return {}
    g = fixes.group_by("traj_id", maintain_order=True).agg(
        last=pl.col("t").max(), dt=pl.col("t").diff().median()
    )
    # under 999 ms: a 1 Hz logger whose float times read 0.9999998 s apart steps as before
    g = g.filter(pl.col("dt").is_not_null() & (pl.col("dt") > 0) & (pl.col("dt") < 0.999))
    return {r[0]: (float(r[1]), float(r[2])) for r in g.iter_rows()}


def exact_last(last: pl.DataFrame, layout) -> dict:
    """{traj_id: the exact time of its last fix} (whole seconds + the input's fraction; a fix
    coerce dropped for sharing that second with an earlier one counts: session 18)."""
    ids_all = last["traj_id"].to_list()
    lf = dict.fromkeys(ids_all, 0.0)
    if layout.frac is not None:
        f = layout.frac.sort("t").group_by("traj_id").agg(pl.all().last())
        lf |= dict(zip(f["traj_id"].to_list(), f[FRAC].to_list(), strict=True))  # not FRAC_NS
    out = {i: t + lf[i] for i, t in zip(ids_all, last["t"].to_numpy(), strict=True)}
    rows = getattr(layout, "sub_second_rows", None)
    if rows is not None and len(rows):
        d = rows.group_by("traj_id").agg((pl.col("t").cast(pl.Float64) + pl.col(FRAC)).max())
        for i, t in d.iter_rows():
            if i in out:
                out[i] = max(out[i], t)
    return out


def steps_at_times(lm, df: pl.DataFrame, layout, k: int) -> pl.DataFrame | None:
    """``TrajLM.predict(steps=k)`` rows (canonical: traj_id, step, t, lat, lon, std_m) of the
    trajectories whose steps are answered as positions at times on the model's rollout, else
    None (the others step as before, bit for bit):

    - sampled faster than once a second (``cadence``): at that cadence from the exact last
      fix, the rollout reading about one fix a second back from it (session 18, subsec18);
    - a last fix that its reports call a position glitch (``eval.dead_reckoning.
      glitched_last_fix``), or on a position-only table its own earlier speeds
      (``api_glitch.implied_glitched_last``, session 19): at the trajectory's median interval
      from that fix, the rollout starting from the fix before it (session 18, predict18: from
      the glitch, 0.45-1.07 km off over 5 steps of 30 s on the seeded craft), with one warning.

    Both through ``at_times_with_motion`` (``lm.dead_reckoning`` mixed in where a speed and a
    course are reported)."""
    cad = cadence(all_fixes(df, layout))
    whole = exact_times(df, layout.frac).filter(~pl.col("traj_id").is_in(list(cad)))
    bad = glitched_last(whole) if whole.height else np.zeros(0, bool)
    odd = whole["traj_id"].unique(maintain_order=True).filter(pl.Series(bad))
    if not cad and not len(odd):
        return None
    hist = exact_history(df.filter(pl.col("traj_id").is_in(list(cad))), layout)
    full = pl.concat([hist, whole.filter(pl.col("traj_id").is_in(odd.implode()))],
                     how="vertical_relaxed").sort("traj_id", "t", maintain_order=True)  # fmt: skip
    last = full.group_by("traj_id", maintain_order=True).agg(
        pl.col("t").last(), dt=pl.col("t").diff().median()
    )
    dt = [
        cad[i][1] if i in cad else max(float(d or 1.0), 1.0)
        for i, d in last.select("traj_id", "dt").iter_rows()
    ]
    ahead = np.asarray(dt)[:, None] * np.arange(1, k + 1)
    model_hist = without_glitched_last(full, stacklevel=5, layout=layout)
    shift = (last["t"] - model_hist.group_by("traj_id", maintain_order=True).agg(
        pl.col("t").last())["t"]).to_numpy()[:, None]  # fmt: skip
    origin = last.select("traj_id", t=pl.col("t") - pl.Series(shift[:, 0]))
    kk = lm._rollout_steps(model_hist, ahead + shift)
    out = at_times_with_motion(lambda: lm._predict_at(model_hist, origin, ahead + shift, kk),
                               full, last.drop("dt"), ahead, None, lm.dead_reckoning)  # fmt: skip
    return out.with_columns(t=pl.Series((last["t"].to_numpy()[:, None] + ahead).ravel()))
