"""Words no earlier set used (ask40's fresh measure, set 40), read with world_words before the trip nouns: time
spent said as a farmer's or a pilot's ("put in the most hours at the baling", "clocked the fewest minutes in the
air"), a label said with "-use" ("personal-use trips"), "all told" (in total), a Scottish or a Nigerian opener
("Aye, and how many ...", "Please how many ..."), "out on the road" (on the road: the "out" hid a road label), and
two bare hours ("between 9 and 12": 09:00-12:00), "the morning runs" where "morning" is a label.

Each rule is a kind of wording, not one question's words; docs/llm.md "Session 40 (ask40)" names the question each
was tuned on. A word that is one of the data's labels stays the label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.hours import DAY_PARTS
from trajlm.llm.trip_words import TRIP_NOUN, TRIP_NOUNS

_W, _E = r"(?<![\w\-])", r"(?![\w\-])"
_TIME = r"(?:hours?|hrs?|minutes?|mins?|time)"
_AMOUNT = r"(?:(?:the\s+)?(?:most|fewest|least|more|fewer|less)\s+|\d+(?:\.\d+)?\s+|any\s+)?"

SPENT_WORDS: list[tuple[str, str]] = [
    # a Scottish / Nigerian / casual opener before the question: "Aye, and how many ...", "Please how many ..."
    (
        r"^\s*(?:(?:aye|och|right|well|now|please|pls|abeg|ok(?:ay)?)\s*,?\s+)+(?:and\s+)?(?=(?:how|what|which|when|"
        r"did|do|does|was|were|is|are)\b)",
        "",
    ),  # fmt: skip
    # time put in / clocked / logged is time spent ("clocked up" stays travel: world_words)
    (rf"{_W}(?:put|puts|putting)\s+in(?=\s+{_AMOUNT}{_TIME}{_E})", "spent"),
    (rf"{_W}(?:clocked|logged|racked)(?!\s+up{_E})(?=\s+{_AMOUNT}{_TIME}{_E})", "spent"),
    (rf"{_W}(?:clocks|clock|logs|log)(?!\s+up{_E})(?=\s+{_AMOUNT}{_TIME}{_E})", "spend"),
    # where the time was spent, said as a place of the whole data's work: "in the air", "airborne", "on the job"
    (
        rf"({_TIME})\s+(?:in\s+the\s+air|airborne|aloft|on\s+the\s+job|at\s+work|on\s+the\s+clock)"
        rf"(?=[\s?.!,]|$)",
        r"\1",
    ),  # fmt: skip
    # "all told" closing a clause: in total
    (
        r"all\s+told(?=\s*(?:[?.!,]|$)|\s+(?:on|in|over|during|between|from|since|last|this)\b)",
        "in total",
    ),
    # out on the road / at sea / on the water: on the road (the "out" hid the road label: set 40 F4)
    (r"out\s+(?=on\s+the\s+(?:road|roads|water|streets?)\b|at\s+sea\b|in\s+the\s+field\b)", ""),
]
_SPENT = [(re.compile(p if p.startswith(("^", _W, "(?<=", "all", "out")) else rf"{_W}(?:{p}){_E}", re.I), to)
          for p, to in SPENT_WORDS]  # fmt: skip

# two bare hours of a day: "between 9 and 12", "from 7 to 9 in the morning" (no unit, no month, no count after)
_BARE_HOURS = re.compile(
    r"(?<!were\s)(?<!was\s)(?<!are\s)(?<!is\s)(?<!be\s)(?<!lasted\s)(?<!last\s)(?<!took\s)(?<!of\s)"
    r"(?<!measured\s)\b(between|from)\s+(\d{1,2})\s+(and|to|-)\s+(\d{1,2})"
    r"(?=\s*(?:[?.!,]|$)|\s+(?:on|in\s+the\s+(?:morning|afternoon|evening)|o'?clock|local|last|this|yesterday|"
    r"today|during|over|across|all)\b)",
    re.I,
)


def bare_hours(question: str) -> str:
    """ "between 9 and 12 on Tuesday" -> "between 09:00 and 12:00 on Tuesday": two whole hours with nothing after
    them that makes them days, amounts or counts, and no "were" / "lasted" / "took" before them ("trips were between
    5 and 10 on Monday" may be km: left); "in the morning" after them keeps its am ("between 7 and 9 in the
    morning"); "in the afternoon / evening" makes them pm (below 12)."""

    def hours(m: re.Match) -> str:
        a, b = int(m.group(2)), int(m.group(4))
        after = m.string[m.end() : m.end() + 30].lower()
        if re.match(r"\s+in\s+the\s+(?:afternoon|evening)", after):
            a, b = a + 12 * (a < 12), b + 12 * (b < 12)
        if not (0 <= a < b <= 24):
            return m.group(0)
        return f"{m.group(1)} {a:02d}:00 {m.group(3)} {b:02d}:00"

    return _BARE_HOURS.sub(hours, question)


# the parts of a day hours.py reads as hours ("late shift runs": set 33's label)
_DAY_PARTS = tuple(DAY_PARTS)


def spent_words(question: str, labels: Sequence[str] = ()) -> str:
    """``question`` with ``SPENT_WORDS`` and two bare hours read; "at the <label>" after a time ("hours at the
    baling"), "<label>-use" ("personal-use trips") and a part of the day before a trip's noun ("the morning runs":
    set 40 N4 was read as 06:00-12:00, right only because every morning run started then) read as the label where
    it is one of the data's labels."""
    for rx, to in _SPENT:
        question = rx.sub(to, question)
    for lab in labels:
        if not re.fullmatch(r"[a-z][a-z\-]+", lab):
            continue
        # "the morning runs" on morning / afternoon labels: the label, not 06:00-12:00
        if lab in _DAY_PARTS:
            trip = rf"(?!\s+shifts?{_E})(?=\s+(?:{TRIP_NOUNS}|{TRIP_NOUN}){_E})"  # "night shift": night_of's
            question = re.sub(rf"{_W}{lab}{trip}", f"labelled {lab}", question, flags=re.I)
        question = re.sub(
            rf"(?<=[a-z])\s+at\s+the\s+{re.escape(lab)}{_E}", f" {lab}", question, flags=re.I
        )
        question = re.sub(
            rf"{_W}{re.escape(lab)}-(?:use|related|type|purpose){_E}", lab, question, flags=re.I
        )
    return bare_hours(question)
