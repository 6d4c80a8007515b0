"""A seeded match in a TRACAB-like `.dat` layout (sports37), written from the published layout
(never copied data): one line per frame at 25 Hz,

  <frame>:<team>,<target id>,<jersey>,<x>,<y>,<speed>;<team>,...;:<x>,<y>,<z>,<speed>,<owner>,<status>;:

team 1 home, 0 away, 3 a referee; x / y integer centimetres from the centre spot; speed m/s;
the ball's owner H / A and status Alive / Dead. Frame numbers jump over half-time (the second
half starts 15 min of frames later), as a feed's do; the period is in a separate metadata file
this layout does not include. truth/players.csv as _match.py.
"""

from __future__ import annotations

import numpy as np
from _match import AWAY, HOME, HZ, PITCH_X, PITCH_Y, parsed, write_truth

FIRST_FRAME = 10_000
BREAK_S = 15 * 60


def main() -> None:
    args, tracks = parsed(__doc__)
    frame = FIRST_FRAME
    ids = [(1, k + 1, j) for k, j in enumerate(HOME)] + [(0, 12 + k, j) for k, j in enumerate(AWAY)]
    with (args.out / "match_tracab.dat").open("w") as f:
        for period, tr in enumerate(tracks, start=1):
            if period == 2:
                frame += int(BREAK_S * HZ)
            speed = np.vstack([np.zeros((1, 23)), np.hypot(*np.diff(tr, axis=0).T).T * HZ])
            for i in range(len(tr)):
                cm = np.round((tr[i] - [PITCH_X / 2, PITCH_Y / 2]) * 100)
                parts = [f"{team},{tid},{jersey},{int(cm[k, 0])},{int(cm[k, 1])},{speed[i, k]:.2f}"
                         for k, (team, tid, jersey) in enumerate(ids)]  # fmt: skip
                parts.append(f"3,99,0,{int(cm[10, 0]) // 2},{int(cm[10, 1]) // 2},0.00")  # referee
                bx, by = cm[22]
                alive = not np.isnan(bx)
                ball = (f"{int(bx)},{int(by)},0,{speed[i, 22]:.2f},H,Alive" if alive
                        else "0,0,0,0.00,H,Dead")  # fmt: skip
                f.write(f"{frame}:{';'.join(parts)};:{ball};:\n")
                frame += 1
    write_truth(args.out, tracks)
    print(f"wrote {args.out}/match_tracab.dat, truth/players.csv")


if __name__ == "__main__":
    main()
