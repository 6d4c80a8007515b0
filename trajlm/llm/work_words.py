"""A vineyard's, a gritting fleet's and a bike-share operator's words (set 30, ask30), read against the data
before the rule planner reads the question:

- a label's verb or stem: on labels "spraying" / "mowing" / "salting", "spray jobs" are spraying trips, "did T1
  mow" is "did T1 travel on mowing trips"; on a label "deadhead", "deadheading" is that label;
- "missions" are trips; "a run" after a label, a day part, a superlative or an owner ("the longest ploughing run",
  "GRT-11's evening run") is a trip ("runs" already were: a bus's runs);
- "the ATV", "the plough", "the trike": the one vehicle whose id has those letters (ATV-4), where no other does;
- "sitting / standing idle", "parked", "stationary": stopped; "was X out (working)": did X work (its trips' time);
- "put the most miles on": drove the most miles; a trip's "length" asked in minutes or hours is its duration;
- "this week" where the data's trips start within seven days: the whole data (as "over the week", set 29);
- "who was driving X" / "who drove X": refused in one line (the data name vehicles, not their drivers).

Without data (no labels, ids or trips) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from trajlm.llm.fleet_words import id_kinds
from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer

_TRIP = r"(?:trips?|runs?|passes|jobs?|missions?)"
_OWNER = r"(?:longest|shortest|first|last|fastest|slowest|morning|afternoon|evening|night|each|every|per|one|a|an|\w+'s)"
_TIME_UNIT = r"(?:seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|h)"
_LEAVE = r"\b(?:leave|left|start|started|depart|departed|set\s+off|head\s+out|go\s+out|went\s+out|get\s+going)\b"
_MORNING = r"(\b[\w']+\s+)?\b(?:in\s+the\s+)?morning\b"
_AN_HOUR = re.compile(
    r"\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|o'clock", re.I
)
# what follows a vehicle named by a noun: a verb, a preposition, the end ("the winch cat" is a noun's word)
_NEXT = (r"\s*[?.,!]|\s*$|'s\b|\s+(?:was|were|is|are|did|does|do|has|had|drove|drive|drives|ran|run|rode|ride"
         r"|work\w*|travel\w*|cover\w*|spen[dt]|make|made|go|went|leave|left|start\w*|out|on|in|during|over|for"
         r"|from|at|between|before|after|altogether|overall)\b")  # fmt: skip
_UNIT_SAID = r"(?:km/h|kph|mph|m/s|knots|kn|km|miles|mi|metres|meters|m|minutes|mins|min|hours|hrs|h|seconds|s)"
_DISTANCE_UNIT = r"(?:km|kilomet(?:er|re)s?|miles?|mi|met(?:er|re)s?|m|nm|nautical)"


def _stems(label: str) -> list[str]:
    """ "spraying" -> spray; "pruning" -> prun, prune; "mopping" -> mopp, mop (longest first)."""
    if not re.fullmatch(r"[a-z]{3,}ing", label):
        return []
    s = label[:-3]
    out = {s, s + "e"}
    if len(s) >= 3 and s[-1] == s[-2]:
        out.add(s[:-1])
    return sorted((x for x in out if len(x) >= 3), key=len, reverse=True)


# pasts not made with -ed: "which sweeper swept the most km" on a label "sweeping" (set 37)
_IRREGULAR = {
    "sweep": "swept",
    "dig": "dug",
    "feed": "fed",
    "lay": "laid",
    "sow": "sown",
    "spread": "spread",
}


# a mover's own way of travelling: "which vessel sailed the most" is every trip, whatever a label says
_TRAVEL = frozenset({"sail", "drive", "driv", "ride", "rid", "fly", "row", "cruis", "cruise", "motor", "travel",
                     "steam", "walk", "run", "cycl", "cycle"})  # fmt: skip
# "which driver groomed the most km" asks who drove (set 29: refused), not which vehicle
_PEOPLE = (
    r"(?:drivers?|operators?|pilots?|crews?|persons?|people|workers?|staff|employees?|members?)"
)


def _verb_forms(stem: str) -> str:
    past = f"|{_IRREGULAR[stem]}" if stem in _IRREGULAR else ""
    return rf"(?:{re.escape(stem)}(?:s|es|ed|d|n)?{past})"


def label_verbs(question: str, labels: Collection[str], known: Collection[str] = ()) -> str:
    """ "spray jobs" -> "spraying trips", "did T1 mow" -> "did T1 travel on mowing trips" (labels of one
    -ing word whose stem the planner does not know), "deadheading" -> "deadhead" (a label without -ing)."""
    for label in sorted(labels, key=len, reverse=True):
        if (
            re.fullmatch(r"[a-z]{3,}", label)
            and not label.endswith("ing")
            and not {label, f"{label}ing"} & set(known)
        ):  # "walking tours" on a label "walk" are the planner's already (set 13)
            question = re.sub(rf"\b{re.escape(label)}ing\b(?![\w\-])", label, question, flags=re.I)
        for stem in _stems(label):
            if {stem, f"{stem}e"} & set(known) or stem in labels:
                continue  # "walk", "run", "cycle" (of "cycling"): the planner's own verbs
            form = _verb_forms(stem)
            question = re.sub(
                rf"\b{form}\s+(?={_TRIP}\b)", f"{label} ", question, flags=re.I
            )  # "spray jobs"
            question = re.sub(
                rf"\b(did|does|do)\s+((?:the\s+)?(?:street\s+|road\s+)?[\w\-]+)\s+{form}\b(?![\w\-])",
                rf"\1 \2 travel on {label} trips",
                question,
                flags=re.I,
            )  # "did T1 mow": its mowing trips
            if _TRAVEL & set(_stems(label)):
                continue  # "which vessel sailed the most nautical miles": every voyage, not the sailing ones (set 18)
            question = re.sub(
                rf"\b(which|what)\s+(?!{_PEOPLE}\b)([\w\-]+)\s+{form}\b(?![\w\-])"
                r"(?=\s+(?:the\s+)?(?:most|fewest|least|furthest|longest))",
                rf"\1 \2 travelled on {label} trips",
                question,
                flags=re.I,
            )  # "which vehicle swept the most km": its sweeping trips' km (set 37)
    return question


def the_one_vehicle(question: str, vehicles: dict[str, str], labels: Collection[str] = ()) -> str:
    """ "the ATV" -> "ATV-4" where ATV-4 is the one vehicle whose id has those letters (three or more), and
    the noun is those letters or starts with them ("the trike": TRI-3)."""
    kinds = id_kinds(vehicles)

    def one(m: re.Match) -> str:
        noun = m.group(1).lower()
        if noun.endswith("ing") or noun in labels:
            return m.group(0)  # "the ploughing runs" are a label's, not PLOUGH-2's
        hits = [p for p in kinds if len(p) >= 3 and noun.startswith(p) and len(noun) <= len(p) + 3]
        return kinds[hits[0]][0] if len(hits) == 1 and len(kinds[hits[0]]) == 1 else m.group(0)

    return re.sub(rf"\bthe\s+([a-z]{{3,}})\b(?![\w\-])(?={_NEXT})", one, question, flags=re.I)


def who_drove(question: str, vehicles: Collection[str]) -> None:
    """Refuse "who was driving GRT-15": the data name the vehicles, not who drove them."""
    m = re.search(
        r"\bwho\s+(?:was|is|were)?\s*(?:driving|drove|drives|operating|operated|at\s+the\s+wheel\s+of|in)\s+([\w\-]+)",
        question,
        re.I,
    )
    if m and m.group(1).lower() in vehicles:
        raise CannotAnswer(
            f"the data name the vehicles ({m.group(1)}), not who drove them: no driver can be read"
        )


def _before_noon(m: re.Match) -> str:
    before = m.group(1) or ""
    if _AN_HOUR.fullmatch(before.strip()):
        return m.group(0)  # "7 in the morning" is an hour (hours.py)
    return f"{before}before noon"


def asked_plainly(question: str, vehicles: Collection[str] = ()) -> str:
    """A reviewer's wordings of earlier sets' questions (set 30's second paraphrase batch): "I need ... please",
    "tell me", a unit after a comma ("..., km/h"), "clocked up", "how much time did X spend working", "W1X's
    distance", "did it take the runners to finish", "distance run by"."""
    question = re.sub(
        r"^\s*(?:i\s+(?:need|want|would\s+like)|tell\s+me|give\s+me|show\s+me)\s+",
        "",
        question,
        flags=re.I,
    )
    question = re.sub(r"[,\s]+please\s*([?.!]?)\s*$", r"\1", question, flags=re.I)
    question = re.sub(rf",\s*({_UNIT_SAID})\s*([?.!]?)\s*$", r" in \1\2", question, flags=re.I)
    question = re.sub(
        r"\b(?:clocked|racked|notched|piled)(?:\s+up)?\b", "drove", question, flags=re.I
    )
    question = re.sub(
        r"\bhow\s+much\s+time\s+did\s+((?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?)\s+spend\s+(?:working|driving|out|on\s+the\s+road)\b",
        r"how long did \1 work",
        question,
        flags=re.I,
    )
    for v in vehicles:  # "W1X's distance on the 12th": its total
        question = re.sub(
            rf"\b(?:the\s+)?({re.escape(v)})'s\s+(distance|duration)\b(?!\s+per\b)",
            r"the total \2 of \1",
            question,
            flags=re.I,
        )
    question = re.sub(
        r"\bdid\s+it\s+take\s+((?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?)\s+to\s+(?:finish|complete|get\s+round)\b",
        r"did \1 take",
        question,
        flags=re.I,
    )
    return re.sub(
        r"\b(distance|km|kilomet(?:er|re)s|miles|met(?:er|re)s)\s+(?:run|ran|covered|done)\s+by\b",
        r"\1 travelled by",
        question,
        flags=re.I,
    )


def work_words(question: str, words: DataWords, known: Collection[str] = ()) -> str:
    """The question with set 30's words written in the planner's (see the module's doc)."""
    if not (words.trips or words.vehicles or words.labels):
        return question
    who_drove(question, words.vehicles)
    question = re.sub(r"\bmissions\b", "trips", question, flags=re.I)
    question = re.sub(r"\bmission\b(?!\s+(?:id|ids|number|no)\b)", "trip", question, flags=re.I)
    question = label_verbs(question, words.labels, known)
    if words.labels:
        labs = "|".join(re.escape(x) for x in sorted(words.labels, key=len, reverse=True))
        question = re.sub(rf"\b({labs})\s+run\b(?![\w\-])", r"\1 trip", question, flags=re.I)
    if words.vehicles:
        # a fleet's run; "my longest run" on a runner's unlabelled data stays refused (set 21)
        question = re.sub(rf"\b({_OWNER})\s+run\b(?![\w\-])", r"\1 trip", question, flags=re.I)
        question = the_one_vehicle(question, words.vehicles, words.labels)
    # stopped, said as a driver would
    question = re.sub(
        r"\b(?:sitting|sat|standing|stood)\s+(?=idle\b|stopped\b|parked\b)",
        "",
        question,
        flags=re.I,
    )
    question = re.sub(r"\b(?:sitting|sat)\s+still\b", "standing still", question, flags=re.I)
    question = re.sub(r"\bparked\b", "stopped", question, flags=re.I)
    # "how many hours was the ATV out": its trips' time; "were any vans out" (session 32b: after "any" / "the");
    # "was bike 4017 out" (set 34: a word and a number)
    question = re.sub(
        r"\b(?:was|were)\s+((?:any|the)\s+)?([\w\-]+(?:\s+\d[\w\-]*)?)\s+out(?:\s+working|\s+on\s+the\s+road)?\b(?=\s*[?.,!]|\s*$|\s+(?:on\s+"
        r"(?!the\s+(?:water|river|lake|sea)\b)|in\s+total|during|over|for|between|last|that|altogether|overall)\b)",
        r"did \1\2 work",
        question,
        flags=re.I,
    )
    question = re.sub(
        r"\bput\s+(the\s+most|the\s+fewest|the\s+least|more|fewer|less)\s+(miles|km|kilomet\w+)\s+on\b",
        r"drove \1 \2",
        question,
        flags=re.I,
    )
    if re.search(rf"\bin\s+{_TIME_UNIT}\b", question, re.I) and not re.search(
        rf"\d\s*{_DISTANCE_UNIT}\b|\bin\s+{_DISTANCE_UNIT}\b", question, re.I
    ):
        question = re.sub(r"\blength\b", "duration", question, flags=re.I)
    # "what time did GRT-14 leave on Saturday morning": its first start before noon (a gritter out at 04:17
    # left on Saturday morning; counting "morning trips" keeps 06:00-12:00)
    if re.match(r"\s*(?:at\s+)?(?:what\s+time|when)\b", question, re.I) and re.search(
        _LEAVE, question, re.I
    ):
        question = re.sub(_MORNING, _before_noon, question, count=1, flags=re.I)
    question = asked_plainly(question, words.vehicles)
    if words.dates and (max(words.dates) - min(words.dates)).days <= 7:
        question = re.sub(
            r"\b(?:(?:over|during|in)\s+)?this\s+week\b(?!\s+of\b)", " ", question, flags=re.I
        )
    return question
