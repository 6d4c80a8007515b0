"""POST /ask (session 24, ask24): `trajlm ask` over HTTP, the same plans, answers and refusals (docs/serve.md)."""

from __future__ import annotations

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")


def _points() -> pl.DataFrame:
    """Two vans, two 30-s tours each on 19-20 Oct 2026, V3 faster."""
    rows = []
    for v, van in enumerate(("V1", "V3")):
        for day in (19, 20):
            t0 = 1_792_393_200 + 86_400 * (day - 19) + 600 * v
            for i in range(40):
                step = (8.0 + 8.0 * v) * 30 / 111_195.0
                rows.append(
                    (
                        f"{van}_{day}",
                        van,
                        t0 + 30 * i,
                        45.73 + step * i,
                        4.90 + 0.01 * v + 0.002 * day,
                    )
                )
    return pl.DataFrame(rows, schema=["traj_id", "vehicle_id", "t", "lat", "lon"], orient="row")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    from trajlm.data.store import write_store

    d = tmp_path_factory.mktemp("ask")
    write_store(_points(), d / "stores" / "vans")
    return d


@pytest.fixture(scope="module")
def client(trajlm_small, root):
    from trajlm.serve import ServeSettings, create_app

    with TestClient(create_app(trajlm_small, ServeSettings(ask_root=str(root / "stores")))) as c:
        yield c


QUESTIONS = ["how many trips did V3 make on 20 October?", "total distance driven by V3 in km",
             "how many days of data do we have for V1?", "which trip was the fastest?"]  # fmt: skip


@pytest.mark.parametrize("q", QUESTIONS)
def test_a_store_by_path_answers_as_the_cli(client, root, q):
    want = Asker(root / "stores" / "vans")(q)
    r = client.post("/ask", json={"question": q, "data": "vans"})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["plan"] == want.plan.describe()
    assert got["answer"] == str(want).split("\nnote: ")[0]
    if want.table is None:
        assert got["value"] == pytest.approx(want.value) and got["table"] is None
    else:
        assert [row["traj_id"] for row in got["table"]] == want.table["traj_id"].to_list()


def test_rows_answer_as_a_frame_does(client):
    rows = _points().drop("traj_id").to_dicts()
    q = "how long was V3 above 40 km/h, in minutes?"
    want = Asker(_points().drop("traj_id"))(q)
    r = client.post("/ask", json={"question": q, "rows": rows})
    assert r.status_code == 200, r.text
    assert r.json()["value"] == pytest.approx(want.value) and want.value > 0
    assert r.json()["plan_fields"]["above_kmh"] == 40.0


@pytest.mark.parametrize(
    ("body", "field", "said"),
    [({"question": "what is the weather in Porto?", "data": "vans"}, "question", "can't answer that: did not understand"),
     ({"question": "how many trips did vehicle V9 make?", "data": "vans"}, "question", "'V9'"),
     ({"question": "predict the next 5 minutes of trip V1_19", "data": "vans"}, "question", "POST /predict"),
     ({"question": "how many trips?", "data": "../../etc"}, "data", "outside"),
     ({"question": "how many trips?", "data": "nope"}, "data", "not a store"),
     ({"question": "how many trips?"}, "data", "give one of data"),
     ({"question": "how many trips?", "data": "vans", "rows": [{"t": 0, "lat": 1, "lon": 2}]}, "data", "one of"),
     ({"question": "how many trips?", "rows": []}, "rows", "empty"),
     ({"question": "how many trips?", "data": "vans", "split": "dev"}, "split", "one of train"),
     ({"data": "vans"}, "question", "question"),
     ({"question": "how many trips?", "data": "vans", "sql": "x"}, "sql", "")],
)  # fmt: skip
def test_bad_requests_and_refusals_are_one_line(client, body, field, said):
    r = client.post("/ask", json=body)
    assert r.status_code == 422, r.text
    err = r.json()
    assert said in err["error"] and "\n" not in err["error"] and err["field"] == field


def test_no_store_by_path_without_an_ask_root(trajlm_small):
    from trajlm.serve import create_app

    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/ask", json={"question": "how many trips?", "data": "vans"})
        assert r.status_code == 422 and "--ask-root" in r.json()["error"]
        rows = _points().to_dicts()
        assert (
            c.post("/ask", json={"question": "how many trips?", "rows": rows}).json()["value"] == 4
        )


def test_a_refusal_is_the_clis_line(client, root):
    from trajlm.llm.plan import CannotAnswer

    q = "how many trips did vehicle V9 make?"
    with pytest.raises(CannotAnswer) as e:
        Asker(root / "stores" / "vans")(q)
    r = client.post("/ask", json={"question": q, "data": "vans"})
    assert r.status_code == 422 and r.json() == {"error": str(e.value), "field": "question"}


def test_a_yes_no_question_has_a_yes_field(client):
    """ask32b: /ask said yes / no only in its ``answer`` text; ``yes`` is true / false, null for other questions,
    and /docs shows it."""
    from trajlm.serve.examples import ANSWER_EXAMPLE

    got = {}
    for q in (
        "did V3 drive on 20 October?",
        "did V3 drive on 25 October?",
        "how many trips did V3 make?",
    ):
        r = client.post("/ask", json={"question": q, "data": "vans"})
        assert r.status_code == 200, r.text
        got[q] = r.json()
    assert [g["yes"] for g in got.values()] == [True, False, None]
    assert got["did V3 drive on 20 October?"]["answer"].startswith("yes:")
    assert set(ANSWER_EXAMPLE) == set(got["how many trips did V3 make?"])
    docs = client.get("/openapi.json").json()["paths"]["/ask"]["post"]["responses"]["200"]
    assert docs["content"]["application/json"]["example"]["yes"] is True
