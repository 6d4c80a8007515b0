"""A rule-based planner: regular expressions from a question to a ``QueryPlan``.

It is the planner that works without any language model (and the fallback when SmolLM2 is
not installed). Every phrase it uses is blanked out of the question; if content words are left
that it does not know ("happy drivers", "live in Porto"), it refuses rather than answer a
different question. Phrases it reads are listed in docs/llm.md.

This module reads the question's filters (ids, places, dates, days, quantities, mode; start
hours: trajlm/llm/hours.py) after its typos are mended (spelling.py) and other fleets' words
put in its own (synonyms.py: "voyage", "vessel", "1h30"); what is refused before any reading
is in trajlm/llm/refusals.py; what is asked of the trips they select (count, list, rank,
aggregate, predict, describe) is read by trajlm/llm/actions.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.actions import (
    UNIT_WORDS,
    read_action,
)
from trajlm.llm.boxes import name_boxes, name_points, read_boxes
from trajlm.llm.calendar import check_per, read_per, week_of
from trajlm.llm.call_types import call_type_words
from trajlm.llm.club_words import club_words
from trajlm.llm.datewords import local_dates
from trajlm.llm.daymax import plan_day_most
from trajlm.llm.days import plan_days
from trajlm.llm.departures import plan_when
from trajlm.llm.endpoints import (
    place_key,
    read_endpoints,
)
from trajlm.llm.every_vehicle import as_any
from trajlm.llm.fleet_words import fleet_words, vehicle_group
from trajlm.llm.grounding import DataWords, data_verbs, read_data_words
from trajlm.llm.hours import read_hours
from trajlm.llm.id_kinds import (
    refuse_kind_not_in_ids,
    refuse_unknown_vehicle_id,
    unknown_mover_noun,
)
from trajlm.llm.inside import plan_far
from trajlm.llm.kinds import label_words
from trajlm.llm.label_rank import plan_label_rank
from trajlm.llm.modes import MODES, RUN_WORDS
from trajlm.llm.movers import plan_movers_near, plan_top_movers
from trajlm.llm.nights import night_of, take_night, whole_span
from trajlm.llm.patrol_words import kind_in_two_words, patrol_words, together
from trajlm.llm.peaks import is_peak, plan_peak
from trajlm.llm.phrases import (
    LENGTH_UNITS,
    NUM,
    SPEED_UNITS,
    STOP_WORDS_NEAR,
    TIME_UNITS,
    UNIT,
    QuestionText,
    and_how_many,
    num,
    read_dates,
    read_days,
    unit_said_twice,
)
from trajlm.llm.plan import CannotAnswer, QueryPlan, validate_plan
from trajlm.llm.race_words import race_words
from trajlm.llm.refusals import (
    STOPPED,
    guard,
    refuse_before_reading,
    refuse_group_total,
    refuse_not_recorded,
)
from trajlm.llm.replan import replan
from trajlm.llm.rule_words import (
    ID_TOKEN,
    INCLUSIVE,
    KNOWN,
    LABELLED,
    LESS,
    MEND_INTO,
    MORE,
    NUMERIC_DATE,
    ONLY,
    OWN_LABELS,
    VOCAB,
)
from trajlm.llm.shares import is_share, plan_share
from trajlm.llm.space import read_space
from trajlm.llm.speeds import plan_above
from trajlm.llm.spelling import mend
from trajlm.llm.spoken_ids import spoken_vehicle_ids
from trajlm.llm.stay_words import stay_plan
from trajlm.llm.synonyms import rewrite, trip_nouns
from trajlm.llm.tables import plan_tabled
from trajlm.llm.vehicles import is_grouped, is_movers, named_total, plan_grouped, plan_movers
from trajlm.llm.work_words import work_words
from trajlm.llm.yes_no import is_yes_no

# "driven by the (whole) fleet", "of the entire fleet": every trip, as if unsaid (set 23: "answers per group ('by the
# fleet')"); "per fleet" / "each fleet" are left to the group refusal
_FLEET = re.compile(
    r"\b(?:by|of|for|across)\s+(?:the|our|my)\s+(?:whole\s+|entire\s+)?fleet\b", re.I
)


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
    r"|^\s*(?:did|does|do|has|have)\b(?!.*\b(?:not|never|n't)\b).*\bstop(?:ped)?\s+"
    r"(?:on|at|in|during|between|before|after)\b(?!.*\b(?:for|longer|more|over|than)\b)",
    re.I,
)


class RulePlanner:
    """``RulePlanner().plan(question)`` -> ``QueryPlan``, or ``CannotAnswer``.

    ``area=(lat, lon)`` (the data's centre) picks among gazetteer places of one kind ("the
    airport") the nearest one; ``years`` (the data's) completes dates written without a year
    when there is one."""

    name = "rules"

    def __init__(
        self,
        area: tuple[float, float] | None = None,
        years: Sequence[int] | None = None,
        words: DataWords | None = None,
    ):
        self.area = area
        self.years = list(years or ())
        self.words = words or DataWords()  # the data's labels and vehicle ids (grounding.py)
        self.mended: list[tuple[str, str]] = []  # the last question's typos mended
        self.rewritten: list[tuple[str, str]] = []  # its other fleets' words (synonyms.py)
        self._strict: set[str] = set()  # the last question's bounds said without "at least"

    def plan(self, question: str) -> QueryPlan:
        """The query plan of ``question`` read by rules against the data's words (CannotAnswer
        in one line where it cannot be read); a kind of vehicle named by its ids' letters
        becomes the plan's ``vehicle_prefix``."""
        refuse_not_recorded(question.lower())  # "members wait", "car models" (refusals.py, set 31)
        # "were all the vans out": their trips, checked per van (every_vehicle.py)
        question = as_any(question, self.words.labels)
        question = spoken_vehicle_ids(
            question, self.words
        )  # "van 7": VAN-07 (spoken_ids.py, set 32)
        # "the porters": POR-* (race_words.py, set 29)
        # "spray jobs", "the ATV", "parked", "who was driving X" (work_words.py, set 30)
        question = work_words(question, self.words, VOCAB)
        # "patrols", walks as the trips, "at the scene", "the tow trucks" (patrol_words.py, set 31)
        question = patrol_words(question, self.words)
        question = club_words(
            question, self.words
        )  # "which rider", "grocery rounds" (club_words.py, set 32)
        question, prefix = kind_in_two_words(question, self.words)
        refuse_kind_not_in_ids(question, self.words)  # "the trucks" on VAN / ATV / T ids (badin30)
        refuse_unknown_vehicle_id(question, self.words)  # "did T3 mow" on T1 / T2 (leftover31)
        if prefix is None:
            question, prefix = vehicle_group(question, self.words, VOCAB)
        question, call = call_type_words(
            question, self.words
        )  # "street hails" on Porto (call_types.py, set 31)
        try:
            plan = self._plan(question if prefix is None else together(question))
        except CannotAnswer as e:  # "which gritter drove ..." on data without gritters
            if not (prefix and is_yes_no(question) and e.reason.startswith("no question about")):
                said = re.match(r"did not understand '([^' ]+)'", e.reason)
                line = said and unknown_mover_noun(question, self.words, said.group(1))
                if not line:
                    raise
                raise CannotAnswer(line) from None
            plan = QueryPlan(
                action="list"
            )  # "did any van drive?": the kind's trips, yes or no (ask32b)
        extra = {"vehicle_prefix": prefix} if prefix is not None else {}
        extra |= {"call_type": call} if call is not None else {}
        plan = replan(plan, **extra) if extra else plan
        # a study's trips are its moves (stay_words.py, set 33)
        return stay_plan(question, plan, self.words.labels)

    def _plan(self, question: str) -> QueryPlan:
        guard(question)
        question = unit_said_twice(question)  # "the most km ..., in km" (phrases.py)
        # "the most nautical miles ..., and how many?" (phrases.py, set 33)
        question = and_how_many(question)
        question = trip_nouns(question)  # an ambulance's "jobs", "call-outs" (synonyms.py, set 26)
        # set 27: "last Tuesday", "the 3rd" (datewords.py); "tug tasks", "on the road" (fleet_words.py)
        # "bib 2003", "runners", "finish time" (race_words.py, set 29)
        question = race_words(question, self.words)
        question = local_dates(question, self.words.dates, self.words.night_dates)
        question = fleet_words(question, self.words.labels, self.words.vehicles)
        question = whole_span(
            question, self.words.days, self.words.nights
        )  # "over the four nights" (nights.py)
        question = label_words(
            question, self.words.labels
        )  # "yacht trips" on sailing labels (kinds.py)
        if is_share(question):  # "what share of bike trips were shorter than 2 km?" (shares.py)
            return plan_share(question, self.plan)
        if is_peak(question):  # "which hour of the day had the most trips?" (peaks.py)
            return plan_peak(question, self.plan)
        if (
            most := plan_day_most(question, self.plan)
        ) is not None:  # "the longest distance V5 drove in a day" (daymax.py)
            return most
        if (
            left := plan_when(question, self.plan)
        ) is not None:  # "what time did V2 leave the depot" (departures.py)
            return left
        if (
            days := plan_days(question, self.plan)
        ) is not None:  # "how many days of data for WS-03" (days.py)
            return days
        if (
            above := plan_above(question, self.plan)
        ) is not None:  # "how long was V3 above 50 km/h" (speeds.py)
            return above
        if (
            far := plan_far(question, self.plan)
        ) is not None:  # "how far did X get from LAT, LON" (inside.py)
            return far
        question = named_total(
            question
        )  # "how far did D-ana drive": her total distance (vehicles.py)
        question = _FLEET.sub(
            " ", question
        )  # "the distance driven by the fleet": every trip's (set 23)
        if (near := plan_movers_near(question, self.plan, self.words.labels)) is not None:
            return near  # "how many birds came within 1 km of X" (movers.py)
        if (top := plan_top_movers(question, self.plan, self.words.labels)) is not None:
            return top  # "top 3 vans by distance" (movers.py)
        if is_movers(
            question, self.words.labels
        ):  # "how many participants came within 100 m of X" (vehicles.py)
            return plan_movers(question, self.plan, self.words.labels)
        if (ranked := plan_label_rank(question, self.plan, self.words.labels)) is not None:
            return ranked  # "which mode has the longest average trip duration" (label_rank.py)
        if (
            tabled := plan_tabled(question, self.words.labels, self.plan)
        ) is not None:  # time inside, per hour, X vs Y
            return tabled
        if is_grouped(
            question, self.words.labels
        ):  # "which driver drove the most km?" (vehicles.py)
            return plan_grouped(question, self.plan, self.words.labels)
        self.mended, self.rewritten, self._strict = [], [], set()
        f: dict = {}  # the data's own ids and labels first ("VAN-02", "lion tracks")
        question = read_data_words(question, self.words, f, VOCAB - OWN_LABELS, [*MODES.values()])
        question = data_verbs(question, self.words, MODES)  # a bus's runs, "walked" (grounding.py)
        question, self.mended = mend(
            question, VOCAB, MEND_INTO, frozenset(KNOWN)
        )  # "hwo many tripps" -> "how many trips"
        question, self.rewritten = rewrite(question)  # "voyages" -> "trips", "1h30" -> "90 min"
        guard(question)
        # brackets are read as if absent ("walks (mon-fri)"), a unit in them as the answer's
        # ("speed (m/s)" is "speed in m/s"); words in them are understood or refused like any
        question = re.sub(rf"\(\s*({UNIT_WORDS})\s*\)", r" in \1 ", question, flags=re.I)
        question = name_boxes(question)  # "the anchorage (lat 51.99-52.03, lon 3.88-3.96)" (set 15)
        question = name_points(question)  # "within 300 m of Zurich HB at 47.37, 8.54" (set 21)
        question = week_of(
            question, self.years
        )  # "in the week of 6 April": its seven days (set 21)
        question = re.sub(r"(?<=\w)[()](?=\w)", "", question)  # a slip inside a word
        question, per = read_per(question)  # "daily distance", "trips per week" (set 15)
        if per is not None:
            f["per"] = per
        s = QuestionText(re.sub(r"[()]", " ", question))
        refuse_before_reading(s.low, self._said)
        asked = s.low
        while s.take(ONLY):  # "only" before a filter: read as nothing
            pass
        self._ids(s, f)
        # "didn't stop for more than 5 minutes": the longest stop <= 5 min (ask33b)
        if m := s.take(NO_STOP_OVER):
            f["max_stop_s"] = float(m.group(1)) * TIME_UNITS[m.group(2).lower()]
        if s.take(NO_STOP):  # "runs that did not stop (at all)": the longest stop 0 s (set 33)
            f["max_stop_s"] = 0.0
        # "did every van stop?": a stop at all (ask33b)
        elif _DID_STOP.match(asked) and s.take(r"\bstop(?:ped)?\b"):
            f["min_stop_s"] = 1.0
        read_boxes(s, f)  # "from box A to box B", "ended in box B" (set 15)
        read_endpoints(s, f, lambda text: place_key(text, self.area))  # "started near X" (set 14)
        read_space(s, f, self.area)  # boxes, points, radii, places (space.py)
        night = take_night(s)  # "on the night shift of 3 December" (nights.py)
        read_dates(s, f, self.years)
        if night:
            night_of(f, self._said)
        read_hours(s, f)
        read_days(s, f)
        self._quantities(s, f)
        self._mode(s, f)
        f.update(read_action(s, f, KNOWN))
        refuse_group_total(asked, f, self._said)
        unknown = s.leftover_said(KNOWN)
        if unknown:
            said = self._said(" ".join(unknown))
            raise CannotAnswer(f"did not understand {said!r} "
                               "(see docs/llm.md for what can be asked)")  # fmt: skip
        if "min_stop_s" not in f and f.get("metric") not in ("stop_s", "stopped_s") and (m := s.take(STOPPED)):  # fmt: skip
            if f.get("action") in ("sum", "mean", "median") and f.get("metric") == "duration_s":
                f["metric"] = (
                    "stopped_s"  # "how long was T-03 stopped in total": all its stops (set 22)
                )
            else:
                raise CannotAnswer(f"'{self._said(m.group(0))}' for how long? ask 'stopped longer than "
                               "5 min' (the trip's longest stop)")  # fmt: skip
        if (
            "mode" in f and "modes" in f
        ):  # "van trips by bike" beside a list: one line, not the plan's words
            raise CannotAnswer(f"two modes ({' or '.join(f['modes'])!r}, {f['mode']!r}): ask about one at a "
                               "time, or name them in one list ('truck, van or bike trips')")  # fmt: skip
        plan = validate_plan(f)
        check_per(plan)
        plan._strict = frozenset(self._strict)
        return plan

    def _said(self, text: str) -> str:
        """Words of the question as the user wrote them ("which delivery van", not the
        "which vehicle" the planner read)."""
        text = text.strip()
        for old, new in self.rewritten:  # "90" of "90 min" left alone: "1h30"
            for part in (new, new.split()[0]):
                text, n = re.subn(rf"\b{re.escape(part)}\b", old.lower(), text, count=1)
                if n:
                    break
        return text

    # ------------------------------------------------------------------------ pieces
    def _ids(self, s: QuestionText, f: dict) -> None:
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

    def _quantities(self, s: QuestionText, f: dict) -> None:
        s.take(
            rf"\b(?:with\s+)?(?:an?\s+)?(?:average|mean|avg)\s+speed\s+(?:was\s+|of\s+|is\s+)?(?={MORE}|{LESS}|between)"
        )
        s.take(rf"\baverag(?:ed?|ing)\s+(?:a speed\s+)?(?=(?:{MORE}|{LESS}|between)\s)")
        both = rf"\bbetween\s+{NUM}\s*({UNIT})?\s+and\s+{NUM}\s*({UNIT})\b"
        while m := s.take(both):
            stop = STOP_WORDS_NEAR.search(s.low[max(0, m.start() - 40) : m.start()]) is not None
            field, scale = self._field(m.group(4), stop)
            first, scale1 = self._field(m.group(2), stop) if m.group(2) else (field, scale)
            if first != field:  # "between 2 km and 10 min"
                raise CannotAnswer(f"'{m.group(0).strip()}' mixes two measures")
            f[f"min_{field}"], f[f"max_{field}"] = num(m.group(1)) * scale1, num(m.group(3)) * scale
        pattern = rf"(?<![\w<>=])({MORE}|{LESS})(?:\s+|(?<=[<>=])\s*){NUM}\s*(?:of\s+an?\s+)?({UNIT})\b(?:\s+on average\b)?"
        while m := s.take(pattern):
            stop = STOP_WORDS_NEAR.search(s.low[max(0, m.start() - 40) : m.start()]) is not None
            field, scale = self._field(m.group(3), stop)
            more = re.fullmatch(MORE, m.group(1)) is not None
            if field == "stop_s" and not more:
                raise CannotAnswer("only 'stopped longer than ...' is supported for stops")
            name = f"{'min' if more else 'max'}_{field}"
            f[name] = num(m.group(2)) * scale
            if m.group(1) not in INCLUSIVE:  # "longer than 20 min": not a stop of exactly 20
                self._strict.add(name)
        s.take(r"\bhad\s+a\s+stop\b")

    @staticmethod
    def _field(unit: str, stop: bool) -> tuple[str, float]:
        if unit in SPEED_UNITS:
            return "speed_kmh", SPEED_UNITS[unit]
        if unit in TIME_UNITS:
            return ("stop_s" if stop else "duration_s"), TIME_UNITS[unit]
        return "length_m", LENGTH_UNITS[unit]

    def _mode(self, s: QuestionText, f: dict) -> None:
        if "mode" in f:  # a label of the data (grounding.py); another mode word is left unread
            return
        m = re.search(RUN_WORDS, s.low)
        if m is not None:
            g = next(i for i in range(1, 5) if m.group(i))
            s.take(RUN_WORDS, group=g)
            mode = self.words.spelling("run", MODES["run"] + "|runs?|running")
            if "vehicle" in f and self.words.labels and mode not in self.words.labels:
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
                f["mode"] = self.words.spelling(mode, words)  # "flights": the data's "plane"
                return


def rule_plan(
    question: str, area: tuple[float, float] | None = None, years: Sequence[int] | None = None
) -> QueryPlan:
    return RulePlanner(area, years).plan(question)
