"""Night shifts (session 26, ask26; status item 8): "how many jobs did AMB-12 do on the night shift of 3
December", "how far did the fleet drive on the night of 2 December".

A night shift starts on one date and ends on the next, so neither the date alone (its trips after midnight
are the next day's) nor "night" as hours (22:00-06:00 on the 2nd holds the small hours of the night of the 1st)
reads it: on set 26's ambulances "the km on the night of 2 December" was 119.2 km (trips starting 22:00-06:00 on
the 2nd) for 583.6. "The night (shift) of D" is the trips that start from noon on D to noon on D+1 in the data's
clock (plan field ``night_of``; the plan line says so): every trip of a shift that starts in the evening and ends
in the morning, whole (a shift's km are its trips' km, past midnight included). A span of dates ("the night of 2
to 4 December") is refused in one line.

"Over the four nights", "during the three days", "during the survey week" name the whole data (``whole_span``):
read as no filter when the number said is the data's (its trips start on that many local dates / nights), else
refused in one line ("the data has 3 days"). "Over the whole month / week / year" (ask38b, ``whole_unit``) names
the data too where all its trips start in one calendar month / Monday-to-Sunday week / year; else refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from trajlm.llm.phrases import SMALL_COUNTS, QuestionText
from trajlm.llm.plan import CannotAnswer

NIGHT_OF = r"\b(?:(?:on|during|for|in|over)\s+)?the\s+night(?:[\s-]?shift)?\s+(?:of|starting(?:\s+on)?|beginning(?:\s+on)?)\b"


def take_night(s: QuestionText) -> bool:
    """Whether the question says "the night (shift) of" (blanked: the date after it is read as usual)."""
    return s.take(NIGHT_OF) is not None


def night_of(f: dict, said: Callable[[str], str]) -> None:
    """The plan's date read after "the night of" -> ``night_of`` (one date only)."""
    lo, hi = f.get("date_from"), f.get("date_to")
    if lo is None or lo != hi:
        raise CannotAnswer("'the night of' is read for one date ('the night of 2 December': trips starting from "
                           "its noon to the next noon): give one date")  # fmt: skip
    f["night_of"] = f.pop("date_from")
    f.pop("date_to")
    day = date.fromisoformat(f["night_of"])
    if f.get("weekdays") == [
        day.strftime("%a").lower()
    ]:  # "the night of Thursday 3 December": that date
        f.pop("weekdays")
    for k in ("hour_from", "hour_to"):
        if k in f:
            raise CannotAnswer(
                "'the night of' with hours reads two ways: give the night or the hours"
            )


_COUNT = SMALL_COUNTS
_SPAN = re.compile(
    r"\b(?:over|during|across|throughout|in|for)\s+(?:all\s+)?the\s+(?:(\d{1,2}|"
    + "|".join(_COUNT)
    + r")\s+(days|nights|night\s+shifts|shifts)|(?:whole\s+|entire\s+)?(?:survey|study)(?:\s+(?:week|period))?)\b",
    re.I,
)


def whole_span(question: str, days: int, nights: int) -> str:
    """The question without "over the four nights" / "during the survey week" (the whole data), or CannotAnswer
    when the number said is not the data's."""
    m = _SPAN.search(question)
    if m is None:
        return question
    if m.group(1) is not None:
        said = int(m.group(1)) if m.group(1).isdigit() else _COUNT[m.group(1).lower()]
        kind = "days" if m.group(2).lower() == "days" else "nights"
        have = days if kind == "days" else nights
        if said != have:
            raise CannotAnswer(f"{m.group(0).strip()!r}: the data's trips start on {have} {kind} "
                               f"(noon to noon for nights), not {said}: name the dates")  # fmt: skip
    return question[: m.start()] + " " + question[m.end() :]


_UNIT_SPAN = re.compile(
    r"\b(?:over|during|across|throughout|in|for)\s+the\s+(?:whole|entire|full)\s+(month|week|year)\b",
    re.I,
)


def whole_unit(question: str, dates: list[date]) -> str:
    """The question without "over the whole month" where the data's trips all start in one calendar month (week:
    Monday to Sunday; year), or CannotAnswer naming how many the data span (which one is meant?)."""
    m = _UNIT_SPAN.search(question)
    if m is None or not dates:
        return question
    unit = m.group(1).lower()
    key = {
        "month": lambda d: (d.year, d.month),
        "week": lambda d: d.isocalendar()[:2],
        "year": lambda d: d.year,
    }[unit]
    held = {key(d) for d in dates}
    if len(held) != 1:
        raise CannotAnswer(f"{m.group(0).strip()!r}: the data's trips start in {len(held)} calendar {unit}s "
                           f"({min(dates)} to {max(dates)}): name the {unit}")  # fmt: skip
    return question[: m.start()] + " " + question[m.end() :]
