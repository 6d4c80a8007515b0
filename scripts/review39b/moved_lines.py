"""A split moved code unchanged: the old file's lines at HEAD (blank and import lines aside) are
exactly the new files' lines, less the lines said here (new docstrings, re-export comments).

    python scripts/review39b/moved_lines.py OLD_FILE NEW_FILE... [--rename OLD=NEW ...] [--base REV]

Prints the lines lost and the lines added; a private name made public on the move is given
with --rename (review39b: grounding's ``_TOKEN`` -> ``TOKEN``); --ignore-indent where a method's
body became a function (questions.py's Asker words -> llm/asker_words.py).
"""

from __future__ import annotations

import argparse
import subprocess
from collections import Counter


def code_lines(text: str, renames: list[tuple[str, str]], indent: bool = True) -> Counter[str]:
    out: Counter[str] = Counter()
    for line in text.splitlines():
        s = line.rstrip() if indent else line.strip()
        for a, b in renames:
            s = s.replace(a, b)
        if s.strip() and not s.startswith(("import ", "from ")):
            out[s] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new", nargs="+")
    ap.add_argument("--rename", action="append", default=[])
    ap.add_argument("--base", default="HEAD")
    ap.add_argument(
        "--ignore-indent", action="store_true", help="a method's body moved to a function"
    )
    a = ap.parse_args()
    renames = [tuple(r.split("=", 1)) for r in a.rename]
    before = subprocess.run(
        ["git", "show", f"{a.base}:{a.old}"], capture_output=True, text=True, check=True
    )
    old = code_lines(before.stdout, renames, not a.ignore_indent)
    new = sum((code_lines(open(f).read(), renames, not a.ignore_indent) for f in a.new), Counter())
    print("lost:", *(old - new).elements(), sep="\n  ")
    print("added:", *(new - old).elements(), sep="\n  ")


if __name__ == "__main__":
    main()
