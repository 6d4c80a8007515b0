"""A week of tram and bus AVL from Trondheim, as the operator's export would give it (seeded).

Session 39 (newuser39): a mobility researcher's own feed, not copied from any shared data.
Nine lines (one tram, eight buses) run fixed routes through the city centre between two
termini, stop at every stop (dwell 5-45 s), and report every 10, 15, 20 or 30 s (per vehicle,
with jitter). The export is what a Norwegian operator's system writes: `;`-separated, decimal
commas, the vehicle's wall-clock time as `dd.mm.yyyy HH:MM:SS` with no zone (Europe/Oslo;
the week spans the switch to summer time on Sunday 29 March 2026), Norwegian column names
(`tur_id` = one run of a line from terminus to terminus, `vognnr` = vehicle number, `linje`,
`tidspunkt`, `breddegrad`, `lengdegrad`). Defects: ~3 % of runs lose the modem for 2-6 min
(a gap), ~0.2 % of fixes jump 1-4 km (a bad fix), a few fixes are `0,0`.

    python scripts/newuser39/gen_trondheim_avl.py OUT.csv --seed 0 [--days 7]
"""

from __future__ import annotations

import argparse
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

LAT0, LON0 = 63.4305, 10.3951  # Trondheim torg
M_PER_DEG = 111_320.0
LINES = ["1", "2", "3", "10", "11", "12", "20", "22", "T"]  # "T": the Gråkallbanen tram


def line_route(rng: np.random.Generator, length_m: float) -> np.ndarray:
    """A smooth polyline (x, y metres about the centre) through the centre, ~length_m long."""
    heading = rng.uniform(0, 2 * math.pi)
    half = []
    for sign in (1.0, -1.0):  # two arms out of the centre
        h = heading if sign > 0 else heading + math.pi + rng.normal(0, 0.5)
        p, pts = np.zeros(2), [np.zeros(2)]
        for _ in range(int(length_m / 2 / 50)):
            h += rng.normal(0, 0.12)
            p = p + 50.0 * np.array([math.cos(h), math.sin(h)])
            pts.append(p.copy())
        half.append(np.array(pts))
    return np.concatenate([half[1][::-1], half[0][1:]])


def run_path(route: np.ndarray, rng: np.random.Generator, tram: bool) -> tuple[np.ndarray, ...]:
    """Knots (elapsed s, distance along route) of one run: stops every ~400 m, dwell, cruise."""
    seg = np.hypot(*np.diff(route, axis=0).T)
    total = float(seg.sum())
    stops = np.cumsum(rng.uniform(300, 550, 60))
    stops = stops[stops < total - 100]
    t, s, knots_t, knots_s = 0.0, 0.0, [0.0], [0.0]
    for stop in [*stops, total]:
        cruise = rng.uniform(6.0, 11.0) if tram else rng.uniform(4.0, 12.0)  # traffic
        t += (stop - s) / cruise
        s = stop
        knots_t.append(t)
        knots_s.append(s)
        if stop < total:
            t += rng.uniform(5, 45)  # dwell
            knots_t.append(t)
            knots_s.append(s)
    return np.array(knots_t), np.array(knots_s), np.concatenate([[0.0], np.cumsum(seg)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--vehicles", type=int, default=36)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    routes = {ln: line_route(rng, rng.uniform(7000, 12000)) for ln in LINES}
    start = datetime(2026, 3, 23, 5, 30)  # Monday; summer time from Sunday 29 March 03:00
    rows, n_runs = [], 0
    for v in range(a.vehicles):
        line = LINES[v % len(LINES)]
        vognnr = (1200 if line != "T" else 90) + v
        dt_s = float(rng.choice([10.0, 15.0, 20.0, 30.0]))
        route = routes[line]
        for day in range(a.days):
            clock = start + timedelta(days=day, minutes=float(rng.uniform(0, 90)))
            end = clock.replace(hour=int(rng.choice([18, 20, 23])), minute=0)
            forward = bool(rng.integers(2))
            while clock < end:
                kt, ks, cum = run_path(route, rng, line == "T")
                st = np.arange(0.0, kt[-1], dt_s) + rng.uniform(
                    -1.5, 1.5, int(np.ceil(kt[-1] / dt_s))
                )
                st = np.clip(np.sort(st), 0.0, kt[-1])
                sd = np.interp(st, kt, ks)
                path = route if forward else route[::-1]
                x = np.interp(sd, cum, path[:, 0]) + rng.normal(0, 4.0, len(st))
                y = np.interp(sd, cum, path[:, 1]) + rng.normal(0, 4.0, len(st))
                keep = np.ones(len(st), dtype=bool)
                if rng.random() < 0.03:  # modem outage: a 2-6 min gap
                    g0 = rng.uniform(0.2, 0.7) * kt[-1]
                    keep &= ~((st > g0) & (st < g0 + rng.uniform(120, 360)))
                jump = rng.random(len(st)) < 0.002
                ang = rng.uniform(0, 2 * math.pi, jump.sum())
                r = rng.uniform(1000, 4000, jump.sum())
                x[jump] += r * np.cos(ang)
                y[jump] += r * np.sin(ang)
                lat = LAT0 + y / M_PER_DEG
                lon = LON0 + x / (M_PER_DEG * math.cos(math.radians(LAT0)))
                zero = rng.random(len(st)) < 0.0005
                lat[zero], lon[zero] = 0.0, 0.0
                tur = f"{line}-{clock:%m%d}-{vognnr}-{n_runs:05d}"
                for i in np.flatnonzero(keep):
                    when = clock + timedelta(seconds=float(st[i]))
                    la, lo = f"{lat[i]:.6f}".replace(".", ","), f"{lon[i]:.6f}".replace(".", ",")
                    rows.append(f"{tur};{vognnr};{line};{when:%d.%m.%Y %H:%M:%S};{la};{lo}")
                n_runs += 1
                clock += timedelta(seconds=float(kt[-1] + rng.uniform(180, 900)))  # layover
                forward = not forward
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w") as f:
        f.write("tur_id;vognnr;linje;tidspunkt;breddegrad;lengdegrad\n")
        f.write("\n".join(rows) + "\n")
    print(f"{a.out}: {n_runs} runs, {len(rows)} fixes, {a.vehicles} vehicles, {len(LINES)} lines")


if __name__ == "__main__":
    main()
