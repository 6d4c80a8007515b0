"""An ETH / UCY-style pedestrian file (newuser37): headerless, tab-separated `frame ped x y`,
frames every 10 of 25 fps video (0.4 s), x / y metres on the ground plane, one row per person
per annotated frame, sorted by frame (the layout the Social-GAN / Trajectron++ copies use).

    python scripts/newuser37/gen_ethucy.py --out /tmp/newuser37/raw --seed 37
writes OUT/biwi_plaza.txt (and OUT/biwi_plaza_header.txt: the same rows under a header line)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _walkers import parse_args, simulate  # noqa: E402


def rows(seed: int, n_peds: int) -> list[tuple[int, int, float, float]]:
    out = []
    for w in simulate(seed, n_peds):
        for k, (x, y) in enumerate(w.xy):
            out.append(((w.t0 + k) * 10, w.ped, round(float(x), 2), round(float(y), 2)))
    return sorted(out)


def main() -> None:
    a = parse_args(__doc__, 37)
    body = "".join(f"{f:.1f}\t{p:.1f}\t{x:.2f}\t{y:.2f}\n" for f, p, x, y in rows(a.seed, a.peds))
    (a.out / "biwi_plaza.txt").write_text(body)
    (a.out / "biwi_plaza_header.txt").write_text("frame\tped\tx\ty\n" + body)
    print(a.out / "biwi_plaza.txt")


if __name__ == "__main__":
    main()
