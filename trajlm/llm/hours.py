"""The rule planner's reading of start hours: "between 7 and 9 am", "5-7pm", "10pm-6am",
"after 18:00", "after midnight but before 5", "at 8 o'clock", "midnight", "noon", "in the
morning" (trajlm/llm/rules.py uses it; the text tools are trajlm/llm/phrases.py).

Hours are the trip's start, UTC (``hour_from <= hour < hour_to``, wrapping midnight when
``hour_from > hour_to``). A part of the day beside hours given in numbers ("the evening peak
(5-7pm)", "late at night (10pm-6am)") names those hours: the numbers are kept, as are the
words "peak", "rush hour", "late", "early" (read only beside such hours; alone they name no
hours and are refused). A part of the day that does not overlap them is refused.
"""

from __future__ import annotations

import math
import re

from trajlm.llm.phrases import UNIT, QuestionText
from trajlm.llm.plan import CannotAnswer

# "lunch" is lunchtime's hours ("at lunch", "lunch time"; session 33, ask33b: it was mended into 'launch')
DAY_PARTS = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 22), "night": (22, 6),
             "lunch": (12, 14)}  # fmt: skip
# words that make "between 1h and 2h" a duration, not start hours
DURATION_VERB = r"\b(?:last(?:s|ed|ing)?|took|takes?|taking|duration)\s+(?:of\s+)?$"
# "5-7pm", "10pm-6am", "5 to 7 pm": a range written without "between" (the end has am/pm)
_RANGE = (
    r"\b(?:(?:between|from)\s+)?(\d{1,2})(?!\d)(?::00)?\s*(am|pm)?\s*(?:-|–|to|until|till)\s*"
    r"(\d{1,2})(?!\d)(?::00)?\s*(am|pm)\b|\b(\d{1,2}):00\s*(?:-|–)\s*(\d{1,2}):00\b"
)
LABELS = r"\b(?:off[\s-]?peak|peak|rush[\s-]hours?|rush|late|early)\b"


def _hour(n: str, suffix: str | None, minutes: int = 0) -> int | float:
    h = int(n)
    if suffix == "pm" and h < 12:
        h += 12
    if suffix == "am" and h == 12:
        h = 0
    return h + minutes / 60 if minutes else h


# "7:30", "7.30 am", "between 6.30 and 8": a clock time with minutes (session 17, set 15). Each is
# written back as "7:00" (the same length, so the hour patterns below read it) and its minutes
# kept by the position of its hour, then added to the hour read there (``_MINUTES``)
_CLOCK_MIN = (
    r"(?<![\d.:])(\d{1,2}):([0-5]\d)(?![\d.:])(?!\s*(?:" + UNIT + r")\b)"
    r"|\b(?:between|from|after|before|until|till|since|and|to|at)\s(\d{1,2})\.([0-5]\d)(?![\d.:])"
    r"(?!\s*(?:" + UNIT + r")\b)|(?<![\d.:])(\d{1,2})\.([0-5]\d)(?=\s*(?:am|pm)\b)"
)
_MINUTES: dict[int, int] = {}


def _clock_minutes(s: QuestionText) -> None:
    _MINUTES.clear()
    for m in reversed(list(re.finditer(_CLOCK_MIN, s.low))):
        g = next(i for i in (1, 3, 5) if m.group(i))
        hour, minute = m.group(g), int(m.group(g + 1))
        if int(hour) > 23 or re.search(
            DURATION_VERB.replace("$", r"(?:between\s+|from\s+)?$"), s.low[: m.start(g)]
        ):
            continue  # "lasted between 1:30 and 2 hours": a duration
        s.rewrite(m.start(g), m.end(g + 1), f"{hour}:00")
        if minute:
            _MINUTES[m.start(g)] = minute


def _h(m: re.Match, group: int, suffix: str | None) -> int | float:
    """The hour of ``group`` of a match with its am / pm and the minutes written there."""
    return _hour(m.group(group), suffix, _MINUTES.get(m.start(group), 0))


_HOUR_NUMBER = {w: i for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split(), 1)}  # fmt: skip
_HOUR_WORDS = "|".join(_HOUR_NUMBER)


def _hours(lo: float, hi: float) -> set[int]:
    lo, hi = int(lo), math.ceil(hi)
    return set(range(lo, hi)) if lo < hi else set(range(lo, 24)) | set(range(hi % 24))


def read_hours(s: QuestionText, f: dict) -> None:
    """Start-hour filters (``hour_from`` / ``hour_to``, UTC) into ``f``."""
    # "trips that crossed midnight" (set 36): a start and an end on two dates, not an hour ("12am" was refused)
    # "went / ran / drove past midnight" too, but "started / ended past midnight" are hours of the start / end
    over = re.search(r"\b(?:that\s+|which\s+)?(?:crossed|crosses|crossing|cross|spanned|spanning"
                     r"|(?:(?P<verb>[a-z]+)\s+)?(?:over|past|through|across))\s+midnight\b", s.low)  # fmt: skip
    ends = r"start\w*|began|begin\w*|left|leav\w*|depart\w*|end\w*|finish\w*|arriv\w*|return\w*|got\s+back"
    if over and not (over.group("verb") and re.fullmatch(ends, over.group("verb"))):
        s.take(re.escape(over.group(0)))
        f["over_midnight"] = True
    for m in reversed(list(re.finditer(r"\b(midnight|noon|midday)\b", s.low))):
        s.rewrite(*m.span(), "12am" if m.group(1) == "midnight" else "12pm")
    # an hour in words before am / pm / o'clock ("five pm", "seven o'clock"): its number (set 12)
    for m in reversed(list(re.finditer(rf"\b({_HOUR_WORDS})(?=\s*(?:am|pm|o'clock)\b)", s.low))):
        s.rewrite(*m.span(), str(_HOUR_NUMBER[m.group(1)]))
    _in_the_morning(s)
    _clock_minutes(s)
    h = r"(\d{1,2})(?!\d)(?::00)?\s*(am|pm|h)?"
    m = s.take(rf"\b(?:between|from)\s+{h}\s+(?:and|to|until)\s+{h}(?!\s*(?:{UNIT})\b)")
    clock = m is not None and (m.group(2) in ("am", "pm") or m.group(4) in ("am", "pm")
                               or ":" in m.group(0))  # fmt: skip
    if m and not clock and re.search(DURATION_VERB, s.low[: m.start()]):
        s.low = s.low[: m.start()] + m.group(0) + s.low[m.end() :]  # "lasted between 1h and 2h"
    elif m and (m.group(2) or m.group(4) or ":" in m.group(0)):
        suffix2 = m.group(4) if m.group(4) in ("am", "pm") else None
        part = re.match(r"\s*(?:in the |at )?(morning|afternoon|evening|night)\b", s.low[m.end() :])
        if (
            suffix2 is None and m.group(2) not in ("am", "pm") and part
        ):  # "6:30 and 7:30 in the morning"
            suffix2 = "am" if part.group(1) == "morning" else "pm"
        suffix1 = m.group(2) if m.group(2) in ("am", "pm") else suffix2
        f["hour_from"], f["hour_to"] = _h(m, 1, suffix1), _h(m, 3, suffix2)
    elif m and (p := re.match(r"\s*(?:in the |at )?(morning|afternoon|evening|night)\b",
                              s.low[m.end() :])):  # fmt: skip
        suffix = "am" if p.group(1) == "morning" else "pm"  # "between 7 and 9 in the morning"
        f["hour_from"], f["hour_to"] = _h(m, 1, suffix), _h(m, 3, suffix)
        s.low = s.low[: m.end()] + " " * p.end() + s.low[m.end() + p.end() :]
    elif m:  # "between 8 and 10" without am/pm/:00: not hours; put it back
        s.low = s.low[: m.start()] + m.group(0) + s.low[m.end() :]
    if "hour_from" not in f and (m := s.take(_RANGE)):
        if m.group(5):  # "17:00-19:00"
            f["hour_from"], f["hour_to"] = _h(m, 5, None), _h(m, 6, None)
        else:
            a, end = int(m.group(1)), m.group(4)
            # "5-7pm" is 17-19, "10-2pm" 10-14; "5-7am" 5-7, "10-6am" 22-6
            start = m.group(2) or (end if a % 12 < int(m.group(3)) % 12 else
                                   {"am": "pm", "pm": "am"}[end])  # fmt: skip
            f["hour_from"], f["hour_to"] = _h(m, 1, start), _h(m, 3, end)
    clock = r"(\d{1,2})(?:(?::00)?\s*(am|pm)\b|:00|\s*o'clock)"  # ":00 pm" too (set 15)
    if m := s.take(rf"\b(?:after|since|from)\s+{clock}"):
        f["hour_from"] = _h(m, 1, m.group(2))
        _bare_end(s, f, m.group(2))
    if m := s.take(rf"\b(?:before|until)\s+{clock}"):
        f["hour_to"] = _h(m, 1, m.group(2))
    if (
        f.get("hour_from") == 0 and "hour_to" not in f
    ):  # "after midnight" alone was every hour (set 25): the
        f["hour_to"] = DAY_PARTS["night"][
            1
        ]  # small hours, to the night's end (6 am), as "at night" ends
    if m := s.take(rf"\bat\s+{clock}"):
        if m.start(1) in _MINUTES:
            raise CannotAnswer(f"a start at {m.group(1)}:{_MINUTES[m.start(1)]:02d} exactly is rare: "
                               "give a range ('between 7:30 and 8 am')")  # fmt: skip
        f["hour_from"] = _hour(m.group(1), m.group(2))
        f["hour_to"] = f["hour_from"] + 1
    if f.get("hour_to") == 0:  # "until midnight", "between 8 pm and 12 am"
        f["hour_to"] = 24
    both = "hour_from" in f and "hour_to" in f  # hours given in numbers, both ends
    if both:
        while s.take(LABELS):  # "the evening peak (5-7pm)": a name of those hours
            pass
    elif m := re.search(
        r"\b(?:off[\s-]?peak|rush[\s-]hours?)\b", s.low
    ):  # alone: which hours? (set 15)
        eg = "between 10 am and 4 pm" if "off" in m.group(0) else "between 7 and 9 am"
        raise CannotAnswer(
            f"which hours are '{m.group(0)}'? they differ by city and service: give them ('{eg}')"
        )
    if (
        m := re.search(r"\b(?:that|this|the\s+same)\s+(morning|afternoon|evening|night)\b", s.low)
    ) and (
        f.get("date_from") is not None and f.get("date_from") == f.get("date_to")
    ):  # "on 3 December, how many jobs did AMB-15 start that morning" (set 26): that date's morning
        s.rewrite(*m.span(), f"in the {m.group(1)}")
    elif m:
        raise CannotAnswer(f"'{m.group(0)}' names no date: give the "
                           "date or the hours ('on 1 July', 'between 6 and 12')")  # fmt: skip
    for part, (lo, hi) in DAY_PARTS.items():
        if s.take(rf"\b(?:in the |at |during the )?{part}(?:s|[\s-]?time)?\b"):
            given = [f[k] for k in ("hour_from", "hour_to") if k in f]
            if (
                given and not both and lo > hi
            ):  # "at night before 5:30 am": 22:00-5:30 or 0:00-5:30? (set 15)
                raise CannotAnswer(f"'{part}' with one hour ({given[0]:g}) reads two ways: give both "
                                   "ends ('between 10 pm and 5 am', 'between midnight and 5 am')")  # fmt: skip
            if not both and (not given or lo > hi):
                f["hour_from"], f["hour_to"] = lo, hi
            elif (
                not both
            ):  # "in the morning after 9 am": 9-12, both said (it was 6-12, the hour dropped)
                f["hour_from"] = max(f.get("hour_from", lo), lo)
                f["hour_to"] = min(f.get("hour_to", hi), hi)
                if f["hour_from"] >= f["hour_to"]:
                    raise CannotAnswer(
                        f"'{part}' and the hour {given[0]:g} do not overlap: give one of them"
                    )
            elif not _hours(lo, hi) & _hours(f["hour_from"], f["hour_to"]):
                raise CannotAnswer(f"'{part}' and the hours {f['hour_from']}-{f['hour_to']} "
                                   "do not overlap: give one of them")  # fmt: skip


_HALF = r"(?:in the\s+)?(morning|afternoon|evening)|at\s+(night)"


def _in_the_morning(s: QuestionText) -> None:
    """ "before eight in the morning", "after 6 in the evening", "between seven and nine in the
    morning": an hour (number or word) with its half of the day is that hour am / pm (set 14)."""
    n = rf"(\d{{1,2}}|{_HOUR_WORDS})(?![\d:])"
    pat = rf"\b(before|after|until|till|since|by|from|at)\s+{n}\s+(?:{_HALF})\b"
    for m in reversed(list(re.finditer(pat, s.low))):
        hour = int(_HOUR_NUMBER.get(m.group(2), m.group(2)))
        part = m.group(3) or m.group(4)
        pm = part != "morning" and not (part == "night" and hour < 6)
        if 1 <= hour <= 12:
            s.rewrite(*m.span(), f"{m.group(1)} {hour} {'pm' if pm else 'am'}")
    pat = rf"\b(between|from)\s+{n}\s+(and|to)\s+{n}(?=\s+(?:{_HALF})\b)"
    for m in reversed(list(re.finditer(pat, s.low))):
        a, b = (str(_HOUR_NUMBER.get(m.group(i), m.group(i))) for i in (2, 4))
        s.rewrite(*m.span(), f"{m.group(1)} {a} {m.group(3)} {b}")


def _bare_end(s: QuestionText, f: dict, suffix: str | None) -> None:
    """ "after midnight but before 5", "after 8pm and before 11": an end hour without am/pm
    after a start hour with one, on the same half of the day unless it would end first."""
    m = s.take(
        rf"\b(?:but\s+|and\s+)?(?:before|until|till)\s+(\d{{1,2}}|{_HOUR_WORDS})(?![\d.:\w])"
        rf"(?!\s*(?:am|pm|o'clock|{UNIT})\b)"
    )
    if m is None:
        return
    n, lo = int(_HOUR_NUMBER.get(m.group(1), m.group(1))), f["hour_from"]
    if suffix is None or n >= 12:
        f["hour_to"] = n  # "after 18:00 but before 20"
    elif suffix == "pm":
        f["hour_to"] = n + 12 if n + 12 > lo else n  # 8pm-11 is 20-23; 10pm-5 is 22-5
    else:
        f["hour_to"] = n if n > lo else n + 12  # 12am-5 is 0-5; 9am-2 is 9-14
