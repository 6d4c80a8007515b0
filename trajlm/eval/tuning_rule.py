"""How a kNN's settings are chosen on val without reading noise (session 30, knn30).

Every place that tunes a kNN on val (protocol.tune_knn: eval's kNN row, `trajlm train`'s
verdict and the selector's pools; place_knn.tune_place_knn; the selector's place pool; and
small_val.shrink_to_defaults) used to keep the grid cell with the lowest val ADE. On a small val
split the two best cells are often within noise of each other, and a millimetre moved which one
won (knn29: a scooter store's kNN row was 34.4 or 39.2 m on test from a 3 mm change; its two
best cells' paired val CI was -3.2..+4.8 m on 17 windows).

``choose`` is the one place the cell is picked: the lowest val ADE (``RULE``, "argmin": ties go to
the cell earliest in the grid, as before) or, opt-in (``rule="guarded"``), **the default
setting unless the lowest cell beats it on val with a paired bootstrap 95 % interval of tuned /
default mean ADE under 1** (smallval25's test, below 10 val trips in the verdict:
small_val.shrink_to_defaults calls ``beats`` here). Either way the evidence against the default
is computed and eval prints it, so a pick val cannot tell from the default is said to be one.

Measured (docs/api.md "Session 30 (knn30)"): the guard did not stop the scooter store's pick
moving under a 5 mm jitter (its interval sat at the threshold), and it was not "not worse" on
held-out stores (pre-registered: fewtrip27's evaluation half; a stork store's kNN at its
defaults was 6,018 m on test against 14.8 m tuned). Scoring the cells on up to 5 windows per val
trip stopped the scooter flips but failed the same gate on fresh stores. So "argmin" on one
window per val trip stays the default: kNN's answers are unchanged. ``owners`` lets the
bootstrap resample trips where a val task holds several windows of each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

RULES = ("argmin", "guarded")
RULE = "argmin"  # the default at every tuning site (knn30: the guard was measured, not shipped)
WORDS = {
    "guarded": "defaults unless a tuned setting beats them on val (paired bootstrap 95 % CI "
    "of tuned / default ADE under 1)",
    "argmin": "the lowest val ADE",
}


@dataclass
class Choice:
    """What ``choose`` kept and why: ``best`` is the lowest-val-ADE cell, ``ratio`` / ``lo`` /
    ``hi`` its val ADE over the default's with the paired interval over ``n`` items (None where
    best is the default or no window was scored by both), under either rule."""

    key: str
    default: str
    best: str
    rule: str
    n: int
    ratio: float | None = None
    lo: float | None = None
    hi: float | None = None

    def to_dict(self) -> dict:
        return {"chosen": self.key, "default": self.default, "best_on_val": self.best,
                "rule": WORDS[self.rule], "n_val_trips": self.n,
                "best_vs_default_ci": None if self.lo is None else [self.ratio, self.lo, self.hi]}  # fmt: skip

    def words(self) -> str:
        """One phrase for eval's output: which setting, which rule chose it and how clearly
        val tells the lowest cell from the default (knn29: where it cannot, the pick is noise).
        Settings are written "history=8, n_neighbors=5" (the keys have no space: vessel30)."""
        key, best, default = (_spaced(k) for k in (self.key, self.best, self.default))
        if self.best == self.default:
            return f"{key} (the default, also the lowest on val)"
        if self.lo is None or not np.isfinite(self.lo):
            return f"{key} ({'the lowest val ADE' if self.rule == 'argmin' else 'the default'})"
        ci = (f"val ADE ratio {self.ratio:.3f} ({self.lo:.3f}-{self.hi:.3f}) to the default "
              f"{default} over {self.n} val trips")  # fmt: skip
        if self.key == self.default:
            return f"{key} (the default: the lowest on val, {best}, is not reliably better: {ci})"
        clear = (
            "reliably better" if self.hi < 1 else "not reliably better: val cannot tell them apart"
        )
        return f"{key} (the lowest val ADE, {clear}: {ci})"


def _spaced(key: str | None) -> str | None:
    """'history=8,n_neighbors=5' -> 'history=8, n_neighbors=5' (for reading, not a key)."""
    return None if key is None else key.replace(",", ", ")


def beats(tuned: np.ndarray, default: np.ndarray, owners: np.ndarray | None = None) -> dict | None:
    """The paired bootstrap of mean(tuned) / mean(default) over the windows both scored, with
    "better": its 95 % interval lies under 1; None where fewer than two windows (trips) were
    scored by both (one item resampled is always itself: "reliably better" on one val trip).
    ``owners`` (N,): each window's trip; where trips hold several windows the trips are
    resampled (each one's windows pooled), not the windows."""
    a, b = np.asarray(tuned, np.float64), np.asarray(default, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"tuned and default errors differ in length: {a.shape} vs {b.shape}")
    ok = np.isfinite(a) & np.isfinite(b)
    trips = (
        np.unique(np.asarray(owners)[ok]).size
        if owners is not None and len(owners) == len(a)
        else ok.sum()
    )
    if trips < 2:  # one item's bootstrap is a zero-width "interval": no evidence (badin30)
        return None
    if owners is None or len(owners) != len(a) or len(np.unique(owners[ok])) == ok.sum():
        r = paired_bootstrap_ratio(a[ok], b[ok])
    else:
        _, trip = np.unique(np.asarray(owners)[ok], return_inverse=True)
        w = np.bincount(trip).astype(np.float64)
        mean = lambda e: np.bincount(trip, e[ok]) / w  # noqa: E731  (per-trip mean)
        r = paired_bootstrap_ratio(mean(a), mean(b), weights=w)
    return r | {"better": bool(r["hi"] < 1)}


def choose(errors: dict[str, np.ndarray], default: str | None, rule: str = RULE,
           scores: dict[str, float] | None = None,
           owners: np.ndarray | None = None) -> Choice:  # fmt: skip
    """The kept key of ``errors`` ({setting: (N,) per-window val errors}, in grid order, the
    default among them). ``scores`` ({setting: val ADE}): what ranks the cells (default: the
    mean of each one's finite errors); ties go to the earlier cell. ``owners``: as ``beats``.
    The evidence against the default is computed under both rules (eval prints it); a grid
    without the default (``default`` None) has nothing to guard: the lowest val ADE is kept."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    if default is not None and default not in errors:
        raise ValueError(f"the default setting {default!r} is not in the grid {list(errors)}")
    keys = list(errors)
    if scores is None:
        scores = {k: float(np.nanmean(e)) if np.isfinite(e).any() else np.inf
                  for k, e in errors.items()}  # fmt: skip
    rank = {k: scores[k] if np.isfinite(scores[k]) else np.inf for k in keys}  # NaN never wins
    best = min(keys, key=lambda k: (rank[k], keys.index(k)))
    n = int(np.isfinite(errors[best]).sum())
    if default is None:
        return Choice(best, best, best, "argmin", n)
    if best == default:
        return Choice(default, default, best, rule, n)
    r = beats(errors[best], errors[default], owners)
    if r is None:  # under two windows scored by both: no evidence for the tuned cell
        both = np.isfinite(errors[best]) & np.isfinite(errors[default])
        return Choice(best if rule == "argmin" else default, default, best, rule, int(both.sum()))
    kept = best if rule == "argmin" or r["better"] else default
    return Choice(kept, default, best, rule, r["n"], r["ratio"], r["lo"], r["hi"])


def default_key(cells: dict[str, dict], default: dict) -> str | None:
    """The key of ``cells`` ({key: its settings}) whose settings equal ``default``'s (numbers
    compared as numbers: 100 == 100.0), or None where the grid lacks it."""
    return next((k for k, c in cells.items() if all(c[n] == v for n, v in default.items())), None)


__all__ = ["RULE", "RULES", "WORDS", "Choice", "beats", "choose", "default_key"]
