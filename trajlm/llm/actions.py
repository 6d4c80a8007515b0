"""The rule planner's actions: what a question asks done with the trips its filters select.

``read_action`` reads, after the filters (trajlm/llm/rules.py), predict / describe with a
horizon, top-k ("top 5", "show 20"), a ranking by a named measure ("by distance, fastest
first", "the highest average speed", superlatives), aggregates (mean, median, sum, "how many
hours ...") with the answer's unit ("in km"), a count or a list. Each phrase it reads is
blanked out of the question, as the filters' are.
"""

from __future__ import annotations

import re

from trajlm.llm.calendar import START_HOUR, START_TIME
from trajlm.llm.phrases import NUM, STOP_WORDS_NEAR, UNIT, QuestionText, num
from trajlm.llm.plan import AGGREGATES, UNITS, CannotAnswer

# a unit the answer is asked in ("average length in km"): values are reported in the metric's
# own unit (metres, seconds, km/h), which the printed plan names
UNIT_WORDS = (
    r"metres per minute|meters per minute|m/min|min/km|min/mi|s/km|s/mi|miles per hour|km per hour|kilometres per hour|kilometers per hour|metres per second"
    r"|meters per second|km/h|kmh|mph|m/s|km|kilometres|kilometers|metres|meters|miles|minutes"
    r"|mins|min|hours|hrs|seconds|secs|nautical miles|nautical mile|knots|knot|kts|kt|kn|nmi|nm"
)
ANSWER_UNIT = (  # "average length in km", "mean trip length near X, km": the last words
    rf"(?<![\d.])\s(?:in|as)\s+({UNIT_WORDS})(?=[\s,]|[.!]\s*$)|,\s*({UNIT_WORDS})\s*$"  # "..., in km." (ask37b)
)
# "how many hours ...", "total km cycled": a unit standing for the measure it is in
UNIT_ALONE = rf"\b(?:how many\s+)?({UNIT_WORDS})\b"
# superlatives that rank by a named metric: word -> smallest first?
EXTREMES = {"greatest": False, "largest": False, "biggest": False, "highest": False,
            "most": False, "maximum": False, "max": False, "smallest": True, "lowest": True,
            "least": True, "fewest": True, "minimum": True, "min": True}  # fmt: skip
METRIC_WORDS = r"paces?|speeds?|distances?|lengths?|durations?|time|stops?|stop time|points|fixes"
ANSWER_UNITS = {"km/h": "km/h", "kmh": "km/h", "mph": "mph", "m/s": "m/s", "km": "km", "hrs": "h",
                "kilometres": "km", "kilometers": "km", "metres": "m", "meters": "m", "miles": "mi",
                "minutes": "min", "mins": "min", "min": "min", "hours": "h", "seconds": "s",
                "secs": "s", "miles per hour": "mph", "km per hour": "km/h",
                "kilometres per hour": "km/h", "kilometers per hour": "km/h",
                "metres per second": "m/s", "meters per second": "m/s",
                "metres per minute": "m/min", "meters per minute": "m/min", "m/min": "m/min",  # set 27
                # ships (session 15): 1 kn = 1.852 km/h, 1 nmi = 1852 m (plan.UNITS)
                "knots": "kn", "knot": "kn", "kts": "kn", "kt": "kn", "kn": "kn",
                "nautical miles": "nm", "nautical mile": "nm", "nmi": "nm", "nm": "nm",
                "min/km": "min/km", "min/mi": "min/mi", "s/km": "s/km", "s/mi": "s/mi"}  # fmt: skip
# a pace's unit as runners write it ("minutes per mile", "mins/km", "min per kilometre"), read as one word
PACE_UNIT = r"\b(min(?:ute)?s?|s|secs?|seconds?)\s*(?:/|per|a|an|each)\s*(?:(km|kilomet(?:re|er)s?)|mi(?:les?)?)\b"
# the measure a unit is a unit of (a time unit is a duration unless stops are asked about)
UNIT_METRIC = {"km/h": "speed_kmh", "mph": "speed_kmh", "m/s": "speed_kmh", "m/min": "speed_kmh", "km": "length_m",
               "m": "length_m", "mi": "length_m", "min": "duration_s", "h": "duration_s",
               "s": "duration_s", "kn": "speed_kmh", "nm": "length_m", "min/km": "pace_s_km",
               "min/mi": "pace_s_km", "s/km": "pace_s_km", "s/mi": "pace_s_km"}  # fmt: skip
# words that rank ("shortest in time", "fastest first")
RANKING = "longest|shortest|fastest|slowest|furthest|farthest|" + "|".join(EXTREMES)
# a superlative alone: pattern -> (metric, smallest first?)
SUPERLATIVES = {
    r"longest stops?|by longest stop|most stationary": ("stop_s", False),
    r"(?:took|lasted) the shortest time|took the least time|(?:took|lasted) the shortest": (
        "duration_s",
        True,
    ),
    r"took the longest time|(?:took|lasted) the longest|longest duration|longest time|longest-lasting|lasted longest": (
        "duration_s",
        False,
    ),
    r"longest|furthest|farthest": ("length_m", False),
    r"shortest": ("length_m", True),
    r"fastest": ("speed_kmh", False),
    r"slowest": ("speed_kmh", True),
    r"most points|most fixes": ("n_points", False),
}
# a description asked in other words: the cue, and the only words the question may have
TOLD_CUE = r"\btell\b|\bwhat\b.*\b(?:did|do|does|happened|happen)\b"
TOLD = {"tell", "me", "us", "in", "plain", "words", "english", "what", "did", "do", "does",
        "happened", "happen", "on", "during", "the", "please", "can", "could", "you", "would",
        "like", "to", "know", "i", "want", "with"}  # fmt: skip


# a time asked "moving" is the time moving, not the trips' durations (session 19: "how many hours was truck 12
# moving on 10 March" answered its durations, stops included)
MOVING = re.compile(r"\b(?:moving|in\s+motion|on\s+the\s+move|under\s*way)\b", re.I)


def read_action(s: QuestionText, f: dict, known: set[str]) -> dict:
    """The plan's action fields, read from ``s`` after the filters ``f``; ``known``: the words
    that may remain (a question with others left is refused as not understood)."""
    moving = s.take(MOVING.pattern) is not None
    out = _read_action(s, f, known)
    if moving and out.get("metric") == "duration_s":
        out["metric"] = "moving_s"
    return out


def _read_action(s: QuestionText, f: dict, known: set[str]) -> dict:
    k = None
    if "min_stop_s" in f:  # "mean duration of voyages that stopped for over 40 min": the stop is
        s.take(
            r"\b(?:that|which|who)\s+(?:(?:had|have|has)\s+)?(?:stopped|stopping)\b"
        )  # a filter (set 16)
    for m in reversed(
        list(re.finditer(PACE_UNIT, s.low))
    ):  # "minutes per mile" -> "min/mi" (set 14)
        s.rewrite(
            *m.span(),
            f"{'s' if m.group(1).startswith('s') else 'min'}/{'km' if m.group(2) else 'mi'}",
        )
    horizon = rf"\bnext\s+{NUM}\s*(?:minutes|minute|mins|min|hours?|hrs)\b"
    if s.take(r"\b(?:predict|forecast|where will|going to be)\b") or (
        "trip" in f and s.has(horizon)
    ):
        out: dict = {"action": "predict"}
        if mm := s.take(
            rf"\b(?:in\s+)?(?:the\s+)?(?:next\s+)?{NUM}\s*(?:of\s+an?\s+)?(minutes|minute|mins|min|hours?|hrs)\b(?:\s+(?:ahead|from now))?"
        ):
            out["minutes"] = num(mm.group(1)) * (60 if mm.group(2).startswith("h") else 1)
        s.take(r"\b(?:be|for|next)\b")
        if "trip" not in f:
            raise CannotAnswer("a prediction needs a trip id (e.g. 'predict trip X')")
        return out
    if s.take(r"\b(?:describe|summari[sz]e|tell me about)\b") or _told(s, f):
        s.take(r"\bin (?:plain )?(?:words|english|language|text)\b")
        if "trip" not in f:
            raise CannotAnswer("describe needs a trip id (e.g. 'describe trip X')")
        return {"action": "describe"}
    if m := s.take(rf"\b(?:top|first)\s+(\d+|{NUM})\b"):
        k = int(num(m.group(1)))
    elif m := s.take(
        r"\b(?:the\s+)?(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?=(?:\w+\s+){0,2}(?:trips|rides|journeys|tracks|walks|longest|fastest|slowest|shortest)\b)"
    ):
        k = int(num(m.group(1)))
    elif m := s.take(  # "fastest 3 rides", "slowest 2 walks" (the mode's word already read)
        rf"\b(?:longest|shortest|fastest|slowest)\s+(\d+|two|three|four|five|six|seven|eight|nine|ten)\b(?![\d.:/\-])(?!\s*(?:{UNIT})\b)",
        group=1,
    ):
        k = int(num(m.group(1)))
    elif m := s.take(  # "..., show 20", "show 4, only ...": the number shown (verb read below)
        rf"\b(?:show|list|give me|display|return)\s+(?:me\s+)?(?:the\s+)?([1-9]\d*)(?![\d.:/\-]|,\d)(?!\s*(?:{UNIT})\b)",
        group=1,
    ):
        k = int(m.group(1))
    # "how many minutes did the longest meals job take" (set 29): that trip's value, not every trip's total
    ranked_one = s.has(
        r"\bthe\s+(?:longest|shortest|fastest|slowest|furthest|farthest)\b"
    ) and not s.has(r"\b(?:total|sum|average|mean|median|per|each|every|which)\b")
    unit = None
    if m := s.take(rf"\bhow (?:many|much)\s+({UNIT_WORDS}|time|distance)\b"):
        if not (ranked_one and m.group(1) in ANSWER_UNITS):
            return _total(s, m.group(1))  # "how many hours did people spend on the bus"
        unit = m
    unit = unit or s.take(ANSWER_UNIT)
    if unit is None and not s.has(rf"\b(?:{METRIC_WORDS}|how long|how far|fast)\b"):
        unit = s.take(UNIT_ALONE)  # "total km cycled"
    word = unit.group(unit.lastindex) if unit else None
    hint = UNIT_METRIC[ANSWER_UNITS[word]] if word else None
    out = _aggregate(s, f, k, hint, known)
    if out.get("action") in AGGREGATES and unit is not None:
        out["unit"] = ANSWER_UNITS[word]  # "average length in km"
    elif (
        out.get("action") == "top"
        and out.get("k") == 1
        and unit is not None
        and ANSWER_UNITS[word]
        in UNITS.get(out.get("metric", ""), {})  # "the longest run in miles" (set 16)
    ):
        out["unit"] = ANSWER_UNITS[
            word
        ]  # "what was the longest stop of BUS-2, in minutes?": its value (set 15)
    return out


def _told(s: QuestionText, f: dict) -> bool:
    """True (the words read) for a description asked in other words: "tell me in words what
    trip X did", "what happened on trip X", "what did trip X do": one trip and only such words
    ("what time did trip X start" names a measure: not a description)."""
    if set(f) != {"trip"} or not s.has(TOLD_CUE) or not set(s.leftover(set())) <= TOLD:
        return False
    while s.take(rf"\b(?:{'|'.join(TOLD)})\b"):
        pass
    return True


def _aggregate(s: QuestionText, f: dict, k: int | None, hint: str | None, known: set[str]) -> dict:
    """The action after the predict / describe / top-k reading: a rank by a named metric,
    an aggregate (median, sum, mean), a superlative, a count or a list."""
    by = s.take(
        rf"\bby\s+(?:the\s+)?(?:their\s+)?(?:number of\s+)?(?:gps\s+)?({METRIC_WORDS})\b"
    ) or s.take(  # "the 3 shortest trips in time": the measure a superlative ranks by
        rf"\b(?:{RANKING})(?:\s+(?:trips?|rides|journeys|walks|ones))?"
        rf"(\s+in\s+(?:terms\s+of\s+)?(?:the\s+)?(?:gps\s+)?({METRIC_WORDS}))\b",
        group=1,
    )
    by_metric = _metric(QuestionText(by.group(by.lastindex))) if by else None
    if not s.has(r"\b(?:average|mean|typical|avg|median)\b") and s.take(
        # "total number of GPS points", "how many fixes were recorded": a sum
        r"\b(?:how many|(?:the\s+)?(?:total|overall|combined)\s+(?:number|count)\s+of|"
        r"(?:the\s+)?(?:total|sum of(?: the)?))\s+(?:the\s+)?(?:gps\s+)?(?:points|fixes)\b"
    ):
        return {"action": "sum", "metric": "n_points"}
    if m := s.take(  # "the highest average speed", "the greatest distance": rank, not average
        rf"\b(?:the\s+)?({'|'.join(EXTREMES)})\s+(?:average\s+|mean\s+)?(?:number of\s+)?(?:gps\s+)?({METRIC_WORDS})\b"
    ):
        metric = _metric(QuestionText(m.group(2)))
        return _top(s, k, by_metric or metric, EXTREMES[m.group(1)])
    if m := s.take(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\s+percentile(?:\s+of)?\b"):  # set 14
        return {"action": "percentile", "percentile": float(m.group(1)), "metric": _metric(s, hint)}
    if s.has(r"\bmedian\b"):
        s.take(r"\b(?:the\s+)?median\b")
        return {"action": "median", "metric": _metric(s, hint)}
    if s.has(r"\b(?:total|sum|combined|cumulative)\b") and not s.has(
        r"\b(?:how many|(?:total|overall) (?:number|count) of)\b"
    ):
        s.take(r"\b(?:the\s+)?(?:total|sum(?: of)?|combined|cumulative)\b")
        s.take(r"\b(?:number of|travel)\b")
        metric = _metric(s, hint)
        if metric in ("speed_kmh", "pace_s_km"):
            what = "speeds" if metric == "speed_kmh" else "paces"
            raise CannotAnswer(f"a total of {what} means nothing: ask for the average")
        if metric == "stop_s" and not re.search(r"\blongest\b", s.raw.lower()):
            metric = "stopped_s"  # every stop added up; "sum of the longest stops" is what it says
        return {"action": "sum", "metric": metric}
    if s.has(r"\b(average|mean|typical|avg)\b") or s.has(r"\bon average\b"):
        s.take(r"\b(?:on\s+)?(?:average|mean|typical|avg)\b")
        return {"action": "mean", "metric": _metric(s, hint)}
    if m := s.take(  # "rank ... by speed, fastest first", "sorted in descending order"
        rf"\b({RANKING})\s+(?:ones?\s+)?first\b|\b(?:in\s+)?(ascending|descending)(?:\s+order)?\b"
    ):
        word = m.group(1) or m.group(2)
        asc = word == "ascending" or EXTREMES.get(word, word in ("shortest", "slowest"))
        metric = by_metric or next(
            (mt for p, (mt, _) in SUPERLATIVES.items() if re.fullmatch(p, word)), None
        )
        if metric is None:
            raise CannotAnswer(f"'{m.group(0).strip()}' by which measure? (speed, "
                               "duration, distance, stop, points)")  # fmt: skip
        return _top(s, k, metric, asc)
    for pat, (metric, asc) in SUPERLATIVES.items():
        if sup := s.take(rf"\b(?:the\s+)?(?:{pat})\b"):
            if by_metric is not None:  # "the two shortest trips by duration"
                metric = by_metric
            elif (
                metric == "length_m"
                and re.search(r"longest|shortest", sup.group(0))
                and (hint == "duration_s" or s.has(r"\b(?:take|took|takes|last|lasted)\b"))
            ):  # "how long was the longest voyage in hours", "... did the longest trip take"
                metric = "duration_s"  # a time, not a distance (session 15)
            out = {
                "action": "top",
                "metric": metric,
                "k": k or (None if s.has(r"\btrips\b") else 1),
            }
            if out["k"] is None:
                out.pop("k")
            if asc:
                out["ascending"] = True
            return out
    ranked = s.take(r"\b(?:rank|sort|order)(?:ed)?\b")
    if by_metric is not None and (k is not None or ranked):  # "top 5 trips by points"
        return _top(s, k, by_metric, False)
    if (
        s.has(r"\bhow long\b") and "trip" not in f
    ):  # left by the readings above: no trip, no superlative
        return _how_long(s, f)
    if s.take(r"\b(?:how many|(?:total |overall )?count(?: of)?|(?:total )?number of)\b"):
        return {"action": "count"}
    if s.take(r"\b(?:list|show|find|give me|display)\b"):
        return {"action": "list", **({"k": k} if k else {})}
    # "which / what trips ...", or a bare "trips faster than 30 km/h": the trips asked for
    # ("what time is it" names neither trips nor a filter: refused)
    if (set(f) - {"trip"}) or s.has(r"\b(?:trips?|journeys|rides|trajectories|tracks)\b"):
        s.take(r"\b(?:which|what)\b")
        return {"action": "list", **({"k": k} if k else {})}
    if unknown := s.leftover_said(known):
        raise CannotAnswer(f"did not understand {' '.join(unknown)!r} "
                           "(see docs/llm.md for what can be asked)")  # fmt: skip
    raise CannotAnswer("no question about the trips found (ask to count, list, average, "
                       "rank, predict or describe trips)")  # fmt: skip


_ON_AVERAGE = r"\b(?:on|in)\s+(?:the\s+)?average\b"  # "on average, how many hours": a mean (set 30)

# a total stop / idle time: every still step added up (``stopped_s``, session 22); pervehicle18 found it answered
# as the sum of each trip's longest stop (understated), session 18 refused it


def _total(s: QuestionText, word: str) -> dict:
    """A sum asked as "how many hours / km ..." or "how much time / distance ..."."""
    stop = STOP_WORDS_NEAR.search(s.low) is not None
    s.take(r"\b(?:in total|in all|total|altogether|combined)\b")
    if stop and not re.search(r"\blongest\b", s.raw.lower()) and word in ("time", *(w for w, u in ANSWER_UNITS.items() if UNIT_METRIC.get(u) ==
                                   "duration_s")):  # fmt: skip
        if (
            word == "time" and (u := s.take(ANSWER_UNIT)) is not None
        ):  # "how much time ..., in hours"
            word = u.group(u.lastindex)
            if UNIT_METRIC.get(ANSWER_UNITS[word]) != "duration_s":
                raise CannotAnswer(f"a time in {word}? ask it in hours, minutes or seconds")
        unit = {} if word == "time" else {"unit": ANSWER_UNITS[word]}
        return {"action": "sum", "metric": "stopped_s", **unit}
    if word in ("time", "distance"):
        # "on average, how much time ...": the mean (set 30)
        action = "mean" if s.take(_ON_AVERAGE) else "sum"
        return {"action": action, "metric": {"time": "stop_s" if stop else "duration_s",
                                              "distance": "length_m"}[word]}  # fmt: skip
    metric = UNIT_METRIC[ANSWER_UNITS[word]]
    if metric == "duration_s" and stop:
        metric = "stop_s"
    if metric == "speed_kmh":
        # "how many m/min did X average": the mean
        if s.take(r"\b(?:average|averaged|averaging|on average)\b"):
            return {"action": "mean", "metric": metric, "unit": ANSWER_UNITS[word]}
        raise CannotAnswer("a total of speeds means nothing: ask for the average")
    if s.take(_ON_AVERAGE):  # "on average, how many hours did the runners take": the mean (set 30)
        return {"action": "mean", "metric": metric, "unit": ANSWER_UNITS[word]}
    return {"action": "sum", "metric": metric, "unit": ANSWER_UNITS[word]}


def _how_long(s: QuestionText, f: dict) -> dict:
    """ "how long was DRV005 idle on 2 June, in minutes?": a named vehicle's total time (session 20: its idle
    segments were listed); for other trips "how long" is a total or an average: asked which."""
    if "vehicle" not in f:
        raise CannotAnswer("'how long': in total or on average? ask 'the total duration of ...' or 'the average "
                           "duration of ...'")  # fmt: skip
    stopped = STOP_WORDS_NEAR.search(s.low) is not None  # "how long was DRV005 idle": all its stops
    s.take(r"\bhow long\b")
    s.take(r"\b(?:in total|in all|altogether|overall)\b")
    return {"action": "sum", "metric": "stopped_s" if stopped else "duration_s"}


def _top(s: QuestionText, k: int | None, metric: str, ascending: bool) -> dict:
    out = {"action": "top", "metric": metric, "k": k or (None if s.has(r"\btrips\b") else 1)}
    if out["k"] is None:
        out.pop("k")
    if ascending:
        out["ascending"] = True
    return out


def _metric(s: QuestionText, hint: str | None = None) -> str:
    """The measure named in the question; ``hint``: the one the answer's unit implies
    ("how long ... in meters" is a length)."""
    if hint is not None and s.take(r"\bhow (?:long|far)\b"):
        return hint
    for pat, metric in (
        (START_HOUR, "start_hour"),  # "the median pickup hour" (set 15)
        (START_TIME, "start_time"),  # "the average departure time"
        (r"\bpaces?\b", "pace_s_km"),
        (r"\bspeeds?\b|\bfast\b", "speed_kmh"),
        (r"\b(?:longest )?stops?\b|\bstopped\b", "stop_s"),
        (r"\bdistances?\b|\blengths?\b|\bfar\b", "length_m"),
        (r"\bdurations?\b|\bhow long\b|\btake\b|\blast\b|\btime\b", "duration_s"),
        (r"\bpoints\b|\bfixes\b", "n_points"),
    ):
        if s.take(pat):
            return metric
    if hint is not None:
        return hint
    raise CannotAnswer("of which measure? (speed, duration, distance, stop, points)")
