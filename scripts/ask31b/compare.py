"""Two reads of sets 26-38, 38b, 39, 39b, 40 and 40b (scripts/ask31b/regress.sh) compared answer by answer: the ones that differ, then how
many are identical (verdict, value, plan and the whole answer).
    python scripts/ask31b/compare.py before after     # $ASK31B_OUT, default /tmp/ask31b
"""

import json
import os
import sys
from pathlib import Path

OUT = Path(os.environ.get("ASK31B_OUT", "/tmp/ask31b"))


def main(first: str, second: str) -> None:
    total = same = 0
    for n in [*range(26, 39), "38b", 39, "39b", 40, "40b"]:
        one = json.loads((OUT / f"s{n}" / f"{first}.json").read_text())
        two = json.loads((OUT / f"s{n}" / f"{second}.json").read_text())
        for a, b in zip(one, two, strict=True):
            total += 1
            same += a == b
            if a != b:
                print(
                    f"set {n} {a['id']}: {a['verdict']} -> {b['verdict']}\n  {a['answer'][:160]}\n  {b['answer'][:160]}"
                )
    print(f"{same}/{total} identical")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
