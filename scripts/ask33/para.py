"""Set 33's 16 paraphrases (ask33), written after the fixes of the first read and committed before they were read:
other wordings of set 33's questions (their truths are truth.json's, so the same rules) and two refusals.
    python scripts/ask33/para.py        # after gen.py, ingest.sh and truth.py -> $ASK33_OUT/para.txt
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "Did every van go out on Tuesday?", "yesno", "A2"),
    ("A", "Were all of the vans on the road on Monday?", "yesno", "A3"),
    ("A", "What distance did the e-bikes cover in total, in miles?", "num", "A4"),
    ("A", "How many runs did the late shift do on Thursday?", "num", "A5"),
    ("A", "Which van covered the most miles on Tuesday, and how many?", "idnum", "A1"),
    ("A", "How many van runs had no stops?", "num", "A8"),
    ("A", "Which three van runs were the longest?", "ids", "A12"),
    ("A", "How many customers did VAN-02 visit on Friday?", "refuse", None),
    ("B", "Which 3 stays lasted the longest?", "ids", "B1"),
    ("B", "What was the mean trip distance for each participant in km?", "pergroup", "B2"),
    ("H", "How far did P03 walk in total, in km?", "num", "H1"),
    ("H", "Did participant P06 ride a bus on Sunday?", "yesno", "H3"),
    ("C", "What was the mean speed of the crossings, in knots?", "num", "C2"),
    ("C", "Were all ferries out on Sunday?", "yesno", "C5"),
    ("C", "How many voyages were non-stop?", "num", "C9"),
    ("C", "How much fuel did Coral burn on Monday?", "refuse", None),
]


def main() -> None:
    T = json.loads((OUT / "truth.json").read_text())
    read_paraphrases(OUT, askers(), [(k, q, kind, T.get(key)) for k, q, kind, key in PARA])


if __name__ == "__main__":
    main()
