"""Local date words read against the data's own dates (set 27, ask27): "last Tuesday", "the 3rd", "Wednesday the
2nd", "over the weekend", "the weekend of the 14th".

A person asking about a week of data says "last Tuesday" or "the 3rd" and means a day of that data; trajlm does not
know today's date (docs/llm.md: "last week" stays refused), but it knows the local dates the data's trips start on
(``DataWords.dates``). Each word is rewritten into a calendar date the date reader already reads ("3 December 2026"),
so the plan line shows the date taken, or refused in one line where the data do not settle it:

- "last <weekday>": the data's last date on that weekday (the user asks after the data's days); a weekday the data
  have no trip on is refused ("no trips start on a Tuesday");
- "the last <weekday> in / of <month> [year]" (session 28): that month's last such weekday where it lies in the data's
  span, the data's last one in that month where they end before it; refused where none lies in the span;
- "the 3rd" (a day of the month without its month): the one month of the data holding that day; refused when two
  months of the data hold it, or when it lies outside every month the data touch; "Wednesday the 2nd" must agree;
- "over / during / on the weekend" (one weekend, not "weekends"): the data's one weekend; refused where the data
  hold two or more ("name one: 'the weekend of 14 November'");
- "the weekend of <date>": the Saturday and Sunday of that date's week;
- "on 11/10" (numbers alone, set 28): month-first or day-first, whichever lies in the data's span; refused when both
  or neither do.

Without dates (``dates=()``: no data) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from trajlm.llm.plan import CannotAnswer

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)"
_WD = "(" + "|".join(_WEEKDAY_NAMES) + ")"
_SHORT = tuple(n[:3] for n in _WEEKDAY_NAMES)
_WD_SHORT = r"(mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)"  # phrases.py's abbreviations
# what may follow a day of the month ("on the 3rd, how far ...", "the 3rd between 8 and 9"): never a noun ("the 3rd
# longest trip", "the 90th percentile", "the 2nd of March" is read by phrases.read_dates)
_AFTER_DAY = (r"(?:at|in|on|and|or|to|till|until|between|from|before|after|for|by|during|when|with|did|does|was|were"
              r"|how|what|which|who|where)")  # fmt: skip


def _say(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _day_of_month(day: int, dates: Sequence[date], said: str) -> date:
    """The one date from the data's first to its last date with this day of the month (a date in that span with no
    trip counts: the answer is then 0 trips)."""
    first, last = min(dates), max(dates)
    hits, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        try:
            d = date(y, m, day)
        except ValueError:  # "the 31st" of November
            d = None
        if d is not None and first <= d <= last:
            hits.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if len(hits) == 1:
        return hits[0]
    span = f"the data's trips start from {_say(first)} to {_say(last)}"
    if not hits:
        raise CannotAnswer(f"'{said}': {span}; no day of the month {day} in between")
    raise CannotAnswer(
        f"'{said}': {span}, {len(hits)} days of the month {day} in between; name the month"
    )


def _weekend_of(d: date) -> tuple[date, date]:
    sat = (
        d + timedelta(days=(5 - d.weekday()) % 7)
        if d.weekday() < 5
        else d - timedelta(days=d.weekday() - 5)
    )
    return sat, sat + timedelta(days=1)


def _last_weekday_of_month(m: re.Match, dates: Sequence[date]) -> str:
    """ "the last Tuesday in December (2026)": the month's last Tuesday where it lies in the data's span; where the
    data end before it, their last Tuesday of that month (the user asks about the data); else refused in one line."""
    said, wd = m.group(0).strip(), _WEEKDAY_NAMES.index(m.group(2).lower())
    month = [x.lower()[:3] for x in _MONTHS].index(m.group(3).lower()[:3]) + 1
    first, last = dates[0], dates[-1]
    span = f"the data's trips start from {_say(first)} to {_say(last)}"
    years = [int(m.group(4))] if m.group(4) else [
        y for y in range(first.year, last.year + 1) if (first.year, first.month) <= (y, month) <= (last.year, last.month)
    ]  # fmt: skip
    if len(years) != 1:
        raise CannotAnswer(
            f"'{said}': {span}; "
            + ("name the year" if years else f"no {_MONTHS[month - 1]} in between")
        )
    end = date(years[0] + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    in_month = [
        end - timedelta(days=k) for k in range(end.day) if (end - timedelta(days=k)).weekday() == wd
    ]
    on = [d for d in in_month if first <= d <= last]  # latest first
    if not on or in_month[0] < first:
        raise CannotAnswer(f"'{said}' ({_say(in_month[0])}): {span}; no {m.group(2).capitalize()} of "
                           f"{_MONTHS[month - 1]} {years[0]} in between")  # fmt: skip
    return f"{m.group(1) or ''}{m.group(2).capitalize()} {_say(on[0])}"


def local_dates(question: str, dates: Sequence[date], night_dates: Sequence[date] = ()) -> str:
    """The question with the data's local date words written as calendar dates (see the module's doc)."""
    if not dates:  # "Tuesday's session": the trips of that weekday
        return re.sub(rf"\b{_WD}'s\b", r"on \1", question, flags=re.I)
    dates = sorted(set(dates))

    # set 29: "Sunday night" was Sundays 22:00-06:00, half a night shift
    def weekday_night(m: re.Match) -> str:
        if not night_dates:  # no trip starts at night: the hours, as before
            return m.group(0)
        wd = _WEEKDAY_NAMES.index(m.group(1).lower())
        on = [d for d in night_dates if d.weekday() == wd]
        if len(on) != 1:
            held = (
                f"the data hold {len(on)} ({', '.join(_say(d) for d in on)})"
                if on
                else "no trip starts on one"
            )
            raise CannotAnswer(f"'{m.group(0).strip()}': {held}; name the night ('the night of "
                               f"{_say(on[-1] if on else dates[-1])}')")  # fmt: skip
        return f" on the night of {_say(on[0])}"

    # "on Sunday night", "Sunday night's": the night (shift) that starts that evening (nights.py), one date
    question = re.sub(rf"(?:^|\s)(?:on\s+|during\s+)?{_WD}(?:'s)?\s+night(?:'s)?(?:[\s-]shift)?\b(?!\s+of\b)",
                      weekday_night, question, flags=re.I)  # fmt: skip

    def weekday_s(m: re.Match) -> str:  # badin27: two Tuesdays were summed as one session
        wd = _WEEKDAY_NAMES.index(m.group(1).lower())
        on = [d for d in dates if d.weekday() == wd]
        if len(on) > 1:
            raise CannotAnswer(f"'{m.group(0)}': the data hold {len(on)} {m.group(1).capitalize()}s "
                               f"({', '.join(_say(d) for d in on)}); name one ('on {_say(on[-1])}')")  # fmt: skip
        return f"on {m.group(1).capitalize()} {_say(on[0])}" if on else f"on {m.group(1)}"

    question = re.sub(rf"\b{_WD}'s\b", weekday_s, question, flags=re.I)
    # badin27: "last Tues" read as every Tuesday ("last" dropped): the short names as the long
    question = re.sub(rf"\blast\s+{_WD_SHORT}\b\.?",
                      lambda m: f"last {_WEEKDAY_NAMES[_SHORT.index(m.group(1)[:3].lower())]}",
                      question, flags=re.I)  # fmt: skip

    def last_weekday(m: re.Match) -> str:
        wd = _WEEKDAY_NAMES.index(m.group(2).lower())
        on = [d for d in dates if d.weekday() == wd]
        if not on:
            raise CannotAnswer(f"'{m.group(0).strip()}': no trip of the data starts on a {m.group(2).capitalize()} "
                               f"(its dates run {_say(dates[0])} to {_say(dates[-1])})")  # fmt: skip
        return f"{m.group(1) or ''}{m.group(2).capitalize()} {_say(on[-1])}"

    def weekend_of(m: re.Match) -> str:
        if m.group(2) and 1 <= int(m.group(2)) <= 31:
            day = _day_of_month(int(m.group(2)), dates, m.group(0).strip())
        else:
            return m.group(0)  # "the weekend of 14 November": below, once the date is read
        sat, sun = _weekend_of(day)
        return f"{m.group(1) or ''}from {_say(sat)} to {_say(sun)}"

    def weekend_of_date(m: re.Match) -> str:
        try:
            day = date(int(m.group(4)) if m.group(4) else dates[-1].year,
                       [x.lower()[:3] for x in _MONTHS].index(m.group(3).lower()[:3]) + 1, int(m.group(2)))  # fmt: skip
        except ValueError:
            return m.group(0)
        sat, sun = _weekend_of(day)
        return f"{m.group(1)}from {_say(sat)} to {_say(sun)}"

    def one_weekend(m: re.Match) -> str:
        ends = sorted({_weekend_of(d)[0] for d in dates if d.weekday() >= 5})
        if len(ends) > 1:
            said = ", ".join(f"{_say(s)[:-5]}" for s in ends)
            raise CannotAnswer(f"'{m.group(0).strip()}': the data hold {len(ends)} weekends (Saturdays {said}); "
                               f"name one ('the weekend of {_say(ends[0])[:-5]}') or ask about weekends")  # fmt: skip
        if not ends:
            raise CannotAnswer(f"'{m.group(0).strip()}': no trip of the data starts on a weekend")
        return f" from {_say(ends[0])} to {_say(ends[0] + timedelta(days=1))}"

    def ordinal(m: re.Match) -> str:
        if not 1 <= int(m.group(3)) <= 31:  # "the 90th (percentile)": no day of a month
            return m.group(0)
        rest = m.string[
            m.end() :
        ]  # "from the 3rd to the 5th of March": a range the date reader reads whole
        if re.match(
            rf"\s+(?:to|and|until|till|through|-)\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD}",
            rest,
            re.I,
        ):
            return m.group(0)
        if re.search(
            rf"\b{_MONTH_WORD}\s*$", m.string[: m.start()], re.I
        ):  # "March the 3rd": read as written
            return m.group(0)
        d = _day_of_month(int(m.group(3)), dates, m.group(0).strip())
        if m.group(2) and _WEEKDAY_NAMES.index(m.group(2).lower()) != d.weekday():
            raise CannotAnswer(
                f"'{m.group(0).strip()}': {_say(d)} is a {_WEEKDAY_NAMES[d.weekday()].capitalize()}"
            )
        return f"{m.group(1) or ''}{_say(d)}"

    # applied in this order, each to what the one before left
    for pattern, replace in (
        # badin27: "the last Tuesday in December" summed both December Tuesdays (month range + weekday filter)
        (
            rf"(\bon\s+)?(?:\bthe\s+)?\blast\s+{_WD}\s+(?:of|in)\s+(?:the\s+month\s+of\s+)?({_MONTH_WORD})(?:,?\s+(\d{{4}}))?\b",
            lambda m: _last_weekday_of_month(m, dates),
        ),
        # badin27: "last Tuesday in m/s" was every Tuesday ("in" after it was read as "in March")
        (
            rf"(\bon\s+)?\blast\s+{_WD}\b(?!\s*,?\s*\d|\s+(?:of|in)\s+(?:the\s+)?(?:{_MONTH_WORD}|\d|month|year)\b)",
            last_weekday,
        ),
        # "on the weekend of the 14th" (a day of the month without its month)
        (
            rf"(\s)(?:on\s+|over\s+|during\s+)?the\s+weekend\s+of\s+the\s+{_ORD}(?!\s+(?:of\s+)?{_MONTH_WORD})",
            weekend_of,
        ),
        (
            rf"(\s)(?:on\s+|over\s+|during\s+)?the\s+weekend\s+of\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"({_MONTH_WORD})(?:,?\s+(\d{{4}}))?",
            weekend_of_date,
        ),
        (
            r"(?:^|\s)(?:over|during|across)\s+the\s+weekend\b(?!\s+of\b)",
            one_weekend,
        ),
        # "on the 3rd", "Wednesday the 2nd": a day of the month with no month after it (nor before: "March the 3rd")
        (
            rf"(\bon\s+)?(?:{_WD},?\s+)?\bthe\s+{_ORD}\b(?=\s*(?:[,.?!;:)]|$)|\s+{_AFTER_DAY}\b)",
            ordinal,
        ),
    ):
        question = re.sub(pattern, replace, question, flags=re.I)
    return re.sub(_NUMERIC, lambda m: _numeric_date(m, dates), question, flags=re.I)


# "on 11/10", "before 11/12/2026": a date of numbers alone (set 28: a Denver drone firm's month-first 11/10), after a
# word that makes it a date ("1/2 hour" is not one)
_NUMERIC = r"\b(on|before|after|since|until|till|from|between|and|to|by)\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])"


def _numeric_date(m: re.Match, dates: Sequence[date]) -> str:
    """Month-first or day-first, whichever falls from the data's first to its last date; both or neither: refused."""
    a, b = int(m.group(2)), int(m.group(3))
    first, last = min(dates), max(dates)
    years = [int(m.group(4)) % 100 + 2000 if len(m.group(4)) == 2 else int(m.group(4))] if m.group(4) else sorted(
        {first.year, last.year})  # fmt: skip
    hits = set()
    for y in years:
        for month, day in ((a, b), (b, a)):
            try:
                d = date(y, month, day)
            except ValueError:
                continue
            if first <= d <= last:
                hits.add(d)
    said = m.group(0)[len(m.group(1)) :].strip()
    if len(hits) == 1:
        return f"{m.group(1)} {_say(hits.pop())}"
    if hits:
        raise CannotAnswer(f"'{said}' may be {' or '.join(_say(d) for d in sorted(hits))}: write the month "
                           f"('on {_say(max(hits))}')")  # fmt: skip
    raise CannotAnswer(f"'{said}' is no date from the data's first to its last day ({_say(first)} to {_say(last)}): "
                       f"write the month ('on {_say(first)}')")  # fmt: skip
