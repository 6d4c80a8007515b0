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
from trajlm.llm.calendar import (
    check_per,
    read_per,
    refuse_week_of_a_day,
    sunday_weeks,
    trip_own_period,
    week_of,
)
from trajlm.llm.datewords import local_dates
from trajlm.llm.daymax import plan_day_most
from trajlm.llm.days import plan_days
from trajlm.llm.departures import plan_when
from trajlm.llm.dwells import plan_dwell, plan_stop_count
from trajlm.llm.endpoints import (
    place_key,
    read_endpoints,
)
from trajlm.llm.every_vehicle import as_any
from trajlm.llm.fleet_reading import fleet_questions, vehicle_kind
from trajlm.llm.fleet_words import fleet_words
from trajlm.llm.grounding import DataWords, data_verbs, join_spaced_ids, read_data_words
from trajlm.llm.half_splits import plan_half_split
from trajlm.llm.headways import plan_headway
from trajlm.llm.heights import refuse_height
from trajlm.llm.home_range import plan_home_range
from trajlm.llm.hours import read_hours
from trajlm.llm.id_kinds import (
    unknown_mover_name,
    unknown_mover_noun,
)
from trajlm.llm.inside import plan_far
from trajlm.llm.kind_idioms import refuse_ride_idiom, unlabelled_kind
from trajlm.llm.kinds import label_words
from trajlm.llm.label_rank import plan_label_rank
from trajlm.llm.modes import MODES
from trajlm.llm.movers import plan_movers_near, plan_top_movers
from trajlm.llm.nights import night_of, take_night, whole_span, whole_unit
from trajlm.llm.out_after import out_after
from trajlm.llm.owner_noun import owner_words
from trajlm.llm.patrol_words import together
from trajlm.llm.peaks import is_peak, plan_peak
from trajlm.llm.per_label import plan_per_label
from trajlm.llm.phrases import (
    QuestionText,
    and_how_many,
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
from trajlm.llm.rule_filters import read_ids, read_mode, read_quantities, read_stops
from trajlm.llm.rule_words import (
    KNOWN,
    MEND_INTO,
    ONLY,
    OWN_LABELS,
    VOCAB,
)
from trajlm.llm.shares import is_share, plan_share
from trajlm.llm.space import read_space
from trajlm.llm.speeds import plan_above
from trajlm.llm.spelling import mend
from trajlm.llm.splits import plan_split
from trajlm.llm.stated_today import stated_today
from trajlm.llm.stay_words import stay_plan
from trajlm.llm.stop_owner import stop_owner
from trajlm.llm.synonyms import plain_words, rewrite, trip_nouns
from trajlm.llm.tables import plan_tabled
from trajlm.llm.than_named import than_named
from trajlm.llm.vehicles import is_grouped, is_movers, named_total, plan_grouped, plan_movers
from trajlm.llm.world_words import refuse_company, world_words
from trajlm.llm.yes_no import is_yes_no

# "driven by the (whole) fleet", "of the entire fleet": every trip, as if unsaid (set 23: "answers per group ('by the
# fleet')"); "per fleet" / "each fleet" are left to the group refusal
_FLEET = re.compile(
    r"\b(?:by|of|for|across)\s+(?:the|our|my)\s+(?:whole\s+|entire\s+)?fleet\b", re.I
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
        refuse_company(
            question
        )  # "who was i with on friday": no company in a trip table (world_words.py, set 39)
        refuse_ride_idiom(
            question
        )  # "who was riding shotgun": an idiom, said so (kind_idioms.py, ask40)
        question = owner_words(
            question, self.words
        )  # "which tractor" on a "tractor" column (owner_noun.py)
        # "kindly tell the total kms", "clock up over the fortnight", "... lol" (world_words.py, set 39)
        question = world_words(question, list(self.words.dates), self.words.labels)
        question = stop_owner(
            question, self.words.labels
        )  # "which bike had the longest stop" (stop_owner.py)
        if (halves := plan_half_split(question, self.plan)) is not None:
            return halves  # "did Jonas run a negative split on his longest run" (half_splits.py, ask37b)
        if (fastest := plan_split(question, self.plan)) is not None:
            return fastest  # "Amara's fastest km on 13 September" (splits.py, set 36)
        refuse_not_recorded(question.lower())  # "members wait", "car models" (refusals.py, set 31)
        refuse_height(
            question
        )  # "time above 3000 m", "vertical metres": no altitude (heights.py, set 37)
        # "were all the vans out": their trips, checked per van (every_vehicle.py)
        question = as_any(question, self.words.labels)
        question = out_after(
            question
        )  # "were any buses out after 21:00 on Friday": trips ending then (set 36)
        compare = than_named(question)  # "which vans made more trips than VAN-02": per van (set 36)
        if compare != question:  # every van's total, not the first 50 (Asker.run compares them)
            return replan(self.plan(compare), k=1000)
        question = fleet_questions(question, self.words)  # fleet_reading.py
        if (each := plan_per_label(question, self.plan, self.words.labels)) is not None:
            return each  # "the average trip duration per route": one row a label (per_label.py, set 37)
        question, prefix, call = vehicle_kind(question, self.words)  # fleet_reading.py
        try:
            plan = self._plan(question if prefix is None else together(question))
        except CannotAnswer as e:  # "which gritter drove ..." on data without gritters
            if (no_kind := unlabelled_kind(question, self.words, e.reason)) is not None:
                raise CannotAnswer(
                    no_kind
                ) from None  # "the e-bikes" no label says (kind_idioms.py, ask40)
            # "were all the vans out?" where every vehicle is a van (no prefix to filter by; set 34): every trip
            anyone = prefix or re.match(
                r"\s*(?:did|do|does|were|was|has|have)\s+any\s+[a-z]+\b", question, re.I
            )
            if not (anyone and is_yes_no(question) and e.reason.startswith("no question about")):
                said = re.match(r"did not understand '([^' ]+)'", e.reason)
                line = said and (
                    unknown_mover_noun(question, self.words, said.group(1))
                    or unknown_mover_name(question, self.words, said.group(1))
                )
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
        plan = plan_stop_count(
            question, plan
        )  # "how many stops longer than 3 min": stops (dwells.py, set 37)
        return stay_plan(question, plan, self.words.labels)

    def _plan(self, question: str) -> QueryPlan:
        """The plan of a question ``plan`` did not answer by itself, read in named steps."""
        question = self._plain(question)
        if (own := self._own_plan(question)) is not None:
            return own
        # "how far did D-ana drive": her total distance (vehicles.py)
        question = named_total(question)
        # "the distance driven by the fleet": every trip's (set 23)
        question = _FLEET.sub(" ", question)
        if (movers := self._movers_plan(question)) is not None:
            return movers
        f, s, asked, sunday = self._filters(question)
        return self._checked(f, s, asked, sunday)

    def _plain(self, question: str) -> str:
        """The question in the planner's words: dates said relative to today, typos of plain
        words, ids spelt with spaces, units said twice, fleets' and races' own words, labels."""
        # "Today is Saturday 21 March. ... yesterday": the relative words as dates (stated_today.py, ask38b)
        question = stated_today(question, self.years)
        # "how much deliverys CB-15 is doing" (synonyms.py, ask38b)
        question = plain_words(question)
        guard(question)
        # "SCHELDE STAR" read as one id (grounding.py, set 34)
        question = join_spaced_ids(question, self.words)
        question = unit_said_twice(question)  # "the most km ..., in km" (phrases.py)
        # "the most nautical miles ..., and how many?" (phrases.py, set 33)
        question = and_how_many(question)
        question = trip_nouns(question)  # an ambulance's "jobs", "call-outs" (synonyms.py, set 26)
        # set 27: "last Tuesday", "the 3rd" (datewords.py); "tug tasks", "on the road" (fleet_words.py)
        # "bib 2003", "runners", "finish time" (race_words.py, set 29)
        question = race_words(question, self.words)
        question = local_dates(question, self.words.dates, self.words.night_dates)
        question = fleet_words(question, self.words.labels, self.words.vehicles)
        # "over the four nights" (nights.py)
        question = whole_span(question, self.words.days, self.words.nights)
        # "over the whole month" (nights.py, ask38b)
        question = whole_unit(question, list(self.words.dates))
        # "yacht trips" on sailing labels (kinds.py)
        question = label_words(question, self.words.labels)
        return question

    def _own_plan(self, question: str) -> QueryPlan | None:
        """The plan of a question a module reads whole (a share, a peak, a day's most, a
        departure, days, a home range, stops, headways, time above a speed, how far); None else."""
        if is_share(question):  # "what share of bike trips were shorter than 2 km?" (shares.py)
            return plan_share(question, self.plan)
        if is_peak(question):  # "which hour of the day had the most trips?" (peaks.py)
            return plan_peak(question, self.plan)
        # "the longest distance V5 drove in a day" (daymax.py)
        if (most := plan_day_most(question, self.plan)) is not None:
            return most
        # "what time did V2 leave the depot" (departures.py)
        if (left := plan_when(question, self.plan)) is not None:
            return left
        # "how many days of data for WS-03" (days.py)
        if (days := plan_days(question, self.plan)) is not None:
            return days
        if (area := plan_home_range(question, self.plan)) is not None:
            return area  # "the home range of Kito" (home_range.py, set 34)
        if (stops := plan_dwell(question, self.plan)) is not None:
            return stops  # "the average stop length of LV21 KXR" (dwells.py, set 36)
        if (gap := plan_headway(question, self.plan)) is not None:
            return gap  # "the average headway on route 14" (headways.py, set 35)
        # "how long was V3 above 50 km/h" (speeds.py)
        if (above := plan_above(question, self.plan)) is not None:
            return above
        # "how far did X get from LAT, LON" (inside.py)
        if (far := plan_far(question, self.plan)) is not None:
            return far
        return None

    def _movers_plan(self, question: str) -> QueryPlan | None:
        """The plan of a question about the movers (near a place, the top ones, how many, per
        label, tables, per vehicle); None for a question about trips."""
        if (near := plan_movers_near(question, self.plan, self.words.labels)) is not None:
            return near  # "how many birds came within 1 km of X" (movers.py)
        if (top := plan_top_movers(question, self.plan, self.words.labels)) is not None:
            return top  # "top 3 vans by distance" (movers.py)
        # "how many participants came within 100 m of X" (vehicles.py)
        if is_movers(question, self.words.labels):
            return plan_movers(question, self.plan, self.words.labels)
        if (ranked := plan_label_rank(question, self.plan, self.words.labels)) is not None:
            return ranked  # "which mode has the longest average trip duration" (label_rank.py)
        # time inside, per hour, X vs Y
        if (tabled := plan_tabled(question, self.words.labels, self.plan)) is not None:
            return tabled
        # "which driver drove the most km?" (vehicles.py)
        if is_grouped(question, self.words.labels):
            return plan_grouped(question, self.plan, self.words.labels)
        return None

    def _filters(self, question: str) -> tuple[dict, QuestionText, str, bool]:
        """The plan's fields read from the question's words (its ids, stops, places, dates,
        hours, days, quantities, mode, action), the text left over, the question as asked and
        whether a week was said to start on Sunday."""
        self.mended, self.rewritten, self._strict = [], [], set()
        # the words said, for _said ("midnight", not the "12am" read from it)
        self._own = question.lower()
        f: dict = {}  # the data's own ids and labels first ("VAN-02", "lion tracks")
        question = read_data_words(question, self.words, f, VOCAB - OWN_LABELS, [*MODES.values()])
        question = data_verbs(question, self.words, MODES)  # a bus's runs, "walked" (grounding.py)
        # "hwo many tripps" -> "how many trips"
        question, self.mended = mend(question, VOCAB, MEND_INTO, frozenset(KNOWN))
        question, self.rewritten = rewrite(question)  # "voyages" -> "trips", "1h30" -> "90 min"
        guard(question)
        # brackets are read as if absent ("walks (mon-fri)"), a unit in them as the answer's
        # ("speed (m/s)" is "speed in m/s"); words in them are understood or refused like any
        question = re.sub(rf"\(\s*({UNIT_WORDS})\s*\)", r" in \1 ", question, flags=re.I)
        question = name_boxes(question)  # "the anchorage (lat 51.99-52.03, lon 3.88-3.96)" (set 15)
        question = name_points(question)  # "within 300 m of Zurich HB at 47.37, 8.54" (set 21)
        # "trips per week, Sunday to Saturday" (calendar.py, ask39)
        question, sunday = sunday_weeks(question)
        # "in the week of 6 April": its seven days (set 21)
        question = week_of(question, self.years)
        # "the week of 9 March" alone: which seven days? (calendar.py, set 37)
        refuse_week_of_a_day(question)
        question = re.sub(r"(?<=\w)[()](?=\w)", "", question)  # a slip inside a word
        question, per = read_per(question)  # "daily distance", "trips per week" (set 15)
        if per is not None:
            f["per"] = per
        s = QuestionText(re.sub(r"[()]", " ", question))
        refuse_before_reading(s.low, self._said)
        asked = s.low
        while s.take(ONLY):  # "only" before a filter: read as nothing
            pass
        read_ids(s, f)
        read_stops(s, f, asked)  # "did not stop", "didn't stop for more than 5 min", "did X stop?"
        read_boxes(s, f)  # "from box A to box B", "ended in box B" (set 15)
        read_endpoints(s, f, lambda text: place_key(text, self.area))  # "started near X" (set 14)
        read_space(s, f, self.area)  # boxes, points, radii, places (space.py)
        night = take_night(s)  # "on the night shift of 3 December" (nights.py)
        read_dates(s, f, self.years)
        if night:
            night_of(f, self._said)
        read_hours(s, f)
        read_days(s, f)
        read_quantities(s, f, self._strict)
        read_mode(s, f, self.words)
        f.update(read_action(s, f, KNOWN))
        refuse_group_total(asked, f, self._said)
        return f, s, asked, sunday

    def _checked(self, f: dict, s: QuestionText, asked: str, sunday: bool) -> QueryPlan:
        """The fields as a validated plan; words left unread, a stop without a length, two modes
        and Sunday weeks without weeks refused."""
        unknown = s.leftover_said(KNOWN)
        if unknown:
            said = self._said(" ".join(unknown))
            raise CannotAnswer(f"did not understand {said!r} "
                               "(see docs/llm.md for what can be asked)")  # fmt: skip
        if "min_stop_s" not in f and f.get("metric") not in ("stop_s", "stopped_s") and (m := s.take(STOPPED)):  # fmt: skip
            if f.get("action") in ("sum", "mean", "median") and f.get("metric") == "duration_s":
                # "how long was T-03 stopped in total": all its stops (set 22)
                f["metric"] = "stopped_s"
            else:
                raise CannotAnswer(f"'{self._said(m.group(0))}' for how long? ask 'stopped longer than "
                               "5 min' (the trip's longest stop)")  # fmt: skip
        # "van trips by bike" beside a list: one line, not the plan's words
        if "mode" in f and "modes" in f:
            raise CannotAnswer(f"two modes ({' or '.join(f['modes'])!r}, {f['mode']!r}): ask about one at a "
                               "time, or name them in one list ('truck, van or bike trips')")  # fmt: skip
        trip_own_period(f, asked)  # "average trip duration per week": each week's mean (ask36b)
        plan = validate_plan(f)
        # the words said weeks, the plan has none
        if sunday and "week" not in (plan.per, plan.group):
            raise CannotAnswer("a Sunday-to-Saturday week was said, but the question asks for no weeks: ask 'trips "
                               "per week, Sunday to Saturday' or 'the week of Sunday March 15'")  # fmt: skip
        plan._sunday_weeks = sunday
        check_per(plan)
        plan._strict = frozenset(self._strict)
        return plan

    def _said(self, text: str) -> str:
        """Words of the question as the user wrote them ("which delivery van", not the
        "which vehicle" the planner read)."""
        text = text.strip()
        for clock, word in (("12am", "midnight"), ("12pm", "noon")):  # "ran past midnight" (set 36)
            if clock not in getattr(self, "_own", clock) and word in getattr(self, "_own", ""):
                text = re.sub(rf"\b{clock}\b", word, text)
        for old, new in self.rewritten:  # "90" of "90 min" left alone: "1h30"
            for part in (new, new.split()[0]):
                text, n = re.subn(rf"\b{re.escape(part)}\b", old.lower(), text, count=1)
                if n:
                    break
        return text


def rule_plan(
    question: str, area: tuple[float, float] | None = None, years: Sequence[int] | None = None
) -> QueryPlan:
    return RulePlanner(area, years).plan(question)
