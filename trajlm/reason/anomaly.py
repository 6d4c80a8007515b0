"""Anomaly detection with the model's own predictive distribution, calibrated on normal data.

    det = trajlm.AnomalyDetector(model).fit(val_df)   # normal trajectories: the calibration
    table = det.score(df)                             # one row per trajectory, worst first
    det.save("runs/synth/anomaly.json")               # the calibration, beside the model
    det = AnomalyDetector.load(model, "runs/synth/anomaly.json")

Per point (trajlm/reason/anomaly_scores.py), one of:

    "rollout"  (default) the model rolls out `horizon` points from the point and the observed
               next ones are scored under that rollout (mean Gaussian NLL, nats per point)
    "nll"      the one-step NLL of the step into the point (teacher-forced)
    "z2"       the same step's squared error in the model's predicted scale
    "rollout+dwell"  two pieces of evidence: the rollout score's trajectory aggregate, and
               the rollout score summed over the trajectory's longest-evidence still run
               (``dwell_scores``: long stops, which a per-point score misses); each is turned
               into a p-value against normal data, and the trajectory's score is
               -log10 of the smaller one (min-p), itself calibrated on the normal data, so
               ``p_value`` stays a proper false-alarm rate
    "rollout+z2+dwell"  the same with a third piece: the worst one-step ``z2`` (spikes)

and per trajectory an aggregate of those: "max" (its worst point), "top3" (mean of its three
worst; the default: tuned on injected val data, docs/anomalies.md), "segment" (the worst mean
over `segment_steps` consecutive points) or "mean".

The calibration is the sorted scores of normal (val) trajectories: ``p_value`` = the fraction
of normal trajectories that score at least as high (+1 smoothing), so ``alpha`` is the same
false-alarm rate on any data set. Each row also names the worst segment (the points the
worst score covers) and, with ``explain``, what is unusual there (trajlm/reason/explain.py).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data import geo
from trajlm.data.coerce import coerce
from trajlm.data.coerce_layout import Layout
from trajlm.data.coerce_out import from_canonical
from trajlm.data.geometry import trajectory_offsets
from trajlm.reason.anomaly_gaps import with_dark_gaps
from trajlm.reason.anomaly_out import segments_in_caller_crs
from trajlm.reason.anomaly_pvalues import (
    EVIDENCE_COLUMNS,
    calibration_jumps_line,
    finite_sorted,
    min_p_score,
    p_at_least,
    part_p_values,
)
from trajlm.reason.anomaly_scores import (
    dwell_scores,
    rollout_scores,
    segment_means,
    step_scores,
)

SCORES = ("rollout", "nll", "z2", "rollout+dwell", "rollout+z2+dwell")
# combined scores: their pieces of evidence, each a p-value against normal data (min-p);
# a tie names the first piece's segment (a stop's whole still run says more than one point)
COMBINED = {"rollout+dwell": ("dwell", "rollout"), "rollout+z2+dwell": ("dwell", "rollout", "z2")}
AGGREGATES = ("top3", "max", "segment", "mean")
CALIBRATION_VERSION = 1


@dataclass
class DetectorConfig:
    score: str = "rollout+z2+dwell"  # one of SCORES (the best or tied on val, docs/anomalies.md)
    aggregate: str = "top3"  # one of AGGREGATES
    horizon: int = 4  # rollout: observed points scored after each point
    history: int = 24  # rollout: points of history each rollout starts from
    segment_steps: int = 5  # "segment": points per segment
    alpha: float = 0.01  # is_anomaly = p_value < alpha (false alarms on normal data)
    window: int = 48  # nll / z2: points per window (the demo / porto configs train on 48)
    batch_size: int = 512
    # "rollout+dwell" (duration-aware stop evidence, docs/anomalies.md)
    still_m: float = 10.0  # a step under this many metres is standing still

    def __post_init__(self) -> None:
        if self.score not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, got {self.score!r}")
        if self.aggregate not in AGGREGATES:
            raise ValueError(f"aggregate must be one of {AGGREGATES}, got {self.aggregate!r}")
        for name in ("horizon", "history", "segment_steps", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.window < 4:
            raise ValueError(f"window must be >= 4, got {self.window}")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")


def raw_scores(model, df: pl.DataFrame, config: DetectorConfig) -> np.ndarray:
    """The per-point values of `config.score` for `df` sorted by (traj_id, t), NaN where
    undefined (what ``point_scores`` aggregates; computed once, reusable across aggregates)."""
    df = df.sort(["traj_id", "t"])
    if config.score == "rollout" or config.score in COMBINED:
        return rollout_scores(model, df, config.history, config.horizon, config.batch_size)
    s = step_scores(model, df, config.window, config.batch_size)
    return s[config.score].fill_null(np.nan).to_numpy()


def point_scores(
    model, df: pl.DataFrame, config: DetectorConfig, raw: np.ndarray | None = None
) -> pl.DataFrame:
    """The canonical table sorted by (traj_id, t) plus ``value`` (the per-point score of
    `config.score`, null where undefined) and ``seg_lo`` / ``seg_hi`` (the rows, within the
    trajectory, that each value covers). `raw`: ``raw_scores`` already computed. With
    a combined score also ``dwell`` and ``dwell_lo`` (``dwell_scores``) and, with "z2",
    ``step_z2`` (``step_scores``)."""
    df = df.sort(["traj_id", "t"])
    start, length = trajectory_offsets(df)
    local = np.arange(len(df)) - np.repeat(start, length)
    last = np.repeat(length - 1, length)
    v = raw_scores(model, df, config) if raw is None else raw
    extra = {}
    if "dwell" in COMBINED.get(config.score, ()):
        dwell, dwell_lo = dwell_scores(v, df, config.still_m)
        extra = {"dwell": pl.Series(dwell), "dwell_lo": pl.Series(dwell_lo)}
    if "z2" in COMBINED.get(config.score, ()):
        extra["step_z2"] = step_scores(model, df, config.window, config.batch_size)["z2"]
    if config.score == "rollout" or config.score in COMBINED:
        lo, hi = local, np.minimum(local + config.horizon, last)
    else:
        lo, hi = np.maximum(local - 1, 0), local
    if config.aggregate == "segment":
        k = config.segment_steps
        v = segment_means(np.nan_to_num(v), start, length, k)
        lo = np.maximum(lo - k + 1, 0)
    return df.with_columns(
        value=pl.Series(v, dtype=pl.Float64).fill_nan(None),
        seg_lo=pl.Series(lo), seg_hi=pl.Series(hi), **extra,
    )  # fmt: skip


def trajectory_scores(points: pl.DataFrame, aggregate: str) -> pl.DataFrame:
    """One row per trajectory of ``point_scores`` output: traj_id, score, the row of its worst
    value (``worst``, global) and that value (``seg_score``)."""
    agg = {
        "max": pl.col("value").max(),
        "segment": pl.col("value").max(),
        "mean": pl.col("value").mean(),
        "top3": pl.col("value").drop_nulls().sort(descending=True).head(3).mean(),
    }[aggregate]
    more = [c for c in ("dwell", "step_z2") if c in points.columns]
    frame = points.select("traj_id", "value", *more)
    extra = []
    for c in more:
        name = c.removeprefix("step_")
        extra += [
            pl.col(c).max().alias(name),
            pl.col("row").get(pl.col(c).fill_null(-np.inf).arg_max()).alias(f"{name}_worst"),
        ]
    return (
        frame.with_row_index("row")
        .group_by("traj_id", maintain_order=True)
        .agg(
            agg.alias("score"),
            pl.col("value").max().alias("seg_score"),
            pl.col("row").get(pl.col("value").fill_null(-np.inf).arg_max()).alias("worst"),
            *extra,
        )
    )


def _as_model(model: Any):
    """A TrajectoryModel from a TrajectoryModel, a trajlm.TrajLM or a run / weights path."""
    if hasattr(model, "model") and hasattr(model, "predict"):  # trajlm.TrajLM
        return model.model
    if isinstance(model, str | Path):
        from trajlm.model import TrajectoryModel

        return TrajectoryModel.from_pretrained(model).eval()
    return model.eval()


class AnomalyDetector:
    """scikit-learn-like: ``AnomalyDetector(model, **DetectorConfig fields).fit(normal).score(df)``.

    model: a ``TrajectoryModel`` (Gaussian head), a ``trajlm.TrajLM`` or a run directory.
    After ``fit``: ``calibration_`` (the sorted normal scores and the kinematics of normal
    data that explanations compare with), JSON-serializable (``save`` / ``load``).
    """

    def __init__(self, model: Any, **config: Any) -> None:
        self.model = _as_model(model)
        if self.model.config.head != "gaussian":
            raise ValueError("AnomalyDetector needs a model with the Gaussian head")
        self.config = DetectorConfig(**config)
        self.calibration_: dict | None = None

    def _canonical(self, data: Any, columns: dict) -> tuple[pl.DataFrame, Any]:
        from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule

        check_keywords("AnomalyDetector", columns, COLUMN_KEYWORDS)  # one line (badin20)
        if (
            isinstance(data, pl.DataFrame)
            and not columns
            and {"traj_id", "t", "lat", "lon"} <= set(data.columns)
        ):
            from trajlm.data.schema import check_model_input

            return check_model_input(data, "anomaly input"), None
        return coerce(data, **with_gap_rule(columns))  # trips of a vehicle, as TrajLM reads

    def score_points(self, data: Any, **columns: Any) -> pl.DataFrame:
        """Per-point scores (Polars): the canonical columns + value, seg_lo, seg_hi."""
        return point_scores(self.model, self._canonical(data, columns)[0], self.config)

    def fit(self, data: Any, **columns: Any) -> AnomalyDetector:
        """Calibrate on normal trajectories (e.g. the val split of the model's store)."""
        from trajlm.reason.explain import usual_stats

        points = self.score_points(data, **columns)
        if line := calibration_jumps_line(points, self.model):
            warnings.warn(line, stacklevel=2)
        traj = trajectory_scores(points, self.config.aggregate)
        parts = None
        if self.config.score in COMBINED:  # the normal reference of each piece of evidence
            parts = {
                k: finite_sorted(traj[EVIDENCE_COLUMNS[k]].to_numpy())
                for k in COMBINED[self.config.score]
            }
            traj = traj.with_columns(score=pl.Series(min_p_score(traj, parts)))
        scores = finite_sorted(traj["score"].to_numpy())
        if len(scores) == 0:
            raise ValueError("fit: no trajectory with at least 3 points to calibrate on")
        if 1.0 / (len(scores) + 1) >= self.config.alpha:
            warnings.warn(
                f"calibrated on {len(scores)} normal trajectories: p-values below "
                f"1/{len(scores) + 1} are impossible, so alpha={self.config.alpha:g} flags "
                f"nothing; calibrate on >= {int(np.ceil(1 / self.config.alpha))} trajectories "
                "or raise alpha",
                stacklevel=2,
            )
        self.calibration_ = {
            "version": CALIBRATION_VERSION,
            "config": asdict(self.config),
            "n_trajectories": int(len(scores)),
            "scores": scores.tolist(),
            "usual": usual_stats(points),
        }
        if parts is not None:
            self.calibration_["parts"] = {k: v.tolist() for k, v in parts.items()}
        return self

    def trajectory_table(self, points: pl.DataFrame) -> pl.DataFrame:
        """``trajectory_scores`` with the detector's final ``score``. For a combined score
        that is the min-p evidence, and the piece with the smallest p-value names the worst
        segment: ``worst`` its last row and ``seg_start`` its first (the still run of a
        dwell, the step into the point of a z2); null ``seg_start`` = the row's own segment."""
        traj = trajectory_scores(points, self.config.aggregate)
        if self.config.score not in COMBINED:
            return traj.with_columns(seg_start=pl.lit(None, pl.Int64))
        parts = self._calibration()["parts"]
        p = part_p_values(traj, parts)
        win = np.array(list(parts))[p.argmin(0)]
        start, _ = trajectory_offsets(points)
        first = np.repeat(start, np.diff(np.append(start, len(points))))
        worst, seg_score = traj["worst"].to_numpy(), traj["seg_score"].to_numpy()
        seg_start = np.full(len(traj), -1)
        for k in ("z2", "dwell"):
            if k in parts:
                w = win == k
                worst = np.where(w, traj[f"{k}_worst"].to_numpy(), worst)
                seg_score = np.where(w, traj[k].to_numpy(), seg_score)
        if "dwell" in parts:
            lo = first[worst] + points["dwell_lo"].to_numpy()[worst]
            seg_start = np.where(win == "dwell", lo, seg_start)
        seg_start = np.where(win == "z2", np.maximum(worst - 1, first[worst]), seg_start)
        return traj.with_columns(
            score=pl.Series(-np.log10(p.min(0))),
            worst=pl.Series(worst),
            seg_score=pl.Series(seg_score),
            seg_start=pl.Series(seg_start).replace(-1, None),
        )

    def p_values(self, scores: np.ndarray) -> np.ndarray:
        """Fraction of the calibration's normal trajectories scoring >= each score (+1
        smoothing: a p-value is never below 1 / (n + 1))."""
        return p_at_least(np.asarray(self._calibration()["scores"]), scores)

    def score(self, data: Any, explain: bool = True, local: bool = False, **columns: Any) -> Any:
        """One row per trajectory, highest score first: traj_id, score, p_value, is_anomaly,
        the worst segment (seg_start_t, seg_end_t, seg_lat, seg_lon, seg_score) and, with
        ``explain``, ``kind`` and ``explanation`` (a sentence). The caller's frame kind, with
        the segment times as the input had them (datetimes in its zone, which the sentences
        use too) and, for projected input, the segment's point in its CRS (anomaly_out.py).
        ``local``: a canonical frame's lat / lon are a `--crs local` plane's (a store's): the
        segment as ``seg_y`` / ``seg_x`` and sentences in metres (``crs="local"`` says so too)."""
        df, layout = self._canonical(data, columns)
        tz = layout.time_zone if layout is not None and layout.time_kind == "datetime" else None
        local = local or (layout is not None and geo.is_local(layout.crs))
        out = self.table(point_scores(self.model, df, self.config), explain, tz=tz, local=local)
        if layout is None:  # local36: a local store's segment was shown at 1 N 1 E
            plane = Layout("polars", lat_col="y", lon_col="x", crs="local")
            return segments_in_caller_crs(out, plane) if local else out
        out = from_canonical(out, layout=layout, times=("seg_start_t", "seg_end_t"), ranked=True)
        return segments_in_caller_crs(out, layout)  # projected input: the segment in its CRS

    def table(self, points: pl.DataFrame, explain: bool = True, tz: str | None = None,
              local: bool = False) -> pl.DataFrame:  # fmt: skip
        """``score``'s table from ``score_points`` output (Polars); sentences' clock times in
        zone ``tz`` (UTC when None); ``local``: sentences place points in x / y metres."""
        cal = self._calibration()
        traj = self.trajectory_table(points)
        start, _ = trajectory_offsets(points)
        worst = traj["worst"].to_numpy()
        first = np.repeat(start, np.diff(np.append(start, len(points))))
        lo = first[worst] + points["seg_lo"].to_numpy()[worst]
        hi = first[worst] + points["seg_hi"].to_numpy()[worst]
        dwell_start = traj["seg_start"].fill_null(-1).to_numpy()
        lo, hi = np.where(dwell_start >= 0, dwell_start, lo), np.where(dwell_start >= 0, worst, hi)
        t, lat, lon = (points[c].to_numpy() for c in ("t", "lat", "lon"))
        p = self.p_values(traj["score"].to_numpy())
        mid = (lo + hi) // 2
        out = traj.select("traj_id", "score").with_columns(
            p_value=pl.Series(p),
            is_anomaly=pl.Series(p < self.config.alpha),
            seg_start_t=pl.Series(t[lo]),
            seg_end_t=pl.Series(t[hi]),
            seg_lat=pl.Series(lat[mid]),
            seg_lon=pl.Series(lon[mid]),
            seg_score=traj["seg_score"],
        )
        if explain:
            from trajlm.reason.explain import explain_segments

            kinds, text = explain_segments(points, start, lo, hi, cal["usual"], tz=tz, local=local)
            out = out.with_columns(kind=pl.Series(kinds), explanation=pl.Series(text))
        out = with_dark_gaps(out, points, explain, tz, local)  # "went dark" (anomaly_gaps.py)
        return out.sort(
            "score", "traj_id", descending=[True, False], nulls_last=True
        )  # ties: by id

    def _calibration(self) -> dict:
        if self.calibration_ is None:
            raise ValueError("AnomalyDetector: call fit(normal_data) (or load) before scoring")
        return self.calibration_

    def save(self, path: str | Path) -> Path:
        """Write the calibration (with the detector's config) as JSON, atomically."""
        from trajlm.model.weights import atomic_write

        path = Path(path)
        text = json.dumps(self._calibration())
        atomic_write(path, lambda p: Path(p).write_text(text))
        return path

    @classmethod
    def load(cls, model: Any, path: str | Path) -> AnomalyDetector:
        """A fitted detector from ``save``'s JSON and the model it was fitted with."""
        from trajlm._safety import reading

        todo = "fit the detector again (AnomalyDetector(model).fit(val))"
        with reading(Path(path), todo, (TypeError, KeyError, ValueError)):
            cal = json.loads(Path(path).read_text())
            if not isinstance(cal, dict) or cal.get("version") != CALIBRATION_VERSION:
                raise ValueError(f"not an anomaly calibration of version {CALIBRATION_VERSION}")
            det = cls(model, **cal["config"])
        det.calibration_ = cal
        return det
