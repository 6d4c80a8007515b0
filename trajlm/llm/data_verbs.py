"""Words whose meaning depends on the data's labels: a service's "runs" and "rides" are its trips, "walked"
is moving on data with no walks, "idle time" is a stop (split out of grounding.py by idea, review39b;
``DataWords``: data_words.py)."""

from __future__ import annotations

import re

import polars as pl

from trajlm.llm.data_words import DataWords
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.refusals import NOT_IN_TABLE

# "runs" of buses or shuttles (set 16: "how many runs left after 11pm", "median run duration"): the
# trips, on data whose labels are no person's modes (no walks, rides or runs: buses, a night service)
_RUNS = re.compile(
    r"(?<![\w\-/.'])runs(?![\w\-/])(?!\s+(?:from|to|through|along|between|past|via|across|into)\b)",
    re.I,
)
_RUN = re.compile(
    r"(?<![\w\-/.'])run(?=\s+(?:durations?|lengths?|distances?|times?|speeds?|took|lasted|had|was)\b)"
    r"|(?:(?<=which )|(?<=each )|(?<=every )|(?<=per )|(?<=the )|(?<=one )|(?<=longest )|(?<=shortest )"
    r"|(?<=fastest )|(?<=slowest ))run(?![\w\-/])"
    r"(?!\s+(?:by|from|to|through|along|between|past|via|across|into)\b)",
    re.I,
)


_RIDES = re.compile(
    r"(?<![\w\-/.'])(?:rides|ride|rode|riding|ridden)(?![\w\-/])(?!\s+(?:id\b|\S*\d))", re.I
)
_RODE = re.compile(
    r"(?<![\w\-/.'])(?:rode|ridden|riding)(?![\w\-/])|\bdid\s+(?:i|we|you|he|she|they)\s+ride\b",
    re.I,
)
# a service's words beside "runs": they are a vehicle's trips (set 16's buses), not a runner's
_SERVICE = re.compile(r"\b(?:bus|buses|trams?|trolley\s*bus(?:es)?|coach(?:es)?|shuttles?|trains?|services?|routes?|lines?"
                      r"|layovers?|dwells?|depots?|drivers?|vehicles?|ambulances?|express|night\s+owl|[A-Z]{2,}-?\d+)\b",
                      re.I)  # fmt: skip


# a runner's mean speed over a whole run, km/h: a 9:14 min/km jog to a 3:20 min/km race (a ride's 20-30 km/h and a
# walk's 4-6 km/h fall outside, so a watch's mix of runs, rides and walks is not all "runs": set 21)
RUN_KMH = (6.5, 18.0)


def run_paced(trips: pl.DataFrame) -> bool:
    """True where the trip table has no labels and every trip (at least one) moved at a runner's mean speed
    (``RUN_KMH``): set 35's runners' GPX exports, where "how many runs did Keiko do" asks for her trips."""
    if "mode" in trips.columns or trips.height == 0 or "speed_kmh" not in trips.columns:
        return False
    kmh = trips["speed_kmh"]
    return kmh.null_count() == 0 and bool(kmh.is_between(*RUN_KMH).all())


def runs_as_trips(question: str, words: DataWords, people: str) -> str:
    """The question with a service's "runs" / "run" read as trips, when the data is known and none of
    its labels is a person's mode (``people``: their pattern; GeoLife's runs and walks stay modes)."""
    if not words.trips or any(re.fullmatch(people, lab) for lab in words.labels):
        return question
    if not words.labels and words.kind is None:
        # no labels (set 21): a runner's or a cyclist's? "how many runs did I do" counted 48 activities (31 runs) and
        # "the distance I rode" every activity's; a bus's runs ("bus runs", "runs had a layover") stay trips, and so
        # do the nouns "rides" (a taxi's, a ride-hailing app's)
        rode = (
            _RIDES if words.activities or words.run_paced else _RODE
        )  # a watch's "rides": bike rides or every activity? (runners' trips: no ride, ask37b)
        if (m := rode.search(question)) and not re.search(NOT_IN_TABLE, question.lower()):
            raise CannotAnswer(f"this data has no labels, so {m.group(0)!r} cannot be told apart from other trips "
                               "(bike rides or any trip?): say 'trips' to ask about every trip")  # fmt: skip
        if (
            (m := _RUNS.search(question) or _RUN.search(question))
            and not words.run_paced  # every trip at a runner's speed: its runs (ask37b)
            and not _SERVICE.search(question)
            and not re.search(NOT_IN_TABLE, question.lower())
        ):
            raise CannotAnswer(f"this data has no labels, so {m.group(0)!r} cannot be told apart from other trips "
                               "(a runner's runs or a bus's?): say 'trips' to ask about every trip")  # fmt: skip
    return _RUN.sub("trip", _RUNS.sub("trips", question))


def data_verbs(question: str, words: DataWords, modes: dict[str, str]) -> str:
    """Words whose meaning depends on the data's labels (``modes``: the planner's mode patterns): a
    service's "runs" are trips (set 16); "walked" / "did X walk" are moving on data with no walks (set 12);
    "which round had the longest idle time" is its longest stop (set 16), and "LOG-3's longest idle time" the longest
    stop of its trips (session 18; set 14 had it refused)."""
    people = "|".join((modes["walk"], modes["bike"], modes["run"], r"runs?|running|hik\w*|jog\w*"))
    question = runs_as_trips(question, words, people)
    if re.search(r"\bwhich\b", question, re.I):
        question = re.sub(r"\bidle\s+time\b", "stop", question, flags=re.I)
    # "LOG-3's longest idle time": the longest stop of its trips (session 18, pervehicle18; a total idle time is not
    # the sum of each trip's longest stop, so only after longest / shortest)
    question = re.sub(
        r"\b(longest|shortest|maximum|max|biggest)\s+idle\s+time\b",
        r"\1 stop",
        question,
        flags=re.I,
    )
    # not on data labelled with people's modes (GeoLife: bus, bike, car, ...; session 19): "which user walked the
    # most km" there asks for walks, which it has none of, never every trip
    travel = [
        k for k, p in modes.items() if k != "walk" and any(re.fullmatch(p, x) for x in words.labels)
    ]
    if (
        words.labels
        and not any(re.fullmatch(modes["walk"], x) for x in words.labels)
        and len(travel) < 2
    ):
        question = re.sub(r"(?<![\w\-])walked(?![\w\-])", "moved", question, flags=re.I)
        # "how far did hiker_ben walk": the verb (set 12), not the mode
        question = re.sub(r"\b(did\s+(?:\S+\s+)?)walk(?![\w\-])", r"\1move", question, flags=re.I)
    return question
