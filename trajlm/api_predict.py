"""`TrajLM.predict`: the routing between the run's val verdict engines, a stay held, each
answer's owner, asked times and rollouts (out of api.py, session 32 split32; the pieces it
routes between live in api_predict_verdict / api_verdict_asked / api_subsec / api_at_times /
api_rollout / api_stays). A mixin `trajlm.api.TrajLM` inherits, as api_similar / api_reach."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import polars as pl
import torch

from trajlm import api_rollout
from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule
from trajlm.api_at_times import predict_asked
from trajlm.api_checks import id_said
from trajlm.api_inputs import (
    asked_ahead,
    drop_labels,
    index_labels,
    naive_time_note,
    single_point_line,
)
from trajlm.api_knn_note import warn_knn_once
from trajlm.api_predict_verdict import (
    baseline_rows,
    dr_route,
    engine_spread,
    model_keeps_call,
    predict_verdict,
    steps_reach,
    with_engine,
)
from trajlm.api_rollout import exact_times, history_interval, predict_chunked, thin_history
from trajlm.api_stays import drop_poor_fixes
from trajlm.api_stays import hold_stays as stays_held  # a stay's mover held there (newuser32)
from trajlm.api_subsec import (
    SUB_SECOND_DROPPED,
    all_fixes,
    exact_history,
    steps_at_times,
    sub_second_read_line,
)
from trajlm.api_verdict import check_flags
from trajlm.api_verdict_asked import verdict_asked
from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import from_canonical
from trajlm.data.coerce_pieces import latest_pieces, mover_owners, with_owners
from trajlm.data.coerce_rows import say_repeats
from trajlm.data.schema import TrajlmInputError
from trajlm.eval.spread_radii import with_radii_asked
from trajlm.model import TrajectoryModel

PREDICT_KEYWORDS = ("steps", "at_times", "seconds_ahead", "draft", "radii", "fallback", "latest",
                    "hold_stays", *COLUMN_KEYWORDS)  # fmt: skip


class Prediction:
    """Mixin of `TrajLM`: `predict` (and the history its rollouts to asked times read)."""

    @torch.inference_mode()
    def predict(
        self,
        data: Any,
        steps: int | None = None,
        *,
        at_times: Any = None,
        seconds_ahead: Any = None,
        draft: Any = None,
        radii: Any = None,
        fallback: bool = True,
        latest: bool = False,
        hold_stays: bool = True,
        **columns: Any,
    ) -> Any:
        """Future positions of every trajectory in `data` (all of it is history).

        A frame keyed by a vehicle / user / device id is cut at gaps into pieces (a van's
        days), each predicted past its own end, keyed by (id, ``piece``); ``latest=True``
        predicts only each id's latest piece: one answer per vehicle ("every vehicle, 10
        minutes ahead"); trips keyed by a trip id with a vehicle / user id column beside them
        (``ride_id`` + ``scooter_id``): each vehicle's trip that ends last. Receivers' exact repeats (same time, same position) are dropped and
        counted in one warning, as `trajlm predict` drops them.

        ``radii=(50, 90)`` (or ``True`` for those; 95 also): a column ``r50_m`` / ``r90_m``
        per level, the radius (m) that held that share of truths on val (std_m is a Gaussian
        sigma matched at 2 std_m; the errors are heavier-tailed: eval/spread_radii.py), per
        regime where the checkpoint holds radii.json (eval/radii_bins.py).

        ``draft`` (with ``steps``): a small checkpoint (TrajLM or TrajectoryModel) of the same
        data that proposes points this model verifies: speculative decoding (docs/ablations.md;
        the same rollout within c sigma, slower than plain batches on a CPU).

        ``steps=k`` (default 5): the next k points of the model's rollout, at the times the
        model predicts. ``at_times=[...]`` (absolute: datetimes, ISO strings or Unix seconds /
        ms / us / ns, numbers read by their size; the same for every trajectory) or
        ``seconds_ahead=[...]`` (after each trajectory's last point): positions at those times.
        Either may instead be per trajectory, a dict ``{trajectory id: times}`` or a frame of
        (trajectory id, time) rows: then only the trajectories listed are predicted, each at its
        own times (step 1.. per trajectory).
        A model built with ``time_query`` (issue 15) is
        asked for exactly those times; any other predicts the time of each next point but
        cannot be conditioned on a time, so it rolls out until each trajectory's last asked
        time (up to 256 steps, trajlm/api_rollout.py) and the track (from the last observed
        point) is interpolated linearly, in metres, at the requested times; times before a
        trajectory's last point or beyond that rollout give NaN, with a warning naming the
        trajectory, the cause and how far its rollout reached.
        Returns one row per predicted point: the trajectory id, step (1..k), time, lat, lon
        and std_m (1-sigma position uncertainty, m), in the caller's kind (Polars in -> Polars
        out, a LazyFrame -> a LazyFrame, pandas -> pandas, a GeoDataFrame -> a GeoDataFrame
        of Points in its CRS) and with the caller's column names: input columns ``vehicle``,
        ``timestamp``, ``latitude``, ``longitude`` give ``vehicle``, ``step``, ``timestamp``,
        ``latitude``, ``longitude``, ``std_m``; trajlm's own names (traj_id, t, lat, lon) stay
        as they are. Times come back as the input had them (datetimes in its zone; Unix
        seconds; ISO strings as UTC datetimes).

        Where a trajectory's speed or sampling interval lies outside the training range, a
        ``CoverageWarning`` names it; a model with ``coverage_gate = "speed"`` (trajlm-small)
        falls back toward constant velocity there (trajlm/model/coverage_gate.py).

        A run `trajlm train` saved a prediction verdict with (session 24) answers with the
        verdict's engine (the model or the best baseline on val by its rule:
        trajlm/eval/predict_verdict.py) and names it in an ``engine`` column
        (``last_engine`` too); a time-aware engine (constant velocity [time], linear-3 [time,
        fit]) also answers asked times, and kNN / linear-3 answer them interpolated between
        their next points (session 25). Past kNN's 5 steps (more steps, a later asked time)
        the engine of lowest val error that reaches that far answers the rest (session 30,
        eval/verdict_reach.py; the model's whole rollout where that is the model). Calls only
        the model answers (radii, draft, far from the train split) say so once. A dead-reckoning verdict (the store reported speed and
        course; session 25) answers queries that report them, else its next-best engine, said
        once. ``fallback=False``: the model's
        own answer, as without a verdict. Since session 26 (uncert26) the engine's answers carry
        ``std_m`` and answer ``radii`` from that engine's own error spread on val, saved with
        the verdict (eval/engine_spread.py); a verdict saved without it gives ``std_m`` NaN
        (said once) and leaves radii to the model.

        A history ending in a stay (a phone at home) is held there, said once
        (``hold_stays=False``: the rollout); cell-tower fixes are left out (api_stays.py).
        """
        check_keywords("TrajLM.predict", columns, PREDICT_KEYWORDS)
        check_flags(fallback=fallback, latest=latest, hold_stays=hold_stays)
        verdict = predict_verdict(self, fallback)
        if verdict is None:
            self.last_engine = "model"  # (was left from an earlier call, or never set)
        if sum(x is not None for x in (steps, at_times, seconds_ahead)) > 1:
            raise ValueError("give one of steps=, at_times= or seconds_ahead=")
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, Integral)
                                  or steps < 1):  # fmt: skip
            raise TrajlmInputError(f"steps must be an integer >= 1, got {steps!r}", field="steps")
        model_step = history_interval(self.model)  # under a second: a sub-second store's run
        with index_labels(data) as data, warnings.catch_warnings():  # pandas: errors name labels
            if 0 < model_step < 1:  # every fix read (subsec38): said below, not "dropped"
                warnings.filterwarnings("ignore", message=SUB_SECOND_DROPPED)
            df, layout = coerce(data, repeats="drop", **with_gap_rule(columns))
        if verdict is None:  # after the input's checks: a refused call spent it (newuser39)
            warn_knn_once(self)  # `trajlm train` found kNN not worse on val (heldout23)
        if 0 < model_step < 1 and (line := sub_second_read_line(layout, model_step)):
            warnings.warn(line, stacklevel=3)
        say_repeats(layout)  # as `trajlm predict` drops them (newuser27)
        df = drop_labels(latest_pieces(df, layout) if latest else df)
        df = drop_poor_fixes(df)  # cell-tower fixes, as ingest drops them (api_stays.py)
        owners = mover_owners(df)  # each answer names its bus (fix31; every call: leftover32)
        history = df

        def answer(out: pl.DataFrame) -> Any:  # a stay's mover held there (newuser32)
            out = stays_held(out, history, id_said(layout)) if hold_stays else out
            return from_canonical(with_owners(out, owners), layout=layout)

        verdict = dr_route(self, verdict, df)  # dead reckoning needs the query's speed / course
        naive_time_note(self.model, layout)
        self._check_patch(df, layout)
        if (line := single_point_line(df, id_said(layout))) is not None:
            warnings.warn(line, stacklevel=3)
        max_len = self.config.max_len
        order = df["traj_id"].unique(maintain_order=True)
        asked = at_times is not None or seconds_ahead is not None
        verdict = steps_reach(self, verdict, int(steps or 5), asked)  # past kNN's 5 steps
        base = None  # the verdict's baseline answer, where it answers (api_predict_verdict.py)
        sub = not asked and 0 < model_step < 1 and layout.sub_second_rows is not None
        if sub:  # a run trained on a sub-second store reads every fix at its exact time and
            df = all_fixes(df, layout)  # steps at the cadence it learned (subsec38), and so
            # does its val verdict's engine, whose kNN index holds that cadence (subsec39)
        if verdict is not None and not model_keeps_call(
            self, verdict, int(steps or 5), asked, radii, draft
        ):
            asked_of = df
            base, df = baseline_rows(self, verdict, df, int(steps or 5), None if sub else layout)
            base = engine_spread(self, verdict, base, asked_of, radii)
            if df.height == 0:
                return answer(with_engine(self, base, None, order))
        if at_times is None and seconds_ahead is None:
            k = int(steps or 5)
            self._check_coverage(df, history=max_len - k)  # the points the rollout reads
            core = getattr(draft, "model", draft)  # a TrajLM or a TrajectoryModel
            if core is not None and not isinstance(core, TrajectoryModel):  # badin21: was an
                raise TrajlmInputError(  # AttributeError deep in speculative.py
                    f"draft={draft!r}: give a small checkpoint (TrajLM.from_pretrained(DIR)) of "
                    "the same data to speed up steps= rollouts, or leave it out",
                    field="draft",
                )
            # fixes under 1 s apart (session 18): the next k at that cadence, on the rollout from
            # about one fix a second back from the exact last one (not thinned to the training
            # step as for asked times: 0.01-0.6 m against 0.1-3.6 m at 0.1-2.5 s ahead)
            # and a trajectory whose last fix is a glitch by its reports (predict18): the next k
            # at its median interval from that fix, on the rollout from the fix before it
            out = None if sub else steps_at_times(self, df, layout, k)
            if not sub:  # sub-second intervals read as they are (session 17)
                df = exact_times(df, layout.frac)
            if out is None:
                out = predict_chunked(self.model, df, k, draft=core)
            else:
                rest = df.filter(~pl.col("traj_id").is_in(out["traj_id"].unique().implode()))
                if rest.height:
                    out = pl.concat([out, predict_chunked(self.model, rest, k, draft=core)],
                                    how="vertical_relaxed").sort("traj_id", "step")  # fmt: skip
            out = with_radii_asked(out, radii, self.radii_bins, df, self)
            if verdict is not None:
                out = with_engine(self, out, base, order)
            return answer(out)
        if draft is not None:
            raise ValueError("draft= speeds up steps= rollouts; at_times / seconds_ahead run "
                             "without it")  # fmt: skip
        last_t = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        req, valid, ids = asked_ahead(at_times, seconds_ahead, last_t, layout)
        if ids is not None:  # times per trajectory: only those asked are predicted
            df = df.filter(pl.col("traj_id").is_in(ids))
            last_t = last_t.filter(pl.col("traj_id").is_in(ids))
        # every fix at its exact time, about one a second back from the exact last one, which
        # the times asked count from (sessions 17, 18); reported speed / course read from it
        full = exact_history(df, layout, model_step)  # every fix for a sub-second run
        last_t = full.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        # the verdict's engine answers asked times where it can (pvbase24: the [time] ones;
        # smallval25: kNN / linear-3 interpolated); the model the rest (api_verdict_asked.py)
        base, share = verdict_asked(self, verdict, full, last_t, req, valid, radii,
                                    id_said(layout))  # fmt: skip
        if verdict is not None:
            base = engine_spread(self, verdict, base, full, radii)
        if share is None:
            return answer(with_engine(self, base, None, order))
        out = predict_asked(self, *share, layout)
        out = with_radii_asked(out, radii, self.radii_bins, share[0], self)
        if verdict is not None:
            out = with_engine(self, out, base, order)
        return answer(out)

    def _history(self, df: pl.DataFrame) -> pl.DataFrame:
        """The history a rollout to asked times reads: thinned to the training step (session
        15, maritime); a ``time_query`` model reads it whole."""
        if getattr(self.config, "time_query", False):
            return df
        step = history_interval(self.model)
        return thin_history(df, step, api_rollout.THIN_BELOW * step)  # read at call time
