"""Next-point prediction with a trained model: canonical table in, predicted points out."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
import torch

from trajlm.data.features import LocalProjection
from trajlm.data.points_frame import points_frame
from trajlm.data.schema import TrajlmInputError
from trajlm.model.rollout import (
    ModelPredictor,  # noqa: F401  (in model/: the trainer uses it)
    TrajectoryFrames,
)

# A position_frame="trajectory" model (trajlm-small) reads each history in its own plane about
# its last point, as `trajlm eval` does (TrajectoryFrames): one plane fit on the whole table
# bent constant velocity far from its centre, so a storm at the equator in a batch of Atlantic
# storms centred at 20 N was 1.036x CV where the same storm alone was 1.013x (session 16
# movers). False: the table's one plane (LocalProjection.fit), as before session 17.
PER_TRAJECTORY_FRAME = True


def trajectory_frames(df: pl.DataFrame) -> TrajectoryFrames:
    """One plane per trajectory of ``df`` about its last point, in sorted traj_id order (the
    order of ``history_batch``'s rows)."""
    last = (
        df.sort("traj_id", "t")
        .group_by("traj_id", maintain_order=True)
        .agg(pl.col("lat", "lon").last())
    )
    return TrajectoryFrames(last["lat"].to_numpy(), last["lon"].to_numpy())


def history_batch(
    df: pl.DataFrame, projection: LocalProjection, max_points: int
) -> tuple[dict[str, torch.Tensor], list[str]]:
    """Turn the last `max_points` points of every trajectory into a right-padded model batch.
    ``projection``: one plane, or ``TrajectoryFrames`` (one per trajectory, sorted ids)."""
    df = df.sort(["traj_id", "t"])
    df = df.with_columns(pl.int_range(pl.len()).reverse().over("traj_id").alias("_from_end"))
    df = df.filter(pl.col("_from_end") < max_points)
    ids = df["traj_id"].unique(maintain_order=True).to_list()
    lengths = df.group_by("traj_id", maintain_order=True).len()["len"].to_numpy().astype(np.int64)
    B, T = len(ids), int(lengths.max())
    row = np.repeat(np.arange(B), lengths)
    if isinstance(projection, TrajectoryFrames):  # each row in its trajectory's plane
        projection = LocalProjection(projection.lat0[row, 0], projection.lon0[row, 0])
    x, y = projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    t = df["t"].to_numpy()
    col = np.arange(len(df)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    pos = np.zeros((B, T, 2), dtype=np.float64)
    pos[row, col, 0], pos[row, col, 1] = x, y
    t0 = t[np.cumsum(lengths) - lengths]
    trel = np.zeros((B, T), dtype=np.float64)
    trel[row, col] = t - t0[row]
    mask = np.zeros((B, T), dtype=bool)
    mask[row, col] = True
    batch = {
        "pos": torch.from_numpy(pos.astype(np.float32)),
        "t": torch.from_numpy(trel.astype(np.float32)),
        "t0": torch.from_numpy(t0.astype(np.int64)),
        "mask": torch.from_numpy(mask),
    }
    return batch, ids


def predict_table(
    model, df: pl.DataFrame, steps: int, history: int | None = None, draft=None
) -> pl.DataFrame:
    """Predict `steps` future points for every trajectory in `df` (the whole table is history).

    Returns traj_id, step (1..k), t (UTC s), lat, lon, std_m (1-sigma position uncertainty).
    ``draft``: a small TrajectoryModel of the same data proposes points that `model` checks
    (speculative decoding, trajlm.model.speculative; same rollout within c sigma).
    """
    if len(df) == 0:
        raise ValueError("no input points to predict from")
    stats = model.stats
    proj = stats.projection
    if getattr(model.config, "position_frame", "store") == "trajectory":
        # no absolute position: each trajectory's own plane (or the input's one plane)
        proj = trajectory_frames(df) if PER_TRAJECTORY_FRAME else LocalProjection.fit(df)
    max_hist = history or (model.config.max_len - steps)
    if max_hist < 2:
        raise TrajlmInputError(
            f"steps={steps} is more than this model rolls out: at most "
            f"{model.config.max_len - 2} (its max_len {model.config.max_len} less 2 points of "
            "history)",
            field="steps",
            hint="ask for fewer steps (--steps)",
        )
    batch, ids = history_batch(df, proj, max_hist)
    device = next(model.parameters()).device
    batch_d = {k: v.to(device) for k, v in batch.items()}
    if draft is None:
        out = model.generate(batch_d, steps=steps)
    else:
        from trajlm.model.speculative import speculative_generate

        out = speculative_generate(model, draft, batch_d, steps)
    pos = out["pos"].double().cpu().numpy()  # (B, k, 2) metres
    std = out["pos_std"].double().cpu().numpy()  # (B, k, 2)
    ahead = out["t"].double().cpu().numpy()  # (B, k) s since each window's first point
    if df.schema["t"].is_float():  # exact input times: exact predicted times (session 17)
        first = df.sort("traj_id", "t").group_by("traj_id", maintain_order=True).agg(
            pl.col("t").tail(max_hist).first())["t"].to_numpy()  # fmt: skip
        t = first[:, None] + ahead
    else:
        t = batch["t0"].numpy()[:, None] + np.rint(ahead).astype(np.int64)
    lat, lon = proj.inverse(pos[..., 0], pos[..., 1])
    return points_frame(ids, t, lat, lon, np.sqrt(0.5 * (std**2).sum(-1)))


def predict_at_table(model, df: pl.DataFrame, ahead: np.ndarray) -> pl.DataFrame:
    """Positions AT asked times from a ``time_query`` model (issue 15): every trajectory's
    rollout goes to exactly its requested times, ``ahead`` (B, m) seconds after its last point
    (rows: trajectories in the order they first appear in ``df``; times in any order; 0 is
    the last point itself). Rows come back in the same order. Returns
    traj_id, step (1..m, the request's order), t (UTC s), lat, lon, std_m; negative times
    (before the last point) are NaN.
    """
    if not getattr(model.config, "time_query", False):
        raise ValueError("predict_at_table needs a model built with time_query=True")
    B, m = np.shape(ahead)
    proj = model.stats.projection
    # One rollout step per distinct future time, in order: a zero-length step would lose the
    # velocity the next step's residual base reads. Rows with fewer distinct times are padded
    # with steps 1 s apart past their last one (computed, not returned).
    uniq = [np.unique(a[a > 0]) for a in np.asarray(ahead, np.float64)]
    U = max(1, max(len(u) for u in uniq))
    if U > model.config.max_len - 2:
        raise ValueError(f"{U} asked times exceed what max_len {model.config.max_len} allows")
    batch, ids = history_batch(df, proj, model.config.max_len - U)  # rows in traj_id order
    first = df["traj_id"].unique(maintain_order=True).to_list()
    where = {tid: n for n, tid in enumerate(first)}
    order = [where[i] for i in ids]
    ahead = np.asarray(ahead, np.float64)[order]  # (B, m) in batch order
    uniq = [uniq[i] for i in order]
    steps = np.stack(
        [np.r_[u, (u[-1] if len(u) else 0.0) + np.arange(1, U - len(u) + 1)] for u in uniq]
    )  # (B, U) fmt: skip
    rows = np.arange(B)
    last = batch["mask"].sum(1).numpy() - 1
    t_last = batch["t"].numpy()[rows, last].astype(np.float64)  # (B,) since window start
    device = next(model.parameters()).device
    target = torch.as_tensor(t_last[:, None] + steps, dtype=torch.float32, device=device)
    out = model.generate({k: v.to(device) for k, v in batch.items()}, U, target_t=target)
    col = np.stack([np.searchsorted(steps[b], np.maximum(ahead[b], 0.0)) for b in rows])
    col = np.minimum(col, U - 1)  # (B, m) the step that answers each asked time
    pos = out["pos"].double().cpu().numpy()[rows[:, None], col]  # (B, m, 2)
    s = out["pos_std"].double().cpu().numpy()[rows[:, None], col]
    std = np.sqrt(0.5 * (s**2).sum(-1))
    at_last = ahead == 0  # the last observed point itself, not a zero-length step
    pos[at_last] = batch["pos"].double().numpy()[rows, last][:, None].repeat(m, 1)[at_last]
    std[at_last] = 0.0
    before = ahead < 0
    pos[before], std[before] = np.nan, np.nan
    lat, lon = proj.inverse(pos[..., 0], pos[..., 1])
    t = batch["t0"].numpy()[:, None] + np.rint(t_last[:, None] + ahead).astype(np.int64)
    row_of = {tid: n for n, tid in enumerate(ids)}
    back = [row_of[tid] for tid in first]  # batch order -> the caller's order
    lat, lon, t, std = lat[back], lon[back], t[back], std[back]
    return points_frame(first, t, lat, lon, std)


def write_points(df: pl.DataFrame, path: str | Path, *, overwrite: bool = True) -> None:
    """Write predicted points as CSV, Parquet or GeoJSON (by file extension), whole or not at
    all: into a temp file beside ``path``, then moved there. Without ``overwrite`` a file that
    appeared at ``path`` meanwhile (another command writing the same --out; badin24: three
    `trajlm predict --out p.csv` at once each wrote over the others) is an OutputExistsError."""
    from trajlm._safety import OutputExistsError, chmod_by_umask

    path = Path(path)
    if path.suffix.lower() not in (".csv", ".parquet", ".geojson", ".json"):
        raise ValueError(
            f"{path}: unknown output format {path.suffix.lower()!r}; use .csv, .parquet or .geojson"
        )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        _write_points(df, Path(tmp), path.suffix.lower())
        chmod_by_umask(tmp)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file exists, as O_EXCL: nothing overwritten
            except FileExistsError:
                raise OutputExistsError(f"{path} was written by another command while this one ran",
                                        hint="pass --overwrite to replace it, or another name") from None  # fmt: skip
            except OSError:  # a file system without hard links: the check, then the move
                if path.exists():
                    raise OutputExistsError(
                        f"{path} exists", hint="pass --overwrite to replace it"
                    ) from None
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _write_points(df: pl.DataFrame, path: Path, suffix: str) -> None:
    if suffix == ".csv":
        df.write_csv(path)
    elif suffix == ".parquet":
        df.write_parquet(path)
    else:
        feats = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")},
            }
            for r in df.iter_rows(named=True)
        ]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))


def rollout_until(model, df: pl.DataFrame, need: dict, k: int, max_steps: int,
                  give_up: float | None = None, asked: dict | None = None) -> pl.DataFrame:  # fmt: skip
    """predict_table's rows (traj_id, step, t, lat, lon, std_m) of a rollout of at least k
    steps per trajectory, extended by k steps at a time for each trajectory whose last
    predicted time is below ``need[traj_id]`` (Unix s), up to max_steps. The std_m of an
    extension adds (in quadrature) the std at the point it started from.

    ``give_up`` with ``asked`` (traj_id -> the Unix times asked of it): a trajectory is not
    extended further where the steps left, each ``give_up`` times its longest predicted step
    so far, would end before the nearest time asked beyond its track (a ride that ended hours
    before the time asked: newuser38's 751 of 780 NaN asks took 36 s of 256-step rollouts).
    Its track so far is the full rollout's first steps (an extension only appends), so every
    time within it is answered as before; the times beyond it are those the full rollout
    would not reach either unless its steps grew past ``give_up`` times the longest so far."""
    history = model.config.max_len - k
    pred = predict_table(model, df, k, history=history)
    done = k
    hist = df.select("traj_id", "t", "lat", "lon")
    check = give_up is not None and asked is not None
    t_hist = df.group_by("traj_id").agg(pl.col("t").last().alias("_t0")) if check else None
    while done + k <= max_steps:
        end = pred.group_by("traj_id", maintain_order=True).agg(pl.col("t", "std_m").last())
        short = [i for i, t in zip(end["traj_id"].to_list(), end["t"].to_list(), strict=True)
                 if t < need.get(i, -np.inf)]  # fmt: skip
        if check and short:
            short = _within_reach(pred, t_hist, short, asked, give_up * (max_steps - done))
        if not short:
            break
        keep = pl.col("traj_id").is_in(pl.Series(short, dtype=hist["traj_id"].dtype).implode())
        cols = pred.select("traj_id", "t", "lat", "lon").cast(hist.schema)
        hist = pl.concat([hist.filter(keep), cols.filter(keep)]).sort("traj_id", "t")
        more = predict_table(model, hist, k, history=history)
        start = end.select("traj_id", pl.col("std_m").alias("_s0")).cast(
            {"traj_id": more["traj_id"].dtype}
        )
        more = more.join(start, on="traj_id", how="left").with_columns(
            step=pl.col("step") + done, std_m=(pl.col("std_m") ** 2 + pl.col("_s0") ** 2).sqrt()
        )
        pred = pl.concat([pred, more.drop("_s0")]).sort("traj_id", "step", maintain_order=True)
        done += k
    return pred


def _within_reach(pred: pl.DataFrame, t_hist: pl.DataFrame, short: list, asked: dict,
                  steps_left: float) -> list:  # fmt: skip
    """The trajectories of ``short`` whose nearest asked time beyond their track's end lies
    within ``steps_left`` x their longest predicted step so far (rollout_until's give_up)."""
    pace = (pred.join(t_hist.cast({"traj_id": pred["traj_id"].dtype}), on="traj_id")
            .group_by("traj_id", maintain_order=True)
            .agg(pl.col("t").last().alias("end"),
                 pl.col("t").diff().fill_null(pl.col("t").first() - pl.col("_t0").first())
                 .max().alias("pace")))  # fmt: skip
    ends = dict(zip(pace["traj_id"].to_list(), zip(pace["end"].to_list(), pace["pace"].to_list(),
                                                   strict=True), strict=True))  # fmt: skip
    keep = []
    for i in short:
        end, step = ends[i]
        times = np.asarray(asked.get(i, ()), np.float64)
        beyond = times[times > end]
        if not beyond.size or end + steps_left * max(step, 0.0) >= beyond.min():
            keep.append(i)
    return keep
