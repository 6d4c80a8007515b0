"""A Stanford Drone Dataset-style `annotations.txt` (newuser37): space-separated, no header,
`track_id xmin ymin xmax ymax frame lost occluded generated "label"`, pixels of a top-down drone
video at 30 fps, one row per agent per frame; labels Pedestrian / Biker / Skater / Cart / Car /
Bus. Bikers ride at 3-6 m/s, carts at 2-3 m/s; a scale of 25 pixels per metre (the videos'
scale differs by scene and is not in the file). `lost` = 1 rows (the agent left the view) sit
where the annotator stopped following; a few `generated` (interpolated) rows.

    python scripts/newuser37/gen_sdd.py --out /tmp/newuser37/raw --seed 39"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _walkers import DT, parse_args, simulate  # noqa: E402

PX_PER_M = 25.0
FPS = 30


def main() -> None:
    a = parse_args(__doc__, 39, "--agents", 30)
    rng = np.random.default_rng(a.seed)
    rows = []
    for w in simulate(a.seed, a.agents, steps=600):
        label = str(rng.choice(["Pedestrian"] * 6 + ["Biker"] * 2 + ["Skater", "Cart"]))
        scale = {"Biker": 3.2, "Skater": 2.0, "Cart": 1.8}.get(label, 1.0)
        xy = w.xy[0] + (w.xy - w.xy[0]) * scale  # faster movers: the same path, stretched
        t = np.arange(len(xy)) * DT
        fine = np.arange(0, t[-1], 1 / FPS)
        fx, fy = np.interp(fine, t, xy[:, 0]), np.interp(fine, t, xy[:, 1])
        half = {"Cart": 30, "Car": 50}.get(label, 12)
        f0 = int(round(w.t0 * DT * FPS))
        for k in range(len(fine)):
            cx, cy = fx[k] * PX_PER_M + 100, fy[k] * PX_PER_M + 100
            gen = int(k % 9 == 4)
            occl = int(rng.random() < 0.02)
            rows.append((f0 + k, w.ped - 1, cx, cy, half, 0, occl, gen, label))
        rows.append((f0 + len(fine), w.ped - 1, cx, cy, half, 1, 0, 0, label))
    rows.sort(key=lambda r: (r[1], r[0]))
    path = a.out / "annotations.txt"
    with open(path, "w") as f:
        for frame, tid, cx, cy, half, lost, occl, gen, label in rows:
            x0, y0, x1, y1 = (int(cx - half), int(cy - half), int(cx + half), int(cy + half))
            f.write(f'{tid} {x0} {y0} {x1} {y1} {frame} {lost} {occl} {gen} "{label}"\n')
    print(path)


if __name__ == "__main__":
    main()
