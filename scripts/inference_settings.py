"""Write the robust inference settings into a residual model's config.json (trajlm-small's,
chosen on val: docs/generalization.md "Session 8" and "Session 11"); a model without a
residual base is left as it is (no coverage or backtest gate can act on it).

    python scripts/inference_settings.py RUN/best/config.json [RUN/config.json ...]

coverage_gate "speed": outside the recorded speed / time-step range the prediction shrinks
toward constant velocity; context "motion": the clock is never read; backtest_gate 8: where
the model predicted the trajectory's own past worse than constant velocity, it falls back
toward constant velocity (trajlm/model/backtest.py); backtest_min_steps 1 (session 12): from
one scored step (a 3-point history) on, its power scaled by the evidence; backtest_prior 0: a
2-point history (nothing to score) is predicted by constant velocity (session 12);
backtest_fallback_window 2 (session 12): the gate falls back to whichever of the last step and
the velocity over the last two steps (linear extrapolation over 3 points) predicted this
trajectory's own past better; backtest_short_cap [0, 0.25, 0.25, 0.25] (session 22): a history
with 1-4 scored steps (3-6 fixes) whose last two steps held speed and heading keeps at most
that share of the model's correction (model/backtest.py ``steady_cap``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SETTINGS = {
    "coverage_gate": "speed",
    "context": "motion",
    "backtest_gate": 8.0,
    "backtest_min_steps": 1,
    "backtest_prior": 0.0,
    "backtest_fallback_window": 2,
    "backtest_short_cap": [0.0, 0.25, 0.25, 0.25],
    # session 24 (steady24): session 23's per-call choice between the rollout and constant
    # velocity, on steady histories only (docs/generalization.md "Session 24 (steady24)")
    "backtest_choice_steps": 1,
    "backtest_choice_steady_only": True,
}


def main(paths: list[str]) -> None:
    if not paths or paths[0] in ("-h", "--help"):
        print(__doc__)
        return
    for path in map(Path, paths):
        config = json.loads(path.read_text())
        if config.get("residual_base", "none") == "none":
            print(f"{path}: no residual base; inference settings not applied")
            continue
        config.update(SETTINGS)
        path.write_text(json.dumps(config, indent=2) + "\n")
        print(f"{path}: {SETTINGS}")


if __name__ == "__main__":
    main(sys.argv[1:])
