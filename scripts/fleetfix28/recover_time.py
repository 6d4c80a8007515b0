"""fleetfix28: where a delivery fleet's `recover(every="30s")` spends its time, with and without
the stopped-gap hold (trajlm/tasks/recover_stopped.py): trajlm-small, VAN-101 + VAN-102's three
days of gen_delivery.py's export (the HTTP /recover request that ran past the server's 10 s),
one warm-up call, then each arm timed; ``--profile`` prints cProfile's top 15 (cumulative) of
the held arm. Also how far the fills stray between two fixes at one place (walk cell 4's check).

    PYTHONPATH=$PWD python scripts/newuser28/gen_delivery.py /tmp/fleetfix28/nu
    PYTHONPATH=$PWD python scripts/fleetfix28/recover_time.py [--profile] [EXPORT]
        # EXPORT default: /tmp/fleetfix28/nu/telematics_export.parquet. Prints only.
"""

import cProfile
import pstats
import sys
import time
import warnings

import numpy as np
import pandas as pd

import trajlm
from trajlm.tasks import recover_bridge

DEPOT_LAT = 45.73


def stray(r: pd.DataFrame, id_col: str = "vehicle_id") -> tuple[int, float, float]:
    """(fills between two fixes < 10 m apart, their median and max distance from the fix before)."""
    out = []
    for _, v in r.sort_values([id_col, "timestamp_utc"]).groupby(id_col):
        v = v.reset_index(drop=True)
        known = v[~v.recovered].reindex(v.index)
        prev, nxt = known.ffill(), known.bfill()
        scale = np.cos(np.radians(DEPOT_LAT))
        gap = np.hypot(prev.lat - nxt.lat, (prev.lon - nxt.lon) * scale) * 111_320
        d = np.hypot(v.lat - prev.lat, (v.lon - prev.lon) * scale) * 111_320
        out.append(d[(gap < 10) & v.recovered])
    d = pd.concat(out)
    return len(d), float(d.median()), float(d.max())


def main(argv: list[str]) -> None:
    prof = "--profile" in argv
    argv = [a for a in argv if a != "--profile"]
    path = argv[0] if argv else "/tmp/fleetfix28/nu/telematics_export.parquet"
    df = pd.read_parquet(path)
    two = df[df.vehicle_id.isin(["VAN-101", "VAN-102"])]
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    warnings.simplefilter("ignore")
    m.recover(two.head(60), every="30s")  # warm-up
    held = recover_bridge.BRIDGE_DEFAULT["hold_m"]
    for name, hold in (("hold off", 0.0), ("hold on", held)):
        recover_bridge.BRIDGE_DEFAULT["hold_m"] = hold
        t0 = time.perf_counter()
        if prof and hold:
            pr = cProfile.Profile()
            r = pr.runcall(m.recover, two, every="30s")
        else:
            r = m.recover(two, every="30s")
        secs = time.perf_counter() - t0
        n, med, mx = stray(r)
        print(f"{name}: {len(two)} -> {len(r)} rows, {int(r.recovered.sum())} filled, {secs:.1f} s, "
              f"engine {m.last_engine}; parked fills {n}: stray median {med:.1f} m, max {mx:.1f} m",
              flush=True)  # fmt: skip
    recover_bridge.BRIDGE_DEFAULT["hold_m"] = held
    if prof:
        pstats.Stats(pr).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main(sys.argv[1:])
