"""A kind of vehicle named in a question, read against the data's own labels (session 19, ask19).

The planner rewrites "van", "truck", "lorry", "ship", "vessel", "boat", "yacht" into "vehicle" (synonyms.py): on a
fleet of one kind that is right ("average speed of the vans" on a van fleet). On data whose labels are kinds of
vehicle or travel, it was a wrong number: "how many yacht trips were there?" on yachts labelled ``sailing`` beside
hikers labelled ``walk`` counted all 60 trips (35 are sailing), "how many van trips" on buses and taxis counted every
bus and taxi. Now, before planning (``label_words``):

- a word people use for a label the data has under another name is that label: "yacht(s)", "sailboat(s)",
  "sailing boat(s)" are ``sailing``; "boat", "ship", "vessel" too where ``sailing`` is the data's only vessel label
  beside others (a walk, a car); "hiker(s)", "hike(s)", "rambler(s)", "trekker(s)" are ``walk`` (never where the data
  has a hike label of its own);
- a kind the labels do not have, where they are kinds ("van trips" among bus and taxi), is refused in one line naming
  the labels. A generic word ("vehicle", "driver", "unit") is every trip; so is a vessel word where every label is
  one (trawler, sailing, ferry: "how many vessels ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.data.kind_columns import COMMON_NAMES
from trajlm.llm.bike_words import bike_words
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.taxi_words import taxi_words
from trajlm.llm.vehicles import SEA_LABELS, every_label_at_sea, every_label_is, is_kind

_W, _E = (
    r"(?<![\w\-/.'#])",
    r"(?![\w\-/#]|\s*[-_#]?\d)",
)  # a whole word, not an id ("van-3", "truck 12")
_VESSEL = r"boats?|ships?|vessels?"
_YACHT = r"(?:sailing\s+)?yachts?|sail\s*boats?|sailing\s+boats?"
_HIKER = r"hikers?|hikes?|hiking|ramblers?|rambles?|trekkers?|treks?|trekking"
# the words synonyms.py turns into "vehicle(s)": checked against the labels
_KINDS = r"(?:delivery\s+)?vans?|trucks?|lorry|lorries|" + _VESSEL + "|" + _YACHT


def _swap(question: str, pattern: str, label: str) -> str:
    def one(m: re.Match) -> str:
        word = m.group(0)
        many = word.lower().endswith("s") and not label.endswith("ing")  # "sailing" stays one word
        return label + ("s" if many else "")

    return re.sub(rf"{_W}(?:{pattern}){_E}", one, question, flags=re.I)


_PEOPLE = r"hikers?|walkers?|ramblers?|trekkers?"


def _walkers(question: str) -> str:
    """Hikers' words on data labelled ``walk``: "did the hikers walk" is walking, "which hiker" / "each walker" a
    walk's vehicle ("which walk"), "which walk hiked the furthest" went; hikes, treks are walks."""
    question = re.sub(rf"\b(?:did|do|does)\s+(?:the\s+|our\s+|my\s+|all\s+(?:the\s+)?)?(?:{_PEOPLE})\s+"
                      r"(?:walk|hike|trek|ramble)\b", "walking", question, flags=re.I)  # fmt: skip
    question = re.sub(
        rf"\b(which|what|each|per|every)\s+(?:{_PEOPLE})\b", r"\1 walk", question, flags=re.I
    )
    question = _swap(question, _HIKER, "walk")
    return re.sub(
        r"\b(which\s+walk\s+)(?:walked|hiked|trekked|rambled)\b", r"\1went", question, flags=re.I
    )


# a delivery tour is a trip; on data with walks "tours" stay unread (set 13: walking tours or every trip?)
_TOURS = (r"(?:delivery\s+)?tours|(?:(?<=which )|(?<=each )|(?<=every )|(?<=per )|(?<=the )|(?<=a )|(?<=one )"
          r"|(?<=longest )|(?<=shortest )|(?<=delivery ))tour(?!\s+(?:of|guides?|operators?|de)\b)"
          r"|tour(?=\s+(?:durations?|lengths?|distances?|times?|speeds?|took|lasted)\b)")  # fmt: skip


# a person's activities under Strava's names (set 21: Run, Ride, Walk): "rode", "riding", "cycling", "bike rides" are the
# label ``ride`` where no label is a bike ("the total distance I rode in April" was every activity's), and "running"
# before a measure the label ``run`` ("my average running pace")
_RIDE = (r"(?:bike\s+|cycling\s+|bicycle\s+)?rides|(?:bike\s+|cycling\s+|bicycle\s+)?ride|rode|riding|ridden|cycling"
         r"|cycled|cycle|biking|cyclists?")  # fmt: skip
_RUNNING = (r"running(?=\s+(?:pace|speed|distance|time|mileage|volume|km|kilometres|kilometers|miles|trips?|sessions?"
            r"|activities)\b)")  # fmt: skip
_BIKE_LABEL = r"bike|bikes|biking|bicycles?|cycling|cycle|cargo\s+bike|e-?bike"


def activity_words(question: str, labels: Sequence[str]) -> str:
    """The words people use for the data's ``ride`` / ``run`` labels written as those labels."""
    if "ride" in labels and not any(re.fullmatch(_BIKE_LABEL, lab) for lab in labels):
        question = re.sub(rf"{_W}(?:{_RIDE}){_E}", lambda m: "ride trips" if m.group(0).lower().endswith("s") else "ride",
                          question, flags=re.I)  # fmt: skip
    if "run" in labels:
        question = re.sub(rf"{_W}(?:{_RUNNING})", "run", question, flags=re.I)
    return question


_COUNT_KIND = r"^\s*how\s+many\s+(?:different\s+|distinct\s+|unique\s+|individual\s+)?(?:cargo\s+|delivery\s+)?"
_THERE_NEXT = (r"(?=\s+(?:are|were|is)\s+(?:there|(?:in|of)\s+(?:the|this|my|our)\s+(?:data|fleet)|tracked|recorded"
               r"|in\s+service|in\s+operation|on\s+duty|active|operating|working)\b|\s+do\s+(?:we|i|you)\s+have\b"
               r"|\s*\??\s*$)")  # fmt: skip


# a label that names a kind of trip by its last word ("tip run", "collection round", "school run"): "how many tip
# runs were there" counts its trips, not vehicles (set 28 counted 3 lorries for 34 tip runs)
_TRIP_KIND = re.compile(
    r"\s(?:runs?|trips?|rounds?|rides?|tours?|journeys?|outings?|sorties|sortie|flights?"
    r"|deliver(?:y|ies)|tasks?|jobs?|sessions?|launch(?:es)?|loads?|shifts?|walks?|visits?)$",
    re.I,
)


def kind_count(question: str, labels: Sequence[str]) -> str:
    """ "how many vans are in the data?" counts the vans (set 21: it counted 74 van trips for 6 vans): a label that is
    a kind of vehicle, counted with nothing but "are there" / "in the data" / "in service" after it, is read as
    "how many vehicles with van trips" (the vehicles action). "how many van trips", "how many walks" are unchanged."""
    if any(re.fullmatch(r"walk\w*|run\w*|hik\w*|foot", lab) for lab in labels):
        return question  # a person's modes (GeoLife): the ids are people, "how many taxis" is no count of taxis
    for lab in sorted(labels, key=len, reverse=True):
        # "taxis" / "cars" are also the planner's words for any vehicle: "how many taxis are there?" stays refused
        # (test_ask19_fixes pins it)
        if (
            not (is_kind(lab) or lab.lower() in COMMON_NAMES)
            or re.fullmatch(r"walk\w*|run\w*|rides?|hik\w*|tours?|trips?|taxis?|cars?", lab)
            or _TRIP_KIND.search(lab)
        ):
            continue
        form = re.escape(lab).replace(r"\ ", r"\s+") + r"(?:s|es)?"
        if re.search(r"[^aeiou]y$", lab):
            form = f"(?:{form}|{re.escape(lab[:-1])}ies)"
        m = re.match(rf"{_COUNT_KIND}{form}{_THERE_NEXT}", question, re.I)
        if m:
            return f"how many vehicles with {lab} trips" + question[m.end() :]
    return question


# a dispatcher's delivery "route" is a trip (set 21: 9 of 17 questions said "route(s)"); on public transport a route is
# a line, which the trip table does not hold, so there it is refused
_ROUTES = (r"(?:delivery\s+)?routes(?!\s+(?:of|through|along|via|past|to|from)\b)"
           r"|(?:(?<=which )|(?<=each )|(?<=every )|(?<=per )|(?<=the )|(?<=a )|(?<=one )|(?<=longest )|(?<=shortest )"
           r"|(?<=fastest )|(?<=slowest )|(?<=delivery )|(?<=van )|(?<=truck )|(?<=bike ))route(?!\s+(?:of|through|along"
           r"|via|past|to|from|\d)\b)|route(?=\s+(?:durations?|lengths?|distances?|times?|speeds?|took|lasted|had|was|were)\b)")  # fmt: skip
_TRANSIT = r"bus(?:es)?|trams?|trolley\s*bus(?:es)?|trains?|metro|subway|ferry|ferries|coach(?:es)?|shuttles?|lines?"


# a bus feed's route numbers as its labels (set 35's AVL `route_id`: 14, 7, 22; "N5", "10A")
_ROUTE_NUMBER = r"[a-z]{0,2}\d{1,4}[a-z]?"


def route_number_labels(question: str, labels: Sequence[str]) -> str | None:
    """Where every label is a route number (a transit feed's route id as its label, two routes or more): "route 14" /
    "line 14" is the label 14 ("labelled 14"), "route(s)" elsewhere the labels ("which route had the slowest
    average speed" compares them) and "bus(es)" / "tram(s)" the vehicles ("bus 8104", "which bus"). Before (set 35) "route 14" was not understood and "which route ..." read "route"
    as "trip": the mean over every trip, with no word of the routes. None where the labels are no route numbers."""
    if len(labels) < 2 or not all(re.fullmatch(_ROUTE_NUMBER, lab) for lab in labels):
        return None
    own = "|".join(re.escape(lab) for lab in sorted(labels, key=len, reverse=True))
    question = re.sub(rf"{_W}(?:bus\s+)?(?:routes?|lines?)\s+(?:no\.?\s*|number\s+|#\s*)?({own}){_E}",
                      r"labelled \1", question, flags=re.I)  # fmt: skip
    question = re.sub(rf"{_W}(?:bus\s+)?(route|line)(s?){_E}", r"label\2", question, flags=re.I)
    # the feed's vehicles are its buses / trams: "bus 8104", "how many different buses" (the ids stay as said)
    return re.sub(r"(?<![\w\-/.'#])(?:bus|tram|trolley\s*bus|coach)(es|s)?(?![\w\-/#])(?!\s+(?:stops?|stations?))",
                  lambda m: "vehicles" if m.group(1) else "vehicle", question, flags=re.I)  # fmt: skip


def routes_as_trips(question: str, labels: Sequence[str]) -> str:
    """Delivery routes are trips; a public-transport route (a line) is refused in one line; a bus feed's route numbers
    (``route_number_labels``) are its labels."""
    if (as_labels := route_number_labels(question, labels)) is not None:
        return as_labels
    if not re.search(rf"{_W}(?:{_ROUTES}){_E}", question, re.I):
        return question
    if any(re.fullmatch(_TRANSIT, lab) for lab in labels):
        raise CannotAnswer("a route of public transport is a line, which the trip table does not hold: ask about "
                           "trips (runs) of a label or a vehicle")  # fmt: skip
    return re.sub(rf"{_W}(?:{_ROUTES}){_E}", lambda m: "trips" if m.group(0).endswith("s") else "trip",
                  question, flags=re.I)  # fmt: skip


def label_words(question: str, labels: Sequence[str]) -> str:
    """The question with other names of the data's labels written as the labels; a kind the labels lack refused."""
    labels = [lab for lab in labels if lab.strip()]
    # "e-bike rides", "classic bikes" on classic / electric (set 34)
    question = bike_words(question, labels)
    question = taxi_words(question, labels)  # "cruise empty" on hired / vacant (set 36)
    for lab in labels:
        if " " in lab:  # "in-vehicle trips" on Google's in_vehicle (read as "in vehicle"; set 36)
            dashed = "-".join(map(re.escape, lab.split()))
            # a label that opens with "in" / "on" (Google's in_vehicle, on_foot) is words of the planner's
            # own: "in vehicle trips" counted every trip (58 for 42)
            spaced = (
                r"\s+".join(map(re.escape, lab.split())) if re.match(r"(?:in|on) ", lab) else None
            )
            pattern = rf"\b(?:{dashed}|{spaced})\b" if spaced else rf"\b{dashed}\b"
            question = re.sub(pattern, f"labelled {lab}", question, flags=re.I)
        # "on the Vallisaari route", "the Suomenlinna line": a route named by its label (a ferry's; set 36)
        question = re.sub(
            rf"\b(?:on|along|for|of)\s+the\s+({re.escape(lab)})\s+(?:route|line|service)\b",
            r"labelled \1",
            question,
            flags=re.I,
        )
        # "cargo ships", "tanker vessels": the label's trips (AIS ship types, labels22)
        question = re.sub(
            rf"\b({re.escape(lab)})(?:s|es)?\s+(?:{_VESSEL})\b", r"\1", question, flags=re.I
        )
        if common := COMMON_NAMES.get(
            lab.lower()
        ):  # "red deer" for a Movebank taxon "Cervus elaphus"
            words = r"\s+".join(map(re.escape, common.split()))
            question = re.sub(rf"\b{words}(?:s|es)?\b", lab, question, flags=re.I)
    if "electric bike" in labels and not any(
        re.fullmatch(r"e-?bikes?|e bikes?", lab) for lab in labels
    ):
        question = re.sub(
            r"\be[- ]?(bikes?)\b", r"electric \1", question, flags=re.I
        )  # bike share (set 22)
    if (
        m := re.match(r"\s*how\s+many\s+(?:different|distinct|unique)\s+(\w+)\b", question, re.I)
    ) and (
        every_label_is(m.group(1).lower(), labels)
    ):  # "how many different bikes were used" where every label is a bike: the vehicles (set 22)
        question = question[: m.start(1)] + "vehicles" + question[m.end(1) :]
    if not any(
        re.match(r"cargo|electric|e-?bike", lab) for lab in labels
    ):  # "cargo bikes" are bikes (set 21)
        question = re.sub(r"\b(?:cargo|electric)\s+(bikes?)\b", r"\1", question, flags=re.I)
    question = kind_count(routes_as_trips(activity_words(question, labels), labels), labels)
    if not any(re.fullmatch(r"walk\w*|hik\w*|tour\w*|sightseeing", lab) for lab in labels):
        question = re.sub(rf"{_W}(?:{_TOURS}){_E}", lambda m: "trips" if m.group(0).endswith("s") else "trip",
                          question, flags=re.I)  # fmt: skip
    if not labels:
        return question
    have = set(labels)
    sea = [
        lab
        for lab in labels
        if re.fullmatch(rf"(?:{SEA_LABELS})", lab) or re.search(rf"\b(?:{_VESSEL})$", lab)
    ]
    if "sailing" in have and not have & {"yacht", "yachts", "sailboat"}:
        question = _swap(question, _YACHT, "sailing")
        if sea == ["sailing"] and len(labels) > 1:
            question = _swap(question, _VESSEL, "sailing")
    if "walk" in have and not any(re.fullmatch(r"hik\w*|trek\w*|rambl\w*", lab) for lab in labels):
        question = _walkers(question)
    # words the planner also reads as any vehicle (Porto's taxis): among other labels, "the taxis" are the taxi trips
    # ("average speed of the taxis" among buses was every trip's); "which / how many taxis" are read as before
    for lab in sorted(have & {"taxi", "car"}) if len(labels) > 1 else ():
        question = re.sub(
            r"(?<!which )(?<!many )(?<!number of )(?<!count )(?<!count the )(?<!each )(?<!per )(?<!every )"
            rf"\b{lab}s{_E}(?!\s+(?:trips?|journeys?|rides?|are|were|is|there)\b)",
            f"{lab} trips",
            question,
            flags=re.I,
        )
    if not any(is_kind(lab) for lab in labels):
        return question  # services ("express", "night owl"), purposes: a van word is any vehicle
    # the data's own labels are read as they are, two-word ones too ("container ship voyages": set 15)
    own = "|".join(
        re.escape(lab).replace(r"\ ", r"\s+") for lab in sorted(labels, key=len, reverse=True)
    )
    rest = re.sub(rf"{_W}(?:{own})(?:s|es)?{_E}", " ", question, flags=re.I)
    for m in re.finditer(rf"{_W}({_KINDS}){_E}", rest, re.I):
        word = re.sub(r"\s+", " ", m.group(1).lower()).removeprefix("delivery ")
        stem = re.sub(r"(?:ies)$", "y", word) if word.endswith("ies") else word.rstrip("s")
        if word in have or stem in have or every_label_is(word, labels):
            continue
        if re.fullmatch(_VESSEL, word) and every_label_at_sea(labels):
            continue  # every label is a vessel: "how many vessels" is every trip
        raise CannotAnswer(f"{m.group(1)!r} is not a label of this data (its labels: {', '.join(labels)}), "
                           "so its trips cannot be told apart: name a label")  # fmt: skip
    return question


def refuse_other_kind(question: str, kind: str | None) -> None:
    """On data whose every trip is one kind (Porto's taxis, Liverpool's buses: ``llm/ask_data.ONE_KIND``), a question
    about another kind ("how many van trips" on Porto counted all 971 taxi trips) is refused."""
    if kind is None:
        return
    for m in re.finditer(rf"{_W}({_KINDS}){_E}", question, re.I):
        word = m.group(1).lower()
        if not re.fullmatch(rf"{kind}(?:s|es)?", word):
            raise CannotAnswer(
                f"every trip of this data is a {kind} trip: it has no {m.group(1)!r} trips"
            )
