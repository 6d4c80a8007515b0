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

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("RECFALL28", "/tmp/recfall28")) / "fresh"
# this file runs as __main__, so `gen_fresh` below is recfall27's (the same generator call)
sys.path.insert(0, str(REPO / "scripts/recfall27"))
from gen_fresh import generate  # noqa: E402


def main() -> None:
    generate(OUT, range(10, 14), {36: range(6, 10)})


if __name__ == "__main__":
    main()
