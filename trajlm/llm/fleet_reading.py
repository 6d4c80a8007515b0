"""The fleet's own words, read before the rule planner's (split out of ``RulePlanner.plan`` by
idea, review39b): which movers, "across the vans", spoken ids ("van 7"), a club's, a patrol's and
a work crew's words, one fleet's noun; then the kind of vehicle its ids' letters name ("the
trucks": ``vehicle_prefix``) and Porto's call types ("street hails")."""

from __future__ import annotations

from trajlm.llm.calendar import each_period
from trajlm.llm.call_types import call_type_words
from trajlm.llm.club_words import club_words
from trajlm.llm.dwells import stop_times
from trajlm.llm.fleet_words import used_words, vehicle_group, who_and_across
from trajlm.llm.grounding import DataWords
from trajlm.llm.id_kinds import refuse_kind_not_in_ids, refuse_unknown_vehicle_id
from trajlm.llm.one_fleet import each_of_the, fleet_noun, own_vehicle
from trajlm.llm.patrol_words import kind_in_two_words, patrol_words
from trajlm.llm.rule_words import VOCAB
from trajlm.llm.spoken_ids import spoken_vehicle_ids
from trajlm.llm.which_movers import which_movers
from trajlm.llm.work_words import work_words


def fleet_questions(question: str, words: DataWords) -> str:
    """The question with the fleet's own words read (``words``: the data's labels and ids)."""
    # set 34: "was bike 4017 used on Sunday" (was it out), "who walked the furthest", "across the vans"
    # (fleet_words.py); "which ships anchored for longer than 6 h": the vehicles of those trips (which_movers.py)
    question = which_movers(who_and_across(used_words(own_vehicle(question, words))))
    question = spoken_vehicle_ids(question, words)  # "van 7": VAN-07 (spoken_ids.py, set 32)
    # "the porters": POR-* (race_words.py, set 29)
    # "spray jobs", "the ATV", "parked", "who was driving X" (work_words.py, set 30)
    question = work_words(question, words, VOCAB)
    # "patrols", walks as the trips, "at the scene", "the tow trucks" (patrol_words.py, set 31)
    question = patrol_words(question, words)
    question = club_words(
        question, words
    )  # "which rider", "grocery rounds" (club_words.py, set 32)
    # "which sweeper" on SW-01 ... only, "each of the sweepers" (one_fleet.py, set 37)
    question = fleet_noun(each_of_the(stop_times(each_period(question))), words)
    return question


def vehicle_kind(question: str, words: DataWords) -> tuple[str, str | None, str | None]:
    """The question, the kind of vehicle its words name by the ids' letters (a ``vehicle_prefix``,
    else None) and the call type it names (else None); a kind or an id the data lacks is refused."""
    question, prefix = kind_in_two_words(question, words)
    refuse_kind_not_in_ids(question, words)  # "the trucks" on VAN / ATV / T ids (badin30)
    refuse_unknown_vehicle_id(question, words)  # "did T3 mow" on T1 / T2 (leftover31)
    if prefix is None:
        question, prefix = vehicle_group(question, words, VOCAB)
    question, call = call_type_words(
        question, words
    )  # "street hails" on Porto (call_types.py, set 31)
    return question, prefix, call
