"""Sub-second stores (subsec38; docs/contracts.md "Session 38 (subsec38)").

A store's canonical ``t`` is Int64 Unix seconds, so a source faster than 1 Hz (ETH / UCY at
0.4 s, 10-25 Hz tracking, drones) kept one fix a second (``sub_second_fix``). Ingested with
``--sub-second`` (``ColumnMap(sub_second=True)``) a store keeps every fix and ``t`` is Float64
Unix seconds, exact to the reader's millisecond (float64 holds ~0.2 us at today's epochs): the
form a caller's frame with fractions of a second already takes through the API (coerce), so
the cleaning steps, the loader and the rollout read seconds as before, only finer. The manifest
says so in ``reading.time_resolution_s`` (the median step between one trajectory's fixes, e.g. 0.4);
a whole-second store has no such key and stays byte-identical to before.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

TIME_RESOLUTION = "time_resolution_s"  # manifest key of a sub-second store (absent otherwise)


def exact_float_seconds(df: pl.DataFrame, t_ms: str) -> pl.DataFrame:
    """``df`` with ``t`` as Float64 Unix seconds from its exact milliseconds column ``t_ms``
    (dropped), or from ``t`` itself where the reader had no fractions to keep."""
    if t_ms in df.columns:
        exact = pl.coalesce(pl.col(t_ms) / 1000, pl.col("t").cast(pl.Float64))
        return df.with_columns(exact.alias("t")).drop(t_ms)
    return df.with_columns(pl.col("t").cast(pl.Float64))


def is_sub_second(df: pl.DataFrame) -> bool:
    """Whether a canonical table carries exact (Float64) times: a sub-second store's."""
    return "t" in df.columns and df.schema["t"].is_float()


def median_step_s(df: pl.DataFrame) -> float | None:
    """The median time between consecutive fixes of one trajectory (None: no such pair)."""
    dt = df.select(pl.col("t").diff().over("traj_id").alias("dt"))["dt"].drop_nulls()
    dt = dt.filter(dt > 0)
    return None if len(dt) == 0 else float(dt.median())


def time_resolution_s(manifest: dict[str, Any] | None) -> float | None:
    """A store's median step in seconds when its times are sub-second, else None."""
    v = ((manifest or {}).get("reading") or {}).get(TIME_RESOLUTION)
    return float(v) if v else None


def resolution_note(step_s: float) -> str:
    """`data inspect`'s row for a sub-second store."""
    return (
        f"sub-second: every fix kept at its exact time, a median step of {step_s:g} s "
        f"({1 / step_s:g} Hz); eval's --obs-len / --pred-len count these steps"
    )


def resolution_line(step_s: float | None, n_fixes: int, n_same_ms: int = 0) -> str:
    """What ``data ingest --sub-second`` says about the store it wrote; ``n_same_ms``: fixes
    cleaning dropped as ``duplicate_timestamp`` (badin39: a 1-MHz source kept 6 of 6,000
    fixes under "every fix kept")."""
    if step_s is None or step_s >= 1:
        step = "no step between fixes" if step_s is None else f"a median step of {step_s:g} s"
        return (
            f"--sub-second: times kept as float seconds, but no two fixes of a trajectory are "
            f"under a second apart ({n_fixes:,} fixes, {step}); without --sub-second the "
            "store keeps whole seconds"
        )
    kept = (
        "every fix kept"
        if not n_same_ms
        else f"{n_same_ms:,} fix(es) at the millisecond of an earlier fix of their trajectory "
        "dropped (duplicate_timestamp: copies, or fixes under 1 ms apart, a store's finest step)"
    )
    return (
        f"times kept exact to the millisecond: {kept}, a median step of {step_s:g} s "
        f"({1 / step_s:g} Hz; --sub-second): eval's --obs-len / --pred-len count these steps"
    )


class SubSecondSteps:
    """The median step of a sub-second store's fixes over ingest's cleaned chunks (each
    chunk's median weighted by its steps): the manifest's ``reading.time_resolution_s``."""

    def __init__(self) -> None:
        self.medians: list[tuple[float, int]] = []  # (median step s, steps) per chunk
        self.n_fixes = 0
        self.exact = False

    def add(self, cleaned: pl.DataFrame) -> None:
        if not is_sub_second(cleaned):
            return
        self.exact = True
        self.n_fixes += len(cleaned)
        if (m := median_step_s(cleaned)) is not None:
            self.medians.append((m, len(cleaned) - cleaned["traj_id"].n_unique()))

    def step_s(self) -> float | None:
        if not self.medians:
            return None
        values = sorted(self.medians)
        half, seen = sum(n for _, n in values) / 2, 0
        for m, n in values:
            seen += n
            if seen >= half:
                return round(m, 6)
        return round(values[-1][0], 6)

    def record(self) -> dict[str, Any] | None:
        """``{"time_resolution_s": step}`` for a sub-second store (None: whole seconds)."""
        return {TIME_RESOLUTION: self.step_s() or 0.0} if self.exact else None

    def line(self, n_same_ms: int = 0) -> str:
        return resolution_line(self.step_s(), self.n_fixes, n_same_ms)


def whole_seconds_line(n_fixes: int) -> str:
    """What ``data ingest --sub-second`` says when every time it read was a whole second (the
    option changed nothing; badin39: it was taken without a word)."""
    return (
        f"--sub-second: every time read is a whole second ({n_fixes:,} fixes), so the store "
        "keeps whole seconds, as without it"
    )


def thinned_line(n_dropped: int) -> str | None:
    """What a whole-second ingest that dropped ``sub_second_fix`` fixes says (None: none)."""
    if not n_dropped:
        return None
    return (
        f"{n_dropped:,} fix(es) under a second after another of their trajectory dropped "
        "(sub_second_fix: a store keeps the earliest fix of each second); --sub-second "
        "(Python: column_map={'sub_second': True}) keeps every fix at its exact time"
    )


def min_step_s(stats: Any) -> Any:
    """The shortest time step a rollout takes (generate / choice / the rollout objective):
    1 s, as ever, for a model of whole-second data (its mean training step is at least 1 s:
    bit for bit as before); a quarter of the mean step for one trained on a sub-second store
    (0.1 s at 0.4 s), whose 0.4-s steps the 1-s floor stretched to a second each.
    ``stats``: a NormStats or the model's mapping of its fields (tensors: a tensor comes
    back, with no host sync inside a rollout)."""
    dt = stats["dt_mean"] if isinstance(stats, dict) else stats.dt_mean
    if isinstance(dt, int | float):
        return 0.25 * dt if 0 < dt < 1 else 1.0
    sub = ((dt > 0) & (dt < 1)).to(dt.dtype)  # a tensor: 1 where the mean step is sub-second
    return 1.0 - sub * (1.0 - 0.25 * dt)


STEP_QUANTUM_S = 1e-3  # a sub-second store's times are exact to the reader's millisecond


def exact_steps(dt: Any, dt_mean: Any) -> Any:
    """A window's time steps ``dt`` (a float tensor, seconds) as the store has them: rounded to
    the millisecond for a model of a sub-second store (mean step under 1 s), unchanged bit for
    bit for a whole-second one. Why (subsec38b): a window's times reach the model as float32
    seconds from Float64 Unix seconds, so a steady 0.4-s step came out as 0.4 +- 2e-6 s; the
    normalized dt target was that round-off, Adam's per-weight step sizes fitted it (a drift no
    whole-second store has: its dt is exact, its gradient exactly 0), the dt variance could not
    shrink and its gradient spikes, clipped with the rest, starved the (dx, dy) head: trained
    weights came out worse than their constant-velocity start. ``dt_mean``: a float or the
    model's buffer (a tensor: no host sync)."""
    import torch

    if isinstance(dt_mean, int | float):
        if not 0 < dt_mean < 1:
            return dt
        return torch.round(dt / STEP_QUANTUM_S) * STEP_QUANTUM_S
    sub = (dt_mean > 0) & (dt_mean < 1)
    return torch.where(sub, torch.round(dt / STEP_QUANTUM_S) * STEP_QUANTUM_S, dt)


def regular_step_s(dt_p99: float) -> float:
    """The longest regular time step a checkpoint's coverage records (``dt_s`` p99), as the
    glitch-speed rules read it: at least 1 s, as ever, for a whole-second store (whose steps
    are never shorter: unchanged), a sub-second store's own step (0.4 s, not 1 s: the 1-s floor
    called 2.5x slower motion a GPS glitch there); 1 s when unknown (0)."""
    return dt_p99 if 0 < dt_p99 < 1 else max(dt_p99, 1.0)


def steps_to_reach(span_s: float, dt_s: float, stats: Any, room: int) -> int:
    """How many rollout steps first reach ``span_s`` seconds ahead of a history stepping every
    ``dt_s`` s (1.5x the steps, + 2: rolled-out steps vary), at most ``room``; a longer horizon is
    reached by extending the rollout (api_rollout.rollout_until). The interval is read at least
    at the model's shortest step (``min_step_s``): 1 s for a whole-second model, as ever; a
    sub-second model's own step, where the 1-s floor asked a 0.4-s walker's rollout for 2.5x too
    few steps (subsec39). ``stats``: the model's NormStats or a mapping of its fields."""
    dt_mean = stats["dt_mean"] if isinstance(stats, dict) else stats.dt_mean
    floor = min_step_s({"dt_mean": float(dt_mean)})
    return int(min(room, max(1, math.ceil(1.5 * span_s / max(dt_s, floor)) + 2)))


def whole_or_exact_seconds(t: Any) -> np.ndarray:
    """Times as int64 seconds where every one is whole (bit for bit what the callers cast
    before), else float64 exact seconds: a sub-second store's 0.4-s fixes, which an int64 cast
    read as 0, 0, 1, 1, 2 s (steps of 0 and 1 s; subsec39, as store_chunks in subsec38b)."""
    a = np.asarray(t)
    if a.dtype.kind == "f" and bool(np.any(np.isfinite(a) & (a != np.floor(a)))):
        return a.astype(np.float64)
    return a.astype(np.int64)
