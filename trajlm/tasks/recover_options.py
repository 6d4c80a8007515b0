"""The bridge recoverer's options (split from recover_bridge.py, session 24): the allowed values,
their checks, and the name that says what a recoverer does differently from the default.

``BridgeRecoverer.__init__`` (recover_bridge.py) calls :func:`check_options` first, so a bad
value fails at construction, not at the first ``recover``; :func:`recoverer_name` builds the
name the result tables print (only what differs from the default is spelled out).
"""

from __future__ import annotations

from typing import Any

from trajlm.tasks.fallback_recover import CHECKS
from trajlm.tasks.recover_dense import BACKTESTS, EVIDENCE, resolve_thin
from trajlm.tasks.recover_guard import PICKS

BLENDS = ("blend", "bridge")
HISTORIES = ("known", "akima")
FALLBACKS = ("best", "akima", "linear")  # the guard's interpolation: per trajectory, or fixed
NO_EVIDENCE_RULES = ("fixed", "pooled")  # the gate of a trajectory with < min_scored points
SHRINK_RULES = ("pool", "down", "logmean")  # shrink_k > 0: the prior / direction (docstring)
# the guard's Akima in a dense call: through every known point, or "wide" (session 19, tried:
# knots thinned to a quarter of the gaps, recover_interp.akima_wide_xy)
KNOTS = ("all", "wide", "pick")  # pick: wide as a third candidate of the per-trajectory pick


def check_choice(option: str, value: object, allowed: tuple[str, ...]) -> None:
    """``ValueError`` naming the option and its allowed values when ``value`` is not one."""
    if value not in allowed:
        raise ValueError(f"{option} must be one of {allowed}, got {value!r}")


def check_options(
    model: Any, blend: str, history: str, fallback: str, no_evidence_rule: str, shrink_k: float,
    shrink_rule: str, thin_dt: float | str, backtest: str, evidence: str, pick: str, knots: str,
    wide_margin: float, check: str,
) -> None:  # fmt: skip
    """Every choice of a ``BridgeRecoverer`` checked, in the order its arguments come (``thin_dt``
    against the model: recover_dense.resolve_thin)."""
    check_choice("blend", blend, BLENDS)
    check_choice("history", history, HISTORIES)
    check_choice("fallback", fallback, FALLBACKS)
    check_choice("no_evidence_rule", no_evidence_rule, NO_EVIDENCE_RULES)
    if not shrink_k >= 0:
        raise ValueError(f"shrink_k must be >= 0, got {shrink_k!r}")
    check_choice("shrink_rule", shrink_rule, SHRINK_RULES)
    resolve_thin(thin_dt, model)
    check_choice("backtest", backtest, BACKTESTS)
    check_choice("evidence", evidence, EVIDENCE)
    check_choice("pick", pick, PICKS)
    check_choice("knots", knots, KNOTS)
    if not 0.0 <= wide_margin < 1.0:
        raise ValueError(f"wide_margin must be in [0, 1), got {wide_margin!r}")
    check_choice("check", check, CHECKS)


def recoverer_name(
    blend: str, history: str, guard_power: float, no_evidence_rule: str, shrink_k: float,
    shrink_rule: str, thin_dt: float | str, backtest: str, evidence: str, pick: str, knots: str,
    wide_margin: float, wide_every: bool, check: str,
) -> str:  # fmt: skip
    """ "trajlm bridge+guard(p=8)..." : the blend, then only the options that differ from the
    default (the guard's own options only when there is a guard)."""
    guard = f"+guard(p={guard_power:g})" if guard_power else ""
    hist = "" if history == "known" else f"@{history}"
    ne = "" if no_evidence_rule == "fixed" else f":ne-{no_evidence_rule}"
    rule = "" if shrink_rule == "pool" else shrink_rule
    shr = f":shrink{shrink_k:g}{rule}" if shrink_k else ""
    thin = "" if thin_dt == "train" else f":thin-{thin_dt:g}"  # names: what differs
    bt = "" if backtest == "auto" or not guard_power else f":bt-{backtest}"
    bt += "" if evidence == "points" or not guard_power else f":ev-{evidence}"
    bt += "" if pick == "trajectory" or not guard_power else f":pick-{pick}"
    bt += "" if knots == "pick" or not guard_power else f":knots-{knots}"
    bt += "" if wide_margin == 0.1 or not guard_power else f":wm{wide_margin:g}"
    bt += "" if not wide_every or not guard_power else ":wide-every"
    bt += "" if check == "off" or not guard_power else f":check-{check}"
    return f"trajlm {blend}{hist}{guard}{ne}{shr}{thin}{bt}"
