"""Set 35's 16 paraphrases (ask35), written after the fixes of the first read (the route numbers, splits, the
two-way "which" questions, "the first van", idle hours, kernel home range, headway) and committed before they were
read: other wordings of set 35's questions (their truths are truth.json's, so the same rules) and two refusals.
    python scripts/ask35/para.py NAME   # after gen.py, ingest.sh and truth.py -> $ASK35_OUT/para.txt (copied to
                                        # para_NAME.txt)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_named_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "How many route 14 trips ran on Tuesday?", "num", "A1"),
    ("A", "What's the mean headway for route 14 in minutes?", "num", "A2"),
    ("A", "Which route was the slowest on average?", "idword", "A8"),
    ("A", "What was the average speed of route 7 buses in km/h?", "num", "A4"),
    ("A", "When did the first route 22 trip leave on Monday?", "time", "A6"),
    ("A", "How far did bus 8104 travel altogether, in km?", "num", "A7"),
    ("A", "How many passengers were on bus 8104 on Monday?", "refuse", None),
    ("B", "How many hours was LV21 KXP idle in total?", "num", "B1"),
    ("B", "When did the first van set off on Tuesday?", "time", "B2"),
    ("B", "Which van covered the most miles?", "id", "B4"),
    ("B", "What time did the last van return on Thursday?", "time", "B10"),
    ("B", "What was the fuel cost for YD70 BHN?", "refuse", None),
    ("C", "What was Luis's mean pace, in minutes per km?", "num", "C3"),
    ("F", "Which vans never had a stop?", "idset", "F2"),
    ("L", "Which vessels covered more than 320 nm altogether?", "idset", "L1"),
    ("K", "How big was Kito's 95% KDE home range in km²?", "num", "K1"),
]


def main(name: str) -> None:
    read_named_paraphrases(OUT, askers(), PARA, name)


if __name__ == "__main__":
    main(sys.argv[1])
