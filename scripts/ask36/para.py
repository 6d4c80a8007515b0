"""Set 36's 16 paraphrases (ask36), written after the fixes of the first read (out after an hour, crossed
midnight, more trips than a named van, the average stop length refused, in-vehicle, "the X route", "did I make any
trips", "did each taxi make", the first ferry, the last crossing, my first trip) and committed before they were
read: other wordings of set 36's questions (their truths are truth.json's, so the same rules) and two refusals.
    python scripts/ask36/para.py NAME   # after gen.py, ingest.sh and truth.py -> $ASK36_OUT/para.txt (copied to
                                        # para_NAME.txt)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_named_paraphrases  # noqa: E402
from read import OUT, askers  # noqa: E402

PARA = [  # (store, question, kind, the truth.json key it paraphrases; None for a refusal)
    ("A", "How long did a Vallisaari crossing take on average, in minutes?", "num", "A2"),
    ("A", "When did the first ferry depart on Sunday?", "time", "A6"),
    ("A", "When did the final crossing on the Suomenlinna line finish on Saturday?", "time", "A7"),
    ("A", "How many Suomenlinna crossings ran on Thursday?", "num", "A13"),
    ("A", "What was the ticket revenue of TOR on Friday?", "refuse", None),
    ("B", "How many trips went over midnight?", "num", "B7"),
    ("B", "How many trips did each taxi make while hired?", "pergroup", "B14"),
    ("B", "What percentage of hired trips took longer than 30 minutes?", "share", "B2"),
    ("B", "How far did the taxis cruise empty on Tuesday, in km?", "num", "B3"),
    ("B", "What was the tip total for LX-1042?", "refuse", None),
    ("C", "How many trips in vehicle did I take in January?", "num", "C12"),
    ("C", "Was I travelling at all between 13 and 19 April?", "yesno", "C11"),
    ("C", "When did my first trip on 3 March begin?", "time", "C6"),
    ("P", "Were any buses still on the road after 9 pm on Friday?", "yesno", "P1"),
    ("F", "Which vans had more trips than VAN-02?", "idset", "F1"),
    ("D", "What was the typical stop duration of LV21 KXR, in minutes?", "num", "D3"),
]


def main(name: str) -> None:
    read_named_paraphrases(OUT, askers(), PARA, name)


if __name__ == "__main__":
    main(sys.argv[1])
