"""ask38b: a second fresh measure's misses, each as a general rule on made words and dates that are not the
measure's (scripts/ask38b holds the set). Before (main f2577fca): a stated today ("Today is Saturday 21 March. ...
yesterday") was refused as a relative date; "how much deliverys CB-15 is doing", "wich bike made the less
kilometers", "all cargo bikes together", "tasks ran past 10 minutes", "roam over the whole month", "did bike B1007
log in total", "position fixes", "on which day of the week were the most rides taken" were refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_ask37b import _plan

from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.rule_words import KNOWN, MEND_INTO
from trajlm.llm.spelling import mend_word
from trajlm.llm.synonyms import plain_words


def _span(q: str, words: DataWords = DataWords(), years=(2026,)) -> tuple[str, str]:
    p = _plan(q, words, years)
    return str(p.date_from), str(p.date_to)


def test_relative_dates_read_against_a_stated_today() -> None:
    assert _span("Today is Saturday 21 March. How many trips were there yesterday?") == (
        "2026-03-20",
        "2026-03-20",
    )
    # the latest such weekday before today: six days back on a Monday, four on a Friday
    assert (
        _span("Today is Monday March 16. How many trips were there last Tuesday?")[0]
        == "2026-03-10"
    )
    assert (
        _span("today is friday 13 february, how many trips were there last monday?")[0]
        == "2026-02-09"
    )
    assert _span("It's 2026-03-18. How many trips last week?") == ("2026-03-09", "2026-03-15")
    assert _span("how many trips 2 days ago? today is 5 May 2025", years=(2025,)) == (
        "2025-05-03",
        "2025-05-03",
    )
    with pytest.raises(CannotAnswer, match="is a Tuesday, not a Monday"):
        _plan("Today is Monday March 17. How many trips yesterday?")
    with pytest.raises(CannotAnswer, match="which year"):  # data over two years, none said
        _plan("Today is 3 March. How many trips yesterday?", years=(2025, 2026))
    with pytest.raises(CannotAnswer, match="relative dates"):  # no today stated: as before
        _plan("How many trips yesterday?")


def test_second_language_words() -> None:
    bikes = DataWords(labels=("cargo", "ebike"), vehicles={"cb-11": "CB-11", "cb-15": "CB-15"})
    p = _plan("how much deliverys CB-15 is doing on friday?", bikes)
    assert (p.action, p.vehicle, p.weekdays) == ("count", "CB-15", ["fri"])
    p = _plan("wich bike made the less kilometers on tuesday?", bikes)
    assert (p.action, p.metric, p.group, p.ascending) == ("sum", "length_m", "vehicle", True)
    p = _plan("total kilometers of all cargo bikes together on monday please", bikes)
    assert (p.action, p.metric, p.mode) == ("sum", "length_m", "cargo")
    assert _plan("How many trips ran past 10 minutes?").min_duration_s == 600
    assert (
        plain_words("trips that started past 10 pm") == "trips that started past 10 pm"
    )  # a clock time
    # a question word's "wh" written "w" is mended; a real word is not ("were" is no "where")
    assert mend_word("wich", MEND_INTO, frozenset(KNOWN)) == "which"
    assert mend_word("were", MEND_INTO, frozenset(KNOWN)) is None
    assert mend_word("deliverys", MEND_INTO, frozenset(KNOWN)) == "deliveries"
    assert mend_word("journeys", MEND_INTO, frozenset(KNOWN)) is None


def test_a_hiking_apps_and_a_journalists_words() -> None:
    april = tuple(date(2026, 4, 1) + timedelta(days=i) for i in range(30))
    elk = DataWords(vehicles={"f11": "F11", "m05": "M05"}, dates=april)
    p = _plan("How many miles did M05 roam over the whole month?", elk)
    assert (p.action, p.metric, p.vehicle, p.unit) == ("sum", "length_m", "M05", "mi")
    assert p.date_from is None  # the data's one month: every trip
    spring = DataWords(vehicles=elk.vehicles, dates=(date(2026, 3, 30), *april))
    with pytest.raises(CannotAnswer, match="2 calendar months"):
        _plan("How many miles did M05 roam over the whole month?", spring)
    p = _plan("How many position fixes do we have for F11 altogether?", elk)
    assert (p.metric, p.vehicle) == ("n_points", "F11")
    share = DataWords(labels=("casual", "member"), vehicles={"b1007": "B1007"})
    p = _plan("How many miles did bike B1007 log in total?", share)
    assert (p.action, p.metric, p.vehicle, p.mode) == ("sum", "length_m", "B1007", None)
    p = _plan("On which day of the week were the most rides taken?", share)
    assert (p.action, p.by) == ("peak", "weekday")
