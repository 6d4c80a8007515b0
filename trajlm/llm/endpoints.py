"""Where and when trips started or ended (session 16, set 14), read before the rule planner's
places and hours.

A place or circle filter (``place`` / ``lat``, ``lon``) matches trips with *any* point in it,
so "how many trips started within 300 m of X" counted trips passing by (33, not the 20 that
started there; set 13 added a note, set 14 found it a wrong number on the CLI, which did not
print the note). Now a place said right after a start verb ("started / began / departed /
left / picked up" + "at / from / near / in / within R of" + the place) is ``start_at`` (the
trip's first point within R), after an end verb ("ended / arrived / finished / dropped off")
``end_at`` (its last point); both may be given ("started near A and ended within 1 km of B").
An end verb before a time ("ended on a Sunday", "finished after 6 pm") reads the hours, days
and dates at the trip's end (``at_end``). A place not right after such a verb ("trips near X
that started on Monday") is any point, as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from trajlm.llm.phrases import LENGTH_UNITS, NUM, QuestionText, num
from trajlm.llm.plan import DEFAULT_RADIUS_M, PLACE_RADIUS_M, PLACES, CannotAnswer

START = r"start(?:ed|s|ing)?|began|begin(?:s|ning)?|depart(?:ed|s|ing)?|left|leaving|set\s+off|picked\s+up|pick-?ups?"
END = (
    r"end(?:ed|s|ing)?|finish(?:ed|es|ing)?|arriv(?:ed|es|ing)|dropped\s+off|drop-?offs?|terminated"
)
COORD = r"(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)"
_UNITS = "|".join(re.escape(u) for u in sorted(LENGTH_UNITS, key=len, reverse=True))
RADIUS = rf"within\s+{NUM}\s*({_UNITS})\s+(?:of|from|around)\s+"
PREP = rf"(?:(?:from\s+)?{RADIUS}|(?:from|at|near|around|close\s+to|in)\s+)"
# "the station at 45.49,-73.56", "the depot": a named spot given by its coordinates
SPOT = r"(?:(?:the|a)\s+[a-z]+\s+(?:at\s+|\(\s*)?)?"
AFTER = rf"(?:\s*\)?\s*,?\s*within\s+{NUM}\s*({_UNITS})\b)?"
TIME_WORDS = r"(?:on|in|at|after|before|between|during|by|late|early|from)\b"


def read_endpoints(s: QuestionText, f: dict, place: Callable[[str], str | None]) -> None:
    """``start_at`` / ``end_at`` ([lat, lon, radius_m]) and ``at_end`` into ``f``. ``place``:
    the planner's reading of a place's name ("sao bento", "the airport") -> a gazetteer key."""
    for key, verbs in (("start_at", START), ("end_at", END)):
        m = s.take(
            rf"\b(?:{verbs})\s+(?:{PREP}{SPOT})?{COORD}{AFTER}"
        )  # "started 64.1,-21.9 within 2 km"
        if m is not None:
            radius = _radius(m.group(1), m.group(2)) or _radius(m.group(5), m.group(6))
            f[key] = [float(m.group(3)), float(m.group(4)), radius or DEFAULT_RADIUS_M]
            continue
        m = re.search(
            rf"\b(?:{verbs})\s+{PREP}((?:the\s+)?[a-z][a-z.]*(?:\s+[a-z][a-z.]*){{0,2}})", s.low
        )
        if m is None:
            continue
        words = m.group(3).split()
        for n in range(len(words), 0, -1):  # the longest name the planner knows
            name = place(" ".join(words[:n]))
            if name is not None:
                end = m.start(3) + len(" ".join(words[:n]))
                s.take(re.escape(s.low[m.start() : end]))
                after = s.take(rf"\s*,?\s*within\s+{NUM}\s*({_UNITS})\b", at=end)
                radius = _radius(m.group(1), m.group(2)) or (
                    after and _radius(after.group(1), after.group(2))
                )
                lat, lon = PLACES[name]
                f[key] = [lat, lon, radius or PLACE_RADIUS_M.get(name, DEFAULT_RADIUS_M)]
                break
    m = re.search(rf"\b(?:{END})\s+(?={TIME_WORDS})", s.low)
    if m is not None and "end_at" not in f:
        if re.search(rf"\b(?:{START})\s+(?={TIME_WORDS})", s.low):
            raise CannotAnswer("times of both the start and the end: ask about one of them")
        s.take(re.escape(m.group(0)))
        f["at_end"] = True


def _radius(n: str | None, unit: str | None) -> float | None:
    return num(n) * LENGTH_UNITS[unit] if n and unit else None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def place_pattern(place: str) -> str:
    """A place name's pattern; its later words may be shortened to 4+ letters ("tsinghua
    univ", "porto airp.")."""
    first, *rest = place.split()
    out = re.escape(first)
    for w in rest:
        out += r"\s+(?:" + "|".join(w[:i] for i in range(len(w), 3, -1)) + r")\b\.?"
    return out if rest else out + r"\b"


# "Porta Nuova", "Sao Bento": a place without its kind word, where that name is unique
PLACE_ALIASES = {p.rsplit(" ", 1)[0]: p for p in PLACES if p.endswith((" station", " university"))}
# the kinds of place a question may name without its name ("the airport": the one nearest the data)
PLACE_KINDS = ("airport", "station", "university")
# "the airport" is the gazetteer's airport nearest the data, if it is this near the data's centre
FAR_KM = 100.0


def nearest_of_kind(kind: str, area: tuple[float, float] | None) -> str:
    """The gazetteer place of a kind ("airport") nearest the data, or ``CannotAnswer``."""
    options = [p for p in PLACES if kind in p.split() or kind == p]
    if len(options) > 1 and area is not None:
        options = sorted(
            options, key=lambda p: (PLACES[p][0] - area[0]) ** 2 + (PLACES[p][1] - area[1]) ** 2
        )[:1]
    if len(options) != 1:
        raise CannotAnswer(
            f"unknown place {kind!r}: give lat,lon or one of {', '.join(sorted(PLACES))}"
        )
    if area is not None and (km := _km(area, PLACES[options[0]])) > FAR_KM:
        raise CannotAnswer(f"no {kind} known near this data (the nearest known, "
                           f"{options[0]}, is {km:,.0f} km away): give its lat,lon, "
                           f"e.g. 'within 2 km of LAT,LON'")  # fmt: skip
    return options[0]


def place_key(text: str, area: tuple[float, float] | None) -> str | None:
    """A place's name as a question writes it ("sao bento", "the airport") -> its gazetteer key."""
    text = re.sub(r"^the\s+", "", text.strip())
    for name, key in sorted(
        {**{p: p for p in PLACES}, **PLACE_ALIASES}.items(), key=lambda x: -len(x[0])
    ):
        if re.fullmatch(place_pattern(name), text):
            return key
    return nearest_of_kind(text, area) if text in PLACE_KINDS else None
