"""Relative dates read against a today the question states (ask38b): "Today is Saturday 21 March. How many
deliveries were there yesterday?", "Today is Monday March 16. How many rides were there last Tuesday?".

trajlm does not know today's date, so "yesterday" and "last week" alone stay refused (refusals.RELATIVE). Where the
question itself says which day today is ("today is ...", "it is ...", "it's ..."), that statement is taken out and
each relative word is written as the calendar date it names, in the form the date reader reads ("20 March 2026"),
so the plan line shows the date taken:

- "today" / "yesterday" / "the day before yesterday" / "N days ago": that day;
- "last <weekday>" / "this past <weekday>": the latest such weekday before today (on Monday 16 March "last Tuesday"
  is 10 March; on Friday 13 February "last Monday" is 9 February);
- "last week": the Monday-to-Sunday week before today's; "this week": its Monday to today;
- "last month": the calendar month before today's.

The stated day needs no year where the data's years settle it (the one year of the data's span holding that day);
a weekday said with it must agree with the date, else one line says so. Without a stated today nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from trajlm.llm.plan import CannotAnswer

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WD = r"(?:(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)[a-z]*\.?,?\s+(?:the\s+)?)?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_WEEKDAY_NAMES = (r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
                  r"|sat(?:urday)?|sun(?:day)?")  # fmt: skip
# "today is Saturday 21 March", "it's Monday, March 16, 2026", "it's 2026-03-16" (numbers alone: which order?)
# ("as of 3 March" is not one: it may mean "up to 3 March")
_LEAD = r"(?:today\s+is|today's\s+date\s+is|it\s+is|it's)\s+"
_STATED = (
    rf"\b{_LEAD}{_WD}(?:"
    rf"{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+(\d{{4}}))?"  # 21 March (2026)
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+(\d{{4}}))?"  # March 16(, 2026)
    r"|(\d{4})-(\d{2})-(\d{2})"  # 2026-03-16
    r")\b\s*[.,;:!]?\s*"
)


def _say(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1].capitalize()} {d.year}"


def _today(m: re.Match, years: Sequence[int]) -> date:
    """The stated day, its year from the words or else the data's one year; a weekday said must agree."""
    said = m.group(0).strip().rstrip(".,;:!")
    if m.group(8):
        y, mo, d = int(m.group(8)), int(m.group(9)), int(m.group(10))
    else:
        d, mon, y = (
            (m.group(2), m.group(3), m.group(4))
            if m.group(2)
            else (m.group(6), m.group(5), m.group(7))
        )
        mo = [n[:3] for n in _MONTHS].index(mon.lower()[:3]) + 1
        d = int(d)
        if y is None:
            if len(set(years)) != 1:
                held = ", ".join(str(x) for x in sorted(set(years))) or "none"
                raise CannotAnswer(f"'{said}': which year? the data's trips start in {held}; say it "
                                   f"('today is {d} {_MONTHS[mo - 1].capitalize()} 2026')")  # fmt: skip
            y = years[0]
        y = int(y)
    try:
        today = date(y, mo, d)
    except ValueError:
        raise CannotAnswer(f"'{said}' is no date") from None
    if m.group(1) and not _WEEKDAYS[today.weekday()].startswith(m.group(1).lower()[:3]):
        raise CannotAnswer(f"'{said}': {_say(today)} is a {_WEEKDAYS[today.weekday()].capitalize()}, "
                           f"not a {[w for w in _WEEKDAYS if w.startswith(m.group(1).lower()[:3])][0].capitalize()}")  # fmt: skip
    return today


# "it's 04/11/2026", "today is 13.11.2026": a stated today in numbers, day and month in either order (fix40)
_NUMERIC = rf"\b(?P<lead>{_LEAD}{_WD})(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}})\b"


def numeric_today(question: str) -> str:
    """The question with a stated today written in numbers ("it's 13/11/2026") written with its month's name
    ("it's 13 November 2026"), by one rule: a number over 12 is the day, so the other is the month (13/11 and
    11/13 are both 13 November); where both are 12 or under and differ (04/11: 4 November in Europe, 11 April
    in the US) one line refuses to guess (badin39: "relative dates are not supported"). Unchanged without one."""
    m = re.search(_NUMERIC, question, flags=re.I)
    if m is None:
        return question
    a, b, year, said = int(m["a"]), int(m["b"]), m["y"], m.group(0).strip()
    if a > 12 or b > 12 or a == b:
        day, month = (a, b) if a > 12 or a == b else (b, a)
    else:
        raise CannotAnswer(f"'{said}': {a} {_MONTHS[b - 1].capitalize()} or {b} {_MONTHS[a - 1].capitalize()}? "
                           f"the numbers do not say which is the day; write the month's name ('today is {a} "
                           f"{_MONTHS[b - 1].capitalize()} {year}') or {year}-{b:02d}-{a:02d}")  # fmt: skip
    if not 1 <= month <= 12:
        raise CannotAnswer(f"'{said}' is no date")
    return f"{question[: m.start()]}{m['lead']}{day} {_MONTHS[month - 1].capitalize()} {year}{question[m.end() :]}"


def stated_today(question: str, years: Sequence[int]) -> str:
    """The question with its stated today taken out and its relative dates written as calendar dates (see the
    module's doc); unchanged where it states no today."""
    question = numeric_today(question)
    m = re.search(_STATED, question, flags=re.I)
    if m is None:
        return question
    said = [x.group(0).strip() for x in re.finditer(_STATED, question, flags=re.I)]
    if len(said) > 1:  # badin39: the second was read as words, "did not understand '5 november'"
        raise CannotAnswer(
            f"the question states today {len(said)} times ({'; '.join(said)}): state it once"
        )
    today = _today(m, years)
    q = question[: m.start()] + " " + question[m.end() :]

    def on(d: date) -> str:
        return f"on {_say(d)}"

    def span(a: date, b: date) -> str:
        return f"from {_say(a)} to {_say(b)}"

    def last_weekday(x: re.Match) -> str:
        wd = [w[:3] for w in _WEEKDAYS].index(x.group(1).lower()[:3])
        back = (today.weekday() - wd) % 7 or 7
        return on(today - timedelta(days=back))

    def days_ago(x: re.Match) -> str:
        try:
            return on(today - timedelta(days=int(x.group(1))))
        except (OverflowError, ValueError):  # before the year 1: no calendar date
            raise CannotAnswer(f"'{x.group(0).strip()}' is before any calendar date") from None

    if neg := re.search(r"-\s*\d+\s+days?\s+ago\b", q, flags=re.I):
        raise CannotAnswer(
            f"'{neg.group(0)}': days ago count back from today, a whole number of 0 or more"
        )

    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    prev_month_end = first - timedelta(days=1)
    rules = (
        (
            r"(?:\bon\s+)?\bthe\s+day\s+before\s+yesterday\b",
            lambda x: on(today - timedelta(days=2)),
        ),
        (r"(?:\bon\s+)?\byesterday\b", lambda x: on(today - timedelta(days=1))),
        (r"(?:\bon\s+)?\btoday\b", lambda x: on(today)),
        # a number after a minus sign is none of these: "-2 days ago" was read as 2 (badin39)
        (r"(?:\bon\s+)?(?<![-\d.])\b(\d+)\s+days?\s+ago\b", days_ago),
        # a weekday's name whole: "last month" was read as "last Mon" (badin39: last Monday)
        (rf"(?:\bon\s+)?\b(?:last|this\s+past)\s+({_WEEKDAY_NAMES})\b\.?", last_weekday),
        (
            r"(?:\b(?:in|during|over)\s+)?\blast\s+week\b",
            lambda x: span(monday - timedelta(days=7), monday - timedelta(days=1)),
        ),
        (r"(?:\b(?:in|during|over)\s+)?\bthis\s+week\b", lambda x: span(monday, today)),
        (
            r"(?:\b(?:in|during|over)\s+)?\blast\s+month\b",
            lambda x: span(prev_month_end.replace(day=1), prev_month_end),
        ),
    )
    for pattern, write in rules:
        q = re.sub(pattern, write, q, flags=re.I)
    return re.sub(r"\s{2,}", " ", q).strip()
