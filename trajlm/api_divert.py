"""How long would each van take to divert to an urgent order, and what would that add to its
next planned stop? (session 34, dispatch34)

    ranked = trajlm.divert(live, order=(45.7605, 4.86), to=next_stops, memory=last_week)

Why not an option on ``reach``: reach answers "when does the van pass this point on its own
way" (its rollout, or past paths that went this way); a diversion leaves that way, so the
answer is a travel time from where the van is to the order, another quantity with another
table (one row per van, ranked, a delay column) and no model. Route-aware where memory exists,
as reach is: a van whose past paths from here pass the order within the horizon gets their
median time where that is the sooner (engine ``"route"``: the order is on its way).

The travel time (engine ``"legs"``, the rule written before it was scored, docs/api.md
"Session 34 (dispatch34)"): each mover's *pace*, seconds per metre of straight line, read off
its past legs between stays (``memory`` and the data's own fixes: 2+ min within a 40-m box,
each fix allowed its accuracy; legs of ``MIN_LEG_M`` or more straight line): the
median of the legs' time / straight-line length, so a grid's or a river's detours and the
lights on the way are in it. Scaled to today by the van's median moving speed now (its fixes
today over ``MOVING_MPS``) against its median moving speed in those legs' fixes, the ratio
clipped to ``SPEED_RATIO``. A van with fewer than ``MIN_LEGS`` legs of its own takes the fleet's
pooled pace; none at all: the straight line at its own moving speed (engine ``"straight"``).

The delay to a van's next planned stop (its first row in ``to``, keyed as reach's ``to`` is:
a column named as the data's id or mover column): its time to the order, ``service_s`` there,
then the order to the stop at its pace, minus its time to the stop directly at that pace
(never below 0). Nothing here knows a road: a one-way street or a bridge the legs never used is
not in the pace.

Scored level with the straight line at the van's moving speed, not better: on the synthetic
grid's test seeds its ETA error was 3 s lower (95 % CI 0.3-6.1 s), its delay error within noise,
and it picked the first van slightly less often; no real delivery feed with orders was scored
(docs/api.md "Session 34 (dispatch34)", scripts/dispatch34/divert_score.py).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.schema import TrajlmInputError

MIN_LEG_M = 200.0  # shorter legs: GPS noise and the stay's edges dominate their pace
MIN_LEGS = 3  # fewer legs of its own: a van takes the fleet's pace
MOVING_MPS = 2.0  # a fix-to-fix speed over this is moving (walking pace and GPS noise under it)
SPEED_RATIO = (0.5, 2.0)  # today's moving speed / the legs', clipped
LEG_STOP_S = 120.0  # the stays that end and start legs: a van's 2-8 min deliveries
LEG_RADIUS_M = 40.0  # ... within a box this wide (4-15 m GPS noise; each fix's accuracy allowed)
DIVERT_COLUMNS = ("order", "order_lat", "order_lon", "eta_s", "arrive_time", "straight_m",
                  "engine", "pace_s_per_km", "rank")  # fmt: skip


def _number(value: Any, field: str, positive: bool = False) -> float:
    """``value`` as a finite float >= 0 (``positive``: > 0), else one line naming ``field``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real) \
            or not math.isfinite(value) or value < 0 or (positive and value == 0):  # fmt: skip
        raise TrajlmInputError(f"{field} must be a finite number {'>' if positive else '>='} 0, "
                               f"got {value!r}", field=field)  # fmt: skip
    return float(value)


def moving_speed(table: pl.DataFrame) -> dict[Any, float]:
    """Each trajectory's median fix-to-fix speed (m/s) over MOVING_MPS (canonical table,
    sorted by traj_id, t); trajectories never moving are left out."""
    from trajlm.data.geometry import haversine

    if table.height < 2:
        return {}
    lat, lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    t = table["t"].cast(pl.Float64).to_numpy()
    same = (table["traj_id"][1:] == table["traj_id"][:-1]).to_numpy()
    dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:]) / dt
    ok = same & (dt > 0) & (v > MOVING_MPS) & np.isfinite(v)
    frame = pl.DataFrame({"id": table["traj_id"][1:].filter(pl.Series(ok)), "v": v[ok]})
    return dict(frame.group_by("id").agg(pl.col("v").median()).iter_rows())


def legs(table: pl.DataFrame) -> pl.DataFrame:
    """The legs between consecutive stays of each trajectory of a canonical table (sorted by
    traj_id, t; distinct times): traj_id, straight_m (stay median to stay median), secs (from
    the last fix of one stay to the first of the next, less the trajectory's median fix
    interval: the sampling's own share), straight-line over MIN_LEG_M only.
    Stays: LEG_STOP_S within a LEG_RADIUS_M box (ingest's 100 m box takes in a van's approach:
    legs timed 20 s short on a 300-m hop at 9 m/s)."""
    from trajlm.data.clean_split import stop_rows
    from trajlm.data.geometry import haversine

    lo, hi = stop_rows(table, LEG_RADIUS_M, LEG_STOP_S, drift_mps=None)
    if len(lo) < 2:
        return pl.DataFrame(schema={"traj_id": table.schema["traj_id"], "straight_m": pl.Float64,
                                    "secs": pl.Float64})  # fmt: skip
    lat, lon = table["lat"].to_numpy(), table["lon"].to_numpy()
    t, ids = table["t"].cast(pl.Float64).to_numpy(), table["traj_id"]
    mid_lat = np.array([np.median(lat[a : b + 1]) for a, b in zip(lo, hi, strict=True)])
    mid_lon = np.array([np.median(lon[a : b + 1]) for a, b in zip(lo, hi, strict=True)])
    same = (ids.gather(pl.Series(lo[1:])) == ids.gather(pl.Series(lo[:-1]))).to_numpy()
    d = haversine(mid_lat[:-1], mid_lon[:-1], mid_lat[1:], mid_lon[1:])
    # the last still fix is on average half an interval before the van left, the next stay's
    # first one half an interval after it arrived: one interval off every leg (a 210-m hop
    # at 6 m/s, 35 s, was timed 60 s at 30-s fixes: dispatch34's first scoring, seeds 0-2)
    step = table.group_by("traj_id").agg(pl.col("t").cast(pl.Float64).diff().median().alias("s"))
    slop = dict(step.iter_rows())
    first_ids = ids.gather(pl.Series(lo[:-1]))
    dt = np.array([slop.get(k) or 0.0 for k in first_ids.to_list()], dtype=np.float64)
    secs = np.maximum(t[lo[1:]] - t[hi[:-1]] - dt, 1.0)
    out = pl.DataFrame({"traj_id": first_ids, "straight_m": d, "secs": secs}
                       ).filter(pl.Series(same))  # fmt: skip
    return out.filter((pl.col("straight_m") >= MIN_LEG_M) & (pl.col("secs") > 0))


class Paces:
    """Each mover's pace (s per straight-line metre) and moving speed in its past legs, and the
    fleet's pooled ones (module doc)."""

    def __init__(self, past: pl.DataFrame) -> None:
        """``past``: canonical fixes (traj_id = the mover's id as text) of past trips and the
        data itself, sorted by traj_id, t."""
        found = legs(past).with_columns(pace=pl.col("secs") / pl.col("straight_m"))
        per = found.group_by("traj_id").agg(pl.col("pace").median(), pl.len().alias("n"))
        self.own = {k: p for k, p, n in per.iter_rows() if n >= MIN_LEGS}
        self.fleet = float(found["pace"].median()) if found.height else None
        speed = moving_speed(past)
        self.speed = speed
        self.fleet_speed = float(np.median(list(speed.values()))) if speed else None

    def pace(self, mover: str, speed_now: float | None) -> tuple[float | None, str]:
        """(seconds per straight-line metre, engine) for ``mover`` moving at ``speed_now``
        today (None: unknown); (None, "straight") where no leg at all was seen."""
        own = self.own.get(mover)
        base, then = (own, self.speed.get(mover)) if own is not None else (
            self.fleet, self.fleet_speed)  # fmt: skip
        if base is None:
            return (1.0 / speed_now if speed_now else None), "straight"
        if speed_now and then:
            base = base / float(np.clip(speed_now / then, *SPEED_RATIO))
        return base, "legs" if own is not None else "legs (fleet)"


def _mover_keyed(df: pl.DataFrame) -> pl.DataFrame:
    """Canonical fixes keyed by their mover (the owner column beside a trip id: a van's days)
    as text, sorted: a van's pace spans its days."""
    from trajlm.data.coerce_pieces import mover_column

    owner = mover_column(df.columns)
    key = pl.col(owner) if owner is not None and df[owner].null_count() == 0 else pl.col("traj_id")
    out = df.select(key.cast(pl.String).alias("traj_id"), pl.col("t").cast(pl.Float64), "lat",
                    "lon", *[c for c in df.columns if "accuracy" in c])  # fmt: skip
    return out.sort("traj_id", "t").unique(["traj_id", "t"], keep="first", maintain_order=True)


def _read_past(memory: Any, columns: dict) -> pl.DataFrame | None:
    """``memory`` as canonical fixes (a RouteMemory's trips named by their van where its
    ``read`` kept one, so a van's days give its own pace), None without one."""
    from trajlm.api_reach_route import RouteMemory

    if memory is None:
        return None
    if isinstance(memory, RouteMemory):  # `trajlm serve --reach-memory`'s trips, read once
        # each fix's trip named by its van where read() kept one
        van_of_trip = [memory.movers.get(n, n) for n in memory.trip_name]
        names = np.asarray(van_of_trip, dtype=object)[memory.trip]
        return pl.DataFrame({"traj_id": pl.Series(names.tolist(), dtype=pl.String),
                             "t": memory.t, "lat": memory.lat, "lon": memory.lon})  # fmt: skip
    from trajlm._arguments import with_gap_rule
    from trajlm.api_labels import index_labels
    from trajlm.data.coerce import coerce

    try:
        with index_labels(memory) as memory:
            df, _ = coerce(memory, repeats="drop", **with_gap_rule(columns))
    except TrajlmInputError as e:
        raise e.said_of("memory") from None
    return df


def divert(data: Any, order: Any, *, to: Any = None, memory: Any = None,
           service_s: float = 0.0, radius_m: float = 50.0, horizon_s: float = 3600.0,
           **columns: Any) -> Any:  # fmt: skip
    """Each van's time to an urgent ``order`` (a (lat, lon) pair, pairs or a frame of points,
    as reach's ``to``) from its latest fix, ranked soonest first (module doc has the rule):
    one row per (van, order) in the caller's kind and names: its id column(s), ``order``
    (0-based), ``order_lat``, ``order_lon``, ``eta_s``, ``arrive_time`` (the last fix + eta),
    ``straight_m``, ``engine`` ("route", "legs", "legs (fleet)", "straight"),
    ``pace_s_per_km`` (the pace used; route rows too), ``rank`` (1: soonest for that order);
    with ``to`` (each van's planned stops keyed by a column named as the data's id / mover
    column; its first row per van is the next one): ``next_lat``, ``next_lon``, ``delay_s``
    and the row's other columns as ``next_NAME``.

    ``memory``: past trips (any frame the data could be); their legs give each van's pace and
    their paths the route answer. ``service_s``: time spent at the order (in the delay).
    ``radius_m`` / ``horizon_s``: the route answer's circle and look-ahead."""
    from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule
    from trajlm.api_labels import drop_labels, index_labels
    from trajlm.api_reach_route import RouteMemory, route_answers
    from trajlm.api_targets import read_targets, target_points
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical
    from trajlm.data.coerce_pieces import PIECE, latest_pieces, mover_owners, with_owners
    from trajlm.data.coerce_subsec import T_NS
    from trajlm.data.geometry import haversine
    from trajlm.data.local_plane import degree_places_line, is_local_input
    from trajlm.data.schema import SOURCE_ID

    check_keywords("trajlm.divert", columns, COLUMN_KEYWORDS)
    if is_local_input(data, columns.get("crs")):  # orders in degrees met 1 N 1 E (local37)
        raise TrajlmInputError(degree_places_line("trajlm.divert: order= / to=", python=True))
    service = _number(service_s, "service_s")
    radius = _number(radius_m, "radius_m", positive=True)
    horizon = _number(horizon_s, "horizon_s", positive=True)
    try:
        orders = read_targets(target_points(order))
    except TrajlmInputError as e:  # reach's error names its field `to`: here it is the order
        raise e.said_of("order") from None
    with index_labels(data) as data:
        df, layout = coerce(data, repeats="drop", **with_gap_rule(columns))
    hist = drop_labels(latest_pieces(df, layout))
    owners = mover_owners(hist)
    mover_of = _movers(hist)
    nxt = _next_stops(to, layout.traj_col, hist, mover_of)
    hist = hist.drop(SOURCE_ID, PIECE, T_NS, strict=False)
    past = _read_past(memory, columns)
    pool = [_mover_keyed(df)] + ([_mover_keyed(past)] if past is not None else [])
    paces = Paces(pl.concat([p.select("traj_id", "t", "lat", "lon") for p in pool]))
    today = moving_speed(_mover_keyed(df))
    memories = [(RouteMemory(df.select(pl.col("traj_id").cast(pl.String), "t", "lat", "lon")),
                 True)]  # fmt: skip
    if isinstance(memory, RouteMemory):  # its trips as read (past: keyed by van, for legs)
        memories.append((memory, False))
    elif past is not None:
        memories.append((RouteMemory(past.select(pl.col("traj_id").cast(pl.String), "t", "lat",
                                                 "lon")), False))  # fmt: skip
    route = route_answers(memories, hist, orders, radius, horizon)
    last = hist.group_by("traj_id", maintain_order=True).agg(
        pl.col("t").last().cast(pl.Float64), pl.col("lat").last(), pl.col("lon").last()
    )
    rows = []
    for tid, t_last, lat, lon in last.iter_rows():
        mover = mover_of.get(tid, str(tid))
        pace, engine = paces.pace(mover, today.get(mover))
        straight = haversine(lat, lon, orders[:, 0], orders[:, 1])
        for j, d in enumerate(np.atleast_1d(straight)):
            eta, eng = (float(d) * pace if pace is not None else math.nan), engine
            r = route.get(tid)
            if r is not None and r["reached"][j] and not eta <= r["eta_s"][j]:
                eta, eng = float(r["eta_s"][j]), "route"
            delay = None
            if mover in nxt and pace is not None:
                n_lat, n_lon = nxt[mover][0]
                back = float(haversine(orders[j, 0], orders[j, 1], n_lat, n_lon))
                direct = float(haversine(lat, lon, n_lat, n_lon))
                delay = max(eta + service + pace * (back - direct), 0.0)
            rows.append((tid, j, float(orders[j, 0]), float(orders[j, 1]), eta, t_last + eta,
                         float(d), eng, None if pace is None else pace * 1000.0, delay))  # fmt: skip
    out = pl.DataFrame(rows, orient="row", schema={
        "traj_id": hist.schema["traj_id"], "order": pl.Int64, "order_lat": pl.Float64,
        "order_lon": pl.Float64, "eta_s": pl.Float64, "arrive_time": pl.Float64,
        "straight_m": pl.Float64, "engine": pl.String, "pace_s_per_km": pl.Float64,
        "delay_s": pl.Float64})  # fmt: skip
    _say_unanswered(out, orders)
    out = out.with_columns(pl.col("eta_s", "arrive_time").fill_nan(None))
    out = out.sort("order", "eta_s", nulls_last=True).with_columns(
        rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("order")
    )
    out = _with_next(out, nxt, mover_of) if nxt else out.drop("delay_s")
    return from_canonical(with_owners(out, owners), layout=layout, times=("arrive_time",),
                          ranked=True)  # fmt: skip


FAR_ORDER_KM = 300.0  # an urgent order no van of the feed is within a day's drive of


# the way on of the no-pace warning; POST /divert says the server's own option instead
# (serve/dispatch_routes.py: memory= is no field there; fix34b)
NO_PACE_WAY = "give past trips with memory= (CLI --memory)"


def _say_unanswered(table: pl.DataFrame, orders: np.ndarray) -> None:
    """One warning for the vans given no time (no moving legs to take a pace from: their
    eta_s was empty, unsaid) and one for orders far from every van (lat / lon exchanged gave
    (-8.59, 41.17) answered as a drive of weeks); badin34b. ``table``: divert's rows, in the
    order they were made (van by van, each order in turn)."""
    from trajlm.errors import warn_at_caller

    unpaced = table.filter(pl.col("pace_s_per_km").is_null() & (pl.col("engine") != "route"))
    no_pace = unpaced["traj_id"].cast(pl.String).unique(maintain_order=True).to_list()
    if no_pace:
        shown = ", ".join(no_pace[:3]) + (
            f" and {len(no_pace) - 3} more" if len(no_pace) > 3 else ""
        )
        warn_at_caller(f"trajlm.divert: {len(no_pace):,} van(s) ({shown}) have no moving legs, "
                       "nor has the fleet, to take a pace from: their eta_s is empty; "
                       + NO_PACE_WAY)  # fmt: skip
    by_order = table.group_by("order", maintain_order=True).agg(pl.col("straight_m").min())
    nearest = dict(by_order.iter_rows())
    far = [j for j, d in nearest.items() if d > FAR_ORDER_KM * 1000.0]
    if far:
        j = far[0]
        warn_at_caller(f"trajlm.divert: order {j} ({orders[j, 0]:g}, {orders[j, 1]:g}) is "
                       f"{nearest[j] / 1000:,.0f} km from the nearest van"
                       + (f" ({len(far)} such orders)" if len(far) > 1 else "")
                       + ": is it (latitude, longitude), in the vans' region?")  # fmt: skip


def _movers(hist: pl.DataFrame) -> dict[Any, str]:
    """Each canonical trajectory's mover as text (its owner column's value, else its own id
    before a cut into pieces, else itself): the key of its pace and its planned stops."""
    from trajlm.data.coerce_pieces import mover_column
    from trajlm.data.schema import SOURCE_ID

    owner = mover_column(hist.columns)
    col = owner or (SOURCE_ID if SOURCE_ID in hist.columns else "traj_id")
    pairs = hist.select("traj_id", pl.col(col).cast(pl.String).alias("_mover")).unique("traj_id")
    return dict(pairs.iter_rows())


def _next_stops(to: Any, id_col: str, hist: pl.DataFrame, mover_of: dict) -> dict[str, tuple]:
    """{mover: ((lat, lon) of its next planned stop, {other column: value})} from ``to``'s
    first row per van; {} without ``to``; one line when ``to`` names no van."""
    from trajlm.api_reach_keys import target_frame, target_keys
    from trajlm.api_targets import latlon_columns, read_targets

    if to is None:
        return {}
    try:
        points = read_targets(to)
    except TrajlmInputError as e:
        raise e.said_of("to") from None
    keys = target_keys(to, id_col, hist)
    if keys is None:
        raise TrajlmInputError(
            f"give each van's planned stops with a column naming the van as the data does "
            f"({id_col!r}), its next stop first",
            field="to",
        )
    frame = target_frame(to)
    lat, lon = latlon_columns(frame)
    other = [c for c in frame.columns if c not in (lat, lon, keys[0])]
    out: dict[str, tuple] = {}
    if not other:  # only the van and the position: nothing else to carry
        records: list[dict] = [{} for _ in keys[1]]
    elif isinstance(frame, pl.DataFrame):
        records = frame.select(other).to_dicts()
    else:
        records = frame[other].to_dict("records")
    for i, key in enumerate(keys[1]):
        if key is not None and key not in out:
            out[key] = (tuple(points[i]), records[i])
    known = set(mover_of.values()) | {str(k) for k in mover_of}
    if not (set(out) & known):
        some = f" (e.g. {next(iter(out))!r})" if out else " (every row's is empty)"
        raise TrajlmInputError(f"no {keys[0]} of `to` names a van of the data{some}: give "
                               "each van's next stop on a row naming it", field="to")  # fmt: skip
    return out


def _with_next(out: pl.DataFrame, nxt: dict, mover_of: dict) -> pl.DataFrame:
    """``out`` with each van's next stop (``next_lat``, ``next_lon``, its other `to` columns
    as ``next_NAME``) and ``delay_s`` last."""
    movers = [mover_of.get(t, str(t)) for t in out["traj_id"].to_list()]
    cols = {"next_lat": [nxt[m][0][0] if m in nxt else None for m in movers],
            "next_lon": [nxt[m][0][1] if m in nxt else None for m in movers]}  # fmt: skip
    names = sorted({k for v in nxt.values() for k in v[1]}, key=str)
    for k in names:
        cols[f"next_{k}"] = [nxt[m][1].get(k) if m in nxt else None for m in movers]
    delay = out["delay_s"]
    return out.drop("delay_s").with_columns(**{k: pl.Series(v, strict=False)
                                              for k, v in cols.items()}, delay_s=delay)  # fmt: skip


__all__ = ["DIVERT_COLUMNS", "Paces", "divert", "legs", "moving_speed"]
