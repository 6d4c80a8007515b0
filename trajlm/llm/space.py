"""The rule planner's reading of space (trajlm/llm/rules.py): bounding boxes, a point and a
radius around it, named places and kinds of place ("the airport"). Out of rules.py (session
22, split22); named boxes and points ("box A", "Zurich HB at 47.37, 8.54") are in boxes.py,
start / end places in endpoints.py.
"""

from __future__ import annotations

import re

from trajlm.llm.boxes import box_from
from trajlm.llm.endpoints import PLACE_ALIASES, PLACE_KINDS, nearest_of_kind, place_pattern
from trajlm.llm.phrases import LENGTH_UNITS, NUM, QuestionText, num
from trajlm.llm.plan import EARTH_HALF_M, PLACES, CannotAnswer


def read_space(s: QuestionText, f: dict, area: tuple[float, float] | None = None) -> None:
    """Where the trips are asked about, into ``f``: a bounding box (corners, or lat / lon
    spans), a point with an optional radius, a gazetteer place or the nearest place of a kind
    ("the airport", nearest ``area``, the data's centre). Each phrase read is taken out of ``s``."""
    coord = r"(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)"
    m = s.take(
        rf"\b(?:through |in |inside |within )?(?:the )?(?:bounding\s+)?(?:box|bbox|rectangle|area)"
        rf"\s+(?:from\s+)?{coord}\s*(?:,|to|and|-)\s*{coord}"
    )
    if m:
        a, b, c, d = (float(m.group(i)) for i in range(1, 5))
        if lon_first(s, m.end()):
            a, b, c, d = b, a, d, c
        f["bbox"] = box_from(a, c, b, d)  # the shorter arc of longitudes (irreg25)
    span = r"(?:between\s+)?(-?\d{1,3}(?:\.\d+)?)\s*(?:-|to|and)\s*(-?\d{1,3}(?:\.\d+)?)"
    if m := s.take(  # "in the box lat 45.04-45.07, lon 7.66-7.69"
        rf"\b(?:(?:through |in |inside |within )?(?:the )?(?:bounding\s+)?(?:box|bbox|rectangle|area)\s+)?"
        rf"(?:between\s+)?lat(?:itude)?\s+{span}\s*,?\s*(?:and\s+)?lon(?:gitude)?\s+{span}"
    ):
        a, c, b, d = (float(m.group(i)) for i in range(1, 5))
        f["bbox"] = box_from(a, c, b, d)
    lengths = "|".join(re.escape(u) for u in sorted(LENGTH_UNITS, key=len, reverse=True))
    if neg := re.search(rf"\bwithin\s+(-\s*{_RNUM}\s*(?:{lengths}))\b", s.low):  # badin23
        raise CannotAnswer(f"a radius is a distance above 0: {neg.group(1)!r} is not one")
    r = s.take(rf"\bwithin\s+{_RNUM}\s*({lengths})\s+(?:of|from|around)\b")
    if r:
        f["radius_m"] = _radius(r.group(1), r.group(2))
    m = s.take(rf"\b(?:near|around|close to|at)?\s*{coord}")
    if m:
        f["lat"], f["lon"] = float(m.group(1)), float(m.group(2))
        if lon_first(s, m.end()):
            f["lat"], f["lon"] = f["lon"], f["lat"]
        # "from 50.80,-1.30 within 2 km": the radius after the point (session 15; it was
        # read as a trip length of at most 2 km)
        if "radius_m" not in f and (
            r := s.take(rf"\s*,?\s*within\s+{_RNUM}\s*({lengths})\b", at=m.end())
        ):
            f["radius_m"] = _radius(r.group(1), r.group(2))
        return
    names = {**{p: p for p in PLACES}, **PLACE_ALIASES}
    for name in sorted(names, key=len, reverse=True):
        if s.take(
            rf"\b(?:near|around|close to|at|by|next to|of)?\s*(?:the\s+)?{place_pattern(name)}"
        ):
            f["place"] = names[name]
            return
    m = s.take(
        r"\b(?:near|around|close to|next to)\s+(?:the\s+)?([a-z][a-z ]*?)(?=\s+(?:on|in|at|between|during|after|before|with|that|who|which|and|or|by)\b|\s*$)"
    ) or s.take(  # "went to the airport", "within 2 km of the station": a kind of place
        rf"\b(?:(?:went |go(?:ing)? |drove |came )?(?:to|from|of|at|via|through|past)\s+)?"
        rf"the\s+({'|'.join(PLACE_KINDS)})\b"
    )
    if m:
        f["place"] = nearest_of_kind(m.group(1).strip(), area)


# a radius may be written 1e9 or 1,000,000 (set 23: "within 1e9 m of 41.15, -8.61" was not read)
_RNUM = NUM.replace(
    r"(\d+(?:\.\d+)?|", r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[+-]?\d+)?|", 1
)


def _radius(number: str, unit: str) -> float:
    """Metres of a radius; one wider than half the earth's circumference holds every point and is read as that."""
    metres = num(number.replace(",", "")) * LENGTH_UNITS[unit]
    return min(metres, EARTH_HALF_M)


def lon_first(s: QuestionText, end: int) -> bool:
    """Reads a note on the order of the coordinates just read ("(lat,lon corners)");
    True when it says longitude first."""
    note = s.take(
        r"\s*\(?\s*(lat(?:itude)?|lon(?:gitude)?|lng)\s*[,/]\s*(?:lat(?:itude)?|lon(?:gitude)?|lng)"
        r"(?:\s+(?:corners?|order|pairs?|points?|coordinates))?\s*\)?",
        at=end,
    )
    return note is not None and not note.group(1).startswith("lat")


__all__ = ["lon_first", "read_space"]
