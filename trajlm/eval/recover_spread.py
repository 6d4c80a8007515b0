"""``std_m`` and radii for recovered points (session 28, uncert28).

``TrajLM.recover`` fills hidden positions between known fixes; before this module a filled
point carried no uncertainty. Per hidden point the spread is read from the gap it lies in:

- ``gap_s``: the seconds between the known fixes either side of it;
- ``position``: its seconds to the nearer of them over ``gap_s`` (0 at a known fix, 0.5 in
  the middle);
- ``scale``: the distance the mover covers in that gap at its mean speed over its known fixes
  (at least ``FLOOR_M``): a walker's 2-minute gap and a taxi's differ by an order of magnitude
  in metres, not in err / scale.

Split-conformal factors of err / scale at 50 / 90 / 95 % and the sigma at which 2 sigma held
86.5 % (a 2-D Gaussian's share, the convention of prediction's ``std_m``) are fitted on val
answers per (gap length, position) bin, pooled where a bin has fewer than ``MIN_N`` answers or
answers of fewer than ``MIN_GROUPS`` sources. They live beside a checkpoint's weights in
``recover_radii.json`` (numbers only); scripts/uncert28/recover_cover.py fits and measures them.

Session 29 (uncert29): the file also keeps ``max_gap_s``, the longest gap among the val answers
the factors were fitted on. A point in a longer gap gets NaN ``std_m`` / radii and the call one
warning line saying so: err / scale was never measured there (a 30-day gap got a 537 m
"90 %" circle, badin28), and no widening rule can be checked on val answers that do not exist.
The mean speed behind ``scale`` leaves out steps between known fixes longer than it too: the
month's step made a 1.4 m/s walker's 20-s gap read as a 0.4 m circle. On the val answers the
file was fitted on no known step is longer than ``max_gap_s``, so the fit is unchanged by it.
A file without the field (session 28's) answers every gap, as before.

Session 30 (uncert30): the position bins are read from the file (``position_edges``, increasing
numbers in (0, 0.5)), so a file fitted with finer ones answers with them and older files with
theirs. On val the first bin (position <= 0.2) mixed points next to a known fix (err / scale
0.06; 68-75 % inside the 50 % circle) with points a little further in (0.11-0.12; 35-42 %):
``POSITION_EDGES`` now splits it at 0.1.

Session 31 (uncert31): a noise floor in the scale. Slow GeoLife trips' circles held 55-76 % at
90 %: their errors are GPS noise, which the mover's speed x gap does not see. ``jitter`` is the
call's own noise, read from its known fixes alone: the median distance of each interior known
fix from the time-linear interpolation of the known fixes either side (a straight, steady path
gives 0; GPS scatter gives about its size). A file with ``noise_floor`` k > 0 reads the scale as
hypot(speed x gap, k x jitter): a jittery slow track's circle widens, a clean one is left alone,
a fast mover's barely moves. Files without the field (sessions 28-30) answer as before.

Session 32 (uncert32): one rule for the longest known step the mean speed and the jitter read,
at fit time and at answer time: ``step_limit_s`` (the calibrated gap, ``calibrated_gap_s`` of the
scored hidden points, which the fit keeps as ``max_gap_s``). The run fit read every step while
answers left out those past ``max_gap_s`` (review31), so a long known step without hidden points
in it moved the fitted speed and not the answered one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from trajlm.errors import TrajlmInputError, warn_at_caller
from trajlm.eval.radii_bins import conformal_quantile

RECOVER_RADII_FILE = "recover_radii.json"
GAP_EDGES_S = (60.0, 180.0)  # gap seconds: <= 60, 60-180, > 180
# folded position in the gap: next to a fix, near it, between, middle (0.1 since session 30)
POSITION_EDGES = (0.1, 0.2, 0.35)
LEVELS = (50, 90, 95)
FLOOR_M = 1.0
MIN_N, MIN_GROUPS = 100, 2
# a factor past this many gap distances is no val fit's (trajlm-small's 95 % factors are 0.3-0.7):
# a hand-edited file's 1e300 gave circles of 1e302 m (badin28)
MAX_FACTOR = 100.0
M_PER_DEG = 111_320.0
SIGMA_SHARE = 1 - np.exp(-2.0)  # 86.5 %: a 2-D Gaussian's share within 2 sigma
# the noise floor k a new fit uses (session 31, chosen on GeoLife val: scripts/uncert31/)
NOISE_FLOOR = 1.0
MAX_NOISE_FLOOR = 20.0  # k x jitter: val fits choose k of a few; past this a file is hand-edited
# what gap_features gives per row: the factors' bin (gap_s, position) and their scale's parts
GAP_FEATURES = ("gap_s", "position", "scale", "jitter")


def jitter_m(t: np.ndarray, x: np.ndarray, y: np.ndarray, max_step_s: float | None = None) -> float:
    """The median distance (m) of each interior fix of one trajectory's known fixes (time order,
    local metres) from the time-linear interpolation of its two neighbours; 0 with fewer than 3
    fixes. Triplets with a step longer than ``max_step_s`` are left out (as the mean speed's)."""
    if len(t) < 3:
        return 0.0
    d1, d2, span = t[1:-1] - t[:-2], t[2:] - t[1:-1], t[2:] - t[:-2]
    ok = span > 0
    if max_step_s is not None:
        ok &= (d1 <= max_step_s) & (d2 <= max_step_s)
    if not ok.any():
        return 0.0
    w = np.where(ok, d1 / np.where(span > 0, span, 1.0), 0.0)
    px, py = x[:-2] + w * (x[2:] - x[:-2]), y[:-2] + w * (y[2:] - y[:-2])
    return float(np.median(np.hypot(x[1:-1] - px, y[1:-1] - py)[ok]))


def calibrated_gap_s(gap_s: Any) -> float:
    """The longest gap among scored hidden points: a fit keeps it as ``max_gap_s`` (points in
    longer gaps get no circle) and reads the scale with it as ``step_limit_s``."""
    g = np.asarray(gap_s, np.float64)
    return float(np.max(g[np.isfinite(g)]))


def step_limit_s(spread: dict) -> float | None:
    """The longest known step the scale's mean speed and jitter read, for a fit's rows and for
    the answers alike: the file's calibrated gap (None for session 28's files: every step)."""
    limit = spread.get("max_gap_s")
    return None if limit is None else float(limit)


def floored_scale(spread: dict, feats: dict[str, np.ndarray]) -> np.ndarray:
    """The scale the factors multiply: hypot(speed x gap, k x jitter) with the file's
    ``noise_floor`` k (session 31; 0 or absent: ``feats["scale"]`` itself)."""
    k = float(spread.get("noise_floor", 0.0))
    if k <= 0:
        return feats["scale"]
    return np.hypot(feats["scale"], k * feats["jitter"])


def gap_features(t: Any, latlon: Any, known: Any, groups: Any,
                 max_step_s: float | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """Per row (time order within each group): ``gap_s``, ``position``, ``scale`` and the
    trajectory's ``jitter`` (module doc); NaN on known rows and on hidden rows without a known
    fix either side. ``max_step_s``: the mean speed (and the jitter) leave out steps between
    known fixes longer than this (the calibrated gap)."""
    t, ll = np.asarray(t, np.float64), np.asarray(latlon, np.float64)
    known, groups = np.asarray(known, bool), np.asarray(groups)
    n = len(t)
    out = {k: np.full(n, np.nan) for k in GAP_FEATURES}
    for g in np.unique(groups):
        idx = np.nonzero(groups == g)[0]
        k = idx[known[idx]]
        hidden = idx[~known[idx]]
        if len(k) < 2 or not len(hidden):
            continue
        y = (ll[k, 0] - ll[k[-1], 0]) * M_PER_DEG
        x = (
            ((ll[k, 1] - ll[k[-1], 1] + 180) % 360 - 180)
            * M_PER_DEG
            * np.cos(np.radians(ll[k[-1], 0]))
        )
        noise = jitter_m(t[k], x, y, max_step_s)
        step, dt = np.hypot(np.diff(x), np.diff(y)), np.diff(t[k])
        if max_step_s is not None:  # a month parked is no slow walk: steps past it leave
            step, dt = step[dt <= max_step_s], dt[dt <= max_step_s]
        speed = float(step.sum() / dt.sum()) if dt.sum() > 0 else 0.0
        j = np.searchsorted(t[k], t[hidden], side="right")  # the known fix after each
        ok = (j > 0) & (j < len(k))
        prev, nxt = t[k[np.clip(j - 1, 0, len(k) - 1)]], t[k[np.clip(j, 0, len(k) - 1)]]
        gap = np.where(ok, nxt - prev, np.nan)
        near = np.minimum(t[hidden] - prev, nxt - t[hidden])
        with np.errstate(invalid="ignore", divide="ignore"):
            out["gap_s"][hidden] = gap
            out["position"][hidden] = np.where(gap > 0, near / gap, np.nan)
            out["scale"][hidden] = np.where(ok, np.maximum(speed * gap, FLOOR_M), np.nan)
            out["jitter"][hidden] = np.where(ok, noise, np.nan)
    return out


def _bin(gap_s: np.ndarray, position: np.ndarray,
         position_edges: tuple[float, ...] = POSITION_EDGES) -> np.ndarray:  # fmt: skip
    """(gap bin, position bin) as one index; -1 where either is not a number."""
    ok = np.isfinite(gap_s) & np.isfinite(position)
    gi = np.searchsorted(GAP_EDGES_S, np.where(ok, gap_s, 0.0), side="left")
    pi = np.searchsorted(position_edges, np.where(ok, position, 0.0), side="left")
    return np.where(ok, gi * (len(position_edges) + 1) + pi, -1)


def _entry(r: np.ndarray, w: np.ndarray) -> dict:
    return {"factors": {str(lv): conformal_quantile(r, w, lv / 100) for lv in LEVELS},
            "sigma": conformal_quantile(r, w, SIGMA_SHARE) / 2.0, "n": int(len(r))}  # fmt: skip


def fit_recover_spread(err: Any, feats: dict[str, np.ndarray], w: Any, groups: Any,
                       note: str = "",
                       position_edges: tuple[float, ...] = POSITION_EDGES,
                       noise_floor: float = 0.0) -> dict:  # fmt: skip
    """The spread (module doc) from val answers: ``err`` metres per hidden row, ``feats``
    (``gap_features``), ``w`` weights, ``groups`` their source; ``noise_floor`` k: the scale
    is hypot(speed x gap, k x jitter) (session 31; 0: speed x gap alone)."""
    floor = {"noise_floor": float(noise_floor)} if noise_floor > 0 else {}
    r = np.asarray(err, np.float64) / floored_scale(floor, feats)
    w, groups = np.asarray(w, np.float64), np.asarray(groups)
    use = np.isfinite(r) & np.isfinite(w)
    b = _bin(feats["gap_s"], feats["position"], position_edges)
    bins = []
    for i in range((len(GAP_EDGES_S) + 1) * (len(position_edges) + 1)):
        m = use & (b == i)
        if m.sum() >= MIN_N and len(set(groups[m].tolist())) >= MIN_GROUPS:
            bins.append({"bin": i, **_entry(r[m], w[m])})
    return {"kind": "trajlm-recover-radii", "version": 1, "note": note,
            "gap_edges_s": list(GAP_EDGES_S), "position_edges": list(position_edges), **floor,
            "max_gap_s": calibrated_gap_s(feats["gap_s"][use]),  # past it: NaN (module doc)
            "pooled": _entry(r[use], w[use]), "bins": bins}  # fmt: skip


def beyond_calibration(spread: dict, gap_s: np.ndarray) -> np.ndarray:
    """True where a point's gap is longer than the longest the spread was fitted on."""
    limit = spread.get("max_gap_s")
    if limit is None:  # session 28's file: no limit was kept
        return np.zeros(len(gap_s), bool)
    return np.isfinite(gap_s) & (gap_s > float(limit))


def spread_columns(spread: dict, feats: dict[str, np.ndarray],
                   levels: list[int] | None = None) -> dict[str, np.ndarray]:  # fmt: skip
    """{"std_m": ..., "r{level}_m": ...} per row (NaN where ``feats`` are)."""
    edges = tuple(spread.get("position_edges", POSITION_EDGES))
    b = _bin(feats["gap_s"], feats["position"], edges)
    by_bin = {e["bin"]: e for e in spread["bins"]}
    pooled = spread["pooled"]
    entries = [by_bin.get(int(i), pooled) for i in b]
    scale = floored_scale(spread, feats)
    out = {"std_m": np.array([e["sigma"] for e in entries], np.float64) * scale}
    for lv in levels or []:
        f = np.array([e["factors"][str(lv)] for e in entries], np.float64)
        out[f"r{lv}_m"] = f * scale
    beyond = beyond_calibration(spread, feats["gap_s"])
    return {k: np.where(beyond, np.nan, v) for k, v in out.items()}


def _duration(s: float) -> str:
    for unit, n in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if s >= 2 * n:
            return f"{s / n:.1f} {unit}"
    return f"{s:.0f} s"


def beyond_line(spread: dict, gap_s: np.ndarray) -> str | None:
    """The one line a call with points past the calibrated gap gets (None: there are none)."""
    beyond = beyond_calibration(spread, gap_s)
    if not beyond.any():
        return None
    return (f"radii: {int(beyond.sum())} recovered point(s) lie in gaps longer than the longest "
            f"the val calibration saw ({_duration(float(spread['max_gap_s']))}; the longest here "
            f"{_duration(float(np.max(gap_s[beyond])))}): their std_m and radii are NaN, "
            "not measured that far")  # fmt: skip


def with_recover_spread(out: Any, known: Any, spread: dict, levels: list[int]) -> Any:
    """A canonical recover answer (traj_id, t, lat, lon, ... in time order per trajectory)
    with ``std_m`` and ``r{level}_m`` per recovered row (NaN on the known ones, and past the
    calibrated gap, said in one warning pointed at the caller's line: a fixed stacklevel broke
    when session 32 put the edge-row split between recover and its fill)."""
    import polars as pl

    from trajlm.data.coerce_tasks import trajectory_numbers
    from trajlm.eval.radii_regime import seconds

    f = gap_features(seconds(out["t"]).to_numpy(), out.select("lat", "lon").to_numpy(),
                     known, trajectory_numbers(out), step_limit_s(spread))  # fmt: skip
    cols = spread_columns(spread, f, levels)
    if line := beyond_line(spread, f["gap_s"]):
        warn_at_caller(line)
    return out.with_columns(pl.Series(k, v, dtype=pl.Float64) for k, v in cols.items())


def _entry_ok(e: Any) -> bool:
    try:
        vals = [e["factors"][str(lv)] for lv in LEVELS] + [e["sigma"]]
    except (KeyError, TypeError):
        return False
    if not all(not isinstance(v, bool) and isinstance(v, int | float) and np.isfinite(v)
               and 0 < v <= MAX_FACTOR for v in vals):  # fmt: skip
        return False
    # 2 sigma is the 86.5 % factor: between the 50 % and the 95 % ones (badin28)
    return vals[:3] == sorted(vals[:3]) and vals[0] <= 2 * vals[3] <= vals[2]


def _positive(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, int | float) and bool(np.isfinite(v)) and v > 0


def load_recover_spread(directory: str | Path | None) -> dict | None:
    """The spread saved beside a checkpoint (None: it has none), or one TrajlmInputError line
    naming the file and the field."""
    if directory is None or not (p := Path(directory) / RECOVER_RADII_FILE).is_file():
        return None
    try:
        d = json.loads(p.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise TrajlmInputError(f"{p}: not readable JSON ({e})") from None
    if not isinstance(d, dict) or d.get("kind") != "trajlm-recover-radii":
        raise TrajlmInputError(f"{p}: kind: expected 'trajlm-recover-radii'")
    if d.get("version") != 1 or isinstance(d.get("version"), bool):
        raise TrajlmInputError(
            f"{p}: version: expected 1 (this trajlm's), got {d.get('version')!r}"
        )
    if list(d.get("gap_edges_s", [])) != list(GAP_EDGES_S):
        raise TrajlmInputError(f"{p}: gap_edges_s: expected {list(GAP_EDGES_S)} (this "
                               "trajlm's bins)")  # fmt: skip
    pe = d.get("position_edges")  # session 30: read from the file (session 28-29's: 0.2, 0.35)
    if not (isinstance(pe, list) and 0 < len(pe) <= 5 and all(_positive(v) and v < 0.5 for v in pe)
            and pe == sorted(set(pe))):  # fmt: skip
        raise TrajlmInputError(f"{p}: position_edges: increasing numbers in (0, 0.5), at most 5 "
                               f"(the folded position in the gap), got {pe!r}")  # fmt: skip
    if "max_gap_s" in d and not _positive(d["max_gap_s"]):
        raise TrajlmInputError(f"{p}: max_gap_s: expected the longest calibrated gap in seconds "
                               f"(a number > 0), got {d['max_gap_s']!r}")  # fmt: skip
    k = d.get("noise_floor", 0.0)  # session 31
    if not (k == 0 or _positive(k)) or isinstance(k, bool) or k > MAX_NOISE_FLOOR:
        raise TrajlmInputError(f"{p}: noise_floor: expected a number in [0, {MAX_NOISE_FLOOR:g}] "
                               f"(jitter multiples in the scale), got {k!r}")  # fmt: skip
    need = (f"factors 50 / 90 / 95 growing in (0, {MAX_FACTOR:g}] and a sigma with 2 sigma "
            "between the 50 and 95 factors")  # fmt: skip
    if not _entry_ok(d.get("pooled")):
        raise TrajlmInputError(f"{p}: pooled: {need}")
    nbins = (len(GAP_EDGES_S) + 1) * (len(pe) + 1)
    seen: set[int] = set()
    for k, e in enumerate(d.get("bins") if isinstance(d.get("bins"), list) else [None]):
        b = e.get("bin") if isinstance(e, dict) else None
        if not _entry_ok(e) or isinstance(b, bool) or not isinstance(b, int) or not 0 <= b < nbins:
            raise TrajlmInputError(f"{p}: bins[{k}]: a bin in [0, {nbins}) with {need}")
        if b in seen:  # the later entry would answer silently (badin28)
            raise TrajlmInputError(f"{p}: bins[{k}]: bin {b} given twice")
        seen.add(b)
    from trajlm.eval.weights_stamp import stamped_for_other_weights

    # a run's fit (eval/run_recover_radii.py) of weights no longer beside it
    if stamped_for_other_weights(d, p, "recover(radii=) is refused", stacklevel=3):
        return None
    return d


__all__ = ["GAP_FEATURES", "NOISE_FLOOR", "RECOVER_RADII_FILE", "beyond_calibration", "beyond_line",
           "calibrated_gap_s", "fit_recover_spread", "floored_scale", "gap_features", "jitter_m",
           "load_recover_spread", "spread_columns", "step_limit_s",
           "with_recover_spread"]  # fmt: skip
