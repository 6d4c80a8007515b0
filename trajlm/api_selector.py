"""A saved candidate selector behind the Python API: ``TrajLM.from_pretrained(SELECTOR_DIR)``.

    model = trajlm.TrajLM.from_pretrained("runs/sel-s0")  # config.json kind "candidate_selector"
    pred = model.predict(df, steps=5)                     # traj_id, step, t, lat, lon, std_m
    table = model.evaluate("my_store", split="val")      # `trajlm eval --model DIR`'s rows

The selector (trajlm/eval/selector_predictor.py, docs/candidates.md) only predicts the next
k <= horizon points; it has no time query, no infilling heads and no embedding, so every other
task method is one UserError line. Its retrieval pools are the train split of the store it was
fitted on (absolute places in that store's plane): input far from that centre gets a warning.

Who answers is the fit's val check (session 22, trajlm/eval/selector_verdict.py): the network,
plain kNN or place-aware kNN, whichever won on val; every answer names it in an ``engine``
column. ``from_pretrained(DIR, engine="selector")`` forces one (the opt-out at load).
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm._threads import apply_threads
from trajlm.api_checks import id_said
from trajlm.api_evaluate import Evaluation
from trajlm.api_stays import drop_poor_fixes
from trajlm.api_stays import hold_stays as held
from trajlm.api_verdict import check_flags
from trajlm.data import geo
from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import from_canonical
from trajlm.data.coerce_pieces import latest_pieces, mover_owners, with_owners
from trajlm.data.coerce_rows import say_repeats
from trajlm.errors import UserError
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.eval.selector_spread import OLD_FOLDER, spread_of, with_selector_spread
from trajlm.eval.selector_verdict import LABELS, verdict_line
from trajlm.eval.spread_radii import radii_levels
from trajlm.model.coverage import CoverageWarning

FAR_KM = 50.0  # inputs farther than this (+10 %) beyond the pools' farthest window: outside


class SelectorTrajLM(Evaluation):
    """A fitted ``CandidateSelectorPredictor`` with ``TrajLM``'s ``predict`` (steps only) and
    ``evaluate(store, task="predict")`` (pretrain40: `trajlm eval --model DIR`'s table, as
    ``TrajLM.evaluate`` gives it; before, a selector fitted on an own store could be scored
    only from the CLI).

    ``std_m`` (and ``radii``) come from the answering engine's error spread on val, saved at the
    fit (session 27, eval/selector_spread.py); a folder fitted before it answers ``std_m`` NaN,
    said once. Output times extrapolate each trajectory's last time step."""

    def __init__(
        self,
        selector: CandidateSelectorPredictor,
        threads: int | None = None,
        path: str | Path | None = None,
    ) -> None:
        self.selector, self.path = selector, path
        self.threads = apply_threads(threads, selector.num_params())
        self.horizon = int(selector.settings_["horizon"])
        self.reach_km = pool_reach_km(selector)

    @classmethod
    def from_pretrained(
        cls, path: str | Path, *, threads: int | None = None, engine: str = "auto"
    ) -> SelectorTrajLM:
        """A folder written by ``CandidateSelectorPredictor.save`` / `trajlm train-selector`.
        ``engine``: "auto" (the val winner saved with it) or one of selector, knn, place_knn."""
        return cls(CandidateSelectorPredictor.load(path, engine=engine), threads, Path(path))

    @property
    def engine(self) -> str:
        """Who answers: "selector" (the network), "knn" or "place_knn" (session 22)."""
        return self.selector.engine_

    def engine_line(self) -> str:
        """One line: who answers and why (the val check saved with the selector)."""
        how = (f"{LABELS[self.engine]} answers (forced at load)" if self.selector.engine != "auto"
               else verdict_line(getattr(self.selector, "verdict_", None)))  # fmt: skip
        return f"{self.path or 'this selector'} (val check): {how}"

    @property
    def tasks(self) -> list[str]:
        return ["predict"]

    def __repr__(self) -> str:
        return (f"SelectorTrajLM({str(self.path or '<in memory>')!r}, horizon={self.horizon}, "
                f"engine={self.engine!r}, tasks={self.tasks})")  # fmt: skip

    def save_pretrained(self, path: str | Path) -> None:
        """Save the selector to a new folder (what `trajlm train-selector --out` writes)."""
        self.selector.save(Path(path))

    def _only_predicts(self, what: str) -> UserError:
        return UserError(
            f"{what}: {self.path or 'this model'} is a candidate selector, which only predicts "
            f"the next k <= {self.horizon} points (predict(df, steps=k)); load a trajlm "
            "training run for the other tasks"
        )

    def predict(
        self,
        data: Any,
        steps: int | None = None,
        *,
        at_times: Any = None,
        seconds_ahead: Any = None,
        latest: bool = False,
        radii: Any = None,
        hold_stays: bool = True,
        **columns: Any,
    ) -> Any:
        """The next ``steps`` (default 5, at most the selector's horizon) points of every
        trajectory in `data` (all of it is history). Returns traj_id, step (1..k), t (the last
        time plus k times the last interval), lat, lon, std_m, engine (who answered: selector,
        knn or place_knn, the val check's winner), in the caller's kind. ``std_m``: the sigma of
        a 2-D Gaussian holding the share of truths the engine held within 2 sigma on val;
        ``radii`` (True: 50 and 90; a level or a list of 50 / 90 / 95) adds ``r{level}_m``,
        radii that held that share of the engine's val truths (session 27, uncert27). A history
        ending in a stay (a phone at home) is held there and cell-tower fixes are left out, as
        ``TrajLM.predict`` does (``hold_stays=False``: the engine's answer; api_stays.py)."""
        check_flags(hold_stays=hold_stays)
        if at_times is not None or seconds_ahead is not None:
            raise self._only_predicts("at_times/seconds_ahead")
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, Integral)
                                  or steps < 1):  # fmt: skip
            raise UserError(f"steps must be an integer >= 1, got {steps!r}")
        k = int(steps or 5)
        if k > self.horizon:
            raise UserError(f"steps={k}: {self.path or 'this model'} is a candidate selector "
                            f"fitted for the next {self.horizon} points; ask for steps <= "
                            f"{self.horizon}")  # fmt: skip
        df, layout = coerce(data, repeats="drop", **with_gap_rule(columns))  # checked inside
        say_repeats(layout)  # receivers' repeats dropped and counted, as TrajLM.predict
        if latest:  # each vehicle's latest piece only, as TrajLM.predict (newuser27)
            df = latest_pieces(df, layout)
        df = drop_poor_fixes(df)  # cell-tower fixes, as TrajLM.predict (stays32)
        owners = mover_owners(df)  # each answer names its bus, as TrajLM.predict (leftover32)
        self._check_place(df)
        levels = radii_levels(radii)  # one line for a level not measured, before predicting
        spread = spread_of(self.selector, self.engine)
        if levels and spread is None:
            raise UserError(f"radii: {self.no_spread_line()}", hint="leave radii out")
        pred = self.selector._frame_answer(df, k, {})  # canonical Polars in -> canonical out
        pred = self.with_spread(pred, df, levels).with_columns(engine=pl.lit(self.engine))
        if hold_stays:  # a phone at its stay held there, engine "stay" (stays32, as TrajLM)
            pred = held(pred, df, id_said(layout))
        pred = with_owners(pred, owners)
        return from_canonical(pred, layout=layout)

    def no_spread_line(self) -> str:
        """Why this selector's answers have no std_m / radii (a folder from before session 27)."""
        return OLD_FOLDER.format(path=self.path or "this selector")

    def with_spread(self, pred: pl.DataFrame, df: pl.DataFrame,
                    levels: list[int] | None = None) -> pl.DataFrame:  # fmt: skip
        """Canonical rows ``pred`` of the canonical table ``df`` with ``std_m`` (and
        ``r{level}_m``) from the answering engine's val spread; NaN without one (said once)."""
        spread = spread_of(self.selector, self.engine)
        if spread is None and not getattr(self, "_said_no_spread", False):
            self._said_no_spread = True
            warnings.warn(self.no_spread_line(), UserWarning, stacklevel=3)
        return with_selector_spread(self.selector, pred, df, levels)

    def _check_place(self, df: Any) -> None:
        """CoverageWarning when the input lies over FAR_KM beyond the farthest window of the
        selector's pools (from its training centre): they hold only that store's trips. A city
        store reaches tens of km, an ocean basin's storms thousands (session 21, blend21)."""
        if line := self.place_line(df):
            warnings.warn(line, CoverageWarning, stacklevel=3)

    def place_line(self, df: pl.DataFrame) -> str | None:
        """``_check_place``'s line for a canonical table, or None."""
        p = self.selector.projection_
        far = geo.check_extent(df, p.lat0, p.lon0, limit_km=math.inf)["max_km"]
        if far <= self.reach_km * 1.1 + FAR_KM:  # 10 %: planar reach vs great-circle distance
            return None
        return (f"input outside the training coverage: positions up to {far:,.0f} km from this "
                f"selector's training centre ({p.lat0:.3f}, {p.lon0:.3f}), whose train windows "
                f"reach {self.reach_km:,.0f} km from it: its retrieval pools "
                "hold only the trips of the store it was fitted on, so trajectories here get "
                "no neighbours from their own streets (fit one on this area: trajlm "
                "train-selector)")  # fmt: skip

    def request_lines(self, df: pl.DataFrame) -> list[str]:
        """What ``predict`` says of a canonical table beyond reading it (coverage, single
        points), without predicting: the lines of one request of a shared HTTP pass, which
        runs several requests' rows in one call (session 23, tidy23; serve/selector_routes)."""
        from trajlm.eval.frames import held_line

        ids = pl.col("traj_id").cast(pl.Utf8)  # as the read names and sorts them: text
        n = df.group_by(ids).len().sort("traj_id")
        held = held_line(n, type(self.selector).__name__)
        return [line for line in (self.place_line(df), held) if line]

    def recover(self, *_: Any, **__: Any) -> Any:
        raise self._only_predicts("recover")

    def travel_time(self, *_: Any, **__: Any) -> Any:
        raise self._only_predicts("travel_time")

    def embed(self, *_: Any, **__: Any) -> Any:
        raise self._only_predicts("embed")

    def classify(self, *_: Any, **__: Any) -> Any:
        raise self._only_predicts("classify")


def pool_reach_km(selector: CandidateSelectorPredictor) -> float:
    """How far (km, planar) the farthest window of the selector's shape pool ends from its
    projection centre: the radius its retrieval covers."""
    origins = getattr(selector.indexes_.get("shape"), "origins_", None)
    if origins is None or len(origins) == 0:
        return 0.0
    return float(np.hypot(origins[:, 0], origins[:, 1]).max() / 1000.0)


__all__ = ["SelectorTrajLM", "pool_reach_km"]
