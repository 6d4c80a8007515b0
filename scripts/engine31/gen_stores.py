"""engine31: fresh small stores for choosing the engine that answers in the model's place
(docs/generalization.md "Session 31 (engine31)"). Measures nothing itself.

The same generators as fewtrip27 (scripts/fewtrip27/gen_stores.py) at seeds no session used
(fewtrip27's test splits were read for its own rule): heldout26's eight kinds at SEEDS26
(rng 2700 + 100 * seed + kind index), movers16's twelve kinds at 36 trips, generator seeds
274-277, and heldout27-30's eight kinds each at rng ``31000 + 100 * set + kind index``. Each raw
file goes through `trajlm data ingest FILE --out STORE` with no options (a store the file does
not read into without options is left out, said).

    python scripts/engine31/gen_stores.py     # -> $ENGINE31/{raw,stores} (default /tmp/engine31)
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("ENGINE31", "/tmp/engine31"))
SEEDS26 = range(8, 10)  # fewtrip27 used 0-7
SEEDS16 = (274, 275, 276, 277)  # fewtrip27 used 270-273 (36 trips) and 280-281 (72)
HELDOUT = (27, 28, 29, 30)


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_e31", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parents[1]))
    spec.loader.exec_module(mod)
    return mod


def ingest(raw: Path, store: Path) -> None:
    """`trajlm data ingest RAW --out STORE`, no options, run in this process (the CLI's own
    command through its runner: a process per file spent most of its time importing)."""
    from typer.testing import CliRunner

    from trajlm.cli import app

    if store.exists() and any(store.iterdir()):
        return
    r = CliRunner().invoke(app, ["data", "ingest", str(raw), "--out", str(store)])
    print(store.name, "rc", r.exit_code, r.output.strip().splitlines()[-1:], flush=True)


def _sets(mod, raw: Path, seed0: int, tag: str, stores: Path) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for i, make in enumerate(mod.SETS):
        if not any(p.stem.startswith(make.__name__) for p in raw.iterdir()):
            make(np.random.default_rng(seed0 + i), raw)
        for f in sorted(raw.iterdir()):
            if f.stem.startswith(make.__name__):
                ingest(f, stores / f"{make.__name__}{tag}")


def main() -> None:
    stores = OUT / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    gen16 = REPO / "scripts/movers16_gen.py"  # the cheapest first (the box is shared)
    kinds = list(_module(gen16).KINDS)
    for seed in SEEDS16:
        raw = OUT / "raw" / f"m16_s{seed}"
        if not (raw / "kinds.json").exists():
            subprocess.run([sys.executable, str(gen16), "--seed", str(seed), "--out", str(raw),
                            "--n", "36"], check=True)  # fmt: skip
        for kind in kinds:
            ingest(raw / f"{kind}.csv", stores / f"{kind}_s{seed}")
    gen26 = _module(REPO / "scripts/heldout26/gen.py")
    for seed in SEEDS26:
        _sets(gen26, OUT / "raw" / f"h26_s{seed}", 2700 + 100 * seed, f"_s{seed}", stores)
    for h in HELDOUT:
        gen = _module(REPO / f"scripts/heldout{h}/gen.py")
        _sets(gen, OUT / "raw" / f"h{h}", 31000 + 100 * h, f"_h{h}", stores)


if __name__ == "__main__":
    main()
