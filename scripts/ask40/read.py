"""Read set 40 with the current code (ask40) and score it against $ASK40_OUT/truth.json:
python scripts/ask40/read.py NAME  -> $ASK40_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): S the snowcats
(America/Vancouver), C the e-bikes (Europe/Amsterdam), V the research vessel (UTC), A the Sydney courier
(Australia/Sydney). Verdicts as scripts/ask37/read.py."""

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
        "S": Asker(OUT / "snowcats_store", tz="America/Vancouver"),
        "C": Asker(OUT / "ebikes_store", tz="Europe/Amsterdam"),
        "V": Asker(OUT / "vessel_store", tz="UTC"),
        "A": Asker(OUT / "drops_store", tz="Australia/Sydney"),
    }


if __name__ == "__main__":
    read_set(OUT, sys.argv[1], askers(), Q)
