"""Natural-language questions over trajectory data: ``trajlm.ask(question, data)``.

(The module is ``questions``, not ``ask``, so that ``trajlm.ask`` stays the function.)

    import trajlm
    ans = trajlm.ask("how many bus trips started on Monday mornings?", "stores/city")
    print(ans.plan.describe())   # the validated plan, shown before it runs (CLI: always)
    print(ans)                   # 12

A planner turns the question into a typed ``QueryPlan`` (trajlm/llm/plan.py): the rule-based
one, or SmolLM2-135M-Instruct with constrained decoding when installed and asked for
(``planner="smollm2"``). The plan runs on Polars (trajlm/llm/query.py); ``predict`` runs
through ``trajlm.TrajLM``. A question no plan can express raises ``CannotAnswer`` ("can't
answer that: ..."). Nothing from the question or the language model is ever executed as code.
docs/llm.md has the vocabulary, the evaluation and the latencies.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

import polars as pl

from trajlm.ask_keywords import COLUMN_KEYS, keyword_columns  # noqa: F401  (importable here)
from trajlm.data.features import median_lon
from trajlm.data.full_rate import PEAK_MPS
from trajlm.data.geo import is_local
from trajlm.errors import TrajlmInputError
from trajlm.llm.ask_data import (  # noqa: F401  (re-exported: importable from here as before)
    ACTIVITY_FORMATS,
    ONE_KIND,
    POINT_COLUMNS,
    data_zone,
    ingest_note,
    jitter_note,
    load_points,
    points_and_notes,
    points_notes_zone,
    subsecond_note,
)
from trajlm.llm.ask_data import read_as as _read_as  # noqa: F401  (its name here before session 24)
from trajlm.llm.asker_words import asker_words
from trajlm.llm.every_vehicle import BOUNDS, is_all_trips, is_every
from trajlm.llm.kinds import refuse_other_kind
from trajlm.llm.ordinals import ordinal, ranked_plan, run_nth
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.plane_answers import is_plane_store, plane_hint, refuse_place, start_in_metres
from trajlm.llm.planner import make_planner
from trajlm.llm.query import Answer, run_plan
from trajlm.llm.refusals import refuse_stop_events
from trajlm.llm.replan import replan
from trajlm.llm.runs_note import runs_inferred_note
from trajlm.llm.sports_answers import (
    SportsPlan,
    ball_ids,
    players_only,
    run_sports,
    sports_plan,
    sprint_word,
)
from trajlm.llm.stop_owner import asks_stop_owner, stop_owner_text
from trajlm.llm.than_named import compared
from trajlm.llm.tracks import read_tracks
from trajlm.llm.two_asks import compare_pair, two_named, two_periods
from trajlm.llm.vehicle_answers import failing_trips, no_trip_then, vehicles_without, which_vehicles
from trajlm.llm.which_movers import is_which_movers
from trajlm.llm.which_not import name_missing, which_not
from trajlm.llm.world_words import second_unit, second_unit_note
from trajlm.llm.yes_no import is_yes_no
from trajlm.question_data import asked_data
from trajlm.question_extras import predicted_answer, ready_model, started_there, trip_history

# a question that names the zone of its hours: UTC ("between 7 and 9 UTC"), or the data's own
SAYS_UTC = re.compile(r"\b(?:utc|gmt)\b", re.I)
SAYS_LOCAL = re.compile(r"\blocal\b", re.I)
# a question about where trips started or ended ("started within 300 m of X", "left from")
STARTED_AT = re.compile(
    r"\b(?:start(?:ed|ing|s)?|began|begin(?:s|ning)?|depart(?:ed|ing|s)?|left|end(?:ed|ing|s)?"
    r"|finish(?:ed|ing|es)?|arriv(?:ed|ing|es)?|dropped off|picked up)\b[^?.]*\b(?:from|at|near|within"
    r"|around|close to|in)\b|\b(?:start(?:ed|ing)?|began|end(?:ed|ing)?)\s+-?\d{1,3}\.\d+\s*,",
    re.I,
)


# the fields that name when a trip started (the "no trip that day" note of a yes / no answer)


class Asker:
    """Holds the data, its trip table, the planner and the model across questions (so the
    planner and model load once). ``asker(question)`` -> ``Answer``.

    Hours, weekdays and dates are the trip's start in ``tz`` (an IANA zone or "+02:00"),
    by default the zone the store was ingested in (``--tz`` / ``--utc-offset``), else UTC; a
    question that says "UTC" or "GMT" is read in UTC. ``columns``: a frame's own column names,
    ``{"traj_id": "journey", "t": "local_time", "lat": ..., "lon": ..., "label": "service",
    "vehicle_id": "unit"}`` (as ``data ingest --traj-col ... --label-col --vehicle-col``);
    without it they are detected, a ``mode`` / ``activity`` column read as the label and a
    ``vehicle_id`` / ``mmsi`` / ``driver_id`` ... column as the vehicle, as ingest does.
    ``time_format``: a frame's time text as ``data ingest --time-format`` takes it ('%d/%m/%Y
    %H:%M:%S', unix_ms, ...)."""

    def __init__(
        self,
        data: Any,
        *,
        planner: Any = "auto",
        model: Any = None,
        split: str | None = None,
        tz: str | None = None,
        columns: dict | None = None,
        time_format: str | None = None,
        crs: str | None = None,
        **column_keywords: str | None,
    ):
        columns = keyword_columns(columns, column_keywords)  # traj_col=... as TrajLM takes it
        if crs is not None and isinstance(data, str | os.PathLike):  # a store keeps its own
            raise TrajlmInputError("crs= reads a frame's coordinates; a store recorded its own at "
                                   "ingest (data ingest --crs): leave crs out", field="crs")  # fmt: skip
        got = asked_data(data, split, tz, columns, time_format, crs)  # question_data.py
        self.points, self.notes, self.zone, noisy = got.points, got.notes, got.zone, got.noisy
        self.trips_utc, self.trips, self._long = got.trips_utc, got.trips, got.long_tracks
        area = (float(self.points["lat"].median()), median_lon(self.points["lon"]))
        years = self.trips["start"].dt.year().unique().sort().to_list()  # dates without a year
        words, one_kind = asker_words(data, self.trips, self._long)
        self.planner = (
            make_planner(planner, area, years, words) if isinstance(planner, str) else planner
        )
        # "were all the charters ...": trips, not vehicles (every_vehicle.py)
        self._labels = words.labels
        self._vehicles = words.vehicles  # "FUEL-1 or FUEL-2" (two_asks.py, set 39)
        self._run_paced = words.run_paced
        self._model = model
        self._ingest_note = ingest_note(data)
        self._subsecond_note = subsecond_note(data)  # a 10 Hz source kept at 1 Hz (set 27)
        self._jitter_note = jitter_note(data)  # a still phone's km (newuser32)
        # x / y metres: no place in degrees (local36); a frame read with crs="local" (local37)
        self._plane_store = is_plane_store(data)  # the refusal names the store or crs=
        self._plane = self._plane_store or is_local(crs)
        self._kind = one_kind
        # player tracking (sports37): sprints, top speed, halves; the ball is no player
        self._sports = (
            self._plane
            or bool({"period", PEAK_MPS} & set(self.points.columns))  # halves; --full-rate
            or bool(ball_ids(self.points))
            or noisy is not None  # --full-rate asked for: sports data, read in 1-s steps
        )

    def plan(self, question: str) -> QueryPlan:
        self._pair = (
            None  # two periods, or two named vehicles, compared in run() (two_asks.py, set 39)
        )
        self._nth = self._which_not = (
            None  # the rank, the movers without (ordinals.py, which_not.py; ask40)
        )
        if (every := which_not(question)) is not None:  # "which buses did not go out on Friday"
            plan, self._which_not = self.plan(every), True
            return plan
        if (rank := ordinal(question)) is not None:
            plan = ranked_plan(self.plan(rank[0]))
            self._asked, self._nth = (plan, question), rank[1:]
            return plan
        if (periods := two_periods(question)) is not None:
            other = self.plan(periods[1])
            plan = self.plan(periods[0])
            self._pair = ("periods", other, periods[2], periods[3])
            return plan
        if (named := two_named(question, getattr(self, "_vehicles", {}))) is not None:
            plan = self.plan(named[0])
            if plan.group != "vehicle":
                raise CannotAnswer(f"{named[1]} or {named[2]}: ask about one at a time")
            plan = replan(plan, k=1000)  # every vehicle's row, then the two compared
            self._asked, self._pair = (plan, question), ("named", None, named[1], named[2])
            return plan
        question, second = second_unit(
            question
        )  # "in km and in miles": km, miles in a note (set 39)
        self._second_unit = second
        if self._sports and (sports := sports_plan(question)) is not None:
            self._asked = (sports, question)
            return sports
        try:
            plan = self.planner.plan(question)
        except CannotAnswer as e:  # a hint naming LAT,LON, on a plane: x / y (badfix37)
            if not self._sports and (word := sprint_word(question)):  # badin38
                raise CannotAnswer(
                    f"'{word}': sprints are counted on player tracking (a Metrica / TRACAB feed, a "
                    "--crs local pitch), which this data is not: ask about speeds ('trips "
                    "faster than 30 km/h on average')"
                ) from None
            raise (plane_hint(e, self._plane_store) if self._plane else e) from None
        # "the average dwell time at stops" (not each trip's longest stop); "van trips" on Porto's taxis (session 19)
        refuse_stop_events(plan, question)
        refuse_other_kind(question, self._kind)
        timed = plan.hour_from is not None or plan.hour_to is not None or plan.weekdays
        timed = timed or plan.date_from is not None or plan.date_to is not None
        if self.zone:  # the data's zone, unless the question says UTC
            plan._zone = "UTC" if SAYS_UTC.search(question) else self.zone
        elif timed and SAYS_LOCAL.search(question) and not SAYS_UTC.search(question):
            raise CannotAnswer("the data's local time zone is unknown (its times are UTC): "
                               "ingest with --tz ZONE or --utc-offset HOURS, or pass tz=")  # fmt: skip
        if (
            plan.mode is not None and plan.mode == self._kind
        ):  # "taxi trips" of a taxi data set: every trip (set 15)
            plan = plan.model_copy(update={"mode": None})
        if plan.trip is not None and plan.trip not in set(self.trips["traj_id"].to_list()):
            plan = self._segment(plan)
        if plan.action == "list" and is_yes_no(question) and is_all_trips(question, self._labels):
            # "were all the crossings on Monday?": nothing for each trip to meet
            if not any(getattr(plan, k) is not None for k in BOUNDS):
                raise CannotAnswer("'all the trips' asks of each trip: give what each must meet (a length, a "
                                   "duration, a speed, a stop: 'were all the crossings longer than 5 km'), or ask "
                                   "how many trips ...")  # fmt: skip
        self._asked = (plan, question)  # run() adds the notes the question needs (the CLI too)
        return plan

    def _segment(self, plan: QueryPlan) -> QueryPlan:
        """A trip named without the store's segment suffix ("LY-R0062" for "LY-R0062_0"):
        the one segment, or a refusal naming them."""
        ids = self.trips["traj_id"].to_list()
        low = plan.trip.lower()
        parts = [i for i in ids if re.fullmatch(rf"{re.escape(low)}_\d+", str(i).lower())]
        if len(parts) == 1:
            plan = plan.model_copy(update={"trip": parts[0]})  # keeps _zone and _strict
        elif len(parts) > 1:
            raise CannotAnswer(f"trip {plan.trip!r} was split into {len(parts)} segments at "
                               f"ingest ({', '.join(parts[:4])}): name one")  # fmt: skip
        return plan

    def run(self, plan: QueryPlan) -> Answer:
        if plan.action == "predict":
            return self._predict(plan)
        if self._plane:
            refuse_place(plan, store=self._plane_store)
        asked, question = getattr(self, "_asked", (None, ""))
        if isinstance(plan, SportsPlan):  # sprints, top speed, halves (sports37)
            answer = run_sports(plan, self.points)
            answer.notes += [self._subsecond_note] if self._subsecond_note else []
            answer.notes.extend(self.notes)
            return answer
        trips = self.trips_utc if plan._zone in (None, "UTC") else self.trips
        points, ball = self.points, None
        if self._sports and asked is plan:  # the ball is no player (sports37)
            points, trips, ball = players_only(question, points, trips)
        points, trips, cut = read_tracks(plan, points, trips, self._long)  # days of tracks
        if asked is plan and getattr(
            self, "_nth", None
        ):  # "the third longest flight" (ordinals.py, ask40)
            answer = run_nth(plan, self._nth, trips, lambda p, t: run_plan(p, points, t))
        else:
            answer = run_plan(plan, points, trips)
        if asked is plan and getattr(self, "_second_unit", None):  # "in km and in miles" (set 39)
            answer.notes.append(
                second_unit_note(plan.metric, plan.unit, self._second_unit, answer.value)
            )
        if self._plane and plan.action == "describe" and isinstance(answer.value, str):
            one = points.filter(pl.col("traj_id") == plan.trip).sort("t")
            answer.value = start_in_metres(
                answer.value, one["lat"].to_numpy(), one["lon"].to_numpy()
            )
        answer.notes += [cut] if cut else []
        answer.notes += [ball] if ball else []
        if (ran := runs_inferred_note(question, self._run_paced, trips)) is not None:
            answer.notes.append(ran)  # runs read from the pace, said (ask38)
        if asked is plan and STARTED_AT.search(question) and plan.center() is not None:
            answer.notes.append(started_there(plan, self.points, self.trips_utc, self.trips))
        if (
            asked is plan
            and plan.action == "list"
            and "vehicle" in trips.columns
            and is_which_movers(question)
        ):
            answer.text, answer.value = which_vehicles(plan, points, trips, question)  # set 34
        if asked is plan and (than := compared(question, plan, answer.table)) is not None:
            answer.text, answer.value = than  # "which vans made more trips than VAN-02" (set 36)
        if asked is plan and plan.action == "list" and is_yes_no(question):
            answer.yes_no = True  # "was VAN-07 out on Monday?": yes / no, then the trips (set 32)
            every = is_every(question, self._labels) and plan.vehicle is None
            # "did every van stop?" on data without a vehicle column said "yes: 1 trip" (set 34)
            if every and "vehicle" not in trips.columns:
                raise CannotAnswer(
                    "this data has no vehicle column, so 'every' vehicle cannot be checked one by one: name it "
                    "(data ingest --vehicle-col, columns={'vehicle_id': ...}) or ask about the trips"
                )
            if every:
                # "were all the vans out" (set 33)
                answer.every = vehicles_without(plan, self.points, trips)
            # "were all the crossings longer than 5 km" (set 33)
            elif is_all_trips(question, self._labels):
                answer.all_trips = failing_trips(plan, self.points, trips)
            if every and self._which_not:
                name_missing(
                    answer
                )  # "which buses did not go out": those first (which_not.py, ask40)
            if answer.n_total == 0 and (gone := no_trip_then(plan, self.points, trips)):
                answer.notes.append(gone)
        if (
            plan.vehicle is not None and self._ingest_note
        ):  # a vehicle's total is of the pieces kept (set 15)
            answer.notes.append(self._ingest_note)
        if (
            self._subsecond_note and plan.action != "count"
        ):  # a count of trips is the same at any rate
            answer.notes.append(self._subsecond_note)
        if self._jitter_note and plan.metric == "length_m":
            answer.notes.append(self._jitter_note)
        answer.notes.extend(self.notes)
        if asked is plan and asks_stop_owner(question) and (owner := stop_owner_text(answer.table)):
            answer.text = (
                owner  # "which bike had the longest stop": its vehicle first (stop_owner.py, ask39)
            )
        if asked is plan and getattr(self, "_pair", None) is not None:
            answer = compare_pair(self._pair, plan, answer, self.run)
        return answer

    def __call__(self, question: str) -> Answer:
        t0 = time.perf_counter()
        answer = self.run(self.plan(question))
        answer.seconds = time.perf_counter() - t0
        return answer

    def _predict(self, plan: QueryPlan) -> Answer:
        history = trip_history(plan, self.points, self._model)
        self._model = ready_model(self._model)  # loaded once, kept for the next question
        return predicted_answer(plan, history, self._model, self._plane)


def ask(
    question: str,
    data: Any,
    *,
    planner: Any = "auto",
    model: Any = None,
    split: str | None = None,
    tz: str | None = None,
    columns: dict | None = None,
    time_format: str | None = None,
    crs: str | None = None,
    **column_keywords: str | None,
) -> Answer:
    """Answer one question about ``data`` (a store path or a trajectory frame); see the module
    docstring and ``Asker`` (``tz``: the zone of hours and dates; ``columns``: a frame's own
    column names, or as keywords the way ``TrajLM`` takes them: ``traj_col=``, ``time_col=``,
    ``lat_col=``, ``lon_col=``, ``label_col=``, ``vehicle_col=``; ``crs``: a frame's
    coordinates' CRS, ``"local"`` for x / y metres on a plane (answers in metres, places in
    degrees refused), as ``TrajLM.predict`` takes it).
    For many questions build an ``Asker`` once."""
    return Asker(
        data,
        planner=planner,
        model=model,
        split=split,
        tz=tz,
        columns=columns,
        time_format=time_format,
        crs=crs,
        **column_keywords,
    )(question)
