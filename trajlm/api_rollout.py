"""Positions at asked times from a model that predicts the time of each next point (no
``time_query``): ``TrajLM.predict(at_times=...)`` / ``seconds_ahead=...``.

The model rolls out ``k`` steps; a trajectory whose rollout ends before its last asked time is
rolled on, ``k`` steps at a time from its own predicted points (the history window then ends
with them, as it does inside one rollout), until it reaches that time or ``MAX_STEPS`` steps.
Each track (from the last observed point) is interpolated linearly, in metres, at the asked
times. A time before the last point or past the capped rollout is NaN, and one warning names
the trajectory, the cause and how far the rollout reached.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from trajlm.api_nan_message import nan_message as nan_message  # (re-exported)
from trajlm.api_reach_bound import asked_times, empty_tracks, out_of_reach_at
from trajlm.data.features import LocalProjection
from trajlm.data.points_frame import points_frame
from trajlm.errors import warn_at_caller
from trajlm.tasks.predict import predict_table
from trajlm.tasks.predict import rollout_until as extend_rollout

MAX_STEPS = 256  # the longest rollout asked-time prediction extends to (chunks of k steps)
# a trajectory whose steps left, each this many times its longest step so far, end before the
# time asked is not rolled out further (api_reach_bound.py; leftover39)
GIVE_UP_PACE: float | None = 2.0
GIVE_UP_PACE_DEFAULT = GIVE_UP_PACE  # (a study turns it off to compare: None)
# Trajectories per model pass in predict(steps=k). One pass over every trajectory held the
# whole fleet's attention and KV cache at once: 1 M rows / 10 k trajectories peaked at +2.25 GB
# RSS (session 14, notebook item 9); in passes of 1,024 the peak is bounded by the pass.
CHUNK = 1024
# A history that thinning would leave with fewer points than this is kept whole: a 2-5 fix
# history at 1-10 s became its last fix alone and was predicted to stand still (session 16).
MIN_THINNED = 3
# A history is thinned only where its median time step is below this fraction of the training
# median. Thinning keeps points >= one training step apart, so a median step m becomes about
# ceil(step / m) x m: under step / sqrt(2) that lands nearer the training step (in ratio) than
# m was, above it farther (a 240 s median at a 300 s training median became 480 s steps).
# Irregular reporters sit there: ships at 1-30 min (median 240 s, trained at 300 s) were
# thinned to half their reports and the rollout at report times was 1.7x further off; GeoLife
# at 15 s against a 16 s training median lost every other fix (session 26, irreg26;
# docs/generalization.md). 1.0: every history below the training median (sessions 15-25).
THIN_BELOW = 2**-0.5


def history_interval(model) -> float:
    """The median time step the model was trained on (``config.coverage["dt_s"]["p50"]``,
    seconds), or 0.0 for a checkpoint without recorded coverage."""
    cov = getattr(getattr(model, "config", None), "coverage", None) or {}
    return float(((cov.get("dt_s") or {}).get("p50")) or 0.0)


def thin_history(df: pl.DataFrame, min_dt: float, below: float | None = None) -> pl.DataFrame:
    """Of each trajectory whose median time step is below ``below`` seconds (default
    ``min_dt``; ``TrajLM`` passes ``THIN_BELOW x min_dt``): its last point and, walking back
    from it, every point at least ``min_dt`` s before the one kept after it (``df``
    canonical: sorted by traj_id, t). Other trajectories are kept whole.

    For positions at asked times (``at_times`` / ``seconds_ahead``): a history sampled far
    denser than the model's training steps (AIS under way every 2-10 s, 1 Hz loggers against
    trajlm-small's 15 s) reached the model as steps dominated by GPS noise and a rollout of
    hundreds of tiny steps: 30-kn ferries were predicted to stop and +600 s was beyond the
    256-step cap (session 15, maritime item 1). Thinned to the training median step, the
    rollout reads minutes of motion and reaches 10 min in ~40 steps. A trajectory that would
    keep fewer than ``MIN_THINNED`` points is kept whole. A table without a trajectory to thin
    is returned as it is (bit for bit)."""
    below = min_dt if below is None else below
    if min_dt <= 0 or df.height < 2:
        return df
    t = df["t"].to_numpy()
    med = df.select(pl.col("t").diff().over("traj_id").median().over("traj_id"))["t"].to_numpy()
    if not (med < below).any():  # no trajectory denser than the training steps
        return df
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()  # df sorted by traj_id
    bounds = np.flatnonzero(np.r_[True, g[1:] != g[:-1], True])
    keep = np.ones(df.height, bool)
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # a loop over kept points only
        if not med[a] < below:
            continue
        keep[a:b] = False
        tt = t[a:b].astype(np.float64)
        # each point's predecessor in one call: searchsorted of an int array by a float cast
        # the whole array per call, quadratic (badin35: a 10^6-row trip's reach ran > 180 s)
        before = np.searchsorted(tt, tt - min_dt, side="right") - 1
        j = b - a - 1
        while j >= 0:
            keep[a + j] = True
            j = int(before[j])
        if keep[a:b].sum() < MIN_THINNED:  # too short to thin: kept whole (session 16, movers)
            keep[a:b] = True
    return df.filter(pl.Series(keep))


def exact_times(df: pl.DataFrame, frac: pl.DataFrame | None) -> pl.DataFrame:
    """``df`` (canonical, whole Unix seconds) with each fix's sub-second part put back: ``t``
    then Float64 ``t + frac`` (``frac``: coerce's (traj_id, t, fraction) of the input's rows,
    ``Layout.frac``; None for whole-second input: ``df`` as it is, bit for bit).

    For positions at asked times: the rollout then reads the history's exact intervals and
    predicts exact times (tasks.predict.predict_table), and the track is interpolated from the
    exact last fix, the time ``seconds_ahead`` / ``at_times`` count from. Floored to whole
    seconds, a 1 s drone's interval read 1 s for 1.4 s and a 45 m/s train with 2-3 fixes at
    30 s was 1.10-1.16x constant velocity at asked times (session 16 movers, fixed session 17)."""
    if frac is None or not len(frac) or df.height == 0:
        return df
    from trajlm.data.coerce_subsec import FRAC

    # the fraction by name where coerce wrote it: ns datetimes carry FRAC_NS (integer ns) last
    name = FRAC if FRAC in frac.columns else frac.columns[2]
    f = frac.select("traj_id", "t", pl.col(name).alias("__frac"))
    f = f.unique(["traj_id", "t"], keep="first")
    return (
        df.join(f, on=["traj_id", "t"], how="left", maintain_order="left")
        .with_columns(t=pl.col("t").cast(pl.Float64) + pl.col("__frac").fill_null(0.0))
        .drop("__frac")
    )


def predict_chunked(model, df: pl.DataFrame, k: int, draft=None, chunk: int | None = None):
    """``tasks.predict.predict_table`` in passes of ``chunk`` trajectories (sorted ids, the
    order predict_table returns), so memory does not grow with the number of trajectories.
    Up to ``chunk`` trajectories it is predict_table itself, and above too: a
    ``position_frame = "trajectory"`` model reads each trajectory in its own plane
    (predict_table, session 17), so a pass changes positions by float rounding only."""
    chunk = chunk or CHUNK
    ids = df["traj_id"].unique().sort()
    if len(ids) <= chunk:
        return with_calibrated_std(predict_table(model, df, k, draft=draft), df)
    parts = []
    for i in range(0, len(ids), chunk):
        part = df.filter(pl.col("traj_id").is_in(ids[i : i + chunk].implode()))
        parts.append(predict_table(model, part, k, draft=draft))
    return with_calibrated_std(pl.concat(parts), df)


# std_m read against the history's own constant-velocity error (session 20, uncert20;
# eval/dead_reckoning_spread.py); False: the model's std_m as it is (sessions <= 19)
CALIBRATE_STD = True


def calibrated_std_of(pred: pl.DataFrame, df: pl.DataFrame, ahead: np.ndarray | None = None,
                      asked: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """``pred``'s ``std_m`` (rows traj_id, t, std_m: predictions after each trajectory's last
    fix in ``df``, canonical) read against ``cv_spread`` of that history at each row's lag
    (``calibrated_std``); the model's std_m where there is no spread (1-2 fixes) or no lag.
    The lag is each row's time less the last fix's, or with ``ahead`` (B, m) seconds (rows:
    ``df``'s trajectories in order; ``asked`` the entries ``pred`` holds, row-major) the
    exact lag asked (``pred``'s times are whole seconds: 0.1 s steps of a 10 Hz feed)."""
    from trajlm.eval.dead_reckoning_spread import calibrated_std, cv_spread

    std = pred["std_m"].to_numpy().astype(np.float64)
    if not CALIBRATE_STD or pred.height == 0 or df.height == 0:
        return std
    hist = df.select("traj_id", "t", "lat", "lon")
    if ahead is not None:
        keep = np.ones(np.shape(ahead), bool) if asked is None else asked
        spread = cv_spread(hist, np.asarray(ahead, np.float64))[keep]
        return calibrated_std(std, spread) if len(spread) == len(std) else std
    last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").last().cast(pl.Float64))
    where = {tid: b for b, tid in enumerate(last["traj_id"].to_list())}
    tid = pred["traj_id"].cast(hist["traj_id"].dtype).to_list()
    b = np.array([where.get(i, -1) for i in tid])
    j = pred.select(pl.int_range(pl.len()).over("traj_id").alias("j"))["j"].to_numpy()
    lag = np.full((len(last), int(j.max()) + 1), np.nan)
    ok = b >= 0
    t_row = pred["t"].cast(pl.Float64).to_numpy()
    lag[b[ok], j[ok]] = t_row[ok] - last["t"].to_numpy()[b[ok]]
    spread = np.full(len(pred), np.nan)
    spread[ok] = cv_spread(hist, lag)[b[ok], j[ok]]
    return calibrated_std(std, spread)


def with_calibrated_std(pred: pl.DataFrame, df: pl.DataFrame, ahead: np.ndarray | None = None,
                        asked: np.ndarray | None = None) -> pl.DataFrame:  # fmt: skip
    """``pred`` with ``std_m`` from ``calibrated_std_of`` (positions untouched)."""
    if "std_m" not in pred.columns or not CALIBRATE_STD:
        return pred
    return pred.with_columns(std_m=pl.Series(calibrated_std_of(pred, df, ahead, asked)))


def rollout_until(model, df: pl.DataFrame, need: dict, k: int,
                  asked: dict | None = None) -> pl.DataFrame:  # fmt: skip
    """tasks.predict.rollout_until up to MAX_STEPS (read at call time), in passes of CHUNK
    trajectories (sorted ids) as ``predict_chunked``: 1 M rows asked ``seconds_ahead`` peaked at
    +1.56 GB RSS in one pass (session 14)."""
    ids = df["traj_id"].unique().sort()
    if len(ids) <= CHUNK:
        return extend_rollout(model, df, need, k, MAX_STEPS, GIVE_UP_PACE, asked)
    parts = []
    for i in range(0, len(ids), CHUNK):
        part_ids = ids[i : i + CHUNK]
        part = df.filter(pl.col("traj_id").is_in(part_ids.implode()))
        wanted = {j: need[j] for j in part_ids.to_list() if j in need}
        parts.append(extend_rollout(model, part, wanted, k, MAX_STEPS, GIVE_UP_PACE, asked))
    return pl.concat(parts)


def interpolate_at(
    model, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray, k: int,
    projection: LocalProjection, asked: np.ndarray | None = None,
) -> pl.DataFrame:  # fmt: skip
    """Roll out (rollout_until), then interpolate each trajectory's track at `ahead` (B, m)
    seconds after its last point (`last`: traj_id, t in df's trajectory order). ``asked``
    (B, m): the entries asked (per-trajectory lists padded to m); only those rows are
    returned and counted in the NaN warning."""
    ids, t_last = last["traj_id"].to_list(), last["t"].to_numpy()
    need = {i: float(t + np.nanmax(a)) for i, t, a in zip(ids, t_last, ahead, strict=True)}
    times = asked_times(ids, t_last, ahead, asked)
    cap = max(k, MAX_STEPS // k * k)  # rollout_until's longest rollout
    out_of_reach = out_of_reach_at(df, times, cap, GIVE_UP_PACE)  # not rolled out (leftover39)
    rolled = df.filter(~pl.col("traj_id").is_in(list(out_of_reach))) if out_of_reach else df
    pred = rollout_until(model, rolled, need, k, times) if rolled.height else empty_tracks(df)
    return interpolate_tracks(pred, df, last, ahead, projection, asked, cap, out_of_reach)


def interpolate_tracks(
    pred: pl.DataFrame, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray,
    projection: LocalProjection, asked: np.ndarray | None, cap: int, bounds: dict | None = None,
) -> pl.DataFrame:  # fmt: skip
    """Each trajectory's predicted track (``pred``: traj_id, t, lat, lon, std_m, from its last
    point in ``df``) interpolated linearly, in metres, at ``ahead`` (B, m) s after that point
    (``last``: traj_id, t); NaN with one warning where a time lies before the last point or
    beyond the track (``cap``: the longest rollout, named in the warning; ``bounds``: the
    trajectories not rolled out, with how far they could have reached). Shared by the
    model's rollout and ``trajlm.baselines.predict_at``."""
    ids, t_last = last["traj_id"].to_list(), last["t"].to_numpy()
    tracks = {key[0]: g for key, g in pred.group_by("traj_id", maintain_order=True)}
    hist = df.group_by("traj_id", maintain_order=True).agg(pl.col("lat", "lon", "t").last(),
                                                          pl.len())  # fmt: skip
    t_from = hist["t"].to_numpy()  # the last fix's exact time where ``df`` has one (exact_times)
    x0, y0 = projection.forward(hist["lat"].to_numpy(), hist["lon"].to_numpy())
    B, m = ahead.shape
    x, y, s = np.full((B, m), np.nan), np.full((B, m), np.nan), np.full((B, m), np.nan)
    reach = np.zeros(B)
    n_steps = np.zeros(B, np.int64)
    for b, i in enumerate(ids):  # a loop over trajectories (np.interp per track)
        g = tracks.get(i)
        if g is None:  # not rolled out (out_of_reach_at): every time asked of it is NaN
            reach[b] = (bounds or {}).get(i, 0.0)
            continue
        px, py = projection.forward(g["lat"].to_numpy(), g["lon"].to_numpy())
        tt = np.r_[0.0, g["t"].to_numpy() - t_from[b]]
        reach[b], n_steps[b] = tt.max(), len(g)
        # one fix has no motion: its point holds at any later time (session 16, movers)
        ok = (ahead[b] >= 0) & ((ahead[b] <= tt[-1]) | (hist["len"][b] == 1))
        for out, v in ((x, np.r_[x0[b], px]), (y, np.r_[y0[b], py]),
                       (s, np.r_[0.0, g["std_m"].to_numpy()])):  # fmt: skip
            out[b, ok] = np.interp(ahead[b, ok], tt, v)
    asked = np.ones((B, m), bool) if asked is None else asked
    if (np.isnan(x) & asked).any():
        nan = np.isnan(x) & asked
        # at the caller's line whatever the depth (newuser29: at_times showed
        # trajlm/api_at_times.py:59, a fixed stacklevel counted for another path)
        warn_at_caller(nan_message(ids, ahead, reach, n_steps, nan, cap, GIVE_UP_PACE))
    lat, lon = projection.inverse(x, y)
    t = t_last[:, None] + np.rint(ahead).astype(np.int64)
    return points_frame(ids, t, lat, lon, s).filter(pl.Series(asked.reshape(-1)))


# ------------------------------------------------------------- reported speed and course

# Weight of dead reckoning (last reported speed and course, eval/dead_reckoning.py) mixed into
# the model's positions at asked times when the query carries a reported speed and course
# (session 16, sogcog; chosen on generated val data: docs/data.md "Session 16 (sogcog)").
DR_WEIGHT = 0.9


def with_reported_motion(
    out: pl.DataFrame, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray,
    asked: np.ndarray | None, weight: float, std_alone: np.ndarray | None = None,
) -> pl.DataFrame:  # fmt: skip
    """The model's positions at asked times (``out``: traj_id, step, t, lat, lon, std_m over
    the (B, m) grid of ``ahead``, filtered by ``asked``) mixed with dead reckoning where the
    trajectory (``df``, canonical, the full history) has a reported speed and course: (1 -
    weight) * model + weight * dead reckoning; a position the model could not give (NaN,
    beyond its rollout), or whose rollout starts from a glitched last report
    (``glitched_last_report``), is dead reckoning's. ``std_m`` is mixed the same way with dead
    reckoning's own error on the trajectory's history (``backtest_spread``; the model's where
    that is NaN); rows not mixed get ``std_alone`` (``out``'s rows) where given. ``out`` as it
    is without the columns or with weight 0."""
    from trajlm.eval.dead_reckoning import (
        backtest_spread,
        dead_reckon,
        glitched_last_report,
        has_motion,
    )

    if not weight or not has_motion(df) or out.height == 0:
        return out if std_alone is None else out.with_columns(std_m=pl.Series(std_alone))
    lat, lon, has = dead_reckon(df, ahead)
    spread = backtest_spread(df, ahead)
    keep = np.ones(ahead.shape, bool) if asked is None else asked
    mask = (np.broadcast_to(has[:, None], ahead.shape) & keep)[keep]  # over out's rows
    # a glitched last report (session 18, motion18): dead reckoning starts from the report
    # before it, the model's rollout from the glitch: dead reckoning alone there
    glitch = np.broadcast_to(glitched_last_report(df)[:, None], ahead.shape)[keep]
    m_lat, m_lon = out["lat"].to_numpy().copy(), out["lon"].to_numpy().copy()
    d_lat, d_lon = lat[keep], lon[keep]
    nan = ~np.isfinite(m_lat)
    w = np.where(nan | glitch, 1.0, float(weight))
    dlon = (d_lon - np.where(nan, d_lon, m_lon) + 180.0) % 360.0 - 180.0
    new_lat = np.where(nan, d_lat, (1 - w) * m_lat + w * d_lat)
    new_lon = (np.where(nan, d_lon, m_lon + w * dlon) + 180.0) % 360.0 - 180.0
    m_std, d_std = out["std_m"].to_numpy().astype(np.float64), spread[keep]
    m_std = np.where(np.isfinite(m_std), m_std, d_std)
    new_std = np.where(np.isfinite(d_std), (1 - w) * m_std + w * d_std, m_std)
    return out.with_columns(
        lat=pl.Series(np.where(mask, new_lat, m_lat)),
        lon=pl.Series(np.where(mask, new_lon, m_lon)),
        std_m=pl.Series(
            np.where(mask, new_std, out["std_m"].to_numpy() if std_alone is None else std_alone)
        ),  # fmt: skip
    )


def at_times_with_motion(
    predict_at, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray,
    asked: np.ndarray | None, weight: float,
) -> pl.DataFrame:  # fmt: skip
    """``predict_at()`` (the model's positions at asked times) through ``with_reported_motion``.
    Its "NaN where no position can be given" warning is dropped when dead reckoning filled
    every such position, and says how many remain otherwise (trajectories without a report);
    other warnings pass as they were raised."""
    from trajlm.eval.dead_reckoning_reports import has_motion

    if not weight or not has_motion(df):
        return with_calibrated_std(predict_at(), df, ahead, asked)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # the caller's filters apply on the replay
        out = predict_at()
    # rows mixed with dead reckoning keep ships17's mix of the model's own std_m; the others
    # are read against their history (session 20)
    alone = calibrated_std_of(out, df, ahead, asked) if out.height else None
    mixed = with_reported_motion(out, df, last, ahead, asked, weight, alone)
    left = int(mixed["lat"].is_nan().sum()) if mixed.height else 0
    for w in caught:
        msg = str(w.message)
        if msg.startswith("NaN where no position can be given"):
            if line := dead_reckoning_alone_line(out, mixed, ahead, asked):
                warn_at_caller(line)
            if not left:
                continue
            msg += f" ({left} remain NaN: dead reckoning filled those with a reported speed and course)"
        warnings.warn_explicit(msg, w.category, w.filename, w.lineno)
    return mixed


def _duration_words(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 7200 else f"{seconds / 60:.0f} min"


def dead_reckoning_alone_line(
    out: pl.DataFrame, mixed: pl.DataFrame, ahead: np.ndarray, asked: np.ndarray | None
) -> str | None:
    """The line for positions dead reckoning alone gave where the model's rollout did not
    reach (``out``'s NaN rows that ``mixed`` filled), or None. Said, not dropped: asked "now"
    on a feed whose vessels last reported days ago, dead reckoning drew each one 42 h on at
    its last speed and course, 900 km across land, without a word (session 30, newuser30)."""
    if not out.height:
        return None
    filled = ~np.isfinite(out["lat"].to_numpy()) & np.isfinite(mixed["lat"].to_numpy())
    if not filled.any():
        return None
    rows = np.asarray(ahead, np.float64)[np.ones(ahead.shape, bool) if asked is None else asked]
    far = int(np.argmax(np.where(filled, rows, -np.inf)))
    n_traj = out.filter(pl.Series(filled))["traj_id"].n_unique()
    return (
        f"dead reckoning alone gives {int(filled.sum())} asked position(s) of {n_traj} "
        f"trajectory(ies) beyond the model's rollout, up to {_duration_words(rows[far])} after "
        f"the last report (trajectory {out['traj_id'][far]!r}, std_m "
        f"{mixed['std_m'][far]:,.0f} m): a straight line at the last reported speed and course, "
        "whatever lies on it; ask for times nearer each trajectory's last report, or leave out "
        "trajectories whose last report is that old"
    )
