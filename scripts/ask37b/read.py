"""Read ask37b's fresh set with the current code and score it against $ASK37_OUT/truth37b.json:
python scripts/ask37b/read.py NAME  -> $ASK37_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): A the school buses
(America/Denver), B the street sweepers (Europe/Vienna), C the telematics (Australia/Melbourne), P sports37's
TRACAB pitch store ($ASK37B_PITCH_STORE, default /tmp/ask37b/pitch_store; ingested with --time-origin
2026-11-28T15:00Z, read in UTC). Verdicts as scripts/ask37/read.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK37_OUT", "/tmp/ask37"))
PITCH = Path(os.environ.get("ASK37B_PITCH_STORE", "/tmp/ask37b/pitch_store"))


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "A": Asker(OUT / "schoolbus_store", tz="America/Denver"),
        "B": Asker(OUT / "sweepers_store", tz="Europe/Vienna"),
        "C": Asker(OUT / "telematics_store", tz="Australia/Melbourne"),
        "P": Asker(PITCH),
    }


if __name__ == "__main__":
    read_set(OUT, sys.argv[1], askers(), Q, truth_file="truth37b.json")
