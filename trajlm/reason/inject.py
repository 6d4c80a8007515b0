"""Injected anomalies with exact labels: what an anomaly detector is scored against.

    dirty, labels = inject_anomalies(test_df, fraction=0.5, seed=0)
    dirty:  traj_id, t, lat, lon, anomaly (bool per point), anomaly_type (per point, null if normal)
    labels: traj_id, anomaly_type ("normal" or one of KINDS), n_points (anomalous points)

A `fraction` of the trajectories with at least `min_points` points gets exactly one anomaly,
the kinds in equal shares, at a random anchor point `a` (never the first or last two points):

``detour``     a closed loop off the route inserted after `a`: out perpendicular to the
               direction of travel, along, back and along again (a rectangle of 150-400 m by
               100-300 m), at the trajectory's own moving speed and median sampling interval;
               the anomalous points are the inserted ones.
``teleport``   every point after `a` is moved 1-3 km in one random direction: one impossible
               jump (the anomalous point is the first one after it).
``stop``       a dwell of 10-30 min at the anchor inserted after `a` (fixes at the median
               interval with GPS noise), the rest of the trajectory later by as much.
``wrong_way``  the vehicle turns around at `a`, drives back along the route it came for 4-10
               of its own points, turns again and continues (the inserted points). The
               synthetic city's streets are two-way, so "wrong way" is travel against the
               trajectory's own direction along its route, not against a one-way sign.
``speed``      3-8 steps after `a` run 3-6x faster (their time steps divided, >= 1 s), the
               rest of the trajectory earlier by the time saved.

Everything is vectorized over trajectories and points (no loop over either) and drawn from
``np.random.default_rng(seed)``: the same input and seed give the same table. Only the
canonical columns are kept (inserted points have no value for the others).
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.geometry import trajectory_offsets
from trajlm.errors import TrajlmInputError

KINDS = ("detour", "teleport", "stop", "wrong_way", "speed")
NORMAL = "normal"


@dataclass
class InjectConfig:
    """What to inject and how strong (units in the names)."""

    fraction: float = 0.5  # of the eligible trajectories that get one anomaly
    kinds: tuple[str, ...] = KINDS
    min_points: int = 8  # shorter trajectories stay normal
    seed: int = 0
    detour_side_m: tuple[float, float] = (150.0, 400.0)  # loop leg across the route
    detour_along_m: tuple[float, float] = (100.0, 300.0)  # loop leg along the route
    teleport_m: tuple[float, float] = (1000.0, 3000.0)
    stop_s: tuple[float, float] = (600.0, 1800.0)
    wrong_way_points: tuple[int, int] = (4, 10)  # points driven back along the route
    speed_factor: tuple[float, float] = (3.0, 6.0)
    speed_points: tuple[int, int] = (3, 8)
    noise_m: float = 4.0  # GPS noise (std per axis) on inserted points
    max_inserted: int = 400  # cap on the points one anomaly inserts

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be a non-empty subset of {KINDS}, got {self.kinds}")
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must be in [0, 1], got {self.fraction}")
        if self.min_points < 6:
            raise ValueError(f"min_points must be >= 6, got {self.min_points}")


def _uniform(u: np.ndarray, lo_hi: tuple[float, float]) -> np.ndarray:
    return lo_hi[0] + u * (lo_hi[1] - lo_hi[0])


def _local_motion(x, y, t, start, length) -> tuple[np.ndarray, np.ndarray]:
    """Per trajectory: median moving speed (m/s, steps > 1 m/s; 5 m/s if none) and median
    sampling interval (whole seconds, >= 1)."""
    n_traj = len(start)
    traj = np.repeat(np.arange(n_traj), length)
    first = np.zeros(len(t), bool)
    first[start] = True
    dist = np.hypot(np.diff(x, prepend=x[:1]), np.diff(y, prepend=y[:1]))
    dt = np.diff(t, prepend=t[:1]).astype(np.float64)
    steps = pl.DataFrame({"traj": traj, "dist": dist, "dt": dt, "step": ~first}).filter("step")
    speed = (pl.col("dist") / pl.col("dt").clip(lower_bound=1.0)).alias("v")
    agg = (
        steps.with_columns(speed)
        .group_by("traj")
        .agg(pl.col("v").filter(pl.col("v") > 1.0).median(), pl.col("dt").median())
    )
    v, d = np.full(n_traj, 5.0), np.full(n_traj, 10.0)
    idx = agg["traj"].to_numpy()
    v[idx] = agg["v"].fill_null(5.0).to_numpy()
    d[idx] = agg["dt"].fill_null(10.0).to_numpy()
    return v, np.maximum(np.rint(d), 1.0).astype(np.int64)


_COLUMN_OPTIONS = ("traj_col", "time_col", "lat_col", "lon_col", "crs", "split_gaps")


def inject_anomalies(df: Any, config: InjectConfig | None = None, **overrides: Any) -> tuple:
    """Insert anomalies into a trajectory table; see the module docstring. Keyword overrides
    replace fields of `config` (``inject_anomalies(df, fraction=0.3, seed=1)``). A canonical
    Polars table (traj_id, t, lat, lon) gives canonical tables; any other frame (pandas,
    Polars in other names, GeoPandas, MovingPandas; the column options ``traj_col=``,
    ``time_col=``, ``lat_col=``, ``lon_col=``, ``crs=`` as everywhere) gives both back in
    its kind, names, time type and CRS (session 20: a pandas frame was a KeyError). A frame
    keyed by a vehicle / user / device is cut into trips as TrajLM cuts it (``split_gaps=``
    as there): labels per (id, ``piece``) (session 22, pieces22)."""
    columns = {k: overrides.pop(k) for k in _COLUMN_OPTIONS if k in overrides}
    known = {f.name for f in dataclasses.fields(InjectConfig)}
    if unknown := [k for k in overrides if k not in known]:  # was InjectConfig's TypeError
        raise TrajlmInputError(
            f"inject_anomalies: unknown option(s) {unknown}",
            field=unknown[0],
            hint=f"column options: {', '.join(_COLUMN_OPTIONS)} (e.g. traj_col='trip'); "
            f"settings: {', '.join(sorted(known))}",
        )
    cfg = dataclasses.replace(config or InjectConfig(), **overrides)
    if (
        isinstance(df, pl.DataFrame)
        and not columns
        and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    ):
        return _inject(df, cfg)
    from trajlm._arguments import with_gap_rule
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical

    table, layout = coerce(df, **with_gap_rule(columns))  # a vehicle's days: its trips (pieces22)
    points, labels = _inject(table, cfg)
    return from_canonical(points, layout=layout), from_canonical(labels, layout=layout)


def _inject(df: pl.DataFrame, cfg: InjectConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The anomalies drawn (_drawn_anomalies), their points made (_inserted) and put among the
    original ones (_assembled); the warning stays here, its stacklevel counts from this frame."""
    df = df.select("traj_id", "t", "lat", "lon").sort(["traj_id", "t"])
    if len(df) == 0:
        raise ValueError("no points to inject anomalies into")
    rng = np.random.default_rng(cfg.seed)
    start, length = trajectory_offsets(df)
    n_traj = len(start)
    proj = LocalProjection.fit(df)
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    t = df["t"].to_numpy().astype(np.int64)

    # Which trajectories, which kind (equal shares in random order), where, how strong.
    eligible = np.flatnonzero(length >= cfg.min_points)
    if cfg.fraction > 0 and len(eligible) == 0:  # was every trip "normal" without a word
        warnings.warn(
            f"inject_anomalies: none of the {n_traj} trajectories has min_points="
            f"{cfg.min_points} points or more (the longest has {int(length.max())}): nothing "
            "injected, every label is 'normal'",
            stacklevel=3,
        )
    chosen = rng.permutation(eligible)[: int(round(cfg.fraction * len(eligible)))]
    kind_ids = np.array([KINDS.index(k) for k in cfg.kinds])
    kind = np.full(n_traj, -1)
    kind[chosen] = kind_ids[np.arange(len(chosen)) % len(kind_ids)]
    u = rng.random((n_traj, 6))  # every parameter drawn for every trajectory: reproducible
    a = 2 + np.floor(u[:, 0] * np.maximum(length - 4, 1)).astype(np.int64)  # anchor, local
    g = start + a  # anchor, global row
    drawn = _drawn_anomalies(cfg, x, y, t, start, length, kind, u, a, g)
    ti, j, ins_x, ins_y, ins_t = _inserted(rng, cfg, x, y, t, drawn)
    out_x, out_y, out_t, out_traj, flag = _assembled(
        cfg, x, y, t, length, u, drawn, ti, j, ins_x, ins_y, ins_t
    )

    names = np.array([*KINDS, NORMAL], dtype=object)  # kind -1 -> "normal"
    ids = df["traj_id"].unique(maintain_order=True)
    lat, lon = proj.inverse(out_x, out_y)
    points = pl.DataFrame({
        "traj_id": ids.gather(out_traj), "t": out_t, "lat": lat, "lon": lon, "anomaly": flag,
        "anomaly_type": pl.Series(np.where(flag, names[kind[out_traj]], None).tolist(),
                                  dtype=pl.Utf8),
    })  # fmt: skip
    n_flag = np.bincount(out_traj, weights=flag, minlength=n_traj).astype(np.int64)
    labels = pl.DataFrame(
        {"traj_id": ids, "anomaly_type": names[kind].astype(str), "n_points": n_flag}
    )
    return points, labels


class _Drawn(NamedTuple):
    """Each trajectory's anomaly as drawn: its kind (-1: normal; ``is_`` by name), anchor (``a``
    local, ``g`` global row), first / last row, sampling step, direction of travel (hx, hy),
    the detour's side (vx, vy) and legs, the wrong way's points back, the points inserted."""

    kind: np.ndarray
    is_: dict[str, np.ndarray]
    a: np.ndarray
    g: np.ndarray
    start: np.ndarray
    last: np.ndarray
    dt_int: np.ndarray
    hx: np.ndarray
    hy: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    along: np.ndarray
    side_m: np.ndarray
    along_m: np.ndarray
    perimeter: np.ndarray
    n_back: np.ndarray
    n_ins: np.ndarray


def _drawn_anomalies(
    cfg: InjectConfig,
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    u: np.ndarray,
    a: np.ndarray,
    g: np.ndarray,
) -> _Drawn:
    """Where each trajectory's anomaly goes and how big it is (its block of inserted points)."""
    n_traj = len(start)
    speed, dt_int = _local_motion(x, y, t, start, length)
    step_m = speed * dt_int

    # Direction of travel at the anchor, and a side (left / right) for the detour.
    last = start + length - 1
    nxt, prv = np.minimum(g + 1, last), np.maximum(g - 1, start)
    hx, hy = x[nxt] - x[prv], y[nxt] - y[prv]
    norm = np.hypot(hx, hy)
    hx, hy = (
        np.where(norm > 0, hx / np.where(norm > 0, norm, 1), 1.0),
        np.where(norm > 0, hy / np.where(norm > 0, norm, 1), 0.0),
    )
    side = np.where(u[:, 1] < 0.5, 1.0, -1.0)
    vx, vy = -hy * side, hx * side  # perpendicular to travel
    along = np.where(u[:, 2] < 0.5, 1.0, -1.0)  # loop leg forward or backward

    is_ = {k: kind == KINDS.index(k) for k in KINDS}
    side_m, along_m = _uniform(u[:, 3], cfg.detour_side_m), _uniform(u[:, 4], cfg.detour_along_m)
    perimeter = 2 * (side_m + along_m)
    n_back = np.minimum(
        np.floor(_uniform(u[:, 3], (cfg.wrong_way_points[0], cfg.wrong_way_points[1] + 1)))
        .astype(np.int64)
        .clip(max=cfg.wrong_way_points[1]),
        a,
    )
    stop_s = _uniform(u[:, 5], cfg.stop_s)
    n_ins = np.zeros(n_traj, np.int64)
    n_ins[is_["detour"]] = np.ceil(perimeter / np.maximum(step_m, 1.0))[is_["detour"]]
    n_ins[is_["stop"]] = np.ceil(stop_s / dt_int)[is_["stop"]]
    n_ins[is_["wrong_way"]] = 2 * n_back[is_["wrong_way"]]
    n_ins = np.clip(n_ins, 0, cfg.max_inserted)
    n_ins[is_["detour"]] = np.maximum(n_ins[is_["detour"]], 4)
    return _Drawn(
        kind,
        is_,
        a,
        g,
        start,
        last,
        dt_int,
        hx,
        hy,
        vx,
        vy,
        along,
        side_m,
        along_m,
        perimeter,
        n_back,
        n_ins,
    )


def _inserted(
    rng: np.random.Generator,
    cfg: InjectConfig,
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    drawn: _Drawn,
) -> tuple[np.ndarray, ...]:
    """The inserted points: their trajectory ti, number j = 1..n in its block, x, y and time."""
    kind, g, start, last, dt_int, n_ins = (
        drawn.kind,
        drawn.g,
        drawn.start,
        drawn.last,
        drawn.dt_int,
        drawn.n_ins,
    )
    hx, hy, vx, vy, along = drawn.hx, drawn.hy, drawn.vx, drawn.vy, drawn.along
    side_m, along_m, perimeter, n_back = drawn.side_m, drawn.along_m, drawn.perimeter, drawn.n_back
    n_traj = len(start)
    # Inserted points: trajectory, number j = 1..n in its block, position, time.
    ti = np.repeat(np.arange(n_traj), n_ins)
    j = np.arange(len(ti)) - np.repeat(np.cumsum(n_ins) - n_ins, n_ins) + 1
    frac = j / np.maximum(n_ins[ti], 1)
    s = perimeter[ti] * frac  # arc length along the detour loop
    e1 = np.clip(s, 0, side_m[ti])
    e2 = np.clip(s - side_m[ti], 0, along_m[ti])
    e3 = np.clip(s - side_m[ti] - along_m[ti], 0, side_m[ti])
    e4 = np.clip(s - 2 * side_m[ti] - along_m[ti], 0, along_m[ti])
    loop_x = vx[ti] * (e1 - e3) + along[ti] * hx[ti] * (e2 - e4)
    loop_y = vy[ti] * (e1 - e3) + along[ti] * hy[ti] * (e2 - e4)
    m = n_back[ti]
    back_row = np.where(j <= m, g[ti] - j, g[ti] - 2 * m + j)  # back along the route, then forth
    back_row = np.clip(back_row, start[ti], last[ti])
    k = kind[ti]
    loop = k == KINDS.index("detour")  # a stop stays at the anchor
    ins_x = np.where(k == KINDS.index("wrong_way"), x[back_row], x[g[ti]] + loop * loop_x)
    ins_y = np.where(k == KINDS.index("wrong_way"), y[back_row], y[g[ti]] + loop * loop_y)
    ins_x = ins_x + rng.normal(0.0, cfg.noise_m, len(ti))
    ins_y = ins_y + rng.normal(0.0, cfg.noise_m, len(ti))
    ins_t = t[g[ti]] + dt_int[ti] * j
    return ti, j, ins_x, ins_y, ins_t


def _assembled(
    cfg: InjectConfig,
    x: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    length: np.ndarray,
    u: np.ndarray,
    drawn: _Drawn,
    ti: np.ndarray,
    j: np.ndarray,
    ins_x: np.ndarray,
    ins_y: np.ndarray,
    ins_t: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The original and inserted points in one table (x, y, t, trajectory, anomalous flag)."""
    start, a, dt_int, n_ins, is_ = drawn.start, drawn.a, drawn.dt_int, drawn.n_ins, drawn.is_
    n_traj = len(start)
    # Assemble: original rows after the anchor move down by the block they make room for.
    traj = np.repeat(np.arange(n_traj), length)
    local = np.arange(len(t)) - np.repeat(start, length)
    after = local > a[traj]
    new_len = length + n_ins
    new_start = np.cumsum(new_len) - new_len
    orig_pos = new_start[traj] + local + np.where(after, n_ins[traj], 0)
    ins_pos = new_start[ti] + a[ti] + j
    N = int(new_len.sum())
    out_x, out_y, out_t = np.empty(N), np.empty(N), np.empty(N, np.int64)
    out_traj, flag = np.empty(N, np.int64), np.zeros(N, bool)

    shift_t = np.where(after, (dt_int * n_ins)[traj], 0)
    # speed: the k steps after the anchor divided by the factor, the rest earlier by the saving
    n_fast = np.minimum(
        np.floor(_uniform(u[:, 3], (cfg.speed_points[0], cfg.speed_points[1] + 1))).astype(int),
        length - 1 - a,
    ).clip(max=cfg.speed_points[1])
    factor = _uniform(u[:, 4], cfg.speed_factor)
    dt = np.diff(t, prepend=t[:1])
    fast = is_["speed"][traj] & after & (local <= (a + n_fast)[traj])
    saved = np.where(fast, dt - np.maximum(np.rint(dt / factor[traj]), 1).astype(np.int64), 0)
    cum = np.cumsum(saved)
    saved_before = np.repeat(np.r_[0, cum[start[1:] - 1]] if n_traj > 1 else [0], length)
    shift_t = shift_t - (cum - saved_before)
    # teleport: everything after the anchor moved by one offset
    jump = _uniform(u[:, 5], cfg.teleport_m) * is_["teleport"]
    ang = 2 * np.pi * u[:, 2]
    tele = after & is_["teleport"][traj]

    out_x[orig_pos] = x + np.where(tele, (jump * np.cos(ang))[traj], 0.0)
    out_y[orig_pos] = y + np.where(tele, (jump * np.sin(ang))[traj], 0.0)
    out_t[orig_pos] = t + shift_t
    out_traj[orig_pos] = traj
    flag[orig_pos] = fast | (tele & (local == a[traj] + 1))
    out_x[ins_pos], out_y[ins_pos], out_t[ins_pos] = ins_x, ins_y, ins_t
    out_traj[ins_pos] = ti
    flag[ins_pos] = True
    return out_x, out_y, out_t, out_traj, flag
