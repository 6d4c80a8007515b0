"""Read set 40b with the current code (ask40b) and score it against $ASK40B_OUT/truth.json:
python scripts/ask40b/read.py NAME  -> $ASK40B_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): T the Dublin cabs (Europe/Dublin),
K the Cape Town trucks (Africa/Johannesburg), E the elephants (Africa/Gaborone), H the Queenstown helicopters
(Pacific/Auckland). Verdicts as scripts/ask37/read.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK40B_OUT", "/tmp/ask40b"))


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "T": Asker(OUT / "cabs_store", tz="Europe/Dublin"),
        "K": Asker(OUT / "trucks_store", tz="Africa/Johannesburg"),
        "E": Asker(OUT / "elephants_store", tz="Africa/Gaborone"),
        "H": Asker(OUT / "helis_store", tz="Pacific/Auckland"),
    }


if __name__ == "__main__":
    read_set(OUT, sys.argv[1], askers(), Q)
