"""recfall27: a confirmation set of small stores at seeds fewtrip27's benchmark did not use
(fewtrip27's generator: heldout26's eight kinds at seeds 8-9, movers16's twelve kinds at 36 trips,
seeds 4-5, generator seeds 274-275), fixed before it was read; each raw file through
`trajlm data ingest FILE --out STORE` with no options.

    PYTHONPATH=$PWD python scripts/recfall27/gen_fresh.py
    # -> $RECFALL27/fresh/{raw,stores} (default /tmp/recfall27/fresh); then
    RECFALL27=/tmp/recfall27/fresh PYTHONPATH=$PWD python scripts/recfall27/interp_errors.py \\
        /tmp/recfall27/fresh/stores/*
"""

import importlib.util
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("RECFALL27", "/tmp/recfall27")) / "fresh"


def generate(out: Path, seeds26: range, n16: dict[int, range]) -> None:
    """fewtrip27's generator into ``out``/{raw,stores}: heldout26's kinds at ``seeds26``,
    movers16's at ``n16`` ({trips: seeds}); recfall28's fresh set is made through it too."""
    spec = importlib.util.spec_from_file_location(
        "gen_stores", REPO / "scripts/fewtrip27/gen_stores.py"
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.OUT, gen.SEEDS26, gen.N16 = out, seeds26, n16
    gen.main()


def main() -> None:
    generate(OUT, range(8, 10), {36: range(4, 6)})


if __name__ == "__main__":
    main()
