"""Answers per vehicle (session 18, pervehicle18): "which driver drove the most km overall?", "total hours at sea
per vessel", "distance per van per day", "which bus did the most runs?", and a named vehicle's total ("how far did
D-ana drive in km", "distance covered by D-luis").

The plan's ``group="vehicle"`` groups the chosen trips by the trip table's ``vehicle`` (the store's vehicle / user
id: ``--vehicle-col``, MMSI, Porto's TAXI_ID, GeoLife's user) and computes the plan's count / sum / mean / median per
vehicle (with ``per="day"``: per vehicle and local calendar day, then the mean over the vehicle's days with trips);
the vehicles are ranked, largest first (``ascending``: smallest), ``k`` of them shown (a "which ..." question: 1).
The rest of the question is read by the rule planner as one number over the trips ("how many runs", "total km ...");
the vehicle word is dropped, or read as a label of the data when the data's labels are kinds of vehicle ("which van"
among vans and a cargo bike: another label is a kind of vehicle or travel) or it is not a generic word ("which
trawler"); a service named "bus" among "express" and "night owl" is not read into "which bus" (every vehicle is a
bus there). Data without vehicle ids is refused in one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan
from trajlm.llm.vehicle_totals import per_vehicle  # noqa: F401 (importable from here, as before)

# tracked animals an ecologist names by kind ("which elk moved the most", ask38): any mover of a collar study
SPECIES = (r"elk|deer|moose|caribou|reindeer|bison|wol(?:f|ves)|cattle|cows?|sheep|goats?|horses?|zebras?|lions?"
           r"|elephants?|storks?|geese|whales?|sharks?|turtles?")  # fmt: skip
# words that name a vehicle in general; a data label among them is read as a label only where all labels are kinds
GENERIC = (
    r"vehicles?|drivers?|taxis?|cabs?|users?|bus|buses|vans?|trucks?|lorry|lorries|cars?|bikes?"
    r"|bicycles?|couriers?|ships?|vessels?|boats?|ferry|ferries|tugs?|units?"
    r"|participants?|volunteers?|persons?|people|individuals?|subjects?|animals?|birds?|tags?"
    r"|riders?|bodas?|crews?|respondents?|" + SPECIES
)  # fmt: skip  (set 26: a boda fleet's riders, an ambulance's crews)
# other labels that make the labels kinds of vehicle or travel ("van" beside "cargo bike", "bicycle", "plane")
_MODES = (
    r"walk\w*|run|running|hik\w*|planes?|airplanes?|trains?|subway|metro|trams?|scooters?|motor\w*|foot"
    r"|cycl\w*|trawlers?|yachts?|sailing|fishing|tankers?|cargo|tankers?"
    r"|utes?|pick-?ups?|mopeds?"
)  # fmt: skip  (ask39b: "which van" among ute / van is the vans)
_TRIPS = r"(?:trips?|journeys?|rides?|voyages?|tracks?|runs?|crossings?|sailings?|rounds?|deliver(?:y|ies))"
_NOT_AFTER = rf"(?!\s*[-_#]?\d)(?!\s+{_TRIPS}\b)(?!\s+(?:id|ids)\b)"
# "which sidewalk plow covered more distance" (of two: the comparative is the most; set 25); "more than 5" is a filter
_MOST = re.compile(r"\b(?:the\s+)?(most|least|fewest|highest|lowest|greatest|largest|smallest|more|fewer|less)\b"
                   r"(?!\s+than\b)(?:\s+number\s+of\b)?", re.I)  # fmt: skip
# "which van had the highest average speed", "the fastest on average", "drove the furthest in total": a superlative
# of one trip ("which bus was the slowest?": the top trip, with its vehicle) unless averaged or, for distance, totalled
# ("the longest run overall" is one run: "overall" is not read here)
_EXTREME = re.compile(r"\b(?:the\s+)?(longest|shortest|fastest|slowest|furthest|farthest)\b", re.I)
_OVER = re.compile(r"\b(?:average|mean|avg|median|in\s+total|altogether|combined|in\s+all)\b", re.I)
_TOTAL = re.compile(r"\b(?:in\s+total|altogether|combined|in\s+all)\b", re.I)
_STOPPED_LONGEST = re.compile(r"\b(?:stopped|stationary|standing\s+still|stood\s+still)\s*$", re.I)
# "which ferry was stopped the longest" (a state: ask37b reads it); "which van stopped the longest" (the act of one stop,
# set 10) is read the same since ask38: the stops added up first, the single longest stop and its vehicle in a note
_DOING = re.compile(r"\b(?:driving|travell?ing|riding|working)\s+(?=hours?\b|time\b|km\b|kilomet|miles?\b"
                    r"|distance\b)", re.I)  # fmt: skip


def _most(text: str, at: int) -> re.Match | None:
    if m := _MOST.search(text, at):
        return m
    m = _EXTREME.search(text, at)
    # "which van drove the furthest?" (session 19; refused before: one trip or all?): how far a vehicle went is all
    # its trips, said in the answer ("total over its 31 trips"); "the furthest trip" stays one trip (refused)
    far = m is not None and m.group(1).lower() in ("furthest", "farthest")
    # "which ferry was stopped the longest" (ask37b): its stops added up, the single longest stop said beside
    # "which van stopped the longest" (the act, set 10; ask38): the same, both readings said
    stopped = (
        m is not None
        and m.group(1).lower() == "longest"
        and _STOPPED_LONGEST.search(text[: m.start()])
    )
    return m if m is not None and (far or stopped or _OVER.search(text)) else None


# a verb of travel before "the most / least" with no measure after it: the distance (session 20)
_MOVED = re.compile(
    r"\b(?:moved|travell?ed|went|roamed|covered|walked|ran|flew|drove|sailed|cycled|rode)\s*$", re.I
)
_MEASURES = (r"km|kms|kilomet\w*|miles?|mi|nm|nautical|metres?|meters?|distance|hours?|minutes?|mins?|time|duration"
             r"|speed|pace|stops?|idle|layovers?|points?|fixes")  # fmt: skip
# "how far did D-ana drive", "distance covered by D-luis": a named vehicle's (or the chosen trips') total distance
# "what distance did AMB-13 cover on 4 December" (set 26's paraphrase: it was a list of its trips) as "how far"
# "On 17 November, how far did 17-21 go" (set 27): a date said first, before a comma
_HOW_FAR = re.compile(
    r"^(\s*(?:on\s+[^,?]{1,40},\s*)?)(?:how\s+far|what\s+distance)\s+((?:in\s+[a-z/ ]{1,20}?\s+)?)"
    r"(?=(?:in\s+total\s+)?(?:did|has|have|does|do)\b)",
    re.I,
)
_COVERED_BY = re.compile(
    r"^\s*(?:the\s+)?(?:total\s+)?(?=(?:distance|km|kilomet\w+|miles|nautical\s+miles)\s+"
    r"(?:covered|driven|sailed|travell?ed|ridden|done|cycled)\s+by\b)",
    re.I,
)


def _kinds(labels: Sequence[str]) -> str:
    own = "|".join(
        rf"{re.escape(lab)}s?" for lab in sorted(labels, key=len, reverse=True) if lab.strip()
    )
    return rf"(?:{own}|{GENERIC})" if own else rf"(?:{GENERIC})"


def _heads(labels: Sequence[str]) -> tuple[re.Pattern, re.Pattern]:
    kind = _kinds(labels)
    # "which truck or van": two kinds, their labels' trips together (session 20)
    # "which courier bike": a vehicle word before the vehicle word is read with it (ask38)
    two = (
        rf"(?:(?:{GENERIC})[\s-]+)?(?P<kind>{kind})(?:\s*(?:\bor\b|\band\b|/)\s*(?P<kind2>{kind}))?"
    )
    which = re.compile(rf"\b(?:which|what)\s+(?:(?:one\s+)?of\s+(?:the|our|my)\s+)?{two}\b{_NOT_AFTER}",
                       re.I)  # fmt: skip
    each = re.compile(
        rf"\b(?:per|for\s+each|for\s+every|each)\s+(?:the\s+)?(?:individual\s+)?{two}\b{_NOT_AFTER}",
        re.I,
    )
    return which, each


def named_total(question: str) -> str:
    """ "how far did D-ana drive" -> "total distance did D-ana drive"; "distance covered by X" -> "total distance ..."."""
    # "travelled by all participants", "of all the animals": every trip (session 20)
    question = re.sub(
        rf"\b(?:by|of|for)\s+all\s+(?:the\s+|our\s+)?(?:{_ANY})\b", " ", question, flags=re.I
    )
    total = (
        ""
        if re.search(r"\b(?:average|mean|avg|median|typical|typically)\b", question, re.I)
        else "total "
    )
    question = _HOW_FAR.sub(
        lambda m: f"{m.group(1)}{total}distance {m.group(2)}", question, count=1
    )  # "how far ... on average": the mean
    return _COVERED_BY.sub(total, question, count=1)


def is_grouped(question: str, labels: Sequence[str] = ()) -> bool:
    which, each = _heads(labels)
    m = which.search(question)
    return bool(m and _most(question, m.end())) or bool(each.search(question))


# any vehicle of the data, whatever its labels (session 20: the people or animals a track follows)
_ANY = r"vehicles?|drivers?|users?|units?|participants?|volunteers?|persons?|people|individuals?|subjects?|animals?"
_SEA = r"ships?|vessels?|boats?"  # any vessel, where every label is one
SEA_LABELS = r"ferry|ferries|tugs?|trawlers?|yachts?|sailing|fishing|tankers?|cargo|boats?|ships?|vessels?|pilot"
# AIS ship-type names that are vessels only beside the ones above ("passenger" among cargo / tanker / tug: ask23)
_AIS_TYPES = (
    r"passenger|pleasure(?:\s+craft)?|military|hsc|high\s+speed\s+craft|dredg\w*|diving|sar|law\s+enforcement"
    r"|towing(?:\s+\w+)?|port\s+tender|anti-?pollution|medical|wig|other|others|unknown|undefined|reserved|spare"
)


def every_label_at_sea(labels: Sequence[str]) -> bool:
    """Whether every label is a kind of vessel: the sea labels, and AIS's other type names beside at least one."""
    # "carriers": AIS's "bulk carrier" (set 34)
    sea = [lab for lab in labels if re.fullmatch(rf"(?:{SEA_LABELS})", lab, re.I) or
           re.search(r"\b(?:boats?|ships?|vessels?|carriers?)$", lab, re.I)]  # fmt: skip
    return bool(sea) and all(
        lab in sea or re.fullmatch(rf"(?:{_AIS_TYPES})", lab, re.I) for lab in labels
    )


def is_kind(label: str) -> bool:
    return re.search(rf"\b(?:{GENERIC}|{_MODES})\b", label) is not None


def every_label_is(word: str, labels: Sequence[str]) -> bool:
    """Whether every label is a kind of ``word`` ("bike" of "classic bike" and "electric bike": any bike; set 22)."""
    forms = {word, word.removesuffix("s"), word.removesuffix("es"), re.sub(r"ies$", "y", word)}
    return bool(labels) and any(
        all(re.search(rf"\s{re.escape(f)}$", lab) for lab in labels) for f in forms if f
    )


def names_fleet(word: str, labels: Sequence[str]) -> bool:
    """Whether ``word`` is the head of a label ("bike" of "ebike" / "e-bike") while no label is another vehicle of
    its own ("cargo" beside "ebike" is a cargo bike; "van" beside "ebike" is not a bike): "which bike" among cargo /
    ebike is any of them (ask38: it was refused as a label the data lacks)."""
    forms = {
        f
        for f in (word, word.removesuffix("s"), word.removesuffix("es"), re.sub(r"ies$", "y", word))
        if f
    }
    headed = [
        lab for lab in labels if any(re.search(rf"\w-?{re.escape(f)}$", lab, re.I) for f in forms)
    ]
    return bool(headed) and not any(
        re.fullmatch(GENERIC, lab, re.I) or re.search(rf"\s(?:{GENERIC})$", lab, re.I)
        for lab in labels
    )


def _label(kind: str, labels: Sequence[str]) -> str | None:
    """The data label a vehicle word names, if it is read as one (module docstring); a kind the labels do not
    have, where they are kinds of vehicle ("each courier" among bike, car, van, walk), is refused: unsure."""
    low = kind.lower()
    named = [lab for lab in labels if low in (lab, lab + "s", lab + "es")]
    others = [lab for lab in labels if lab not in named[:1]]
    kinds = any(is_kind(lab) for lab in others)
    if named:
        # a species the data labels ("which elephant" among elephant / giraffe, set 34) is its label
        generic = re.fullmatch(GENERIC, low) is not None and re.fullmatch(SPECIES, low) is None
        return named[0] if (not generic or kinds) else None
    if (
        not kinds
        or re.fullmatch(_ANY, low)
        or every_label_is(low, labels)
        or names_fleet(low, labels)
    ):
        return None
    if re.fullmatch(_SEA, low) and every_label_at_sea(labels):
        return None
    raise CannotAnswer(f"{kind!r} is not a label of this data (its labels: {', '.join(labels)}): ask per vehicle "
                       "or per driver, or name a label ('which van ...')")  # fmt: skip


def plan_grouped(
    question: str, plan_one: Callable[[str], QueryPlan], labels: Sequence[str] = ()
) -> QueryPlan:
    """The per-vehicle plan of a question ``is_grouped`` accepted; ``plan_one`` plans the rest as one number."""
    which, each = _heads(labels)
    ranked = (m := which.search(question)) is not None and _most(question, m.end()) is not None
    if not ranked:
        m = each.search(question)
    rest = question[: m.start()] + " " + question[m.end() :]
    rest = _DOING.sub("", rest)  # "total driving hours per driver": the hours
    k, ascending, one_stop_too = None, False, False
    if ranked:
        sup = _most(rest, m.start())
        word = sup.group(1).lower()
        ascending = word in (
            "least",
            "fewest",
            "lowest",
            "smallest",
            "shortest",
            "slowest",
            "fewer",
            "less",
        )
        after = rest[sup.end() :]
        # "which bike was ridden the most times / most often": its trips counted (ask38)
        after = re.sub(r"^\s*(?:times|often)\b", " trips", after, flags=re.I)
        lead = re.match(rf"\s*((?:[\w-]+\s+){{0,2}}?){_TRIPS}\b", after, re.I)
        counted = lead is not None and not re.search(rf"\b(?:{_MEASURES})\b", lead.group(1), re.I)
        averaged = re.search(r"\b(?:average|mean|avg|median|typical)\b", rest, re.I) is not None
        stopped = word in ("longest", "shortest") and _STOPPED_LONGEST.search(rest[: sup.start()])
        one_stop_too = word == "longest" and stopped and not _TOTAL.search(rest)
        if stopped and (_TOTAL.search(rest) or one_stop_too):
            # "which van was stopped the longest in total" / "at the scene the longest" (set 31): its stopped time
            # added up, as "which vehicle spent the most time stopped"; without "in total" (ask37b) the same, and the
            # single longest stop said in a note (one stop or all: sets 10 and 36 read it each way); "stopped the
            # shortest" without "in total" stays asked
            word, said_time = ("most" if word == "longest" else "least"), True
        else:
            said_time = False
        extreme = word in ("longest", "shortest", "fastest", "slowest", "furthest", "farthest")
        far = word in ("furthest", "farthest")
        if extreme and (counted or not (averaged or far)):
            raise CannotAnswer(f"'{sup.group(0).strip()}' per vehicle: of one trip or of them all? ask 'which trip "
                               "...' (one trip, with its vehicle) or 'which van drove the most km in total?'")  # fmt: skip
        head = "" if averaged else ("how many " if counted else "total ")
        # "the fastest on average": its mean speed; "the furthest in total": the distance
        said = " speed " if word in ("fastest", "slowest") else " distance " if far else " "
        said = " time " if said_time else said
        moved = _MOVED.search(rest[: sup.start()]) and not re.search(
            rf"\b(?:{_MEASURES}|{_TRIPS})\b", after, re.I
        )
        if (
            moved and not counted and word in ("most", "least", "more", "less")
        ):  # "which animal moved the most": distance
            said = " distance "
        rest = head + rest[: sup.start()] + said + after
        k = 1
    plan = plan_one(rest)
    if plan.action not in ("count", "sum", "mean", "median"):
        raise CannotAnswer("per vehicle, trips are counted and distances / durations added up or averaged: ask e.g. "
                           "'which driver drove the most km in total?' or 'total hours per vessel'")  # fmt: skip
    if plan.action == "sum" and plan.metric == "stop_s":  # each trip keeps only its longest stop
        raise CannotAnswer("a trip's stops are not added up (only its longest stop is kept): ask 'which driver had "
                           "the longest average stop' or the total duration")  # fmt: skip
    if plan.action == "sum" and plan.metric not in (
        "length_m",
        "duration_s",
        "moving_s",
        "stopped_s",
        "n_points",
    ):
        raise CannotAnswer(f"a total of {plan.metric} per vehicle means nothing: ask for its average "
                           "('which vehicle had the highest average speed?')")  # fmt: skip
    if plan.vehicle is not None or plan.trip is not None:
        raise CannotAnswer(
            "one vehicle or trip is named and answers per vehicle are asked: ask one of the two"
        )
    update = {"group": "vehicle", "k": k, "ascending": ascending}
    kinds = [x for x in (m.group("kind"), m.group("kind2")) if x]
    named = [_label(x, labels) for x in kinds]
    if len(kinds) == 2 and (named[0] is None) != (named[1] is None):  # "which driver or van"
        raise CannotAnswer(f"'{kinds[0]} or {kinds[1]}': one names a label of this data and the other any "
                           "vehicle: ask about one")  # fmt: skip
    if (
        len(kinds) == 2
        and named == [None, None]
        and not all(re.fullmatch(_ANY, x, re.I) for x in kinds)
    ):
        raise CannotAnswer(f"'{kinds[0]} or {kinds[1]}': the data has no such labels to tell them apart (its labels: "
                           f"{', '.join(labels) or 'none'}): ask 'which vehicle ...'")  # fmt: skip
    wanted = sorted({x for x in named if x is not None})
    if plan.mode is not None and wanted and plan.mode.lower() not in wanted:
        raise CannotAnswer(f"two labels ({' or '.join(kinds)!r} and {plan.mode!r}): ask about one")
    if len(wanted) == 1:
        update["mode"] = wanted[0]
    elif len(wanted) > 1 and plan.mode is None:  # their trips together
        update["modes"] = wanted
        update["mode"] = None
    out = replan(plan, **update)
    out._one_stop_too = ranked and one_stop_too  # the single longest stop said beside (query.py)
    return out


# "how many participants came within 100 m of X", "how many animals are collared": distinct vehicles (session 20)
_MOVERS = re.compile(rf"^\s*how\s+many\s+(?:different\s+|distinct\s+|unique\s+|individual\s+)?(?:{_ANY})\b"
                     rf"(?!\s+{_TRIPS}\b)", re.I)  # fmt: skip
_THERE = re.compile(r"\b(?:(?:do|did)\s+(?:we|you|i)\s+(?:have|track|follow|monitor)|have\s+we\s+got"  # set 24
                    r"|worked|operated"  # set 26: "how many riders worked on 26 November"
                    r"|(?:are|were|is)\s+(?:there|(?:in|of)\s+(?:the|this|my|our)\s+data(?:\s*set)?|collared"
                    # set 23: "how many participants are in the study" (the data's own name for itself)
                    r"|in\s+(?:the|this|my|our)\s+(?:study|sample|cohort|panel|survey|project|fleet|trial)"
                    r"|tracked|recorded|monitored|followed"
                    # set 21: "how many vehicles were in service on Sunday" (a vehicle with a trip that day)
                    r"|in\s+service|in\s+operation|on\s+duty|active|operating|working|running|out|on\s+the\s+(?:road|streets?)"
                    # set 22: "how many different bikes were used / ridden / rented on Saturday"
                    r"|used|in\s+use|ridden|rented|hired|taken\s+out))\b", re.I)  # fmt: skip


# "how many vessels are in the data / are there / were tracked" (set 22: "only trips are counted"); "how many ships
# berthed ..." stays refused (test_llm_set12_fixes: ships or their voyages?)
_SEA_THERE = re.compile(rf"^\s*how\s+many\s+(?:different\s+|distinct\s+|unique\s+)?(?:{_SEA})\s+(?={_THERE.pattern})",
                        re.I)  # fmt: skip


# "how many trucks are there / are in the data / were tracked" where "truck" is not a label: the vehicles (ask23: "only
# trips are counted"); "how many trucks came within 200 m of X" stays refused as the ships above (trucks or their trips?)
LAND = r"trucks|lorries|vans|cars|buses|taxis|cabs|scooters|bikes|bicycles|motorbikes|motorcycles|ambulances|couriers|birds"
LAND += r"|riders|bodas|crews|units"  # set 26: a boda fleet's riders, an ambulance service's crews / units
_LAND_THERE = re.compile(rf"^\s*how\s+many\s+(?:different\s+|distinct\s+|unique\s+)?({LAND})\s+(?={_THERE.pattern})",
                         re.I)  # fmt: skip


def _land_there(question: str, labels: Sequence[str]) -> re.Match | None:
    m = _LAND_THERE.search(question)
    if m is None:
        return None
    return m if not_a_label(m.group(1), labels) else None


def not_a_label(word: str, labels: Sequence[str]) -> bool:
    """Whether a vehicle word ("vans") names none of the data's labels ("van", "cargo van"): the vehicles then."""
    word = word.lower()
    stems = {word, word.removesuffix("s"), word.removesuffix("es"), re.sub(r"ies$", "y", word)}
    return not any(lab.lower() in stems or lab.lower().endswith(tuple(stems)) for lab in labels)


def is_movers(question: str, labels: Sequence[str] = ()) -> bool:
    return (
        _MOVERS.search(question) is not None
        or _SEA_THERE.search(question) is not None
        or _land_there(question, labels) is not None
    )


def plan_movers(
    question: str, plan_one: Callable[[str], QueryPlan], labels: Sequence[str] = ()
) -> QueryPlan:
    """The plan of "how many <people / animals / vehicles> ...": the rest read as a count of trips, then the
    vehicles they are of are counted (action ``vehicles``)."""
    m = _MOVERS.search(question) or _SEA_THERE.search(question) or _land_there(question, labels)
    plan = plan_one("how many trips " + _THERE.sub(" ", question[m.end() :]))
    if not is_plain_count(plan):
        raise CannotAnswer("'how many ...' of vehicles, people or animals counts them: ask e.g. 'how many "
                           "participants came within 100 m of LAT,LON'")  # fmt: skip
    return replan(plan, action="vehicles")
