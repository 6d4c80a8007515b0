"""Read set 29 with the current code (ask29) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask29/read.py NAME  -> $ASK29_OUT/NAME.txt / NAME.json.
Store B is asked with tz="America/Toronto" (the CLI's `--tz America/Toronto`).
Verdicts: right / refused (an answerable question refused) / WRONG / judge (read by hand) / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK29_OUT", "/tmp/ask29"))


def main(name: str) -> None:
    askers = {
        "A": Asker(OUT / "piste_store"),
        "B": Asker(OUT / "hospital_store", tz="America/Toronto"),
        "C": Asker(OUT / "marathon_store"),
    }
    read_set(OUT, name, askers, Q)


if __name__ == "__main__":
    main(sys.argv[1])
