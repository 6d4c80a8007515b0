"""Session 27 (fitstore27): trajlm.passages on newuser26's gull study (friction 15).

What it measures: the passages between the two colonies of scripts/newuser26/gen_movebank.py
(6 synthetic lesser black-backed gulls x 20 days, hourly Movebank fixes, ~35 km/h flights,
colonies ~31 km apart), both ways, each bird kept whole (traj_col=), radius 2 km: counts,
median and quartiles of the durations, the sampling of each passage (max_gap_s), wall time.

Command: PYTHONPATH=. python scripts/fitstore27/gull_passages.py [OUT_DIR]
Output: printed; the passages as OUT_DIR/gull_passages.csv (default OUT_DIR: $FITSTORE27_OUT or
/tmp/fitstore27); the study CSV is written there too.
"""

import os
import sys
import time
from pathlib import Path

import pandas as pd

import trajlm
import trajlm.data.geometry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "newuser26"))
from gen_movebank import COLONIES  # noqa: E402
from gen_movebank import main as write_study  # noqa: E402

BIRD = "individual-local-identifier"


def run(out_dir: Path, radius_m: float = 2000.0) -> pd.DataFrame:
    study = pd.read_csv(write_study(out_dir))
    z, v = COLONIES["Zeebrugge"], COLONIES["Vlissingen"]
    parts = []
    for name, a, b in (("Zeebrugge->Vlissingen", z, v), ("Vlissingen->Zeebrugge", v, z)):
        t0 = time.perf_counter()
        p = trajlm.passages(study, a=a, b=b, radius_m=radius_m, traj_col=BIRD)
        wall = time.perf_counter() - t0
        h = p["duration_s"] / 3600
        print(
            f"{name}: {len(p)} passages by {p[BIRD].nunique()} birds; duration h: median "
            f"{h.median():.2f}, quartiles {h.quantile(0.25):.2f}-{h.quantile(0.75):.2f}, "
            f"min {h.min():.2f}, max {h.max():.2f}; fixes per passage median "
            f"{p['n_fixes'].median():.0f}; max_gap_s median {p['max_gap_s'].median():.0f}; "
            f"path median {p['path_m'].median() / 1000:.1f} km; {wall:.2f} s"
        )
        # a passage is any A ... B with no colony between: foraging detours included; the
        # direct flights are those whose path is near the straight line (a pandas filter)
        straight = float(trajlm.data.geometry.haversine(a[0], a[1], b[0], b[1]))
        direct = p[p["path_m"] < 1.5 * straight]
        print(
            f"  direct (path < 1.5 x {straight / 1000:.1f} km): {len(direct)}; duration h "
            f"median {direct['duration_s'].median() / 3600:.2f}, max_gap_s median "
            f"{direct['max_gap_s'].median():.0f}"
        )
        parts.append(p.assign(direction=name))
    both = pd.concat(parts, ignore_index=True)
    both.to_csv(out_dir / "gull_passages.csv", index=False)
    return both


if __name__ == "__main__":
    run(
        Path(
            sys.argv[1]
            if len(sys.argv) > 1
            else os.environ.get("FITSTORE27_OUT", "/tmp/fitstore27")
        )
    )
