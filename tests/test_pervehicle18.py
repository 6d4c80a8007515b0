"""Session 18 (pervehicle18): answers per vehicle ("which driver drove the most km", "total hours at sea per
vessel", "distance per van per day", "how far did D-ana drive") on the data of set 16, through ``trajlm.ask``'s
Asker on pandas frames; truths with pandas in `tests/test_pervehicle18_questions.py`, written before the code.
First read (main at 40a1924): see docs/llm.md "Session 18 (pervehicle18)"; `PYTHONPATH=. python
tests/test_pervehicle18.py` prints the score of the code it imports.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_llm_ask16_data import write_csvs  # noqa: E402
from test_pervehicle18_questions import questions  # noqa: E402

from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

COLUMNS = {
    "chicago": dict(tz="America/Chicago", columns={"traj_id": "run_id", "t": "ts_local", "lat": "y", "lon": "x",
                                                    "label": "service", "vehicle_id": "bus_no"}),
    "madrid": dict(tz="Europe/Madrid", columns={"traj_id": "route_no", "t": "local_time", "lat": "latitude",
                                                 "lon": "longitude", "label": "vehicle_type",
                                                 "vehicle_id": "driver_id"}),
    "brittany": dict(time_format="unix", columns={"traj_id": "voyage", "t": "epoch_s", "lat": "lat", "lon": "lon",
                                                  "label": "type", "vehicle_id": "mmsi"}),
}  # fmt: skip


def askers(paths: dict) -> dict:
    out = {k: Asker(pd.read_csv(paths[k]), **kw) for k, kw in COLUMNS.items()}
    nocol = pd.read_csv(paths["madrid"]).drop(columns=["driver_id"])  # a frame without vehicle ids
    kw = {**COLUMNS["madrid"], "columns": {**COLUMNS["madrid"]["columns"]}}
    kw["columns"].pop("vehicle_id")
    out["nocol"] = Asker(nocol, **kw)
    return out


def outcome(expected, asker, question: str) -> tuple[str, str]:
    """(right / wrong / refused, or refused_right / wrong_answered for a question to refuse; the answer's text)."""
    try:
        ans = asker(question)
    except CannotAnswer as e:
        return ("refused_right" if expected is None else "refused"), str(e)
    if expected is None:
        return "wrong_answered", str(ans)
    value = ans.value
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and abs(value - expected["value"]) <= 0.01 * max(abs(expected["value"]), 1e-9)
    if "vehicle" in expected:
        table = ans.table
        first = (
            None if table is None or "vehicle" not in table.columns else str(table["vehicle"][0])
        )
        ok = ok and first in expected["vehicle"]
    return ("right" if ok else "wrong"), str(ans)


def run_set(folder: Path) -> list[dict]:
    paths = write_csvs(folder)
    ask = askers(paths)
    rows = []
    for data, question, expected in questions(paths):
        got, text = outcome(expected, ask[data], question)
        rows.append(dict(data=data, question=question, expected=expected, outcome=got, text=text))
    return rows


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict:
    return {r["question"]: r for r in run_set(tmp_path_factory.mktemp("pervehicle18"))}


def test_no_wrong_numbers_and_every_refusal_refused(outcomes):
    bad = {q: r["text"] for q, r in outcomes.items() if r["outcome"] in ("wrong", "wrong_answered")}
    assert not bad


def test_every_per_vehicle_question_is_answered(outcomes):
    missed = {q: r["text"] for q, r in outcomes.items() if r["outcome"] == "refused"}
    assert not missed


def test_refusals_say_why(outcomes):
    assert "no vehicle" in outcomes["which vehicle drove the most km in total?"]["text"]
    assert "not in the trip table" in outcomes["which vessel had the most passengers?"]["text"]


if __name__ == "__main__":  # prints the score of the code it imports
    import collections
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        rows = run_set(Path(d))
    for i, r in enumerate(rows):
        exp = r["expected"]
        shown = "refuse" if exp is None else f"{exp.get('vehicle', '')} {np.round(exp['value'], 3)}"
        print(
            i,
            r["outcome"],
            "|",
            r["question"],
            "|",
            shown,
            "|",
            r["text"].replace("\n", " / ")[:150],
        )
    print(dict(collections.Counter(r["outcome"] for r in rows)))
