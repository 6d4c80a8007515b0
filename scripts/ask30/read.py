"""Read set 30 with the current code (ask30) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask30/read.py NAME  -> $ASK30_OUT/NAME.txt / NAME.json.
Store C is asked with tz="Europe/Paris" (the CLI's `--tz Europe/Paris`); A and B were ingested with their
local zones (their stores keep the zone).
Verdicts: right / refused (an answerable question refused) / WRONG / judge (read by hand) / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK30_OUT", "/tmp/ask30"))


def main(name: str) -> None:
    askers = {
        "A": Asker(OUT / "vineyard_store"),
        "B": Asker(OUT / "gritters_store"),
        "C": Asker(OUT / "rebalancing_store", tz="Europe/Paris"),
    }
    read_set(OUT, name, askers, Q)


if __name__ == "__main__":
    main(sys.argv[1])
