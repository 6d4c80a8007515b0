"""The seeded match both sports37 generators write (players' motion from newuser36's generator,
scripts/newuser36/gen_match.py): two halves at 25 Hz on a 105 x 68 m pitch, x / y in metres
from a corner, and the truth per player and half (distance, sprints >= 7 m/s held >= 1 s, top
speed) computed at 25 Hz, which `ask` should answer."""

from __future__ import annotations

import argparse
import csv
import importlib.util
from pathlib import Path

import numpy as np

_GEN = Path(__file__).resolve().parents[1] / "newuser36" / "gen_match.py"
_spec = importlib.util.spec_from_file_location("gen_match36", _GEN)
gen36 = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(gen36)  # type: ignore[union-attr]

HZ = 25.0
PITCH_X, PITCH_Y = gen36.PITCH_X, gen36.PITCH_Y
HOME, AWAY = gen36.HOME_NUMBERS, gen36.AWAY_NUMBERS


def halves(seed: int, minutes: float) -> list[np.ndarray]:
    """Two halves, each (frames, 23, 2) metres from the corner (column 22: the ball, NaN when
    out of play); the home team attacks +x in the first half."""
    rng = np.random.default_rng(seed)
    n = int(minutes * 60 * HZ)
    return [gen36._simulate_half(rng, n, HZ, True), gen36._simulate_half(rng, n, HZ, False)]


def write_truth(out: Path, tracks: list[np.ndarray]) -> None:
    """truth/players.csv: half, player (Home_11 / Away_25), distance_m, sprints, top speed."""
    (out / "truth").mkdir(parents=True, exist_ok=True)
    names = [f"Home_{k}" for k in HOME] + [f"Away_{k}" for k in AWAY]
    with open(out / "truth" / "players.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["half", "player", "distance_m", "sprints_over_7mps", "top_speed_mps"])
        for half, tr in enumerate(tracks, start=1):
            for name, (dist, sprints, top) in zip(names, gen36._truth(tr, HZ), strict=True):
                w.writerow([half, name, f"{dist:.1f}", sprints, f"{top:.2f}"])


def parsed(doc: str) -> tuple[argparse.Namespace, list[np.ndarray]]:
    """A generator's options (--out, --minutes per half, --seed) and its match's two halves;
    --out created."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--minutes", type=float, default=10.0, help="minutes per half")
    ap.add_argument("--seed", type=int, default=37)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args, halves(args.seed, args.minutes)
