"""Set 28's paraphrases (ask28): 16 questions written after the fixes and committed before they were read, read once.
Each asks what a set-28 question asks in other words (its truth: the same key of truth.json) or is to be refused.
    python scripts/ask28/para.py -> $ASK28_OUT/para.txt"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

P = [  # (store, question, kind, truth key)
    ("A", "How many tip runs did the lorries make altogether?", "num", "A2"),
    ("A", "Which refuse lorry covered the most km?", "id", "A5"),
    ("A", "At what time did RCV-12 set off on Friday 20 November?", "time", "A7"),
    ("A", "How many km did the street sweeper drive in total?", "num", "A13"),
    ("A", "How many tasks began before 07:00?", "num", "A15"),
    ("B", "How many outings did W1X row in total, in km?", "num", "B2"),
    ("B", "How many minutes was W8B out on the water on the 7th?", "num", "B5"),
    ("B", "Which crew rowed furthest on race day?", "id", "B4"),
    ("B", "How many outings did M8A go on?", "num", "B1"),
    ("B", "How long did M8A sit easy on Tuesday the 10th, in minutes?", "num", "B13"),
    ("C", "How many flights did M300-A make on 11/10?", "num", "C1"),
    ("C", "What time did the first flight of Monday take off?", "time", "C10"),
    ("C", "How many hours of flight time did EVO-2 log?", "num", "C2"),
    ("C", "How many minutes was EVO-2 hovering on Thursday the 12th?", "num", "C7"),
    ("C", "Which airframe flew the most sorties?", "id", "C4"),
    ("C", "How many sorties were flown on 11/15?", "refuse", None),
]


if __name__ == "__main__":
    T = json.loads((OUT / "truth.json").read_text())
    askers = {"A": Asker(OUT / "waste_store"), "B": Asker(OUT / "rowing_store", tz="Europe/London"),
              "C": Asker(OUT / "drone_store")}  # fmt: skip
    read_paraphrases(
        OUT, askers, [(k, q, kind, T.get(key) if key else None) for k, q, kind, key in P]
    )
