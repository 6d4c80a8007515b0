"""Words for the data's own labels and vehicles that a crew says for short (set 27, ask27), read against the data:

- the head noun of a label of two words: "tug tasks" on a label ``pushback tug``, "the bowsers' movements" on
  ``fuel bowser`` (only where one label ends in that word);
- "<label>day": "on matchday" is the trips labelled ``match``;
- "on the road" / "in the field" where a label says it: a harvest crew's ``transport`` / ``harvest`` trips ("how many
  km did COMB-1 drive on the road"); on data with no such label "on the road" stays travelling (synonyms.py);
- "the semi", "the cart": the one vehicle whose id is that word and a number (``SEMI-4``, ``CART-7``); "the sweeper"
  is ``SWEEP-3`` (set 28: the word and "er");
- "flights", "flight time" (set 28: a drone firm's) are trips and their time where no label is a plane's;
- "which porter", "the AGVs": the vehicles whose ids start with those letters (POR-14, AGV-2; set 29,
  `vehicle_group`, moved here from race_words.py in session 30);
- "did X work / run" (hours): its trips' time on the clock, as "travel"; "how far did the players run" is their
  distance, where the data have no running label.

Without data (no labels, no vehicles) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trajlm.llm.grounding import DataWords
from trajlm.llm.trip_words import TRIP_NOUNS
from trajlm.llm.vehicles import every_label_at_sea

# a label that names the road part of a working day, or the field part (a farm's, a council's, a builder's)
_ROAD = {
    "transport",
    "transit",
    "road",
    "roading",
    "travel",
    "transfer",
    "haul",
    "hauling",
    "highway",
}
_FIELD = {"harvest", "harvesting", "field", "fieldwork", "field work", "work", "working", "spraying", "seeding",
          "planting", "mowing", "baling", "tillage"}  # fmt: skip
_AIR_LABELS = re.compile(
    r"(?:air)?planes?|airplanes?|flights?|flying|aircraft|air|aviation|fly", re.I
)
_RUN_LABELS = re.compile(r"runs?|running|jog\w*|race|racing")


def id_kinds(vehicles: dict[str, str], min_letters: int = 1) -> dict[str, list[str]]:
    """{letters: the data's ids of those letters} over the ids that are letters and a number ("SEMI-4", "GRT_11",
    "T1"), the letters lower-case and ``min_letters`` or more; other ids are left out. ``vehicles``: {lower-case id:
    the data's id} (``DataWords.vehicles``)."""
    kinds: dict[str, list[str]] = {}
    for low, said in vehicles.items():
        if m := re.fullmatch(rf"([a-z]{{{min_letters},}})[-_ ]?\d+", low):
            kinds.setdefault(m.group(1), []).append(said)
    return kinds


def _plural(word: str) -> str:
    return rf"{re.escape(word)}(?:s|es)?'?"


def fleet_words(question: str, labels: Sequence[str], vehicles: dict[str, str]) -> str:
    """The question with the data's short words for its labels and vehicles written out (see the module's doc)."""
    at_sea = every_label_at_sea(labels)
    for lab in labels:
        parts = lab.split()
        heads = [x for x in labels if x.split()[-1] == parts[-1]]
        # "ship" of "container ship" where every label is a vessel (container ship / tanker / bulk carrier: set 34)
        # is every vessel, as "vessel" is: "was any ship at anchor" asked of the container ships only
        every_mover = at_sea and re.fullmatch(r"boat|ship|vessel", parts[-1])
        # "tug" of "pushback tug"
        if len(parts) == 2 and len(heads) == 1 and parts[0] != parts[1] and not every_mover:
            question = re.sub(
                rf"(?<![\w\-/.'])(?<!{re.escape(parts[0])} )(?={_plural(parts[-1])}(?![\w\-/]))",
                f"{parts[0]} ",
                question,
                flags=re.I,
            )
        if re.fullmatch(r"[a-z]{3,}", lab):  # "on matchday", "on race day": the label's trips
            question = re.sub(rf"\b(?:on\s+)?(?:the\s+)?{re.escape(lab)}[\s-]?days?\b", f"on {lab}", question,
                              flags=re.I)  # fmt: skip
            # "late shift runs", "the early-shift trips" on shift labels early / late (set 33: "late" is a time word
            # the planner keeps, so the label was not read); "the night shift of 3 December" stays a night (nights.py)
            # "on the late shift on Thursday" too (ask33b): only a night's shift "of" / "on" a day is nights.py's
            night = r"(?!\s+(?:of|on)\b)" if "night" in lab else ""
            question = re.sub(rf"\b(?:(?:on|in|during)\s+)?(?:the\s+|an?\s+)?{re.escape(lab)}[\s-]shifts?\b{night}",
                              f"labelled {lab}", question, flags=re.I)  # fmt: skip
    road = [x for x in labels if x in _ROAD]
    field = [x for x in labels if x in _FIELD]
    if len(road) == 1:
        question = re.sub(
            r"\b(?:on|by)\s+(?:the\s+)?roads?\b", f"labelled {road[0]}", question, flags=re.I
        )
    if len(field) == 1:
        question = re.sub(
            r"\b(?:in|on)\s+the\s+fields?\b", f"labelled {field[0]}", question, flags=re.I
        )
    for word, ids in id_kinds(vehicles, 3).items():
        if len(ids) == 1:  # "the semi": SEMI-4, the data's one semi
            question = re.sub(
                rf"\bthe\s+(?:street\s+|road\s+|grain\s+)?{re.escape(word)}(?:er)?\b(?![\w\-])"
                r"(?:\s+(?:cat|machine|unit|truck|lorry|tractor|vehicle|van|boat|bus|robot)\b(?![\w\-]))?",  # "the winch cat" (set 29)
                ids[0],
                question,
                flags=re.I,
            )
    if not any(_AIR_LABELS.fullmatch(x) for x in labels) and (labels or vehicles):
        # a drone firm's "flights" and "flight time" (set 28): its trips and their time, where no label is a plane's
        # (GeoLife's "how many flights" is its airplane trips: modes.py)
        question = re.sub(
            r"\b(hours|minutes)\s+of\s+(?:flight|flying)\s+time\b", r"\1", question, flags=re.I
        )
        question = re.sub(
            r"\b(?:total\s+)?(?:flight|flying)\s+time\b", "total time", question, flags=re.I
        )
        question = re.sub(r"\bflights\b(?![\w\-])", "trips", question, flags=re.I)
        question = re.sub(r"\bflight\b(?![\w\-])", "trip", question, flags=re.I)
    if not any(_RUN_LABELS.fullmatch(x) for x in labels) and (labels or vehicles):
        # "how many hours did COMB-2 work", "how far did the players run": the verb, not a runner's label
        question = re.sub(r"\b(did\s+(?:the\s+)?\S+(?:\s+\S+)?\s+)(?:work|run)(?![\w\-])", r"\1travel", question,
                          flags=re.I)  # fmt: skip
        # "how many hours was COMB-2 working": on the clock, as "on the road" is (synonyms.py)
        question = re.sub(r"\b((?:was|were)\s+(?:the\s+)?\S+(?:\s+\S+)?\s+)(?:working|running)(?![\w\-])",
                          r"\1travelling", question, flags=re.I)  # fmt: skip
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
    kinds = id_kinds(words.vehicles)  # one letter too: T1, T2 (set 30)
    if len(kinds) < 2 or sum(map(len, kinds.values())) != len(words.vehicles):
        return question, None
    if any(
        re.search(rf"(?<![\w\-]){re.escape(v)}(?![\w\-])", question, re.I) for v in words.vehicles
    ):
        return question, None  # one vehicle named: "the fuel uplift of FUEL-2" is no group (set 27)
    for m in re.finditer(
        r"\b(the|which|each|every|per|any|all(?:\s+the)?|of\s+the)\s+([a-z]{3,})\b(?![\w\-])",
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
        # "did any van drive": a van of the VAN ids (set 32: was every vehicle's trips)
        if one == noun and not re.match(r"which|each|every|per|any", m.group(1), re.I):
            continue  # a singular after "the" is a word of another noun ("the fuel uplift"): "which porter" is one
        hits = kind_of(one, kinds)
        if len(hits) == 1:
            said = "vehicles" if one != noun else "vehicle"
            return question[: m.start(2)] + said + question[m.end(2) :], hits[0].upper()
    # "the 3 longest van runs" on VAN-* and EB-* ids: the ids' own word before a trip's noun (set 33: was every
    # run's top 3); only the ids' word, never a label or one of the planner's nouns ("bus trips")
    for m in re.finditer(rf"\b([a-z]{{3,}})(?=\s+{_TRIP_NOUN}\b)", question, re.I):
        one = m.group(1).lower()
        if (
            one in kinds
            and len(kinds[one]) >= 2
            and one not in words.labels
            and one not in _LABEL_NOUNS
            # a label's head noun stays the label's ("tug tasks" on pushback tug: set 27, since the merged list)
            and not any(lab.endswith(f" {one}") for lab in words.labels)
        ):
            if len(hits := kind_of(one, kinds)) == 1:
                return question[: m.start(1)] + "vehicle" + question[m.end(1) :], hits[0].upper()
    return question, None


_TRIP_NOUN = f"(?:{TRIP_NOUNS})"  # llm/trip_words.py (session 35: one list for three readers)


def _abbreviates(letters: str, noun: str) -> bool:
    """ "grt" abbreviates "gritter": its first letter the noun's, the rest in order in the noun."""
    if len(letters) < 2 or letters[0] != noun[0]:
        return False
    rest = iter(noun[1:])
    return all(c in rest for c in letters[1:])


def kind_of(one: str, kinds: dict[str, list[str]]) -> list[str]:
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


def used_words(question: str) -> str:
    """ "Was bike 4017 used on Sunday?", "was Baraka tracked on 11 June?": was it out (it has trips then); "which
    bike was used the most / most often": the most trips (set 34: a bike share's, a collar study's words)."""
    # "did bike 4017 get used", "was Baraka's collar recording" (ask34's paraphrases): the same question
    question = re.sub(
        r"^(\s*)(?:did|does)\s+(\S+(?:\s+\d\S*)?)\s+get\s+used\b",
        r"\1was \2 used",
        question,
        flags=re.I,
    )
    question = re.sub(r"^(\s*(?:was|were)\s+\S+?(?:\s+\d[\w\-]*?)?)(?:'s)?\s+(?:collar|tag|tracker|gps|device|transmitter|logger)s?\s+"
                      r"(?:recording|transmitting|reporting|working|logging|on)\b", r"\1 out", question, flags=re.I)  # fmt: skip
    question = re.sub(r"^(\s*(?:was|were)\s+(?!(?:there|any|it)\b)\S+(?:\s+\S+)?)\s+(?:used|in\s+use|tracked|active"
                      r"|recorded|logged)\b(?!\s+(?:for|by|as|more|less|longer)\b)", r"\1 out", question, flags=re.I)  # fmt: skip
    return re.sub(r"\b((?:which|what)\s+\S+\s+(?:was|were|got|is))\s+(?:used|ridden|taken|hired|rented)\s+"
                  r"(?:the\s+)?most(?:\s+often)?\s*(?=\?|$)", r"\1 made the most trips", question, flags=re.I)  # fmt: skip


_PERSON_VERBS = (
    r"walked|cycled|biked|ran|jogged|hiked|commuted|travell?ed|moved|went|roamed|wandered"
)
_FLEET = r"vans|trucks|lorries|ships|vessels|boats|bikes|cars|vehicles|ferries|taxis|buses|units"


def who_and_across(question: str) -> str:
    """ "Who walked the furthest?" asks which mover did (a study's participants, a collar study's animals: "who" was
    not read); "average mph across the vans" is over all the vans' trips, one number, not one per van (set 34:
    ask33b's leftovers). "Who drove X" stays refused (work_words.who_drove: the data name no drivers)."""
    question = re.sub(
        rf"^(\s*)who\s+(?=(?:{_PERSON_VERBS})\b)", r"\1which vehicle ", question, flags=re.I
    )
    return re.sub(
        rf"\bacross\s+(?:the\s+)?(?=(?:{_FLEET})\b)", "across all the ", question, flags=re.I
    )
