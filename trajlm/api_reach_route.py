"""Route-aware reach (session 32, reach32): when will a mover reach a point, read from past
paths that went the same way.

A past path (another trip of the input, the mover's own earlier trips, or a ``memory`` of past
trips) "goes this way" when it passed near the mover's fix ``BACK_M`` metres back and then near
its last fix, in that order, in a plausible time. From its pass of the last fix on, the path's
own track answers each target: the first entry into the circle (``first_crossing`` on its
fixes joined in straight lines) and the time that took. With ``MIN_PATHS`` or more such paths,
the answer is theirs: reached when at least ``AGREE`` of them reached the target within the
horizon, the ETA the median of their times. Fewer: no answer here (the rollout answers, see
api_reach.py). Nothing here knows about buses: a taxi, a ship or a walker whose earlier trips
(or whose memory's trips) follow a road, a lane or a path round a corner is answered the same.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.geometry import EARTH_RADIUS_M

MATCH_M = 50.0  # a past path passes "here" within this many metres of a fix
BACK_M = 150.0  # the history's fix at least this far back gives the direction of travel
MIN_PATHS = 2  # fewer past paths going this way: the rollout answers
AGREE = 0.5  # share of those paths that must reach a target for "reached"
MAX_PATHS = 64  # the latest this many past paths (by their time here) answer
SLOWER = 3.0  # a past path may take at most this many times the mover's time (+ SLACK_S)
SLACK_S = 120.0  # ... from the fix BACK_M back to the last one: loops are not "this way"
HEAD_M = 30.0  # a heading is read over at least this many metres of track (GPS noise ~6 m)
# a past path's heading where it passes the mover's last fix must be within this angle of the
# mover's own (session 32, reachfix32: a lap that passed the back fix, looped and crossed
# "here" another way counted). 180: no check. The bus generator's seed 0 (the only data it
# was chosen on) answers the same for 45-180; 90: a path crossing at a right angle or more
# is not going this way (docs/api.md "Session 32 (reachfix32)").
HEADING_DEG = 90.0
# the paths' times scaled by (the mover's time / the path's time) from the back fix to here,
# clipped to this range; None: not scaled (reachfix32: every clip tried on bus seed 0 gave
# more false reaches and a worse ETA; docs/api.md "Session 32 (reachfix32)")
SPEED_CLIP: tuple[float, float] | None = None
_DEG = math.pi / 180.0


def tangent_metres(lat: Any, lon: Any, lat0: Any, lon0: Any) -> tuple[np.ndarray, np.ndarray]:
    """(east, north) metres of (lat, lon) from (lat0, lon0) on the local tangent plane."""
    east = (np.asarray(lon) - lon0) * _DEG * EARTH_RADIUS_M * np.cos(lat0 * _DEG)
    return east, (np.asarray(lat) - lat0) * _DEG * EARTH_RADIUS_M


def first_crossing(
    east: np.ndarray, north: np.ndarray, secs: np.ndarray, radius_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For tracks of positions (metres from a target, shape (..., n); position 0 the last fix)
    at ``secs`` (n,): (the time of the first entry into the circle, NaN where none; the index
    of the segment's end point that decided it; the closest approach in metres). Positions
    are joined by straight segments; NaN positions (past an engine's reach) end the track."""
    ax, ay, bx, by = east[..., :-1], north[..., :-1], east[..., 1:], north[..., 1:]
    dx, dy = bx - ax, by - ay
    dd = dx * dx + dy * dy
    ad = ax * dx + ay * dy
    aa = ax * ax + ay * ay
    with np.errstate(invalid="ignore", divide="ignore"):
        s_near = np.where(dd > 0, np.clip(-ad / dd, 0.0, 1.0), 0.0)
        near = np.hypot(ax + s_near * dx, ay + s_near * dy)
        disc = ad * ad - dd * (aa - radius_m**2)
        s_in = np.where(aa <= radius_m**2, 0.0, (-ad - np.sqrt(disc)) / dd)
    hit = (aa <= radius_m**2) | ((dd > 0) & (disc >= 0) & (s_in >= 0) & (s_in <= 1))
    hit &= np.isfinite(near)
    seg = np.argmax(hit, axis=-1)
    any_hit = hit.any(axis=-1)
    s = np.take_along_axis(s_in, seg[..., None], -1)[..., 0]
    t0, t1 = secs[:-1][seg], secs[1:][seg]
    eta = np.where(any_hit, t0 + s * (t1 - t0), np.nan)
    closest = np.nanmin(np.where(np.isfinite(near), near, np.inf), axis=-1)
    closest = np.where(np.isfinite(closest), closest, np.nan)
    decider = np.where(
        any_hit, seg + 1, np.argmin(np.where(np.isfinite(near), near, np.inf), -1) + 1
    )
    return eta, decider, closest


class RouteMemory:
    """Past fixes (canonical: traj_id, t, lat, lon; any order) on a lat band / lon cell grid of
    about ``MATCH_M`` metres, to find the paths that passed near a point."""

    def __init__(self, df: pl.DataFrame) -> None:
        df = df.select("traj_id", pl.col("t").cast(pl.Float64), "lat", "lon")
        df = df.drop_nulls().filter(pl.col("lat").is_finite() & pl.col("lon").is_finite())
        df = df.sort("traj_id", "t", maintain_order=True)
        codes = df["traj_id"].rle_id().to_numpy().astype(np.int64)
        self.trip = codes
        self.t = df["t"].to_numpy()
        self.lat = df["lat"].to_numpy().astype(np.float64)
        self.lon = df["lon"].to_numpy().astype(np.float64)
        n_trips = int(codes[-1]) + 1 if len(codes) else 0
        self.trip_start = np.searchsorted(codes, np.arange(n_trips), side="left")
        self.trip_end = np.searchsorted(codes, np.arange(n_trips), side="right")
        self.trip_name = df["traj_id"].cast(pl.String).gather(self.trip_start).to_list()
        self.band_deg = MATCH_M / (EARTH_RADIUS_M * _DEG)  # a band's height in degrees
        band = np.floor(self.lat / self.band_deg).astype(np.int64)
        cell = np.floor(self.lon / self._lon_width(band)).astype(np.int64)
        self.key = band * (1 << 32) + cell
        self.order = np.argsort(self.key, kind="stable")
        self.sorted_key = self.key[self.order]
        self.movers: dict[str, str] = {}  # trip name -> its mover (read() fills it; dispatch34)

    @classmethod
    def read(cls, data: Any, **columns: Any) -> RouteMemory:
        """Past trips for ``TrajLM.reach(memory=...)``, read once (any frame ``reach`` takes,
        with its column keywords) and kept: a caller asking again and again (a dashboard
        polling every 30 s) skips reading the memory each time."""
        from trajlm._arguments import with_gap_rule
        from trajlm.api_labels import index_labels
        from trajlm.data.coerce import coerce
        from trajlm.data.coerce_pieces import mover_column

        with index_labels(data) as data:
            df, _ = coerce(data, repeats="drop", **with_gap_rule(columns))
        memory = cls(df.select(pl.col("traj_id").cast(pl.String), "t", "lat", "lon"))
        owner = mover_column(df.columns)  # a van's days keyed by trip: the van, for divert
        if owner is not None and df[owner].null_count() == 0:
            pairs = df.select(pl.col("traj_id").cast(pl.String), pl.col(owner).cast(pl.String))
            memory.movers = dict(pairs.unique("traj_id").iter_rows())
        return memory

    def _lon_width(self, band: np.ndarray | int) -> np.ndarray:
        """A lon cell's width (degrees) in lat band ``band``: at least MATCH_M metres wide."""
        lat = np.minimum(np.abs(np.asarray(band, dtype=np.float64)) + 1, 90 / self.band_deg)
        return self.band_deg / np.maximum(np.cos(lat * self.band_deg * _DEG), 1e-6)

    def near(self, lat: float, lon: float, radius_m: float = MATCH_M) -> np.ndarray:
        """Indices (sorted) of the fixes within ``radius_m`` (<= MATCH_M) of (lat, lon)."""
        b0 = math.floor(lat / self.band_deg)
        found = []
        for band in (b0 - 1, b0, b0 + 1):
            width = float(self._lon_width(band))
            c0 = math.floor(lon / width)
            for cell in (c0 - 1, c0, c0 + 1):
                k = band * (1 << 32) + cell
                lo, hi = np.searchsorted(self.sorted_key, [k, k + 1])
                found.append(self.order[lo:hi])
        idx = np.concatenate(found) if found else np.zeros(0, np.int64)
        e, n = tangent_metres(self.lat[idx], self.lon[idx], lat, lon)
        return np.sort(idx[np.hypot(e, n) <= radius_m])

    def heading(self, trip: int, k: int) -> tuple[float, float] | None:
        """The (east, north) direction of travel of ``trip`` at its fix ``k``: from its latest
        fix at least HEAD_M before, else towards its first one HEAD_M on; None if neither."""
        lo, hi = int(self.trip_start[trip]), int(self.trip_end[trip])
        for idx in (np.arange(k - 1, max(lo, k - 32) - 1, -1), np.arange(k + 1, min(hi, k + 32))):
            e, n = tangent_metres(self.lat[idx], self.lon[idx], self.lat[k], self.lon[k])
            far = np.flatnonzero(np.hypot(e, n) >= HEAD_M)
            if len(far):
                sign = -1.0 if idx[0] < k else 1.0  # before k: from it to k
                return sign * float(e[far[0]]), sign * float(n[far[0]])
        return None

    def passes(self, back: tuple[float, float, float], now: tuple[float, float, float],
               skip: object, before: float | None = None,
               heading: tuple[float, float] | None = None) -> list[tuple[int, int, float]]:  # fmt: skip
        """(trip, index of its closest fix to ``now``, its seconds from ``back`` to there) of
        the past paths that passed near ``back`` then near ``now`` ((lat, lon, t) each)
        within SLOWER x the mover's time + SLACK_S, heading (where both are known) within
        HEADING_DEG of the mover's ``heading`` (east, north) there, the trip named ``skip``
        (the mover's own, whose path is the history; None: none) left out, and (``before``)
        any that passed ``now`` at or after that time; the latest MAX_PATHS by their time at
        ``now``."""
        near_now, near_back = self.near(now[0], now[1]), self.near(back[0], back[1])
        if not len(near_now) or not len(near_back):
            return []
        span = SLOWER * max(now[2] - back[2], 0.0) + SLACK_S
        e, n = tangent_metres(self.lat[near_now], self.lon[near_now], now[0], now[1])
        dist_now = np.hypot(e, n)
        found = []
        for trip in np.intersect1d(self.trip[near_now], self.trip[near_back]):
            if skip is not None and self.trip_name[trip] == str(skip):
                continue
            backs = near_back[self.trip[near_back] == trip]
            mine = self.trip[near_now] == trip
            nows, dnow = near_now[mine], dist_now[mine]
            after = nows > backs[0]
            if not after.any():
                continue
            j0 = int(np.argmax(after))
            i = int(backs[backs < nows[j0]].max())  # the last pass of `back` before `now`
            if self.t[nows[j0]] - self.t[i] > span:
                continue
            run = j0 + int(np.argmax(np.diff(np.append(nows[j0:], -1)) != 1))  # consecutive
            j = j0 + int(np.argmin(dnow[j0 : run + 1]))
            if before is not None and self.t[nows[j]] >= before:
                continue
            if heading is not None and not _same_way(heading, self.heading(trip, int(nows[j]))):
                continue
            found.append((int(trip), int(nows[j]), float(self.t[nows[j]] - self.t[i])))
        found.sort(key=lambda p: -self.t[p[1]])
        return found[:MAX_PATHS]

    def ahead(self, trip: int, j: int, targets: np.ndarray, radius_m: float,
              horizon_s: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """From fix ``j`` of ``trip`` on (up to the horizon): per target, the seconds to the
        first entry into its circle (NaN where none) and the closest approach (m)."""
        end = int(self.trip_end[trip])
        secs = self.t[j:end] - self.t[j]
        stop = int(np.searchsorted(secs, horizon_s, side="right"))
        n = min(stop + 1, len(secs))  # one fix past the horizon: a crossing between them
        secs = secs[:n]
        if n < 2:
            secs = np.array([0.0, 0.0])
            lat, lon = np.repeat(self.lat[j], 2), np.repeat(self.lon[j], 2)
        else:
            lat, lon = self.lat[j : j + n], self.lon[j : j + n]
        east, north = tangent_metres(lat[None, :], lon[None, :], targets[:, :1], targets[:, 1:])
        eta, _, closest = first_crossing(east, north, secs, radius_m)
        return np.where(eta <= horizon_s, eta, np.nan), closest


def _same_way(a: tuple[float, float], b: tuple[float, float] | None) -> bool:
    """Whether directions ``a`` and ``b`` (east, north) are within HEADING_DEG (b None: yes)."""
    if b is None or HEADING_DEG >= 180:
        return True
    norm = math.hypot(*a) * math.hypot(*b)
    return norm == 0 or (a[0] * b[0] + a[1] * b[1]) / norm >= math.cos(HEADING_DEG * _DEG)


def mover_heading(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float] | None:
    """The mover's (east, north) direction into its last fix: from its latest fix at least
    HEAD_M away; None if none is."""
    e, n = tangent_metres(lat, lon, lat[-1], lon[-1])
    far = np.flatnonzero(np.hypot(e, n) >= HEAD_M)
    return (-float(e[far[-1]]), -float(n[far[-1]])) if len(far) else None


def speed_factor(mover_s: float, path_s: float) -> float:
    """How much faster than the path the mover goes (its time / the path's from the back fix
    to here), clipped to SPEED_CLIP; 1 when not scaling."""
    if SPEED_CLIP is None or mover_s <= 0 or path_s <= 0:
        return 1.0
    return float(np.clip(path_s / mover_s, *SPEED_CLIP))


def back_fix(lat: np.ndarray, lon: np.ndarray, t: np.ndarray) -> int | None:
    """Index of the latest fix at least BACK_M metres from the last one, or None."""
    e, n = tangent_metres(lat, lon, lat[-1], lon[-1])
    far = np.flatnonzero(np.hypot(e, n) >= BACK_M)
    return int(far[-1]) if len(far) else None


def route_answers(memories: list[tuple[RouteMemory, bool]], hist: pl.DataFrame,
                  targets: np.ndarray, radius_m: float,
                  horizon_s: float,
                  asked: dict[object, np.ndarray] | None = None) -> dict[object, dict[str, np.ndarray]]:  # fmt: skip
    """Per trajectory of ``hist`` (canonical, sorted by traj_id, t) that MIN_PATHS or more
    past paths answer: {"reached", "eta_s", "closest_m", "paths"} arrays over ``targets``.
    ``asked``: per trajectory, the indices of the targets asked of it (keyed targets; the
    others are not searched: not reached, NaN); None: every target of every trajectory.
    ``memories``: (memory, whether it holds ``hist``'s own trajectories, each skipped for
    itself; another memory's paths count where they passed here before the mover's last fix,
    so a memory holding the live feed too does not answer a trip by itself); the latest
    MAX_PATHS paths of them all answer."""
    out = {}
    every = np.arange(len(targets))
    for (tid,), g in hist.group_by("traj_id", maintain_order=True):
        cols = every if asked is None else asked.get(tid, every[:0])
        if len(cols) == 0:  # none of the targets is this mover's (fix33b): nothing to search
            continue
        lat = g["lat"].to_numpy().astype(np.float64)
        lon = g["lon"].to_numpy().astype(np.float64)
        t = g["t"].cast(pl.Float64).to_numpy()
        i = back_fix(lat, lon, t)
        if i is None:
            continue
        back, now = (lat[i], lon[i], t[i]), (lat[-1], lon[-1], t[-1])
        way = mover_heading(lat, lon)
        found = [(mem, p, j, dt) for mem, own in memories
                 for p, j, dt in mem.passes(back, now, skip=tid if own else None,
                                            before=None if own else now[2], heading=way)]  # fmt: skip
        seen = {}  # a trip in the input and the memory too is one path (its name, its time here)
        for f in found:
            seen.setdefault((f[0].trip_name[f[1]], f[0].t[f[2]]), f)
        paths = sorted(seen.values(), key=lambda f: -f[0].t[f[2]])[:MAX_PATHS]
        if len(paths) < MIN_PATHS:
            continue
        scale = [speed_factor(now[2] - back[2], dt) for *_, dt in paths]
        each = [mem.ahead(p, j, targets[cols], radius_m, horizon_s * k)  # the path's time / k
                for (mem, p, j, _), k in zip(paths, scale, strict=True)]  # fmt: skip
        etas = np.stack([e / k for (e, _), k in zip(each, scale, strict=True)])  # (paths, targets)
        closest = np.stack([c for _, c in each])
        share = np.isfinite(etas).mean(0)
        reached = share >= AGREE
        with warnings.catch_warnings():  # a target no path reached: its median is NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            eta = np.where(reached, np.nanmedian(etas, 0), np.nan)
            near = np.nanmedian(closest, 0)
        out[tid] = {"reached": _spread(reached, cols, len(targets), False),
                    "eta_s": _spread(eta, cols, len(targets), np.nan),
                    "closest_m": _spread(near, cols, len(targets), np.nan),
                    "paths": np.full(len(targets), len(paths))}  # fmt: skip
    return out


def _spread(values: np.ndarray, cols: np.ndarray, n: int, empty: float | bool) -> np.ndarray:
    """``values`` (over the targets ``cols``) as an array over all ``n`` targets."""
    if len(cols) == n:
        return values
    out = np.full(n, empty, dtype=values.dtype)
    out[cols] = values
    return out


def with_route(table: pl.DataFrame, answers: dict[object, dict[str, np.ndarray]],
               last_t: dict[object, float]) -> pl.DataFrame:  # fmt: skip
    """``table`` (api_reach.reach_table's rows: one per (trajectory, target) asked) with the
    rows of the trajectories ``answers`` holds answered by their past paths (engine "route")
    and a ``paths`` column (how many past paths answered; 0 where the rollout did)."""
    n = len(table)
    reached = table["reached"].to_numpy().copy()
    eta = table["eta_s"].to_numpy().astype(np.float64).copy()
    closest = table["closest_m"].to_numpy().astype(np.float64).copy()
    engine = table["engine"].to_numpy().astype(object).copy()
    paths = np.zeros(n, dtype=np.int64)
    ids = table["traj_id"].to_list()
    target = table["target"].to_numpy().astype(np.int64)
    rows_of: dict[object, list[int]] = {}
    for k, tid in enumerate(ids):
        rows_of.setdefault(tid, []).append(k)
    for tid, ans in answers.items():
        rows = np.asarray(rows_of.get(tid, []), dtype=np.int64)
        j = target[rows]  # keyed targets: only the trajectory's own rows (dispatch34)
        reached[rows], eta[rows] = ans["reached"][j], ans["eta_s"][j]
        closest[rows], paths[rows], engine[rows] = ans["closest_m"][j], ans["paths"][j], "route"
    t_last = np.array([last_t[tid] for tid in ids], dtype=np.float64)
    return table.with_columns(
        reached=pl.Series(reached, dtype=pl.Boolean),
        eta_s=pl.Series(eta),
        reach_time=pl.Series(np.where(reached, t_last + eta, np.nan)).fill_nan(None),
        closest_m=pl.Series(closest),
        engine=pl.Series(engine.astype(str)),
        paths=pl.Series(paths),
    )
