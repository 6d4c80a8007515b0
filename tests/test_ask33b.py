"""Session 33 (ask33b): the question reader's spelling slips and ask33's leftovers (docs/llm.md "Session 33
(ask33b)"):

- a typo is mended only where the word is no English word: "lunch" is lunchtime's hours (was 'launch'), "trans"
  is refused as itself (was trains: a dropped vowel is guessed only between two consonants), "plans" / "form" /
  "files" stay themselves; "planes" is still airplane, refused where the data has no such mode;
- "did every van stop?" asked of each van (a stop of any length); "didn't stop for more than 5 minutes" is the
  trips whose longest stop is at most 5 minutes.
"""

from __future__ import annotations

import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.llm.rules import KNOWN, MEND_INTO, RulePlanner
from trajlm.llm.spelling import mend_word
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
MON = pd.Timestamp("2026-11-30 08:00")


def _plan(question: str) -> dict:
    return RulePlanner(years=[2026]).plan(question).key()


def test_real_words_are_not_mended_into_other_words() -> None:
    for word in ("lunch", "trans", "plans", "form", "files", "exits", "summaries", "lats"):
        assert mend_word(word, MEND_INTO, frozenset(KNOWN)) is None, word
    for typo, word in (
        ("avrage", "average"),
        ("distnce", "distance"),
        ("trps", "trips"),
        ("minuts", "minutes"),
        ("duraton", "duration"),  # a vowel beside a vowel: in a word of 6+ letters
        ("betwen", "between"),
        ("whats", "what's"),  # "what" + s, but an apostrophe's slip first
    ):
        assert mend_word(typo, MEND_INTO, frozenset(KNOWN)) == word
    with pytest.raises(CannotAnswer, match="'trans'"):
        _plan("how many trans on Monday?")


def test_lunch_is_lunchtime() -> None:
    for q in (
        "how many trips at lunch?",
        "how many trips at lunch time?",
        "how many trips at lunchtime?",
    ):
        p = _plan(q)
        assert (p["hour_from"], p["hour_to"]) == (12, 14), q
        assert "mode" not in p


def _frame(labels: list[str], stops: dict[str, int] | None = None) -> pd.DataFrame:
    """One trip an hour from 08:00 Monday, each 20 fixes 30 s apart at ~5 m/s; ``stops`` gives a trip (T0, T1, ..)
    that many still fixes after its 10th; the trips go to VAN-01, VAN-02, VAN-03 in turn."""
    rows = []
    for i, label in enumerate(labels):
        still = (stops or {}).get(f"T{i}", 0)
        lat = 41.9
        for k in range(20 + still):
            lat += 0.0 if 10 <= k < 10 + still else 150 / 111_195.0
            t = MON + pd.Timedelta(hours=i, seconds=30 * k)
            rows.append((f"T{i}", f"VAN-0{i % 3 + 1}", t, lat, -87.6 + 0.01 * i, label))
    return pd.DataFrame(rows, columns=["traj_id", "vehicle_id", "t", "lat", "lon", "label"])


def test_planes_is_airplane_only_where_the_data_has_it() -> None:
    bus = Asker(_frame(["bus", "walk", "train"]))
    with pytest.raises(CannotAnswer, match="airplane"):
        bus("how many planes on Monday?")
    assert Asker(_frame(["airplane", "walk", "airplane"]))("how many planes on Monday?").value == 2


def test_did_every_van_stop_is_asked_of_each_van() -> None:
    """T0 (VAN-01) stops 5 min, T4 (VAN-02) 2 min; VAN-03 never stops (T2, T5)."""
    frame = _frame(["a"] * 6, stops={"T0": 10, "T4": 4})
    still = frame.groupby("traj_id").lat.apply(lambda s: int((s.diff() == 0).sum()))
    stopped = set(
        frame[frame.traj_id.isin(still[still > 0].index)].vehicle_id
    )  # the truth, with pandas
    assert stopped == {"VAN-01", "VAN-02"}
    ask = Asker(frame)
    a = ask("Did every van stop?")
    assert a.yes is False and str(a).startswith(
        "no: VAN-03 has no such trip (2 of 3 vehicles have)"
    )
    assert ask("Did every van stop on Monday?").yes is False
    assert ask("Did VAN-01 stop?").yes is True and ask("Did VAN-03 stop?").yes is False
    assert ask("Were all the vans out on Monday?").yes is True  # unchanged: no bound
    with pytest.raises(CannotAnswer, match="for how long"):
        ask("How many trips stopped?")  # a count still asks for how long


def test_did_not_stop_for_more_than_is_the_longest_stop() -> None:
    frame = _frame(
        ["a"] * 6, stops={"T0": 10, "T4": 4}
    )  # T0 stops 5 min (10 still fixes), T4 2 min
    ask = Asker(frame)
    for q in (
        "How many trips didn't stop for more than 3 minutes?",
        "How many trips never stopped longer than 3 min?",
    ):
        a = ask(q)
        assert a.plan.max_stop_s == 180 and a.value == 5, q  # all but T0
    assert ask("How many trips did not stop?").value == 4
    with pytest.raises(CannotAnswer):
        ask(
            "How many trips didn't stop for 5 minutes?"
        )  # at most 5 min, or not 5 min at once: refused


def test_on_the_late_shift_on_a_day_is_the_label() -> None:
    """ "How many runs were on the late shift on Thursday?" (a fresh paraphrase; tuned on it) was refused: "the X
    shift on" was kept for "the night shift on 3 December" on every label; now only on a night's."""
    frame = _frame(["early", "late", "early", "late", "late", "early"])
    late = frame.groupby("traj_id").label.first().eq("late").sum()  # the truth, with pandas
    ask = Asker(frame)
    for q in (
        "How many runs were on the late shift on Monday?",
        "How many runs during the late shift?",
    ):
        a = ask(q)
        assert a.plan.mode == "late" and a.value == late, q
    assert (
        ask("How many runs on the early shift on 30 November?").value
        == len(frame.traj_id.unique()) - late
    )
