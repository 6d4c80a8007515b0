"""Steady movers at every history length: the per-call choice (session 23, steady23).

    python scripts/steady23_probe.py --set heldout23 --seeds 231 232 233 \
        --arm 'choice=backtest_choice_steps=1;backtest_choice_power=1' --out /tmp/steady23/test.json
    python scripts/steady22_probe.py --summary /tmp/steady23/test.json

``--set heldout23``: six kinds that neither session 22's probe nor the session-12 movers hold
(a harbour ferry at 15 s, a commuter train at 10 s, a river barge at 20 s, a delivery van in
a street grid at 4 s, a runner on a 400 m track at 2 s, a tram at 3 s with short stop
spacing), probe_movers_gen's physics, 120 tracks a kind a seed. Every other option, the
scoring and the --summary table are steady22_probe's (``--set heldout`` = session 22's kinds,
the set the choice was tuned on beside ``--set val``).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import steady22_probe as base  # noqa: E402


def heldout23_kinds(g) -> list:
    """Six kinds no earlier probe holds (docs/generalization.md "Session 23 (steady23)")."""
    K = g.Kind
    return [
        K("harbour_ferry_15s", 22.29, 114.17, "Asia/Hong_Kong", 15, 7.5, 0.1, 0.2, 1500,
          turn_deg=(15, 60), radius_m=250, a_lat=0.3, p_stop=0.05, dwell=(60, 180),
          noise=(3, 10), jitter=0.05, p_drop=0.04, wander_deg=1.5, speed_spread=0.1),
        K("commuter_train_10s", 48.14, 11.58, "Europe/Berlin", 10, 28.0, 0.7, 0.9, 3000,
          turn_deg=(5, 20), radius_m=1500, a_lat=0.6, p_stop=0.15, dwell=(30, 60),
          noise=(3, 8), jitter=0.02, p_drop=0.02, speed_spread=0.1),
        K("river_barge_20s", 50.36, 7.60, "Europe/Berlin", 20, 3.2, 0.03, 0.05, 1200,
          turn_deg=(10, 40), radius_m=500, a_lat=0.1, p_stop=0.0, noise=(3, 8),
          jitter=0.03, p_drop=0.03, wander_deg=0.5, speed_spread=0.1),
        K("grid_van_4s", 40.75, -73.99, "America/New_York", 4, 10.0, 1.8, 3.0, 150,
          turn_deg=(90, 90), radius_m=8, a_lat=2.0, p_stop=0.45, dwell=(5, 45),
          noise=(3, 12), jitter=0.1, p_drop=0.05),
        K("track_runner_2s", 51.50, -0.12, "Europe/London", 2, 4.8, 0.5, 0.8, 85,
          turn_deg=(180, 180), radius_m=36.5, a_lat=1.2, p_stop=0.0, noise=(2, 5),
          jitter=0.05, p_drop=0.02, speed_spread=0.08),
        K("tram_3s", -37.81, 144.96, "Australia/Melbourne", 3, 9.0, 1.1, 1.3, 300,
          turn_deg=(30, 90), radius_m=20, a_lat=0.9, p_stop=0.6, dwell=(10, 30),
          noise=(3, 9), jitter=0.05, p_drop=0.03),
    ]  # fmt: skip


def main() -> None:
    if "heldout23" in sys.argv:  # steady22_probe's "heldout" set, with these kinds
        sys.argv[sys.argv.index("heldout23")] = "heldout"
        base.heldout_kinds = heldout23_kinds
    base.main()


if __name__ == "__main__":
    main()
