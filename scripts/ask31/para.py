"""Set 31's 16 paraphrases (ask31), written after the fixes of the first read and committed before they were read:
other wordings of set 31's questions (their truths are truth.json's, so the same rules) and three refusals.
    python scripts/ask31/para.py        # after gen.py, ingest.sh and truth.py -> $ASK31_OUT/para.txt
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "How many patrols did officer CEO-07 complete on Wednesday?", "num", "A1"),
    ("A", "Total distance walked by the CEOs, in km?", "num", "A2"),
    ("A", "Which of the scooters did the most kilometres?", "id", "A3"),
    ("A", "How long was the longest patrol on match day, in minutes?", "num", "A9"),
    ("B", "Which tow truck covered the most km?", "id", "B3"),
    ("B", "How much time did PV-8 spend on scene on Wednesday, in minutes?", "num", "B5"),
    ("B", "What distance did the patrol vans cover on Thursday 26 November, in km?", "num", "B8"),
    ("B", "How many callouts were lockouts?", "num", "B9"),
    ("C", "How many dog walks did Anna do on Monday?", "num", "C1"),
    ("C", "Which dog walker walked the furthest?", "id", "C3"),
    ("C", "What was the mean length of a pack walk, in km?", "num", "C4"),
    ("C", "How many walks began after 2 pm?", "num", "C7"),
    ("C", "How many km did Ben cover on his walks this week?", "num", "C2"),
    ("C", "How many dogs were on Ben's pack walks?", "refuse", None),
    ("D", "How many trips were hailed on the street?", "num", "D6"),
    ("E", "How many walks are there in this data?", "refuse", None),
]


def main() -> None:
    T = json.loads((OUT / "truth.json").read_text())
    read_paraphrases(OUT, askers(), [(k, q, kind, T.get(key)) for k, q, kind, key in PARA])


if __name__ == "__main__":
    main()
