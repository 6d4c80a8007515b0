"""Radii that hold a stated share of the truths, from ``std_m`` (session 21, tails21).

``std_m`` is a per-axis Gaussian sigma read against the history's own constant-velocity error
(session 20, eval/dead_reckoning_spread.py), set so that about 86.5 % of truths fall within
2 std_m, as for a 2-D Gaussian. The errors are heavier-tailed than a Gaussian, so no single
sigma fits every circle: on val (Porto, GeoLife, seeded movers; 12,135 answers) 60 % fall
within 1 std_m (a Gaussian: 39.3 %), 88 % within 2 (86.5 %) and 95 % within 3 (98.9 %). A 2-D
Student-t of ``T_NU`` degrees of freedom and per-axis scale ``T_SCALE`` x std_m matches the
three shares (62 / 87 / 94 %): std_m is that t's matching-coverage Gaussian at 2 std_m.

A user who wants a circle that holds a share asks for a radius instead: ``RADIUS_FACTORS`` are
the split-conformal quantiles of err / std_m on the same val answers, each val source
weighted equally (scripts/tails21_tune.py), so ``r50_m`` = 0.80 std_m (the Gaussian reading
would say 1.18) and ``r90_m`` = 2.19 std_m (2.15). Positions and ``std_m`` are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral
from typing import Any

import numpy as np
import polars as pl

from trajlm.errors import TrajlmInputError

# level (% of truths) -> radius / std_m (chosen on val only: docs/generalization.md, Session 21)
RADIUS_FACTORS = {50: 0.80, 90: 2.19, 95: 3.11}
T_NU, T_SCALE = 2.08, 0.556  # the 2-D Student-t that matches val's shares (see module doc)


def radius_factor(level: int, field: str = "levels") -> float:
    """Radius / std_m that holds ``level`` % of truths (50, 90 or 95)."""
    if level not in RADIUS_FACTORS:
        raise TrajlmInputError(
            f"radius level {level!r}: choose from {sorted(RADIUS_FACTORS)} (% of truths within "
            "the radius; the factors are measured, not assumed)",
            field=field,
        )
    return RADIUS_FACTORS[level]


def t_share(k: float | np.ndarray, nu: float = T_NU, scale: float = T_SCALE) -> np.ndarray:
    """Share of truths within ``k`` std_m under the matching 2-D Student-t (module doc)."""
    return 1.0 - (1.0 + (np.asarray(k, np.float64) / scale) ** 2 / nu) ** (-nu / 2.0)


def with_radii(
    pred: Any,
    levels: Iterable[int] = (50, 90),
    field: str = "levels",
    bins: Any = None,
    history: pl.DataFrame | None = None,
    predictor: Any = None,
) -> Any:
    """``pred`` (a prediction table with ``std_m``: Polars, a LazyFrame or pandas, as
    ``TrajLM.predict`` returns it) with a column ``r{level}_m`` per level: the radius in metres
    around the predicted position that held ``level`` % of truths on val. NaN where ``std_m``
    is NaN (a point estimate). Positions and ``std_m`` are untouched.

    ``bins`` (a checkpoint's eval/radii_bins.RadiiBins, session 22) with the canonical
    ``history`` the table was predicted from: each answer's factor is its regime's (seconds
    ahead x std_m against the distance covered); answers whose trajectory or regime cannot be
    read keep the pooled factor. Without them, the pooled factors of session 21.
    ``predictor`` (the TrajLM that predicted ``pred``): where ``bins`` hold a per-call scale
    (session 23, a version-2 radii.json), each trajectory's in-context backtest sets it
    (eval/radii_backtest.py); without it the multiplier is 1."""
    names = pred.collect_schema().names() if isinstance(pred, pl.LazyFrame) else list(pred.columns)
    if "std_m" not in names:
        raise TrajlmInputError(
            f"radii need a std_m column (a prediction table); the table has {names}"
        )
    factors: dict[str, Any] = {f"r{int(lv)}_m": radius_factor(int(lv), field) for lv in levels}
    if bins is not None and history is not None and isinstance(pred, pl.DataFrame):
        lvs = [int(lv) for lv in levels]
        factors = per_regime(pred, lvs, bins, history, predictor) or factors
    if isinstance(pred, pl.DataFrame | pl.LazyFrame):
        std = pl.col("std_m").cast(pl.Float64)
        return pred.with_columns((std * f).alias(name) for name, f in factors.items())
    out = pred.copy()  # pandas (a GeoDataFrame too)
    for name, f in factors.items():
        out[name] = out["std_m"].astype("float64") * f
    return out


def per_regime(
    pred: pl.DataFrame, levels: list[int], bins: Any, history: pl.DataFrame, predictor: Any = None
) -> dict:
    """``{r{level}_m: factor per row}`` of ``bins`` for a canonical prediction table (traj_id,
    t, std_m) predicted from ``history`` (by ``predictor``, for a per-call scale); ``{}`` where
    the table has no traj_id / t."""
    from trajlm.eval.motion_state import motion_state
    from trajlm.eval.radii_backtest import multipliers
    from trajlm.eval.radii_regime import regime, seconds

    if not {"traj_id", "t"} <= set(pred.columns) or not {"traj_id", "t"} <= set(history.columns):
        return {}
    reg = regime(history)
    last = dict(zip(reg["traj_id"].cast(pl.String), reg["t_last"], strict=True))
    speed = dict(zip(reg["traj_id"].cast(pl.String), reg["speed"], strict=True))
    every = dict(zip(reg["traj_id"].cast(pl.String), reg["interval"], strict=True))
    ids = pred["traj_id"].cast(pl.String).to_list()
    ahead = seconds(pred["t"]).to_numpy() - np.array([last.get(i, np.nan) for i in ids], float)
    sp = np.array([speed.get(i, np.nan) for i in ids], np.float64)
    dt = np.array([every.get(i, np.nan) for i in ids], np.float64)  # radii24's fast bins
    state = dict(
        zip(reg["traj_id"].cast(pl.String), motion_state(reg["recent"], reg["speed"]), strict=True)
    )  # uncert28's motion multipliers
    st = np.array([state.get(i, "unknown") for i in ids], dtype=object)
    count = dict(zip(reg["traj_id"].cast(pl.String), reg["fixes"], strict=True))
    n = np.array([count.get(i, np.nan) for i in ids], np.float64)  # uncert30's short histories
    std = pred["std_m"].cast(pl.Float64).to_numpy()
    for lv in levels:  # a level the bins lack: one line before the backtest runs
        bins.factor(lv, ahead[:0], sp[:0], std[:0])
    m = multipliers(bins, predictor, history, ids, ahead)
    return {
        f"r{lv}_m": pl.lit(pl.Series(bins.factor(lv, ahead, sp, std, m, dt, st, n)))
        for lv in levels
    }


def with_radii_asked(
    pred: Any,
    radii: Any,
    bins: Any = None,
    history: pl.DataFrame | None = None,
    predictor: Any = None,
) -> Any:
    """``with_radii`` as ``TrajLM.predict(radii=...)`` asks it: None / False: ``pred`` as it
    is; True: levels 50 and 90; an int or a list of ints: those levels. ``bins`` / ``history``
    / ``predictor``: as ``with_radii``."""
    levels = radii_levels(radii)
    if levels is None:
        return pred
    return with_radii(pred, levels, field="radii", bins=bins, history=history, predictor=predictor)


def radii_levels(radii: Any) -> list[int] | None:
    """The levels ``TrajLM.predict(radii=...)`` asks for (None / False: none; True: 50 and 90;
    an int or a list of ints: those), each one of RADIUS_FACTORS's (one line if not)."""
    if radii is None or radii is False:
        return None
    if radii is True:
        levels: list = [50, 90]
    elif isinstance(radii, Integral):
        levels = [radii]
    elif isinstance(radii, Iterable) and not isinstance(radii, str | bytes | Mapping):
        levels = list(radii)
    else:
        levels = [radii]
    for lv in levels:
        if isinstance(lv, bool) or not isinstance(lv, Integral):
            raise TrajlmInputError(
                f"levels are whole percentages from {sorted(RADIUS_FACTORS)} (or True for "
                f"50 and 90), got {radii!r}",
                field="radii",
            )
        radius_factor(int(lv), "radii")
    return [int(lv) for lv in levels]
