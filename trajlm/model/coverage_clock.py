"""The clock part of the coverage checks: which hours of day and weekdays (UTC) a model saw in
training (a bin counts as seen with at least ``MIN_BIN_SHARE`` of the train points, plus the
bins a fixed-rate feed steps over), and the hour / weekday warning lines. Split out of
trajlm/model/coverage.py (review36), which re-exports every public name here."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.model.coverage_card import load_coverage, reads_clock
from trajlm.model.coverage_gate import clearly_more
from trajlm.model.coverage_record import hour_weekday

# An hour / weekday bin counts as seen when it holds at least this share of the train points.
MIN_BIN_SHARE = 0.002


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def seen_bins(hist: list[int]) -> np.ndarray:
    h = np.asarray(hist, dtype=np.float64)
    return h >= max(1.0, MIN_BIN_SHARE * h.sum())


def sampled_seen(hist: list[int], bin_s: float, coverage: dict) -> np.ndarray:
    """Seen bins of a cyclic histogram (hour: ``bin_s`` 3600; weekday: 86400), plus each run
    of unseen bins that the training trajectories step over between two fixes: a run of L
    bins with (L + 1) x ``bin_s`` <= the median training time step (coverage ``dt_s`` p50).
    6-hourly tracks (always 00/06/12/18 UTC) have seen the hours between them, as every
    hurricane passes through 03 UTC on its way from 00 to 06 (session 20, cov20: an eval
    on them warned "hour of day 01-05 never seen" on every call); a 15 s feed recorded in
    daytime only has not seen the night."""
    seen = seen_bins(hist)
    dt = float(((coverage.get("dt_s") or {}).get("p50")) or 0.0)
    if seen.all() or not seen.any() or dt < 2 * bin_s:
        return seen
    out, n = seen.copy(), len(seen)
    start = int(np.flatnonzero(seen)[0])
    run: list[int] = []
    for j in range(1, n + 1):  # once round the cycle from a seen bin back to it
        i = (start + j) % n
        if not seen[i]:
            run.append(i)
            continue
        if run and (len(run) + 1) * bin_s <= dt:
            out[run] = True
        run = []
    return out


def _more_than_training(bad: np.ndarray, bins: np.ndarray, ids, hist: list[int]) -> bool:
    """Whether more trajectories (``ids``; None: the input is one) have points in unseen bins
    (``bad``; ``bins``: each point's) than the training points' share there (clearly_more)."""
    if not bad.any():
        return False
    h = np.asarray(hist, dtype=np.float64)
    hit = np.unique(bins[bad])  # a bin under MIN_BIN_SHARE may hold up to that share
    share = max(float(h[hit].sum() / max(h.sum(), 1.0)), MIN_BIN_SHARE * len(hit))
    if ids is None:
        return clearly_more(1, 1, share)
    return clearly_more(len(np.unique(ids[bad])), len(np.unique(ids)), share)


def _ranges(ok: np.ndarray, names=None) -> str:
    """Indices where ok is True as compact ranges: [T,T,F,T] -> '0-1, 3'."""
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return "none"
    runs, start = [], idx[0]
    for a, b in zip(idx, [*idx[1:], None], strict=True):
        if b is None or b != a + 1:
            runs.append((start, a))
            start = b
    fmt = (lambda i: names[i]) if names else (lambda i: f"{i:02d}")
    return ", ".join(fmt(a) if a == b else f"{fmt(a)}-{fmt(b)}" for a, b in runs)


def clock_warnings(
    model_or_card: Any, t: np.ndarray, ids: np.ndarray | None = None, unit: str = "points"
) -> list[str]:
    """The hour-of-day and weekday lines of ``coverage_warnings`` for times ``t`` (Unix s; ``ids``:
    each one's trajectory, None for one; ``unit``: what a share counts): [] for a model that never reads an unseen clock
    (context = "motion", or "auto" with the fallback learned by context dropout; clock-shift
    training) or hours a fixed-rate feed steps over (``sampled_seen``; cov20)."""
    cov = load_coverage(model_or_card)
    if not cov or len(t) == 0:
        return []
    if cov.get("clock_shift_prob", 0.0) > 0 or not reads_clock(model_or_card):
        return []
    if "hour_hist" not in cov or "weekday_hist" not in cov:  # a partial record (tests, old cards)
        return []
    out = []
    hour, day = hour_weekday(np.asarray(t))
    seen_h = sampled_seen(cov["hour_hist"], 3600.0, cov)
    seen_d = sampled_seen(cov["weekday_hist"], 86400.0, cov)
    bad = ~seen_h[hour]
    if _more_than_training(bad, hour, ids, cov["hour_hist"]):
        out.append(
            f"hour of day {_ranges(np.bincount(hour[bad], minlength=24) > 0)} UTC never "
            f"seen in training (trained on {_ranges(seen_h)}): {bad.mean():.0%} of {unit}"
        )
    bad = ~seen_d[day]
    if _more_than_training(bad, day, ids, cov["weekday_hist"]):
        names = list(WEEKDAYS)
        out.append(
            f"weekday {_ranges(np.bincount(day[bad], minlength=7) > 0, names)} never seen "
            f"in training (trained on {_ranges(seen_d, names)}): {bad.mean():.0%} of {unit}"
        )
    return out
