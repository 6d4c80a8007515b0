"""Session 37 (geomap37b): why the map's choice came out as a coverage split. Not part of the
pre-registered rule: a look at the train windows only (no val / test number).

    PYTHONPATH=. python scripts/geomap37/train_grid.py      # ~4 min, 1 thread

Prints (and writes $GEOMAP37/train_grid.md) the in-sample mean window error of every (delta,
off) of ``fit_choice`` on all 10,000 train windows, and, on the windows on their block's map,
how often G28 beats E-like for each band of the map-score gap L_G - L_E. Reads the same
inputs as choice_arms.py (and its $GEOMAP37/train_answers.npz cache).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choice_arms import (  # noqa: E402
    block_signals,
    errors,
    tdrive_tracks,
    tracks_of,
    train_inputs,
)

from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.eval.map_choice import fit_choice  # noqa: E402

OUT = Path(os.environ.get("GEOMAP37", "/tmp/geomap37"))
BANDS = (-np.inf, -1.0, -0.25, 0.0, 0.25, 1.0, np.inf)


def gap_bands(gap: np.ndarray, err_g: np.ndarray, err_e: np.ndarray) -> list[str]:
    """Markdown rows: per band of ``gap`` (pooled (seed, window) pairs), the count, G28's win
    share and the mean error difference G28 - E-like."""
    rows = []
    for lo, hi in zip(BANDS[:-1], BANDS[1:], strict=True):
        m = (gap > lo) & (gap <= hi)
        if not m.any():
            continue
        d = err_g[m] - err_e[m]
        rows.append(f"| ({lo}, {hi}] | {m.sum()} | {(d < 0).mean():.1%} | {d.mean():+.1f} |")
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument("--tdrive", type=Path, default=Path("/work/shared/data/tdrive/Beijing_taxi.csv"))  # fmt: skip
    ap.add_argument("--gate-dir", type=Path, default=OUT / "gg28")
    ap.add_argument("--out-dir", type=Path, default=OUT)
    args = ap.parse_args(argv)
    oof, parts, block_of, tr = train_inputs(ap, args)
    proj = LocalProjection.fit(parts["train"])
    geo, tdrive = tracks_of(parts["train"], proj, "traj_id", "t"), tdrive_tracks(args.tdrive, proj)
    lg, le, on = block_signals(tr, geo, tdrive, block_of)
    err_e, err_g = errors(tr["E"], tr["tgt"]), errors(tr["G28"], tr["tgt"])
    delta, off_b, grid = fit_choice(err_g, err_e, lg, le, on)
    lines = [f"Train windows {len(err_e)}, {on.mean():.1%} on their block's map; E-like "
             f"{err_e.mean():.1f} m, G28 {err_g.mean():.1f} m; fit: delta {delta}, off "
             f"{'G28' if off_b else 'E'}", "",
             "| delta | off = E | off = G28 |", "|---|---|---|"]  # fmt: skip
    for d in sorted({k[0] for k in grid}, reverse=True):
        lines.append(f"| {d} | {grid[(d, False)]:.2f} | {grid[(d, True)]:.2f} |")
    gap = lg[:, on] - le[on]
    g_on, e_on = err_g[:, on], np.broadcast_to(err_e[on], gap.shape)
    lines += ["", "On the map, (seed, window) pairs by the gap L_G - L_E:", "",
              "| gap band | pairs | G28 wins | mean G28 - E-like (m) |", "|---|---|---|---|"]  # fmt: skip
    lines += gap_bands(gap.ravel(), g_on.ravel(), e_on.ravel())
    off = ~on
    lines += ["", f"Off the map: {off.sum()} windows, G28 wins {(err_g[:, off] < err_e[off]).mean():.1%} "
              f"of pairs, mean G28 - E-like {(err_g[:, off] - err_e[off]).mean():+.1f} m"]  # fmt: skip
    print("\n".join(lines), flush=True)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "train_grid.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
