"""Session 26 new-user walk, persona (a): the fleet data scientist's Python path, as docs/api.md
gives it (GeoDataFrame in EPSG:3857 -> clean -> predict 10 minutes ahead -> save -> re-load).

Prints what a GeoPandas user checks: kind, CRS, dtypes, rows, index, engine, and whether the
re-loaded model answers as the run did. Needs the Parquet of gen_fleet.py and, for the run
part, `trajlm data ingest fleet.parquet --crs EPSG:3857 --out st_fleet` and
`trajlm train --data st_fleet --out run_fleet --threads 1 --max-steps 200`.

Command: PYTHONPATH=. python scripts/newuser26/walk_fleet.py [OUT_DIR]
(OUT_DIR default: $NEWUSER26_OUT or /tmp/newuser26; reads OUT_DIR/fleet.parquet and
OUT_DIR/run_fleet, writes OUT_DIR/saved_fleet/).
"""

import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

import trajlm


def main(out: Path) -> None:
    warnings.simplefilter("ignore")
    df = pd.read_parquet(out / "fleet.parquet")
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(df.x, df.y), crs=3857
    )
    try:
        trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).predict(gdf, steps=5)
    except trajlm.TrajlmInputError as e:
        print("raw export refused:", str(e)[:120], "...")
    clean, report = trajlm.clean(gdf)
    print(f"clean: {len(gdf)} rows in, {len(clean)} back; {dict(report.dropped)}; "
          f"repeated (vehicle, time) back: {int(clean.duplicated(['vehicle_id', 'timestamp']).sum())}")  # fmt: skip
    for name in ("trajlm-small", str(out / "run_fleet")):
        if name != "trajlm-small" and not (out / "run_fleet").is_dir():
            continue
        m = trajlm.TrajLM.from_pretrained(name, threads=1)
        t0 = time.time()
        pred = m.predict(clean, seconds_ahead=[600])
        latest = pred.groupby("vehicle_id").tail(1)  # each van's last piece: "now + 10 min"
        print(f"{name}: predict 10 min ahead {time.time() - t0:.1f} s -> {type(pred).__name__} "
              f"{pred.crs}, {len(pred)} rows ({len(latest)} latest), dtypes "
              f"{ {c: str(t) for c, t in pred.dtypes.items() if c != 'geometry'} }, "
              f"engine {m.last_engine}")  # fmt: skip
    run = out / "run_fleet"
    if run.is_dir():
        m = trajlm.TrajLM.from_pretrained(run, threads=1)
        shutil.rmtree(out / "saved_fleet", ignore_errors=True)
        m.save_pretrained(out / "saved_fleet")
        again = trajlm.TrajLM.from_pretrained(out / "saved_fleet", threads=1)
        a, b = m.predict(clean, steps=5), again.predict(clean, steps=5)
        print(f"saved + re-loaded: files {sorted(p.name for p in (out / 'saved_fleet').iterdir())}; "
              f"engine {sorted(set(a.get('engine', ['model'])))} -> "
              f"{sorted(set(b.get('engine', ['model'])))}; same answers: {a.equals(b)}")  # fmt: skip


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER26_OUT", "/tmp/newuser26")
        )
    )
