"""The rule planner's filter readers (trajlm/llm/rules.py): trip and vehicle ids, stops,
bounds on speed / duration / length / stops, and the travel mode, each taken out of the
question's text into the plan's fields. Moved out of rules.py unchanged (session 33, tidy33).
"""

from __future__ import annotations

import re

from trajlm.llm.grounding import DataWords
from trajlm.llm.modes import MODES, RUN_WORDS
from trajlm.llm.phrases import (
    LENGTH_UNITS,
    NUM,
    SPEED_UNITS,
    STOP_WORDS_NEAR,
    TIME_UNITS,
    UNIT,
    QuestionText,
    num,
)
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.rule_words import ID_TOKEN, INCLUSIVE, LABELLED, LESS, MORE, NUMERIC_DATE

# "did not stop", "didn't stop (at all)", "never stopped", "without stopping", "with no stop(s)", "non-stop": no step
# slower than 1 m/s (a trip's longest stop 0 s; set 33: "how many van runs did not stop at all" was refused on 'not')
NO_STOP = (
    (
        r"(?:\b(?:(?:did\s+not|didn'?t|does\s+not|doesn'?t|do\s+not|don'?t)\s+stop|never\s+stopp(?:ed|ing)"
        r"|without\s+(?:a\s+|any\s+)?(?:stopping|stops?)|(?:with|had|made|having)\s+no\s+stops?)\b(?:\s+at\s+all\b)?"
        r"|\bnon-?stop\b)"
    )
    + r"(?!\s+(?:for|longer|more|over|at\s+least|under|less|than|\d))"
)  # "didn't stop for 5 min": not read


# "didn't stop for more than 5 minutes", "never stopped longer than 2 min": no stop longer than that (the trip's
# longest stop at most 5 min; ask33b). "didn't stop for 5 minutes" (no "more than") stays refused: two readings
_NOT = r"(?:did\s+not|didn'?t|does\s+not|doesn'?t|do\s+not|don'?t|never)"
NO_STOP_OVER = (
    rf"\b{_NOT}\s+stop(?:ped|s)?\s+(?:for\s+)?(?:more\s+than|longer\s+than|over)\s+(\d+(?:\.\d+)?)\s*"
    r"(hours?|hrs|h|minutes?|mins?|seconds?|secs?|s)\b"
)
# "did every van stop?", "did VAN-03 stop on Tuesday?": a yes / no question whose verb is "stop" asks for a stop of
# any length, the complement of "did not stop" (the trip's longest stop > 0 s; fixes are 1 s apart at least)
_DID_STOP = re.compile(
    r"^\s*(?:did|does|do|has|have)\b(?!.*\b(?:not|never|n't)\b).*\bstop(?:ped)?\s*\??\s*$"
    # "was MERIDIAN at anchor on Wednesday?" (ask34's paraphrases: "at anchor" is "stopped", synonyms.py)
    r"|^\s*(?:was|were)\b(?!.*\b(?:not|never|n't)\b).*\bstopped\s*\??\s*$"
    r"|^\s*(?:was|were)\b(?!.*\b(?:not|never|n't)\b).*\bstopped\s+"
    r"(?:on|at|in|during|between|before|after)\b(?!.*\b(?:for|longer|more|over|than)\b)"
    r"|^\s*(?:did|does|do|has|have)\b(?!.*\b(?:not|never|n't)\b).*\bstop(?:ped)?\s+"
    r"(?:on|at|in|during|between|before|after)\b(?!.*\b(?:for|longer|more|over|than)\b)",
    re.I,
)


def read_stops(s: QuestionText, f: dict, asked: str) -> None:
    """Stops said without a length bound into ``f``; ``asked`` is the question as read (lower
    case) before any phrase was taken."""
    # "didn't stop for more than 5 minutes": the longest stop <= 5 min (ask33b)
    if m := s.take(NO_STOP_OVER):
        f["max_stop_s"] = float(m.group(1)) * TIME_UNITS[m.group(2).lower()]
    if s.take(NO_STOP):  # "runs that did not stop (at all)": the longest stop 0 s (set 33)
        f["max_stop_s"] = 0.0
    # "did every van stop?": a stop at all (ask33b)
    elif _DID_STOP.match(asked) and s.take(r"\bstop(?:ped)?\b"):
        f["min_stop_s"] = 1.0


def read_ids(s: QuestionText, f: dict) -> None:
    """A trip id ("trip 12", "syn-000005_0") and a vehicle id ("taxi 20000589") into ``f``."""
    m = s.take(
        r"\b(?:trip|trajectory|traj|track|journey|ride)\s+(?:id\s+)?"
        rf"(?!{NUMERIC_DATE})([a-z0-9](?:[\w\-:.]|/(?=[a-z0-9]))*\d[\w\-:]*|\d(?![\w\-:./]))"  # "trip 1" (set 29)
    )
    if m:
        f["trip"] = s.original(m, 1)
    m = s.take(
        r"\b(?:(?:taxi|vehicle|user|driver)\s+(?:id\s+)?)?((?:user|taxi|vehicle)-?\d+)\b(?:'s\b)?"
    )
    if m is None:
        m = s.take(r"\b(?:taxi|vehicle|user|driver)\s+(?:id\s+)?(\d+)\b(?:'s\b)?")
    if m:
        if f.get("vehicle", s.original(m, 1)).lower() != s.original(m, 1).lower():
            raise CannotAnswer("two vehicles: ask about one at a time")
        f["vehicle"] = s.original(m, 1)
    if "trip" not in f and (m := s.take(ID_TOKEN)):  # "forecast syn-000005_0 ..."
        f["trip"] = s.original(m, 1)


def read_quantities(s: QuestionText, f: dict, strict: set[str]) -> None:
    """Bounds on speed, duration, length and stops ("between 2 and 5 km", "longer than 20
    min") into ``f``; a bound said without "at least" / "or more" adds its name to ``strict``."""
    s.take(
        rf"\b(?:with\s+)?(?:an?\s+)?(?:average|mean|avg)\s+speed\s+(?:was\s+|of\s+|is\s+)?(?={MORE}|{LESS}|between)"
    )
    s.take(rf"\baverag(?:ed?|ing)\s+(?:a speed\s+)?(?=(?:{MORE}|{LESS}|between)\s)")
    both = rf"\bbetween\s+{NUM}\s*({UNIT})?\s+and\s+{NUM}\s*({UNIT})\b"
    while m := s.take(both):
        stop = STOP_WORDS_NEAR.search(s.low[max(0, m.start() - 40) : m.start()]) is not None
        field, scale = quantity_field(m.group(4), stop)
        first, scale1 = quantity_field(m.group(2), stop) if m.group(2) else (field, scale)
        if first != field:  # "between 2 km and 10 min"
            raise CannotAnswer(f"'{m.group(0).strip()}' mixes two measures")
        f[f"min_{field}"], f[f"max_{field}"] = num(m.group(1)) * scale1, num(m.group(3)) * scale
    pattern = rf"(?<![\w<>=])({MORE}|{LESS})(?:\s+|(?<=[<>=])\s*){NUM}\s*(?:of\s+an?\s+)?({UNIT})\b(?:\s+on average\b)?"
    while m := s.take(pattern):
        stop = STOP_WORDS_NEAR.search(s.low[max(0, m.start() - 40) : m.start()]) is not None
        field, scale = quantity_field(m.group(3), stop)
        more = re.fullmatch(MORE, m.group(1)) is not None
        if field == "stop_s" and not more:
            raise CannotAnswer("only 'stopped longer than ...' is supported for stops")
        name = f"{'min' if more else 'max'}_{field}"
        f[name] = num(m.group(2)) * scale
        if m.group(1) not in INCLUSIVE:  # "longer than 20 min": not a stop of exactly 20
            strict.add(name)
    s.take(r"\bhad\s+a\s+stop\b")


def quantity_field(unit: str, stop: bool) -> tuple[str, float]:
    """The plan field a unit bounds (a time unit near a stop word bounds the stop) and its scale."""
    if unit in SPEED_UNITS:
        return "speed_kmh", SPEED_UNITS[unit]
    if unit in TIME_UNITS:
        return ("stop_s" if stop else "duration_s"), TIME_UNITS[unit]
    return "length_m", LENGTH_UNITS[unit]


def read_mode(s: QuestionText, f: dict, data_words: DataWords) -> None:
    """The travel mode ("by bike", "runs", "taxi-labelled trips") into ``f``, spelt as the
    data's label where it has one."""
    if "mode" in f:  # a label of the data (grounding.py); another mode word is left unread
        return
    m = re.search(RUN_WORDS, s.low)
    if m is not None:
        g = next(i for i in range(1, 5) if m.group(i))
        s.take(RUN_WORDS, group=g)
        mode = data_words.spelling("run", MODES["run"] + "|runs?|running")
        if "vehicle" in f and data_words.labels and mode not in data_words.labels:
            return  # "how many runs did BUS15 do", data without runners: the bus's trips
        f["mode"] = mode
        return
    for mode, words in MODES.items():
        ambiguous = mode in ("taxi", "car")  # also how Porto / T-Drive name every vehicle
        pat = (
            rf"\b(?:by|on|using|via|in a|mode|for)\s+(?:a\s+|the\s+|all\s+)?(?:{words})\b"
            if ambiguous
            else rf"\b(?:by|on|using|via|in a|mode)?\s*(?:a\s+|the\s+)?(?:{words})\b"
        )
        m = s.take(rf"\b(?:{words})\s*-?\s*{LABELLED}|\b{LABELLED}\s+(?:as\s+)?(?:{words})\b")
        m = m or s.take(pat)  # "taxi-labelled trips", "trips labelled as bike": the label
        if m is None and ambiguous:
            m = s.take(
                rf"\b(?:{words})\s+(?=trips?\b|journeys?\b|rides?\b)"
            )  # "taxi trip length" (set 14)
        if m is not None:
            f["mode"] = data_words.spelling(mode, words)  # "flights": the data's "plane"
            return
