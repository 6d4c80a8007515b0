"""The prediction verdict on a small val split (session 25, smallval25).

The verdict (knn_check.candidates, predict_verdict.decide) picks among the model and five
baselines, two of them kNN continuations whose neighbours, history and place / heading weights
are tuned on val (15 and 64 settings). On a few val trips that tuning reads noise (pvbase24: a
regatta's kNN tuned on 3 val trips lost 1.24x to the untuned one on test). smallval25 measured
it: small val splits drawn 400 times per size from seven pools of trips (Porto and GeoLife val,
two generated stores' val, three generated kinds' fresh trips), the rest of each pool scoring
the engine each rule chose (docs/generalization.md "Session 25 (smallval25)").

Rule (chosen there, never on a test split): **below ``MIN_VAL_TRIPS`` val trips, a kNN's
settings tuned on val replace its default settings only where val's paired bootstrap 95 %
interval of tuned / default ADE lies under 1** (shrinkage toward the defaults: 10 neighbours
over 5-point histories; place-aware: 20 neighbours, place weight 0.1, heading weight 100); the
six engines and the guarded rule between the model and the best of them are unchanged. Fewer
candidates (the model and the physics baselines only, or constant velocity only) and plain
untuned kNNs were measured too and lost or tied (the docs' table). The train summary line says
when the rule acted.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data.features import LocalProjection

MIN_VAL_TRIPS = 10  # below this many val trips tuning must show itself on val (smallval25)


def acts(n_trips: int) -> bool:
    """True when val is small enough for the rule: fewer than ``MIN_VAL_TRIPS`` trips."""
    return n_trips < MIN_VAL_TRIPS


def _settings(est: Any) -> tuple:
    return (est.history, est.n_neighbors, getattr(est, "w_place", None),
            getattr(est, "w_heading", None))  # fmt: skip


def shrink_to_defaults(ests: dict[str, Any], train: pl.DataFrame, proj: LocalProjection,
                       per_trip: Any) -> dict[str, str]:  # fmt: skip
    """Replace each tuned kNN of ``ests`` (in place) by the same kNN at its default settings
    unless the tuned one is reliably better on val; ``per_trip(est)`` gives an estimator's (N,)
    val errors. Returns {kNN name: "tuned" or "default"}."""
    from trajlm.eval import baselines as B
    from trajlm.eval.place_knn import PlaceKNNContinuation
    from trajlm.eval.tuning_rule import beats

    kept: dict[str, str] = {}
    for name, cls in (("kNN continuation", B.KNNContinuation),
                      ("kNN continuation (place-aware)", PlaceKNNContinuation)):  # fmt: skip
        tuned = ests.get(name)
        if tuned is None:
            continue
        default = cls(horizon=tuned.horizon)
        if _settings(default) == _settings(tuned):
            kept[name] = "default"
            continue
        default.fit(train, proj)
        r = beats(per_trip(tuned), per_trip(default))  # the tuning sites' rule (knn30)
        better = r is not None and r["better"]
        kept[name] = "tuned" if better else "default"
        if not better:
            default.projection_ = proj
            ests[name] = default
    return kept


def rule_line(n_trips: int, kept: dict[str, str]) -> str:
    """What the rule did, for the train summary line: "val has 4 trips (under 10): kNN
    continuation at its default settings (its tuned ones not reliably better on val), ..."."""
    said = [
        f"{name} at its default settings" if how == "default"
        else f"{name} tuned (reliably better on val than its defaults)"
        for name, how in kept.items()
    ]  # fmt: skip
    return f"val has {n_trips} trips (under {MIN_VAL_TRIPS}): " + ", ".join(said)


__all__ = ["MIN_VAL_TRIPS", "acts", "rule_line", "shrink_to_defaults"]
