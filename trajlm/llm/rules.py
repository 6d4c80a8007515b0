"""A rule-based planner: regular expressions from a question to a ``QueryPlan``.

It is the planner that works without any language model (and the fallback when SmolLM2 is
not installed). Every phrase it uses is blanked out of the question; if content words are left
that it does not know ("happy drivers", "live in Porto"), it refuses rather than answer a
different question. Phrases it reads are listed in docs/llm.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.phrases import (
    DAY_PARTS,
    LENGTH_UNITS,
    MONTHS,
    NUM,
    SPEED_UNITS,
    TIME_UNITS,
    UNIT,
    QuestionText,
    num,
    read_dates,
    read_days,
    read_hours,
)
from trajlm.llm.plan import AGGREGATES, PLACES, CannotAnswer, QueryPlan, validate_plan
from trajlm.llm.spelling import mend, vocabulary

MORE = r"(?:faster than|longer than|more than|greater than|higher than|over|above|at least|exceeding|exceeded|exceeds|exceed|>=?)"
LESS = (
    r"(?:slower than|shorter than|less than|fewer than|lower than|under|below|at most|within|<=?)"
)
STOP_WORDS_NEAR = re.compile(r"\b(stop|stops|stopped|stopping|stationary|idle|waited|parked)\b")
MODES = {
    "walk": r"walk|walking|walks|on foot|pedestrians?|walkers?",
    "bike": r"bike|bikes|biking|bicycles?|cycling|cycled|cyclists?",
    "bus": r"bus|buses",
    "car": r"car|cars|driving",
    "taxi": r"taxi",
    "train": r"trains?",
    "subway": r"subway|metro",
    "airplane": r"airplane|plane|flights?",
    "boat": r"boats?",
    "run": r"jogging|joggers?|runners?",  # "runs", "running": see RUN_WORDS
}
# "runs" / "running" are also verbs ("the trip runs from ..."): a mode only as a noun
RUN_WORDS = (
    r"\b(?:of|the|all|many|any|which|what|my|our|their|\d+)\s+(runs)\b"
    r"|\b(?:went|go|going|by|for)\s+(running)\b|\b(runs|running)(?=\s+(?:trips|journeys|rides))"
)
FORBIDDEN = re.compile(
    r"\b(delete|drop|remove|update|insert|modify|overwrite|write|execute|exec|eval|import|sql"
    r"|shell|sudo|rm|password|credentials?|ignore (all |the )?(previous|above) instructions"
    r"|os\.system|subprocess)\b|__|;\s*--"
)
RELATIVE = re.compile(
    r"\b(yesterday|today|tomorrow|tonight|(?:last|this|next|past) (?:week|month|year|weekend))\b"
)
# a trip id named without the word "trip": letters joined to digits by - or _
# ("syn-000042_0", "t_17"), or a long number (Porto's 19-digit ids); never a date or coordinate
ID_TOKEN = (
    r"(?<![\w.\-])((?:[a-z]+[\-_])+\d[\w\-]*|[a-z]+\d{3,}[\w\-]*|\d{6,}(?:[_\-]\w+)?)(?![\w.])"
)
# a unit the answer is asked in ("average length in km"): values are reported in the metric's
# own unit (metres, seconds, km/h), which the printed plan names
_UNIT_WORDS = (
    r"miles per hour|km per hour|kilometres per hour|kilometers per hour|metres per second"
    r"|meters per second|km/h|kmh|mph|m/s|km|kilometres|kilometers|metres|meters|miles|minutes"
    r"|mins|min|hours|hrs|seconds|secs"
)
ANSWER_UNIT = rf"(?<![\d.])\s(?:in|as)\s+({_UNIT_WORDS})(?=[\s,])"
# "how many hours ...", "total km cycled": a unit standing for the measure it is in
UNIT_ALONE = rf"\b(?:how many\s+)?({_UNIT_WORDS})\b"
# "Porta Nuova", "Sao Bento": a place without its kind word, where that name is unique
PLACE_ALIASES = {p.rsplit(" ", 1)[0]: p for p in PLACES if p.endswith((" station", " university"))}
# the kinds of place a question may name without its name ("the airport": the one nearest the data)
PLACE_KINDS = ("airport", "station", "university")
# superlatives that rank by a named metric: word -> smallest first?
EXTREMES = {"greatest": False, "largest": False, "biggest": False, "highest": False,
            "most": False, "maximum": False, "max": False, "smallest": True, "lowest": True,
            "least": True, "fewest": True, "minimum": True, "min": True}  # fmt: skip
METRIC_WORDS = r"speeds?|distances?|lengths?|durations?|time|stops?|stop time|points|fixes"
ANSWER_UNITS = {"km/h": "km/h", "kmh": "km/h", "mph": "mph", "m/s": "m/s", "km": "km", "hrs": "h",
                "kilometres": "km", "kilometers": "km", "metres": "m", "meters": "m", "miles": "mi",
                "minutes": "min", "mins": "min", "min": "min", "hours": "h", "seconds": "s",
                "secs": "s", "miles per hour": "mph", "km per hour": "km/h",
                "kilometres per hour": "km/h", "kilometers per hour": "km/h",
                "metres per second": "m/s", "meters per second": "m/s"}  # fmt: skip
# the measure a unit is a unit of (a time unit is a duration unless stops are asked about)
UNIT_METRIC = {"km/h": "speed_kmh", "mph": "speed_kmh", "m/s": "speed_kmh", "km": "length_m",
               "m": "length_m", "mi": "length_m", "min": "duration_s", "h": "duration_s",
               "s": "duration_s"}  # fmt: skip
# questions whose answer is one row per group ("average speed per mode", "which user made the
# most trips"): no plan has a group-by, so they are refused rather than answered for all trips
_GROUP = (r"(?:transport\s+)?(?:modes?|users?|vehicles?|drivers?|taxis?|days?|weekdays?|hours?"
          r"|months?|dates?|day of (?:the )?week|hour of (?:the )?day)")  # fmt: skip
GROUPED = (
    rf"(?<!km )(?<!miles )\b(?:per|for each|for every|each|broken down by|grouped by|group by|across)"
    rf"\s+(?:the\s+)?{_GROUP}\b(?!\s*[-_]?\d)"
    rf"|\bby\s+(?:the\s+)?{_GROUP}\b(?!\s*[-_]?\d)(?!\s+(?:trips|journeys|rides))"
    rf"|\b(?:which|what)\s+{_GROUP}\b(?!\s*[-_]?\d)(?!\s+(?:trips|journeys|rides))"
)
# the fastest moment of a trip is not in the trip table (speed filters are mean speeds)
MOMENT_SPEED = (
    r"\b(?:maximum|max|top|peak|instantaneous)\s+speed\b(?!\s+(?:of\s+)?(?:average|mean))"
    r"|\b(?:reached|reach|reaches|hit|hits|touched)\b.*\d\s*(?:km/h|kmh|kph|mph|m/s)"
    r"|\bat (?:some|any) point\b"
)
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
# words that may remain after the phrases are read: grammar and the domain's nouns and verbs
KNOWN = set(
    """a an the of in on at by for to from with and or is are was were be been did do does
    made make have has had there their its it that which what how many much
    number count trips trip trajectories trajectory data journeys rides tracks segments all
    any every each average mean typical avg speed speeds duration length distance long
    took take takes taking lasted lasting last time took started start starting began begin
    departed happened happen passed pass went go going travelled traveled covered moved
    through near around close to area box rectangle show list give me find display
    tell which were done average trips' stop stops stopped stopping stationary longest
    top fastest slowest shortest most least points fixes by vehicle user driver taxi
    taxis vehicles users people person be will where whole set made in words words
    overall total there's what's mode modes please during per between ran
    trip's dataset database data set recorded logged exist exists we i you us my our can could
    would like want know see get got came come comes coming visited visit visits visiting
    reached reach entered enter crossed cross crossing passing passes gps made completed
    ride ride's runs altogether as long ones one those these them they than among amongst
    across goes head heads heading move moves moving rank sort order belong belongs belonging
    belonged owned took place occurred included include includes spend spent past ahead cover
    covers plain but single journey travel travelling traveling i'd i'm utc gmt driven drove
    drive drives""".split()
)
# the words read by the patterns inside the methods (for mending typos; KNOWN is what may stay)
READ_WORDS = """predict forecast where will going describe summarise summarize about english
    language text median total sum combined cumulative rank ranked sort sorted order ordered
    list show find display give return first top next ahead now count number how many much
    far fast ascending descending weekday weekdays weekend weekends working workdays workday
    monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays mon tue tues wed thu thur thurs fri sat sun onwards
    onward since until till before after between through thru morning afternoon evening
    night lunchtime nighttime mornings afternoons evenings nights o'clock am pm midnight noon
    midday latitude longitude lat lon lng bounding bbox within inside near around next close
    averaged averaging average gps id year during throughout terms corners coordinates""".split()
VOCAB = vocabulary(
    [*KNOWN, *READ_WORDS, *MONTHS, *(m[:3] for m in MONTHS), "sept", *DAY_PARTS, *EXTREMES,
     *(w for p in PLACES for w in p.split())],
    [MORE, LESS, *MODES.values(), RUN_WORDS, _UNIT_WORDS, UNIT, NUM, METRIC_WORDS,
     *SUPERLATIVES, _GROUP, MOMENT_SPEED, RELATIVE.pattern, FORBIDDEN.pattern],
)  # fmt: skip
# typos are mended into the planner's words, never into a place's name ("pizza" is no piazza)
MEND_INTO = VOCAB - {w for p in PLACES for w in p.split()}


def _name(place: str) -> str:
    """A place name's pattern; its later words may be shortened to 4+ letters ("tsinghua
    univ", "porto airp.")."""
    first, *rest = place.split()
    out = re.escape(first)
    for w in rest:
        out += r"\s+(?:" + "|".join(w[:i] for i in range(len(w), 3, -1)) + r")\b\.?"
    return out if rest else out + r"\b"


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
    if (m := RELATIVE.search(low)) is not None:
        raise CannotAnswer(f"relative dates ('{m.group(0)}') are not supported: "
                           "give a date such as 2024-03-18")  # fmt: skip


class RulePlanner:
    """``RulePlanner().plan(question)`` -> ``QueryPlan``, or ``CannotAnswer``.

    ``area=(lat, lon)`` (the data's centre) picks among gazetteer places of one kind ("the
    airport") the nearest one; ``years`` (the data's) completes dates written without a year
    when there is one."""

    name = "rules"

    def __init__(self, area: tuple[float, float] | None = None, years: Sequence[int] | None = None):
        self.area = area
        self.years = list(years or ())
        self.mended: list[tuple[str, str]] = []  # the last question's typos mended

    def plan(self, question: str) -> QueryPlan:
        guard(question)
        self.mended = []
        question, self.mended = mend(
            question, VOCAB, MEND_INTO, frozenset(KNOWN)
        )  # "hwo many tripps" -> "how many trips"
        guard(question)
        # brackets are read as if absent ("walks (mon-fri)"), a unit in them as the answer's
        # ("speed (m/s)" is "speed in m/s"); words in them are understood or refused like any
        question = re.sub(rf"\(\s*({_UNIT_WORDS})\s*\)", r" in \1 ", question, flags=re.I)
        question = re.sub(r"(?<=\w)[()](?=\w)", "", question)  # a slip inside a word
        s = QuestionText(re.sub(r"[()]", " ", question))
        if re.search(MOMENT_SPEED, s.low) and not re.search(r"\b(?:average|mean|avg)\b", s.low):
            raise CannotAnswer("a trip's fastest moment is not stored: ask about its mean speed "
                               "('trips faster than 30 km/h on average')")  # fmt: skip
        if m := re.search(GROUPED, s.low):
            raise CannotAnswer(f"answers per group ({m.group(0).strip()!r}) are not supported: "
                               "ask about one mode, user or time at a time")  # fmt: skip
        f: dict = {}
        self._ids(s, f)
        self._space(s, f)
        read_dates(s, f, self.years)
        read_hours(s, f)
        read_days(s, f)
        self._quantities(s, f)
        self._mode(s, f)
        f.update(self._action(s, f))
        unknown = s.leftover(KNOWN)
        if unknown:
            raise CannotAnswer(f"did not understand {' '.join(dict.fromkeys(unknown))!r} "
                               "(see docs/llm.md for what can be asked)")  # fmt: skip
        return validate_plan(f)

    # ------------------------------------------------------------------------ pieces
    def _ids(self, s: QuestionText, f: dict) -> None:
        m = s.take(
            r"\b(?:trip|trajectory|traj|track|journey|ride)\s+(?:id\s+)?([a-z0-9][\w\-:.]*\d[\w\-:]*)"
        )
        if m:
            f["trip"] = s.original(m, 1)
        m = s.take(
            r"\b(?:(?:taxi|vehicle|user|driver)\s+(?:id\s+)?)?((?:user|taxi|vehicle)-?\d+)\b(?:'s\b)?"
        )
        if m is None:
            m = s.take(r"\b(?:taxi|vehicle|user|driver)\s+(?:id\s+)?(\d+)\b(?:'s\b)?")
        if m:
            f["vehicle"] = s.original(m, 1)
        if "trip" not in f and (m := s.take(ID_TOKEN)):  # "forecast syn-000005_0 ..."
            f["trip"] = s.original(m, 1)

    def _space(self, s: QuestionText, f: dict) -> None:
        coord = r"(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)"
        m = s.take(
            rf"\b(?:through |in |inside |within )?(?:the )?(?:bounding\s+)?(?:box|bbox|rectangle|area)"
            rf"\s+(?:from\s+)?{coord}\s*(?:,|to|and|-)\s*{coord}"
        )
        if m:
            a, b, c, d = (float(m.group(i)) for i in range(1, 5))
            if self._lon_first(s, m.end()):
                a, b, c, d = b, a, d, c
            f["bbox"] = [min(a, c), min(b, d), max(a, c), max(b, d)]
        span = r"(?:between\s+)?(-?\d{1,3}(?:\.\d+)?)\s*(?:-|to|and)\s*(-?\d{1,3}(?:\.\d+)?)"
        if m := s.take(  # "in the box lat 45.04-45.07, lon 7.66-7.69"
            rf"\b(?:(?:through |in |inside |within )?(?:the )?(?:bounding\s+)?(?:box|bbox|rectangle|area)\s+)?"
            rf"(?:between\s+)?lat(?:itude)?\s+{span}\s*,?\s*(?:and\s+)?lon(?:gitude)?\s+{span}"
        ):
            a, c, b, d = (float(m.group(i)) for i in range(1, 5))
            f["bbox"] = [min(a, c), min(b, d), max(a, c), max(b, d)]
        r = s.take(
            rf"\bwithin\s+{NUM}\s*(km|kilometres|kilometers|m|metres|meters|miles?)\s+(?:of|from|around)\b"
        )
        if r:
            f["radius_m"] = num(r.group(1)) * LENGTH_UNITS[r.group(2)]
        m = s.take(rf"\b(?:near|around|close to|at)?\s*{coord}")
        if m:
            f["lat"], f["lon"] = float(m.group(1)), float(m.group(2))
            if self._lon_first(s, m.end()):
                f["lat"], f["lon"] = f["lon"], f["lat"]
            return
        names = {**{p: p for p in PLACES}, **PLACE_ALIASES}
        for name in sorted(names, key=len, reverse=True):
            if s.take(rf"\b(?:near|around|close to|at|by|next to|of)?\s*(?:the\s+)?{_name(name)}"):
                f["place"] = names[name]
                return
        m = s.take(
            r"\b(?:near|around|close to|next to)\s+(?:the\s+)?([a-z][a-z ]*?)(?=\s+(?:on|in|at|between|during|after|before|with|that|who|which|and|or|by)\b|\s*$)"
        ) or s.take(  # "went to the airport", "within 2 km of the station": a kind of place
            rf"\b(?:(?:went |go(?:ing)? |drove |came )?(?:to|from|of|at|via|through|past)\s+)?"
            rf"the\s+({'|'.join(PLACE_KINDS)})\b"
        )
        if m:
            kind = m.group(1).strip()
            options = [p for p in PLACES if kind in p.split() or kind == p]
            if len(options) > 1 and self.area is not None:
                lat, lon = self.area
                options = sorted(
                    options, key=lambda p: (PLACES[p][0] - lat) ** 2 + (PLACES[p][1] - lon) ** 2
                )[:1]
            if len(options) != 1:
                known = ", ".join(sorted(PLACES))
                raise CannotAnswer(f"unknown place {kind!r}: give lat,lon or one of {known}")
            f["place"] = options[0]

    @staticmethod
    def _lon_first(s: QuestionText, end: int) -> bool:
        """Reads a note on the order of the coordinates just read ("(lat,lon corners)");
        True when it says longitude first."""
        note = s.take(
            r"\s*\(?\s*(lat(?:itude)?|lon(?:gitude)?|lng)\s*[,/]\s*(?:lat(?:itude)?|lon(?:gitude)?|lng)"
            r"(?:\s+(?:corners?|order|pairs?|points?|coordinates))?\s*\)?",
            at=end,
        )
        return note is not None and not note.group(1).startswith("lat")

    def _quantities(self, s: QuestionText, f: dict) -> None:
        s.take(
            rf"\b(?:with\s+)?(?:an?\s+)?(?:average|mean|avg)\s+speed\s+(?:was\s+|of\s+|is\s+)?(?={MORE}|{LESS}|between)"
        )
        s.take(rf"\baverag(?:ed?|ing)\s+(?:a speed\s+)?(?=(?:{MORE}|{LESS}|between)\s)")
        both = rf"\bbetween\s+{NUM}\s*(?:{UNIT})?\s+and\s+{NUM}\s*({UNIT})\b"
        while m := s.take(both):
            stop = STOP_WORDS_NEAR.search(s.low[max(0, m.start() - 40) : m.start()]) is not None
            field, scale = self._field(m.group(3), stop)
            f[f"min_{field}"], f[f"max_{field}"] = (
                num(m.group(1)) * scale,
                num(m.group(2)) * scale,
            )
        pattern = rf"\b({MORE}|{LESS})\s+{NUM}\s*(?:of\s+an?\s+)?({UNIT})\b(?:\s+on average\b)?"
        while m := s.take(pattern):
            stop = STOP_WORDS_NEAR.search(s.low[max(0, m.start() - 40) : m.start()]) is not None
            field, scale = self._field(m.group(3), stop)
            more = re.fullmatch(MORE, m.group(1)) is not None
            if field == "stop_s":
                if not more:
                    raise CannotAnswer("only 'stopped longer than ...' is supported for stops")
                f["min_stop_s"] = num(m.group(2)) * scale
            else:
                f[f"{'min' if more else 'max'}_{field}"] = num(m.group(2)) * scale
        s.take(r"\bhad\s+a\s+stop\b")

    @staticmethod
    def _field(unit: str, stop: bool) -> tuple[str, float]:
        if unit in SPEED_UNITS:
            return "speed_kmh", SPEED_UNITS[unit]
        if unit in TIME_UNITS:
            return ("stop_s" if stop else "duration_s"), TIME_UNITS[unit]
        return "length_m", LENGTH_UNITS[unit]

    def _mode(self, s: QuestionText, f: dict) -> None:
        m = re.search(RUN_WORDS, s.low)
        if m is not None:
            g = next(i for i in range(1, 5) if m.group(i))
            s.take(RUN_WORDS, group=g)
            f["mode"] = "run"
            return
        for mode, words in MODES.items():
            ambiguous = mode in ("taxi", "car")  # also how Porto / T-Drive name every vehicle
            pat = (
                rf"\b(?:by|on|using|via|in a|mode|for)\s+(?:a\s+|the\s+|all\s+)?(?:{words})\b"
                if ambiguous
                else rf"\b(?:by|on|using|via|in a|mode)?\s*(?:a\s+|the\s+)?(?:{words})\b"
            )
            m = s.take(pat)
            if m is None and ambiguous:
                m = s.take(rf"\b(?:{words})\s+(?=trips|journeys|rides)")
            if m is not None:
                f["mode"] = mode
                return

    def _action(self, s: QuestionText, f: dict) -> dict:
        k = None
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
        if s.take(r"\b(?:describe|summari[sz]e|tell me about)\b"):
            s.take(r"\bin (?:plain )?(?:words|english|language|text)\b")
            if "trip" not in f:
                raise CannotAnswer("describe needs a trip id (e.g. 'describe trip X')")
            return {"action": "describe"}
        if m := s.take(rf"\b(?:top|first)\s+(\d+|{NUM})\b"):
            k = int(num(m.group(1)))
        elif m := s.take(
            r"\b(?:the\s+)?(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?=(?:\w+\s+){0,2}(?:trips|longest|fastest|slowest|shortest))"
        ):
            k = int(num(m.group(1)))
        elif m := s.take(  # "..., show 20": the number shown (the verb is read below)
            rf"\b(?:show|list|give me|display|return)\s+(?:me\s+)?(?:the\s+)?([1-9]\d*)(?![\d.,:/\-])(?!\s*(?:{UNIT})\b)",
            group=1,
        ):
            k = int(m.group(1))
        if m := s.take(rf"\bhow (?:many|much)\s+({_UNIT_WORDS}|time|distance)\b"):
            return self._total(s, m.group(1))  # "how many hours did people spend on the bus"
        unit = s.take(ANSWER_UNIT)
        if unit is None and not s.has(rf"\b(?:{METRIC_WORDS}|how long|how far|fast)\b"):
            unit = s.take(UNIT_ALONE)  # "total km cycled"
        hint = UNIT_METRIC[ANSWER_UNITS[unit.group(1)]] if unit else None
        out = self._aggregate(s, f, k, hint)
        if out.get("action") in AGGREGATES and unit is not None:
            out["unit"] = ANSWER_UNITS[unit.group(1)]  # "average length in km"
        return out

    def _aggregate(self, s: QuestionText, f: dict, k: int | None, hint: str | None) -> dict:
        """The action after the predict / describe / top-k reading: a rank by a named metric,
        an aggregate (median, sum, mean), a superlative, a count or a list."""
        by = s.take(
            rf"\bby\s+(?:the\s+)?(?:their\s+)?(?:number of\s+)?(?:gps\s+)?({METRIC_WORDS})\b"
        ) or s.take(  # "the 3 shortest trips in time": the measure a superlative ranks by
            rf"\b(?:{RANKING})(?:\s+(?:trips?|rides|journeys|walks|ones))?"
            rf"(\s+in\s+(?:terms\s+of\s+)?(?:the\s+)?(?:gps\s+)?({METRIC_WORDS}))\b",
            group=1,
        )
        by_metric = self._metric(QuestionText(by.group(by.lastindex))) if by else None
        if not s.has(r"\b(?:average|mean|typical|avg|median)\b") and s.take(
            # "total number of GPS points", "how many fixes were recorded": a sum
            r"\b(?:how many|(?:the\s+)?(?:total|overall|combined)\s+(?:number|count)\s+of|"
            r"(?:the\s+)?(?:total|sum of(?: the)?))\s+(?:the\s+)?(?:gps\s+)?(?:points|fixes)\b"
        ):
            return {"action": "sum", "metric": "n_points"}
        if m := s.take(  # "the highest average speed", "the greatest distance": rank, not average
            rf"\b(?:the\s+)?({'|'.join(EXTREMES)})\s+(?:average\s+|mean\s+)?(?:number of\s+)?(?:gps\s+)?({METRIC_WORDS})\b"
        ):
            metric = self._metric(QuestionText(m.group(2)))
            return self._top(s, k, by_metric or metric, EXTREMES[m.group(1)])
        if s.has(r"\bmedian\b"):
            s.take(r"\b(?:the\s+)?median\b")
            return {"action": "median", "metric": self._metric(s, hint)}
        if s.has(r"\b(?:total|sum|combined|cumulative)\b") and not s.has(
            r"\b(?:how many|(?:total|overall) (?:number|count) of)\b"
        ):
            s.take(r"\b(?:the\s+)?(?:total|sum(?: of)?|combined|cumulative)\b")
            s.take(r"\b(?:number of|travel)\b")
            metric = self._metric(s, hint)
            if metric == "speed_kmh":
                raise CannotAnswer("a total of speeds means nothing: ask for the average")
            return {"action": "sum", "metric": metric}
        if s.has(r"\b(average|mean|typical|avg)\b") or s.has(r"\bon average\b"):
            s.take(r"\b(?:on\s+)?(?:average|mean|typical|avg)\b")
            return {"action": "mean", "metric": self._metric(s, hint)}
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
            return self._top(s, k, metric, asc)
        for pat, (metric, asc) in SUPERLATIVES.items():
            if s.take(rf"\b(?:the\s+)?(?:{pat})\b"):
                if by_metric is not None:  # "the two shortest trips by duration"
                    metric = by_metric
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
            return self._top(s, k, by_metric, False)
        if s.take(r"\b(?:how many|(?:total |overall )?count(?: of)?|(?:total )?number of)\b"):
            return {"action": "count"}
        if s.take(r"\b(?:list|show|find|give me|display)\b"):
            return {"action": "list", **({"k": k} if k else {})}
        # "which / what trips ...", or a bare "trips faster than 30 km/h": the trips asked for
        # ("what time is it" names neither trips nor a filter: refused)
        if (set(f) - {"trip"}) or s.has(r"\b(?:trips?|journeys|rides|trajectories|tracks)\b"):
            s.take(r"\b(?:which|what)\b")
            return {"action": "list", **({"k": k} if k else {})}
        if unknown := s.leftover(KNOWN):
            raise CannotAnswer(f"did not understand {' '.join(dict.fromkeys(unknown))!r} "
                               "(see docs/llm.md for what can be asked)")  # fmt: skip
        raise CannotAnswer("no question about the trips found (ask to count, list, average, "
                           "rank, predict or describe trips)")  # fmt: skip

    def _total(self, s: QuestionText, word: str) -> dict:
        """A sum asked as "how many hours / km ..." or "how much time / distance ..."."""
        stop = STOP_WORDS_NEAR.search(s.low) is not None
        s.take(r"\b(?:in total|in all|total|altogether|combined)\b")
        if word in ("time", "distance"):
            return {"action": "sum", "metric": {"time": "stop_s" if stop else "duration_s",
                                                  "distance": "length_m"}[word]}  # fmt: skip
        metric = UNIT_METRIC[ANSWER_UNITS[word]]
        if metric == "duration_s" and stop:
            metric = "stop_s"
        if metric == "speed_kmh":
            raise CannotAnswer("a total of speeds means nothing: ask for the average")
        return {"action": "sum", "metric": metric, "unit": ANSWER_UNITS[word]}

    @staticmethod
    def _top(s: QuestionText, k: int | None, metric: str, ascending: bool) -> dict:
        out = {"action": "top", "metric": metric, "k": k or (None if s.has(r"\btrips\b") else 1)}
        if out["k"] is None:
            out.pop("k")
        if ascending:
            out["ascending"] = True
        return out

    @staticmethod
    def _metric(s: QuestionText, hint: str | None = None) -> str:
        """The measure named in the question; ``hint``: the one the answer's unit implies
        ("how long ... in meters" is a length)."""
        if hint is not None and s.take(r"\bhow (?:long|far)\b"):
            return hint
        for pat, metric in (
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


def rule_plan(
    question: str, area: tuple[float, float] | None = None, years: Sequence[int] | None = None
) -> QueryPlan:
    return RulePlanner(area, years).plan(question)
