"""Words of trades and places no earlier set used (ask39b's fresh measure, set 39b), read with world_words before
the trip nouns: a snowcat fleet's "groom" and a ship's "steam" (travel), a voyage's "legs" and a courier's "drops"
(trips), "speed over ground" (speed), a 24-hour clock written "0600", Australian English ("arvo", "kays", "all up"),
a study's own period ("across the pilot", "over the evaluation period": the whole data), "time-wise" after an
average's extreme, and one label before another label's noun ("speed pedelecs" on pedelec / speed: speed).

Each rule is a kind of wording, not one question's words; a word that is one of the data's labels stays the label.
docs/llm.md "Session 39 (ask39b)" names the question each was tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_W, _E = r"(?<![\w\-])", r"(?![\w\-])"
_DET = (r"the|a|an|one|each|per|every|first|last|longest|shortest|fastest|slowest|average|mean|typical|median"
        r"|which|what|that|this|my|our|your")  # fmt: skip

# (pattern, replacement, the words that make it stand where they are a label)
TRADE_WORDS: list[tuple[str, str, tuple[str, ...]]] = [
    # a snowcat grooms its runs, a ship steams: travel ("grooming machines", "steam engine" stay)
    (r"grooms", "travels", ("groom",)),
    (r"groomed", "travelled", ("groom",)),
    (r"grooming(?!\s+machines?\b)", "travelling", ("groom",)),
    (r"groom", "travel", ("groom",)),
    (r"steams", "travels", ("steam",)),
    (r"steamed", "travelled", ("steam",)),
    (r"steaming", "travelling", ("steam",)),
    (r"steam(?!\s+(?:engines?|trains?|locomotives?|ships?|boats?)\b)", "travel", ("steam",)),
    # a voyage's legs, a courier's drops are its trips ("legs of the voyage", "drop-offs", "drops in speed", "drop
    # the table" stay: the verb is no trip)
    (r"legs(?!\s+(?:of|per)\b)", "trips", ("leg",)),
    (rf"((?:{_DET})\s+)leg(?!\s+(?:of|id|ids|number|no)\b)", r"\1trip", ("leg",)),
    (r"(?<!speed\s)(?<!signal\s)drops(?!\s+(?:in|of|off|below|under|to)\b)", "trips", ("drop",)),
    (
        rf"((?:{_DET})\s+)drop(?![\s-]*offs?\b)(?!\s+(?:id|ids|number|no|in|of)\b)",
        r"\1trip",
        ("drop",),
    ),
    # a ship's speed over ground (SOG) is its speed ("course over ground" is no speed)
    (r"speed\s+over\s+(?:the\s+)?ground|sog", "speed", ()),
    # Australian English: the afternoon, kilometres, in total ("all up" closing a clause)
    (r"arvo", "afternoon", ("arvo",)),
    (r"kays|klicks|klics", "km", ()),
    (
        r"all\s+up(?=\s*(?:[?.!,]|$)|\s+(?:on|in|over|during|between|from|since|last|this)\b)",
        "in total",
        (),
    ),
    # a study's own period is the whole data ("across the pilot", "over the evaluation period"; not "the season",
    # which a resort's data may not span)
    (
        r"(?:across|over|during|throughout)\s+the\s+(?:whole\s+|entire\s+|full\s+)?(?:pilot(?:\s+(?:period|scheme"
        r"|programme|program|project))?|trial(?:\s+period)?|evaluation(?:\s+period)?|study(?:\s+period)?"
        r"|monitoring\s+period|campaign|cruise|deployment|survey\s+period)",
        "",
        ("pilot", "trial", "evaluation", "study", "campaign", "cruise", "deployment"),
    ),
]
# "which driver groomed the most km" asks who drove, which no trip table holds (set 29 AR4: refused): the verb
# after a person stays unread
_PERSON_BEFORE = re.compile(
    r"\b(?:which|what)\s+(?:drivers?|operators?|pilots?|crews?|persons?|people|workers?|staff|employees?|members?)"
    r"\s+$",
    re.I,
)
_TRADE_WORDS = [(re.compile(rf"{_W}(?:{p}){_E}", re.I), to, keep) for p, to, keep in TRADE_WORDS]

# "the shortest drops on average, time-wise", "the longest average trip duration": the mean of the measure named
# ("the shortest trips on average" without a measure stays asked: of time or of distance?)
_TIME = r"time[\s-]?wise|in\s+time|by\s+(?:duration|time)"
_DISTANCE = r"distance[\s-]?wise|length[\s-]?wise|in\s+distance|by\s+(?:distance|length)"
_AVERAGE_EXTREME = re.compile(
    rf"\bthe\s+(?P<x>shortest|longest)\s+(?:trips?\s+)?(?:on\s+average|in\s+average)\s*,?\s*(?:(?P<t>{_TIME})"
    rf"|(?P<d>{_DISTANCE}))\b"
    r"|\bthe\s+(?P<x2>shortest|longest)\s+(?:average|mean)\s+(?:trip\s+)?(?:(?P<t2>duration|time)|(?P<d2>length"
    r"|distance))\b",
    re.I,
)

# a 24-hour clock written without a colon ("between 0600 and 1800", "after 2130 hrs"): HH:MM; a four-digit number is
# read so only where one of the pair opens with 0 or "hrs" follows it (a year, "between 2019 and 2020", stays)
_HHMM = r"(?:[01]\d|2[0-3])[0-5]\d"
_PAIR = re.compile(rf"\b(between|from)\s+({_HHMM})\s*(?:hrs?|hours)?\s+(and|to|until|till)\s+({_HHMM})"
                   r"(?:\s*(?:hrs?|hours)\b)?(?![\d:])", re.I)  # fmt: skip
_ONE = re.compile(
    rf"\b(before|after|at|by|until|till|since)\s+(0\d[0-5]\d|{_HHMM}(?=\s*(?:hrs?|hours)\b))(?:\s*(?:hrs?|hours)\b)?"
    r"(?![\d:])",
    re.I,
)


def _clock(hhmm: str) -> str:
    return f"{hhmm[:2]}:{hhmm[2:]}"


def clock_hhmm(question: str) -> str:
    """ "between 0600 and 1800" -> "between 06:00 and 18:00"; "after 2130 hrs" -> "after 21:30" (see ``_PAIR``)."""

    def pair(m: re.Match) -> str:
        a, b = m.group(2), m.group(4)
        if not (
            a.startswith("0") or b.startswith("0") or re.search(r"hrs?|hours", m.group(0), re.I)
        ):
            return m.group(0)
        return f"{m.group(1)} {_clock(a)} {m.group(3)} {_clock(b)}"

    question = _PAIR.sub(pair, question)
    return _ONE.sub(lambda m: f"{m.group(1)} {_clock(m.group(2))}", question)


def one_label_before_another(question: str, labels: Sequence[str]) -> str:
    """ "speed pedelecs" where both "speed" and "pedelec" are labels: the first (the second names what it is a kind
    of), so that the two are not read as two labels asked at once."""
    kinds = [lab for lab in labels if re.fullmatch(r"[a-z][a-z\-]+", lab)]
    for first in kinds:
        for second in kinds:
            if first != second:
                question = re.sub(rf"{_W}({re.escape(first)})\s+{re.escape(second)}(?:s|es)?{_E}", r"\1",
                                  question, flags=re.I)  # fmt: skip
    return question


def trade_words(question: str, labels: Sequence[str] = ()) -> str:
    """``question`` with ``TRADE_WORDS`` read (a word the data has as a label stays), an average's extreme with its
    measure ("the shortest drops on average, time-wise": the lowest mean trip duration), a 24-hour clock's
    "0600" and one label before another's noun read."""
    for rx, to, keep in _TRADE_WORDS:
        if any(
            re.search(rf"(?<![a-z]){k}(?:s|ed|ing)?(?![a-z])", lab.lower())
            for lab in labels
            for k in keep
        ):
            continue  # "groomed" where a label is "grooming" / "winch grooming": work_words reads the label's verb
        question = rx.sub(lambda m, to=to: m.group(0) if _PERSON_BEFORE.search(m.string[: m.start()]) else m.expand(to),
                          question)  # fmt: skip

    def extreme(m: re.Match) -> str:
        word = "lowest" if (m.group("x") or m.group("x2")).lower() == "shortest" else "highest"
        timed = m.group("t") or m.group("t2")
        return f"the {word} mean trip {'duration' if timed else 'length'}"

    question = _AVERAGE_EXTREME.sub(extreme, question)
    return one_label_before_another(clock_hhmm(question), labels)
