"""A saved route-recovery model behind the Python API: ``TrajLM.from_pretrained(DIR)``.

    model = trajlm.TrajLM.from_pretrained("runs/rec-s0")  # config.json kind "route_recovery"
    filled = model.recover(df)  # rows with missing lat/lon filled, a boolean `recovered` column

The model (trajlm/eval/route_recovery_predictor.py, docs/recovery-retrieval.md) only fills
gaps; every other task method is one UserError line. Its library is the train split of the
store it was fitted on (absolute places in that store's plane): input far from that centre
gets a warning, and far from any library trip it returns its spline base.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm._threads import apply_threads
from trajlm.data import geo
from trajlm.data.coerce_out import from_canonical
from trajlm.data.coerce_tasks import fill_inside_edges, recovery_input_edges
from trajlm.errors import TrajlmInputError, UserError
from trajlm.eval.route_recovery_predictor import RouteRecoveryPredictor
from trajlm.model.coverage import CoverageWarning


def library_reach_km(model: RouteRecoveryPredictor) -> float:
    """How far (km, planar) the farthest point of the model's route library lies from its
    projection centre: the radius its retrieval covers (``pool_reach_km``'s, for routes)."""
    xy = getattr(getattr(model, "library_", None), "xy_", None)
    return 0.0 if xy is None or len(xy) == 0 else float(np.hypot(xy[:, 0], xy[:, 1]).max() / 1e3)


class RecoveryTrajLM:
    """A fitted ``RouteRecoveryPredictor`` with ``TrajLM``'s ``recover``."""

    def __init__(
        self, model: RouteRecoveryPredictor, threads: int | None = None,
        path: str | Path | None = None,
    ) -> None:  # fmt: skip
        self.model, self.path = model, path
        self.threads = apply_threads(threads, model.num_params())

    @classmethod
    def from_pretrained(cls, path: str | Path, *, threads: int | None = None) -> RecoveryTrajLM:
        """A folder written by ``RouteRecoveryPredictor.save`` / `trajlm train-recovery`."""
        return cls(RouteRecoveryPredictor.load(path), threads, Path(path))

    @property
    def tasks(self) -> list[str]:
        return ["recover"]

    def __repr__(self) -> str:
        return f"RecoveryTrajLM({str(self.path or '<in memory>')!r}, tasks={self.tasks})"

    def _only_recovers(self, what: str) -> UserError:
        return UserError(
            f"{what}: {self.path or 'this model'} is a route-recovery model, which only fills "
            "gaps (recover(df)); load a trajlm training run for the other tasks"
        )

    def recover(
        self, data: Any, *, mode: str = "inplace", every: Any = None, radii: Any = None,
        gap_rule: Any = None, **columns: Any,
    ) -> Any:  # fmt: skip
        """Fill the points whose lat/lon are missing (null / NaN) between known points; rows
        before a trajectory's first known point or after its last stay empty (``recovered``
        False), said in one warning (session 32: it refused the call). Returns the input's rows with the positions filled and a
        boolean ``recovered`` column, in the caller's kind (as ``TrajLM.recover``). ``mode`` is
        accepted for TrajLM's signature; the retrieval fills each gap in one pass. ``radii``
        is refused in one line: no val spread is measured for this model (session 28); so is
        ``gap_rule`` (no fallback to pick; session 29)."""
        if mode not in ("inplace", "span"):
            raise UserError(f"mode must be 'inplace' or 'span', got {mode!r}")
        if radii is not None and radii is not False:
            raise TrajlmInputError(f"radii: {self.path or 'this model'} is a route-recovery model, "
                                   "whose recovered points have no measured spread; leave radii "
                                   "out", field="radii")  # fmt: skip
        if gap_rule is not None:  # TrajLM.recover's (session 29): the bridge's fallback
            raise TrajlmInputError(f"{self.path or 'this model'} is a route-recovery "
                                   "model, which fills each gap by retrieval with no "
                                   "interpolation fallback to pick; leave gap_rule out",
                                   field="gap_rule")  # fmt: skip
        df, layout, known, edge = recovery_input_edges(data, every=every,
                                                       **with_gap_rule(columns))  # fmt: skip
        p = self.model.projection_
        kept = df.filter(pl.Series(known))
        geo.check_extent(kept, p.lat0, p.lon0,
                         what="the input (from the model's training centre)")  # fmt: skip
        if line := self.place_line(kept):
            warnings.warn(line, CoverageWarning, stacklevel=2)
        # rows outside a trajectory's known ends stay empty, said once (fix31's rule; it refused)
        out = fill_inside_edges(df, known, edge, self.model.recover_canonical)
        return from_canonical(out, layout=layout, caller_order=True)

    def place_line(self, df: pl.DataFrame) -> str | None:
        """A line when the known points lie over FAR_KM beyond the route library's reach (a
        Turin model asked about Porto filled its gaps by the base interpolation, said only as
        the projection's distortion; badin35), else None."""
        from trajlm.api_selector import FAR_KM

        p, reach = self.model.projection_, library_reach_km(self.model)
        far = geo.check_extent(df, p.lat0, p.lon0, limit_km=math.inf)["max_km"]
        if len(df) == 0 or far <= reach * 1.1 + FAR_KM:  # 10 %: planar vs great-circle
            return None
        return (f"input outside the training coverage: positions up to {far:,.0f} km from this "
                f"route-recovery model's training centre ({p.lat0:.3f}, {p.lon0:.3f}), whose "
                f"route library reaches {reach:,.0f} km from it: gaps here get no past route "
                "and are filled by its base interpolation (fit one on this area: trajlm "
                "train-recovery)")  # fmt: skip

    def predict(self, *_: Any, **__: Any) -> Any:
        raise self._only_recovers("predict")

    def travel_time(self, *_: Any, **__: Any) -> Any:
        raise self._only_recovers("travel_time")

    def embed(self, *_: Any, **__: Any) -> Any:
        raise self._only_recovers("embed")

    def classify(self, *_: Any, **__: Any) -> Any:
        raise self._only_recovers("classify")


__all__ = ["RecoveryTrajLM"]
