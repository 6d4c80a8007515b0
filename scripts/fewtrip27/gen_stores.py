"""fewtrip27: a benchmark of small held-out stores (3-4 val trips each) from the repo's seeded
generators, for choosing the answering engine on a few val trips (docs/generalization.md
"Session 27 (fewtrip27)"). Measures nothing itself.

Stores: heldout26's eight kinds (scripts/heldout26/gen.py: raw files in their own layouts) at
SEEDS26 fresh seeds (rng 2700 + 100 * seed + kind index; heldout26 used 2600 + kind index), and
movers16's twelve kinds (scripts/movers16_gen.py, 36 trips of 30 fixes) at SEEDS16 seeds
(generator seeds 270+), and the same kinds at 72 trips (seeds 280+) (7-8 val trips: where the rule's reach
above 3-4 val trips is checked). Each raw file goes through `trajlm data ingest FILE --out STORE` with no
options (as a new user's first read; heldout26's fixes made all eight read).

    python scripts/fewtrip27/gen_stores.py          # -> $FEWTRIP27/{raw,stores} (default /tmp/fewtrip27)
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27"))
SEEDS26, SEEDS16 = range(8), range(4)
N16 = {36: SEEDS16, 72: range(2)}  # trips per movers16 store: 36 -> 3-4 val trips, 72 -> 7-8


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ingest(raw: Path, store: Path) -> None:
    if (store / "manifest.json").exists() or store.exists() and any(store.iterdir()):
        return
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [str(REPO / ".venv/bin/trajlm"), "data", "ingest", str(raw), "--out", str(store)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    print(
        store.name, "rc", r.returncode, (r.stderr or r.stdout).strip().splitlines()[-1:], flush=True
    )


def main() -> None:
    stores = OUT / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    gen26 = _module(REPO / "scripts/heldout26/gen.py")
    for seed in SEEDS26:
        raw = OUT / "raw" / f"h26_s{seed}"
        raw.mkdir(parents=True, exist_ok=True)
        for i, make in enumerate(gen26.SETS):
            before = set(raw.iterdir())
            if not any(p.stem.startswith(make.__name__) for p in before):
                make(np.random.default_rng(2700 + 100 * seed + i), raw)
            for f in sorted(raw.iterdir()):
                if f.stem.startswith(make.__name__):
                    ingest(f, stores / f"{make.__name__}_s{seed}")
    gen16 = REPO / "scripts/movers16_gen.py"
    kinds = list(_module(gen16).KINDS)
    for n, seeds in N16.items():
        for seed in seeds:
            tag = "" if n == 36 else f"_n{n}"
            raw = OUT / "raw" / f"m16{tag}_s{seed}"
            if not (raw / "kinds.json").exists():
                subprocess.run([sys.executable, str(gen16), "--seed", str(270 + seed + (0 if n == 36 else 10)), "--out",
                                str(raw), "--n", str(n)], check=True)  # fmt: skip
            for kind in kinds:
                ingest(raw / f"{kind}.csv", stores / f"{kind}{tag}_s{seed}")


if __name__ == "__main__":
    main()
