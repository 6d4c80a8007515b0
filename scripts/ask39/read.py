"""Read set 39 with the current code (ask39) and score it against $ASK39_OUT/truth.json:
python scripts/ask39/read.py NAME  -> $ASK39_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): R the Kruger collars
(Africa/Johannesburg), I the Bengaluru riders (Asia/Kolkata), T the teenager's phone (Europe/Dublin), H the lorries
(Europe/London). Verdicts as scripts/ask37/read.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK39_OUT", "/tmp/ask39"))


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "R": Asker(OUT / "kruger_store", tz="Africa/Johannesburg"),
        "I": Asker(OUT / "orders_store", tz="Asia/Kolkata"),
        "T": Asker(OUT / "teen_store", tz="Europe/Dublin"),
        "H": Asker(OUT / "lorries_store", tz="Europe/London"),
    }


if __name__ == "__main__":
    read_set(OUT, sys.argv[1], askers(), Q)
