"""badin26: each hostile case's class on its first read and after this branch's fixes, as read
by hand from the outputs of readers.py, verdicts.py, ask.py and heldout.py (the case numbers
they print). R answered right, C one clear line, U unclear line (or none where one was owed),
S silent wrong, T traceback / 500. Prints the table in docs/reliability.md "Session 26 (badin26)".
Run: python scripts/badin26/classes.py
"""

from __future__ import annotations

from collections import Counter

# script -> {case: (first read, after)}; a case not listed in `changed` is the same after
FIRST = {
    "readers": "SRRRSRRRRRRRCCCCRCCCCCCRSRRSRRUURUUUUUURCURCCCCCCSRRR",
    "verdicts": "RUCCCCCCCC"
    "CCCCRRRRCC"
    "CCCCRRSRCR"
    "CRRRCRCCCRC"
    "RCCCCCCCU"
    "URCRRCRCUU"
    "SSUUUCCCRC"
    "UCCCCRRRRR"
    "RCCCC",
    "ask": "CCRRCRRRRCCUCCURRRRRRRCRRRCSCURCCC",
    "heldout": "RCRCCRCSRSRRRCSSSRRCCCCCRRRURRU",
}
CHANGED = {  # case number (1-based) -> class after
    "readers": {
        1: "R",
        5: "C",
        28: "R",
        32: "C",
        34: "C",
        35: "R",
        36: "R",
        37: "C",
        38: "C",
        39: "R",
        50: "R",
    },
    "verdicts": {
        2: "R",
        27: "C",
        50: "C",
        51: "C",
        59: "C",
        60: "C",
        61: "C",
        62: "C",
        63: "C",
        64: "C",
        65: "C",
        71: "C",
    },
    "ask": {},
    "heldout": {8: "R", 10: "C", 15: "R", 16: "R", 17: "C"},
}
NAMES = {"R": "answered right", "C": "one clear line", "U": "unclear line", "S": "silent wrong",
         "T": "traceback"}  # fmt: skip


def table() -> str:
    first, after = Counter(), Counter()
    rows = []
    for script, classes in FIRST.items():
        f = Counter(classes)
        a = Counter(CHANGED[script].get(i + 1, c) for i, c in enumerate(classes))
        first += f
        after += a
        rows.append((script, len(classes), f, a))
    head = "| script | cases | " + " | ".join(NAMES.values()) + " |"
    lines = [head, "|" + "---|" * (2 + len(NAMES))]
    for script, n, f, a in rows:
        cells = " | ".join(f"{f[k]} -> {a[k]}" for k in NAMES)
        lines.append(f"| {script}.py | {n} | {cells} |")
    total = sum(r[1] for r in rows)
    lines.append(
        f"| **all** | {total} | "
        + " | ".join(f"**{first[k]} -> {after[k]}**" for k in NAMES)
        + " |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
