"""Val's 1-2 s stop-and-go movers (session 26, uncert26): two seeded synthetic kinds with
scripts/probe_movers_gen.py's physics (stops with dwell times, AR(1) GPS noise), 160 fixes a
track: 1-s couriers and 2-s pedestrians. Val's 1-2 s movers (car_1s, walker_2s) never stop,
so the radii's fast bins never saw a history that ends stopped or starting; the held-out
1-2 s movers' short 90 / 95 % circles sit there (docs/generalization.md "Session 26").
They differ from radii24's held-out cyclists (1 s, 5 m/s, stops 35 %) in speed, stop rate,
dwell, turns and seeds; ingest them and cut rows as radii24 did (the commands below).

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/gen_stopgo.py /tmp/uncert26/raw
    .venv/bin/trajlm data ingest /tmp/uncert26/raw/couriers_1s.csv --out /tmp/uncert26/stores/couriers
    .venv/bin/trajlm data ingest /tmp/uncert26/raw/pedestrians_2s.csv --out /tmp/uncert26/stores/pedestrians
    PYTHONPATH=$PWD .venv/bin/python scripts/radii24_rows.py --store /tmp/uncert26/stores/couriers:train \
        --store /tmp/uncert26/stores/pedestrians:train --max-cuts 300 --out /tmp/uncert26/val_stopgo.parquet

Output: one CSV per kind in the folder given (default /tmp/uncert26/raw).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import probe_movers_gen as G  # noqa: E402

KINDS = [
    G.Kind("couriers_1s", 48.86, 2.35, "Europe/Paris", 1, 7.0, 1.2, 2.0, 250, radius_m=8,
           a_lat=2.0, p_stop=0.25, dwell=(5, 30), noise=(2, 5), jitter=0.0, p_drop=0.02,
           wander_deg=2.0, horizons=[5], speed_spread=0.2),
    G.Kind("pedestrians_2s", 59.33, 18.07, "Europe/Stockholm", 2, 1.4, 0.5, 0.8, 120,
           radius_m=3, a_lat=1.0, p_stop=0.3, dwell=(10, 60), noise=(2, 6), jitter=0.02,
           p_drop=0.02, wander_deg=5.0, horizons=[5], speed_spread=0.2),
]  # fmt: skip


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/uncert26/raw"
    os.makedirs(out, exist_ok=True)
    G.N_OBS, G.HIST_END = 160, 19
    for s, k in enumerate(KINDS):
        df, _ = G.make(k, 200, 26000 + s)
        df["timestamp"] = df.timestamp.str.replace("2026-", "2025-", n=1)  # not in the future
        df.to_csv(f"{out}/{k.name}.csv", index=False)
        print(k.name, df.trip_id.nunique(), len(df))


if __name__ == "__main__":
    main()
