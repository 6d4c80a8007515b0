"""Which words of some text files the typo mending would guess into another word (a check of
``trajlm.llm.spelling`` against real words), or, with ``--ratio``, a plain ``difflib`` rule:

    python -m trajlm.llm.typo_audit $(ls docs/*.md | grep -v llm.md) [--ratio 0.85]
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from trajlm.llm.rule_words import KNOWN, MEND_INTO, VOCAB
from trajlm.llm.spelling import mend_word


def audit(paths: list[str], ratio: float | None) -> None:
    """Which words of these text files would be guessed into another word: by
    ``mend_word``, or (``ratio``) by any ``difflib`` ratio >= ratio with the same first letter."""
    words = {w for p in paths for w in re.findall(r"\b[a-z]{3,}\b", Path(p).read_text().lower())}
    guessed = []
    for w in sorted(words - VOCAB):
        if ratio is None:
            got = mend_word(w, MEND_INTO, frozenset(KNOWN))
        else:
            near = [v for v in MEND_INTO if v[0] == w[0]]
            got = next(iter(difflib.get_close_matches(w, near, n=1, cutoff=ratio)), None)
        if got is not None:
            guessed.append(f"{w}->{got}")
    print(f"{len(guessed)} of {len(words)} distinct words guessed into another:")
    print(" ".join(guessed))


if __name__ == "__main__":  # python -m trajlm.llm.typo_audit docs/*.md [--ratio 0.85]
    import sys

    args = sys.argv[1:]
    r = float(args[args.index("--ratio") + 1]) if "--ratio" in args else None
    audit([a for a in args if a.endswith(".md")], r)
