"""Shared by scripts/reachfix32/: settings, reach under each, paired bootstrap CIs over units
(the per-engine summary is reach32's, scripts/reach32/score_store.py).

A table has one row per query: `seed`, `trip` (the unit: a trip cut, or a (cut, bus)), `truth`
(seconds to the first entry, NaN: not reached) and one column of said ETAs (NaN: not reached)
per engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import trajlm.api_reach_route as route_mod

CLIPS = ((0.8, 1.25), (0.67, 1.5), (0.5, 2.0))  # SPEED_CLIP ranges tried (bus seed 0, val)


def settings(heading: float, before: bool = True) -> dict[str, tuple[float, object]]:
    """Named (HEADING_DEG, SPEED_CLIP) settings: reach32's rule ("before": no heading check,
    no scaling), ``heading`` unscaled, and ``heading`` with each clip."""
    named = {"before": (180.0, None)} if before else {}
    named[f"heading{heading:g}"] = (heading, None)
    named.update({f"heading{heading:g}_clip{lo:g}-{hi:g}": (heading, (lo, hi)) for lo, hi in CLIPS})
    return named


def reach_each(model: Any, named: dict[str, tuple[float, object]], hist: Any,
               **kwargs: Any) -> dict[str, Any]:  # fmt: skip
    """``model.reach(hist, **kwargs)`` under each named (HEADING_DEG, SPEED_CLIP) setting, the
    rollout run once and reused (only which rows past paths answer changes); the module's
    settings are put back after."""
    pred, kept = model.predict, (route_mod.HEADING_DEG, route_mod.SPEED_CLIP)
    first: dict[str, Any] = {}

    def cached(*a: Any, **k: Any) -> Any:
        if "p" not in first:
            first["p"] = pred(*a, **k)
        return first["p"]

    model.predict = cached
    try:
        got = {}
        for name, (heading, clip) in named.items():
            route_mod.HEADING_DEG, route_mod.SPEED_CLIP = heading, clip
            got[name] = model.reach(hist, **kwargs)
        return got
    finally:
        model.predict = pred
        route_mod.HEADING_DEG, route_mod.SPEED_CLIP = kept


def bootstrap(tab: pd.DataFrame, pairs: list[tuple[str, str]], n: int = 2000) -> pd.DataFrame:
    """Paired 95 % CIs (n resamples of the (seed, trip) units) of a minus b for each (a, b):
    hit rate, false-reach rate, and the median |ETA error| on the queries both hit."""
    truly = tab["truth"].notna()
    units = tab.groupby(["seed", "trip"]).ngroup().to_numpy()
    n_units = units.max() + 1
    rng = np.random.default_rng(0)
    out = []
    for a, b in pairs:
        ha, hb = (tab[a].notna() & truly).to_numpy(), (tab[b].notna() & truly).to_numpy()
        fa, fb = (tab[a].notna() & ~truly).to_numpy(), (tab[b].notna() & ~truly).to_numpy()
        both = ha & hb
        ea = np.where(both, (tab[a] - tab["truth"]).abs(), np.nan)
        eb = np.where(both, (tab[b] - tab["truth"]).abs(), np.nan)
        per = {k: np.bincount(units, v.astype(float), n_units) for k, v in
               {"ha": ha, "hb": hb, "fa": fa, "fb": fb, "t": truly.to_numpy(),
                "nt": (~truly).to_numpy()}.items()}  # fmt: skip
        draws = {"hit": [], "false": [], "err_common": []}
        for _ in range(n):
            k = rng.integers(0, n_units, n_units)
            w = np.bincount(k, minlength=n_units)
            draws["hit"].append((w @ per["ha"] - w @ per["hb"]) / (w @ per["t"]))
            draws["false"].append((w @ per["fa"] - w @ per["fb"]) / (w @ per["nt"]))
            rows = np.repeat(np.arange(len(units)), w[units])
            d = ea[rows] - eb[rows]
            draws["err_common"].append(np.nanmedian(d) if np.isfinite(d).any() else np.nan)
        for m, v in draws.items():
            lo, hi = np.nanpercentile(v, [2.5, 97.5])
            out.append({"a": a, "b": b, "metric": f"{m} a-b", "lo": lo, "hi": hi})
    return pd.DataFrame(out)
