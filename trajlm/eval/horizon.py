"""Prediction scored at horizons in seconds: `trajlm eval --task predict --horizon-s 60,300,600`
(session 16, sogcog).

`--task predict` scores k = 5 steps of whatever the sampling is (10 s of a 2-s AIS feed, 75 s
of Porto's), so it cannot answer "better than constant velocity 1-10 minutes ahead?" (session
15, maritime item 3). Here each test trajectory gives windows: a cut every ``stride_s`` seconds
(default: the longest horizon) from ``history_s`` after its start; the window's history is its
fixes in the ``history_s`` seconds up to the last fix at or before the cut (3 or more, else the
window is skipped and counted), and its truth at last fix + h is the fix at that time or the
linear interpolation between the two fixes around it when they are at most ``max_gap_s`` apart
(else that horizon of the window is skipped and counted). At most ``max_windows`` windows per
trajectory (evenly spaced). Every method answers at the same instants: the [time] baselines,
dead reckoning from reported speed and course when the table has them, and models through
``predict_at(hist, ahead)`` (positions at asked times, as ``TrajLM.predict(seconds_ahead=)``).
A row per horizon and method; the paired bootstrap CI is over trajectories (each one's mean
over its windows), as the other tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.dead_reckoning import DeadReckoning, dead_reckon, has_motion

HISTORY_S, MAX_GAP_S, MAX_WINDOWS = 600.0, 60.0, 20


@dataclass
class HorizonTask:
    """Windows of a table: ``hist`` (canonical rows, ``traj_id`` = the window's id
    "<trajectory>@<cut>", every other column kept), per window its source trajectory and last
    fix time, and the truth (W, H) at ``horizons`` (NaN: skipped)."""

    hist: pl.DataFrame
    source: np.ndarray
    t_last: np.ndarray
    horizons: np.ndarray
    truth: np.ndarray  # (W, H, 2) lat/lon
    skipped: dict = field(default_factory=dict)

    @property
    def ahead(self) -> np.ndarray:
        return np.broadcast_to(self.horizons[None, :], (len(self.t_last), len(self.horizons)))


def _truth_at(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, when: float, max_gap_s: float):
    j = int(np.searchsorted(t, when, side="left"))
    if j >= len(t):
        return None, "beyond_trajectory"
    if t[j] == when:
        return (lat[j], lon[j]), None
    if j == 0 or t[j] - t[j - 1] > max_gap_s:
        return None, "gap_over_max"
    w = (when - t[j - 1]) / (t[j] - t[j - 1])
    dlon = (lon[j] - lon[j - 1] + 180.0) % 360.0 - 180.0
    return (lat[j - 1] + w * (lat[j] - lat[j - 1]), lon[j - 1] + w * dlon), None


def make_horizon_task(
    df: pl.DataFrame,
    horizons_s: tuple[float, ...],
    history_s: float = HISTORY_S,
    max_gap_s: float = MAX_GAP_S,
    max_windows: int = MAX_WINDOWS,
    stride_s: float | None = None,
) -> HorizonTask:
    """The windows of ``df`` (canonical, sorted by traj_id, t) scored at ``horizons_s``."""
    H = np.asarray(sorted(float(h) for h in horizons_s), np.float64)
    stride = float(stride_s or H.max())
    parts, source, t_last, truth = [], [], [], []
    skipped = {"short_history": 0, **{f"+{h:g}s": {} for h in H}}
    for (tid,), g in df.group_by("traj_id", maintain_order=True):
        t = g["t"].to_numpy().astype(np.float64)
        lat, lon = g["lat"].to_numpy(), g["lon"].to_numpy()
        cuts = np.arange(t[0] + history_s, t[-1] - H.min() + 1e-9, stride)
        if len(cuts) > max_windows:
            cuts = cuts[np.linspace(0, len(cuts) - 1, max_windows).round().astype(int)]
        for c in cuts:
            e = int(np.searchsorted(t, c, side="right"))  # rows [s, e) are the history
            s = int(np.searchsorted(t, t[e - 1] - history_s, side="right"))
            if e - s < 3:
                skipped["short_history"] += 1
                continue
            row = []
            for h in H:
                got, why = _truth_at(t, lat, lon, t[e - 1] + h, max_gap_s)
                if why:
                    d = skipped[f"+{h:g}s"]
                    d[why] = d.get(why, 0) + 1
                row.append(got or (np.nan, np.nan))
            wid = f"{tid}@{int(c)}"
            parts.append(g.slice(s, e - s).with_columns(pl.lit(wid).alias("traj_id")))
            source.append(tid)
            t_last.append(t[e - 1])
            truth.append(row)
    hist = pl.concat(parts) if parts else df.clear()
    truth_arr = np.asarray(truth, np.float64).reshape(len(truth), len(H), 2)
    return HorizonTask(hist, np.asarray(source, object), np.asarray(t_last), H, truth_arr,
                       skipped)  # fmt: skip


class BaselineAtTimes:
    """A [time] baseline through ``predict_at``: arrays in a local plane at the asked times."""

    def __init__(self, est: B.PredictionBaseline, proj: LocalProjection) -> None:
        self.est, self.proj, self.name = est, proj, est.name

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        n = hist.group_by("traj_id", maintain_order=True).len()["len"].to_numpy().astype(np.int64)
        W, T = len(n), int(n.max())
        start = np.cumsum(n) - n
        rows = start[:, None] + np.minimum(np.arange(T)[None], n[:, None] - 1)
        x, y = self.proj.forward(hist["lat"].to_numpy(), hist["lon"].to_numpy())
        xy = np.stack([x, y], -1)[rows]
        t = hist["t"].to_numpy().astype(np.float64)[rows]
        t_last = t[np.arange(W), n - 1]
        t0 = t[:, :1]
        pos = self.est.predict(xy, n, ahead.shape[1], t - t0, t_last[:, None] + ahead - t0)
        return np.stack(self.proj.inverse(pos[..., 0], pos[..., 1]), -1)


class DeadReckoningAt:
    name = DeadReckoning.name

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        lat, lon, _ = dead_reckon(hist, ahead)
        return np.stack([lat, lon], -1)


def horizon_methods(train: pl.DataFrame, test: pl.DataFrame, proj: LocalProjection):
    """The baselines that answer at a time, and notes on those that cannot."""
    ests = [B.ConstantVelocity(use_time=True), B.LinearExtrapolation(3, "last", True),
            B.LinearExtrapolation(3, "fit", True)]  # fmt: skip
    methods: list = [BaselineAtTimes(e, proj) for e in ests]
    notes = ["kNN baselines: they continue in steps of the sampling, not at asked times"]
    if has_motion(test):
        methods.append(DeadReckoningAt())
    else:
        notes.append("dead reckoning: the table has no reported speed and course columns")
    return methods, notes


def evaluate_horizons(methods: list, task: HorizonTask, timed) -> list[dict]:
    """Rows (setting "+Hs") of every method's errors at each horizon; per-trajectory means for
    the paired ratios (``_per_traj``, over the trajectories that have a scored window)."""
    preds = {}
    times = {}
    for m in methods:
        preds[m.name], times[m.name] = timed(m.predict_at, task.hist, task.ahead)
    ids = np.unique(task.source.astype(str))
    code = np.searchsorted(ids, task.source.astype(str))
    rows = []
    for j, h in enumerate(task.horizons):
        ok = np.isfinite(task.truth[:, j, 0])
        for m in methods:
            p = preds[m.name][:, j]
            err = np.full(len(ok), np.nan)
            err[ok] = M.point_errors(p[ok], task.truth[ok, j])
            good = ok & np.isfinite(err)
            cnt = np.bincount(code[good], minlength=len(ids))
            with np.errstate(invalid="ignore", divide="ignore"):
                per = np.bincount(code[good], err[good], minlength=len(ids)) / cnt
            met = M.distance_metrics(err[good]) if good.any() else {"mae_m": float("nan")}
            met["n_no_answer"] = int((ok & ~good).sum())
            rows.append({"setting": f"+{h:g}s", "method": m.name, "metrics": met, "std": None,
                         "n_trajectories": int((cnt > 0).sum()), "n_points": int(good.sum()),
                         "fit_s": 0.0, "predict_s": float(times[m.name]), "_per_traj": per})  # fmt: skip
    return rows


def horizon_seconds(spec: str) -> tuple[float, ...]:
    """--horizon-s "60,300,600" -> (60.0, 300.0, 600.0): every item a number of seconds > 0;
    an empty item (``60,,300``, ``60,300,``) is refused, not dropped (badin34: read as
    60,300 unsaid), as are text and 0 / negative / infinite seconds: one line naming the option."""
    from trajlm._safety import UserError

    items = [x.strip() for x in spec.split(",")]
    if "" in items and any(items):
        raise UserError(f"--horizon-s {spec!r}: item {items.index('') + 1} is empty; expected "
                        "seconds > 0 like 60,300,600")  # fmt: skip
    try:
        out = tuple(float(x) for x in items if x)
    except ValueError:
        out = ()
    if not out or not all(0 < v < float("inf") for v in out):
        raise UserError(f"--horizon-s {spec!r}: expected seconds > 0 like 60,300,600")
    if len(set(out)) < len(out):  # before: each window asked and scored twice (badin36)
        twice = next(v for v in out if out.count(v) > 1)
        raise UserError(f"--horizon-s {spec!r}: {twice:g} s is given twice; give each horizon once")
    return out


def parse_horizons(spec: str | None, task: str, shifts, max_gap_s: float) -> tuple[float, ...]:
    """--horizon-s "60,300,600" -> (60.0, 300.0, 600.0); () when not given."""
    from trajlm._safety import UserError

    if spec is None:
        return ()
    if task != "predict" or shifts:
        raise UserError(
            f"--horizon-s is implemented for --task predict without --shift, not {task!r}"
        )
    if not max_gap_s > 0:  # the option at fault named (badin18: --horizon-s was blamed)
        raise UserError(f"--max-gap-s {max_gap_s}: expected seconds > 0 (the longest gap a "
                        "horizon window may span)")  # fmt: skip
    return horizon_seconds(spec)
