"""A race's and a ski resort's words (set 29, ask29), read against the data before the rule planner reads the
question (a hospital's kinds of vehicle by id letters: fleet_words.vehicle_group):

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
from trajlm.llm.plan import CannotAnswer

_PERSON = r"(?:(?:bib|runner|racer|entrant|competitor)s?(?:\s+(?:no\.?|number|#))?)"
_PEOPLE = r"(?:runners|racers|entrants|competitors|finishers|starters|participants|people|persons)"
_RANK = {"slowest": "longest", "fastest": "shortest", "quickest": "shortest"}
_RUN_LABEL = re.compile(r"runs?|running|jog\w*")
_MACHINES = (
    r"(?:piste[\s-]?bashers?|snow[\s-]?cats?|(?:piste\s+|snow\s+)?groomers?|grooming\s+machines?)"
)


def _machine(said: str, labels: Sequence[str]) -> str:
    """ "groomers" -> "vehicles", unless the word is one of the data's labels ("which groomer" among groomer / winch
    is the groomers: ask39b found it read as any vehicle, a silent wrong answer)."""
    low = said.lower()
    if any(low in (lab, lab + "s") for lab in labels):
        return said
    return "vehicles" if low.endswith("s") else "vehicle"


def _label_forms(labels: Sequence[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))


_NOT_A_WEEK = r"(?!\s+(?:of|starting|beginning|commencing|from|ending|to|after|before|in|on)\b)"


def race_words(question: str, words: DataWords) -> str:
    """The question with a race's words for its trips written in the planner's (see the module's doc)."""
    if not (words.trips or words.vehicles or words.labels):
        return question

    def numbered(m: re.Match) -> str:
        n = m.group(2).replace(",", "")  # "bib 2,003": a thousands separator (badin29)
        if n in words.numbers:
            return f"vehicle {n}{m.group(3) or ''}"
        if n.lower() in words.trips:
            return f"trip {n}{m.group(3) or ''}"
        if ids := sorted(int(x) for x in (*words.trips, *words.numbers) if x.isdigit()):
            # badin29: "bib 9999" on a race numbered 1-5020 was "did not understand"
            raise CannotAnswer(f"no {m.group(1).strip()} {n} in the data (its numbers run "
                               f"{ids[0]}-{ids[-1]}, {len(ids)} of them)")  # fmt: skip
        return m.group(0)

    question = re.sub(rf"\b({_PERSON})\s+#?(\d{{1,3}}(?:,\d{{3}})+|\d+)('s)?(?![\w\-/.])", numbered,
                      question, flags=re.I)  # fmt: skip
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
        question = re.sub(
            rf"\b{_MACHINES}\b", lambda m: _machine(m.group(0), words.labels), question, flags=re.I
        )
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
