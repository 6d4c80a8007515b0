"""heldout33: one markdown row per set from $HELDOUT33/evals/SET_predict.json (written by
scripts/heldout33/eval.sh): trajlm-small's next-5-points MAE against the strongest baseline on
the store's test split, paired bootstrap 95 % CI (docs/data.md "Session 33 (heldout33)").
    python scripts/heldout33/rows.py
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import cell  # noqa: E402

H = os.environ.get("HELDOUT33", "/tmp/heldout33")
SETS = ["torque_logs", "bus_gpsd", "sortie_acmi", "drones_czml", "fleet_influx", "drone_tlogs",
        "taxi_pings", "pings_geohash"]  # fmt: skip

if __name__ == "__main__":
    print(
        "| set | test trips | trajlm-small MAE (m) | strongest baseline, MAE (m) | small / best (95 % CI) |"
    )
    print("|---|---|---|---|---|")
    for n in SETS:
        p = f"{H}/evals/{n}_predict.json"
        if not os.path.exists(p):
            print(f"| {n} | - | - | - | - |")
            continue
        rows = {r["method"]: r for r in json.load(open(p))["results"]}
        small = rows["trajlm:trajlm-small"]
        best = small["ratio_to_best_baseline"]["baseline"]
        print(
            f"| {n} | {small['n_trajectories']} | {small['metrics']['mae_m']:.1f} | {best}, "
            f"{rows[best]['metrics']['mae_m']:.1f} | {cell(small)} |"
        )
