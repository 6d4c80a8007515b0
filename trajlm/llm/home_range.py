"""A mover's home range (set 34, ask34): "what was the home range of Kito, in square km?", "Kito's home range in
June", "how big was Neema's home range (hectares)". An ecologist's first number for a collared animal: the area of
the 100 % minimum convex polygon (MCP) around every fix of the trips the rest of the question names (a mover,
dates), the fixes projected flat around their mean (equirectangular; a few tens of km: well under 1 % off). The
plan is those trips with the action ``home_range``; it is asked of one mover ("the home range of the elephants"
pools several animals' fixes into one polygon, which no ecologist means: refused, naming one to ask). Before, "home
range" was not understood (a refusal).

Set 35 (ask35): "Kito's 95% kernel home range", "the 50 % KDE home range": the area inside that isopleth of a Gaussian
kernel density of the fixes (the plan's ``percentile``; 95 where no number is said), with the reference bandwidth
h = sqrt((sx² + sy²) / 2) n^(-1/6) (Worton's h_ref; it over-smooths a clumped animal, which the answer says), on a
200 x 200 grid over the fixes' extent plus 3 h each side: the cells of highest density that hold that share of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import polars as pl

from trajlm.data.geometry import EARTH_RADIUS_M
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan

HOME_RANGE = re.compile(
    r"\bhome[\s-]+ranges?(?:\s+(?:size|area))?\b|\bminimum\s+convex\s+polygon\b|\bmcp\b", re.I
)
_UNIT = re.compile(
    r",?\s*(?:\b(?:in|as)\s+)?\(?\s*\b(?:square\s+(?:km|kilomet\w+)|sq\.?\s*km|km2|km²|hectares?|ha)(?![\w²])\s*\)?",
    re.I,
)
_KERNEL = re.compile(
    r"(?:\b(\d{1,2}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s*)?(?:\(?\s*)?\b(?:(?:fixed\s+)?kernel(?:\s+density)?"
    r"(?:\s+estimat\w+)?|kde)\b(?:\s*\)?)?(?:\s*(?:\(\s*)?\b(\d{1,2}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s*\)?)?",
    re.I,
)
_HEAD = re.compile(r"^\s*(?:what|how\s+(?:big|large))\s+(?:was|is|were|are)\s+(?:the\s+)?", re.I)


def plan_home_range(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a home-range question, or None when the question does not ask one."""
    if not HOME_RANGE.search(question):
        return None
    kernel = _KERNEL.search(question)
    level = float(kernel.group(1) or kernel.group(2) or 95) if kernel else None
    if level is not None and not 0 < level < 100:
        raise CannotAnswer(
            f"a kernel home range's isopleth is a percentage between 0 and 100, not {level:g}"
        )
    question = _KERNEL.sub(" ", question) if kernel else question
    rest = _UNIT.sub(" ", HOME_RANGE.sub(" ", question.strip().rstrip("?")))
    rest = _HEAD.sub(" ", rest)
    rest = re.sub(r"(?<=\w)'s\b|\b(?:of|for)\b", " ", rest, flags=re.I)
    rest = " ".join(rest.split())
    plan = plan_count(f"how many trips did {rest} make?" if rest else "how many trips?")
    if not is_plain_count(plan) or plan.vehicle is None:
        raise CannotAnswer("a home range is one mover's (the minimum convex polygon of its fixes): name it, e.g. "
                           "'what was the home range of Kito'")  # fmt: skip
    return replan(
        plan,
        action="home_range",
        unit="km2" if not re.search(r"hectare|\bha\b", question, re.I) else "ha",
        percentile=level,
    )


def hull_area_m2(lat: np.ndarray, lon: np.ndarray) -> float:
    """The area of the convex hull of the fixes (m²), projected flat around their mean."""
    # longitudes as offsets from the first fix's, wrapped: across 180 deg the plain mean put
    # 179.99 and -179.99 half a world apart (87,663 km² for a 5 km² range; badin34b)
    lon = lon[0] + (lon - lon[0] + 180.0) % 360.0 - 180.0
    la0, lo0 = float(np.mean(lat)), float(np.mean(lon))
    x = np.radians(lon - lo0) * EARTH_RADIUS_M * np.cos(np.radians(la0))
    y = np.radians(lat - la0) * EARTH_RADIUS_M
    pts = sorted(set(zip(x.tolist(), y.tolist(), strict=True)))
    if len(pts) < 3:
        return 0.0

    def turn(o: tuple, a: tuple, b: tuple) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    hull: list = []
    for seq in (pts, pts[::-1]):  # the lower, then the upper chain (Andrew's monotone chain)
        chain: list = []
        for p in seq:
            while len(chain) >= 2 and turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        hull += chain[:-1]
    hx, hy = np.array([p[0] for p in hull]), np.array([p[1] for p in hull])
    return float(0.5 * abs(np.dot(hx, np.roll(hy, 1)) - np.dot(hy, np.roll(hx, 1))))


def kernel_area_m2(
    lat: np.ndarray, lon: np.ndarray, level: float, cells: int = 200
) -> tuple[float, float]:
    """(the area in m² inside the ``level`` % isopleth of a Gaussian kernel density of the fixes, the bandwidth h in
    m): h = h_ref, on a ``cells`` x ``cells`` grid over the fixes' extent plus 3 h each side."""
    lon = lon[0] + (lon - lon[0] + 180.0) % 360.0 - 180.0
    la0, lo0 = float(np.mean(lat)), float(np.mean(lon))
    x = np.radians(lon - lo0) * EARTH_RADIUS_M * np.cos(np.radians(la0))
    y = np.radians(lat - la0) * EARTH_RADIUS_M
    h = float(np.sqrt((np.var(x, ddof=1) + np.var(y, ddof=1)) / 2) * len(x) ** (-1 / 6))
    if not h > 0:
        return 0.0, 0.0
    gx = np.linspace(x.min() - 3 * h, x.max() + 3 * h, cells)
    gy = np.linspace(y.min() - 3 * h, y.max() + 3 * h, cells)
    # a Gaussian kernel is separable: exp(-(dx² + dy²) / 2h²) = exp(-dx² / 2h²) exp(-dy² / 2h²), summed over fixes
    kx = np.exp(-((gx[None, :] - x[:, None]) ** 2) / (2 * h * h))  # fixes x columns
    ky = np.exp(-((gy[None, :] - y[:, None]) ** 2) / (2 * h * h))  # fixes x rows
    density = np.sort((ky.T @ kx).ravel())[::-1]
    inside = int(np.searchsorted(np.cumsum(density) / density.sum(), level / 100.0)) + 1
    return inside * float((gx[1] - gx[0]) * (gy[1] - gy[0])), h


def home_range(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> tuple[float, str]:
    """(the area in the plan's unit, the answer's line) over the chosen trips' fixes."""
    pts = points.filter(pl.col("traj_id").is_in(chosen["traj_id"].implode()))
    if len(pts) < 3:
        raise CannotAnswer(
            f"{plan.vehicle} has {len(pts)} fixes here: a home range needs 3 or more"
        )
    scale, unit = (1e4, "ha") if plan.unit == "ha" else (1e6, "km²")
    if plan.percentile is not None:  # "the 95% kernel home range" (set 35)
        m2, h = kernel_area_m2(pts["lat"].to_numpy(), pts["lon"].to_numpy(), plan.percentile)
        return m2 / scale, (f"{m2 / scale:,.1f} {unit} (the {plan.percentile:g} % isopleth of a Gaussian kernel "
                            f"density of {plan.vehicle}'s {len(pts):,} fixes, bandwidth h_ref {h / 1000:,.2f} km: "
                            f"h_ref over-smooths a clumped range)")  # fmt: skip
    m2 = hull_area_m2(pts["lat"].to_numpy(), pts["lon"].to_numpy())
    value = m2 / scale
    return value, (f"{value:,.1f} {unit} (the 100 % minimum convex polygon of {plan.vehicle}'s {len(pts):,} fixes, "
                   f"{len(chosen)} trip{'s' * (len(chosen) != 1)})")  # fmt: skip
