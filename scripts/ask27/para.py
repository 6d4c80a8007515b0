"""Set 27's paraphrases (ask27): 16 questions written after the fixes and committed before they were read, read once.
Each asks what a set-27 question asks in other words (its truth: the same key of truth.json) or is to be refused.
    python scripts/ask27/para.py -> $ASK27_OUT/para.txt"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

P = [  # (store, question, kind, truth key)
    ("A", "How many jobs did TUG-02 carry out on Tuesday 1 December?", "num", "A1"),
    ("A", "Over the weekend, how many tasks did the baggage tractors complete?", "num", "A2"),
    ("A", "What distance in miles did FUEL-1 drive on Thursday the 3rd?", "num", "A3"),
    ("A", "Which vehicle drove the most miles in total?", "id", "A8"),
    ("A", "Average duration of pushback tug tasks, in minutes?", "num", "A6"),
    ("B", "How far did Okafor run in Tuesday's session, in metres?", "num", "B1"),
    ("B", "Which player ran the furthest in the match?", "id", "B3"),
    ("B", "What was Moreau's average speed in the match, in metres per minute?", "num", "B6"),
    ("B", "How many sessions did Kowalski attend?", "num", "B7"),
    ("C", "How many miles did SEMI-4 cover on Wednesday the 28th?", "num", "C2"),
    ("C", "How many hours was COMB-2 working last Thursday?", "num", "C3"),
    ("C", "How many km did COMB-1 travel by road?", "num", "C10"),
    ("D", "How many launches on service were there?", "num", "D1"),
    ("D", "Which lifeboat covered the most nautical miles?", "id", "D12"),
    ("D", "How far did 17-21 go on the 17th, in nautical miles?", "num", "D8"),
    ("D", "How many launches were there last weekend?", "refuse", None),
]


if __name__ == "__main__":
    T = json.loads((OUT / "truth.json").read_text())
    askers = {"A": Asker(OUT / "apron_store"), "B": Asker(OUT / "vests_store"),
              "C": Asker(OUT / "harvest_store", tz="America/Chicago"), "D": Asker(OUT / "lifeboat_store")}  # fmt: skip
    read_paraphrases(
        OUT, askers, [(k, q, kind, T.get(key) if key else None) for k, q, kind, key in P]
    )
