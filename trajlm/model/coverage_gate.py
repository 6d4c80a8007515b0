"""Where the coverage gate acts, as a table and as warnings: one rule for the model and the user.

A model with ``coverage_gate = "speed"`` (model/scale.py) shrinks its prediction toward
constant velocity, per trajectory, by ``g = g_speed * g_dt`` (0 when the history's median step
is longer than any step it learned), each factor ``min(1, x / lo, hi / x)`` of the history's
median against a training range. ``GATE_RANGES`` names those ranges (coverage key ->
percentiles); ``gate_table`` reads every trajectory's medians the way ``history_gate`` does
(its last ``history`` points; lower medians; steps in the model's plane).

``gate_warnings`` names a feature only where the input is outside what the model saw (session
19, covwarn19): the gate's speed range is the 5th-95th percentile of the training trajectories,
so it acts on 10 % of the model's own training data by construction, and a line on every such
trajectory fired on ~10 % of single-trajectory calls and on every call of 50 trajectories of
the model's own data. A feature warns when (a) some trajectory is over ``FAR`` times beyond the
1st-99th percentile (no training trajectory is), or the median step is longer than any step
learned; or (b) the share of trajectories outside the gate's range, or outside the 1st-99th
percentile, is clearly above the training share (at least twice it, and a binomial upper tail
under ``ALPHA``, 0.1 %): a single trajectory beyond the 1st-99th percentile warns (2 % of training
ones are), a batch where 15 % lie outside the 5th-95th does not. The line says the share. The
warning is a subset of where the gate acts (tests/test_usertest_ux3.py, tests/test_covwarn19.py).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.subsec_store import regular_step_s

# coverage key -> (low, high) percentile: inside [low, high] the gate leaves the model as it is
GATE_RANGES: dict[str, tuple[str, str]] = {
    # each training trajectory's median step speed; the high end the windows' where the
    # tracks' range misses them (speed_reference, session 31)
    "traj_speed_mps": ("p5", "p95"),
    "dt_s": ("p1", "p99"),  # the training time steps
}
GATE_EPS = 1e-6  # ranges and values are floored here (a standing-still history: speed 0)
# what the warning reads besides the gate's range: the training percentiles only 2 % lie outside
WIDE_RANGES: dict[str, tuple[str, str]] = {"traj_speed_mps": ("p1", "p99"), "dt_s": ("p1", "p99")}
FAR = 2.0  # over this factor beyond the wide range: a trajectory warns on its own
# a batch's share warns when its binomial upper tail under the training share is this small
ALPHA = 1e-3
ONE_SHARE = 0.02  # a lone trajectory warns outside a range holding at most this share of training

# coverage key -> (the table's column, what the warning calls it, unit, what the range is of)
_FEATURES = {
    "traj_speed_mps": ("speed_mps", "median speed", "m/s", "training trajectories' median speeds"),
    "dt_s": ("dt_s", "median sampling interval", "s", "training time steps"),
}
# coverage key -> what the percentiles count (the share the warning compares with is of these)
_UNITS = {"traj_speed_mps": "training trajectories", "dt_s": "training time steps"}
FALLBACK = "predictions fall back toward constant velocity"
# the speed percentiles speed_reference may take from the windows (the high end only: a
# window of a taxi waiting at a rank reaches ~0 m/s, so the low end stays the tracks')
_WINDOW_HIGH = ("p95", "p99")


def speed_reference(coverage: dict) -> dict | None:
    """The percentiles a history's median speed is judged against, by the gate and by its
    warning (session 31, gate31): whole training trajectories' medians (``traj_speed_mps``),
    their high end (p95, p99) the windows' (``window_speed_mps``: medians of windows of the
    model's max_len points) where the tracks' range misses the windows' movers: the windows'
    95th percentile above the tracks' 99th (over 5 % of the windows the model read move faster
    than all but 1 % of the tracks' medians), the mark of tracks whose medians are their stops'.
    Vessels moored for hours put the tracks' high end at the berth's drift and the gate kept
    ~1 % of the correction for a run's own vessels at sea (vessel30); newuser30's feed: 6.71
    m/s (windows' p95) against 5.95 (tracks' p99). The low end stays the tracks': windows
    include a taxi waiting at a rank, reaching ~0 m/s, and read by the warning a still history
    the gate shrinks went untold (test_usertest_ux3 on CI's rebuilt trajlm-small). Where the
    windows sit inside the tracks' range (trajlm-small: 17.0 m/s against 22.2) the tracks' are
    read as before: its answers do not change. Measured: docs/generalization.md "Session 31
    (gate31)"."""
    track, window = coverage.get("traj_speed_mps"), coverage.get("window_speed_mps")
    if not track or not window or not all(p in window and p in track for p in _WINDOW_HIGH):
        return track
    if float(window["p95"]) <= float(track["p99"]):
        return track
    return {**track, **{p: max(float(track[p]), float(window[p])) for p in _WINDOW_HIGH}}


def _reference(coverage: dict, key: str) -> dict | None:
    """The training percentiles of ``key`` a query's medians are judged against, by the gate
    and by the warning alike (``speed_reference`` for speed): session 31's vessel30 read
    windows in the warning while the gate read whole tracks, and a still history the gate
    shrank went untold on CI's rebuilt trajlm-small."""
    return speed_reference(coverage) if key == "traj_speed_mps" else coverage.get(key)


def gate_ranges(coverage: dict | None) -> dict[str, tuple[float, float]]:
    """{coverage key: (lo, hi)} where the gate is exactly 1, for the keys the record has."""
    out = {}
    for key, (p_lo, p_hi) in GATE_RANGES.items():
        ref = _reference(coverage or {}, key)
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
    return max(step_limit_m / regular_step_s(dt), 4.0 * fast)


def _nth(p: str) -> str:
    """'p1' -> '1st', 'p95' -> '95th'."""
    n = int(p[1:])
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _where(t: pl.DataFrame, i: int, bad: int) -> str:
    n = len(t)
    who = f"trajectory {t['traj_id'][i]!r}"
    return f"{who}" if n == 1 else f"{who}; {bad} of {n} trajectories"


NAMED = 5  # a batch's line names this many of the trajectories the gate acts on


def _acted_on(t: pl.DataFrame, f: np.ndarray) -> str:
    """'; acts on 'a' (kept 17 %), 'b' (40 %) and 12 more' for a batch (more than one
    trajectory), the lowest kept share first: the line named only the furthest out, 4 of 64
    trajectories acted on in GeoLife val's batches of 50 (session 20, cov20); '' for one."""
    if len(t) < 2:
        return ""
    order = [j for j in np.argsort(f, kind="stable") if f[j] < 1]
    names = [f"{t['traj_id'][int(j)]!r} ({f[j]:.0%})" for j in order[:NAMED]]
    more = f" and {len(order) - NAMED} more" if len(order) > NAMED else ""
    return (f"; the share kept, by trajectory: {', '.join(names)}{more} "
            "(trajlm.model.coverage.gate_effects lists each)")  # fmt: skip


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


def _meaning(key: str, above: bool) -> str:
    """What being outside means for the answer, before what the model does about it
    (vessel30: a 51-83 s AIS feed under trajlm-small's 2-30 s steps read as a bare range)."""
    if key != "dt_s":
        return ""
    return (f"the model never read fixes {'this far apart' if above else 'this close together'}"
            ", so its correction there is extrapolated; ")  # fmt: skip


def _share(p_lo: str, p_hi: str) -> float:
    """The share of the training values outside the (p_lo, p_hi) percentiles: 0.1 for p5-p95."""
    return (int(p_lo[1:]) + 100 - int(p_hi[1:])) / 100


def clearly_more(k: int, n: int, share: float) -> bool:
    """k of n trajectories outside a range that holds ``share`` of the training ones is clearly
    more than the training data has: at least twice the share, and k or more this unlikely
    (binomial upper tail <= ALPHA) were the input drawn like the training data. One trajectory
    alone: outside a range that holds at most ONE_SHARE (the 1st-99th percentile), so that
    2 % of calls on the model's own data warn, not the 10 % of the gate's 5th-95th range."""
    if k == 0 or k < 2 * share * n:
        return False
    if n == 1:
        return share <= ONE_SHARE + 1e-12
    from scipy.special import bdtrc  # lazily: the path with a trajectory outside only

    return float(bdtrc(k - 1, n, share)) <= ALPHA


def _range_of(coverage: dict, key: str, of: str) -> str:
    """What a range's percentiles are of, for the warning's line: ``of``, and where speed's
    high end is the windows' (speed_reference) the line says so."""
    ref, own = _reference(coverage, key), coverage.get(key) or {}
    if any(ref.get(p) != own.get(p) for p in _WINDOW_HIGH):
        return f"{of}; the high end: of training windows"
    return of


def _outside(coverage: dict, key: str, x: np.ndarray, f: np.ndarray) -> tuple[str, int, int] | None:
    """Why the feature ``key`` of trajectories with medians ``x`` (gate factors ``f``) warns:
    ("far" | "wide" | "gate", how many trajectories, the row furthest out), the strongest
    reason first; None when the input is no further out than the model's own training data."""
    x = np.maximum(x, GATE_EPS)
    ref = _reference(coverage, key)
    p_lo, p_hi = WIDE_RANGES[key]
    lo, hi = (max(float(ref[p]), GATE_EPS) for p in (p_lo, p_hi))
    out = np.maximum(lo / x, x / hi)  # > 1 outside the wide range, > FAR far outside it
    if (out > FAR).any():
        return "far", int((out > FAR).sum()), int(np.argmax(out))
    i = int(np.argmin(f))
    if WIDE_RANGES[key] != GATE_RANGES[key]:
        k = int(((x < lo) | (x > hi)).sum())
        if clearly_more(k, len(x), _share(p_lo, p_hi)):
            return "wide", k, i
    # where the gate shrinks the answer the user is told: the warning reads the gate's own
    # range (_reference), so it never hides a gate that acts (test_usertest_ux3, CI's rebuild)
    k = int((f < 1).sum())
    return ("gate", k, i) if clearly_more(k, len(x), _share(*GATE_RANGES[key])) else None


def _why(coverage: dict, key: str, t: pl.DataFrame, reason: tuple[str, int, int]) -> str:
    """The line's parenthesis: the trajectory furthest out and the share that made it warn."""
    how, k, i = reason
    n, unit, who = len(t), _FEATURES[key][2], f"trajectory {t['traj_id'][i]!r}"
    p_lo, p_hi = WIDE_RANGES[key]
    ref = _reference(coverage, key)
    of = _range_of(coverage, key, _UNITS[key])
    ends = (f"the {_nth(p_lo)}-{_nth(p_hi)} percentile of the {of}, "
            f"{float(ref[p_lo]):.3g}-{float(ref[p_hi]):.3g} {unit}")  # fmt: skip
    beyond = {"far": f"over {FAR:g}x outside {ends}", "wide": f"beyond {ends}"}.get(how)
    if n == 1:
        return f"{who}: {beyond}" if beyond else who
    share = _share(*(WIDE_RANGES if how == "wide" else GATE_RANGES)[key])
    vs = f"{k / n:.0%}, against {share:.0%} of the {of}"
    if how == "far":
        return f"{who}; {k} of {n} trajectories {beyond}"
    return f"{who}; {k} of {n} trajectories{' ' + beyond if beyond else ''}: {vs}"


def gate_warnings(
    coverage: dict | None,
    df: pl.DataFrame,
    projection,
    gate: str | None,
    step_limit_m: float | None = None,
    history: int | None = None,
    predicts: bool = True,
) -> list[str]:
    """One line per gate feature where ``df`` is outside what the model saw (the module's
    rule: a trajectory far out, or a share of them clearly above the training data's): the
    feature, the input's value (the trajectory furthest out), how many are out against the
    training share, the gate's range and what the model does there. ``gate``: the model's
    coverage_gate ("speed" | "none"; None: unknown). ``predicts=False`` (embed, classify):
    the gate acts on rollouts only, so the line says the output is unchecked there instead of
    naming a fallback that does not happen."""
    if len(df) < 2:
        return []
    t = gate_table(coverage, df, projection, step_limit_m, history)
    out = []
    for key, (lo, hi) in gate_ranges(coverage).items():
        col, label, unit, of = _FEATURES[key]
        of = _range_of(coverage, key, of)
        f = t[f"g_{col}"].to_numpy()
        reason = _outside(coverage, key, t[col].to_numpy(), f) if (f < 1).any() else None
        if reason is None:
            continue
        i = reason[2]
        p_lo, p_hi = GATE_RANGES[key]
        kept = float(f[i])
        if key == "traj_speed_mps" and t[col][i] > glitch_speed(coverage, step_limit_m):
            kept = 0.0  # its own step, fully (backtest.fast_rows; session 16)
        out.append(
            f"{label} {t[col][i]:.3g} {unit} ({_why(coverage, key, t, reason)}) outside the "
            f"training range {lo:.3g}-{hi:.3g} {unit} ({_nth(p_lo)}-{_nth(p_hi)} percentile of "
            f"the {of}): {_meaning(key, t[col][i] > hi)}"
            f"{_consequence(gate, kept) if predicts else UNCHECKED}"
            + (_acted_on(t, f) if predicts and gate != "none" else "")
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
