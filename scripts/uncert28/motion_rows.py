"""Motion-state features for radii24's row files (session 28, uncert28): no model call.

What it measures: the histories behind scripts/radii24_rows.py's rows are rebuilt exactly as the
rows script cut them (tails21_cover.store_cuts: PATH[:SPLIT], the first --max-cuts cuts of 20
fixes; uncert20_calib.movers: seeded mover kinds), and per query the history's recent speed
(``recent``: eval/radii_bins.recent_speed, m/s over its last RECENT_S seconds) and motion state
(``state``: eval/radii_bins.motion_state) are joined onto the rows (by source and query).

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert28/motion_rows.py /tmp/radii24/val.parquet \
        --store /tmp/stores/porto --store /tmp/stores/geolife --movers-seed 2001 \
        --out $UNCERT28/val.parquet

Output: the rows with ``recent`` and ``state`` added, as Parquet at --out (default under
$UNCERT28, /tmp/uncert28).
"""

from __future__ import annotations

import argparse
import os
import sys

import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tails21_cover as T  # noqa: E402
import uncert20_calib as C  # noqa: E402

from trajlm.eval.motion_state import motion_state  # noqa: E402
from trajlm.eval.radii_bins import regime  # noqa: E402

OUT = os.environ.get("UNCERT28", "/tmp/uncert28")


def features(hist: pl.DataFrame, source: str) -> pl.DataFrame:
    """Per query of ``hist`` (traj_id = the query): source, q, recent speed, motion state."""
    r = regime(hist)
    return pl.DataFrame({"source": source, "q": r["traj_id"].cast(pl.String),
                         "recent": r["recent"],
                         "state": motion_state(r["recent"], r["speed"])})  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows")
    T.add_cut_args(ap)
    ap.add_argument("--out")
    a = ap.parse_args()
    parts = []
    for spec in a.store:
        try:
            name, h, _ = T.store_cuts(spec, a.max_cuts)
        except Exception as e:  # noqa: BLE001 - as the rows script (skip_failed)
            print(spec, "skipped:", str(e).splitlines()[0], flush=True)
            continue
        parts.append(features(h, name))
    for seed in a.movers_seed:
        for _kind, (h, _) in C.movers(seed, a.n).items():
            parts.append(features(h, f"movers{seed}"))
    feats = pl.concat(parts)
    rows = pl.read_parquet(a.rows)
    out = rows.join(feats, on=["source", "q"], how="left")
    missing = out["state"].is_null().sum()
    print(f"{out.height} rows, {missing} without a history match;",
          out.group_by("source", "state").len().sort("source", "state").rows())  # fmt: skip
    os.makedirs(OUT, exist_ok=True)
    dest = a.out or os.path.join(OUT, os.path.basename(a.rows))
    out.write_parquet(dest)
    print("wrote", dest)


if __name__ == "__main__":
    main()
