"""Session 24 (badin24): hostile inputs on session 24's new surfaces (docs/reliability.md "Session 24 (badin24)").

POST /ask (ask24), the time-above-a-speed questions, the readers' new paths (heldout24: point lists, Date + Time
pairs, dd-mm-yyyy, trip-by-trip blocks) and the frame API. Each case was a traceback / 500, a silent wrong answer or
an unclear line on main at 64795da.
"""

from __future__ import annotations

import json

import pandas as pd
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _points(n_vans: int = 2) -> pl.DataFrame:
    """n vans, one 40-fix 30-s tour a day on 19-20 Oct 2026; van k drives at 8 (k+1) m/s."""
    rows = []
    for v in range(n_vans):
        for day in (19, 20):
            t0 = 1_792_393_200 + 86_400 * (day - 19) + 600 * v
            for i in range(40):
                step = 8.0 * (v + 1) * 30 / 111_195.0
                rows.append(
                    (
                        f"V{v + 1}_{day}",
                        f"V{v + 1}",
                        t0 + 30 * i,
                        45.73 + step * i,
                        4.90 + 0.01 * v + 0.002 * day,
                    )
                )
    return pl.DataFrame(rows, schema=["traj_id", "vehicle_id", "t", "lat", "lon"], orient="row")


# --- POST /ask -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(trajlm_small, tmp_path_factory):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.data.store import write_store
    from trajlm.serve import ServeSettings, create_app

    root = tmp_path_factory.mktemp("ask") / "stores"
    write_store(_points(), root / "vans")
    write_store(_points(1), root / "fleet")
    write_store(_points(), root / "nopoints")
    for f in (root / "nopoints").rglob("*.parquet"):
        f.unlink()
    (root / "badjson").mkdir()
    (root / "badjson" / "manifest.json").write_text("{not json")
    app = create_app(trajlm_small, ServeSettings(ask_root=str(root)))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c, root


def _post(c, **body):
    r = c.post("/ask", json={"question": "how many trips are there?", **body})
    return r.status_code, r.json()


@pytest.mark.parametrize("data", ["va\x00ns", "a" * 5000])
def test_ask_a_data_name_no_folder_can_have_is_one_line(served, data):
    code, got = _post(served[0], data=data)  # was 500 (ValueError / OSError)
    assert code == 422 and got["field"] == "data" and "not a folder name" in got["error"]


@pytest.mark.parametrize("data", ["nopoints", "badjson"])
def test_ask_a_damaged_store_is_one_line_naming_data(served, data):
    code, got = _post(served[0], data=data)  # nopoints was 500 (RuntimeError); badjson had no field
    assert code == 422 and got["field"] == "data" and "Iteration" not in got["error"], got


def test_ask_a_bad_zone_names_tz(served):
    code, got = _post(served[0], data="vans", tz="Mars/Olympus")
    assert code == 422 and got["field"] == "tz" and "Mars/Olympus" in got["error"]


def test_ask_rows_errors_say_what_an_http_client_can_do(served):
    rows = _points().to_dicts()
    rows[3]["lat"] = None
    code, got = _post(served[0], rows=rows)
    assert code == 422 and got["field"] == "rows.lat"
    assert (
        "missing value" in got["error"]
        and "trajlm.clean" not in got["error"]
        and "columns={" not in got["error"]
    )


def test_ask_split_with_rows_is_refused_not_ignored(served):
    code, got = _post(
        served[0], rows=_points().to_dicts(), split="train"
    )  # was the answer about every row
    assert code == 422 and got["field"] == "split"
    with pytest.raises(TrajlmInputError, match="split"):
        Asker(_points(), split="train")


def test_ask_a_store_overwritten_under_the_server_is_read_again(served):
    from trajlm.data.store import write_store

    c, root = served
    assert _post(c, data="fleet")[1]["value"] == 2
    write_store(_points(3), root / "fleet", overwrite=True)
    assert _post(c, data="fleet")[1]["value"] == 6  # was 2: the Asker kept from before


# --- time above a speed ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def asker() -> Asker:
    return Asker(_points())


@pytest.mark.parametrize(("speed", "said"), [("-5 km/h", "'-5 km/h'"), ("nan km/h", "'nan km/h'"),
                                             ("inf km/h", "'inf km/h'"), ("1e400 km/h", "'1e400 km/h'")])  # fmt: skip
def test_a_speed_that_is_no_number_above_0_is_quoted(asker, speed, said):
    with pytest.raises(CannotAnswer, match=f"a speed is a number above 0: {said}"):
        asker(
            f"how long was V1 above {speed}, in minutes?"
        )  # was "did not understand 'above 5 km km/h h'"


def test_a_speed_written_with_an_exponent_is_read(asker):
    assert asker("how long was V2 above 1e1 km/h, in minutes?").value == pytest.approx(39.0)


@pytest.mark.parametrize("q", ["how long was V2 below 40 km/h, in minutes?", "how long was V2 between 40 and 60 km/h?",
                               "how much time did V2 spend under 50 km/h, in minutes?",
                               "how long was V2 slower than 50 km/h, in minutes?"])  # fmt: skip
def test_time_below_a_speed_is_refused_not_read_as_trip_durations(q):
    # one van alternating 8 and 16 m/s steps (29 / 58 km/h): its mean 43 km/h is below 50, but half its time is not;
    # main read "below 50" as the duration of trips whose mean speed is below 50 (all of it)
    rows, lat = [], 45.73
    for i in range(60):
        rows.append(("V2", 1_792_393_200 + 30 * i, lat, 4.9))
        lat += (16.0 if i % 2 else 8.0) * 30 / 111_195.0
    with pytest.raises(CannotAnswer, match="time below a speed"):
        Asker(pl.DataFrame(rows, schema=["vehicle_id", "t", "lat", "lon"], orient="row"))(q)


@pytest.mark.parametrize(("q", "said"), [("how many trips did vehicle 'V9' make?", "'V9'"),
                                         ("how many days of data do we have for trip V1_19?", "'V1_19'")])  # fmt: skip
def test_a_word_not_understood_is_quoted_once_as_written(asker, q, said):
    with pytest.raises(CannotAnswer) as e:
        asker(q)
    assert f"did not understand {said} (" in str(e.value)  # was "V9 V9'" and 'V1 V1_19'


# --- frames: dd-mm-yyyy, ids ---------------------------------------------------------------------------------------


def _with_text_times(fmt: str, days_back: int = 0) -> pd.DataFrame:
    pdf = _points().to_pandas()
    when = pd.to_datetime(pdf.t, unit="s") - pd.Timedelta(days=days_back)
    return pdf.assign(t=when.dt.strftime(fmt))


@pytest.mark.parametrize("pair", [False, True])
def test_a_frames_dashed_dates_that_leave_the_order_to_a_guess_are_refused(pair):
    df = _with_text_times(
        "%d-%m-%Y %H:%M:%S", days_back=10
    )  # 09-10-2026: read as 9 October with no word
    if pair:  # heldout24's Date + Time columns
        df = df.assign(date=df.t.str[:10], time=df.t.str[11:]).drop(columns=["t"])
    with pytest.raises(TrajlmInputError, match="day/month order to a guess"):
        Asker(df)


@pytest.mark.parametrize("fmt", ["%d-%m-%Y %H:%M:%S", "%m-%d-%Y %H:%M:%S"])
def test_a_frames_dashed_dates_are_read_by_their_values(fmt):
    starts = Asker(_with_text_times(fmt)).trips["start"].dt.strftime("%Y-%m-%d %H:%M").to_list()
    assert sorted(starts)[:2] == ["2026-10-19 07:00", "2026-10-19 07:10"]


def test_tuple_ids_are_one_line():
    pdf = _points().to_pandas()
    with pytest.raises(TrajlmInputError, match="trajectory ids in 'traj_id' are List"):
        Asker(pdf.assign(traj_id=[(x,) for x in pdf.traj_id]))  # was a Polars cast error


# --- readers --------------------------------------------------------------------------------------------------------


def test_a_nested_point_list_is_one_line(tmp_path):
    from trajlm.data.readers import read

    p = tmp_path / "pos.jsonl"
    rows = _points().to_dicts()
    p.write_text(
        "\n".join(
            json.dumps({"id": r["traj_id"], "time": r["t"], "pos": [[r["lon"], r["lat"]]]})
            for r in rows
        )
    )
    with pytest.raises(TrajlmInputError, match="holds lists of List"):
        read(p)  # was polars' InvalidOperationError


def test_two_vans_listed_trip_by_trip_out_of_order_are_not_joined(tmp_path):
    from trajlm.data.readers import read

    pdf = _points().to_pandas()
    pdf = pdf.assign(
        Unit=pdf.vehicle_id, t=pd.to_datetime(pdf.t, unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")
    )
    pdf = pdf.drop(columns=["traj_id", "vehicle_id"])
    v1 = pdf[pdf.Unit == "V1"]
    pd.concat([v1.iloc[40:], v1.iloc[:40], pdf[pdf.Unit == "V2"]]).to_csv(
        tmp_path / "units.csv", index=False
    )
    # was one trajectory, 40 rows dropped as duplicate times; then refused naming --traj-col
    # 'Unit'; since leftover39 the one column that tells the movers apart is read as the id, said
    with pytest.warns(UserWarning, match="'Unit' read as the trajectory id"):
        got, _ = read(tmp_path / "units.csv")
    assert got.group_by("traj_id").len().sort("traj_id")["len"].to_list() == [80, 80]


def test_a_date_written_as_utc_midnight_goes_with_its_time(tmp_path):
    from trajlm.data.readers import read

    pdf = _points().to_pandas()
    when = pd.to_datetime(pdf.t, unit="s")
    pdf.drop(columns=["t"]).assign(
        Date=when.dt.strftime("%Y-%m-%dT00:00:00Z"), Time=when.dt.strftime("%H:%M:%S")
    ).to_csv(tmp_path / "dt.csv", index=False)
    got, _ = read(tmp_path / "dt.csv")
    assert sorted(got["t"].unique().to_list())[:2] == [1_792_393_200, 1_792_393_230]


def test_ask_a_store_without_points_is_one_line(tmp_path):
    from trajlm.data.store import write_store

    write_store(_points(), tmp_path / "s")
    for f in (tmp_path / "s").rglob("*.parquet"):
        f.unlink()
    with pytest.raises(TrajlmInputError, match="no points/split"):
        Asker(tmp_path / "s")  # was StopIteration (a 500 over HTTP)
