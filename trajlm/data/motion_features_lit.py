"""Transport-mode features from the literature, beside ``segment_features`` (issue 15, session 9).

Zheng et al. 2008 ("Understanding mobility based on GPS data") separate modes by how a segment
moves per unit of distance: heading change rate, stop rate and velocity change rate; Dabiri &
Heaslip 2018 add jerk. Buses stop every few hundred metres for 10-60 s, so stop spacing and
stop duration are added too, and the share of time in speed bands and the best speed sustained
over 30 / 60 / 120 s (a bike cannot hold 12 m/s for a minute; a car in traffic can).

Opt-in groups (``LIT_GROUPS``), each a few columns; ``lit_features(segments, groups)`` gives
``(X, names)`` with rows in sorted segment-id order (as ``segment_features``). Computed from
``traj_id, t, lat, lon`` only. Undefined values (fewer than 2 stops for their spacing, no 30 s
window in a short segment) are NaN: HistGradientBoosting routes missing values itself, and
"no stop" is information a 0 would blur.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.motion_features import point_kinematics

# Zheng et al. 2008's thresholds: heading change H_c = 19 deg, velocity change V_r = 0.26,
# stop V_s = 3.4 m/s; the extra turn thresholds bracket theirs (the brief: 15-30 deg).
TURN_DEG = (15.0, 19.0, 30.0)
VCR_RATIO = 0.26
STOP_MPS = (1.0, 2.0, 3.4)
RUN_STOP_MPS = 2.0  # a stop episode (duration, spacing): a run of steps slower than this
SPEED_BANDS = (2.0, 5.0, 10.0)  # m/s: time share below 2, 2-5, 5-10, above 10
WINDOWS_S = (30.0, 60.0, 120.0)

LIT_GROUPS: dict[str, tuple[str, ...]] = {
    "hcr": tuple(f"hcr{int(d)}_per100m" for d in TURN_DEG),
    "vcr": ("vcr_per100m",),
    "stops": tuple(f"stops{v:g}_per_km" for v in STOP_MPS)
    + ("stop_dur_mean_s", "stop_dur_p50_s", "stop_dur_max_s"),
    "spacing": ("stop_gap_mean_m", "stop_gap_p50_m", "stop_gap_cv"),
    "jerk": ("jerk_abs_p50", "jerk_abs_p90", "jerk_abs_max", "jerk_abs_mean"),
    "bands": ("t_below2_frac", "t_2to5_frac", "t_5to10_frac", "t_above10_frac"),
    "sustained": tuple(f"vmax_{int(w)}s" for w in WINDOWS_S) + ("v_avg_mps",),
}


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index ranges of the maximal True runs of a boolean array."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def _sustained(t: np.ndarray, cum_m: np.ndarray, window_s: float) -> float:
    """Highest mean speed over any stretch of at least ``window_s`` seconds (NaN if none)."""
    j = np.searchsorted(t, t + window_s, side="left")  # first point >= window_s later
    ok = j < len(t)
    if not ok.any():
        return float("nan")
    i = np.flatnonzero(ok)
    return float(np.max((cum_m[j[ok]] - cum_m[i]) / (t[j[ok]] - t[i])))


def _one(t, step, dt, v, turn, acc, groups) -> list[float]:
    """The features of one segment (arrays per point; index 0 is the first point: NaN steps)."""
    s, d, sp = step[1:], dt[1:], v[1:]  # per step (point k-1 -> k)
    length = float(np.nansum(s))
    per100 = 100.0 / length if length > 0 else float("nan")
    dur = float(t[-1] - t[0])
    out: list[float] = []
    if "hcr" in groups:
        tr = turn[np.isfinite(turn)]
        out += [float((tr > h).sum()) * per100 for h in TURN_DEG]
    if "vcr" in groups:
        prev = v[1:-1]
        ok = np.isfinite(prev) & (prev > 0.5) & np.isfinite(v[2:])  # ratio of near-0 = noise
        out.append(float((np.abs(v[2:][ok] - prev[ok]) / prev[ok] > VCR_RATIO).sum()) * per100)
    stops = _runs(sp < RUN_STOP_MPS)
    if "stops" in groups:
        out += [len(_runs(sp < th)) * 10.0 * per100 for th in STOP_MPS]
        durs = np.array([d[a:b].sum() for a, b in stops]) if stops else np.array([np.nan])
        out += [float(np.mean(durs)), float(np.median(durs)), float(np.max(durs))]
    if "spacing" in groups:
        cum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(s))])
        centre = np.array([cum[(a + b + 1) // 2] for a, b in stops])  # arc position of a stop
        gaps = np.diff(centre)
        if len(gaps):
            m = float(np.mean(gaps))
            out += [m, float(np.median(gaps)), float(np.std(gaps)) / m if m > 0 else float("nan")]
        else:
            out += [float("nan")] * 3
    if "jerk" in groups:
        jerk = np.abs(np.diff(acc[1:]) / d[1:]) if len(acc) > 2 else np.array([])
        jerk = jerk[np.isfinite(jerk)]
        if len(jerk):
            out += [float(np.median(jerk)), float(np.quantile(jerk, 0.9)), float(jerk.max()),
                    float(jerk.mean())]  # fmt: skip
        else:
            out += [float("nan")] * 4
    if "bands" in groups:
        edges = (-np.inf, *SPEED_BANDS, np.inf)
        tot = float(d.sum())
        out += [float(d[(sp >= lo) & (sp < hi)].sum()) / tot if tot > 0 else float("nan")
                for lo, hi in zip(edges[:-1], edges[1:], strict=True)]  # fmt: skip
    if "sustained" in groups:
        cum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(s))])
        out += [_sustained(t, cum, w) for w in WINDOWS_S]
        out.append(length / dur if dur > 0 else float("nan"))
    return out


def lit_features(
    segments: pl.DataFrame, groups: tuple[str, ...] | list[str] = tuple(LIT_GROUPS)
) -> tuple[np.ndarray, list[str]]:
    """``(X (N, F) float64, names)`` of the chosen ``LIT_GROUPS``, rows in sorted segment-id order.

    Rates are per 100 m (heading / velocity changes) or per km (stops). NaN where undefined.
    """
    groups = tuple(groups)
    if bad := [g for g in groups if g not in LIT_GROUPS]:
        raise ValueError(f"unknown feature group {bad[0]!r} (choose from {sorted(LIT_GROUPS)})")
    names = [n for g in LIT_GROUPS if g in groups for n in LIT_GROUPS[g]]
    k = point_kinematics(segments.select("traj_id", "t", "lat", "lon").sort(["traj_id", "t"]))
    ids = k["traj_id"].to_numpy()
    bounds = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    cols = [k[c].cast(pl.Float64).fill_null(np.nan).to_numpy()
            for c in ("t", "step_m", "dt_s", "speed_mps", "turn_deg", "accel_mps2")]  # fmt: skip
    ordered = [g for g in LIT_GROUPS if g in groups]  # columns follow LIT_GROUPS' order
    rows = [
        _one(*parts, ordered) for parts in zip(*(np.split(c, bounds) for c in cols), strict=True)
    ]
    X = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(names))
    X[np.isinf(X)] = np.nan
    return X, names
