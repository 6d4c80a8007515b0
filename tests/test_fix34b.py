"""Session 34 (fix34b): badin34b's, heldout34b's and leftover34b's small leftovers. Each test
failed on main 88c4777f: a refusal naming the option of another surface, a silently skipped
empty item, a frame refused without saying what is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from helpers import invoke_cli, run_cli

import trajlm
from trajlm._cli_times import parse_at_times
from trajlm._safety import UserError
from trajlm.data.coerce import coerce
from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError
from trajlm.llm.plan import CannotAnswer

T0 = 1772359200


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fix34b") / "city"
    write_store(generate_city(n_trajectories=60, seed=3).points.drop("label"), d)
    return d


@pytest.fixture(scope="module")
def foreign(city, tmp_path_factory) -> Path:
    """Answers to the test windows, one of them to a window no split has."""
    out = tmp_path_factory.mktemp("answers") / "q.csv"
    run_cli(["data", "queries", city, "--out", out])
    asks = pd.read_csv(out.with_name("q.asks.csv"), dtype={"query_id": str})
    answers = asks.assign(lat=41.15, lon=-8.61)[["query_id", "k", "lat", "lon"]]
    answers.loc[0, "query_id"] = "nope@1"
    path = out.with_name("answers.csv")
    answers.to_csv(path, index=False)
    return path


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_eval_foreign_answer_names_eval_s_own_split_option(city, foreign):
    r = invoke_cli(["eval", "--task", "predict", "--data", city, "--predictions", foreign])
    said = _one_line(r.output)
    assert r.exit_code == 2 and "'nope@1' is no window" in said, said
    assert "--score-on S" in said  # eval's option; it said "--split", which eval does not have
    assert "`trajlm data queries --split S`" in said  # the queries' own option


def test_python_score_foreign_answer_names_keywords(city, foreign):
    with pytest.raises(TrajlmInputError) as e:
        trajlm.score(city, foreign)
    said = str(e.value)
    assert "split=S" in said and "trajlm.queries(" in said, said
    assert "--" not in said.split("is no window")[1]  # no CLI option in the Python line


def test_http_divert_no_pace_names_the_server_option(trajlm_small):
    from serve_helpers import app_client

    rows = [{"traj_id": v, "t": T0, "lat": 41.15 + (0.01 if v == "V2" else 0), "lon": -8.61}
            for v in ("V1", "V2")]  # fmt: skip  # one fix each: no pace
    with app_client(trajlm_small) as c:
        r = c.post("/divert", json={"trajectories": rows, "order": [[41.17, -8.59]]})
    assert r.status_code == 200, r.text
    said = " ".join(r.json()["warnings"])
    assert "no moving legs" in said and "trajlm serve --reach-memory" in said, said
    assert "memory=" not in said and "--memory" not in said.replace("--reach-memory", "")


def test_python_divert_no_pace_still_names_memory():
    still = pl.DataFrame({"van_id": ["V1", "V2"], "t": [T0, T0], "lat": [41.15, 41.16],
                          "lon": [-8.61, -8.61]})  # fmt: skip
    with pytest.warns(UserWarning, match=r"no moving legs.*memory= \(CLI --memory\)"):
        trajlm.divert(still, (41.17, -8.59))


@pytest.mark.parametrize(
    ("text", "item"),
    [("2026-06-03T11:30Z,,2026-06-03T12:00Z", 2), ("2026-06-03T11:30Z,", 2),
     (",2026-06-03T11:30Z", 1)],
)  # fmt: skip
def test_at_times_empty_item_is_refused(text, item):
    with pytest.raises(UserError, match=f"--at-times '{text}': item {item} is empty"):
        parse_at_times(text)


def test_at_times_file_blank_lines_are_no_items(tmp_path):
    f = tmp_path / "times.txt"
    f.write_text("2026-06-03T11:30Z\n\n2026-06-03T12:00Z\n")
    assert len(parse_at_times(str(f))) == 2


def _read(frame: pd.DataFrame) -> pl.DataFrame:
    """The frame as the API's methods read it (one mover's fixes when no column names one)."""
    return coerce(frame, split_gaps=True)[0]


def _komoot_items() -> pd.DataFrame:
    return pd.DataFrame([{"lat": 47.37 + 1e-4 * k, "lng": 8.54 + 1e-4 * k, "alt": 420.0,
                          "t": 2000 * k} for k in range(12)])  # fmt: skip


def test_komoot_items_frame_names_the_tours_start_date():
    with pytest.raises(TrajlmInputError) as e:
        _read(_komoot_items())
    said = str(e.value)
    assert "Komoot" in said and "start `date`" in said and "milliseconds" in said, said
    with pytest.raises(TrajlmInputError, match="elapsed seconds or another unit"):
        _read(_komoot_items().rename(columns={"lng": "lon"}))  # no Komoot frame: as was


def _sensorthings(n: int = 12) -> pd.DataFrame:
    value = [{"@iot.id": k, "time": f"2024-09-10T06:{k:02d}:00.000Z",
              "Locations": [{"@iot.id": 5000 + k, "name": "bus 1",
                             "location": {"type": "Point",
                                          "coordinates": [11.58 + 1e-4 * k, 48.14 + 2e-4 * k]}}]}
             for k in range(n)][::-1]  # fmt: skip  # FROST answers newest first
    return pd.json_normalize(value)


@pytest.mark.filterwarnings("ignore::UserWarning")  # the no-id note: one mover, said
def test_sensorthings_normalized_frame_is_read_as_the_file_is():
    table = _read(_sensorthings()).sort("t")
    assert table["traj_id"].n_unique() == 1 and len(table) == 12  # `@iot.id` is each row's key
    assert (table["lat"][0], table["lon"][0]) == pytest.approx((48.14, 11.58))  # lon, lat order


def test_sensorthings_list_of_two_points_is_not_flattened():
    frame = _sensorthings()
    frame["Locations"] = frame["Locations"].map(lambda x: x * 2)
    with pytest.raises(TrajlmInputError, match="no lat column"):
        _read(frame)


def _animals() -> pl.DataFrame:
    sq = [(-2.6, 37.2), (-2.6, 37.22), (-2.62, 37.22), (-2.62, 37.2), (-2.61, 37.21)] * 3
    return pl.concat([pl.DataFrame({"animal_id": [n] * len(sq),
                                    "t": [T0 + 3600 * i + 60 * j for i in range(len(sq))],
                                    "lat": [p[0] + 0.1 * j for p in sq],
                                    "lon": [p[1] for p in sq]})
                      for j, n in enumerate(("Kito", "Amani"))])  # fmt: skip


@pytest.mark.parametrize(
    "question", ["What was the home range of Zuri?", "How far did Zuri travel?"]
)
def test_ask_an_animal_not_in_the_data_is_said(question):
    with pytest.raises(CannotAnswer, match=r"no 'Zuri' among this data's movers \(they "
                       r"look like Amani, Kito\)"):  # fmt: skip
        trajlm.ask(question, _animals(), planner="rules")
    said = str(trajlm.ask(question.replace("Zuri", "Kito"), _animals(), planner="rules"))
    assert "Kito" in said or " m" in said  # the animal in the data is answered
