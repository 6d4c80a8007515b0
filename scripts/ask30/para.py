"""Set 30's paraphrases (ask30): 16 NEW wordings of questions from sets 28 and 29, written and committed
before they were read (first read on main's code, then after set 30's fixes). Each asks what the earlier
question asks (its truth: the same key of that set's truth.json) or is to be refused. The earlier sets'
stores are regenerated with their own scripts under $ASK30_OUT/s28 and $ASK30_OUT/s29:
    ASK28_OUT=/tmp/ask30/s28 python scripts/ask28/gen.py && ASK28_OUT=/tmp/ask30/s28 bash scripts/ask28/ingest.sh \
      && ASK28_OUT=/tmp/ask30/s28 python scripts/ask28/truth.py      (the same with 29)
    python scripts/ask30/para.py [NAME] -> $ASK30_OUT/para.txt (NAME.txt with a name)"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK30_OUT", "/tmp/ask30"))

P = [  # (set + store, question, kind, truth key)
    ("28A", "What's the number of collection rounds RCV-12 completed on Wednesday?", "num", "A1"),
    (
        "28A",
        "On average, how fast were the lorries going on their collection rounds (km/h)?",
        "num",
        "A4",
    ),
    ("28A", "For how many hours was SWEEP-3 working on Saturday?", "num", "A8"),
    ("28B", "What distance did W1X cover on the 12th, in metres?", "num", "B10"),
    ("28B", "Give me the average outing duration in minutes", "num", "B14"),
    ("28C", "Total distance flown by the fleet on Friday the 13th, in miles?", "num", "C12"),
    ("28C", "How many sorties lasted over 20 minutes?", "num", "C9"),
    ("28C", "On average how long was a sortie, in minutes?", "num", "C5"),
    ("29A", "Count the grooming jobs PB-02 did on the night of 28 November.", "num", "A1"),
    ("29A", "What was WINCH-5's mean speed when winch grooming (km/h)?", "num", "A4"),
    ("29A", "How long was the longest transfer in km?", "num", "A9"),
    ("29B", "How many kilometres did AGV-1 travel altogether?", "num", "B14"),
    ("29B", "What was the mean duration of pharmacy jobs in minutes?", "num", "B12"),
    ("29C", "What was the mean marathon finishing time in hours?", "num", "C13"),
    ("29C", "How many miles did runner 2001 cover?", "num", "C15"),
    ("29B", "What was the average weight of the linen loads?", "refuse", None),
]


def askers_and_truths() -> tuple[dict, dict]:
    """Sets 28 and 29's askers (keys "28A" ... "29C") and truths (keys "s28", "s29")."""
    s28, s29 = OUT / "s28", OUT / "s29"
    T = {s: json.loads((OUT / s / "truth.json").read_text()) for s in ("s28", "s29")}
    askers = {"28A": Asker(s28 / "waste_store"), "28B": Asker(s28 / "rowing_store", tz="Europe/London"),
              "28C": Asker(s28 / "drone_store"), "29A": Asker(s29 / "piste_store"),
              "29B": Asker(s29 / "hospital_store", tz="America/Toronto"),
              "29C": Asker(s29 / "marathon_store")}  # fmt: skip
    return askers, T


if __name__ == "__main__":
    askers, T = askers_and_truths()
    items = [(k, q, kind, T["s" + k[:2]].get(key) if key else None) for k, q, kind, key in P]
    read_paraphrases(OUT, askers, items)
    if len(sys.argv) > 1:
        (OUT / f"{sys.argv[1]}.txt").write_text((OUT / "para.txt").read_text())
