"""rollout40's fresh steady movers (the val half of its decision; never steady39's cells):
session 12's twelve mover kinds on new seeds and steadier generator parameters.

    python scripts/rollout40/fresh_movers.py --out DIR [--n 80]

Seeds 4000 + i (session 12: 1000 + i, steady39's selection set: 3900 + i); every kind's GPS
noise x NOISE_SCALE, cruise speed x CRUISE_SCALE, straight length x STRAIGHT_SCALE (longer,
faster, cleaner legs: the movers issue 14's short-history cells are about). The generator is
not the one arm S trains on (trajlm/train/steady_movers.py: plain lines, no stops or turns).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "steady39"))
from fresh_movers import cli  # noqa: E402

SEED_BASE = 4000
NOISE_SCALE = 0.8
CRUISE_SCALE = 1.15
STRAIGHT_SCALE = 2.0


def main() -> None:
    cli(SEED_BASE, "r40", NOISE_SCALE, CRUISE_SCALE, STRAIGHT_SCALE, default_n=80)


if __name__ == "__main__":
    main()
