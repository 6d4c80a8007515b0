"""A race's, a hospital's and a ski resort's words (set 29, ask29), read against the data before the rule
planner reads the question:

- a number said with the word a person puts before it, "bib 2003", "runner 2010's", "number 1", "entrant 17":
  the trip of that id where the data have one (a race's tracker file: one trip a runner, its bib the trip's id),
  or the vehicle of that number; a number that is neither is left (refused as before);
- "runners", "racers", "entrants", "competitors", "finishers" (and "bib" / "runner" after which / each): the trips,
  where the data name no vehicle (a race's trackers: each runner is one trip); "ran / started / finished / entered
  / did the <label>" is "labelled <label>" ("how many runners started the marathon");
- "finish(ing) time", "race time", "chip time", "<label> time" ("the slowest 10k time"): the trip's duration;
  "cross(ed) the (finish) line" is the trip's end ("what time did the last runner cross the finish line");
- "ran" / "run" as a verb, where no label is a run: travelled (set 28 read "did X run" so);
- a ski resort's "piste bashers", "snowcats", "groomers" are the vehicles; "over the week" is the whole data
  where its trips start on seven dates or fewer (nights.whole_span reads "over the four nights").

Without data (no labels, ids or trips) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.grounding import DataWords

_PERSON = r"(?:(?:bib|runner|racer|entrant|competitor)s?(?:\s+(?:no\.?|number|#))?)"
_PEOPLE = r"(?:runners|racers|entrants|competitors|finishers|starters|participants|people|persons)"
_RANK = {"slowest": "longest", "fastest": "shortest", "quickest": "shortest"}
_RUN_LABEL = re.compile(r"runs?|running|jog\w*")
_MACHINES = (
    r"(?:piste[\s-]?bashers?|snow[\s-]?cats?|(?:piste\s+|snow\s+)?groomers?|grooming\s+machines?)"
)


def _label_forms(labels: Sequence[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))


_NOT_A_WEEK = r"(?!\s+(?:of|starting|beginning|commencing|from|ending|to|after|before|in|on)\b)"


def race_words(question: str, words: DataWords) -> str:
    """The question with a race's words for its trips written in the planner's (see the module's doc)."""
    if not (words.trips or words.vehicles or words.labels):
        return question

    def numbered(m: re.Match) -> str:
        n = m.group(1)
        if n in words.numbers:
            return f"vehicle {n}{m.group(2) or ''}"
        if n.lower() in words.trips:
            return f"trip {n}{m.group(2) or ''}"
        return m.group(0)

    question = re.sub(rf"\b{_PERSON}\s+#?(\d+)('s)?(?![\w\-/.])", numbered, question, flags=re.I)
    no_vehicles = not words.vehicles and not words.numbers
    if no_vehicles and words.trips:
        if words.labels:
            labs = _label_forms(words.labels)
            question = re.sub(
                rf"\b(?:ran|run|started|start|finished|finish|entered|enter|completed|complete|did|do)\s+"
                rf"(?:in\s+)?the\s+({labs})\b(?![\w\-])(?!\s+(?:trips?|times?|runners?|racers?|{_PEOPLE}))",
                r"labelled \1",
                question,
                flags=re.I,
            )
            # "marathoners", "the 10k runners": the label's trips
            question = re.sub(rf"\b({labs})ers?\b(?![\w\-])", r"\1 trips", question, flags=re.I)
            question = re.sub(rf"\b({labs})\s+{_PEOPLE}\b", r"\1 trips", question, flags=re.I)
        question = re.sub(
            rf"\b(?:all\s+)?(?:the\s+)?{_PEOPLE}\b", "the trips", question, flags=re.I
        )
        # "finished in under 3 hours": took (not the trip's end hour)
        question = re.sub(r"\b(?:finished|completed|ran\s+it|did\s+it)\s+(?:the\s+race\s+)?in\s+(?=under|less|over|more|below|above)",
                          "took ", question, flags=re.I)  # fmt: skip
        question = re.sub(
            r"\b(which|each)\s+(?:bib|runner|racer|entrant)\b", r"\1 trip", question, flags=re.I
        )
        question = re.sub(r"\b(?:runner|racer|entrant)\b(?![\w\-])", "trip", question, flags=re.I)
        question = re.sub(r"\b(how many|the) trips trips\b", r"\1 trips", question, flags=re.I)
    # a race's times: how long the trip took, and when it ended
    question = re.sub(
        r"\b(?:finish(?:ing)?|race|chip|net|gun)\s+times?\b", "duration", question, flags=re.I
    )
    if words.labels:
        labs = _label_forms(words.labels)
        question = re.sub(rf"\b(slowest|fastest|quickest)\s+({labs})\s+times?\b",
                          lambda m: f"{_RANK[m.group(1).lower()]} trip labelled {m.group(2)}",
                          question, flags=re.I)  # fmt: skip
    # "how long did runner 2003 take to finish": the trip's time
    question = re.sub(r"\btake\s+to\s+(?:finish|complete|run|get\s+round)(?:\s+(?:it|the\s+race|the\s+course))?\b", "take",
                      question, flags=re.I)  # fmt: skip
    # "how long did trip 2003 take": its duration ("how long was trip X" may be its length: left)
    question = re.sub(r"\bhow\s+long\s+did\s+(trip\s+[\w\-]+)\s+(?:take|last)\b", r"what was the total duration of \1",
                      question, flags=re.I)  # fmt: skip
    # one trip's speed or pace is its mean over the one trip: "the pace of bib 2010", "trip 2010's speed"
    question = re.sub(
        r"\bthe\s+(pace|speed)\s+of\s+(?=trip\s)", r"the average \1 of ", question, flags=re.I
    )
    question = re.sub(
        r"\b(trip\s+[\w\-]+)'s\s+(pace|speed)\b", r"average \2 of \1", question, flags=re.I
    )
    # one trip's measure: "what was trip 2003's duration", "the length of trip 2007"
    question = re.sub(
        r"\b(trip\s+[\w\-]+)'s\s+(duration|length|distance)\b",
        r"total \2 of \1",
        question,
        flags=re.I,
    )
    question = re.sub(
        r"\bthe\s+(duration|length|distance)\s+of\s+(?=trip\s)",
        r"the total \1 of ",
        question,
        flags=re.I,
    )
    question = re.sub(
        r"\bcross(?:ed)?\s+the\s+(?:finish(?:ing)?\s+)?line\b", "end", question, flags=re.I
    )
    if not any(_RUN_LABEL.fullmatch(x) for x in words.labels):
        question = re.sub(r"\b(trips?|trip\s+\S+?)\s+ran\b", r"\1 travelled", question, flags=re.I)
        question = re.sub(r"\b(did\s+trip\s+\S+\s+)run\b", r"\1travel", question, flags=re.I)
    if words.vehicles:
        question = re.sub(rf"\b{_MACHINES}\b", lambda m: "vehicles" if m.group(0).lower().endswith("s") else "vehicle",
                          question, flags=re.I)  # fmt: skip
        if (
            words.dates
            and (max(words.dates) - min(words.dates)).days <= 7
            and min(words.days, words.nights) <= 7
        ):
            question = re.sub(
                rf"\b(?:over|during|across)\s+the\s+(?:whole\s+)?week\b{_NOT_A_WEEK}",
                " ",
                question,
                flags=re.I,
            )
    return question


# nouns the planner reads as a label (a mode), never as the ids' letters
_LABEL_NOUNS = frozenset(
    {"yacht", "boat", "ship", "vessel", "bike", "bus", "car", "taxi", "ferry", "plane"}
)
# what a hospital calls its automated guided vehicles: the ids' letters need not say it
_ROBOTS = {"robot", "bot", "agv", "amr", "agvs", "amrs"}
_ROBOT_IDS = {"agv", "amr", "robot", "rbt", "bot"}


def vehicle_group(
    question: str, words: DataWords, vocab: frozenset[str] = frozenset()
) -> tuple[str, str | None]:
    """("which vehicle ...", "POR") for "which porter ..." where two vehicles or more have ids of the letters a
    noun of the question starts with (POR-14, POR-22; "the AGVs", "the robots" for AGV-1 ... AGV-3) and other
    vehicles have other letters: the noun read as "vehicle(s)" and the ids' letters returned, else (question, None).
    """
    kinds: dict[str, list[str]] = {}
    for low in words.vehicles:
        if m := re.fullmatch(r"([a-z]+)[-_ ]?\d+", low):  # one letter too: T1, T2 (set 30)
            kinds.setdefault(m.group(1), []).append(low)
    if len(kinds) < 2 or sum(map(len, kinds.values())) != len(words.vehicles):
        return question, None
    if any(
        re.search(rf"(?<![\w\-]){re.escape(v)}(?![\w\-])", question, re.I) for v in words.vehicles
    ):
        return question, None  # one vehicle named: "the fuel uplift of FUEL-2" is no group (set 27)
    for m in re.finditer(
        r"\b(the|which|each|every|per|all(?:\s+the)?|of\s+the)\s+([a-z]{3,})\b(?![\w\-])",
        question,
        re.I,
    ):
        noun = m.group(2).lower()
        one = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
        # "the vans" on VAN-07, VAN-12: the ids' own word (set 30), unless the data or the planner read it as a
        # label ("which yacht": sailing trips, set 19; "which truck or van" on labels truck / van, set 20)
        own = (
            one in kinds
            and len(kinds[one]) >= 2
            and not {one, noun} & set(words.labels)
            and one not in _LABEL_NOUNS
        )
        if not own and (
            one in words.labels
            or noun in words.labels
            or noun in words.vehicles
            or {one, noun} & vocab
        ):
            continue  # the planner's own words ("which yacht": sailing trips, set 19; "bikes")
        if one == noun and not re.match(r"which|each|every|per", m.group(1), re.I):
            continue  # a singular after "the" is a word of another noun ("the fuel uplift"): "which porter" is one
        hits = _kind_of(one, kinds)
        if len(hits) == 1:
            said = "vehicles" if one != noun else "vehicle"
            return question[: m.start(2)] + said + question[m.end(2) :], hits[0].upper()
    return question, None


def _abbreviates(letters: str, noun: str) -> bool:
    """ "grt" abbreviates "gritter": its first letter the noun's, the rest in order in the noun."""
    if len(letters) < 2 or letters[0] != noun[0]:
        return False
    rest = iter(noun[1:])
    return all(c in rest for c in letters[1:])


def _kind_of(one: str, kinds: dict[str, list[str]]) -> list[str]:
    """The id letters a noun names, the surest reading first: the letters themselves ("van": VAN-07), the
    noun starting with three letters or more ("porter": POR-14), "robots" for AGV / AMR ids, letters that
    abbreviate it ("gritter": GRT-11; set 30), one letter that starts it ("tractor": T1; set 30); the first
    reading with one kind (two ids or more) wins."""
    tiers = [
        lambda p: one == p,
        lambda p: len(p) >= 3 and one.startswith(p),
        lambda p: one in _ROBOTS and p in _ROBOT_IDS,
        lambda p: _abbreviates(p, one),
        lambda p: len(p) == 1 and one.startswith(p),
    ]
    for tier in tiers:
        hits = [p for p, ids in kinds.items() if len(ids) >= 2 and tier(p)]
        if hits:
            return hits
    return []
