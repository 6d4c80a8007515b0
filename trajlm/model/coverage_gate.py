"""Where the coverage gate acts, as a table and as warnings: one rule for the model and the user.

A model with ``coverage_gate = "speed"`` (model/scale.py) shrinks its prediction toward
constant velocity, per trajectory, by ``g = g_speed * g_dt`` (0 when the history's median step
is longer than any step it learned), each factor ``min(1, x / lo, hi / x)`` of the history's
median against a training range. ``GATE_RANGES`` names those ranges (coverage key ->
percentiles); ``gate_table`` reads every trajectory's medians the way ``history_gate`` does
(its last ``history`` points; lower medians; steps in the model's plane) and
``gate_warnings`` names each feature where a factor is below 1: the feature, the input's
value, the range, and what the model does there. A warning fires exactly where the gate acts
(tests/test_usertest_ux3.py checks both against ``scale.history_gate``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

# coverage key -> (low, high) percentile: inside [low, high] the gate leaves the model as it is
GATE_RANGES: dict[str, tuple[str, str]] = {
    "traj_speed_mps": ("p5", "p95"),  # each training trajectory's median step speed
    "dt_s": ("p1", "p99"),  # the training time steps
}
GATE_EPS = 1e-6  # ranges and values are floored here (a standing-still history: speed 0)

# coverage key -> (the table's column, what the warning calls it, unit, what the range is of)
_FEATURES = {
    "traj_speed_mps": ("speed_mps", "median speed", "m/s", "training trajectories' median speeds"),
    "dt_s": ("dt_s", "median sampling interval", "s", "training time steps"),
}
FALLBACK = "predictions fall back toward constant velocity"


def gate_ranges(coverage: dict | None) -> dict[str, tuple[float, float]]:
    """{coverage key: (lo, hi)} where the gate is exactly 1, for the keys the record has."""
    out = {}
    for key, (p_lo, p_hi) in GATE_RANGES.items():
        ref = (coverage or {}).get(key)
        if ref:
            out[key] = (max(float(ref[p_lo]), GATE_EPS), max(float(ref[p_hi]), GATE_EPS))
    return out


def range_factor(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """min(1, x / lo, hi / x): 1 inside [lo, hi], the share of the correction kept outside."""
    x = np.maximum(np.asarray(x, np.float64), GATE_EPS)
    return np.minimum(1.0, np.minimum(x / lo, hi / x))


def history_medians(df: pl.DataFrame, projection, history: int | None = None) -> pl.DataFrame:
    """Per trajectory of ``df`` (traj_id, t, lat, lon) with at least one step, over its last
    ``history`` points (all when None): the lower medians of its step speed (m/s), time step
    (s) and longest step component max(|dx|, |dy|) (m, in ``projection``'s plane)."""
    df = df.sort(["traj_id", "t"])
    if history is not None:
        df = df.filter(pl.int_range(pl.len()).reverse().over("traj_id") < history)
    x, y = projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    t = df["t"].to_numpy().astype(np.float64)
    same = (df["traj_id"] == df["traj_id"].shift(1)).fill_null(False).to_numpy()[1:]
    dx, dy, dt = np.diff(x)[same], np.diff(y)[same], np.diff(t)[same]
    steps = pl.DataFrame({
        "traj_id": df["traj_id"].to_numpy()[1:][same],
        "speed_mps": np.hypot(dx, dy) / np.maximum(dt, 1e-3),
        "dt_s": dt,
        "step_m": np.maximum(np.abs(dx), np.abs(dy)),
    })  # fmt: skip
    med = [pl.col(c).quantile(0.5, "lower") for c in ("speed_mps", "dt_s", "step_m")]
    return steps.group_by("traj_id", maintain_order=True).agg(*med, n_steps=pl.len())


def gate_table(
    coverage: dict | None,
    df: pl.DataFrame,
    projection,
    step_limit_m: float | None = None,
    history: int | None = None,
) -> pl.DataFrame:
    """``history_medians`` plus each trajectory's gate factors: g_speed_mps, g_dt_s (per the
    ranges present), g_step (0 where the median step exceeds ``step_limit_m``, the model's
    max_step_norm in metres) and g, their product: what the gate multiplies the model's
    correction by."""
    t = history_medians(df, projection, history)
    g = np.ones(len(t))
    for key, (lo, hi) in gate_ranges(coverage).items():
        col = _FEATURES[key][0]
        f = range_factor(t[col].to_numpy(), lo, hi)
        t, g = t.with_columns(pl.Series(f"g_{col}", f)), g * f
    step_ok = np.ones(len(t))
    if step_limit_m is not None:
        step_ok = (t["step_m"].to_numpy() <= step_limit_m).astype(np.float64)
    return t.with_columns(g_step=pl.Series(step_ok), g=pl.Series(g * step_ok))


def glitch_speed(coverage: dict | None, step_limit_m: float | None) -> float:
    """The speed (m/s) above which scale.coverage_base calls a step a GPS glitch: max_step_norm
    in metres per the longest regular training time step (dt_s p99), and at least 4x the
    fastest training trajectories' speed (traj_speed_mps p99); inf when unknown. A history
    moving faster than this rolls out its own step (backtest.fast_rows)."""
    dt = float(((coverage or {}).get("dt_s") or {}).get("p99", 0.0))
    if step_limit_m is None or not dt:
        return float("inf")
    fast = float(((coverage or {}).get("traj_speed_mps") or {}).get("p99", 0.0))
    return max(step_limit_m / max(dt, 1.0), 4.0 * fast)


def _nth(p: str) -> str:
    """'p1' -> '1st', 'p95' -> '95th'."""
    n = int(p[1:])
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _where(t: pl.DataFrame, i: int, bad: int) -> str:
    n = len(t)
    who = f"trajectory {t['traj_id'][i]!r}"
    return f"{who}" if n == 1 else f"{who}; {bad} of {n} trajectories"


UNCHECKED = "the model's output there (embedding, class) is outside what it was trained on"


def _consequence(gate: str | None, kept: float | None) -> str:
    if gate == "none":
        return ("this model has no coverage gate (coverage_gate = \"none\"): it extrapolates "
                "there, unchecked (with coverage_gate = \"speed\" "
                f"{FALLBACK})")  # fmt: skip
    if gate is None:  # a coverage record without the model: its gate is not known
        return f'with coverage_gate = "speed" {FALLBACK}'
    if kept is None or kept <= 0:
        return f"the coverage gate drops the model's correction there: {FALLBACK}, fully"
    return f"the coverage gate keeps {kept:.0%} of the model's correction there: {FALLBACK}"


def gate_warnings(
    coverage: dict | None,
    df: pl.DataFrame,
    projection,
    gate: str | None,
    step_limit_m: float | None = None,
    history: int | None = None,
    predicts: bool = True,
) -> list[str]:
    """One line per gate feature where a trajectory of ``df`` is outside the gate's range:
    the feature, the input's value (the trajectory furthest out), the range and what the
    model does there. ``gate``: the model's coverage_gate ("speed" | "none"; None: unknown).
    ``predicts=False`` (embed, classify): the gate acts on rollouts only, so the line says the
    output is unchecked there instead of naming a fallback that does not happen."""
    if len(df) < 2:
        return []
    t = gate_table(coverage, df, projection, step_limit_m, history)
    out = []
    for key, (lo, hi) in gate_ranges(coverage).items():
        col, label, unit, of = _FEATURES[key]
        f = t[f"g_{col}"].to_numpy()
        if not (f < 1).any():
            continue
        i = int(np.argmin(f))
        p_lo, p_hi = GATE_RANGES[key]
        kept = float(f[i])
        if key == "traj_speed_mps" and t[col][i] > glitch_speed(coverage, step_limit_m):
            kept = 0.0  # its own step, fully (backtest.fast_rows; session 16)
        out.append(
            f"{label} {t[col][i]:.3g} {unit} ({_where(t, i, int((f < 1).sum()))}) outside the "
            f"training range {lo:.3g}-{hi:.3g} {unit} ({_nth(p_lo)}-{_nth(p_hi)} percentile of "
            f"the {of}): {_consequence(gate, kept) if predicts else UNCHECKED}"
        )
    f = t["g_step"].to_numpy()
    if step_limit_m is not None and (f < 1).any():
        i = int(np.argmax(t["step_m"].to_numpy()))
        out.append(
            f"median step {t['step_m'][i]:,.0f} m ({_where(t, i, int((f < 1).sum()))}) longer "
            f"than any step the model learned ({step_limit_m:,.0f} m, max_step_norm): "
            f"{_consequence(gate, 0.0) if predicts else UNCHECKED}"
        )
    return out
