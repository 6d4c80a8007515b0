"""The rule planner's reading tools: the question as text whose phrases are blanked once read,
numbers and units in words, calendar dates and weekdays (trajlm/llm/rules.py uses them; start
hours: trajlm/llm/hours.py).

Dates are read as a person writes them: ISO (2024-03-12), "March 12, 2024", "12 March 2024",
"the 12th of March", ranges ("between 8 and 14 March", "from 4 to 6 March", "March 4-6"),
open ends ("from 10 March onwards", "until 12 March"), months ("in March 2024") and years
("in 2008"). A date without a year takes the year of the range's other date, else the data's
year when the data spans one year; otherwise the planner asks for it (``CannotAnswer``)
instead of guessing. Numeric dates are read where their order is certain (2013/10/05 is
year/month/day; 20/03/2009 is day/month, and so is every other numeric date of the question).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta

from trajlm.llm.plan import WEEKDAYS, CannotAnswer

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "ninety": 90, "half an": 0.5, "half a": 0.5, "half": 0.5,
    "a quarter": 0.25, "quarter": 0.25, "three quarters": 0.75,
}  # fmt: skip
# "two" .. "ten": the whole-number words a count of days, nights or movers is written with
SMALL_COUNTS = {w: n for w, n in NUMBER_WORDS.items() if isinstance(n, int) and 2 <= n <= 10}
NUM = r"(\d+(?:\.\d+)?|half an?|half|three quarters|a quarter|quarter|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty|fifty|sixty|ninety)"
# knots and nautical miles (ships): exact by definition, 1 kn = 1.852 km/h, 1 nmi = 1852 m
KNOT_KMH, NMI_M = 1.852, 1852.0
SPEED_UNITS = {"km/h": 1.0, "kmh": 1.0, "kph": 1.0, "km per hour": 1.0, "mph": 1.609344, "m/s": 3.6,
               "m/min": 0.06, "metres per minute": 0.06, "meters per minute": 0.06,  # a squad's (set 27)
               "knots": KNOT_KMH, "knot": KNOT_KMH, "kn": KNOT_KMH, "kts": KNOT_KMH, "kt": KNOT_KMH}  # fmt: skip
LENGTH_UNITS = {"km": 1000.0, "kilometres": 1000.0, "kilometers": 1000.0, "miles": 1609.344,
                "mile": 1609.344, "mi": 1609.344, "m": 1.0, "metres": 1.0, "meters": 1.0,
                "metre": 1.0, "meter": 1.0, "kilometre": 1000.0, "kilometer": 1000.0,  # badin23
                "nautical miles": NMI_M, "nautical mile": NMI_M, "nmi": NMI_M, "nm": NMI_M}  # fmt: skip
TIME_UNITS = {"hours": 3600.0, "hour": 3600.0, "h": 3600.0, "hrs": 3600.0, "minutes": 60.0,
              "minute": 60.0, "mins": 60.0, "min": 60.0, "seconds": 1.0, "second": 1.0,
              "secs": 1.0, "sec": 1.0, "s": 1.0}  # fmt: skip
UNIT = "|".join(
    re.escape(u) for u in sorted([*SPEED_UNITS, *LENGTH_UNITS, *TIME_UNITS], key=len, reverse=True)
)
# "the most km S-01 drove in one day, in km" (set 25): the unit said twice; the trailing one goes, the first stays
# (the first not a quantity's: in "trips over 5 km, in km" the trailing one is the answer's unit)
_UNIT_AGAIN = re.compile(
    rf"(?<![\w/.])(?<!\d\s)({UNIT})(?![\w/])(.*?)[,;]?\s+in\s+\1\s*(\??)\s*$", re.I
)


def unit_said_twice(question: str) -> str:
    """The question without a trailing "in <unit>" that repeats a unit said before it ("the most km ..., in km")."""
    return _UNIT_AGAIN.sub(r"\1\2\3", question, count=1)


# set 33: "which ferry sailed the most nautical miles on Wednesday, and how many?": the ranking names the leader
# with its amount, so the trailing "and how many / much" asks nothing more (it was read as a count of trips)
_AND_HOW_MANY = re.compile(
    rf"^(\s*(?:which|what|who)\b.*?\b(?:most|least|fewest)\s+(?:{UNIT})(?![\w/]).*?)[,;]?\s+and\s+how\s+(?:many|much)"
    r"(?:\s+(?:of\s+them|in\s+total))?\s*(\??)\s*$",
    re.I,
)


def and_how_many(question: str) -> str:
    """The question without a trailing "and how many?" after "which ... the most <unit>" (the answer says it)."""
    return _AND_HOW_MANY.sub(r"\1\2", question, count=1)


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
_MONTH = "(" + "|".join([*MONTHS, *(m[:3] for m in MONTHS if m != "may"), "sept"]) + r")\.?"
_DAY = r"(\d{1,2})(?!\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
# one date, as groups (iso) | (day, month, year) | (month, day, year)
DATE = (
    rf"(?:(\d{{4}}-\d{{2}}-\d{{2}})|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}"
    rf"|{_MONTH}\s+(?:the\s+)?{_DAY}{_YEAR})"
)
_TO = r"(?:and|to|until|till|through|thru|-|or)"
# words just before a duration that make it a stop's ("stopped longer than 5 min")
STOP_WORDS_NEAR = re.compile(r"\b(stop|stops|stopped|stopping|stationary|idle|waited|parked)\b")


class QuestionText:
    """The question, lower-cased and without accents, with each phrase blanked once read."""

    def __init__(self, question: str):
        self.raw = question
        plain = "".join(c for c in unicodedata.normalize("NFKD", question)
                        if not unicodedata.combining(c))  # fmt: skip
        self.q = " " + " ".join(plain.replace("?", " ").replace("!", " ").split()) + " "
        self.low = re.sub(r"(?<=\d)'s\b", "  ", self.q.lower())  # "user-0004's trips"

    def take(
        self, pattern: str | re.Pattern, flags: int = 0, *, at: int | None = None, group: int = 0
    ) -> re.Match | None:
        """The first match (or the one starting ``at``), blanked (only ``group`` of it)."""
        rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        m = rx.search(self.low) if at is None else rx.match(self.low, at)
        if m is not None:
            a, b = m.span(group)
            self.low = self.low[:a] + " " * (b - a) + self.low[b:]
        return m

    def rewrite(self, start: int, end: int, text: str) -> None:
        """Replace a span with a canonical spelling (in the text and its lower-cased copy)."""
        self.q = self.q[:start] + text + self.q[end:]
        self.low = self.low[:start] + text.lower() + self.low[end:]

    def has(self, pattern: str) -> bool:
        return re.search(pattern, self.low) is not None

    def original(self, m: re.Match, group: int) -> str:
        return self.q[m.start(group) : m.end(group)]

    def leftover(self, known: set[str]) -> list[str]:
        words = re.findall(r"[a-z][a-z'\-]*|\d\S*|[^\sa-z\d.,\-:']", self.low)
        return [w for w in words if w not in known]

    def leftover_said(self, known: set[str]) -> list[str]:
        """The words not understood, a word glued to digits quoted whole as the user wrote it
        ("vehicle V9": 'V9', not the 'v 9' its letters and digits read apart; ask23's leftover)."""
        said, end = [], 0
        for m in re.finditer(r"[a-z][a-z'\-]*|\d\S*|[^\sa-z\d.,\-:']", self.low):
            if m.group(0) in known or m.start() < end:  # inside a word quoted whole already
                continue  # ("'V9'" was quoted "V9 V9'", "V1_19" 'V1 V1_19': badin24)
            a, b = m.span()
            while a > 0 and (self.low[a - 1].isalnum() or self.low[a - 1] == "_"):
                a -= 1
            while b < len(self.low) and (self.low[b].isalnum() or self.low[b] == "_"):
                b += 1
            glued = (a, b) != m.span()
            end = b if glued else end
            said.append(self.q[a:b] if glued else m.group(0))
        return list(dict.fromkeys(said))


def num(s: str) -> float:
    s = s.strip()
    return float(NUMBER_WORDS[s]) if s in NUMBER_WORDS else float(s)


def _month(name: str) -> int:
    name = name.rstrip(".")
    return next(i + 1 for i, m in enumerate(MONTHS) if m.startswith(name[:3]))


class _Calendar:
    """Builds dates from matched parts; a missing year is the data's only year."""

    def __init__(self, years: Sequence[int] | None):
        self.years = sorted(set(years or ()))

    def year(self, given: str | None) -> int:
        if given:
            return int(given)
        if len(self.years) == 1:
            return self.years[0]
        spans = f"the data spans {self.years[0]}-{self.years[-1]}" if self.years else "no data"
        raise CannotAnswer(f"which year? give it, e.g. 2024-03-12 ({spans})")

    def day(self, d: str, m: str, y: str | None) -> date:
        year = self.year(y)
        try:
            return date(year, _month(m), int(d))
        except ValueError:
            raise CannotAnswer(f"no such date: {d} {m}") from None

    def one(self, g: Sequence[str | None], year: str | None = None) -> date:
        """A DATE match's 7 groups -> the date (``year``: when the match has none)."""
        if g[0]:
            try:
                return date.fromisoformat(g[0])
            except ValueError:  # "2013-07-70" (a slip in "2013-07-05")
                raise CannotAnswer(f"no such date: {g[0]}") from None
        if g[1]:
            return self.day(g[1], g[2], g[3] or year)
        return self.day(g[5], g[4], g[6] or year)

    def span(self, g: Sequence[str | None]) -> tuple[date, date]:
        """A range of two DATE matches (14 groups); a date without a year takes the other's
        ("from Sept 1 to Sept 15 2013"), a year earlier if it would end before it began."""
        a, b = g[:7], g[7:]
        ya, yb = _year_of(a), _year_of(b)
        lo, hi = self.one(a, yb), self.one(b, ya)
        if lo > hi and ya is None and yb is not None:
            lo = self.one(a, str(int(yb) - 1))  # "from 20 Dec to 5 Jan 2014"
        return lo, hi


def _year_of(g: Sequence[str | None]) -> str | None:
    return g[0][:4] if g[0] else (g[3] or g[6])


def read_dates(s: QuestionText, f: dict, years: Sequence[int] | None = None) -> None:
    """Date filters (``date_from`` / ``date_to``, inclusive) into ``f``."""
    cal = _Calendar(years)
    month = _MONTH
    _numeric_dates_to_iso(s)

    def put(lo: date | None, hi: date | None) -> None:
        if lo is not None:
            f["date_from"] = lo.isoformat()
        if hi is not None:
            f["date_to"] = hi.isoformat()

    # "the last week of March (2026)", "the first week of June": days 1-7, 8-14, 15-21, 22-28,
    # or the month's last seven (session 14; "last week" alone stays a relative date)
    if m := s.take(
        rf"\b(?:in\s+|during\s+)?(?:the\s+)?(first|second|third|fourth|last|final)\s+week\s+of\s+{month}{_YEAR}"
    ):
        end = cal.day("1", m.group(2), m.group(3)).replace(day=28) + timedelta(days=4)
        end = end - timedelta(days=end.day)  # the month's last day
        nth = {"first": 0, "second": 1, "third": 2, "fourth": 3}.get(m.group(1))
        lo = end - timedelta(days=6) if nth is None else end.replace(day=1 + 7 * nth)
        put(lo, lo + timedelta(days=6))
        return
    # "between 8 and 14 March (2024)", "from 4 to 6 March", "4-6 March", "(in) the week of 6-12
    # April" (set 12: the range itself; "the week of 6 April" alone stays unread)
    if m := s.take(
        rf"\b(?:(?:in\s+|during\s+)?(?:the\s+)?week\s+of\s+)?(?:(?:between|from|on)\s+)?(?:the\s+)?{_DAY}\s*({_TO})\s*(?:the\s+)?{_DAY}\s+(?:of\s+)?{month}{_YEAR}"
    ):
        lo, hi = (cal.day(m.group(i), m.group(4), m.group(5)) for i in (1, 3))
        if m.group(2) == "or" and (hi - lo).days != 1:  # "the 9th or 10th": two days in a row
            raise CannotAnswer("one date or a range of dates, please (not a list of days)")
        put(lo, hi)
        return
    # "March 4-6", "March 4 to 6"
    if m := s.take(rf"\b(?:(?:between|from)\s+)?{month}\s+{_DAY}\s*{_TO}\s*{_DAY}{_YEAR}\b"):
        put(
            cal.day(m.group(2), m.group(1), m.group(4)), cal.day(m.group(3), m.group(1), m.group(4))
        )
        return
    # one space after the keyword: a blanked phrase between ("from taxi 7 on 2 July") is no range
    if m := s.take(rf"\b(?:between|from) {DATE}\s+{_TO}\s+{DATE}"):
        put(*cal.span(m.groups()))
        return
    # "in the week of 30 March - 5 April": a week across two months (set 13)
    if m := s.take(
        rf"\b(?:in\s+|during\s+)?(?:the\s+)?week\s+of\s+{DATE}\s*(?:-|–|to|until|till)\s*{DATE}"
    ):
        put(*cal.span(m.groups()))
        return
    if m := s.take(rf"\b(since|from|after|starting) (?:on )?{DATE}(?:\s+(?:onwards|on|onward))?"):
        d = cal.one(m.groups()[1:])
        put(d + timedelta(days=m.group(1) == "after"), None)
        return
    if m := s.take(rf"\b(until|till|before|up to|through) {DATE}"):
        d = cal.one(m.groups()[1:])
        put(None, d - timedelta(days=m.group(1) == "before"))
        return
    if m := s.take(rf"\b(?:on\s+)?{DATE}"):
        d = cal.one(m.groups())
        put(d, d)
        return
    if m := s.take(rf"\b(?:in|during)\s+{month}(?:\s+(\d{{4}}))?\b"):
        first = date(cal.year(m.group(2)), _month(m.group(1)), 1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        put(first, nxt - timedelta(days=1))
        return
    # a bare year: "in 2008", "during the year 2013" (not "in 2000 m")
    if m := s.take(
        rf"\b(?:in|during|throughout|for)\s+(?:the\s+)?(?:year\s+)?((?:19|20)\d\d)\b(?![.,:/\-]\d)(?!\s*(?:{UNIT})\b)"
    ):
        y = int(m.group(1))
        put(date(y, 1, 1), date(y, 12, 31))


def _numeric_dates_to_iso(s: QuestionText) -> None:
    """2013/10/05 (year first: always year/month/day), and 14/03/2024, 3/14/2024, 14.03.2024
    -> ISO where the order is certain: one part > 12, in this date or in another numeric date
    of the question ("10/03/2009 to 20/03/2009": one writer, one order). 03/05/2024 alone
    could be either and is refused rather than guessed; dates in both orders too."""
    for m in reversed(
        list(re.finditer(r"(?<![\d/.\-])(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?![\d/.])", s.low))
    ):
        try:
            iso = date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat()
        except ValueError:
            raise CannotAnswer(f"no such date: {m.group(0)}") from None
        s.rewrite(m.start(), m.end(), iso)
    pat = r"(?<![\d/.\-])(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?![\d/.])"
    found = list(re.finditer(pat, s.low))
    orders = {"dm" if int(m.group(1)) > 12 else "md" for m in found
              if max(int(m.group(1)), int(m.group(2))) > 12}  # fmt: skip
    if len(orders) > 1:
        raise CannotAnswer("the dates mix day/month and month/day: write them as YYYY-MM-DD")
    for m in reversed(found):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a == b or orders == {"dm"}:
            day, mon = a, b
        elif orders == {"md"}:
            day, mon = b, a
        else:
            raise CannotAnswer(f"is {m.group(0)} day/month or month/day? write it as "
                               f"{y}-{b:02d}-{a:02d} or {y}-{a:02d}-{b:02d}")  # fmt: skip
        try:
            iso = date(y, mon, day).isoformat()
        except ValueError:
            raise CannotAnswer(f"no such date: {m.group(0)}") from None
        s.rewrite(m.start(), m.end(), iso)


def read_days(s: QuestionText, f: dict) -> None:
    """Weekday filters into ``f``: names, plurals, abbreviations, weekdays / weekends, ranges
    ("mon-fri", "Thursday to Monday") and lists ("tue/thu")."""
    days: list[str] = []
    if s.take(r"\b(?:on\s+)?(?:weekdays?|working days?|workdays?|week days?)\b"):
        days += list(WEEKDAYS[:5])
    if s.take(r"\b(?:on\s+|at\s+|during\s+)?(?:the\s+)?weekends?\b"):
        days += ["sat", "sun"]
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    short = ("mon", "tues?", "wed", "thu(?:rs?)?", "fri", "sat", "sun")  # "bus trips mon"
    one = "|".join(rf"({name}s?|{short[i]}\.?)" for i, name in enumerate(full))
    day = rf"(?<!\w)(?:{one})(?!\w)"
    # a range of days: "mon-fri", "Monday to Thursday", "from tue through thu"
    if m := s.take(rf"\b(?:(?:on|from)\s+)?{day}\s*(?:-|to|through|thru|until|till)\s*{day}"):
        i, j = (next(k for k in range(7) if m.group(k + 1 + o)) for o in (0, 7))
        days += [WEEKDAYS[k % 7] for k in range(i, i + (j - i) % 7 + 1)]
    # a list of days: "tue/thu", "mon & wed": the marks between them are read
    while m := re.search(rf"{day}\s*([/&+])\s*(?={day})", s.low):
        s.low = s.low[: m.start(8)] + " " + s.low[m.end(8) :]
    for i, name in enumerate(full):
        if s.take(rf"\b(?:on\s+)?(?:{name}s?|{short[i]}\.?(?=[\s),]))"):
            days.append(WEEKDAYS[i])
    if days:
        f["weekdays"] = days
