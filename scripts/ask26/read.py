"""Read set 26 with the current code (ask26) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask26/read.py NAME  -> $ASK26_OUT/NAME.txt / NAME.json.
Store C is asked with tz="Africa/Nairobi" (the CLI's `--tz Africa/Nairobi`)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK26_OUT", "/tmp/ask26"))
TIGHT = {
    "A3",
    "A15",
    "B10",
    "B18",
    "C7",
    "C14",
}  # per-day km where split and start-day readings differ by ~1 %


def main(name: str) -> None:
    askers = {
        "A": Asker(OUT / "amb_store"),
        "B": Asker(OUT / "diary_store"),
        "C": Asker(OUT / "boda_store", tz="Africa/Nairobi"),
    }
    read_set(OUT, name, askers, Q, TIGHT)


if __name__ == "__main__":
    main(sys.argv[1])
