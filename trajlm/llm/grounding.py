"""What the data itself names, read before the rule planner's own words (session 14).

A store's labels ("van", "lion", "plane") and vehicle / user ids ("VAN-02", "P03",
"rider_anna", "N812SW") are words no fixed vocabulary holds. ``DataWords`` keeps them (the
``Asker`` fills it from the trip table) and ``read_data_words`` reads them out of the question
before anything else:

- a vehicle / user id of the data, with an optional role word before it ("participant P03",
  "tail N455DL", "collar LION-1") and "'s" after it, is the vehicle filter (ids with a letter
  only: a bare number is read by the planner's own "taxi 20000589" rules, never guessed);
- a label of the data that the planner's mode words do not cover, or its plural ("van
  trips", "lion tracks", "by van"), is the mode; after "which", "each", "per" ... it is left
  for the per-group refusal ("which van drove the most km?");
- a mode word of the planner is matched to the data's spelling (``spelling``): "flights"
  (airplane) to a data label "plane", "cycling" (bike) to "bicycle".

Without data (``DataWords()``) nothing changes: the evaluation sets plan exactly as before.
"""

from __future__ import annotations

import re

# DataWords (data_words.py) and the data's verbs (data_verbs.py) were split out by idea (review39b);
# every name is importable from here as before
from trajlm.llm.data_verbs import RUN_KMH as RUN_KMH
from trajlm.llm.data_verbs import data_verbs as data_verbs
from trajlm.llm.data_verbs import run_paced as run_paced
from trajlm.llm.data_verbs import runs_as_trips as runs_as_trips
from trajlm.llm.data_words import TOKEN, DataWords
from trajlm.llm.plan import CannotAnswer

# the word a person puts before an id ("participant P03", "tail N455DL"): read with the id
ROLE = (
    r"(?:participants?|volunteers?|subjects?|persons?|patients?|riders?|cyclists?|athletes?|drivers?|users?"
    r"|vehicles?|vans?|trucks?|lorr(?:y|ies)|bus(?:es)?|coach(?:es)?|tail(?:\s+number)?"
    r"|aircraft|planes?|animals?|collars?|tags?|individuals?|units?|devices?|cars?|taxis?"
    r"|ships?|vessels?|boats?|bikes?|bicycles?|scooters?)"  # "bike B1007" (ask38b)
)
# before a label, words that ask one answer per group ("which van", "each van"): not a mode
_GROUP_BEFORE = re.compile(
    r"\b(?:which|what|each|every|per|across|for each|for every|grouped by|group by|broken down by)"
    r"\s+(?:the\s+)?$"
)
_TRIP_AFTER = re.compile(
    r"\s+(?:trips?|tracks?|journeys?|rides?|runs?|flights?|walks?|rounds?|voyages?"
    r"|hikes?|sailings?|crossings?|deliveries|delivery|outings?|treks?)\b"
)
# a label that names a journey itself, not a vehicle: "which hike ..." asks for one trip,
# as "which van ..." asks per vehicle
JOURNEY_LABELS = re.compile(
    r"(?:hikes?|hiking|treks?|trekking|walks?|runs?|rides?|voyages?|flights?"
    r"|journeys?|trips?|tours?|excursions?|outings?|commutes?|crossings?)"
)
# set 33: a label that is one of the planner's words for every trip (synonyms.py: "crossings", "voyages" are
# trips) is that label where the data has it beside others ("the average speed of the crossings" on a ferry's
# crossing / charter / positioning voyages was every voyage's); its plural only ("trips crossing the bridge" is
# a verb; "crossings of the river" a place)
TRIP_NOUN_LABELS = {"crossing": r"crossings(?!\s+of\b)", "voyage": "voyages", "activity": "activities",
                    "delivery": "deliveries"}  # fmt: skip


def join_spaced_ids(question: str, words: DataWords) -> str:
    """The question with the data's ids of several words ("SCHELDE STAR", "Atlantic Dawn": ships' names; set 34)
    written as one token ("SCHELDE_STAR"), so every reading of an id reads them (``DataWords.of`` keeps them so)."""
    spaced = sorted((v for v in words.vehicles.values() if " " in v), key=len, reverse=True)
    for v in spaced:
        rx = r"\s+".join(re.escape(w) for w in v.split())
        question = re.sub(
            rf"(?<![\w\-/.']){rx}(?![\w\-/])", v.replace(" ", "_"), question, flags=re.I
        )
    return question


def _blank(text: str, a: int, b: int) -> str:
    return text[:a] + " " * (b - a) + text[b:]


def read_data_words(
    question: str, words: DataWords, f: dict, vocab: frozenset[str], modes: list[str]
) -> str:
    """The question with the data's vehicle ids and labels read into ``f`` (``vehicle``,
    ``mode``) and blanked; ``vocab``: the planner's words (never read as a label or an id);
    ``modes``: the planner's mode patterns (a label they match is theirs to read)."""
    if not words.vehicles and not words.labels and not words.numbers:
        return question
    question = _numbered(question, words, f, vocab, modes)
    question = label_list(question, words, f, modes)
    low = question.lower()
    for m in list(TOKEN.finditer(low))[::-1]:
        tok = m.group(1)
        a, b = m.start(1), m.end(1)
        r = re.search(rf"\b{ROLE}\s+(?:id\s+)?$", low[:a])
        # a mover never cut is its own trip (frames.with_mover): "vehicle V0" is still the vehicle (badin23)
        if tok not in words.vehicles or (tok in words.trips and not r) or tok in vocab:
            continue
        hours = r"\b(?:between|from|after|before|until|till|at|by|since)\s+$"
        if tok[0].isdigit() and re.search(hours, low[:a]):
            continue  # "between 17-21" is hours even where a boat is 17-21
        if low.startswith("'s", b):
            b += 2
        if r:
            a = r.start()
        if "vehicle" in f and f["vehicle"].lower() != tok:
            raise CannotAnswer(f"two vehicles ({f['vehicle']!r}, {question[m.start(1):m.end(1)]!r}): "
                               "ask about one at a time")  # fmt: skip
        said = question[m.start(1) : m.end(1)]
        # "SCHELDE_STAR" (set 34): the data's id of several words, as the data spells it
        f["vehicle"] = words.vehicles[tok] if " " in words.vehicles[tok] else said
        question, low = _blank(question, a, b), _blank(low, a, b)
    # "labelled transport": the label, even where it is one of the planner's words (fleet_words.py; set 27)
    for lab in words.labels:
        m = re.search(rf"\blabell?ed\s+(?:as\s+)?{re.escape(lab)}(?![\w\-])", low)
        if m and "mode" not in f:
            f["mode"] = lab
            question, low = _blank(question, *m.span()), _blank(low, *m.span())
    own = [
        lab for lab in words.labels
        if re.fullmatch(r"(?:[a-z][a-z\-]{1,}|\d+[a-z]{1,2})(?: [a-z][a-z\-]+)?", lab)  # "container ship" (set 15), "10k" (set 29), "ev" (set 39)
        and (lab not in vocab or lab == "ride" or lab in TRIP_NOUN_LABELS)  # Strava's "Ride" (set 21): its rides
        and not any(re.fullmatch(rf"(?:{p})", lab) for p in modes)
    ]  # fmt: skip
    spans: list[tuple[int, int]] = []
    for lab in sorted(own, key=len, reverse=True):
        # "e-bikes" on the label "ebike" (ask38): a hyphen the label does not write is read as absent
        word = "-?".join(re.escape(c) for c in lab).replace(r"-?\ -?", r"\s+") + "(?:s|es)?"
        if lab in TRIP_NOUN_LABELS:  # "the crossings" on crossing / charter labels (set 33)
            word = TRIP_NOUN_LABELS[lab]
        elif re.search(r"[^aeiou]y$", lab):  # "ferries" (set 13)
            word = f"(?:{re.escape(lab)}s?|{re.escape(lab[:-1])}ies)"
        # "specimen runs", "a meal delivery" on labels specimens, meals (set 29)
        elif re.fullmatch(r"[a-z]{3,}[^s]s", lab):
            word = f"(?:{word}|{re.escape(lab[:-1])}(?=\\s+(?:runs?|jobs?|trips?|tasks?|deliver(?:y|ies)|rounds?)\\b))"
        # "the night owl service" (set 16), "the cargo bikes" (ask38: a vehicle noun after the label): the label
        word += rf"(?:\s+(?:services?|lines?|{_VEHICLE_NOUNS}))?"
        rx = rf"(?<![\w\-/.'])(?:(?:by|on|using|via|while|when)\s+(?:an?\s+|the\s+)?)?{word}(?![\w\-/])(?!\s*[-_#]?\d)"
        for m in re.finditer(rx, low):
            if (
                _GROUP_BEFORE.search(low[: m.start()])
                and not _TRIP_AFTER.match(low, m.end())
                and not JOURNEY_LABELS.fullmatch(lab)
            ):
                continue  # "which van ...": per group; "which lion track ...": one trip
            if f.get("mode", lab) != lab or "modes" in f:
                _either(f, lab, low, m.span(), spans)
            else:
                f["mode"] = lab
            spans.append(m.span())
            question, low = _blank(question, *m.span()), _blank(low, *m.span())
    return question


# a vehicle noun after a label ("the cargo bikes", "the fuel trucks"): read with it (ask38)
_VEHICLE_NOUNS = (
    r"bikes?|bicycles?|vans?|trucks?|lorr(?:y|ies)|cars?|bus|buses|vehicles?|units?|boats?|vessels?"
)


def _forms(lab: str, modes: list[str]) -> str:
    """A label as a question writes it: itself, its plural, the planner's words for it ("bikes", "cycling")."""
    out = [re.escape(lab).replace(r"\ ", r"\s+") + "(?:s|es)?"]
    if re.search(r"[^aeiou]y$", lab):
        out.append(re.escape(lab[:-1]) + "ies")
    out += [p for p in modes if re.fullmatch(rf"(?:{p})", lab)]
    return "|".join(out)


def label_list(question: str, words: DataWords, f: dict, modes: list[str]) -> str:
    """Two labels or more of the data in a list ("truck, van or bike trips", "tram, bus or trolleybus runs", "runs,
    rides or walks"; set 21, session 20 had two): the trips of any of them (``modes``), the list blanked."""
    if len(words.labels) < 2:
        return question
    forms = {
        lab: _forms(lab, modes) for lab in words.labels if re.fullmatch(r"[a-z][a-z\- ]*", lab)
    }
    if len(forms) < 2:
        return question
    one = "|".join(f"(?:{x})" for x in sorted(forms.values(), key=len, reverse=True))
    item = rf"(?<![\w\-.'])(?:{one})(?![\w\-])(?!\s*[-_#]?\d)"
    mid = rf"{item}(?:\s+trips)?"  # "runs, ride trips or walks": kinds.activity_words wrote "ride trips"
    rx = re.compile(rf"{mid}(?:\s*,\s*{mid})*\s*,?\s*(?:or|and|/|&)\s+{item}", re.I)
    rx2 = re.compile(
        rf"{mid}(?:\s*,\s*{mid})+\s*,?\s*(?:or|and|/|&)\s*{item}|{item}\s*/\s*{item}", re.I
    )
    m = rx2.search(question) or rx.search(question)
    if m is None:
        return question
    named = []
    for part in re.split(r"\s*(?:,|\bor\b|\band\b|/|&)\s*", m.group(0).lower()):
        part = re.sub(r"\s+trips$", "", part.strip())
        lab = next((lab for lab, x in forms.items() if re.fullmatch(rf"(?:{x})", part)), None)
        if lab is None:
            return question
        named.append(lab)
    if len(set(named)) < 2:
        return question
    f["modes"] = sorted(set(named))
    return _blank(question, *m.span())


def _either(
    f: dict, lab: str, low: str, span: tuple[int, int], spans: list[tuple[int, int]]
) -> None:
    """A second label of the data: "truck or van trips", "vans and trucks" are both labels' trips (``modes``;
    session 20); two labels not joined so ("van trips by truck") are refused in one line."""
    joined = any(
        re.fullmatch(
            r"\s*(?:or|and|/|&|,)\s*(?:(?:trips?|tours?)\s+)?",
            low[min(b, span[1]) : max(a, span[0])],
        )
        for a, b in spans
    )
    if (
        not joined
        or "modes" in f
        and len(f["modes"]) >= 2
        and lab not in f["modes"]
        and len(spans) > 2
    ):
        old = f.get("mode") or " or ".join(f.get("modes", []))
        raise CannotAnswer(f"two modes ({old!r}, {lab!r}): ask about one at a time")
    f["modes"] = sorted({*f.get("modes", []), *([f.pop("mode")] if "mode" in f else []), lab})


def _numbered(
    question: str, words: DataWords, f: dict, vocab: frozenset[str], modes: list[str]
) -> str:
    """A vehicle id that is a number (session 18, set 16: "trawler 227100002", "sailed by 227100001", read as a
    trip id before): after one of the data's own labels, or alone with 6 digits or more, when no trip has it
    as its id. After a role word ("vessel 2271...", "taxi 20000589") the planner's own rules read it, as before."""
    if not words.numbers:
        return question
    low = question.lower()
    own = [
        lab
        for lab in words.labels
        if lab not in vocab and not any(re.fullmatch(rf"(?:{p})", lab) for p in modes)
    ]
    label = "|".join(
        re.escape(x).replace(r"\ ", r"\s+") for x in sorted(own, key=len, reverse=True)
    )
    for m in list(re.finditer(r"(?<![\w\-/.'#])(\d+)(?![\w\-/.:,]\d|[\w\-/])", low))[::-1]:
        num = m.group(1)
        if num not in words.numbers or num in words.trips:
            continue
        a = m.start(1)
        if label and (r := re.search(rf"\b(?:{label})(?:s|es)?\s+(?:id\s+)?$", low[:a])):
            a = r.start()
        elif r := re.search(
            r"\b(?:bike|bicycle|scooter|e-?bike)\s+(?:id\s+|no\.?\s+|number\s+)?$", low[:a]
        ):
            a = r.start()  # a bike-share fleet's numbered bikes ("bike 4507", set 22)
        elif len(num) < 6 or re.search(
            rf"\b(?:{ROLE}|trips?|id|ids|mmsi|vehicle)\s+(?:id\s+)?(?:no\.?\s+)?$", low[:a]
        ):
            continue
        if "vehicle" in f and f["vehicle"] != num:
            raise CannotAnswer(f"two vehicles ({f['vehicle']!r}, {num!r}): ask about one at a time")
        f["vehicle"] = num
        b = m.end(1) + (
            2 if low.startswith("'s", m.end(1)) else 0
        )  # "316001002's voyages" (set 24)
        question, low = _blank(question, a, b), _blank(low, a, b)
    return question
