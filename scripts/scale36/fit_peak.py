"""Session 36 (scale36): eval's peak RSS against the store's size, a straight line, projected.

Each argument is STORE=TIME_ERR: a store and the stderr of `/usr/bin/time -v trajlm eval ...
--data STORE` (its "Maximum resident set size"). Fits peak_MB = a + b * million fixes by least
squares over the runs given and prints the fit, each run's residual and the peak it projects
at --at million fixes (default 70, a year of the 2,000-van fleet):

    python scripts/scale36/fit_peak.py S300=S300.err S1000=S1000.err S2000=S2000.err
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np


def peak_mb(err: Path) -> float:
    kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err.read_text())
    if kb is None:
        raise SystemExit(f"{err}: no 'Maximum resident set size' line (not a time -v output)")
    return int(kb[1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="STORE=TIME_ERR")
    ap.add_argument("--at", type=float, default=70.0, help="million fixes to project to")
    a = ap.parse_args()
    n, peak = [], []
    for run in a.runs:
        store, _, err = run.partition("=")
        n.append(json.loads((Path(store) / "manifest.json").read_text())["n_points"] / 1e6)
        peak.append(peak_mb(Path(err)))
    b, c = np.polyfit(n, peak, 1)
    for x, y in zip(n, peak, strict=True):
        print(f"{x:6.2f} M fixes: {y:7,.0f} MB (line: {c + b * x:7,.0f})")
    print(
        f"peak = {c:,.0f} MB + {b:,.0f} MB per million fixes; at {a.at:g} M: {c + b * a.at:,.0f} MB"
    )


if __name__ == "__main__":
    main()
