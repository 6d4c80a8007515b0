"""The largest difference, over every setting and metric, between the answer row "pandas cv
[time]" and eval's "constant velocity [time]" in an eval JSON (scripts/outside35/own_timed.sh),
with the windows and points each scored and the --compare entries' readings.

    python scripts/outside35/same_rows.py eval.json
"""

from __future__ import annotations

import json
import sys

MINE, THEIRS = "pandas cv [time]", "constant velocity [time]"


def main() -> None:
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    rows = {(r["setting"], r["method"]): r for r in doc["results"]}
    worst, points = 0.0, 0
    for (setting, method), mine in rows.items():
        if method != MINE:
            continue
        theirs = rows[(setting, THEIRS)]
        assert mine["n_points"] == theirs["n_points"], setting
        points += mine["n_points"]
        for key in ("mae_m", "rmse_m", "fde_m"):
            if key in mine["metrics"]:
                worst = max(worst, abs(mine["metrics"][key] - theirs["metrics"][key]))
    readings = sorted({c["verdict"] for c in doc.get("comparisons", [])})
    print(
        f"max |difference| {worst:.2e} m over {points:,} scored points; "
        f"--compare: {', '.join(readings)}"
    )


if __name__ == "__main__":
    main()
