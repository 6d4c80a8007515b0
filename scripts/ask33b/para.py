"""Set 33's 16 fresh paraphrases (ask33b), written after ask33b's fixes and committed before they were read: other
wordings of set 33's questions (their truths are truth.json's, so set 33's rules; none is one of ask33's 16) and two
refusals. Read once with main's code (before) and once with the branch's (after):
    ASK33_OUT=DIR python scripts/ask33b/para.py > OUT.txt   # after scripts/ask33's gen.py, ingest.sh, truth.py
(it also writes DIR/para.txt, as scripts/ask33/para.py does).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ask33"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "On Tuesday, which van went the furthest, and how many miles?", "idnum", "A1"),
    ("A", "Was every van on the road on Tuesday?", "yesno", "A2"),
    ("A", "How far did the e-bikes go altogether, in miles?", "num", "A4"),
    ("A", "How many runs were on the late shift on Thursday?", "num", "A5"),
    ("A", "How many van runs went without stopping?", "num", "A8"),
    ("A", "Average mph across the vans?", "num", "A11"),
    ("A", "Which e-bike did the most runs?", "id", "A10"),
    ("A", "How much overtime did the drivers work?", "refuse", None),
    ("B", "Which were the three longest stays?", "ids", "B1"),
    ("B", "How many trips did participant P02 take on Tuesday?", "num", "B7"),
    ("B", "How many bike trips began between 7 and 9 in the morning?", "num", "B3"),
    ("B", "Who walked the furthest?", "id", "B5"),
    ("B", "How many steps did P01 walk on Monday?", "refuse", None),
    ("H", "What distance did P03 walk, in km?", "num", "H1"),
    ("C", "How many crossings took longer than 45 min?", "num", "C3"),
    ("C", "Did all the ferries sail on Sunday?", "yesno", "C5"),
]


def main() -> None:
    T = json.loads((OUT / "truth.json").read_text())
    read_paraphrases(OUT, askers(), [(k, q, kind, T.get(key)) for k, q, kind, key in PARA])


if __name__ == "__main__":
    main()
