"""kalman34's rule, written before any test file is scored: of the val eval's Kalman rows
(named kf_q{Q}_{AHEAD} by scripts/kalman34/val.sh), keep the lowest val MAE. Prints "Q AHEAD".

    python scripts/kalman34/choose.py val_STORE.json
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    with open(sys.argv[1]) as f:
        results = json.load(f)["results"]
    kalman = [r for r in results if r["method"].startswith("kf_q")]
    best = min(kalman, key=lambda r: r["metrics"]["mae_m"])
    q, ahead = best["method"].removeprefix("kf_q").rsplit("_", 1)
    print(q, ahead)


if __name__ == "__main__":
    main()
