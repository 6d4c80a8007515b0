"""Read set 31 with the current code (ask31) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask31/read.py NAME  -> $ASK31_OUT/NAME.txt / NAME.json.
A is asked with tz="Europe/Dublin" (the CLI's --tz), C with tz="Europe/Amsterdam"; B was ingested with its local
zone (the store keeps it); D and E are the real Porto and GeoLife stores ($ASK31_STORES, default /tmp/stores), UTC.
Verdicts: right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK31_OUT", "/tmp/ask31"))
STORES = Path(os.environ.get("ASK31_STORES", "/tmp/stores"))


def askers() -> dict:
    """The five stores' askers, by the questions' letters (para.py asks them too)."""
    return {
        "A": Asker(OUT / "parking_store", tz="Europe/Dublin"),
        "B": Asker(OUT / "roadside_store"),
        "C": Asker(OUT / "dogs_store", tz="Europe/Amsterdam"),
        "D": Asker(STORES / "porto"),
        "E": Asker(STORES / "geolife"),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
