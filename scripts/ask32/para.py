"""Set 32's 16 paraphrases (ask32), written after the fixes of the first read and committed before they were read:
other wordings of set 32's questions (their truths are truth.json's, so the same rules; "C4>0" is yes where
PILOT-4 sailed on that Wednesday) and two refusals.
    python scripts/ask32/para.py        # after gen.py, ingest.sh and truth.py -> $ASK32_OUT/para.txt
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "Did VAN-07 go out on Monday?", "yesno", "A1"),
    ("A", "Was van 07 on the road on Wednesday?", "yesno", "A2"),
    ("A", "How many rounds did van 11 do on Tuesday?", "num", "A3"),
    ("A", "Which of the vans covered the most distance on Friday?", "id", "A5"),
    ("A", "How many grocery runs were there?", "num", "A8"),
    ("A", "How many parcels were left with neighbours?", "refuse", None),
    ("B", "Did participant P05 use the tram on Saturday?", "yesno", "B7"),
    ("C", "Was TUG-22 out on Friday?", "yesno", "C7"),
    ("C", "When did tug 22 first head out on Thursday?", "time", "C6"),
    ("C", "Which tug sailed the furthest in nautical miles?", "id", "C3"),
    ("C", "Did pilot 4 sail on Wednesday?", "yesno", "C4>0"),
    ("D", "Which cyclist covered the most distance?", "id", "D4"),
    ("D", "Did Marc go out on Wednesday?", "yesno", "D5"),
    ("D", "Which rider did the most km?", "id", "D4"),
    ("E", "How many call type D trips were there?", "refuse", None),
    ("E", "Did taxi 20000320 start a trip after 9 am?", "yesno", "E3"),
]


def main() -> None:
    T = json.loads((OUT / "truth.json").read_text())
    T["C4>0"] = T["C4"] > 0
    read_paraphrases(OUT, askers(), [(k, q, kind, T.get(key)) for k, q, kind, key in PARA])


if __name__ == "__main__":
    main()
