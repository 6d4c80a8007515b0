"""The evaluation protocol (PROTOCOL.md): task construction, model adapter and the harness.

``run_eval(df, task)`` takes a canonical table with a ``split`` column, fits every baseline on
train (tuning knobs on val), evaluates on test and returns an ``EvalResult`` (Markdown + JSON).
Methods are compared in lat/lon with haversine metres; each method projects on its own.

Models plug in as ``TaskModel`` objects; ``ModelPredictor`` wraps a ``TrajectoryModel``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.splits import SPLITS, assign_splits, trajectory_index
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.report import EvalResult, git_commit, split_meta

TASKS = ("predict", "recover", "tte")


# ------------------------------------------------------------------------------- tasks


@dataclass
class PredictionTask:
    """Histories (first n points) and the next k true points, padded to (N, T)."""

    traj_ids: list[str]
    hist_latlon: np.ndarray  # (N, T, 2) degrees, right-padded by repeating the last point
    hist_t: np.ndarray  # (N, T) int64 Unix seconds, padded the same way
    lengths: np.ndarray  # (N,) real history points
    target_latlon: np.ndarray  # (N, k, 2)
    target_t: np.ndarray  # (N, k) int64
    n_skipped: int  # trajectories too short to evaluate

    def xy(self, proj: LocalProjection) -> np.ndarray:
        x, y = proj.forward(self.hist_latlon[..., 0], self.hist_latlon[..., 1])
        return np.stack([x, y], axis=-1)


@dataclass
class RecoveryTask:
    """Flat points of the evaluated trajectories; ``known`` marks the points given as input."""

    setting: str
    groups: np.ndarray  # (P,) trajectory number, sorted
    t: np.ndarray  # (P,) int64 Unix seconds
    latlon: np.ndarray  # (P, 2) degrees; hidden points must not be read by a method
    known: np.ndarray  # (P,) bool

    def xy(self, proj: LocalProjection) -> np.ndarray:
        x, y = proj.forward(self.latlon[:, 0], self.latlon[:, 1])
        xy = np.stack([x, y], axis=-1)
        xy[~self.known] = np.nan  # hide the answers from anything that projects
        return xy


def _offsets(df: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start row and length of each trajectory of a table sorted by (traj_id, t)."""
    new = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
    start = np.flatnonzero(new)
    return start, np.diff(np.append(start, len(df)))


def make_prediction_task(
    df: pl.DataFrame, k: int = 5, n_input: int = 20, min_points: int = 7
) -> PredictionTask:
    """Input the first n points (n = n_input when the trip has >= n_input + k points, else all
    but the last k), target the next k. Trips with fewer than ``min_points`` are skipped."""
    df = df.sort(["traj_id", "t"])
    start, length = _offsets(df)
    ok = length >= max(min_points, k + 2)  # constant velocity needs two input points
    start, length = start[ok], length[ok]
    n = np.where(length >= n_input + k, n_input, length - k)
    T = int(n.max()) if len(n) else 1
    # pad by repeating the last real point so padded rows stay finite
    hist_idx = start[:, None] + np.minimum(np.arange(T)[None, :], n[:, None] - 1)
    tgt_idx = start[:, None] + n[:, None] + np.arange(k)[None, :]
    ll = np.stack([df["lat"].to_numpy(), df["lon"].to_numpy()], axis=1)
    t = df["t"].to_numpy()
    return PredictionTask(
        traj_ids=df["traj_id"].gather(start).to_list() if len(start) else [],
        hist_latlon=ll[hist_idx],
        hist_t=t[hist_idx],
        lengths=n,
        target_latlon=ll[tgt_idx],
        target_t=t[tgt_idx],
        n_skipped=int((~ok).sum()),
    )


def make_recovery_task(
    df: pl.DataFrame,
    mode: str = "random",
    ratio: float = 0.5,
    interval_s: float = 60.0,
    seed: int = 0,
    min_points: int = 3,
) -> RecoveryTask:
    """Hide interior points: ``mode="random"`` hides round(ratio * interior) per trajectory
    (seeded); ``mode="downsample"`` keeps the first point of every ``interval_s`` window since
    the trip start (on a 15 s feed and 60 s: every 4th point). First and last are always kept."""
    df = df.sort(["traj_id", "t"])
    start, length = _offsets(df)
    keep_traj = np.repeat(length >= min_points, length)
    df = df.filter(pl.Series(keep_traj))
    start, length = _offsets(df)
    groups = np.repeat(np.arange(len(start)), length)
    pos = np.arange(len(df)) - np.repeat(start, length)  # index within trajectory
    interior = (pos > 0) & (pos < np.repeat(length, length) - 1)
    t = df["t"].to_numpy()
    if mode == "random":
        key = np.random.default_rng(seed).random(len(df))
        key[~interior] = 2.0  # endpoints sort last, never hidden
        order = np.lexsort((key, groups))
        rank = np.empty(len(df), np.int64)
        rank[order] = np.arange(len(df)) - np.repeat(start, length)
        n_hide = np.round(ratio * np.maximum(length - 2, 0)).astype(np.int64)
        known = ~(interior & (rank < np.repeat(n_hide, length)))
        setting = f"random {ratio:.0%}"
    elif mode == "downsample":
        bucket = (t - np.repeat(t[start], length)) // interval_s
        first_in_bucket = np.r_[True, (bucket[1:] != bucket[:-1]) | (groups[1:] != groups[:-1])]
        known = first_in_bucket | ~interior
        setting = f"every {interval_s:g} s"
    else:
        raise ValueError(f"mode must be 'random' or 'downsample', got {mode!r}")
    latlon = np.stack([df["lat"].to_numpy(), df["lon"].to_numpy()], axis=1)
    return RecoveryTask(setting, groups, t, latlon, known)


_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_shift(spec: str) -> tuple[str, int]:
    """A clock shift: "clock=+8h" (units s, m, h, d) or "weekday=+1" (days) -> (label,
    seconds). Raises ValueError naming the bad spec."""
    name, _, value = spec.partition("=")
    value = value.strip()
    try:
        if name == "weekday":
            return spec, int(value) * 86400
        if name == "clock" and value and value[-1] in _UNITS_S:
            return spec, int(float(value[:-1]) * _UNITS_S[value[-1]])
    except ValueError:
        pass
    raise ValueError(f"--shift {spec!r}: expected clock=+4h / clock=-30m / clock=+1d / weekday=+1")


def shift_clock(df: pl.DataFrame, seconds: int) -> pl.DataFrame:
    """The same points with every timestamp moved by `seconds` (input and truth together)."""
    return df.with_columns(pl.col("t") + int(seconds))


def make_tte_task(df: pl.DataFrame) -> pl.DataFrame:
    """O-D table of the trips with a positive duration (MAPE is undefined at 0)."""
    return B.od_table(df).filter(pl.col("duration_s") > 0)


# ------------------------------------------------------------------------ method adapters


class TaskModel(Protocol):
    """What the harness calls; each of the three methods is optional (checked with hasattr).

    ``predict_next(task: PredictionTask) -> (N, k, 2)`` lat/lon degrees;
    ``recover(task: RecoveryTask) -> (P, 2)`` lat/lon of every point (hidden ones predicted);
    ``travel_time(od: pl.DataFrame) -> (N,)`` seconds, ``od`` as from ``make_tte_task``.
    """

    name: str


class _Projected:
    """Exposes a metre-space baseline through the lat/lon ``TaskModel`` interface."""

    def __init__(self, est: Any, proj: LocalProjection, k: int = 5) -> None:
        self.est, self.proj, self.k, self.name = est, proj, k, est.name

    def _latlon(self, xy: np.ndarray) -> np.ndarray:
        return np.stack(self.proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)

    def predict_next(self, task: PredictionTask) -> np.ndarray:
        t0 = task.hist_t[:, :1]  # relative seconds keep float64 precision
        args = (task.lengths, task.target_t.shape[1], task.hist_t - t0, task.target_t - t0)
        return self._latlon(self.est.predict(task.xy(self.proj), *args))

    def recover(self, task: RecoveryTask) -> np.ndarray:
        return self._latlon(self.est.predict(task.t, task.xy(self.proj), task.known, task.groups))

    def travel_time(self, od: pl.DataFrame) -> np.ndarray:
        return self.est.predict(od)


class ModelPredictor:
    """Adapts a ``TrajectoryModel`` (docs/contracts.md) to ``TaskModel.predict_next``.

    Histories become loader-format batches (``pos`` metres in ``projection``, ``t`` seconds
    since the first point, ``t0``, ``mask`` right-padded) of ``batch_size`` rows; the model's
    ``generate(batch, steps=k)["pos"]`` (B, k, 2) metres is projected back to lat/lon.
    """

    def __init__(
        self,
        model: Any,
        projection: LocalProjection | None = None,
        batch_size: int = 256,
        name: str | None = None,
    ) -> None:
        if projection is None:  # the model's own plane, from the stats it carries
            from trajlm.data.features import NormStats

            projection = NormStats.from_dict(model.config.stats).projection
        self.model, self.projection, self.batch_size = model, projection, batch_size
        self.name = name or getattr(model, "name", type(model).__name__)

    def predict_next(self, task: PredictionTask) -> np.ndarray:
        import torch

        params = list(model_params(self.model))
        device = params[0].device if params else torch.device("cpu")
        xy, k = task.xy(self.projection), task.target_t.shape[1]
        out = np.empty((len(xy), k, 2))
        for a in range(0, len(xy), self.batch_size):
            n = task.lengths[a : a + self.batch_size]
            T = int(n.max())
            mask = np.arange(T)[None, :] < n[:, None]
            t = task.hist_t[a : a + self.batch_size, :T]
            batch = {
                "pos": torch.as_tensor(
                    xy[a : a + self.batch_size, :T] * mask[..., None], dtype=torch.float32
                ),
                "t": torch.as_tensor((t - t[:, :1]) * mask, dtype=torch.float32),
                "t0": torch.as_tensor(t[:, 0], dtype=torch.int64),
                "mask": torch.as_tensor(mask),
            }
            batch = {key: v.to(device) for key, v in batch.items()}
            with torch.inference_mode():
                pos = self.model.generate(batch, steps=k)["pos"]
            out[a : a + self.batch_size] = pos.detach().to("cpu", torch.float64).numpy()
        return np.stack(self.projection.inverse(out[..., 0], out[..., 1]), axis=-1)


def model_params(model: Any):
    """Parameters of a torch module, or nothing for a plain object."""
    return model.parameters() if hasattr(model, "parameters") else ()


# ----------------------------------------------------------------------------- harness


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def _recovery_errors(pred_latlon: np.ndarray, task: RecoveryTask) -> np.ndarray:
    hidden = ~task.known
    return M.point_errors(pred_latlon[hidden], task.latlon[hidden])


def _score_predict(m: Any, task: PredictionTask) -> dict[str, float]:
    err = M.point_errors(m.predict_next(task), task.target_latlon)
    return {**M.distance_metrics(err), "fde_m": M.mae(err[:, -1])}


def _score_recover(m: Any, task: RecoveryTask) -> dict[str, float]:
    return M.distance_metrics(_recovery_errors(m.recover(task), task))


def _score_tte(m: Any, od: pl.DataFrame) -> dict[str, float]:
    return M.regression_metrics(m.travel_time(od), od["duration_s"].to_numpy())


def tune_knn(
    train: pl.DataFrame,
    val_task: PredictionTask,
    proj: LocalProjection,
    n_neighbors: tuple[int, ...] = (5, 10, 20, 40, 80),
    history: tuple[int, ...] = (3, 5, 8),
    random_state: int = 0,
) -> tuple[B.KNNContinuation, dict[str, float]]:
    """Grid search on the val split only; returns the best fitted model and val ADE per cell."""
    k = val_task.target_t.shape[1]
    scores: dict[str, float] = {}
    best: tuple[float, B.KNNContinuation | None] = (np.inf, None)
    for h in history:
        knn = B.KNNContinuation(1, h, k, random_state=random_state).fit(train, proj)
        for nb in n_neighbors:
            knn.n_neighbors = nb  # read at predict time: one library per history length
            pred = _Projected(knn, proj).predict_next(val_task)
            scores[f"history={h},n_neighbors={nb}"] = s = M.ade(pred, val_task.target_latlon)
            if s < best[0]:
                best = (s, B.KNNContinuation(nb, h, k, random_state=random_state))
    return best[1].fit(train, proj), scores


def _split(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Train/val/test tables; a table without a ``split`` column is split chronologically."""
    if "split" not in df.columns:
        idx = assign_splits(trajectory_index(df)).select("traj_id", "split")
        df = df.join(idx, on="traj_id", how="left")
    parts = {
        s: df.filter(pl.col("split") == s).drop("split").sort(["traj_id", "t"]) for s in SPLITS
    }
    if len(parts["train"]) == 0 or len(parts["test"]) == 0:
        raise ValueError("evaluation needs non-empty train and test splits")
    return parts


def _evaluate(methods, score, tasks: list, setting: str, n_traj: int, n_points: int, fits):
    """Score every method on every task variant (one per seed); rows of mean and std."""
    rows = []
    for m in methods:
        runs, times = zip(*(_timed(score, m, tk) for tk in tasks), strict=True)
        mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        std = {k: float(np.std([r[k] for r in runs])) for k in runs[0]} if len(runs) > 1 else None
        rows.append(
            {"setting": setting, "method": m.name, "metrics": mean, "std": std,
             "n_trajectories": int(n_traj), "n_points": int(n_points),
             "fit_s": fits.get(m.name, 0.0), "predict_s": float(np.mean(times))}
        )  # fmt: skip
    return rows


def run_eval(
    df: pl.DataFrame,
    task: str,
    models: tuple[TaskModel, ...] = (),
    seeds: tuple[int, ...] = (0, 1, 2),
    out: str | None = None,
    k: int = 5,
    intervals_s: tuple[float, ...] = (60.0, 120.0, 240.0),
    verbose: bool = True,
    shifts: tuple[str, ...] = (),
) -> EvalResult:
    """Fit the baselines on train (tune on val), evaluate them and ``models`` on test.

    ``task`` is "predict", "recover" or "tte". Randomness (the recovery mask) is repeated over
    ``seeds`` and reported as mean and std; deterministic rows have std None. Writes
    ``<out>/eval_<task>.json`` and ``.md`` when ``out`` is given.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if shifts and task != "predict":
        raise ValueError(f"--shift is implemented for --task predict, not {task!r}")
    shift_s = [parse_shift(spec) for spec in shifts]
    parts = _split(df)
    train, val, test = parts["train"], parts["val"], parts["test"]
    proj = LocalProjection.fit(train)
    fits: dict[str, float] = {}
    params: dict[str, dict] = {}
    extra: dict = {}
    rows: list[dict] = []

    if task == "predict":
        test_task = make_prediction_task(test, k=k)
        ests = [B.ConstantVelocity(), B.LinearExtrapolation(3)]
        # PROTOCOL.md's reference definitions (use the targets' true timestamps)
        ests += [B.ConstantVelocity(use_time=True), B.LinearExtrapolation(3, "fit", True)]
        if len(val):
            val_task = make_prediction_task(val, k=k)
            (knn, scores), fits[B.KNNContinuation.name] = _timed(tune_knn, train, val_task, proj)
            params[knn.name] = {"n_neighbors": knn.n_neighbors, "history": knn.history,
                                "n_windows": knn.n_windows_, "val_ade_m": scores}  # fmt: skip
            ests.append(knn)
        methods = [_Projected(e, proj) for e in ests]
        methods += [m for m in models if hasattr(m, "predict_next")]
        n_traj, n_pts = test_task.target_t.shape[0], test_task.target_t.size
        rows = _evaluate(methods, _score_predict, [test_task], f"k={k}", n_traj, n_pts, fits)
        extra["n_skipped_short"] = test_task.n_skipped
        for label, seconds in shift_s:  # same trips, clocks moved: a ratio to the row above
            moved = make_prediction_task(shift_clock(test, seconds), k=k)
            base = {r["method"]: r["metrics"] for r in rows if r["setting"] == f"k={k}"}
            for r in _evaluate(methods, _score_predict, [moved], f"k={k}, {label}", n_traj,
                               n_pts, fits):  # fmt: skip
                r["metrics"]["mae_ratio"] = r["metrics"]["mae_m"] / base[r["method"]]["mae_m"]
                rows.append(r)

    elif task == "recover":
        spline = B.CubicSplineInterpolation("cubic")
        if len(val):  # pick the spline flavour on val (random mask, first seed)
            vt = make_recovery_task(val, "random", seed=seeds[0])
            val_mae = {
                kind: _score_recover(_Projected(B.CubicSplineInterpolation(kind), proj), vt)[
                    "mae_m"
                ]
                for kind in ("cubic", "pchip", "akima")
            }
            spline = B.CubicSplineInterpolation(min(val_mae, key=val_mae.get))
            params[spline.name] = {"kind": spline.kind, "val_mae_m": val_mae}
        methods = [_Projected(e.fit(), proj) for e in (B.LinearInterpolation(), spline)]
        methods += [m for m in models if hasattr(m, "recover")]
        variants = [[make_recovery_task(test, "random", seed=s) for s in seeds]]
        variants += [[make_recovery_task(test, "downsample", interval_s=i)] for i in intervals_s]
        for tasks in variants:
            t0 = tasks[0]
            n_traj, n_pts = t0.groups.max() + 1, (~t0.known).sum()
            rows += _evaluate(methods, _score_recover, tasks, t0.setting, n_traj, n_pts, fits)

    else:  # tte
        od = make_tte_task(test)
        ests = [B.DistanceOverMeanSpeed(), B.LinearRegressionTTE(), B.GradientBoostingTTE()]
        for e in ests:
            fits[e.name] = _timed(e.fit, train)[1]
        params[ests[0].name] = {"speed_mps": ests[0].speed_mps_}
        methods = [_Projected(e, proj) for e in ests]
        methods += [m for m in models if hasattr(m, "travel_time")]
        rows = _evaluate(methods, _score_tte, [od], "origin-destination", len(od), len(od), fits)

    for m in models:
        n = sum(p.numel() for p in model_params(getattr(m, "model", m)))
        params.setdefault(m.name, {}).update({"n_params": n} if n else {})
    for r in rows:
        r["params"] = params.get(r["method"], {})
    meta = {
        **split_meta(parts),
        "projection": {"lat0": proj.lat0, "lon0": proj.lon0},
        "seeds": list(seeds),
        "git_commit": git_commit(),
        **extra,
    }
    result = EvalResult(task, rows, meta)
    if out is not None:
        result.save(out)
    if verbose:
        print(result.to_markdown())
    return result
