"""Set 29's paraphrases (ask29): 16 questions written after the fixes and committed before they were read, read once.
Each asks what a set-29 question asks in other words (its truth: the same key of truth.json) or is to be refused.
    python scripts/ask29/para.py -> $ASK29_OUT/para.txt"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

P = [  # (store, question, kind, truth key)
    ("A", "Which snowcat covered the most distance during the week?", "id", "A3"),
    ("A", "How long did PB-03 work on the night of Sunday the 29th, in hours?", "num", "A5"),
    ("A", "At what time did PB-01 set off from the garage on Tuesday 1 December?", "time", "A6"),
    ("A", "How many transfer jobs did WINCH-5 do?", "num", "A15"),
    ("A", "How many km of grooming did PB-01 log altogether?", "num", "A2"),
    ("B", "How many km per hour did the AGVs average?", "num", "B3"),
    ("B", "Which of the porters covered the most ground?", "id", "B4"),
    ("B", "How many specimen jobs were done on Thursday 3 December?", "num", "B5"),
    ("B", "How many minutes did the longest meals job take?", "num", "B6"),
    ("B", "How many jobs began before 08:00?", "num", "B10"),
    ("C", "How many people ran the marathon?", "num", "C1"),
    ("C", "How long did runner 2003 take to finish, in minutes?", "num", "C2"),
    ("C", "What was the pace of bib 2010 in min/km?", "num", "C4"),
    ("C", "How many marathoners ran it in less than 3 hours?", "num", "C5"),
    ("C", "When did bib number 1 set off?", "time", "C14"),
    ("C", "What was the fastest lap of bib 2003?", "refuse", None),
]


if __name__ == "__main__":
    T = json.loads((OUT / "truth.json").read_text())
    askers = {"A": Asker(OUT / "piste_store"), "B": Asker(OUT / "hospital_store", tz="America/Toronto"),
              "C": Asker(OUT / "marathon_store")}  # fmt: skip
    read_paraphrases(
        OUT, askers, [(k, q, kind, T.get(key) if key else None) for k, q, kind, key in P]
    )
