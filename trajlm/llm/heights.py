"""Heights the trip table does not hold (set 37, ask37): "how much time did P-20441 spend above 3000 m" was read as
the time of trips longer than 3 km (149,175 s, silent: a mountain guide's altitude); "vertical metres", "how high",
"above sea level" likewise ask a height ("altitude", "elevation" were refused before, by the trip table's columns). trajlm reads times and positions (latitude, longitude):
no altitude column is kept, so these are refused naming it. "Trips over 3000 m" (a length) is not a height: only a
time or stay *above / below* a number of metres or feet, or a height word, is.
"""

from __future__ import annotations

import re

from trajlm.llm.plan import CannotAnswer

_METRES = r"\d[\d,.]*\s*(?:m|metres?|meters?|ft|feet)\b(?![\w/])"
# a time spent above / below a height: "spend above 3000 m", "time above 2,500 m", "hours below 500 ft"
_TIME_AT = re.compile(
    rf"\b(?:spen[dt]|spending|time|hours?|minutes?|how\s+long|stay(?:ed)?|was|were)\b(?:\s+[\w\-]+){{0,3}}?\s+"
    rf"(?P<said>(?:above|below|higher\s+than|lower\s+than)\s+{_METRES})",
    re.I,
)
_HEIGHT = re.compile(
    r"\b(?:vertical\s+(?:metres|meters|feet|gain|drop)|above\s+sea\s+level|"
    r"how\s+high|height\s+gain|(?:metres|meters|feet)\s+(?:of\s+)?(?:climb|ascent|descent)|total\s+(?:ascent|descent))\b",
    re.I,
)


def refuse_height(question: str) -> None:
    """CannotAnswer where the question asks a height (the module's doc); else nothing."""
    m = _TIME_AT.search(question) or _HEIGHT.search(question)
    if m:
        said = m.groupdict().get("said") or m.group(0)
        raise CannotAnswer(f"'{said.strip()}' asks a height: this data keeps no altitude (only times and "
                           "positions are read: duration, distance, speed, stops); a length is asked 'longer than "
                           "3 km'")  # fmt: skip


__all__ = ["refuse_height"]
