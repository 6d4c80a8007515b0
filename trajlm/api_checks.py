"""The checks and dispatch shared by ``TrajLM``'s task methods: reading the caller's frame,
coverage warnings, what a checkpoint can do, and the rollout a positions-at-times request needs.
Mixed into ``trajlm.api.TrajLM``."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm._arguments import COLUMN_KEYWORDS, with_gap_rule
from trajlm._threads import apply_threads
from trajlm.api_inputs import warn_nan_times
from trajlm.api_labels import drop_labels, index_labels
from trajlm.api_rollout import interpolate_at
from trajlm.api_stays import drop_poor_fixes
from trajlm.data import geo
from trajlm.data.coerce import coerce
from trajlm.data.coerce_names import id_text
from trajlm.data.coerce_pieces import PIECE
from trajlm.data.coerce_rows import say_repeats
from trajlm.data.schema import SOURCE_ID, TrajlmInputError
from trajlm.data.subsec_store import steps_to_reach
from trajlm.errors import UserError, warn_at_caller
from trajlm.model.coverage import CoverageWarning, coverage_warnings, load_coverage
from trajlm.tasks.predict import predict_at_table

RECOVER_MODES = ("inplace", "span", "bridge")


def check_network(network: Any) -> None:
    """``TrajLM.match``'s network: a RoadGraph or a path, else one line (roads.network's
    check; imported here when asked: roads loads SciPy)."""
    from trajlm.roads.network import check_network as check

    check(network)


MULTITASK_HINT = (
    "it needs a checkpoint trained with the infilling heads (a multi-task run, e.g. "
    '`trajlm train --config configs/multitask.toml`; its config.json has "infill_heads": true)'
)


def choose_threads(model: torch.nn.Module, threads: int | None) -> int:
    """torch intra-op threads for inference, by the one policy of trajlm._threads (1 for small
    models or <= 2 cores: extra OpenMP threads spin on a busy machine, 7x slower measured)."""
    return apply_threads(threads, sum(p.numel() for p in model.parameters()))


class TaskChecks:
    """Input checks and task dispatch of ``TrajLM`` (trajlm/api.py)."""

    # ------------------------------------------------------------------------------- input
    def _input(self, data: Any, columns: dict, validate: bool = True, said: str = "embed"):
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout = coerce(data, validate=validate, repeats="drop", **with_gap_rule(columns))
        say_repeats(layout)  # as the CLI drops them (newuser27)
        df = drop_labels(df)
        df = drop_poor_fixes(df, said)  # cell-tower fixes, as predict leaves them out (fix32)
        self._check_coverage(df, predicts=False)  # embed / classify: no rollout
        return df, layout

    def gate_effects(self, data: Any, *, steps: int = 5, **columns: Any) -> Any:
        """Per trajectory of ``data`` (any frame the methods take, the same column options):
        the medians the coverage gate reads over the history ``predict(steps=steps)`` reads
        (``speed_mps``, ``dt_s``, ``step_m``) and ``gate_kept``, the share of the model's
        correction to constant velocity it keeps (1: the gate does not act; 0: constant
        velocity). The coverage warning names only trajectories clearly outside the training
        data; this lists every one (``trajlm.model.coverage.gate_effects``, session 20, cov20).
        Comes back keyed by the caller's id (and ``piece``), as pandas for pandas input."""
        from trajlm._arguments import check_keywords
        from trajlm.data.coerce_out import from_canonical
        from trajlm.model.coverage import gate_effects

        check_keywords("TrajLM.gate_effects", columns, COLUMN_KEYWORDS)
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise TrajlmInputError(f"steps must be an integer >= 1, got {steps!r}", field="steps")
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout = coerce(data, **with_gap_rule(columns))
        df = drop_labels(df)
        history = max(self.config.max_len - steps, 1)
        return from_canonical(gate_effects(self.model, df, history), layout=layout)

    def _check_coverage(
        self,
        df: pl.DataFrame,
        history: int | None = None,
        predicts: bool = True,
    ) -> None:
        """Warn (CoverageWarning), naming the feature, where the input lies outside what the
        model was trained on (the coverage its Trainer recorded), speed and sampling interval
        where the coverage gate acts clearly (covwarn19) on each trajectory's last ``history`` points;
        older checkpoints: the projection's extent check. Both at the user's line, however deep
        the call (newuser29: a fixed stacklevel named trajlm's own files on at_times' path)."""
        if lines := coverage_warnings(self.model, df, history, predicts):  # one per call
            warn_at_caller(f"input outside the training coverage: {'; '.join(lines)}",
                           CoverageWarning)  # fmt: skip
        if load_coverage(self.model) is None:
            p = self.projection
            geo.check_extent(
                df, p.lat0, p.lon0, what="the input (from the model's training centre)"
            )

    def _require_infill(self, task: str) -> None:
        if getattr(self.model, "infill_head", None) is None:
            from trajlm.model.weights import shipped_name

            # one short line (leftover29: it was 883 characters, newuser28 #16 / newuser29
            # #10): the checkpoint by name, what to train, what answers now; the rest is in
            # docs/api.md (travel_time)
            name = shipped_name(self.path) or self.path or "this in-memory model"
            raise UserError(  # a ValueError too
                f"{task}: {name} has no infilling heads (a next-point checkpoint)",
                hint="train one that has: trajlm.TrajLM.fit(df, 'runs/eta', config='configs/"
                "multitask.toml'); what works now: trajlm.baselines.GradientBoostingTTE()"
                ".fit(past_trips).predict(trips)",
            )

    def _check_patch(self, df: pl.DataFrame, layout: Any = None) -> None:
        """A patched model's rollout reads whole patches: each trajectory needs patch_size+
        points (a TrajlmInputError naming the first short one as the caller wrote its id; the
        server answers 422)."""
        p = int(getattr(self.config, "patch_size", 1))
        short = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") < p)
        if len(short):
            tid, n = short.row(0)
            raise TrajlmInputError(
                f"this patched model (patch_size {p}) reads histories in patches of {p} points "
                f"and needs at least {p} history points per trajectory; {id_said(layout)(tid)} has {n} ({len(short)} "
                "trajectories too short)", hint=f"give each trajectory {p}+ points")  # fmt: skip

    def _rollout_steps(self, df: pl.DataFrame, ahead: np.ndarray) -> int:
        """The rollout's length for times `ahead` (B, m) s: a time_query model takes one step
        per distinct future time; any other 1.5x the steps the history's median interval
        needs (rolled-out intervals vary), at most half of max_len: the rest is history (a
        longer horizon is reached by extending the rollout, trajlm/api_rollout.py)."""
        if getattr(self.config, "time_query", False):
            return max(1, max(len(np.unique(a[a > 0])) for a in np.asarray(ahead, np.float64)))
        dt = df.select(pl.col("t").diff().over("traj_id").median()).item() or 1.0
        room = max(1, self.config.max_len // 2)
        return steps_to_reach(float(np.nanmax(ahead)), dt, self.model.stats, room)

    def _predict_at(self, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray, k: int,
                    asked: np.ndarray | None = None):  # fmt: skip
        """Positions at `ahead` (B, m) s after each trajectory's last point: asked of a
        time_query model; else the rollout, extended until it reaches the last asked time (up
        to api_rollout.MAX_STEPS steps), interpolated (NaN, with a warning naming the
        trajectory, where it cannot be). ``asked``: the (B, m) entries asked (the rest is padding
        of per-trajectory lists, dropped)."""
        if getattr(self.config, "time_query", False):  # the model answers at the times asked
            pred = predict_at_table(self.model, df, ahead)
            return warn_nan_times(
                pred if asked is None else pred.filter(pl.Series(asked.reshape(-1)))
            )
        return interpolate_at(self.model, df, last, ahead, k, self.projection, asked)


def id_said(layout: Any) -> Any:
    """How the caller's id values are written in a warning: 7 for an integer id column, 'a'
    for text (trajlm's ids are text inside); a piece of a vehicle cut at its gaps as the
    caller's id and the piece ('VAN-102', piece 2), never the internal 'VAN-102_2'
    (fleetfix28)."""
    said = id_text(getattr(layout, "traj_dtype", None))
    pieces = getattr(layout, "pieces", None)
    if pieces is None or getattr(layout, "traj_col", None) == PIECE:  # one mover: ids are pieces
        return said
    names = dict(zip(pieces["traj_id"].to_list(),
                     zip(pieces[SOURCE_ID].to_list(), pieces[PIECE].to_list(), strict=True),
                     strict=True))  # fmt: skip
    return lambda i: f"{said(names[i][0])}, piece {names[i][1]}" if i in names else said(i)


def single_point_warning(df: pl.DataFrame, what: str, layout: Any = None) -> None:
    """One warning when some trajectories have a single point: their ``what`` (embedding,
    label) reads one position and no motion."""
    one = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") == 1)
    if len(one):
        warn_at_caller(f"{len(one)} trajectories have a single point (e.g. "
                       f"{id_said(layout)(one['traj_id'][0])}): their {what} reads one position and no "
                       "motion; give 2+ points per trajectory")  # fmt: skip
