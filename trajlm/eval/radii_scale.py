"""The per-call multiplier of session 23's radii (radii23; a radii file's ``scale``, split from
eval/radii_bins.py in session 28): the backtest of eval/radii_backtest.py gives each call's
mover its median err / std_m ``s``; ``BacktestScale`` turns it into the multiplier of each
answer's factor, weaker the further ahead the answer is than the backtest's longest lag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_FIXES = 1000  # a backtest over more fixes than any history holds never runs (badin23)


@dataclass(frozen=True)
class BacktestScale:
    """The per-call multiplier of session 23 (eval/radii_bins.py's doc): from the backtest's
    median err / std_m ``s`` and its longest lag ``lag`` (s), per answer ``ahead`` s ahead."""

    median: float  # val's median of s: s / median = 1 is a typical mover
    fixes: int = 6
    alpha: float = 1.0
    decay: float = 1.0
    clip: float = 3.0

    def mult(self, s: Any, lag: Any, ahead: Any) -> np.ndarray:
        """The multiplier per answer (1 where ``s`` or ``lag`` is not a positive number)."""
        s, lag = np.asarray(s, np.float64), np.asarray(lag, np.float64)
        a = np.asarray(ahead, np.float64)
        ok = np.isfinite(s) & (s > 0) & np.isfinite(lag) & (lag > 0) & np.isfinite(a) & (a > 0)
        x = np.clip(np.where(ok, s, self.median) / self.median, 1 / self.clip, self.clip)
        w = np.minimum(1.0, np.where(ok, lag, 1.0) / np.where(ok, a, 1.0)) ** self.decay
        return np.where(ok, x ** (self.alpha * w), 1.0)

    def to_json(self) -> dict:
        return {"kind": "backtest", "median": self.median, "fixes": self.fixes,
                "alpha": self.alpha, "decay": self.decay, "clip": self.clip}  # fmt: skip

    @classmethod
    def from_json(cls, d: Any) -> BacktestScale:
        if not isinstance(d, dict) or d.get("kind") != "backtest":
            raise ValueError("scale: expected {'kind': 'backtest', ...}")
        for k in (
            "median",
            "fixes",
            "alpha",
            "decay",
            "clip",
        ):  # "0.75", true: not numbers (badin23)
            if isinstance(d[k], bool) or not isinstance(d[k], int | float):
                raise ValueError(f"scale.{k}: expected a number, got {d[k]!r}")
        fixes = d["fixes"]
        if not (isinstance(fixes, int) or float(fixes).is_integer()) or not 1 <= fixes <= MAX_FIXES:
            raise ValueError(f"scale.fixes: expected a whole number of fixes in [1, {MAX_FIXES}], "
                             f"got {fixes!r}")  # fmt: skip
        out = cls(float(d["median"]), int(fixes), float(d["alpha"]), float(d["decay"]),
                  float(d["clip"]))  # fmt: skip
        nums = (out.median, out.alpha, out.decay, out.clip - 1, out.fixes)
        if not all(np.isfinite(v) and v > 0 for v in nums):
            raise ValueError("scale: median, fixes, alpha, decay must be positive, clip above 1")
        return out
