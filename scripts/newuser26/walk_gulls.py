"""Session 26 new-user walk, persona (b): the ecologist's Python path with a Movebank CSV
(clean -> recover every hour with trajlm-small), as docs/api.md gives it.

Prints the drop report (marked outliers counted), the rows `recover(every="1h")` added and
filled per bird, the engine that answered and the time taken. Needs the CSV of gen_movebank.py.

Command: PYTHONPATH=. python scripts/newuser26/walk_gulls.py [OUT_DIR]
(OUT_DIR default: $NEWUSER26_OUT or /tmp/newuser26; reads OUT_DIR/gulls_movebank.csv, writes
OUT_DIR/gulls_hourly.csv).
"""

import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

import trajlm

BIRD = "individual-local-identifier"


def main(out: Path) -> None:
    warnings.simplefilter("ignore")
    df = pd.read_csv(out / "gulls_movebank.csv")
    clean, report = trajlm.clean(df, traj_col=BIRD)  # each bird one track: night gaps filled too
    print(f"clean: {len(df)} rows in, {len(clean)} kept; dropped {dict(report.dropped)}")
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    t0 = time.time()
    hourly = m.recover(clean, every="1h", traj_col=BIRD)
    per_bird = hourly.groupby(BIRD)["recovered"].agg(["size", "sum"])
    print(
        f"recover(every='1h'): {len(clean)} -> {len(hourly)} rows, "
        f"{int(hourly.recovered.sum())} filled, engine {m.last_engine}, {time.time() - t0:.1f} s"
    )
    print(per_bird.to_string())
    hourly.to_csv(out / "gulls_hourly.csv", index=False)


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER26_OUT", "/tmp/newuser26")
        )
    )
