"""Typos and chat abbreviations, mended against the planner's own vocabulary before it reads.

A word the planner does not know is replaced by the one known word it is a typo of, for the
typos that seldom spell another English word (``mend_word``): a missing apostrophe ("whats"),
a doubled consonant ("tripps"), two neighbouring letters swapped ("hwo"), a dropped vowel
("avrage"; beside another vowel only in a word of 6+ letters: "lunch" is no "launch"); and (ask38b) a plural
"-ys" after a consonant ("deliverys"), a question word's "wh" written "w" ("wich"); a vowel for another
("avarage") is a wrong letter, not guessed ("setting" is no "sitting"). Two candidates: left as it
is (the planner then refuses it as unknown). A real English word is never mended into another: the audit's
(``REAL_WORDS``: "form" is no "from") and a known word with an ending ("plans"). A wrong
letter is never guessed: "short" is not "sort", "waking" not "walking" (``difflib`` at a
0.85 ratio guesses 160 of the 3,653 words of the other docs pages into another word, these
classes 4; ``trajlm/llm/typo_audit.py``). Numbers, ids and words joined to digits or dashes
are never touched. A few common chat abbreviations are spelt out ("u" -> "you", "w/" ->
"with", "no. of" -> "number of"). The vocabulary is read from the planner's own patterns
(``vocabulary``), so a word the planner reads is never "corrected" away from itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# shorthand of chat and notes -> the words the planner reads
ABBREVIATIONS = {"u": "you", "ur": "your", "r": "are", "w/": "with", "w/o": "without",
                 "b/w": "between", "pls": "please", "plz": "please", "wkday": "weekday",
                 "wkdays": "weekdays", "wkend": "weekend", "wkends": "weekends",
                 "wat": "what", "wot": "what", "wut": "what"}  # fmt: skip
_ABBREV = re.compile(
    r"(?<![\w/.\-])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w/\-])",
    re.IGNORECASE,
)
# "no. of", "nr of", "num. of", "# of": the number of (only before "of": "no stops" is not)
_NUMBER_OF = re.compile(
    r"(?<![\w/.\-#])((?:no|nr|num)\.|#|(?:no|nr|num)(?=\s))\s*(?=of\b)", re.IGNORECASE
)
# "hw many", "hw long": "how" before the words a question about trips asks it with
_HOW = re.compile(r"(?<![\w/.\-])hw(?=\s+(?:many|much|long|far|fast|often)\b)", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w\-/.'])([A-Za-z]+(?:'[A-Za-z]+)?)(?![\w\-/])")


def vocabulary(words: Iterable[str], patterns: Iterable[str]) -> frozenset[str]:
    """``words`` and the whole words spelt inside regular-expression ``patterns`` ("trips?"
    gives trip and trips; a word with endings or letter classes, "averag(?:ed?|ing)",
    "summari[sz]e", gives nothing)."""
    out = {w.lower() for w in words}
    for p in patterns:
        src = re.sub(r"\\[a-zA-Z]", " ", p)
        src = re.sub(r"\[[^\]]*\]", "[", src)  # a character class: its word is a fragment
        src = re.sub(r"(?<=[a-z])\((?:\?:)?[^()]*\)\??", "(", src)  # endings: "walk(?:s|ing)"
        for m in re.finditer(r"(?<![a-z\])\[(])([a-z]+(?:'[a-z]+)?)(\??)(?![a-z(\[{])", src):
            out.add(m.group(1))
            if m.group(2):
                out.add(m.group(1)[:-1])
    return frozenset(w for w in out if len(w) >= 2)


# real English words one slip away from a planner's word, found by ``typo_audit`` over the docs (session 33,
# ask33b): "exits" is no "exist", "form" no "from"; each is refused as not understood, named as the asker wrote it
# ("were" is no "where", "wile" no "while": ask38b's "wh" written "w")
REAL_WORDS = frozenset("exits files form plans summaries were wile".split())


def _inflected(word: str, vocab: frozenset[str]) -> bool:
    """``word`` is a known word with an ending ("plans": plan + s), so a real word, not a slip ("planes")."""
    return any(
        word.endswith(end) and word[: -len(end)] in vocab for end in ("s", "es", "ed", "ing")
    )


def _swapped(word: str) -> Iterable[str]:
    for i in range(1, len(word) - 1):  # the first letter is seldom the slip
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _one(found: set[str]) -> str | None:
    return found.pop() if len(found) == 1 else None  # two as close: no guess


def mend_word(word: str, vocab: frozenset[str], short: frozenset[str] = frozenset()) -> str | None:
    """The word of ``vocab`` that ``word`` (lower-case, unknown) is a typo of, or None.

    Only the typos that rarely make another English word are mended: a missing apostrophe
    ("whats"), a doubled consonant in a word of 5+ letters ("tripps"; not "moon", "off"), two neighbouring
    letters swapped, not the first ("hwo"), a
    dropped vowel in a word of 5+ letters ("avrage"; beside another vowel only in 6+: "duraton", not "lunch" /
    launch) or of 4 without any vowel ("trps"); into a word of 3 letters or fewer only
    when it is in ``short`` ("how", not "mon" or "sat"). A wrong letter ("short" / "sort",
    "waking" / "walking") is never guessed, nor a real word: one of ``REAL_WORDS`` or a known word with an
    ending ("plans" is no "planes")."""
    fixes = [
        {word[:i] + "'" + word[i:] for i in range(1, len(word))},
        {word[:i] + word[i + 1 :] for i in range(1, len(word))
         if word[i] == word[i - 1] and word[i] not in "aeiou" and len(word) >= 5},  # not moon, off
        set(_swapped(word)),
        {word[:i] + v + word[i:] for i in range(1, len(word)) for v in "aeiou"
         if len(word) >= 6 or (word[i - 1] not in "aeiou" and word[i] not in "aeiou")}
        if len(word) >= 5 or (len(word) == 4 and not set(word) & set("aeiouy"))
        else set(),  # "trps": 4 letters without a vowel are no English word ("plan" is)
        # ask38b: the "h" of a question word's "wh" left out ("wich": which)
        {"wh" + word[1:]} if word.startswith("w") and not word.startswith("wh") and len(word) >= 4 else set(),
    ]  # fmt: skip
    # a short word with one vowel of a pair dropped is mostly a word itself ("lunch" / launch, "trans" / trains,
    # "plan" / plain): a vowel beside a vowel is guessed in a word of 6+ letters only ("duraton", "betwen")
    # ask38b: a plural "-ys" after a consonant ("deliverys": deliveries), before "delivery + s" reads as a real word
    if re.fullmatch(r"[a-z]{3,}[^aeiou]ys", word) and (plural := word[:-2] + "ies") in vocab:
        return plural
    if not fixes[0] & vocab and (word in REAL_WORDS or _inflected(word, vocab)):
        return None  # "plans" (plan + s) is no slip of planes; "whats" is still what's
    for options in fixes:
        options = {w for w in options & vocab if len(w) > 3 or w in short}
        if (got := _one(options)) is not None:
            return got
    # ask39 (status.md open item 5): a vowel for another ("avarage", "distence") only into the measure words, in a
    # word of 6+ letters: a vowel slip into any known word turned real words into others ("setting" / sitting)
    wrong_vowel = {
        word[:i] + v + word[i + 1 :]
        for i in range(1, len(word))
        if word[i] in "aeiou"
        for v in "aeiou"
    }
    return _one(wrong_vowel & VOWEL_SLIP_TARGETS & vocab) if len(word) >= 6 else None


# the words a wrong vowel is mended into (ask39): what a question measures, long enough that one vowel away is no
# other English word
VOWEL_SLIP_TARGETS = frozenset(
    "average distance duration kilometres kilometers maximum minimum median length longest shortest fastest "
    "slowest deliveries".split()
)


def mend(
    question: str,
    vocab: frozenset[str],
    targets: frozenset[str] | None = None,
    short: frozenset[str] = frozenset(),
) -> tuple[str, list[tuple[str, str]]]:
    """The question with abbreviations spelt out and typos mended (into ``targets``, by
    default the whole ``vocab``; 3-letter words only into ``short``; words in ``vocab`` are
    left as they are); and what changed."""
    changed: list[tuple[str, str]] = []

    def abbrev(m: re.Match) -> str:
        full = ABBREVIATIONS[m.group(1).lower()]
        changed.append((m.group(1), full))
        return full

    def word(m: re.Match) -> str:
        w = m.group(1)
        low = w.lower()
        if low in vocab:
            return w
        fixed = mend_word(low, vocab if targets is None else targets, short)
        if fixed is None:
            return w
        changed.append((w, fixed))
        return fixed

    def number_of(m: re.Match) -> str:
        changed.append((m.group(1), "number"))
        return "number "

    def how(m: re.Match) -> str:
        changed.append((m.group(0), "how"))
        return "how"

    text = _HOW.sub(how, _NUMBER_OF.sub(number_of, _ABBREV.sub(abbrev, question)))
    return _WORD.sub(word, text), changed
