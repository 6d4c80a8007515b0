"""The queries a method outside trajlm answers (``trajlm data queries``, ``trajlm.queries``): the
windows and recovery gaps the PROTOCOL harness scores, written out as inputs and asks with no
truth (out of eval/own_answers.py, review37; importable from there as before; the ids and the
rules: own_answers.py's docstring)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import (
    PredictionTask,
    RecoveryTask,
    make_prediction_task,
    make_recovery_task,
)


def window_ids(task: PredictionTask) -> list[str]:
    """One id per window (row of ``task``): ``TRAJ@T``, T its last input fix's Unix second."""
    rows = np.arange(len(task.lengths))
    last = task.hist_t[rows, task.lengths - 1] if len(rows) else np.zeros(0, np.int64)
    ids, seen = [], {}
    for traj, t in zip(task.traj_ids, last.tolist(), strict=True):
        key = f"{traj}@{int(t)}"
        seen[key] = seen.get(key, 0) + 1
        ids.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return ids


def scored_task(split_table: pl.DataFrame, k: int = 5, windows: int = 1) -> PredictionTask:
    """The windows the harness scores on ``split_table`` (run_eval's own call)."""
    return make_prediction_task(split_table, k=k, windows=windows)


def prediction_queries(task: PredictionTask) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(inputs, asks) of ``task``: one input row per history fix (query_id, traj_id, step, t,
    lat, lon) and one ask per answer wanted (query_id, traj_id, k = 1..K, t: the time the
    k-th answer is for, which the protocol's "[time]" baselines read). No truth position."""
    ids = window_ids(task)
    n, width = task.hist_t.shape if len(ids) else (0, 0)
    real = np.arange(width)[None, :] < task.lengths[:, None] if n else np.zeros((0, 0), bool)
    row = np.nonzero(real)
    owner = np.asarray(task.traj_ids, dtype=object)
    inputs = pl.DataFrame(
        {
            "query_id": pl.Series(np.asarray(ids, dtype=object)[row[0]], dtype=pl.String),
            "traj_id": pl.Series(owner[row[0]], dtype=pl.String),
            "step": pl.Series(row[1], dtype=pl.Int64),
            "t": pl.Series(task.hist_t[row], dtype=pl.Int64),
            "lat": pl.Series(task.hist_latlon[row][:, 0], dtype=pl.Float64),
            "lon": pl.Series(task.hist_latlon[row][:, 1], dtype=pl.Float64),
        }
    )
    k = task.target_t.shape[1] if n else 0
    asks = pl.DataFrame(
        {
            "query_id": pl.Series(np.repeat(np.asarray(ids, dtype=object), k), dtype=pl.String),
            "traj_id": pl.Series(np.repeat(owner, k), dtype=pl.String),
            "k": pl.Series(np.tile(np.arange(1, k + 1), n), dtype=pl.Int64),
            "t": pl.Series(task.target_t.reshape(-1), dtype=pl.Int64),
        }
    )
    return inputs, asks


def recovery_variants(
    split_table: pl.DataFrame, seeds: tuple[int, ...]
) -> tuple[list[str], list[tuple[str, RecoveryTask]]]:
    """run_eval's recovery tasks on ``split_table`` (the random mask per seed, then each
    downsampling interval, with run_eval's own defaults), named "random-seedS" / "every-60s";
    and the trajectory id of each task group (trips of 3+ fixes, sorted)."""
    import inspect

    from trajlm.eval.protocol import run_eval

    intervals = inspect.signature(run_eval).parameters["intervals_s"].default
    tasks = [make_recovery_task(split_table, "random", seed=s) for s in seeds]
    named = [(f"random-seed{s}", t) for s, t in zip(seeds, tasks, strict=True)]
    for interval in intervals:
        named.append((f"every-{interval:g}s",
                      make_recovery_task(split_table, "downsample", interval_s=interval)))  # fmt: skip
    table = split_table.sort(["traj_id", "t"])
    n = table.group_by("traj_id", maintain_order=True).len()
    return n.filter(pl.col("len") >= 3)["traj_id"].to_list(), named


def gap_ids(name: str, task: RecoveryTask, trajs: list[str]) -> tuple[list[str], np.ndarray]:
    """The queries of one recovery task: one per trajectory with a hidden point ("VARIANT|TRAJ")
    and how many points each asks (k = 1..n, in time order)."""
    hidden = np.bincount(task.groups[~task.known], minlength=len(trajs))
    keep = np.flatnonzero(hidden)
    return [f"{name}|{trajs[g]}" for g in keep], hidden[keep]


def recovery_queries(
    trajs: list[str], variants: list[tuple[str, RecoveryTask]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(inputs, asks) of the recovery tasks: the known fixes (query_id, traj_id, step, t, lat,
    lon) of each trajectory with a gap, and each hidden point's ask (query_id, traj_id, k, step,
    t). No hidden position."""
    inputs = [pl.DataFrame(schema={"query_id": pl.String, "traj_id": pl.String,
                                   "step": pl.Int64, "t": pl.Int64, "lat": pl.Float64,
                                   "lon": pl.Float64})]  # fmt: skip
    asks = [pl.DataFrame(schema={"query_id": pl.String, "traj_id": pl.String, "k": pl.Int64,
                                 "step": pl.Int64, "t": pl.Int64})]  # fmt: skip
    for name, task in variants:
        if len(task.t) == 0:  # no trajectory of 3+ fixes: nothing to ask
            continue
        ids, _ = gap_ids(name, task, trajs)
        has_gap = np.bincount(task.groups[~task.known], minlength=len(trajs)) > 0
        first = np.r_[0, np.flatnonzero(np.diff(task.groups)) + 1]
        step = np.arange(len(task.t)) - np.repeat(first, np.bincount(task.groups))
        query = {g: q for g, q in zip(np.flatnonzero(has_gap).tolist(), ids, strict=True)}
        for known, out in ((True, inputs), (False, asks)):
            rows = np.flatnonzero((task.known == known) & has_gap[task.groups])
            frame = {"query_id": [query[g] for g in task.groups[rows].tolist()],
                     "traj_id": [trajs[g] for g in task.groups[rows].tolist()]}  # fmt: skip
            if known:
                frame |= {"step": step[rows], "t": task.t[rows], "lat": task.latlon[rows, 0],
                          "lon": task.latlon[rows, 1]}  # fmt: skip
            else:
                grp = task.groups[rows]
                starts = np.r_[0, np.flatnonzero(np.diff(grp)) + 1] if len(grp) else grp
                k = np.arange(len(grp)) - np.repeat(starts, np.diff(np.r_[starts, len(grp)]))
                frame |= {"k": k + 1, "step": step[rows], "t": task.t[rows]}
            out.append(pl.DataFrame(frame).cast(out[0].schema))
    return pl.concat(inputs), pl.concat(asks)


def asks_path(out: Path) -> Path:
    """Where ``trajlm data queries --out X.csv`` writes the asks: ``X.asks.csv``."""
    return out.with_name(f"{out.stem}.asks{out.suffix}")


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """CSV or Parquet by the suffix (checked by the caller)."""
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)
