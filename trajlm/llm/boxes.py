"""Boxes in order and at a trip's ends (session 17, set 15; set 14 left them).

"crossed the river from the north bank (box) to the south bank (box)" (a crossing or passing verb): ``via`` = two
boxes, a trip with a point in the first and a later point in the second. "trips from the Part-Dieu dock (lat
45.755-45.765, lon 4.850-4.866) to the Bellecour dock (lat ..., lon ...)", "started in box A", "arrived at the
berths (box)": ``start_box`` / ``end_box``, the trip's first / last point inside. A name written before a box in brackets ("the anchorage (lat
51.99-52.03, lon 3.88-3.96)") is the box's name and read with it.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from trajlm.data.longitude import table_lons
from trajlm.llm.phrases import QuestionText
from trajlm.llm.plan import QueryPlan

_SPAN = r"(?:between\s+)?(-?\d{1,3}(?:\.\d+)?)\s*(?:-|–|to|and)\s*(-?\d{1,3}(?:\.\d+)?)"
BOX = (rf"(?:(?:the\s+)?(?:bounding\s+)?(?:box|bbox|rectangle|area)\s+)?(?:between\s+)?lat(?:itude)?\s+{_SPAN}"
       rf"\s*,?\s*(?:and\s+)?lon(?:gitude)?\s+{_SPAN}")  # fmt: skip
# "the Part-Dieu dock (lat ..., lon ...)": up to three words naming the box before its brackets
_NAMED = re.compile(
    r"\b(?:the\s+|(at|in|from|to|into|near|inside)\s+(?:the\s+)?)"
    r"(?:(?!the\b)[A-Za-z][\w\-']*\s+){0,2}(?!the\b)[A-Za-z][\w\-']*\s*\(\s*(?=(?:between\s+)?lat(?:itude)?\s)",
    re.I,
)
_START = r"(?:started|starting|starts|start|began|begin|begins|departed|departs|leaving|left)"
_END = r"(?:ended|ending|ends|end|arrived|arrives|arriving|arrive|finished|finishing|finish)"
_AT = r"\s+(?:in|at|inside|within|from|into)\s+(?:the\s+)?"


def name_boxes(question: str) -> str:
    """The question with each box's name before its brackets written "box"."""
    return _NAMED.sub(lambda m: f"{m.group(1) or ''} box (".lstrip(), question)


# a place's own name before its coordinates (set 21): "within 300 m of Zurich HB at 47.3779, 8.5403", "within 200 m of
# Kongens Have (55.6852, 12.5786)", "at the depot (53.4631, -2.2913)": the coordinates are the place, the name is read
# as nothing (it was "did not understand 'zurich hb'"); one to four words after of / at / near / from / to
_COORD = r"-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+"
_NAMED_POINT = re.compile(
    r"\b(of|at|near|around|from|to|visited|passed|reached|left)\s+"
    r"((?:(?!(?:trips?|runs?|routes?|rides?|walks?|within|near|and|or|between|lat|lon|latitude|longitude)\b)"
    r"[A-Za-z][\w\-'’.]*\s+){0,3}(?!(?:trips?|runs?|routes?|rides?|walks?|within|near|and|or|between|lat|lon"
    rf"|latitude|longitude)\b)[A-Za-z][\w\-'’.]*)\s*(?:\(\s*({_COORD})\s*\)|,?\s+at\s+({_COORD}))",
    re.I,
)


def name_points(question: str) -> str:
    """The question with a place's name before its coordinates left out ("of Zurich HB at LAT, LON" -> "of LAT,
    LON")."""
    return _NAMED_POINT.sub(lambda m: f"{m.group(1)} {m.group(3) or m.group(4)}", question)


def box_from(lat_a: float, lat_b: float, lon_a: float, lon_b: float) -> list[float]:
    """[lat_min, lon_min, lat_max, lon_max] of a box given by two latitudes and two longitudes
    in any order: the longitudes' shorter arc (session 25, irreg25), so "lon 175 to -175" is the
    10 deg across the antimeridian, ``lon_min > lon_max`` (GeoJSON's convention), not the 350
    deg around the globe; the plain min..max wherever they are <= 180 deg apart."""
    west, east = table_lons(np.array([lon_a, lon_b], np.float64))
    return [min(lat_a, lat_b), west, max(lat_a, lat_b), east]


def _box(m: re.Match, first: int) -> list[float]:
    a, c, b, d = (float(m.group(first + i)) for i in range(4))
    return box_from(a, c, b, d)


def read_boxes(s: QuestionText, f: dict) -> None:
    """``via``, ``start_box`` and ``end_box`` into ``f``, their phrases blanked."""
    two = rf"\b(?:from|between)\s+{BOX}\s*(?:to|and|into|towards)\s+{BOX}"
    # "crossed the river from (box) to (box)": what is crossed is named by the two boxes
    s.take(
        rf"\b(?:the\s+)?(?:river|bridge|bay|harbou?r|channel|strait|lake|estuary|water)\b(?=\s+{two})"
    )
    crossing = re.search(
        r"\b(?:cross(?:ed|es|ing)?|pass(?:ed|es|ing)?|(?:went|go|going|drove|travell?ed) through)\b",
        s.low,
    )
    if m := s.take(
        rf"\b(?:passed|passing|passes|through|via|crossed)\s+{BOX}\s*,?\s*(?:and\s+)?then\s+(?:through\s+)?{BOX}"
    ):
        f["via"] = [_box(m, 1), _box(m, 5)]  # "passed box A and then box B"
        return
    if m := s.take(
        two
    ):  # "crossed ... from A to B": passed A, then B; "trips from A to B": began in A, ended in B
        a, b = _box(m, 1), _box(m, 5)
        if crossing:
            f["via"] = [a, b]
        else:
            f["start_box"], f["end_box"] = a, b
        return
    if m := s.take(rf"\b{_START}{_AT}{BOX}"):
        f["start_box"] = _box(m, 1)
    if m := s.take(rf"\b(?:and\s+)?{_END}{_AT}{BOX}"):
        f["end_box"] = _box(m, 1)


def in_box(box, lat: str = "lat", lon: str = "lon") -> pl.Expr:
    """Points inside a [lat_min, lon_min, lat_max, lon_max] box; ``lon_min > lon_max``: the box
    crosses the antimeridian (lon_min..180 and -180..lon_max)."""
    inside_lat = pl.col(lat).is_between(box[0], box[2])
    if box[1] <= box[3]:
        return inside_lat & pl.col(lon).is_between(box[1], box[3])
    return inside_lat & ((pl.col(lon) >= box[1]) | (pl.col(lon) <= box[3]))


def boxes_within(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """The trips that meet the plan's ``via`` / ``start_box`` / ``end_box``."""
    if plan.via is not None:
        a, b = plan.via
        first = points.filter(in_box(a)).group_by("traj_id").agg(pl.col("t").min().alias("_ta"))
        last = points.filter(in_box(b)).group_by("traj_id").agg(pl.col("t").max().alias("_tb"))
        ok = first.join(last, on="traj_id").filter(pl.col("_ta") < pl.col("_tb")).select("traj_id")
        trips = trips.join(ok, on="traj_id", how="semi", maintain_order="left")
    if plan.start_box is not None or plan.end_box is not None:
        ends = points.sort("t").group_by("traj_id").agg(
            pl.col("lat").first().alias("a0"), pl.col("lon").first().alias("o0"),
            pl.col("lat").last().alias("a1"), pl.col("lon").last().alias("o1"),
        )  # fmt: skip
        cond = pl.lit(True)
        if plan.start_box is not None:
            cond &= in_box(plan.start_box, "a0", "o0")
        if plan.end_box is not None:
            cond &= in_box(plan.end_box, "a1", "o1")
        trips = trips.join(
            ends.filter(cond).select("traj_id"), on="traj_id", how="semi", maintain_order="left"
        )
    return trips
