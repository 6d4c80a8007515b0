"""Read set 27 with the current code (ask27) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask27/read.py NAME  -> $ASK27_OUT/NAME.txt / NAME.json.
Store C is asked with tz="America/Chicago" (the CLI's `--tz America/Chicago`).
Verdicts: right / refused (an answerable question refused) / WRONG / judge (read by hand) / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK27_OUT", "/tmp/ask27"))


def main(name: str) -> None:
    askers = {
        "A": Asker(OUT / "apron_store"),
        "B": Asker(OUT / "vests_store"),
        "C": Asker(OUT / "harvest_store", tz="America/Chicago"),
        "D": Asker(OUT / "lifeboat_store"),
    }
    read_set(OUT, name, askers, Q)


if __name__ == "__main__":
    main(sys.argv[1])
