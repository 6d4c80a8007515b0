"""A TrajNet++-style `.ndjson` file (newuser37): one JSON object a line, `{"scene": {"id", "p"
(the primary pedestrian), "s", "e" (first / last frame), "fps": 2.5, "tag"}}` lines first, then
`{"track": {"f": frame, "p": ped, "x": m, "y": m}}` lines, frames every 10 (0.4 s).

    python scripts/newuser37/gen_trajnetpp.py --out /tmp/newuser37/raw --seed 38"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _walkers import parse_args, simulate  # noqa: E402


def main() -> None:
    a = parse_args(__doc__, 38)
    walkers = simulate(a.seed, a.peds)
    tracks = []
    for w in walkers:
        for k, (x, y) in enumerate(w.xy):
            tracks.append(((w.t0 + k) * 10, w.ped, round(float(x), 2), round(float(y), 2)))
    tracks.sort()
    lines = []
    for sid, w in enumerate(w for w in walkers if len(w.xy) >= 20):
        s = w.t0 * 10
        scene = {"id": sid, "p": w.ped, "s": s, "e": s + 190, "fps": 2.5, "tag": [1, []]}
        lines.append(json.dumps({"scene": scene}))
    for f, p, x, y in tracks:
        lines.append(json.dumps({"track": {"f": f, "p": p, "x": x, "y": y}}))
    path = a.out / "plaza_trajnetpp.ndjson"
    path.write_text("\n".join(lines) + "\n")
    print(path)


if __name__ == "__main__":
    main()
