"""Read set 32 with the current code (ask32) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask32/read.py NAME  -> $ASK32_OUT/NAME.txt / NAME.json.
A is asked with tz="Europe/Berlin" (the CLI's --tz), B with tz="Europe/Helsinki", C with tz="Europe/Amsterdam";
D was ingested with its local zone (the store keeps it); E and F are the real Porto and GeoLife stores
($ASK32_STORES, default /tmp/stores), UTC. Verdicts: right / refused (an answerable question refused) / WRONG /
WRONG? (read by hand) / partial (a yes / no question answered by a list without yes or no) / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK32_OUT", "/tmp/ask32"))
STORES = Path(os.environ.get("ASK32_STORES", "/tmp/stores"))


def askers() -> dict:
    """The six stores' askers, by the questions' letters."""
    return {
        "A": Asker(OUT / "parcels_store", tz="Europe/Berlin"),
        "B": Asker(OUT / "mobility_store", tz="Europe/Helsinki"),
        "C": Asker(OUT / "harbour_store", tz="Europe/Amsterdam"),
        "D": Asker(OUT / "club_store"),
        "E": Asker(STORES / "porto"),
        "F": Asker(STORES / "geolife"),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
