"""subsec38b: the 0.4-s plaza file (gen_ethucy.py: `frame ped x y`, a frame every 0.04 s, a fix
every 10 frames) at other steps, to tell a step-scaling bug from what the data allow:
  OUT/plaza_0p8.txt   every second fix: uniform 0.8-s steps (ingest with --sub-second)
  OUT/plaza_1s.txt    each walker linearly interpolated at whole seconds: uniform 1-s steps
                      (a whole-second ingest keeps them all; the plain whole-second ingest of the
                      0.4-s file keeps the earliest fix of each second: real steps of 1.2 / 0.8 s
                      stored as 1 s)
    python scripts/subsec38b/resample.py RAW/biwi_plaza.txt OUT"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

FPS = 25  # the file's frame rate: a fix every 10 frames is 0.4 s


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    a = np.loadtxt(src)  # frame ped x y
    rows_08, rows_1 = [], []
    for ped in np.unique(a[:, 1]):
        w = a[a[:, 1] == ped]
        w = w[np.argsort(w[:, 0])]
        rows_08.extend(w[::2].tolist())
        t = w[:, 0] / FPS
        whole = np.arange(np.ceil(t[0]), np.floor(t[-1]) + 1)
        x, y = np.interp(whole, t, w[:, 2]), np.interp(whole, t, w[:, 3])
        rows_1.extend([[s * FPS, ped, xi, yi] for s, xi, yi in zip(whole, x, y, strict=True)])
    for name, rows in (("plaza_0p8.txt", rows_08), ("plaza_1s.txt", rows_1)):
        rows.sort()
        body = "".join(f"{f:.1f}\t{p:.1f}\t{x:.2f}\t{y:.2f}\n" for f, p, x, y in rows)
        (out / name).write_text(body)
        print(out / name, len(rows))


if __name__ == "__main__":
    main()
