"""What a finished training run reports (split from trainer.py, session 24): the summary dict
``Trainer.fit`` returns, written to RUN/train_summary.json, with a note on what RUN/best holds
(and RUN/best written as the final weights where nothing was selected on val).

A mixin of ``Trainer`` (trajlm/train/trainer.py), like the feed, the run directory and the
validation scores: it reads the trainer's state (step, best_val, history, metric, run, rank).
"""

from __future__ import annotations

import json

from trajlm.model import TrajectoryModel
from trajlm.train.modes import core_model
from trajlm.train.objectives import MaskedMix


class RunSummary:
    """``write_summary``: the end-of-training summary of a ``Trainer``."""

    def write_summary(self, elapsed: float, tokens: int, last_loss: float) -> dict:
        """Final losses, time, tokens/s, params and the selection metric's best; on rank 0 of a
        run with a directory also RUN/train_summary.json (and RUN/best when nothing was
        selected on val)."""
        raw = self._raw_model()
        name = self.metric.name if self.metric is not None else self.cfg.select_on
        summary = {
            "steps": self.step,
            "final_loss": last_loss,
            "val_loss": self.evaluate("val"),  # next-point (causal head), whatever the objective
            f"best_{name}": self.best_val,
            "best_step": self.best_step,
            "train_time_s": elapsed,
            "tokens_per_s": tokens / max(elapsed, 1e-9),
            "n_params": core_model(raw).num_params(),
            "device": str(self.device),
            "world_size": self.world,
        }
        if self.cfg.step_budget:  # `trajlm train` chose max_steps (trajlm/train/budget.py)
            summary["step_budget"] = self.cfg.step_budget
        if isinstance(self.objective, MaskedMix):
            summary["val_objective_loss"] = self.val_objective_loss()
        if name == "val_ade_m" and self.best_val is not None:
            summary.update(self.physics_check(self.best_val))  # beside constant velocity on val
        if self.rank == 0 and self.run is not None:
            best = self.run / "best" / "model.safetensors"
            final_is_best = isinstance(raw, TrajectoryModel) and not best.exists()
            if final_is_best:  # say what RUN/best (what the API loads) holds
                why = (
                    f"no validation ran (eval_every {self.cfg.eval_every}, {self.step} steps)"
                    if not self.history
                    else "no val score (no usable val window)"
                )
                summary["best_weights"] = f"final (step {self.step}): {why}"
            elif self.history:
                summary["best_weights"] = self.kept_note()
            (self.run / "train_summary.json").write_text(json.dumps(summary, indent=2))
            if final_is_best:
                # Nothing was selected on val (no val split, or eval_every = 0): best = final.
                raw.save_pretrained(self.run / "best")
        return summary
