"""Words of English as written in other places and by other ages (ask39's fresh measure, set 39), read before the
trip nouns: Indian English ("kindly tell the total kms", "which rider did maximum orders"), British English
("clock up", "over the fortnight"), a teenager's ("... lol", "how many times did i get the bus"), a ranger's ("the
lioness L02", "fixes did we receive from L03"); two units in one question ("in km and in miles": the first read,
the second said in a note); and the people a mover was with, which no trip table holds ("who was i with").

Each rule is a kind of wording, not one question's words; docs/llm.md "Session 39 (ask39)" names the question each
was tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from trajlm.llm.actions import ANSWER_UNITS, UNIT_WORDS
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.plan_words import UNITS
from trajlm.llm.spent_words import spent_words
from trajlm.llm.trade_words import trade_words
from trajlm.llm.vehicles import GENERIC

_W, _E = r"(?<![\w\-])", r"(?![\w\-])"
_TRIPS = r"trips|orders|deliver(?:ies|ys)|rides|journeys|jobs|tasks|runs"

WORLD_WORDS: list[tuple[str, str]] = [
    # a polite opener before the question ("kindly tell the total kms ...", "please share the ..."): what is
    (
        r"^\s*(?:kindly|please|pls|plz)\s+(?:tell|share|give|provide|let\s+(?:me|us)\s+know)(?:\s+(?:me|us))?"
        r"(?=\s+(?:the|how|what|which|when)\b)",
        "what is",
    ),
    # a casual ending or opening that asks nothing ("... on sat 9 may lol", "yo how far ...")
    (r"\s*(?:lol|lmao|haha+|tbh|ngl|pls|plz|bro|fr|innit|mate)\s*(?=[?.!]*\s*$)", ""),
    (r"^\s*(?:yo|hey|hi|ok(?:ay)?|so)\s*,?(?=\s+(?:how|what|which|when|did|do|was|were|is)\b)", ""),
    # a plural possessive before what is measured ("the lorries' average speed"): the lorries' speed, read as
    # "the lorries average speed" (a singular "X's" is read elsewhere)
    (
        r"(?<=[a-z]s)'(?=\s+(?:average|mean|median|total|overall|combined|typical|speeds?|distances?|times?|"
        r"durations?|trips|mileage)\b)",
        "",
    ),
    # a unit's abbreviation written as a plural ("kms", "hrs" is read elsewhere)
    (r"kms", "km"),
    # a food-delivery fleet's orders are its trips ("order id" / "order number" name a column, "in order" no trip)
    (r"orders", "trips"),
    (r"(?<!in )(?<!in the )order(?!\s+(?:id|ids|number|numbers|no|of|by|to)\b)", "trip"),
    (
        r"(?<=trips were )(?:delivered|fulfilled|served|completed|handled)|(?<=trip was )(?:delivered|fulfilled|"
        r"served|completed|handled)",
        "made",
    ),
    # "which rider did maximum orders", "the max number of jobs": the most trips (minimum: the fewest)
    (
        rf"(?:the\s+)?(?:maximum|max|highest)(?:\s+(?:no\.?|number)\s+of)?(?=\s+(?:{_TRIPS})\b)",
        "the most",
    ),
    (
        rf"(?:the\s+)?(?:minimum|min|lowest)(?:\s+(?:no\.?|number)\s+of)?(?=\s+(?:{_TRIPS})\b)",
        "the fewest",
    ),
    (rf"did(?=\s+the\s+(?:most|fewest|least)\s+(?:{_TRIPS})\b)", "made"),
    # a British fleet's distance "clocked up", "racked up", "notched up": travelled
    (r"(?:clock|rack|notch)(?:ed)?\s+up", "travel"),
    (r"(?:clocks|racks|notches)\s+up", "travels"),
    # the female of a species before an animal's id ("the lioness L02"): the species word, a kind before the id
    (r"lionesses", "lions"),
    (r"lioness", "lion"),
    (r"tigress(?:es)?", "tiger"),
    # "how many fixes did we receive / collect from L03": the fixes of L03 (who received them is no filter)
    (
        r"(?<=fixes )(?:did|do|have|had)\s+(?:we|you|i|they)\s+(?:receive|received|get|got|collect|collected|"
        r"record|recorded|log|logged|have|had)(?=\s+(?:from|for|of)\b)",
        "",
    ),
    # "in the lunch slot between 12 and 3 pm": the hours that follow name the slot
    (
        r"(?:in|during)\s+the\s+(?:lunch|breakfast|dinner|morning|evening|afternoon|night|late)(?:[\s-]?time)?\s+"
        r"(?:slot|window|rush|peak|shift|period|hours?)(?=\s+(?:between|from)\s+\d)",
        "",
    ),
    # "the average time taken per order": the time (a trip's duration)
    (r"(?<=time )taken(?=\s+(?:per|for|by|on|in|to)\b)", ""),
    # "how many times did i get the bus": the bus trips ("times" of a label's trips, a mover taking it)
    (
        r"how\s+many\s+times\s+(?:did|have|has)\s+(\S+)\s+(?:got|get|take|taken|took|catch|caught|ride|ridden|use|"
        r"used)\s+(?:the|a|an|my|his|her|their|our)\s+([a-z][\w\-]*)",
        r"how many \2 trips did \1 make",
    ),
]
# whole words, except where a pattern begins at the question's start, with spaces or after a letter (an apostrophe)
_WORLD_WORDS = [(re.compile(p if p.startswith(("^", r"\s*", "(?<=[a-z]s)'")) else rf"{_W}(?:{p}){_E}", re.I), to)
                for p, to in WORLD_WORDS]  # fmt: skip

_FORTNIGHT = re.compile(
    r"\b(?:(?:over|during|across|throughout|in|for)\s+the\s+(?:whole\s+|entire\s+|full\s+)?"
    r"(?:fortnight|two\s+weeks|2\s+weeks)|all\s+(?P<week>week)(?:\s+long)?|all\s+fortnight(?:\s+long)?)\b",
    re.I,
)  # ask40: "over the two weeks" as the fortnight; "all week" the whole data where it is one week


# where a fleet works, said before its vehicles ("the apron buses", "the depot vans", "the farm tractors"): the
# setting of the whole data, not a kind of vehicle (a colour or a make, "the red buses", stays unread: refused)
_SETTING = (r"apron|airside|ramp|yard|depot|site|port|harbou?r|dock|campus|farm|warehouse|terminal|hospital|mine"
            r"|quarry|council|company|firm|school|park")  # fmt: skip


def setting_words(question: str, labels: Sequence[str]) -> str:
    """``question`` without a setting word before one of the data's labels or a vehicle noun ("the apron buses" on
    tug / fuel / bus labels: the buses); a setting word that is itself a label stays (status.md open item 5)."""
    kinds = "|".join(re.escape(lab) for lab in sorted(labels, key=len, reverse=True) if lab)
    after = rf"(?:{kinds})(?:e?s)?|{GENERIC}" if kinds else GENERIC
    rx = re.compile(rf"(?<![\w\-])(?:the\s+)?({_SETTING})\s+(?=(?:{after})(?![\w\-]))", re.I)

    def drop(m: re.Match) -> str:
        return m.group(0) if m.group(1).lower() in labels else m.group(0)[: m.start(1) - m.start(0)]

    return rx.sub(drop, question)


def world_words(question: str, dates: Sequence[date] = (), labels: Sequence[str] = ()) -> str:
    """``question`` with ``WORLD_WORDS`` read into the words the rules know and a fleet's setting before its
    vehicles dropped (``setting_words``); "over the fortnight" is the whole data where its trips all start within 14
    days (else CannotAnswer naming the span: which fortnight?). A trade's words ("groom", "legs", "arvo") first
    (trade_words.py, ask39b)."""
    question = spent_words(
        trade_words(question, labels), labels
    )  # set 40's words (spent_words.py, ask40)
    for rx, to in _WORLD_WORDS:
        question = rx.sub(to, question)
    question = setting_words(question, labels)
    if (m := _FORTNIGHT.search(question)) is not None and dates:
        span, most = (max(dates) - min(dates)).days + 1, 7 if m.group("week") else 14
        if span > most:
            raise CannotAnswer(f"{m.group(0).strip()!r}: the data's trips start over {span} days ({min(dates)} to "
                               f"{max(dates)}): name the {'week' if most == 7 else 'two weeks'}")  # fmt: skip
        question = question[: m.start()] + " " + question[m.end() :]
    return question


_TWO_UNITS = re.compile(
    rf"(\s(?:in|as)\s+(?:{UNIT_WORDS}))\s*(?:,|and|&|or)\s*(?:(?:in|as)\s+)?(?P<second>{UNIT_WORDS})(?=[\s,?.!]|$)",
    re.I,
)


def second_unit(question: str) -> tuple[str, str | None]:
    """ "the distance on 10 June, in km and in miles": the question asking in km only, and "mi" (the second unit,
    said in a note by ``second_unit_note``); (question, None) where one unit is asked."""
    m = _TWO_UNITS.search(question)
    if m is None:
        return question, None
    unit = ANSWER_UNITS.get(m.group("second").lower())
    if unit is None:
        return question, None
    return question[: m.start()] + m.group(1) + question[m.end() :], unit


def second_unit_note(
    metric: str | None, first: str | None, second: str, value: object
) -> str | None:
    """The answer's number in the second unit asked ("= 15.5 mi"), or None where the two units do not both fit the
    metric (the answer then stands in the first, and the note says the second could not be given)."""
    sizes = UNITS.get(metric or "", {})
    first = first or next(
        (u for u, size in sizes.items() if size == 1.0), None
    )  # the metric's own unit
    if first not in sizes or second not in sizes or not isinstance(value, (int, float)):
        return f"asked in {second} too: only {first or 'the unit above'} is given for this answer"
    return f"in {second}: {value * sizes[first] / sizes[second]:,.1f} {second}"


_COMPANY = re.compile(
    r"^\s*(?:who|whom)\s+(?:(?:was|were|am|is|are|did|do|does|have|had|has)\s+)?(?:i|we|me|us)\s+"
    r"(?:(?:was|were|been)\s+)?(?:with|meet|met|see|saw|seen|visit|visited|call|called|talk|talked|hang|hung)\b"
    r"|^\s*(?:who|whom)\s+(?:was|were|is|went|came|travell?ed|rode|walked)\s+(?:\w+\s+)?with\s+(?:me|us)\b"
    r"|^\s*with\s+whom\b",
    re.I,
)


def refuse_company(question: str) -> None:
    """ "who was i with on friday", "who did we meet": the people a mover was with or met are not in a trip table
    (one track per mover), refused in one line rather than answered with the day's trips (set 39 TR2)."""
    if m := _COMPANY.search(question):
        raise CannotAnswer(f"{m.group(0).strip()!r}: who a mover was with or met is not in the trip table (one "
                           "position track per mover): ask about the trips (how many, how far, how long)")  # fmt: skip
