"""Read set 37 with the current code (ask37) and score it against truth.json:
python scripts/ask37/read.py NAME  -> $ASK37_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): A the school buses
(America/Denver), B the street sweepers (Europe/Vienna), C the insurer's telematics (Australia/Melbourne); the
leftovers: H set 36's ferries (Europe/Helsinki), R set 35's runners (Europe/Berlin).
Verdicts: right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / partial / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK37_OUT", "/tmp/ask37"))
OUT36 = Path(os.environ.get("ASK36_OUT", "/tmp/ask36"))
OUT35 = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "A": Asker(OUT / "schoolbus_store", tz="America/Denver"),
        "B": Asker(OUT / "sweepers_store", tz="Europe/Vienna"),
        "C": Asker(OUT / "telematics_store", tz="Australia/Melbourne"),
        "H": Asker(OUT36 / "ferries_store", tz="Europe/Helsinki"),
        "R": Asker(OUT35 / "runs_store", tz="Europe/Berlin"),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
