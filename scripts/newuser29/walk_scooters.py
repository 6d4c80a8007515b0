"""Session 29 new-user test: an e-scooter researcher's notebook in EPSG:25832, cell by cell
(persona: docs/api.md "Session 29 (newuser29)"), on gen_scooters.py's GeoParquet.

Cells: (1) trajlm-small predict(steps=5) and predict(seconds_ahead=[30, 60], latest=True) on the
GeoDataFrame; (2) TrajLM.fit(gdf, RUN, max_steps=100, seed=0, store=STORE), predict, evaluate,
save_pretrained / from_pretrained; (3) at_times, recover (every third fix blanked, and
every="5s"), travel_time, embed, clean, a matplotlib plot, match without a network.

Command: PYTHONPATH=. python scripts/newuser29/walk_scooters.py [CELL ...]   (default: all)
Needs: $NEWUSER29_OUT/scooter_rides.parquet (gen_scooters.py). Outputs: prints; the run, store,
saved model and plot under $NEWUSER29_OUT (default /tmp/newuser29), replaced on each run.
"""

import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import trajlm

OUT = Path(os.environ.get("NEWUSER29_OUT", "/tmp/newuser29"))


def rides():
    import geopandas as gpd

    return gpd.read_parquet(OUT / "scooter_rides.parquet")


def said(call):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t0 = time.time()
        try:
            out = call()
        except Exception as e:  # a notebook shows the error and goes on
            out = None
            print(f"  ERROR {type(e).__name__}: {str(e)[:300]}")
    for w in seen:
        print(f"  [{type(w.message).__name__} at {Path(w.filename).name}:{w.lineno}] "
              f"{str(w.message)[:200]}")  # fmt: skip
    print(f"  ({time.time() - t0:.1f} s)")
    return out


def cell1() -> None:
    gdf = rides()
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    p = said(lambda: m.predict(gdf, steps=5))
    print(type(p).__name__, p.shape, p.crs.to_epsg(), p.columns.tolist())
    p = said(lambda: m.predict(gdf, seconds_ahead=[30, 60], latest=True))
    print("latest=True:", len(p), "rows for", gdf.scooter_id.nunique(), "scooters,",
          p.ride_id.nunique(), "rides")  # fmt: skip


def cell2() -> None:
    gdf = rides()
    for d in ("runs_fit", "store_fit", "saved_mine"):
        shutil.rmtree(OUT / d, ignore_errors=True)
    mine = said(lambda: trajlm.TrajLM.fit(gdf, OUT / "runs_fit", max_steps=100, seed=0,
                                          store=OUT / "store_fit", threads=1))  # fmt: skip
    p = said(lambda: mine.predict(gdf, steps=3))
    print(p.head(3).to_string(), "engine:", mine.last_engine)
    ev = said(lambda: mine.evaluate(gdf, task="predict"))
    print(ev[["method", "mae_m", "ratio_to_best_baseline", "best_baseline"]].to_string())
    mine.save_pretrained(OUT / "saved_mine")
    back = trajlm.TrajLM.from_pretrained(OUT / "saved_mine", threads=1)
    print("reloaded answers the same:", back.predict(gdf, steps=3).equals(p))


def cell3() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gdf = rides()
    two = gdf[gdf.ride_id.isin(["R00001", "R00002"])].copy()
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    print(said(lambda: m.predict(two, at_times=["2026-06-08T08:10:00+02:00"])))
    gaps = two.copy()
    gaps.loc[gaps.index[1::3], "geometry"] = None
    r = said(lambda: m.recover(gaps))
    print("recover:", len(r), "rows,", int(r.recovered.sum()), "filled; engine", m.last_engine)
    r = said(lambda: m.recover(two, every="5s"))
    print("recover every 5 s:", len(two), "->", len(r))
    said(lambda: m.travel_time(two.geometry.iloc[:1], two.geometry.iloc[-1:],
                               depart="2026-06-08T08:30:00+02:00"))  # fmt: skip
    e = said(lambda: m.embed(gdf))
    print("embed:", type(e).__name__, e.shape)
    c = said(lambda: trajlm.clean(gdf))
    print("clean returns", type(c).__name__)
    p = m.predict(two, steps=5)
    ax = two.plot(markersize=2)
    p.plot(ax=ax, color="red", markersize=4)
    plt.savefig(OUT / "walk_plot.png")
    said(lambda: trajlm.TrajLM.match(two, None))


if __name__ == "__main__":
    cells = {"1": cell1, "2": cell2, "3": cell3}
    for name in sys.argv[1:] or list(cells):
        print(f"--- cell {name}")
        cells[name]()
