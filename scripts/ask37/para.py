"""Set 37's 16 paraphrases (ask37), written after the fixes of the first read (a fleet's noun for its vehicles, per
route, stops longer than X counted, the week of D, heights refused, trip speed per week, time on board, swept) and
committed before they were read: other wordings of set 37's questions (their truths are truth.json's, so the same
rules) and two refusals.
    python scripts/ask37/para.py NAME   # after gen.py, ingest.sh and truth.py -> $ASK37_OUT/para_NAME.txt
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_named_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "On average, how long were pupils on board on the North route, in minutes?", "num", "A2"),
    ("A", "How long did a trip take on average for each route, in minutes?", "pergroup", "A3"),
    ("A", "What was the total distance the school buses drove on Friday, in km?", "num", "A10"),
    ("A", "How many times did the buses stop for longer than 3 minutes?", "num", "A12"),
    ("A", "When did the first school bus depart on Monday?", "time", "A6"),
    ("B", "What distance did the street sweepers sweep on Monday, in km?", "num", "B1"),
    ("B", "Which street sweeper covered the most km sweeping?", "id", "B4"),
    ("B", "Were all the sweepers out on Saturday?", "yesno", "B5"),
    ("B", "How many sweeping jobs did each of the sweepers do?", "pergroup", "B7"),
    ("B", "How many kilometres of streets did SW-02 sweep per pass?", "refuse", None),
    ("C", "How far did P-20417 drive during the week of 9 March, in km?", "num", "C2"),
    ("C", "Was P-20455's car used in the week of 16 March?", "yesno", "C11"),
    ("C", "What was the mean trip speed for each week, in km/h?", "pergroup", "C9"),
    ("C", "How many trips did the cars make on 14 March?", "num", "C10"),
    ("C", "Which car covered the most distance?", "id", "C4"),
    ("C", "How many hours did P-20441 drive above 2000 m?", "refuse", None),
]


def main(name: str) -> None:
    read_named_paraphrases(OUT, askers(), PARA, name)


if __name__ == "__main__":
    main(sys.argv[1])
