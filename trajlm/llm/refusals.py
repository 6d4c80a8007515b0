"""What the rule planner refuses before reading a question (trajlm/llm/rules.py): code or
change requests and relative dates (``guard``, also run before the language-model planners),
a trip's fastest moment, answers per group ("average speed per mode", "which user made the
most trips"), counts of vehicles or users rather than trips (``refuse_before_reading``); and
the patterns the planner refuses after reading (a stop without its length: ``STOPPED``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from trajlm.llm.phrases import QuestionText
from trajlm.llm.plan import CannotAnswer

FORBIDDEN = re.compile(
    r"\b(delete|drop|remove|update|insert|modify|overwrite|write|execute|exec|eval|import|sql"
    r"|shell|sudo|rm|password|credentials?|ignore (all |the )?(previous|above) instructions"
    r"|os\.system|subprocess)\b|__|;\s*--"
)
RELATIVE = re.compile(
    r"\b(yesterday|today|tomorrow|tonight|(?:last|this|next|past) (?:week|month|year|weekend))\b"
    r"(?! of (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"  # "the last week of March"
)
# questions whose answer is one row per group ("average speed per mode", "which user made the
# most trips"): no plan has a group-by, so they are refused rather than answered for all trips
GROUP_WORDS = (r"(?:transport\s+)?(?:modes?|users?|vehicles?|drivers?|taxis?|days?|weekdays?|hours?"
          r"|(?:start|starting|departure|pickup)\s+(?:hours?|times?)"  # "median length by start hour" (set 21)
          r"|months?|dates?|day of (?:the )?week|hour of (?:the )?day)")  # fmt: skip
_KINDS = (r"(?:bikes?|bicycles?|cars?|bus|buses|ships?|vessels?|boats?|vans?|trucks?|lorry|lorries"
          r"|couriers?|ferry|ferries|tugs?)")  # fmt: skip
GROUPED = (
    rf"(?<!km )(?<!miles )\b(?:per|for each|for every|each|broken down by|grouped by|group by|across)"
    rf"\s+(?:the\s+)?{GROUP_WORDS}\b(?!\s*[-_]?\d)"
    rf"|\bby\s+(?:the\s+)?{GROUP_WORDS}\b(?!\s*[-_]?\d)(?!\s+(?:trips|journeys|rides))"
    rf"|\b(?:which|what)\s+{GROUP_WORDS}\b(?!\s*[-_]?\d)(?!\s+(?:trips|journeys|rides))"
    # "how many trips per bike / each bike made": per vehicle of a kind, not "by bike" (session 15)
    rf"|\b(?:per|for each|for every|each)\s+(?:the\s+)?{_KINDS}\b(?!\s*[-_]?\d)"
    r"(?!\s+(?:trips?|journeys?|rides?|voyages?|tracks?|runs?|crossings?|sailings?))"
    # "total km per vehicle" (a van after synonyms.py): per vehicle, not a speed ("km per hour") (session 18)
    r"|\b(?:per|for each|for every)\s+(?:the\s+)?(?:vehicles?|drivers?|users?|taxis?)\b(?!\s*[-_]?\d)"
    r"(?!\s+(?:trips?|journeys?|rides?|voyages?|tracks?|runs?|crossings?|sailings?))"
)
# "which bus covered the most miles in total?": one bus asked for, so a count, total or mean over
# the trips answers another question (session 18: 464.7 mi, every bus trip's sum); read after the
# action, since "which bus was the fastest?" is the top trip, with its vehicle
WHICH_KIND = (
    rf"\bwhich\s+(?:of\s+the\s+)?(?:{_KINDS}|vehicles?|drivers?|taxis?|users?)\b(?!\s*[-_#]?\d)"
    r"(?!\s+(?:trips?|journeys?|rides?|voyages?|tracks?|runs?|crossings?|sailings?|rounds?))"
)
# a count of vehicles or users, not trips ("how many taxis are there"): no plan counts them
# ("how many people were walking" is a count of walks, as ask_eval has it)
COUNTED = (
    r"\b(?:how many|count(?:\s+the)?|number of)\s+(?:(?:distinct|different|unique)\s+)?"
    r"(?:vehicles|users|taxis|drivers)\b(?!\s+(?:trips|journeys|rides|tracks))"
)
# time spent inside a place ("how much time did people spend within 500 m of X"): only
# whether a trip came near it is known; a sum of those trips' durations is another number
TIME_INSIDE = (
    r"\b(?:time|hours?|minutes?|long)\b[^?.]*\b(?:spen[dt]|spending|stay(?:ed|ing)?|remain(?:ed)?)\b"
    r"[^?.]*\b(?:within|near|inside|at|in)\b[^?.]*(?:\d\s*(?:m|km|mi|metres|meters)\b|-?\d+\.\d+\s*,)"
    r"|\b(?:spen[dt]|spending)\b[^?.]*\b(?:within|near|inside)\b"
)
# set 21 (status.md Open 8), each refused in one line naming what is asked: the distance from a trip's start or a
# place ("how far from the depot did TRK-01 get"), places visited ("how many different places did VAN-02 stop at"),
# two groups of the day compared ("were night runs faster than daytime runs"), time at home
FROM_START = (
    r"\b(?:how\s+far\s+(?:away\s+)?(?:did\s+\S+\s+(?:get|go|travel|move)\s+)?from|(?:furthest|farthest|greatest"
    r"|maximum|max|largest)\s+(?:distance\s+)?(?:away\s+)?from|distance\s+(?:away\s+)?from)\s+(?:the\s+|its\s+|their\s+"
    r"|my\s+|his\s+|her\s+)?(?:start\w*(?:\s+point)?|first\s+(?:fix|point)|origin|depot|home|base|where\b)"
)
PLACES_VISITED = (r"\b(?:different|distinct|unique|separate)\s+(?:places|locations|stops|sites|addresses|customers"
                  r"|spots|destinations)\b")  # fmt: skip
_PART = r"(?:daytime|day|night|night-time|nighttime|mornings?|afternoons?|evenings?|weekends?|weekdays?|dark|daylight)"
COMPARED = (rf"\b{_PART}\b[^?.]*?\b(?:or|than|vs\.?|versus|compared\s+(?:to|with))\s+(?:in\s+the\s+|at\s+|on\s+"
            rf"|during\s+(?:the\s+)?|by\s+)?{_PART}\b")  # fmt: skip
AT_HOME = r"\b(?:time|hours?|minutes?|long|days?)\b[^?.]*\b(?:at|in)\s+(?:home|the\s+office|work)\b"
# a share of the trips ("what share / percentage / fraction / proportion of trips ..."): a
# ratio of two counts, which no plan expresses (session 14, set 12)
SHARE = (r"\b(?:what|which)\s+(?:share|percentage|percent|fraction|proportion|portion|ratio)\b"
         r"|\b(?:share|percentage|percent|fraction|proportion|%)\s+of\b"
         r"|\bhow many\s+(?:percent|%)")  # fmt: skip
# a stop without its length, left after the filters and the action ("how many trips stopped",
# "trips with a pause"): which trips is unclear (every trip has slow fixes somewhere)
STOPPED = r"\b(?:stops?|stopped|stopping|stationary)\b"
# the fastest moment of a trip is not in the trip table (speed filters are mean speeds)
MOMENT_SPEED = (
    r"\b(?:maximum|max|top|peak|instantaneous)\s+speed\b(?!\s+(?:of\s+)?(?:average|mean))"
    r"|\b(?:reached|reach|reaches|hit|hits|touched)\b.*\d\s*(?:km/h|kmh|kph|mph|m/s|knots|kn|kts)\b"
    r"|\bat (?:some|any) point\b"
    # "the highest speed any tug reached (in knots)": a moment, with or without a number (session 15)
    r"|\bspeeds?\b[^?.]*\b(?:reached|attained|achieved|recorded|hit)\b"
)


# measures a trip table does not have (session 17, set 15: "average elevation", "heart rate"
# were refused as "of which measure?", as if the question had only left the measure out)
NOT_IN_TABLE = (
    r"\b(elevations?|altitudes?|height above|ascents?|descents?|climb(?:ed|ing)?|gradients?"
    r"|heart[\s-]?rates?|pulse|cadence|calories|temperatures?|fuel|battery"
    # what a fleet records beside its tracks (set 16: "passengers boarded", "boardings", "wind speed")
    r"|passengers?|boardings?|ridership|occupancy|fares?|tickets?|revenue|wind\s+speeds?|wind)\b"
)


# what people beside the tracks did, or what a vehicle is, which no column of a store holds (set 31: "how long did
# members wait for a patrol to arrive" was "'how long': in total or on average?", "which car models broke down most
# often" was "of which measure?"): the refusal names what is missing. A vehicle's own wait ("how long did V3 wait at
# the depot") is its stopped time, read elsewhere
NOT_RECORDED = (
    (r"\b(?:members?|customers?|clients?|callers?|patients?|passengers?|owners?|motorists?|people|users?)\s+"
     r"(?:had\s+to\s+|have\s+to\s+|did\s+)?wait(?:ed|ing|s)?\b"
     r"|\bwait(?:ed|ing)?\s+for\s+(?:a|an|the|their|its)\s+[\w-]+\s+to\s+(?:arrive|come|turn\s+up|show\s+up)\b",
     "how long people waited"),
    (r"\b(?:car|vehicle|van|truck|bike|cab|taxi)\s+(?:models?|makes?|brands?)\b|\bmakes?\s+(?:and|or)\s+models?\b",
     "what model or make a vehicle is"),
    # punctuality against a timetable (set 11's "was BUS12 on time in the week of March 16" was refused by its week
    # until session 37 read a Monday's week, then listed BUS12's trips as if that answered it): no schedule is kept
    (r"\bon[\s-]time\b|\bpunctual(?:ity|ly)?\b|\b(?:behind|ahead\s+of)\s+schedule\b|\btimetabled?\b"
     r"|\b(?:arrived?|ran|run|running|served|delivered|was|were)\s+(?:\w+\s+)?late\b(?!\s+(?:shift|at\s+night|in\s+the))",
     "a timetable to be on time or late against"),
)  # fmt: skip


# a part of one run: a km's split, a half's (set 35: "Amara's fastest km on 13 September" listed her whole run, as
# "the fastest trip"; "did Jonas run a negative split" was "did not understand")
SPLITS = (
    r"\b(?:fastest|slowest|quickest|best|worst)\s+(?:single\s+)?(?:km|kilomet(?:re|er)|mile|lap|split|half)\b(?!\s*/|\s+(?:per|an?)\s)"
    r"|\b(?:negative|positive|even)\s+splits?\b|\b(?:km|kilomet(?:re|er)|mile|lap)\s+splits?\b|\bsplit\s+times?\b"
)


PLACE_KINDS = (
    r"\b(?:the\s+)?(?:gym|supermarket|restaurants?|caf[eé]s?|church|cinema|parking\s+(?:spots?|places?|lots?|bays?)"
    r"|car\s+parks?)\b|\b(?:which|what|busiest|favou?rite|most\s+visited)\s+places\b"
)


def refuse_not_recorded(low: str) -> None:
    """Refuse (one line) a question (its own words, lower-cased: before any rewriting, which reads set 27's "the
    crew haul" as "vehicle make") about what no store column holds (``NOT_RECORDED``), naming it; and one about
    a part of a run (``SPLITS``), which no answer computes."""
    if m := re.search(SPLITS, low):
        raise CannotAnswer(f"splits ({m.group(0)!r}: the time of one km, mile or half within a run) are not "
                           "computed: ask about a whole trip's duration, pace or speed")  # fmt: skip
    # "how often did I go to the gym", "which places are the busiest parking spots" (set 36): places by their kind
    # or a person's name for them, which no store holds (was "did not understand 'often gym'")
    # ... unless given by its coordinates ("ended near the gym at 52.35, 4.95": a named spot, endpoints.SPOT)
    if (m := re.search(PLACE_KINDS, low)) and not re.search(
        r"-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+", low
    ):
        raise CannotAnswer(f"places by what they are ({m.group(0)!r}) are not in the data: it holds positions, not "
                           "what is there; give a place by its coordinates (e.g. 'how many trips ended within 200 m "
                           "of 43.66, -79.44')")  # fmt: skip
    # "how many hired trips did each taxi make": "make" the verb, not a taxi's make (set 36)
    low = re.sub(r"\b(did\s+(?:each|every|any|the|that|this)\s+\w+)\s+make\b", r"\1 do", low)
    for pattern, what in NOT_RECORDED:
        if m := re.search(pattern, low):
            raise CannotAnswer(f"{what} ({m.group(0)!r}) is not in the data: a store holds the trips' times and "
                               "positions (with their ids and labels), and what follows from them (duration, "
                               "distance, speed, stops)")  # fmt: skip


def guard(question: str) -> None:
    """Refuse, before any planner, what no plan should come from: empty or very long
    questions, requests to change data or run code, and relative dates (the data's "today" is
    not known)."""
    if not question or not question.strip():
        raise CannotAnswer("the question is empty")
    if len(question) > 500:
        raise CannotAnswer("the question is longer than 500 characters")
    if not re.search(r"[A-Za-z]{2,}", question):
        raise CannotAnswer("the question has no words")
    low = QuestionText(question).low
    if FORBIDDEN.search(low) or re.search(r"[{}\[\]`$\\]|[A-Za-z_]\(", question):
        raise CannotAnswer("only read-only questions about the trips are answered; "
                           "no changes, no code")  # fmt: skip
    if m := re.search(CONTACT, low):  # before the data's ids are read ("person P03")
        raise CannotAnswer(f"how close movers came to each other ({m.group(0)!r}) is not computed: each trip "
                           "is read alone; ask 'within 50 m of LAT,LON' for a place")  # fmt: skip
    if (m := RELATIVE.search(low)) is not None:
        if n := re.search(
            NOT_IN_TABLE, low
        ):  # "fuel ... last week": the fuel is the reason (set 16)
            raise CannotAnswer(f"{n.group(0)!r} is not in the trip table: only times, positions and what "
                               "follows from them (duration, distance, speed, stops) are read")  # fmt: skip
        raise CannotAnswer(f"relative dates ('{m.group(0)}') are not supported: "
                           "give a date such as 2024-03-18")  # fmt: skip


# how close two movers came at the same time (contacts; session 20: "within 50 m of person P03" was "radius_m needs
# a place or lat/lon"): each trip is read alone
CONTACT = (r"\b(?:within|closer than|less than)\s+\d+(?:\.\d+)?\s*(?:m|km|metres?|meters?|miles?|ft|feet)\s+of\s+"
           r"(?:(?:the\s+)?(?:person|participant|patient|subject|individual|animal|driver|user|vehicle|case)\b"
           r"|each other|one another|another\b|any other\b)")  # fmt: skip


# (pattern, what the words ask for, why not and what to ask instead): refused in one line each
NOT_MEASURED = (
    (FROM_START, "the distance from a trip's start or a place", " is not in the trip table, only "
     "the length travelled: ask 'how far did X travel' or 'how many trips came within 5 km of "
     "LAT,LON'"),
    (PLACES_VISITED, "places visited", " are not counted: each trip keeps its times, length and "
     "longest stop; ask how many trips came within 100 m of LAT,LON"),
    (COMPARED, "two groups compared", ": ask about each in turn ('average speed of trips at "
     "night', then '... in the daytime')"),
    (AT_HOME, "time at a place", " is not measured: the data holds trips, not where someone "
     "stays between them"),
    (TIME_INSIDE, "time spent inside a place", " is not measured: ask how many trips came within "
     "it, or list them"),
    (SHARE, "shares and percentages", " are not computed: ask 'how many trips ...' with and "
     "without the condition"),
    (COUNTED, "only trips are counted", ": ask 'how many trips ...', or about one vehicle or user"),
)  # fmt: skip


# "how many outings did W1X row in total, in km?" (set 28 paraphrase): a count asked in a unit was answered as the
# count (7), the unit dropped; the total is asked "how many km"
COUNT_IN_UNIT = re.compile(
    r"^\s*how\s+many\s+trips\b[^?]*?,?\s+(in\s+(km|kilomet(?:er|re)s|miles|metres|meters|nautical\s+miles|hours"
    r"|minutes|seconds))\s*\??\s*$"
)


def refuse_before_reading(low: str, said: Callable[[str], str] = str.strip) -> None:
    """Refuse a question (its lower-cased text) that no plan expresses, before any filter is
    read; ``said`` turns a matched phrase back into the question's own words."""
    if m := re.search(NOT_IN_TABLE, low):
        raise CannotAnswer(f"{said(m.group(0))!r} is not in the trip table: only times, positions and what follows "
                           "from them (duration, distance, speed, stops) are read")  # fmt: skip
    if re.match(
        r"\s*where\s+(?:did|does|do|was|were|is|are|has|have)\b", low
    ):  # a place (session 20: listed)
        raise CannotAnswer("'where ...' asks for a place, which is not an answer here: trips are counted, listed or "
                           "measured; ask e.g. 'describe trip X' or 'how many trips came within 500 m of LAT,LON'")  # fmt: skip
    if re.search(MOMENT_SPEED, low) and not re.search(r"\b(?:average|mean|avg)\b", low):
        raise CannotAnswer("a trip's fastest moment is not stored: ask about its mean speed "
                           "('trips faster than 30 km/h on average')")  # fmt: skip
    if m := re.search(GROUPED, low):
        words = said(m.group(0))
        one = " (or 'which trip ...': one trip, with its vehicle)" * bool(
            words.startswith("which")
            and re.search(r"\b(?:longest|shortest|fastest|slowest|furthest|farthest)\b", low)
        )  # "which van stopped the longest": its longest stop or all its stops? ask
        raise CannotAnswer(f"answers per group ({words!r}) are not supported: "
                           f"ask about one mode, user or time at a time{one}")  # fmt: skip
    if m := re.search(COUNT_IN_UNIT, low):
        raise CannotAnswer(f"a count of trips asked {said(m.group(1))!r}: ask 'how many {m.group(2)} did ...' "
                           "for a total, or 'how many trips ...' for a count")  # fmt: skip
    for pattern, what, advice in NOT_MEASURED:  # one refusal line each, naming the words
        if m := re.search(pattern, low):
            raise CannotAnswer(f"{what} ({said(m.group(0))!r}){advice}")


def refuse_group_total(low: str, plan: dict, said: Callable[[str], str] = str.strip) -> None:
    """Refuse "which bus ... the most miles in total" once its action is known (``plan``: the fields
    read): a number over all the trips (count, sum, mean, ...) does not name a bus, nor does a list
    of trips when a most / least is asked, nor the one longest trip when a total is (session 18, set 16)."""
    action = plan.get("action", "")
    ranked = action == "list" and re.search(
        r"\b(?:most|least|fewest)\b", low
    )  # "which bus drove the most km"
    totals = action in ("count", "sum", "mean", "median", "percentile")
    added = plan.get("metric") in (
        "length_m",
        "duration_s",
        "stop_s",
        "n_points",
    )  # not "fastest overall"
    totals = totals or (
        action == "top"
        and added
        and re.search(r"\b(?:in total|overall|altogether|combined|in all)\b", low)
    )
    if (totals or ranked) and (m := re.search(WHICH_KIND, low)):
        raise CannotAnswer(f"answers per group ({said(m.group(0))!r}) are not supported: ask about one "
                           "vehicle at a time, or 'which trip ...': one trip, with its vehicle")  # fmt: skip


# a time per stop ("the average dwell time of buses at stops", session 19): each trip keeps only its longest stop, so
# the mean of those is not a dwell per stop (it answered 71.8 s, the mean longest stop)
STOP_EVENTS = re.compile(
    # "the average stop length of LV21 KXR" was the mean of its trips' longest stops (30.5 min for 7.3; set 36)
    r"\b(?:stop|stopping)\s+(?:length|duration)s?\b|\b(?:length|duration)\s+of\s+(?:a\s+|each\s+|the\s+|its\s+)?stops\b"
    r"|\bdwell\w*|\b(?:at|per|for|each|every|all)\s+(?:the\s+|each\s+|every\s+)?(?:bus\s+|tram\s+)?stops?\b"
    r"(?!\s+(?:longer|shorter|of|over|under|more|less|for\s+(?:more|less|longer|over|under|at|\d))\b)",
    re.I,
)


def refuse_stop_events(plan: Any, question: str) -> None:
    """Refuse a mean / median / total / percentile of stops asked per stop (a dwell, "at stops", "per stop")."""
    if plan.metric != "stop_s" or plan.action not in ("mean", "median", "sum", "percentile"):
        return
    if re.search(r"\blongest\b", question, re.I) or not STOP_EVENTS.search(question):
        return
    raise CannotAnswer("of a time per stop only the average is read ('the average stop length of VAN-02'): the "
                       "trip table keeps each trip's longest stop; ask e.g. 'the average longest stop of bus trips'")  # fmt: skip
