"""Set 34's 16 paraphrases (ask34), written after the fixes of the first read and committed before they were read:
other wordings of set 34's questions (their truths are truth.json's, so the same rules) and two refusals.
    python scripts/ask34/para.py        # after gen.py, ingest.sh and truth.py -> $ASK34_OUT/para.txt
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "Did any vessel wait at anchor for over 12 hours?", "yesno", "A8"),
    ("A", "What was the mean speed of the tankers, in knots?", "num", "A3"),
    ("A", "How far did ATLANTIC DAWN sail on Monday, in nautical miles?", "num", "A14"),
    ("A", "Which ship covered the most nautical miles on Wednesday?", "id", "A5"),
    ("A", "How many ships were in the data?", "num", "A10"),
    ("A", "Was MERIDIAN at anchor on Wednesday?", "yesno", "A13"),
    ("A", "Which crew was on board KESTREL?", "refuse", None),
    ("B", "How many rides on e-bikes were over 5 km?", "num", "B4"),
    ("B", "What was the total distance on classic bikes, in km?", "num", "B9"),
    ("B", "Which bike made the most trips?", "id", "B6"),
    ("B", "Did bike 4017 get used on Sunday?", "yesno", "B10"),
    ("B", "What was the mean speed of e-bikes, in km/h?", "num", "B13"),
    ("B", "How many riders were casual users?", "refuse", None),
    ("C", "Was Baraka's collar recording on 11 June?", "yesno", "C7"),
    ("P", "Who cycled the furthest?", "id", "_para_P_bike"),
    ("F", "What was the average speed across the vans, in mph?", "num", "F2"),
]


def main() -> None:
    T = json.loads((OUT / "truth.json").read_text())
    read_paraphrases(OUT, askers(), [(k, q, kind, T.get(key)) for k, q, kind, key in PARA])


if __name__ == "__main__":
    main()
