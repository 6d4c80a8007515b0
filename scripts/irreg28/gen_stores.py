"""irreg28: small irregular stores (3-4 val trips, train p90 / p10 of report intervals over 4)
for the prediction verdict's small-val rule asked at report times (docs/generalization.md
"Session 28 (irreg28)"). Measures nothing itself.

Kinds: movers16's twelve (scripts/movers16_gen.py ``sim``, 36 trips) simulated at 4x their
fixes and thinned to irregular reports (gaps of 1, 2, 3, 5 or 8 simulated fixes: AIS-like
bursts and silences), and heldout24's Pacific ships (scripts/ships25/gen_ships.py, 18 ships,
natively 1-30 min reports; positions only, as irreg27's ships84pos). Each raw CSV goes through
`trajlm data ingest FILE --out STORE` (ships: ``--traj-col IMO``, as irreg27).

    python scripts/irreg28/gen_stores.py     # -> $IRREG28/{raw,stores} (default /tmp/irreg28)
"""

import importlib.util
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("IRREG28", "/tmp/irreg28"))
SEEDS_MOVERS, SEEDS_SHIPS = range(6), range(6)
N_TRIPS, FINE = 36, 4  # trips per movers store; simulated fixes per kept fix, on average
GAPS, P_GAPS = [1, 2, 3, 5, 8], [0.3, 0.25, 0.2, 0.15, 0.1]


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ingest(raw: Path, store: Path, *options: str) -> None:
    if store.exists() and any(store.iterdir()):
        return
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [str(REPO / ".venv/bin/trajlm"), "data", "ingest", str(raw), "--out", str(store),
           *options]  # fmt: skip
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    print(store.name, "rc", r.returncode, (r.stderr or r.stdout).strip().splitlines()[-1:],
          flush=True)  # fmt: skip


def movers(seed: int, raw: Path) -> list[tuple[str, Path]]:
    gen = _module(REPO / "scripts/movers16_gen.py")
    gen.NPTS = 30 * FINE  # sim reads it at call time
    out = []
    for ki, (name, k) in enumerate(gen.KINDS.items()):
        path = raw / f"{name}.csv"
        out.append((name, path))
        if path.exists():
            continue
        rng = np.random.default_rng([2800 + seed, ki])
        rows = []
        base = pd.Timestamp("2025-02-10 03:00", tz="UTC")
        for j in range(N_TRIPS):
            ts, lat, lon = gen.sim(rng, k)
            keep = np.cumsum(rng.choice(GAPS, size=len(ts), p=P_GAPS))
            keep = np.r_[0, keep[keep < len(ts)]]
            start = base + pd.Timedelta(seconds=int(rng.integers(0, 30 * 86400)))
            tt = start + pd.to_timedelta(np.round(ts[keep], 3), unit="s")
            rows += [(f"{name}_{seed}_{j:03d}", t.isoformat(), la, lo)
                     for t, la, lo in zip(tt, lat[keep], lon[keep], strict=True)]  # fmt: skip
        pd.DataFrame(rows, columns=["track_id", "timestamp", "latitude", "longitude"]).to_csv(
            path, index=False
        )
    return out


def ships(seed: int, raw: Path) -> Path:
    path = raw / "ships.csv"
    if not path.exists():
        gen = _module(REPO / "scripts/ships25/gen_ships.py")
        full = raw / "ships_sogcog.csv"
        gen.ships(np.random.default_rng(2850 + seed), 18, str(full))
        df = pd.read_csv(full, sep=";")
        df.iloc[:, :5].to_csv(path, sep=";", index=False)  # positions only (ships84pos)
    return path


def main() -> None:
    stores = OUT / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS_MOVERS:
        raw = OUT / "raw" / f"movers_s{seed}"
        raw.mkdir(parents=True, exist_ok=True)
        for name, path in movers(seed, raw):
            ingest(path, stores / f"{name}_s{seed}")
    for seed in SEEDS_SHIPS:
        raw = OUT / "raw" / f"ships_s{seed}"
        raw.mkdir(parents=True, exist_ok=True)
        ingest(ships(seed, raw), stores / f"ships_s{seed}", "--traj-col", "IMO")


if __name__ == "__main__":
    main()
