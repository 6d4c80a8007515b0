"""Session 31 (leftover31): `ask` about a vehicle or a kind of mover the data does not have
(badin30's cases on ask30's fleet: T1, T2, ATV-4, VAN-07, VAN-12, TRI-3, jobs J1-J21): "no
vehicle 'T3' in this data (vehicles look like ...)", not "did not understand 'T3'" nor "no trip
'VAN-99'"; where the vehicle exists, "was X out on <day>" counts its trips that day."""

from __future__ import annotations

import pytest
from test_ask30 import asker, fleet, table  # noqa: F401 (fixtures)

from trajlm.llm.grounding import DataWords
from trajlm.llm.id_kinds import refuse_unknown_vehicle_id
from trajlm.llm.plan import CannotAnswer

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize(
    ("question", "said"),
    [("Did T3 mow on Tuesday?", "'T3'"), ("Was VAN-99 out on Tuesday?", "'VAN-99'"),
     ("How many km did van 99 drive?", "'van 99'")],
)  # fmt: skip
def test_an_unknown_vehicle_id_is_named_as_a_vehicle(asker, question, said) -> None:  # noqa: F811
    with pytest.raises(CannotAnswer) as e:
        asker(question)
    assert f"no vehicle {said} in this data" in e.value.reason
    assert "vehicles look like" in e.value.reason and "ATV-4" in e.value.reason
    assert "trip ids" not in e.value.reason and "did not understand" not in e.value.reason


@pytest.mark.parametrize("question", ["Which gritter drove the furthest?",
                                      "How many trips did the gritters make?"])  # fmt: skip
def test_a_mover_noun_the_data_lacks_is_named(asker, question) -> None:  # noqa: F811
    with pytest.raises(CannotAnswer) as e:
        asker(question)
    assert "'gritter" in e.value.reason and "in this data" in e.value.reason
    assert "did not understand" not in e.value.reason and "T1" in e.value.reason


def test_was_a_known_vehicle_out_counts_its_trips_that_day(asker, table) -> None:  # noqa: F811
    local = table.start.dt.tz_localize("UTC").dt.tz_convert("America/Los_Angeles")
    for q, veh, day in [("Was VAN-07 out on Tuesday?", "VAN-07", 1),
                        ("Did T1 move on Tuesday?", "T1", 1),
                        ("Was T2 out on Wednesday?", "T2", 2)]:  # fmt: skip
        want = int(((table.veh == veh) & (local.dt.weekday == day)).sum())
        assert asker(q).n_total == want, q  # its trips that day, listed
    assert asker("Did T1 mow?").n_total == 0  # T1 sprays: no (ask30)


def test_known_ids_and_trip_ids_pass_the_check() -> None:
    words = DataWords(vehicles={"t1": "T1", "van-07": "VAN-07"}, trips=frozenset({"j1", "t9"}))
    for q in ("Did T1 move?", "How far did van 7 drive?", "Describe trip T4", "Where is T9?",
              "How many trips on 3 Dec?", "trips after 10:30"):  # fmt: skip
        refuse_unknown_vehicle_id(q, words)  # no refusal
    with pytest.raises(CannotAnswer, match="no vehicle 'T4'"):
        refuse_unknown_vehicle_id("Did T4 move?", words)
