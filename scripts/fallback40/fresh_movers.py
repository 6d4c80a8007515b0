"""fallback40's second fresh mover set (selection data only; never steady39's or rollout40's
cells): session 12's twelve kinds on seeds 4100 + i with noisier, faster, shorter-legged
generator parameters than rollout40's (GPS noise x 0.8, cruise x 1.15, straights x 2).

    python scripts/fallback40/fresh_movers.py --out DIR [--n 80]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "steady39"))
from fresh_movers import cli  # noqa: E402

SEED_BASE = 4100
NOISE_SCALE = 1.6
CRUISE_SCALE = 1.3
STRAIGHT_SCALE = 1.0


def main() -> None:
    cli(SEED_BASE, "f40", NOISE_SCALE, CRUISE_SCALE, STRAIGHT_SCALE, default_n=80)


if __name__ == "__main__":
    main()
