"""Other fleets' words for the rule planner's nouns and verbs, and durations written as on a
clock ("1h30"), rewritten into the planner's own words before it reads the question.

- Ships (AIS tracks): a "voyage" is a trip; a "vessel", "ship" or "MMSI" is a vehicle, and a
  number after it the vehicle's id ("vessel MMSI 244123000"); "sailed" is travelled. Knots
  and nautical miles are units (trajlm/llm/phrases.py: 1 kn = 1.852 km/h, 1 nmi = 1852 m)
  in filters; an answer asked in them is refused (trajlm/llm/actions.py).
- Delivery fleets: "deliveries" are trips; a "(delivery) van", "truck", "lorry" a vehicle.
- Walkers: a "pause" is a stop, "paused" / "idle" / "idling" is stopped ("a pause over 45
  min", "idle > 15 min": the trip's longest stop).
- Session 14: "(delivery) rounds" are trips; "waited" is stopped ("buses that waited longer
  than 5 minutes"); "who was / went / passed ..." is "which trips ..." (the list shows each
  trip's vehicle or user); "left from" / "left the", "took off" is departed.
- Session 18 (set 16): a bus's "layover" / "dwell" is a stop; "(delivery) round" in the singular and
  "(ferry) crossings" are trips; "time at sea" is the voyages' time ("in total").
- Session 14 (set 12): a vessel "anchored", "moored", "berthed", "docked", "at anchor" /
  "at berth" is stopped (the trip's longest stop).
- A duration written like a clock reading, "1h30", "1h 30m", is that many minutes ("90 min")
  where a duration is asked ("lasting at least 1h30", "between 1h and 1h30" after "lasted");
  "1 hour 30 minutes", "2 h and 15 min" always. "at 8h30" is a time of day and is left.

Each rewrite is of whole words: never inside an id ("ship_12", "van-3") or another word.
"""

from __future__ import annotations

import re

from trajlm.llm.spelling import mend_word

_W = r"(?<![\w\-/.'])"  # a whole word: not inside an id or a longer word
_E = r"(?![\w\-/])"
SYNONYMS: list[tuple[str, str]] = [
    (r"delivery\s+vans", "vehicles"),
    (r"delivery\s+van", "vehicle"),
    (r"(?:vessel|ship|boat)\s+mmsi", "vehicle"),
    (r"mmsi", "vehicle"),
    (r"(?:walking|guided)\s+tours", "walking trips"),  # a tourism board's walks (set 13); "tours"
    (r"(?:walking|guided)\s+tour", "walking trip"),  # alone stay unknown: tours of what?
    # session 19: "the (whole) fleet" is every vehicle; "on the road" is travelling ("how many hours was truck 12 on
    # the road": its trips' durations, stops included); a delivery "tour": kinds.py (not on data with walks)
    (
        r"(?:the\s+)?(?:whole\s+|entire\s+|apron\s+|ground\s+)?fleet(?:'s)?(?!\s+(?:no|number|id)\b)",
        "the vehicles",
    ),
    (r"on\s+the\s+road", "travelling"),
    (r"voyages", "trips"),
    (r"voyage", "trip"),
    (r"(?:delivery\s+)?rounds", "trips"),
    # a delivery round in the singular (set 16): only after a word that makes it a noun ("which round",
    # "van round duration"), never "round trip", "all year round" or "round the clock"
    (
        r"(?:(?<=which )|(?<=each )|(?<=every )|(?<=per )|(?<=the )|(?<=a )|(?<=one )|(?<=van )|(?<=bike )|(?<=longest )|(?<=shortest )"
        r"|(?<=delivery ))round(?!\s+(?:trips?|the|up|down|off|to|of)\b)"
        r"|round(?=\s+(?:durations?|lengths?|distances?|times?|speeds?|took|lasted|had|was|were)\b)",
        "trip",
    ),
    (
        r"crossings(?!\s+of\b)",
        "trips",
    ),  # "ferry crossings" (set 16); "crossings of the river" is a place
    # a school-bus operator's "time on board" (set 37): a trip's duration (first to last fix)
    (r"(?:(?<=average )|(?<=mean ))time\s+(?:spent\s+)?on\s+board", "trip duration"),
    # an analyst's "how many jobs were run on Thursday" (the jobs are trips by now), a dispatcher's "total mileage"
    # (ask37b): made, the distance
    (r"(?<=trips were )run|(?<=trip was )run", "made"),
    # a bike-share analyst's "how many rides were taken" (ask38): made, as "run" above
    (
        r"(?:"
        + "|".join(
            f"(?<={n}s were )|(?<={n} was )" for n in ("trip", "ride", "journey", "task", "job")
        )
        + r")(?:taken|done|completed)",
        "made",
    ),
    (r"mileage", "distance"),
    (r"activities", "trips"),  # a sports watch's (Strava's) word for its recordings (set 21)
    (
        r"(?<=an )activity|(?<=the )activity|(?<=each )activity|(?<=which )activity|(?<=one )activity",
        "trip",
    ),
    (r"deliveries", "trips"),
    (r"delivery", "trip"),
    # "were all the ferries out" on a ferry operator's vessels by name (set 33); a ferry label is read before this
    (r"vessels|ships|boats|yachts|vans|trucks|lorries|ferries", "vehicles"),
    (r"vessel|ship|boat|yacht|van|truck|lorry", "vehicle"),
    # a tagged bird's (set 24): it flew its daily tracks; "birds" are the movers as "vessels" are
    (r"birds", "vehicles"),
    (r"stood\s+still|standing\s+still", "stopped"),
    (r"(?:take|took|taken)\s+part\s+in|hauled|haul|carr(?:y|ied)\s+out", "make"),
    (
        r"complete(?=\s*[?,.]|\s*$|\s+(?:on|in|at|over|during|last|from|before|after|between)\b)",
        "make",
    ),
    (r"logged", "covered"),
    # "launches that went further than 10 nautical miles": their length (not the distance from where they began)
    (
        r"(?:went|go|goes|gone|travell?ed|sailed|drove|ran)\s+(?:further|farther)(?=\s+than\b)",
        "were longer",
    ),
    (r"sea\s+miles", "nautical miles"),
    # a courier company's drivers (askday24); "which courier trip" stays unread (set 13: not a vehicle's)
    (r"couriers(?!\s+trips?\b)", "vehicles"),
    (r"courier(?!\s+trips?\b)", "vehicle"),
    (r"bird", "vehicle"),
    # a study's volunteers are its users (set 25: GeoLife's "which volunteer made the most trips")
    (r"volunteers", "users"),
    (r"volunteer", "user"),
    # set 26: a travel survey's respondents are its users; a motorbike-taxi fleet's riders and bodas (boda-bodas),
    # an ambulance service's crews, the vehicles (its jobs: TRIP_NOUNS)
    (r"respondents", "users"),
    (r"units(?!\s+(?:of|in|for)\b)", "vehicles"),  # "the patient transport units" (set 26)
    (r"respondent", "user"),
    (r"(?:boda[\s-]?)?bodas|riders|crews", "vehicles"),
    (r"boda(?:[\s-]?boda)?|rider|crew", "vehicle"),
    (r"flew|flown", "travelled"),
    (r"flying", "travelling"),
    (r"flies|fly", "travel"),
    (r"sailed", "travelled"),
    (r"sailing", "travelling"),
    (r"sails|sail", "travel"),
    (r"pauses|layovers|dwells", "stops"),  # a bus's layover, its dwell at a stop (set 16)
    (r"pause|layover|dwell", "stop"),
    # "how many idle hours did LV21 KXP have" (set 35): its hours stopped, as "how many hours was it idle"
    (r"(?:idle|idling|stopped|stationary)\s+hours", "hours stopped"),
    (r"(?:idle|idling|stopped|stationary)\s+(?:minutes|mins)", "minutes stopped"),
    (r"paused|idle|idling|idled", "stopped"),
    (r"at\s+anchor|anchored|moored|berthed|at\s+berth|docked", "stopped"),
    (r"anchors|moors", "stops"),  # the verb: "did MERIDIAN anchor on Wednesday" (set 34)
    (r"anchor|moor", "stop"),
    (r"waited|waiting", "stopped"),
    # "the longest stay (at one place)": the longest stop (set 15); "stay" alone stays unread
    (
        r"longest\s+stays?(?:\s+(?:at|in)\s+(?:one|a|the\s+same|a\s+single)\s+(?:place|spot|location))?",
        "longest stop",
    ),
    # "time at sea", "hours at sea": a voyage's duration (set 16)
    (
        r"(?:(?<=time )|(?<=hours )|(?<=days )|(?<=minutes )|(?<=spent )|(?<=spend ))at\s+sea",
        "in total",
    ),
    (r"waits", "stops"),
    (r"wait", "stop"),
    (
        r"who(?=\s+(?:was|were|went|passed|visited|came|stopped|travelled|traveled)\b)",
        "which trips",
    ),
    (r"left(?=\s+(?:from|the|at|before|after|between|on|in)\b)", "departed"),
    (r"took\s+off|taking\s+off|takes\s+off", "departed"),
    # a hiking app's elk "roam" / "wander" (ask38b): they travel; "position / location fixes" are GPS fixes
    (r"roamed|wandered|roved", "travelled"),
    (r"roaming|wandering", "travelling"),
    (r"roams|roam|wanders|wander", "travel"),
    (r"(?:position|location)\s+fixes", "GPS fixes"),
]
# set 26: an ambulance service's jobs / call-outs are its trips, read before every other reader (the most in one
# night, the rankings, the counts all look for a trip's noun)
TRIP_NOUNS: list[tuple[str, str]] = [
    (r"jobs|call[\s-]?outs", "trips"),
    (r"job(?!\s+(?:id|ids|number|no)\b)|call[\s-]?out", "trip"),
    # set 27: an apron's tasks / movements, a squad's sessions, a lifeboat's launches, a semi's loads ("player
    # load", a vest's training load, stays unread); "did 17-21 launch" is a departure
    (r"tasks|movements|sessions|launches|(?<!player )(?<!training )loads", "trips"),
    (r"task(?!\s+(?:id|ids|number|no)\b)|movement|session", "trip"),
    (r"(?<=did )(\S+\s+)launch(?=\s)", r"\1leave"),
    (r"launch|(?:(?<=first )|(?<=last )|(?<=each )|(?<=per )|(?<=a ))load", "trip"),
    # a squad's players / athletes, a harvest crew's machines (read before the per-vehicle readers: "which player
    # covered the most distance"); "the squad" is the whole fleet
    (r"players|athletes|machines", "vehicles"),
    (r"player(?!\s+loads?\b)|athlete|machine", "vehicle"),
    (r"(?:the\s+)?(?:whole\s+|entire\s+)?squad", "the fleet"),
    (r"lifeboats", "boats"),
    (r"lifeboat", "boat"),
    # set 28: a rowing club's outings, a drone firm's sorties (its "flights": fleet_words.py, where no label is a
    # plane's), its airframes, a refuse crew's lorries (the vehicles, read before the label readers: "which lorry drove the
    # furthest"), "the club" as the whole fleet
    (r"outings|sorties", "trips"),
    (r"outing|sortie", "trip"),
    (r"airframes|(?:refuse\s+|bin\s+|dust\s*)?lorries|refuse\s+trucks", "vehicles"),
    (r"airframe|(?:refuse\s+|bin\s+|dust\s*)?lorry|refuse\s+truck", "vehicle"),
    # "how many hours of flight time did EVO-2 log": its trips' time; "did X log" alone is its trips' time or length
    # ("did bike B1007 log", a kind before the id: ask38b)
    (r"(hours|minutes)\s+of\s+(?:air|on[\s-]water)\s+time", r"\1"),
    (
        r"(?<=did )((?:(?:bike|van|truck|car|bus|boat|vehicle|drone|collar)\s+)?\S+\s+)log(?=\s*[?,.]|\s*$|\s+(?:in|on|over|during|last|from|before|after|between|altogether|overall)\b)",
        r"\1travel",
    ),
    (r"(?<=the )club", "fleet"),
    # set 29: "covered the most ground", "how much ground did AGV-1 cover": distance
    (r"(?:(?<=most )|(?<=more )|(?<=less )|(?<=much )|(?<=least ))ground", "distance"),
    # a crew rows ("how many km did W1X row", "which boat rowed the furthest"); "the water" is its road: "how long
    # was W8B on the water" is its trips' time, as "on the road" is; a crew "sitting easy", a drone hovering, stopped
    (r"rowed|rowing", "travelled"),
    (
        r"rows|row(?=\s+(?:in|on|over|during|last|from|before|after|between|at|the|that|this)\b|\s*[?,.]|\s*$)",
        "travel",
    ),
    (r"(?:out\s+)?on\s+the\s+water", "travelling"),
    (r"sitting\s+easy|sat\s+easy|hovering|hovered", "stopped"),
    (r"(?<=did )(\S+\s+)(?:hover|sit\s+easy)(?=\s)", r"\1stop"),
    (r"ground\s+speed", "speed"),
    (r"take\s+off", "depart"),
]
# ask38b, English as a second language, read before the readers that look for "how many" / "which ... the most":
# "how much trips" (how many), "how many trips CB-15 is doing on friday" (made), "which bike made the less
# kilometers" (the least; "less than" stays a comparison), "all cargo bikes together" (altogether, not "together
# with"); a safety auditor's "tasks ran past 10 minutes" (longer than: "past 10 pm" is a clock time)
PLAIN_WORDS: list[tuple[str, str]] = [
    (r"how\s+much(?=\s+(?:\w+\s+)?(?:trips|deliver(?:ies|ys)|rides|journeys|tasks|jobs|runs|stops|fixes|vehicles)\b)",
     "how many"),
    (
        r"(?:is|are|was|were)\s+(?:doing|making)(?=\s+(?:on|in|at|during|over|from|between|before|after)\b|\s*[?,.]|\s*$)",
        "made",
    ),
    (r"(?<=the )less(?!\s+than\b)", "least"),
    (r"(?<=the )more(?!.*\bthan\b)", "most"),
    (r"together(?!\s+with\b)", "altogether"),
    (r"past(?=\s+\d+(?:\.\d+)?\s*(?:minutes?|mins?|hours?|hrs?|h)\b)", "longer than"),
]  # fmt: skip

_SYNONYMS = [(re.compile(rf"{_W}(?:{p}){_E}", re.I), to) for p, to in SYNONYMS]
_TRIP_NOUNS = [(re.compile(rf"{_W}(?:{p}){_E}", re.I), to) for p, to in TRIP_NOUNS]
_PLAIN_WORDS = [(re.compile(rf"{_W}(?:{p}){_E}", re.I), to) for p, to in PLAIN_WORDS]


def plain_words(question: str) -> str:
    """ "how much trips CB-15 is doing" -> "how many trips CB-15 made" (``PLAIN_WORDS``, ask38b); a question word
    mended first where a letter of it is left out or swapped ("wich bike": spelling.mend_word)."""

    def question_word(m: re.Match) -> str:
        got = mend_word(m.group(0).lower(), QUESTION_WORDS)
        return got if got is not None else m.group(0)

    question = re.sub(r"(?<![\w\-])[A-Za-z]{4,6}(?![\w\-])", question_word, question)
    for rx, to in _PLAIN_WORDS:
        question = rx.sub(to, question)
    return question


QUESTION_WORDS = frozenset({"which", "what", "when", "where", "whose"})


def trip_nouns(question: str) -> str:
    """ "how many jobs did AMB-12 do" -> "how many trips did AMB-12 do" (set 26); "which player ..." -> "which
    vehicle ..." (set 27)."""
    for rx, to in _TRIP_NOUNS:
        question = rx.sub(to, question)
    return question


# words the typo mending must know (so that "voyages" is not mended into another word)
# ("off" of "took off" is not one: read only after "took", never a mending target)
WORDS = sorted(
    {w for p, _ in SYNONYMS + TRIP_NOUNS + PLAIN_WORDS for w in re.findall(r"[a-z]+", p)} - {"off"}
)

# "1 hour 30 minutes", "2 h and 15 min", "1h 5min": hours and minutes, each with its unit
_HOURS_MINUTES = re.compile(
    r"(?<![\w.:])(\d{1,2})\s*(?:hours?|hrs?|h)\s+(?:and\s+)?(\d{1,2})\s*(?:minutes?|mins?|m)(?![\w/])",
    re.I,
)
# "1h30", "1h 30", "1h30m": a clock reading; a duration only after a duration's words
_CLOCK = re.compile(r"(?<![\w.:])(\d{1,2})\s?h\s?(\d{2})(?:\s?(?:min|mins|m))?(?![\w:/])", re.I)
_VERB = r"(?:last(?:s|ed|ing)?|took|takes?|taking|duration(?:\s+of)?|for)"
_CMP = (r"(?:more|less|longer|shorter) than|over|under|at (?:least|most)|above|below|exceeding"
        r"|up to")  # fmt: skip
# what is just before a duration: "lasting at least 1h30", "took 1h30", "> 1h30", "lasted
# between 1h and 1h30" (not "over 2 km between 8h30 and 9h": those are times of day)
DURATION_CUE = re.compile(
    rf"(?:\b{_VERB}\s+(?:between\s+)?|\b{_VERB}\s+between\s+\S+\s+and\s+"
    rf"|(?:\b{_VERB}\s+)?\b(?:{_CMP})\s+|[<>]=?\s*)$",
    re.I,
)
_CLOCK_WORD = re.compile(r"\b(?:at|after|before|since|until|till|around|by|from)\s*$", re.I)


def _minutes(m: re.Match) -> str | None:
    h, mins = int(m.group(1)), int(m.group(2))
    return f"{h * 60 + mins} min" if mins < 60 else None


def rewrite(question: str) -> tuple[str, list[tuple[str, str]]]:
    """The question in the planner's words, and what was rewritten ((old, new) pairs)."""
    changed: list[tuple[str, str]] = []

    def sub(to: str):
        def one(m: re.Match) -> str:
            changed.append((m.group(0), to))
            return to

        return one

    for rx, to in _SYNONYMS:
        question = rx.sub(sub(to), question)

    def hours_minutes(m: re.Match) -> str:
        got = _minutes(m)
        if got is None:
            return m.group(0)
        changed.append((m.group(0), got))
        return got

    question = _HOURS_MINUTES.sub(hours_minutes, question)

    def clock(m: re.Match) -> str:
        before = question[max(0, m.start() - 40) : m.start()]
        if _CLOCK_WORD.search(before) or not DURATION_CUE.search(before):
            return m.group(0)
        return hours_minutes(m)

    return _CLOCK.sub(clock, question), changed
