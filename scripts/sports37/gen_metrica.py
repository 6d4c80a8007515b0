"""A seeded match in Metrica Sports' open-data tracking layout (sports37): two CSVs,
`Sample_Game_RawTrackingData_Home_Team.csv` and `..._Away_Team.csv`, written from the layout as
published (never copied data):

  line 1  ,,,Home,,Home,,...,,          the team over each player's x column
  line 2  ,,,11,,1,,...,,               the jersey number over each player's x column
  line 3  Period,Frame,Time [s],Player11,,Player1,,...,Ball,
  rows    1,1,0.04,0.00082,0.48238,...  x / y of each player normalised 0-1 of the pitch (origin
                                        top left, y down), NaN when not on the pitch; the ball
                                        the last pair, in both files

Frames run on at 25 Hz through half-time (Metrica's frames have no break): only `Period` tells
the halves apart. A substitute's pair is NaN until he comes on. truth/players.csv as _match.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from _match import AWAY, HOME, HZ, PITCH_X, PITCH_Y, parsed, write_truth

SUB = (9, 14)  # home 9 off, 14 on, 40 % into the second half


def _team_file(path: Path, team: str, numbers: list[int], cols: slice, tracks, sub: bool) -> None:
    jerseys = [*numbers, SUB[1]] if sub else list(numbers)
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["", "", "", *[c for _ in jerseys for c in (team, "")], "", ""])
        w.writerow(["", "", "", *[c for j in jerseys for c in (str(j), "")], "", ""])
        w.writerow(["Period", "Frame", "Time [s]", *[c for j in jerseys for c in (f"Player{j}", "")],
                    "Ball", ""])  # fmt: skip
        frame = 0
        for period, tr in enumerate(tracks, start=1):
            n = len(tr)
            for i in range(n):
                frame += 1
                p = tr[i, cols].copy()
                extra = np.full((1, 2), np.nan)
                if sub and period == 2 and i >= int(0.4 * n):
                    k = numbers.index(SUB[0])
                    extra[0] = p[k]
                    p[k] = np.nan
                movers = np.vstack([p, extra]) if sub else p
                movers = np.vstack([movers, tr[i, 22:23]])
                nx, ny = movers[:, 0] / PITCH_X, 1.0 - movers[:, 1] / PITCH_Y
                cells = [
                    "NaN" if np.isnan(v) else f"{v:.5f}"
                    for xy in zip(nx, ny, strict=True)
                    for v in xy
                ]
                w.writerow([period, frame, f"{frame / HZ:.2f}", *cells])


def main() -> None:
    args, tracks = parsed(__doc__)
    stem = "Sample_Game_RawTrackingData"
    _team_file(args.out / f"{stem}_Home_Team.csv", "Home", HOME, slice(0, 11), tracks, sub=True)
    _team_file(args.out / f"{stem}_Away_Team.csv", "Away", AWAY, slice(11, 22), tracks, sub=False)
    write_truth(args.out, tracks)
    print(f"wrote {args.out}/{stem}_Home_Team.csv, _Away_Team.csv, truth/players.csv")


if __name__ == "__main__":
    main()
