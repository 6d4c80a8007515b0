"""recfall28: a second confirmation set of small stores at seeds no study had used (fewtrip27's
generator: heldout26's eight kinds at seeds 10-13, movers16's twelve kinds at 36 trips, seeds 6-9
= generator seeds 276-279), fixed before it was read; each raw file through `trajlm data ingest
FILE --out STORE` with no options (recfall27's fresh set used seeds 8-9 / 4-5).

    PYTHONPATH=$PWD python scripts/recfall28/gen_fresh.py
    # -> $RECFALL28/fresh/{raw,stores} (default /tmp/recfall28/fresh); then
    RECFALL28=/tmp/recfall28/fresh PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py errs \\
        /tmp/recfall28/fresh/stores/*
    RECFALL28=/tmp/recfall28/fresh PYTHONPATH=$PWD python scripts/recfall28/gap_rules.py all
"""

import importlib.util
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("RECFALL28", "/tmp/recfall28")) / "fresh"


def main() -> None:
    spec = importlib.util.spec_from_file_location(
        "gen_stores", REPO / "scripts/fewtrip27/gen_stores.py"
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.OUT, gen.SEEDS26, gen.N16 = OUT, range(10, 14), {36: range(6, 10)}
    gen.main()


if __name__ == "__main__":
    main()
