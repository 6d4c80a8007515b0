"""How a ``Trainer`` scores its model on val and keeps the best weights: the next-point
loss, a masked mix's own loss, the 5-step ADE in metres (PROTOCOL task 1), and the selection
step run every ``eval_every`` steps. A mixin of ``Trainer`` (trajlm/train/trainer.py).
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch
from torch.utils.data import DataLoader

from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.errors import warn_at_caller
from trajlm.train.modes import core_model
from trajlm.train.objectives import MaskedMix

# Fewer trajectories than these and a run says so (session 19: 16 train / 2 val trips trained
# and kept "best_val_ade_m 347.6" without a word).
MIN_TRAIN_TRAJECTORIES, MIN_VAL_TRAJECTORIES = 50, 10


def warn_small_data(store: Path, metric: str) -> None:
    """One warning when the store's train split is too small to learn from, or its val split
    too small for choosing the kept step on ``metric``; silent when the manifest lacks counts."""
    from trajlm.data.store import load_manifest
    from trajlm.data.store_label import eval_command, named
    from trajlm.errors import warn_at_caller

    try:
        splits = load_manifest(store).get("splits") or {}
    except (OSError, ValueError):
        return
    n = {k: (splits.get(k) or {}).get("n_trajectories") for k in ("train", "val")}
    said = []
    if n["train"] is not None and n["train"] < MIN_TRAIN_TRAJECTORIES:
        said.append(f"{n['train']} train trajectories (a model learns little from fewer than "
                    f"{MIN_TRAIN_TRAJECTORIES}; kNN and constant velocity need no training)")  # fmt: skip
    if n["val"] is not None and n["val"] < MIN_VAL_TRAJECTORIES:
        said.append(f"{n['val']} val trajectories (the kept step is chosen on {metric} over "
                    "so few: noise)")  # fmt: skip
    if said:  # at the caller's line: TrajLM.fit's was trajlm/cli_train.py's (newuser28)
        warn_at_caller(
            f"{named(store)}: only {' and '.join(said)}; score the run beside the "
            f"baselines with {eval_command(store)} before trusting it"
        )


def starts_as_physics(model: torch.nn.Module, selects_on_val_ade: bool) -> bool:
    """Whether a run's starting weights are worth a val score: a next-point model with the
    constant-velocity residual base predicts exactly constant velocity before training (its
    correction layer starts at zero), so keeping the step-0 weights as a candidate for RUN/best
    means the kept model is never worse on val than that physics (session 20: a 1,000-step run
    on 12-minute AIS reports was kept at 2.7x constant velocity)."""
    cfg = getattr(model, "config", None)
    return (
        selects_on_val_ade
        and getattr(cfg, "residual_base", "none") == "constant_velocity"
        and not getattr(cfg, "infill_heads", False)
    )


def constant_velocity_ade(task) -> float | None:
    """The 5-step ADE (m) of constant velocity on a PredictionTask: each history's last
    step (latitude / longitude differences) repeated; None without a scored trajectory."""
    from trajlm.data.metrics import ade

    n = len(task.lengths)
    if n == 0:
        return None
    rows = np.arange(n)
    last = task.hist_latlon[rows, task.lengths - 1]
    prev = task.hist_latlon[rows, np.maximum(task.lengths - 2, 0)]
    k = task.target_latlon.shape[1]
    pred = last[:, None] + np.arange(1, k + 1)[None, :, None] * (last - prev)[:, None]
    return ade(pred, task.target_latlon)


def constant_velocity_time_ade(task) -> float | None:
    """Constant velocity asked at the targets' true times (the last step's velocity per second,
    carried for each target's time after the last fix): the step-based one above reads a gap
    (a tunnel, a paused logger) as one step and extrapolates it per step, so on irregular
    sampling it can look far worse than the physics is (heldout26's trains: 25.2 km vs 0.27
    km). None without a scored trajectory or usable times."""
    from trajlm.data.metrics import ade

    n = len(task.lengths)
    if n == 0:
        return None
    rows = np.arange(n)
    last_i, prev_i = task.lengths - 1, np.maximum(task.lengths - 2, 0)
    last, prev = task.hist_latlon[rows, last_i], task.hist_latlon[rows, prev_i]
    dt = (task.hist_t[rows, last_i] - task.hist_t[rows, prev_i]).astype(np.float64)
    ahead = (task.target_t - task.hist_t[rows, last_i][:, None]).astype(np.float64)
    ok = dt > 0
    if not ok.any():
        return None
    velocity = np.where(ok[:, None], (last - prev) / np.where(ok, dt, 1.0)[:, None], 0.0)
    pred = last[:, None] + ahead[:, :, None] * velocity[:, None]
    return ade(pred[ok], task.target_latlon[ok])


class ValidationScores:
    """Validation methods of ``Trainer``."""

    @torch.no_grad()
    def evaluate(self, split: str = "val") -> float | None:
        """Mean loss over the first `eval_batches` batches of a split (deterministic order):
        the objective's ``val_loss`` when it has one (val only), else the store's next-point
        loss (None without a store)."""
        model = self._raw_model()
        was_training = model.training
        model.eval()
        try:
            if hasattr(self.objective, "val_loss"):
                return self.objective.val_loss(model) if split == "val" else None
            if self.data is None:
                return None
            ds = TrajectoryWindows(self.data, split, WindowConfig(max_len=self.cfg.max_len, seed=0))
            total, count = 0.0, 0
            for i, batch in enumerate(DataLoader(ds, batch_size=self.cfg.batch_size)):
                if i >= self.cfg.eval_batches:
                    break
                with self._autocast():
                    out = model(self._to_device(batch))
                no_target = out.n_targets is not None and int(out.n_targets) == 0
                if out.loss is not None and torch.isfinite(out.loss) and not no_target:
                    total, count = total + float(out.loss), count + 1
            return total / count if count else None
        finally:
            model.train(was_training)

    @torch.no_grad()
    def val_objective_loss(self) -> float | None:
        """A masked mix's own loss on the first `eval_batches` val batches (fixed masks:
        ``MaskedMix.eval_loss``); None for other objectives or without a store."""
        if not isinstance(self.objective, MaskedMix) or self.data is None:
            return None
        model = self._raw_model()
        was_training = model.training
        model.eval()
        devices = [self.device.index or 0] if self.device.type == "cuda" else []
        try:  # the global RNG (a DataLoader draws its seed there) is left as it was: a run
            with torch.random.fork_rng(devices=devices):  # trains exactly as without this
                wc = WindowConfig(max_len=self.cfg.max_len, seed=0)
                loader = DataLoader(TrajectoryWindows(self.data, "val", wc), self.cfg.batch_size)
                batches = (self._to_device(b) for b in islice(loader, self.cfg.eval_batches))
                with self._autocast():
                    return self.objective.eval_loss(model, batches)
        finally:
            model.train(was_training)

    @torch.no_grad()
    def val_ade(self) -> float | None:
        """PROTOCOL task 1 on (up to `select_max_traj` trips of) the val split: the 5-step ADE
        in metres of the model's rollout; used to pick RUN/best (model selection on val)."""
        from trajlm.data.metrics import ade
        from trajlm.data.protocol_tasks import make_prediction_task
        from trajlm.model.rollout import ModelPredictor

        if self._val_task is None:
            from trajlm.data.store import iter_store_batches, read_store

            # Stream only up to the first select_max_traj trips (a 100 M-point store's val
            # split would not fit in memory): stop once the next trip has started.
            parts, n_seen = [], 0
            for part in iter_store_batches(self.data, "val"):
                parts.append(part)
                n_seen += part["traj_id"].n_unique()  # over-counts a trip cut by batches: fine
                if n_seen > self.cfg.select_max_traj + len(parts):
                    break
            df = pl.concat(parts) if parts else read_store(self.data, split="val")
            keep = df["traj_id"].unique(maintain_order=True).head(self.cfg.select_max_traj)
            self._val_task = make_prediction_task(
                df.filter(pl.col("traj_id").is_in(keep.implode()))
            )
        if len(self._val_task.lengths) == 0:
            return None
        model = core_model(self.model)
        was_training = model.training
        model.eval()
        pred = ModelPredictor(model).predict_next(self._val_task)
        model.train(was_training)
        return ade(pred, self._val_task.target_latlon)

    def physics_check(self, best_ade: float) -> dict:
        """The kept weights' val ADE beside constant velocity's on the same val trips, for the
        run summary; warns when the kept model is the worse (a plain model, or a recipe not
        meant for this sampling): nothing else says so before `trajlm eval`."""

        cv = constant_velocity_ade(self._val_task) if self._val_task is not None else None
        if cv is None or not cv > 0:
            return {}
        ratio = best_ade / cv
        out = {"val_ade_constant_velocity_m": cv, "val_ade_vs_constant_velocity": ratio}
        cv_time = constant_velocity_time_ade(self._val_task)
        if cv_time is not None and cv_time > 0:
            out |= {"val_ade_constant_velocity_time_m": cv_time,
                    "val_ade_vs_constant_velocity_time": best_ade / cv_time}  # fmt: skip
            if ratio <= 1.0 < best_ade / cv_time:  # the step-based ratio flatters across gaps
                warn_at_caller(  # TrajLM.fit's line, not trajlm's (newuser29)
                    f"the kept model is worse than constant velocity asked at the true times on "
                    f"val: 5-step ADE {best_ade:.1f} m vs {cv_time:.1f} m "
                    f"({best_ade / cv_time:.2f}x; step-based constant velocity, "
                    f"{cv:.1f} m, reads time gaps as one step); score it with `trajlm eval`"
                )
        if ratio > 1.0:
            hint = (
                'a recipe with residual_base = "constant_velocity" (configs/default.toml) '
                "keeps the physics as its floor"
                if getattr(core_model(self._raw_model()).config, "residual_base", "none") == "none"
                else "score it with `trajlm eval` and prefer the baselines here"
            )
            warn_at_caller(  # TrajLM.fit's line, not trainer.py's (newuser29)
                f"the kept model is worse than constant velocity on val: 5-step ADE "
                f"{best_ade:.1f} m vs {cv:.1f} m ({ratio:.2f}x); {hint}"
            )
        return out

    # -- model selection -----------------------------------------------------------------
    def kept_note(self) -> str:
        """Which step's weights were selected on val and why, in words (run summaries)."""
        name = self.metric.name if self.metric is not None else self.cfg.select_on
        steps = [r["step"] for r in self.history if r.get(name) is not None]
        if self.best_step is None or not steps:
            return f"final (step {self.step}): no val score (no usable val window)"
        how = "highest" if self.metric is not None and self.metric.higher_is_better else "lowest"
        shown = ", ".join(map(str, steps[:12])) + (", ..." if len(steps) > 12 else "")
        return (f"step {self.best_step}: the {how} {name} ({self.best_val:.6g}) of the "
                f"{len(steps)} validations at steps {shown}")  # fmt: skip

    def _evaluate_and_select(self, train_loss: float | None) -> dict:
        record: dict[str, Any] = {"step": self.step, "train_loss": train_loss}
        if self.data is not None or hasattr(self.objective, "val_loss"):
            record["val_loss"] = self.evaluate("val")
        if isinstance(self.objective, MaskedMix):  # the loss the mix optimizes, on val
            record["val_objective_loss"] = self.val_objective_loss()
        score = None
        if self.metric is not None:
            model = self._raw_model()
            was_training = model.training
            if self.metric.name == "val_loss" and "val_loss" in record:
                score = record["val_loss"]
            else:
                model.eval()
                with torch.no_grad():
                    score = self.metric.fn(model)
                model.train(was_training)
            record[self.metric.name] = score
            if self.metric.better(score, self.best_val):
                self._keep_best(score)
        self.history.append(record)
        self._log(record)
        self._call("on_eval", record)
        return record
