"""Read set 40 with the current code (ask40) and score it against $ASK40_OUT/truth.json:
python scripts/ask40/read.py NAME  -> $ASK40_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): F the tractors
(Europe/London), N the Lagos school buses (Africa/Lagos), D the drones (Australia/Perth), C the insurer's vans
(Europe/London). Verdicts as scripts/ask37/read.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK40_OUT", "/tmp/ask40"))


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "F": Asker(OUT / "tractors_store", tz="Europe/London"),
        "N": Asker(OUT / "buses_store", tz="Africa/Lagos"),
        "D": Asker(OUT / "flights_store", tz="Australia/Perth"),
        "C": Asker(OUT / "vans_store", tz="Europe/London"),
    }


if __name__ == "__main__":
    read_set(OUT, sys.argv[1], askers(), Q)
