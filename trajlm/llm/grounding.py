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
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from trajlm.llm.plan import CannotAnswer
from trajlm.llm.refusals import NOT_IN_TABLE

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
# an id of two or three words of letters and digits (a ship's name: "SCHELDE STAR", "CMA CGM 2")
_SPACED_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*(?: [A-Za-z0-9]+){1,2}")
_TOKEN = re.compile(r"(?<![\w\-/.'])([A-Za-z0-9][\w\-/.]*[A-Za-z0-9]|[A-Za-z0-9])")


@dataclass(frozen=True)
class DataWords:
    """The data's labels (lower-case) and vehicle ids (lower-case -> as stored)."""

    labels: tuple[str, ...] = ()
    vehicles: dict[str, str] = field(default_factory=dict)
    trips: frozenset[str] = frozenset()
    numbers: frozenset[str] = (
        frozenset()
    )  # vehicle ids that are numbers (MMSI 227100002; session 18)
    # every trip's kind on a known one-kind layout without labels (llm/ask_data.ONE_KIND)
    kind: str | None = None
    # read from activity files (GPX, FIT, a Strava export; llm/ask_data.ACTIVITY_FORMATS)
    activities: bool = False
    # how many local dates, nights (noon to noon) the trips start on ("over the four nights": all of them; set 26)
    days: int = 0
    nights: int = 0
    # the local dates the trips start on ("last Tuesday", "the 3rd": llm/datewords.py; set 27)
    dates: tuple[date, ...] = ()
    # the local dates its nights (noon to noon) start on ("Sunday night": set 29)
    night_dates: tuple[date, ...] = ()
    # the call types its trips carry (Porto's A / B / C: llm/call_types.py; set 31), empty where there is no column
    call_types: frozenset[str] = frozenset()
    # no labels and every trip at a runner's mean speed (``run_paced``; ask37b): "runs" are every trip
    run_paced: bool = False

    @classmethod
    def of(cls, trips: pl.DataFrame) -> DataWords:
        """From a trip table (trajlm/llm/query.py ``trip_table``)."""
        labels: tuple[str, ...] = ()
        if "mode" in trips.columns:
            labels = tuple(sorted({str(x).lower() for x in trips["mode"].drop_nulls()}))
        vehicles: dict[str, str] = {}
        numbers: set[str] = set()
        if "vehicle" in trips.columns:
            # sorted: of ids differing only in case the last in sort order is kept, on every
            # call (unique()'s order changed per call, and so did the kept spelling; evalapi35)
            for v in trips["vehicle"].drop_nulls().cast(pl.Utf8).unique().sort().to_list():
                if re.search(r"[A-Za-z]", v) and _TOKEN.fullmatch(v):
                    vehicles[v.lower()] = v
                elif _SPACED_ID.fullmatch(v):  # a ship's name, "SCHELDE STAR" (set 34): read joined
                    vehicles[re.sub(r"\s+", "_", v.lower())] = v
                elif v.isdigit():
                    numbers.add(v)
                elif re.fullmatch(r"\d+[-/]\d+", v):
                    vehicles[v.lower()] = v  # a lifeboat's "17-21" (set 27): an id, read where said
        ids = frozenset(str(x).lower() for x in trips["traj_id"].to_list())
        calls = frozenset(trips["call_type"].drop_nulls().cast(pl.Utf8).unique().to_list()) if "call_type" in trips.columns else frozenset()  # fmt: skip
        return cls(labels, vehicles, ids, frozenset(numbers), call_types=calls)

    def spelling(self, mode: str, words: str) -> str:
        """The data's label for one of the planner's modes (``words``: its pattern): the mode
        itself when the data has it (or has no labels), else the one label its words name."""
        if not self.labels or mode in self.labels:
            return mode
        named = [lab for lab in self.labels if re.fullmatch(rf"(?:{words})", lab)]
        return named[0] if len(named) == 1 else mode


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
    for m in list(_TOKEN.finditer(low))[::-1]:
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
