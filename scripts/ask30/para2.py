"""Set 30's second paraphrase batch (ask30): 16 more wordings of questions from sets 28 and 29, harder than
para.py's (fronted ids, elliptical questions, "clocked up", "tell me", two-part asks), written after the first
batch read 16/16 and committed before they were read. Read once on the branch (after set 30's fixes, not tuned on
them) and once on main's code. Stores and truths as para.py's ($ASK30_OUT/s28, s29).
    python scripts/ask30/para2.py NAME -> $ASK30_OUT/NAME.txt"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402

OUT = Path(os.environ.get("ASK30_OUT", "/tmp/ask30"))

P = [  # (set + store, question, kind, truth key)
    ("28A", "RCV-12: how many collection rounds on Wednesday?", "num", "A1"),
    (
        "28A",
        "I need the mean speed of the refuse lorries on their collection rounds, km/h please",
        "num",
        "A4",
    ),
    (
        "28A",
        "How much time did the street sweeper spend working on Saturday, in hours?",
        "num",
        "A8",
    ),
    ("28A", "Which of the lorries clocked up the most kilometres across the six days?", "id", "A5"),
    ("28B", "What was W1X's distance on the 12th in metres?", "num", "B10"),
    ("28B", "Total km rowed by W1X?", "num", "B2"),
    ("28C", "Tell me how many sorties went on for longer than 20 minutes", "num", "C9"),
    ("28C", "Across all sorties, what's the mean duration in minutes?", "num", "C5"),
    ("29A", "Grooming jobs by PB-02 on the night of the 28th: how many?", "num", "A1"),
    ("29A", "What speed did WINCH-5 average, in km/h, on its winch grooming jobs?", "num", "A4"),
    ("29A", "Of all the transfers, how many km was the longest one?", "num", "A9"),
    ("29B", "Total distance covered by AGV-1, in kilometres?", "num", "B14"),
    ("29B", "Pharmacy jobs: average duration in minutes?", "num", "B12"),
    ("29C", "On average, how many hours did it take the marathon runners to finish?", "num", "C13"),
    ("29C", "Distance run by bib 2001, in miles?", "num", "C15"),
    ("29C", "What was bib 2003's cadence over the last 5 km?", "refuse", None),
]


if __name__ == "__main__":
    from para import askers_and_truths

    askers, T = askers_and_truths()
    items = [(k, q, kind, T["s" + k[:2]].get(key) if key else None) for k, q, kind, key in P]
    read_paraphrases(OUT, askers, items)
    (OUT / f"{sys.argv[1]}.txt").write_text((OUT / "para.txt").read_text())
