"""Rows for session 24's radii (radii24): scripts/tails21_cover.py's rows (one per answer) plus,
per query, what its history shows about GPS jitter (no model call beyond the answer itself):

- ``noise_m``, ``turn``, ``spcv``: scripts/radii23_rows.py's shape features (``noise_m`` is the
  RMS of second differences / sqrt 6);
- ``jit_m``: a per-axis GPS-jitter sigma, the RMS residual of a local straight line fitted in
  time over 5 fixes (centred), / sqrt(0.8) (a white-noise fix's residual variance there);
- ``span_s``: the history's duration (s).

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/radii24_rows.py --store /tmp/stores/porto \
        --store /tmp/stores/geolife --movers-seed 2001 --out /tmp/radii24/val.parquet
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radii23_rows as R23  # noqa: E402
import tails21_cover as T  # noqa: E402
import uncert20_calib as C  # noqa: E402

WINDOW = 5  # fixes in each local straight-line fit
# a white-noise fix's residual variance at the centre of a least-squares line over 5 evenly
# spaced fixes is (1 - 1/5) sigma^2 (its leverage is 1/5)
RESIDUAL_VARIANCE = 1.0 - 1.0 / WINDOW


def history_jitter_m(t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> float:
    """Per-axis GPS jitter sigma (m) of one history: the RMS over both axes of the centre fix's
    residual from a straight line fitted in time over each window of 5 fixes, / sqrt(0.8).
    NaN with fewer than 5 fixes or a window with no time spread."""
    n = len(t)
    if n < WINDOW or not (
        np.isfinite(t).all() and np.isfinite(lat).all() and np.isfinite(lon).all()
    ):
        return float("nan")
    y = (lat - lat[-1]) * C.M_PER_DEG
    x = ((lon - lon[-1] + 180.0) % 360.0 - 180.0) * C.M_PER_DEG * np.cos(np.radians(lat[-1]))
    idx = np.arange(n - WINDOW + 1)[:, None] + np.arange(WINDOW)[None, :]
    tw = t[idx] - t[idx].mean(1, keepdims=True)
    sxx = (tw**2).sum(1)
    if (sxx <= 0).any():
        return float("nan")
    res = []
    for v in (x, y):
        vw = v[idx]
        slope = (tw * (vw - vw.mean(1, keepdims=True))).sum(1) / sxx
        res.append(vw[:, WINDOW // 2] - (vw.mean(1) + slope * tw[:, WINDOW // 2]))
    return float(np.sqrt(np.mean(np.concatenate(res) ** 2) / RESIDUAL_VARIANCE))


def jitter(hist: pl.DataFrame) -> pl.DataFrame:
    """Per query: ``jit_m`` (per-axis jitter sigma, m) and ``span_s``."""
    rows = []
    for (q,), g in hist.sort("traj_id", "t").group_by("traj_id", maintain_order=True):
        t, lat, lon = (g[c].to_numpy().astype(np.float64) for c in ("t", "lat", "lon"))
        rows.append((q, history_jitter_m(t, lat, lon), float(t[-1] - t[0]) if len(t) else np.nan))
    return pl.DataFrame(rows, schema=["q", "jit_m", "span_s"], orient="row")


def run(model, hist: pl.DataFrame, truth: pl.DataFrame, source: str, kind: str) -> pl.DataFrame:
    hist = hist.sort("traj_id", "t", maintain_order=True)
    out = T.run(model, hist, truth, source, kind)
    return out.join(R23.shape(hist), on="q", how="left").join(jitter(hist), on="q", how="left")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", action="append", default=[], help="PATH or PATH:SPLIT")
    ap.add_argument("--max-cuts", type=int, default=400)
    ap.add_argument("--movers-seed", type=int, action="append", default=[])
    ap.add_argument("--n", type=int, default=60, help="tracks per mover kind")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    import torch

    import trajlm

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    parts = []
    for spec in a.store:
        try:
            name, h, t = T.store_cuts(spec, a.max_cuts)
            parts.append(run(model, h, t, name, "val" if ":" not in spec else "heldout"))
        except Exception as e:  # a store whose split has no 21-fix trajectory, old times
            print(spec, "skipped:", str(e).splitlines()[0][:200], flush=True)
            continue
        print(spec, "done", flush=True)
    for seed in a.movers_seed:
        for kind, (h, t) in C.movers(seed, a.n).items():
            parts.append(run(model, h, t, f"movers{seed}", kind))
            print(seed, kind, "done", flush=True)
    pl.concat(parts, how="diagonal").write_parquet(a.out)


if __name__ == "__main__":
    main()
