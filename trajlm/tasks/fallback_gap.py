"""Recovery's fallback interpolation picked by gap length (session 28, recfall28).

When the call check or the run's val verdict falls back to interpolation, the call's own
backtest picks one of Akima / PCHIP / linear for the whole call (fallback_recover.py). That
backtest hides every other known point, so on a downsampled call its gaps are twice the real
ones and its points few: recfall27 found the loss of that pick there (docs/recovery.md
"Session 27"). Here the pick is made by gap length instead, from a table saved with the run:

- ``gap_table(train)``: on up to MAX_TRIPS trips of the store's train split (their first
  MAX_POINTS fixes), fixes are hidden in several patterns (half of them at random, and every
  2, 4, 8, ... x the median step) and each interpolation's error is summed per gap-length bin
  (log2 of the gap's seconds between its known anchors). Numbers only: it is saved in the
  run's ``val_verdict.json`` (JSON, no pickle).
- ``interpolate_by_gap(table, ...)``: each gap of the call is filled by the interpolation with
  the lowest mean error in its bin on those trips (a bin with fewer than MIN_POINTS hidden
  fixes borrows the nearest bin within one octave); a gap with no such bin, or with a known
  point on one side only, keeps the call's own pick.

Runs saved before session 28 have no table and answer as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.tasks.fallback_recover import INTERPS, interpolate
from trajlm.tasks.recover_interp import neighbours

MAX_TRIPS, MAX_POINTS = 200, 600  # the train trips a table reads (seeded sample), fixes each
MAX_OCTAVES = 8  # downsampled patterns: every 2, 4, ..., 256 x the median step
MIN_POINTS = 30  # hidden fixes a bin needs before it picks
BORROW = 1  # octaves a bin without evidence may borrow across
PICKS = ("backtest", "lengths", "lengths per gap")  # BridgeRecoverer(gap_rule=...)
MARGIN = 0.02  # rule "margin": the table overrides the call's pick when 2 % better in the bin
MAX_BIN = 40  # log2 gap seconds: 2^40 s is 35,000 years (a bin past it allocated for ever: badin28)


def gap_seconds(t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(P,) seconds between the known anchors of each hidden row's gap; NaN on known rows and
    on hidden rows with a known point on one side only."""
    known = np.asarray(known, bool)
    prev, nxt = neighbours(known, groups)
    t = np.asarray(t, np.float64)
    ok = ~known & (prev >= 0) & (nxt >= 0)
    out = np.full(len(known), np.nan)
    out[ok] = t[nxt[ok]] - t[prev[ok]]
    return out


def gap_bins(seconds: np.ndarray) -> np.ndarray:
    """(P,) int: floor(log2(seconds)) (1 s and under: 0); -1 where NaN."""
    s = np.asarray(seconds, np.float64)
    out = np.full(len(s), -1, np.int64)
    ok = np.isfinite(s)
    out[ok] = np.floor(np.log2(np.maximum(s[ok], 1.0))).astype(np.int64)
    return out


def _patterns(df: pl.DataFrame) -> list[tuple[str, float]]:
    """Random 50 % and every 2^k x the median step, k = 1.. while the interval is under a
    third of the median trip's duration (each keeps >= 3 fixes a trip)."""
    t = df["t"].to_numpy().astype(np.float64)
    g = df["traj_id"].to_numpy()
    same = g[1:] == g[:-1]
    steps = np.diff(t)[same]
    step = float(np.median(steps[steps > 0])) if (steps > 0).any() else 0.0
    spans = df.group_by("traj_id").agg((pl.col("t").max() - pl.col("t").min()).alias("d"))["d"]
    span = float(spans.median() or 0.0)
    out = [("random", 0.0)]
    for k in range(1, MAX_OCTAVES + 1):
        iv = step * 2**k
        if step <= 0 or iv > span / 3:
            break
        out.append(("downsample", iv))
    return out


def gap_table(train: pl.DataFrame, seed: int = 0) -> dict[str, Any]:
    """Each interpolation's summed error per gap-length bin on the train trips (module
    docstring). ``train``: traj_id, t, lat, lon. Empty bins are left out."""
    ids = train["traj_id"].unique(maintain_order=True)
    if len(ids) > MAX_TRIPS:
        ids = ids.sample(MAX_TRIPS, seed=seed)
    sub = (train.filter(pl.col("traj_id").is_in(ids.implode())).sort("traj_id", "t")
           .group_by("traj_id", maintain_order=True).head(MAX_POINTS))  # fmt: skip
    sums: dict[int, np.ndarray] = {}  # bin -> (summed error per INTERPS..., count)
    patterns = _patterns(sub) if len(sub) else []
    for mode, iv in patterns:
        task = make_recovery_task(sub, mode, interval_s=iv or 60.0, seed=seed)
        if not len(task.t) or task.known.all():
            continue
        ll, kn = np.asarray(task.latlon, np.float64), task.known
        proj = LocalProjection(float(ll[kn, 0].mean()), mean_lon(ll[kn, 1]))
        xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
        bins = gap_bins(gap_seconds(task.t, kn, task.groups))
        rows = np.flatnonzero(bins >= 0)
        errs = [np.linalg.norm(interpolate(k, xy, task.t, kn, task.groups)[rows] - xy[rows], axis=1)
                for k in INTERPS]  # fmt: skip
        for b in np.unique(bins[rows]):
            sel = bins[rows] == b
            acc = sums.setdefault(int(b), np.zeros(len(INTERPS) + 1))
            acc[:-1] += [float(e[sel].sum()) for e in errs]
            acc[-1] += int(sel.sum())
    order = sorted(sums)
    return {
        "key": "log2 gap seconds",
        "bins": order,
        "n": [int(sums[b][-1]) for b in order],
        "sum_m": {k: [round(float(sums[b][i]), 3) for b in order] for i, k in enumerate(INTERPS)},
        "n_trips": int(len(ids)),
        "patterns": ["random 50 %" if m == "random" else f"every {iv:g} s" for m, iv in patterns],
    }


def table_ok(table: Any) -> bool:
    """Whether a saved table has the fields and shapes ``bin_picks`` reads (a hand-edited or
    damaged one is refused in one line by the verdict's reader)."""
    if not isinstance(table, dict):
        return False
    bins, n, sums = table.get("bins"), table.get("n"), table.get("sum_m")
    if not (isinstance(bins, list) and isinstance(n, list) and isinstance(sums, dict)):
        return False
    if not isinstance(table.get("n_trips"), int) or isinstance(table.get("n_trips"), bool):
        return False
    cols = [bins, n, *(sums.get(k) for k in INTERPS)]
    if not all(isinstance(c, list) and len(c) == len(bins) for c in cols):
        return False
    if table["n_trips"] < 0 or not all(_whole(x) for x in [*bins, *n]):
        return False
    # bins: octaves of gap seconds, each once, in order (a repeated one answered by its last)
    if not all(0 <= b <= MAX_BIN for b in bins) or bins != sorted(set(bins)):
        return False
    nums = [x for c in cols[2:] for x in c]
    return all(isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x) and x >= 0
               for x in nums)  # fmt: skip


def _whole(x: Any) -> bool:
    """A count or a bin: a whole number that is not a bool."""
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _pick(means: np.ndarray, call: dict | None, rule: str) -> int:
    """One bin's pick (index in INTERPS) from the table's mean errors there and, for the rules
    that read it, the call's own backtest errors ({kind: m}): "table" the table's lowest;
    "votes" the lowest sum of log(error / best) of the table and the call; "margin" the call's
    pick unless the table has it MARGIN above its best."""
    best = int(np.argmin(means))
    if call is None or rule == "table":
        return best
    c = np.array([call[k] for k in INTERPS], np.float64)
    if rule == "votes":
        return int(np.argmin(np.log(means / means.min()) + np.log(c / c.min())))
    mine = int(np.argmin(c))
    return mine if means[mine] <= (1 + MARGIN) * means[best] else best


def bin_picks(table: dict, call: dict | None = None, rule: str = "table") -> dict[int, int]:
    """{bin: index in INTERPS of the lowest mean error}, for every bin a call may have: a bin
    with >= MIN_POINTS hidden fixes picks by its own errors (``_pick``); one without borrows the
    nearest such bin within BORROW octaves (the shorter on a tie)."""
    own = {}
    for i, b in enumerate(table["bins"]):
        if table["n"][i] >= MIN_POINTS:
            means = np.array([table["sum_m"][k][i] for k in INTERPS]) / table["n"][i]
            own[int(b)] = _pick(np.maximum(means, 1e-9), call, rule)
    return borrowed(own)


def borrowed(own: dict[int, Any]) -> dict[int, Any]:
    """``own`` ({bin: choice} where a bin has evidence) and every bin within BORROW octaves of
    one, which takes the nearest such bin's choice (the shorter on a tie)."""
    out = dict(own)
    for b in own:
        for d in range(1, BORROW + 1):
            for c in (b + d, b - d):
                if c not in own and c >= 0:
                    near = min((x for x in own if abs(x - c) <= BORROW),
                               key=lambda x: (abs(x - c), x))  # fmt: skip
                    out[c] = own[near]
    return out


def picks_by_gap(
    table: dict, t: np.ndarray, known: np.ndarray, groups: np.ndarray,
    call: dict | None = None, rule: str = "table",
) -> np.ndarray:  # fmt: skip
    """(P,) int8: the index in INTERPS filling each hidden row (by its gap's bin), -1 where
    the table has no evidence (and on known rows)."""
    bins = gap_bins(gap_seconds(t, known, groups))
    pick = bin_picks(table, call, rule)
    lut = np.full(max([*pick, int(bins.max(initial=0))]) + 2, -1, np.int8)
    for b, i in pick.items():
        lut[b] = i
    return np.where(bins >= 0, lut[np.maximum(bins, 0)], -1).astype(np.int8)


def interpolate_by_gap(
    table: dict, default: str, xy: np.ndarray, t: np.ndarray, known: np.ndarray,
    groups: np.ndarray, call: dict | None = None, rule: str = "table",
) -> tuple[np.ndarray, dict[str, int], int]:  # fmt: skip
    """(P, 2) metres: each gap filled by the interpolation its length picks (``default``, the
    call's own pick, where the table has no evidence); the hidden rows each one filled; and
    how many of them the table picked."""
    idx = picks_by_gap(table, t, known, groups, call, rule)
    picked = int((idx >= 0).sum())
    idx = np.where(idx < 0, INTERPS.index(default), idx)
    hidden = ~np.asarray(known, bool)
    out = interpolate(default, xy, t, known, groups)
    counts = {}
    for i, kind in enumerate(INTERPS):
        rows = hidden & (idx == i)
        if rows.any():
            if kind != default:
                out[rows] = interpolate(kind, xy, t, known, groups)[rows]
            counts[kind] = int(rows.sum())
    return out, counts, picked


def pick_for_call(table: dict, t: np.ndarray, known: np.ndarray, groups: np.ndarray) -> str | None:
    """One interpolation for the whole call: the lowest of the table's mean errors per bin
    (bins with >= MIN_POINTS hidden fixes) summed over the call's hidden fixes by their gaps'
    bins; None where no hidden fix of the call falls in such a bin."""
    bins = gap_bins(gap_seconds(t, known, groups))
    idx = {int(b): i for i, b in enumerate(table["bins"]) if table["n"][i] >= MIN_POINTS}
    tot, used = np.zeros(len(INTERPS)), 0
    for b, c in zip(*np.unique(bins[bins >= 0], return_counts=True), strict=True):
        if int(b) in idx:
            i = idx[int(b)]
            tot += c * np.array([table["sum_m"][k][i] / table["n"][i] for k in INTERPS])
            used += c
    return INTERPS[int(np.argmin(tot))] if used else None


def fallback_answer(
    kind: str, table: dict | None, pick: str, xy: np.ndarray, t: np.ndarray, known: np.ndarray,
    groups: np.ndarray,
) -> tuple[np.ndarray, str, str | None]:  # fmt: skip
    """A falling-back call's answer, its engine's name and, where the table chose, what was
    returned in words (None: ``kind``, the call's own backtest pick, in every gap). ``pick``
    (one of PICKS): "backtest" ignores the table; "lengths" one interpolation for the call by
    the table at the call's gap lengths (pick_for_call); "lengths per gap" each gap by its own
    length (interpolate_by_gap)."""
    if table is not None and pick == "lengths":
        chosen = pick_for_call(table, t, known, groups)
        if chosen is not None:
            words = (f"{chosen} interpolation (the best at this call's gap lengths on the "
                     f"run's train trips) for every gap of this call")  # fmt: skip
            return interpolate(chosen, xy, t, known, groups), chosen, words
    if table is not None and pick == "lengths per gap":
        out, counts, picked = interpolate_by_gap(table, kind, xy, t, known, groups)
        if picked:
            name = engine_name(counts)
            words = (f"each gap's interpolation by its length on the run's train trips "
                     f"({name.split(': ', 1)[1]} fixes)")  # fmt: skip
            return out, name, words
    return interpolate(kind, xy, t, known, groups), kind, None


def engine_name(counts: dict[str, int]) -> str:
    """ "by gap length: akima 12, linear 30" (the hidden rows each interpolation filled)."""
    return "by gap length: " + ", ".join(f"{k} {n}" for k, n in counts.items())


__all__ = ["BORROW", "MIN_POINTS", "PICKS", "bin_picks", "borrowed", "engine_name", "fallback_answer",
           "gap_bins", "gap_seconds", "gap_table", "interpolate_by_gap", "pick_for_call",
           "picks_by_gap", "table_ok"]  # fmt: skip
