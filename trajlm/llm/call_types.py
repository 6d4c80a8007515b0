"""A store's call types as the plan's ``call_type`` (set 31): Porto's taxi trips carry CALL_TYPE, A = dispatched
from the central, B = from a taxi stand, C = on the street (the data's SOURCE.md). "How many trips were street hails
(call type C)?", "trips hailed on the street", "dispatched trips", "trips from a taxi stand", "call type B".

Read only where the data has the column (``DataWords.call_types``); elsewhere the words are left to the planner,
which refuses them as before. "Taxi trips" on Porto stay every trip (ask_data.ONE_KIND): no label is read here.
"""

from __future__ import annotations

import re

from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer

_TRIPS = r"(?:trips?|rides?|journeys?|fares?|jobs?|pick-?ups?)"
# each phrase with the call type it names; a phrase is blanked out of the question where it is read
_PHRASES = (
    (r"\(?\s*(?:with\s+|of\s+)?call[\s_-]*type\s*(?P<verb>=|:|is|was|of)?\s*(?P<quote>['\"]?)(?P<letter>[a-z])\b['\"]?\s*\)?", None),
    (rf"\bstreet[\s-]+(?:hails?|hailed|pick-?ups?|{_TRIPS})\b", "C"),
    (r"\b(?:hailed|flagged(?:\s+down)?|picked\s+up)\s+(?:on|in|from)\s+the\s+streets?\b", "C"),
    (r"\bhails?\b(?=\s+(?:on|in)\s+the\s+street\b)(?:\s+(?:on|in)\s+the\s+street)?", "C"),
    (r"\b(?:dispatched|sent|booked)(?:\s+(?:from|by)\s+(?:the\s+)?(?:central|centre|center|dispatch(?:er)?|"
     r"control|radio|phone))?\b", "A"),
    (r"\b(?:central|radio|phone)[\s-]+dispatch(?:ed)?\b|\bdispatch\b(?=\s+" + _TRIPS + r"\b)", "A"),
    (r"\b(?:from|at)\s+(?:a|the)\s+(?:taxi\s+)?(?:stand|rank)s?\b|\b(?:taxi[\s-]+)?(?:stand|rank)[\s-]+(?=" + _TRIPS + r"\b)", "B"),
)  # fmt: skip


_MEANING = "A dispatched from the central, B from a taxi stand, C on the street"
_NOUN = re.compile(rf"street[\s-]+(?:hails?|pick-?ups?|{_TRIPS})", re.I)


def _article(m: re.Match) -> bool:
    """Whether the "a" of "call type is a ..." is the article before a noun: a letter read after "is" / "was" /
    "of", unquoted, in lower case, and followed by a word ("call type is a street hail"); "call type A",
    "call type is A", "call type 'a'", "call type a trips" stay call type A."""
    return (
        m.group("letter") == "a"
        and m.group("verb") in ("is", "was", "of")
        and not m.group("quote")
        and re.match(r"\s*[a-z]{2,}", m.string[m.end() :], re.I) is not None
    )


def call_type_words(question: str, words: DataWords) -> tuple[str, str | None]:
    """The question with its call-type words blanked out, and the call type they name (None: none said, or the
    data has no call types); two different call types in one question are refused in one line."""
    if not words.call_types:
        return question, None
    found: list[tuple[str, str]] = []
    # "street hails" as the question's trips ("which taxi made the most street hails"): read as "trips"; where the
    # question names its trips elsewhere ("how many trips were street hails") it is blanked out
    trips_said = re.search(rf"\b{_TRIPS}\b", _NOUN.sub(" ", question), re.I) is not None

    def take(m: re.Match, letter: str | None) -> str:
        if letter is None and _article(m):
            return m.group(
                0
            )  # "what call type is a street hail": an article, not call type A (ask32b)
        found.append(((letter or m.group("letter")).upper(), m.group(0).strip()))
        return " trips " if not trips_said and _NOUN.fullmatch(m.group(0).strip()) else " "

    for pattern, letter in _PHRASES:
        question = re.sub(pattern, lambda m, x=letter: take(m, x), question, flags=re.I)
    kinds = sorted({c for c, _ in found})
    if len(kinds) > 1:
        raise CannotAnswer(f"two call types ({', '.join(repr(w) for _, w in found)}): ask about one at a time "
                           f"({_MEANING})")  # fmt: skip
    if kinds and kinds[0] not in words.call_types:
        raise CannotAnswer(f"no trip has call type {kinds[0]} in this data (its call types: "
                           f"{', '.join(sorted(words.call_types))})")  # fmt: skip
    if kinds and re.search(r"\b(?:what|which)\s+call[\s_-]*type\b", question, re.I):
        # "what call type is a street hail": a question about the codes, not about trips (ask32b)
        raise CannotAnswer(f"{found[0][1]!r} is call type {kinds[0]} ({_MEANING}); ask about its trips, e.g. "
                           f"'how many trips were call type {kinds[0]}'")  # fmt: skip
    return question, kinds[0] if kinds else None


__all__ = ["call_type_words"]
