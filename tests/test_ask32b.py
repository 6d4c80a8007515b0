"""Session 32 (ask32b): ask32's leftovers (docs/llm.md "Session 32 (ask32b)"): "were any vans out" (a kind of
vehicle after "any" / "the"), "what call type is a street hail" (the article "a" is no call type A), and a
yes / no answer's ``yes`` field (Python ``Answer.yes``, HTTP /ask's JSON).

Frames: ask30's fleet (VAN-07, VAN-12 among T1, T2, ATV-4, TRI-3; Mon 30 Nov - Wed 2 Dec 2026, Los Angeles time).
"""

from __future__ import annotations

import pytest
from test_ask30 import asker, fleet, table  # noqa: F401 (fixtures)

from trajlm.llm.call_types import call_type_words
from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer

pytestmark = pytest.mark.filterwarnings("ignore")


def test_any_vans_out_is_the_vans_trips(asker, table) -> None:  # noqa: F811
    """ask32's leftover: "Were any vans out on Tuesday?" was "did not understand 'out'"."""
    vans = table.veh.str.startswith("VAN")
    tuesday = int((vans & (table.start.dt.weekday == 1)).sum())
    assert 0 < tuesday < int(vans.sum()) < len(table)
    for q in (
        "Were any vans out on Tuesday?",
        "Was any van out on Tuesday?",
        "Were the vans out on Tuesday?",
    ):
        a = asker(q)
        assert a.plan.vehicle_prefix == "VAN" and a.n_total == tuesday, q
        assert str(a).startswith("yes:") and a.yes is True
    for q in ("Were any vans out?", "Did any van drive?"):  # no day said: every van trip
        a = asker(q)
        assert a.n_total == int(vans.sum()) and a.yes is True, q
    with pytest.raises(CannotAnswer, match="no vehicle here reads as 'trucks'"):
        asker("Were any trucks out?")
    with pytest.raises(CannotAnswer, match="did not understand 'electric'"):
        asker(
            "Are any vans electric?"
        )  # a word not read is still refused, not "yes" with every van trip
    assert asker("How many trips did the vans make?").value == int(
        vans.sum()
    )  # not a yes / no question
    assert asker("How many trips did the vans make?").yes is None


def test_the_article_a_is_no_call_type() -> None:
    """ask32's leftover: "What call type is a street hail?" read "is a" as call type A (two call types refused)."""
    words = DataWords(call_types=frozenset({"A", "B", "C"}))
    with pytest.raises(CannotAnswer, match=r"'street hail' is call type C \(A dispatched"):
        call_type_words("What call type is a street hail?", words)
    for q in ("How many trips had call type is A?", "trips whose call type is a", "How many call type a trips?",
              "trips where call type was 'a' today", "How many trips were call type A?"):  # fmt: skip
        assert call_type_words(q, words)[1] == "A", q
    assert call_type_words("Which call type had the most trips?", words)[1] is None


def test_a_yes_no_answer_says_yes(asker) -> None:  # noqa: F811
    assert asker("Was VAN-07 out on Monday?").yes is True
    assert asker("Did T1 mow?").yes is False  # T1 sprays
    assert asker("List the trips of T1 on Tuesday").yes is None


def test_cargo_bikes_on_ids_of_other_letters_are_refused_naming_the_kinds() -> None:
    """set 32's A4: "How many km did the cargo bikes ride?" on VAN-* / EB-* ids with parcel labels was "no trip is
    labelled 'bike'": now the refusal names the kinds the ids have (no rule ties "bikes" to EB safely)."""
    from trajlm.llm.id_kinds import refuse_kind_not_in_ids

    words = DataWords(
        vehicles={"van-03": "VAN-03", "van-07": "VAN-07", "eb-1": "EB-1", "eb-2": "EB-2"},
        labels=("groceries", "parcels", "returns"),
    )
    with pytest.raises(
        CannotAnswer, match=r"no vehicle here reads as 'bikes': the ids' letters name EB, VAN"
    ):
        refuse_kind_not_in_ids("How many km did the cargo bikes ride?", words)
    for q in (
        "How far did EB-1 ride?",
        "Which rider biked the most?",
        "How many km did the vans drive?",
    ):
        refuse_kind_not_in_ids(
            q, words
        )  # one vehicle named, a verb, a kind the ids name: not refused
    bikes = DataWords(vehicles=words.vehicles, labels=("bike", "walk"))
    refuse_kind_not_in_ids(
        "How many km did the bikes ride?", bikes
    )  # a label of the data: its trips
