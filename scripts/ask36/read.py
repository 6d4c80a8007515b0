"""Read set 36 with the current code (ask36) and score it against truth.json:
python scripts/ask36/read.py NAME  -> $ASK36_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): A the harbour ferries
(Europe/Helsinki), B the taxis (no tz: naive local times), C the commuter's phone (America/Toronto), D / N set
35's van week (Europe/London); the leftovers: P set 35's bus AVL (America/Edmonton), R set 35's runners
(Europe/Berlin), F set 33's fleet (America/Chicago).
Verdicts: right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / partial / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK36_OUT", "/tmp/ask36"))
OUT35 = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))
OUT33 = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    vans = Asker(OUT35 / "vans_store", tz="Europe/London")
    return {
        "A": Asker(OUT / "ferries_store", tz="Europe/Helsinki"),
        "B": Asker(OUT / "taxis_store"),
        "C": Asker(OUT / "phone_store", tz="America/Toronto"),
        "D": vans,
        "N": vans,
        "P": Asker(OUT35 / "avl_store", tz="America/Edmonton"),
        "R": Asker(OUT35 / "runs_store", tz="Europe/Berlin"),
        "F": Asker(OUT33 / "fleet_store", tz="America/Chicago"),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
