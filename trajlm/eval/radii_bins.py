"""Radii factors per regime (session 22, radii22): Mondrian split-conformal factors.

Session 21's ``r50_m`` / ``r90_m`` / ``r95_m`` are one pooled factor x ``std_m`` per level
(eval/spread_radii.py). One factor holds the share pooled over val, but not per kind of answer:
short and long horizons, and answers whose ``std_m`` is small or large against the distance the
mover covers, hold different shares. ``RadiiBins`` keeps one factor per level and bin: the bins
are the seconds ahead (``AHEAD_EDGES_S``) x ``std_m`` / (history speed x seconds ahead)
(``REL_EDGES``). Each factor is the conformal quantile of err / std_m of the val answers in its
bin (val sources weighted equally, as session 21). A bin with fewer than ``min_n`` val answers,
or answers from fewer than ``min_groups`` val sources, keeps the pooled factor, as does an answer
whose regime cannot be read (a NaN speed or horizon).

The factors live beside a checkpoint's weights in ``radii.json`` (``save_radii_bins`` /
``load_radii_bins``; ``TrajLM.from_pretrained`` reads it). A checkpoint without the file
gets the pooled factors of eval/spread_radii.py, as before. Chosen on val by leaving one val
source out at a time (docs/generalization.md, Session 22); scripts/radii22_radii.py writes it.

Session 23 (radii23): a file of ``version`` 2 also holds a ``scale`` (``BacktestScale``,
eval/radii_scale.py, importable here too): a per-call calibration measured on the mover
itself. The history's first fixes predict its last ``fixes`` ones (eval/radii_backtest.py);
the median err / std_m of that backtest, over its val median and clipped, multiplies the answer's factor, to the power ``alpha`` x min(1, the
backtest's longest lag / seconds ahead) ^ ``decay`` (a backtest of 6 s says less about +600 s).
The bins' factors are then quantiles of err / (std_m x that multiplier). Version-1 files load
and act as before; an answer whose backtest cannot be read (a history of fewer than
``fixes`` + 2 fixes) gets the multiplier 1. scripts/radii23_radii.py writes it.

Session 24 (radii24): a file may also hold ``fast``, a second set of bins fitted on the val
answers of 1-2 s movers only (a history whose median interval is at most ``fast_interval_s``).
Their err / std_m is less heavy-tailed: the median sits higher and the 90th percentile lower
than other movers', so one factor per bin cannot hold both. Such an answer's factor is the
larger of its regular bin's and its fast bin's, per level: its circles only widen, and every
other answer keeps its factor bit for bit. A file without ``fast`` acts as before.
scripts/radii24_radii.py writes it.

Session 28 (uncert28): a file may also hold ``motion``, a multiplier per level for answers
whose history ends in a given motion state (eval/motion_state.py: stopped, starting, moving).
The multiplier is the conformal quantile, at the level, of err / (the answer's factor) over
val's answers in that state; it multiplies the factor of every answer in that state. A second
set, ``fast_states``, fitted on 1-2 s movers' answers only, takes its place for an answer of a
history sampled at or under ``fast_interval_s`` (stop-and-go at 1-2 s is heavier-tailed than at
15 s). A state without a multiplier, an unknown state, or a file without ``motion`` keeps its
factor as before. scripts/uncert28/motion_radii.py writes it.

Session 30 (uncert30): a file may also hold ``short``, a multiplier per level for answers whose
history has few fixes (eval/radii_short.py; fitted by eval/radii_short_fit.py), applied after
the motion state's. A file without it acts as before. scripts/uncert30/short_radii.py writes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trajlm.errors import TrajlmInputError
from trajlm.eval.radii_regime import regime, seconds  # noqa: F401 (split out, review36)
from trajlm.eval.radii_scale import MAX_FIXES, BacktestScale  # noqa: F401 (importable here)
from trajlm.eval.radii_short import Short, read_short, short_crossing, short_json, short_multiplier

RADII_FILE = "radii.json"
AHEAD_EDGES_S = (15.0, 60.0, 300.0)  # seconds ahead: <=15, 15-60, 60-300, > 300
REL_EDGES = (0.1, 0.3, 1.0)  # std_m / (speed x seconds ahead, at least 1 m)
MIN_N, MIN_GROUPS = 100, 2
FAST_INTERVAL_S = 2.5  # radii24: a history sampled this often or faster is a 1-2 s mover


def conformal_quantile(r: np.ndarray, w: np.ndarray, p: float) -> float:
    """The split-conformal (upper) quantile of ``r`` with weights ``w``: the smallest r whose
    weighted share at or below it is at least ``p``, one more row of the mean weight counted
    above (the n + 1 correction)."""
    o = np.argsort(r)
    r, w = np.asarray(r, np.float64)[o], np.asarray(w, np.float64)[o]
    c = np.cumsum(w) / (w.sum() + w.mean())
    return float(r[min(int(np.searchsorted(c, p)), len(r) - 1)])


def relative_std(std: Any, speed: Any, ahead: Any) -> np.ndarray:
    """``std_m`` / the distance covered in the horizon (speed x seconds ahead, at least 1 m)."""
    dist = np.maximum(np.asarray(speed, np.float64) * np.asarray(ahead, np.float64), 1.0)
    return np.asarray(std, np.float64) / dist


@dataclass(frozen=True)
class RadiiBins:
    """Factors (radius / std_m) per level and per (horizon bin, relative-std bin)."""

    pooled: dict[int, float]
    factors: dict[tuple[int, int], dict[int, float]]  # only the bins that passed
    counts: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (n, groups)
    ahead_edges: tuple[float, ...] = AHEAD_EDGES_S
    rel_edges: tuple[float, ...] = REL_EDGES
    min_n: int = MIN_N
    min_groups: int = MIN_GROUPS
    note: str = ""
    scale: BacktestScale | None = None  # session 23: the per-call multiplier (version 2)
    fast: RadiiBins | None = None  # session 24: bins of 1-2 s movers (module doc)
    fast_interval_s: float = FAST_INTERVAL_S
    motion: dict[str, dict[int, float]] | None = None  # session 28: {state: {level: mult}}
    motion_fast: dict[str, dict[int, float]] | None = None  # the same for 1-2 s movers
    short: Short | None = None  # session 30: {fixes cap: {level: mult}}
    short_fast: Short | None = None  # the same for 1-2 s movers

    @property
    def levels(self) -> list[int]:
        return sorted(self.pooled)

    def bin_of(self, ahead: Any, rel: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(horizon bin, relative-std bin, readable) per answer."""
        a, r = np.asarray(ahead, np.float64), np.asarray(rel, np.float64)
        ok = np.isfinite(a) & np.isfinite(r) & (a > 0)  # ahead <= 0: not this history's
        ia = np.searchsorted(self.ahead_edges, np.where(ok, a, 0.0), side="left")
        ir = np.searchsorted(self.rel_edges, np.where(ok, r, 0.0), side="left")
        return ia, ir, ok

    def factor(
        self, level: int, ahead: Any, speed: Any, std: Any, mult: Any = None,
        interval: Any = None, state: Any = None, fixes: Any = None,
    ) -> np.ndarray:  # fmt: skip
        """Radius / std_m per answer at ``level`` (the pooled factor where the bin fell back),
        times ``mult`` (``scale.mult`` of each answer's backtest; None: 1). ``interval``: each
        answer's history's median sampling interval (s); with ``fast`` bins, an answer at or
        under ``fast_interval_s`` takes the larger of the two factors (None: no answer does).
        ``state``: each answer's motion state (eval/motion_state.py); with ``motion``, its
        state's multiplier (None: no answer's). ``fixes``: each answer's history length; with
        ``short``, its length bin's multiplier (eval/radii_short.py; None: no answer's)."""
        if level not in self.pooled:
            raise TrajlmInputError(
                f"radius level {level!r}: these radii were fitted for {self.levels}",
                field="radii",
            )
        ia, ir, ok = self.bin_of(ahead, relative_std(std, speed, ahead))
        out = np.full(ia.shape, self.pooled[level], np.float64)
        for (i, j), f in self.factors.items():
            out[ok & (ia == i) & (ir == j)] = f[level]
        if self.fast is not None and interval is not None:
            dt = np.broadcast_to(np.asarray(interval, np.float64), out.shape)
            quick = np.isfinite(dt) & (dt > 0) & (dt <= self.fast_interval_s)
            if quick.any():
                out = np.where(
                    quick, np.maximum(out, self.fast.factor(level, ahead, speed, std)), out
                )
        if (self.motion or self.motion_fast) and state is not None:
            st = np.broadcast_to(np.asarray(state, dtype=object), out.shape)
            dt = np.broadcast_to(np.asarray(
                np.nan if interval is None else interval, np.float64), out.shape)  # fmt: skip
            quick = np.isfinite(dt) & (dt > 0) & (dt <= self.fast_interval_s)
            mult_of = np.ones(out.shape)
            for name, m in (self.motion or {}).items():
                mult_of[st == name] = m[level]
            for name, m in (self.motion_fast or {}).items():
                mult_of[quick & (st == name)] = m[level]
            out = out * mult_of
        if (self.short or self.short_fast) and fixes is not None:
            m = short_multiplier(self.short, level, fixes, out.shape)
            if self.short_fast:
                dt = np.broadcast_to(np.asarray(
                    np.nan if interval is None else interval, np.float64), out.shape)  # fmt: skip
                quick = np.isfinite(dt) & (dt > 0) & (dt <= self.fast_interval_s)
                m = np.where(quick, short_multiplier(self.short_fast, level, fixes, out.shape), m)
            out = out * m
        return out if mult is None else out * np.asarray(mult, np.float64)

    def to_json(self) -> dict:
        cells = [{"ahead_bin": i, "rel_bin": j, "n": n, "groups": g,
                  "factors": ({str(k): v for k, v in self.factors[(i, j)].items()}
                              if (i, j) in self.factors else None)}
                 for (i, j), (n, g) in sorted(self.counts.items())]  # fmt: skip
        extra = {} if self.scale is None else {"scale": self.scale.to_json()}
        if self.fast is not None:
            extra["fast"] = {"interval_max_s": self.fast_interval_s, "radii": self.fast.to_json()}
        if self.motion or self.motion_fast:
            extra["motion"] = {
                key: {s: {str(k): v for k, v in m.items()} for s, m in (ms or {}).items()}
                for key, ms in (("states", self.motion), ("fast_states", self.motion_fast))
            }
        if self.short or self.short_fast:
            extra["short"] = short_json(self.short, self.short_fast)
        return {
            "kind": "trajlm-radii",
            "version": 1 if self.scale is None else 2,
            "note": self.note,
            "pooled": {str(k): v for k, v in self.pooled.items()},
            "ahead_edges_s": list(self.ahead_edges),
            "rel_edges": list(self.rel_edges),
            "min_n": self.min_n,
            "min_groups": self.min_groups,
            "bins": cells,
            **extra,
        }

    @classmethod
    def from_json(cls, d: Any, where: str = RADII_FILE) -> RadiiBins:
        """From ``to_json``'s dict; a malformed one raises one line naming ``where`` and the
        field."""
        try:
            if not isinstance(d, dict) or d.get("kind") != "trajlm-radii":
                raise ValueError("kind: expected 'trajlm-radii'")
            pooled = {int(k): float(v) for k, v in d["pooled"].items()}
            factors, counts = {}, {}
            for c in d["bins"]:
                key = (int(c["ahead_bin"]), int(c["rel_bin"]))
                counts[key] = (int(c["n"]), int(c["groups"]))
                if c["factors"] is not None:
                    factors[key] = {int(k): float(v) for k, v in c["factors"].items()}
                    if set(factors[key]) != set(pooled):
                        raise ValueError(f"bins: bin {key} has levels {sorted(factors[key])}")
            scale = BacktestScale.from_json(d["scale"]) if "scale" in d else None
            fast, fast_s = None, FAST_INTERVAL_S
            if "fast" in d:  # radii24
                fd = d["fast"]
                if not isinstance(fd, dict) or "radii" not in fd or "interval_max_s" not in fd:
                    raise ValueError("fast: expected {'interval_max_s': S, 'radii': {...}}")
                fast_s = fd["interval_max_s"]
                if isinstance(fast_s, bool) or not isinstance(fast_s, int | float):
                    raise ValueError(f"fast.interval_max_s: expected seconds, got {fast_s!r}")
                if not (np.isfinite(fast_s) and fast_s > 0):
                    raise ValueError(
                        f"fast.interval_max_s: expected positive seconds, got {fast_s!r}"
                    )
                if "fast" in fd["radii"] or "scale" in fd["radii"]:
                    raise ValueError("fast.radii: plain bins (no 'fast' or 'scale' of their own)")
                fast = cls.from_json(fd["radii"], f"{where} (fast.radii)")
                if fast.levels != sorted(pooled):
                    raise ValueError(
                        f"fast.radii: levels {fast.levels}, the file's {sorted(pooled)}"
                    )
            from trajlm.eval.motion_state import read_motion

            motion, motion_fast = read_motion(d.get("motion"), sorted(pooled))
            short, short_fast = read_short(d.get("short"), sorted(pooled))
            version = d.get("version", 1)
            if isinstance(version, bool) or version != (1 if scale is None else 2):  # badin23
                raise ValueError(f"version: {version!r} with{'' if scale else 'out'} a 'scale' "
                                 "(version 1: no scale; version 2: a scale)")  # fmt: skip
            out = cls(pooled, factors, counts, tuple(map(float, d["ahead_edges_s"])),
                      tuple(map(float, d["rel_edges"])), int(d["min_n"]),
                      int(d["min_groups"]), str(d.get("note", "")), scale, fast,
                      float(fast_s), motion, motion_fast, short, short_fast)  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            what = f"field {e.args[0]!r} is missing" if isinstance(e, KeyError) else str(e)
            raise TrajlmInputError(f"{where}: not a radii file ({what})") from None
        except TrajlmInputError as e:  # the fast bins' own message names where
            raise TrajlmInputError(str(e)) from None
        bad = [v for f in (out.pooled, *out.factors.values()) for v in f.values()]
        if not all(np.isfinite(v) and v > 0 for v in bad):
            raise TrajlmInputError(f"{where}: factors must be positive numbers")
        from trajlm.eval.motion_state import motion_crossing

        fs = [out.pooled, *out.factors.values()]
        states = [{lv: 1.0 for lv in out.levels}, *(out.motion or {}).values(),
                  *(out.motion_fast or {}).values()]  # fmt: skip
        if (
            problem := out._layout_problem()
            or motion_crossing(fs, out.motion, out.motion_fast)
            or short_crossing(fs, states, out.short)
            or short_crossing(fs, states, out.short_fast, "fast_fixes")
        ):
            raise TrajlmInputError(f"{where}: not a radii file ({problem})")
        return out

    def _layout_problem(self) -> str | None:
        """What makes the edges / bins / levels unusable (a hand-edited file would otherwise
        put answers in the wrong bin silently: badin22), or None."""
        for name, e in (("ahead_edges_s", self.ahead_edges), ("rel_edges", self.rel_edges)):
            if not e or not all(np.isfinite(e)) or min(e) <= 0 or list(e) != sorted(set(e)):
                return f"{name}: positive numbers in increasing order, got {list(e)}"
        na, nr = len(self.ahead_edges) + 1, len(self.rel_edges) + 1
        for i, j in self.counts:
            if not (0 <= i < na and 0 <= j < nr):
                return f"bins: bin ({i}, {j}) outside the {na} x {nr} bins the edges make"
        if not self.pooled or not all(0 < lv < 100 for lv in self.pooled):
            return f"pooled: levels must be percentages in (0, 100), got {self.levels}"
        for key, f in (
            ("pooled", self.pooled),
            *((f"bin {k}", v) for k, v in self.factors.items()),
        ):
            vals = [f[lv] for lv in sorted(f)]
            if vals != sorted(vals):
                return f"{key}: factors must grow with the level, got {vals}"
        return None


def fit_radii_bins(
    r: np.ndarray,
    w: np.ndarray,
    groups: np.ndarray,
    ahead: np.ndarray,
    rel: np.ndarray,
    levels: tuple[int, ...] = (50, 90, 95),
    ahead_edges: tuple[float, ...] = AHEAD_EDGES_S,
    rel_edges: tuple[float, ...] = REL_EDGES,
    min_n: int = MIN_N,
    min_groups: int = MIN_GROUPS,
    note: str = "",
    scale: BacktestScale | None = None,
    mult: Any = None,
) -> RadiiBins:
    """Mondrian conformal factors from val answers: ``r`` = err / std_m, ``w`` their weights,
    ``groups`` their source (a bin needs ``min_groups`` of them), ``ahead`` seconds ahead and
    ``rel`` = ``relative_std``. The pooled factors are the quantiles over every answer. With
    ``scale`` and ``mult`` (its multiplier per answer): quantiles of r / mult (session 23)."""
    r, w = np.asarray(r, np.float64), np.asarray(w, np.float64)
    if mult is not None:
        r = r / np.asarray(mult, np.float64)
    keep = np.isfinite(r) & np.isfinite(w)
    r, w, groups = r[keep], w[keep], np.asarray(groups)[keep]
    ahead, rel = np.asarray(ahead, np.float64)[keep], np.asarray(rel, np.float64)[keep]
    if not len(r):
        raise TrajlmInputError("no finite err / std_m to fit radii on")
    pooled = {lv: conformal_quantile(r, w, lv / 100) for lv in levels}
    shell = RadiiBins(pooled, {}, {}, tuple(ahead_edges), tuple(rel_edges), min_n, min_groups)
    ia, ir, ok = shell.bin_of(ahead, rel)
    factors, counts = {}, {}
    for i in range(len(ahead_edges) + 1):
        for j in range(len(rel_edges) + 1):
            m = ok & (ia == i) & (ir == j)
            n, g = int(m.sum()), len(set(groups[m].tolist()))
            counts[(i, j)] = (n, g)
            if n >= min_n and g >= min_groups:
                factors[(i, j)] = {lv: conformal_quantile(r[m], w[m], lv / 100) for lv in levels}
    return RadiiBins(pooled, factors, counts, tuple(ahead_edges), tuple(rel_edges), min_n,
                     min_groups, note, scale)  # fmt: skip


def save_radii_bins(bins: RadiiBins, directory: str | Path) -> Path:
    """Write ``bins`` as ``directory/radii.json`` (beside a checkpoint's weights)."""
    p = Path(directory) / RADII_FILE
    p.write_text(json.dumps(bins.to_json(), indent=1) + "\n")
    return p


def load_radii_bins(directory: str | Path | None) -> RadiiBins | None:
    """The factors saved beside a checkpoint, or None where it has none (an older checkpoint:
    its radii keep the pooled factors)."""
    if directory is None or not (p := Path(directory) / RADII_FILE).exists():
        return None
    if not p.is_file():
        raise TrajlmInputError(f"{p}: not a file (a radii file beside the weights); remove it")
    try:
        d = json.loads(p.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise TrajlmInputError(f"{p}: not readable JSON ({e})") from None
    bins = RadiiBins.from_json(d, str(p))
    from trajlm.eval.weights_stamp import stamped_for_other_weights

    # a run's fit (eval/run_radii.py) of weights no longer beside it
    if stamped_for_other_weights(d, p, "radii keep the pooled factors", stacklevel=3):
        return None
    return bins


def cli_bins(model: str | Path) -> RadiiBins | None:
    """The radii factors of a CLI ``--model`` (its weights folder; None for a candidate
    selector or route-recovery folder, which predict without them)."""
    # saved_kind, not the predictors: they read their saved spreads through engine_spread,
    # which reads this module (an import cycle; uncert27)
    from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir
    from trajlm.model.weights import resolve_weights

    if is_selector_dir(Path(model)) or is_route_recovery_dir(Path(model)):
        return None
    return load_radii_bins(resolve_weights(model, log=False))
