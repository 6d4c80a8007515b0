"""`TrajLM.reach`: when each trajectory's predicted path first comes within a radius of given
points (session 31, eta31; issue 15 lever 1's second half, "the time at which a given point is
reached"; newuser31 #11 built it by hand from ``predict(seconds_ahead=...)``).

The answer is the engine's own (``predict(seconds_ahead=...)`` on each trajectory's latest
history, so the verdict's engine answers where it would and is named): positions on a time
grid up to the horizon, joined in straight lines from the last fix, the first crossing of each
circle found exactly on those segments (a local flat plane in metres: under a kilometre per
segment the error is far below a metre). It is not route-aware: a rollout that cuts a corner
reaches a stop on the corner's far side early or misses it (docs/api.md)."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule
from trajlm.api_labels import drop_labels, index_labels
from trajlm.api_reach_keys import asked_targets, ids_of, keep_own_targets, target_keys
from trajlm.api_reach_route import (  # noqa: F401 (first_crossing: importable here)
    RouteMemory,
    first_crossing,
    route_answers,
    tangent_metres,
    with_route,
)
from trajlm.api_rollout import MAX_STEPS, history_interval
from trajlm.api_targets import latlon_columns, read_targets, target_points
from trajlm.api_verdict import check_flags
from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import from_canonical
from trajlm.data.coerce_pieces import PIECE, latest_pieces, mover_owners, with_owners
from trajlm.data.coerce_subsec import T_NS
from trajlm.data.local_plane import degree_places_line, is_local_input
from trajlm.data.schema import SOURCE_ID, TrajlmInputError
from trajlm.errors import warn_at_caller

GRID_MAX = 256  # at most this many asked times per call (a default step_s is widened to fit)
DEFAULT_STEP_S = 15.0  # the grid step for a checkpoint without a recorded training step


def _number(value: Any, field: str, *, positive: bool = True) -> float:
    """``value`` as a finite float > 0, else one TrajlmInputError naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TrajlmInputError(f"{field} must be a finite number, got {value!r}", field=field)
    if positive and value <= 0:
        raise TrajlmInputError(f"{field} must be > 0, got {value!r}", field=field)
    return float(value)


FAR_M, NEAR_M = 1_000_000.0, 100_000.0  # a target this far off, whose swap is this near


def swapped_targets(targets: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> list[int]:
    """Targets (rows of (lat, lon)) over FAR_M from every last fix (``lat``, ``lon``) that lie
    within NEAR_M of one read as (lon, lat): given the other way round (badin32: answered
    "not reached, closest 7,765 km" without a word)."""
    from trajlm.data.geometry import haversine

    out = []
    for i, (a, b) in enumerate(targets):
        if abs(b) > 90 or haversine(lat, lon, a, b).min(initial=np.inf) <= FAR_M:
            continue
        if haversine(lat, lon, b, a).min(initial=np.inf) <= NEAR_M:
            out.append(i)
    return out


def time_grid(horizon_s: float, step_s: float | None, train_step_s: float) -> np.ndarray:
    """Seconds after the last fix at which positions are asked: every ``step_s`` (default the
    model's training step, widened to at most GRID_MAX times) up to and including the horizon."""
    if step_s is None:
        step_s = max(train_step_s or DEFAULT_STEP_S, horizon_s / GRID_MAX)
    n = math.ceil(horizon_s / step_s - 1e-9)
    if n > GRID_MAX:
        raise TrajlmInputError(
            f"step_s={step_s:g} asks {n} times up to horizon_s={horizon_s:g} (at most "
            f"{GRID_MAX}): give a larger step_s",
            field="step_s",
        )
    return np.minimum(step_s * np.arange(1, n + 1), horizon_s)


class ReachSearch:
    """Mixin of `TrajLM`: `reach` over `predict(seconds_ahead=...)`."""

    def reach(
        self,
        data: Any,
        to: Any,
        *,
        radius_m: float = 50.0,
        horizon_s: float = 1800.0,
        step_s: float | None = None,
        route: bool = True,
        memory: Any = None,
        **columns: Any,
    ) -> Any:
        """When each trajectory's predicted path first comes within ``radius_m`` of each point
        of ``to`` (a (lat, lon) pair, a list of pairs or a frame with latitude / longitude
        columns, e.g. GTFS stops.txt, or a GeoDataFrame of Points in any CRS), within
        ``horizon_s`` seconds of its last fix.

        Reads each mover's latest history as ``predict(latest=True)`` does and asks
        ``predict(seconds_ahead=...)`` every ``step_s`` seconds (default the model's training
        step) up to the horizon; the path runs in straight lines from the last fix through
        those positions, and the first entry into each circle is found on it. One row per
        (trajectory, target), in the caller's kind and names: the trajectory id (the mover
        column beside it, ``piece`` where a vehicle was cut), ``target`` (0-based position in
        ``to``), ``target_lat``, ``target_lon``, ``reached``, ``eta_s`` (seconds after the last
        fix; 0 when the last fix is already inside; NaN when not reached), ``reach_time`` (in
        the input's time kind; null when not reached), ``closest_m`` (closest approach of the
        path within the horizon) and ``engine`` (who answered the deciding position).

        ``route`` (default on; session 32): where ``MIN_PATHS`` or more past paths went this
        way (other trips of ``data``, the mover's own earlier trips, and the trips of
        ``memory``: any frame ``data`` could be, read with the same column keywords, or a
        ``RouteMemory.read(frame)`` read once for many calls), they
        answer instead (engine ``"route"``, trajlm/api_reach_route.py): reached when at least
        half of them reached the target within the horizon, ``eta_s`` the median of their
        times from here; ``paths`` says how many answered (0: the rollout did).

        A ``to`` frame with a column named as the data's trajectory id column or its mover
        column (``van_id``: each van's next stops; session 33) asks each target of that
        trajectory / mover only (trajlm/api_reach_keys.py); an empty id: of every one."""
        check_keywords("TrajLM.reach", columns, COLUMN_KEYWORDS)
        if is_local_input(data, columns.get("crs")):  # targets in degrees (local36)
            raise TrajlmInputError(degree_places_line("TrajLM.reach: to=", python=True))
        check_flags(route=route)  # badin33: route="no" was truthy, the route engine stayed on
        radius = _number(radius_m, "radius_m")
        horizon = _number(horizon_s, "horizon_s")
        step = None if step_s is None else _number(step_s, "step_s")
        to = target_points(to)
        targets = read_targets(to)
        train_step = history_interval(self.model)  # type: ignore[attr-defined]
        if not getattr(self.config, "time_query", False) and train_step > 0:  # type: ignore[attr-defined]
            reach_s = MAX_STEPS * train_step  # the longest rollout predict extends to
            if horizon > reach_s:
                raise TrajlmInputError(
                    f"horizon_s={horizon:g} is beyond this model's rollout ({MAX_STEPS} steps of "
                    f"{train_step:g} s = {reach_s:g} s): give horizon_s <= {reach_s:g}",
                    field="horizon_s",
                )
        grid = time_grid(horizon, step, train_step)
        with index_labels(data) as data:
            df, layout = coerce(data, repeats="drop", **with_gap_rule(columns))
        hist = drop_labels(latest_pieces(df, layout))
        owners = mover_owners(hist)
        keys = target_keys(to, layout.traj_col, hist)  # each van's own stops (dispatch33)
        ids = ids_of(hist) if keys else {}
        hist = hist.drop(SOURCE_ID, PIECE, T_NS, strict=False)
        ends = hist.group_by("traj_id").agg(pl.col("lat", "lon").sort_by("t").last())
        if swapped := swapped_targets(targets, ends["lat"].to_numpy(), ends["lon"].to_numpy()):
            i = swapped[0]
            warn_at_caller(
                f"to: {len(swapped)} target(s) lie over {FAR_M / 1000:,.0f} km from every "
                f"trajectory but within {NEAR_M / 1000:,.0f} km read the other way round (e.g. "
                f"target {i} {targets[i].tolist()}): latitude and longitude swapped, in `to` "
                "(give (lat, lon)) or in the data's columns?"
            )
        past = _memories(df, memory, columns) if route else None
        pred = self.predict(hist, seconds_ahead=grid.tolist(), split_gaps=False)  # type: ignore[attr-defined]
        asked = asked_targets(keys, ids) if keys else None  # each van's own stops only
        table = reach_table(hist, pred, targets, grid, radius, self, asked)
        if past is not None:
            answers = route_answers(past, hist, targets, radius, horizon, asked)
            last_t = dict(
                hist.group_by("traj_id").agg(pl.col("t").last().cast(pl.Float64)).iter_rows()
            )
            table = with_route(table, answers, last_t)
        else:
            table = table.with_columns(paths=pl.lit(0, dtype=pl.Int64))
        if keys:
            table = keep_own_targets(table, keys, ids)
        table = with_target_columns(table, to, _caller_names(layout, owners, keys))
        return from_canonical(
            with_owners(table, owners),
            layout=layout,
            times=("reach_time",),
        )


def _caller_names(layout: Any, owners: pl.DataFrame | None, keys: Any) -> tuple[set, str | None]:
    """(the names the answer takes in the caller's kind: a target column of that name is
    written ``target_NAME``; dispatch33: a ``van_id`` in `to` and in the data was Polars'
    "column 'van_id' is duplicate"), the `to` column that named each target's van (dropped:
    the row's own id says it)."""
    names = {layout.traj_col, layout.time_col, layout.lat_col, layout.lon_col}
    return names | ({owners.columns[1]} if owners is not None else set()), keys and keys[0]


def with_target_columns(table: pl.DataFrame, to: Any,
                        caller: tuple[set, str | None] = (set(), None)) -> pl.DataFrame:  # fmt: skip
    """``table`` with a target frame's own other columns (GTFS stops.txt's stop_id,
    stop_name, ...; a pandas frame's named index too) beside each row's ``target``; a name
    the answer has already is written ``target_NAME``, as is one the caller's time /
    position columns could be read as (session 32: only the target's position came back).
    ``caller``: the answer's names in the caller's kind and the column keying each target to
    its trajectory (not repeated)."""
    if not hasattr(to, "columns"):
        return table
    lat, lon = latlon_columns(to)
    if isinstance(to, pl.DataFrame):
        frame = to
    else:  # a named index (stops.set_index("stop_id")) comes back as a column too
        names = [n for n in getattr(to.index, "names", [None]) if n is not None]
        frame = pl.from_pandas(to.reset_index(drop=not names))
    frame = frame.drop(lat, lon, *([caller[1]] if caller[1] else []))
    if not frame.width:
        return table
    taken = {*table.columns, *caller[0], "t", "time", "timestamp", "lat", "lon", "geometry",
             "piece"}  # fmt: skip
    frame = frame.rename({c: f"target_{c}" for c in frame.columns if c in taken})
    extra = frame.with_row_index("target").with_columns(pl.col("target").cast(pl.Int64))
    return table.with_columns(pl.col("target").cast(pl.Int64)).join(
        extra, on="target", how="left", maintain_order="left"
    )


def _memories(df: pl.DataFrame, memory: Any, columns: dict) -> list[tuple[RouteMemory, bool]]:
    """The past fixes route-aware reach reads: every trajectory of the input (the mover's own
    latest one is skipped per query: True) and ``memory``'s (a frame, or a RouteMemory read
    once)."""
    own = df.select(pl.col("traj_id").cast(pl.String), pl.col("t").cast(pl.Float64), "lat", "lon")
    memories = [(RouteMemory(own), True)]
    if memory is not None:
        if not isinstance(memory, RouteMemory):
            try:
                memory = RouteMemory.read(memory, **columns)
            except TrajlmInputError as e:  # badin33: "input: no points" named the data
                raise TrajlmInputError(str(e), field="memory") from None
        memories.append((memory, False))
        if (line := far_memory_line(own, memory)) is not None:
            warn_at_caller(line)
    return memories


def far_memory_line(own: pl.DataFrame, memory: RouteMemory, far_km: float = 50.0) -> str | None:
    """A line when ``memory``'s past trips all lie over ``far_km`` beyond the input's own
    spread (a Porto memory for Turin vans answered by the model alone, unsaid; badin35)."""
    from trajlm.data.geometry import haversine

    if len(memory.lat) == 0 or own.is_empty():
        return None
    lat0, lon0 = float(own["lat"].median()), float(own["lon"].median())
    spread = float(haversine(lat0, lon0, own["lat"].to_numpy(), own["lon"].to_numpy()).max())
    near = float(haversine(lat0, lon0, memory.lat, memory.lon).min())
    if near <= spread + far_km * 1000:
        return None
    return (f"memory: its past trips lie {near / 1000:,.0f} km from the trajectories asked "
            "about (nearest fix): none of them can answer by route; give past trips of this "
            "area")  # fmt: skip


def reach_table(
    hist: pl.DataFrame, pred: pl.DataFrame, targets: np.ndarray, grid: np.ndarray,
    radius: float, model: Any, asked: dict[Any, np.ndarray] | None = None,
) -> pl.DataFrame:  # fmt: skip
    """The answer in trajlm's names: one row per (trajectory of ``hist``, target), or per
    (trajectory, one of its ``asked`` targets) for keyed targets (dispatch34: 2,000 vans x
    6,000 stops crossed every pair, 12 M rows of 129 grid points, to keep 6,000)."""
    last = hist.group_by("traj_id", maintain_order=True).agg(
        pl.col("t").last().cast(pl.Float64), pl.col("lat").last(), pl.col("lon").last()
    )
    ids = last["traj_id"].to_list()
    n, m = len(ids), len(targets)
    lat = np.full((n, len(grid) + 1), np.nan)
    lon = lat.copy()
    eng = np.full((n, len(grid) + 1), str(getattr(model, "last_engine", "model")), dtype=object)
    lat[:, 0], lon[:, 0] = last["lat"].to_numpy(), last["lon"].to_numpy()
    row = {k: i for i, k in enumerate(ids)}
    r = np.array([row[k] for k in pred["traj_id"].to_list()], dtype=np.int64)
    c = pred["step"].to_numpy().astype(np.int64)  # 1..len(grid), in asked order
    lat[r, c] = pred["lat"].to_numpy().astype(np.float64)
    lon[r, c] = pred["lon"].to_numpy().astype(np.float64)
    if "engine" in pred.columns:
        eng[r, c] = pred["engine"].to_numpy()
        eng[:, 0] = eng[:, 1]
    secs = np.concatenate([[0.0], grid])
    every = np.arange(m)
    cols = [every if asked is None else asked.get(k, every[:0]) for k in ids]
    pr = np.repeat(np.arange(n), [len(x) for x in cols])  # each pair's trajectory row
    pt = np.concatenate(cols).astype(np.int64) if cols else every[:0]  # ... and its target
    east, north = tangent_metres(lat[pr], lon[pr], targets[pt, 0, None], targets[pt, 1, None])
    eta, decider, closest = first_crossing(east, north, secs, radius)
    reached = np.isfinite(eta)
    t_last = last["t"].to_numpy()[pr]
    return pl.DataFrame({
        "traj_id": pl.Series(np.asarray(ids, dtype=object)[pr].tolist(),
                             dtype=last.schema["traj_id"]),
        "target": pt,
        "target_lat": targets[pt, 0],
        "target_lon": targets[pt, 1],
        "reached": reached,
        "eta_s": eta,
        "reach_time": pl.Series(np.where(reached, t_last + eta, np.nan),
                                dtype=pl.Float64).fill_nan(None),
        "closest_m": closest,
        "engine": eng[pr, decider].astype(str),
    })  # fmt: skip
