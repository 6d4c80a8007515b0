"""Session 12 (ux9): the HTTP server reads dated times as the Python API does, and recovers
with mode "bridge" (docs/reliability.md, "Session 12 (ux9)")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")


def _rows(year: int, n: int = 12, iso: bool = True) -> list[dict]:
    t0 = datetime(year, 9, 14, 12, tzinfo=UTC)
    out = []
    for i in range(n):
        t = t0 + timedelta(seconds=15 * i)
        out.append({"traj_id": "h", "t": t.strftime("%Y-%m-%dT%H:%M:%SZ") if iso else
                    int(t.timestamp()), "lat": 41.15 + 1e-3 * np.sin(i / 4), "lon": -8.61 + 1e-4 * i})  # fmt: skip
    return out


@pytest.fixture(scope="module")
def client(small):
    from trajlm.serve import create_app

    with TestClient(create_app(small)) as c:
        yield c


@needs_small
def test_server_reads_iso_times_from_1900_as_the_api_numbers_from_1990(client, small):
    r = client.post("/predict", json={"trajectories": _rows(1944), "steps": 2})
    assert r.status_code == 200, r.text
    pts = r.json()["points"]
    assert [p["time"][:10] for p in pts] == ["1944-09-14"] * 2
    frame = pl.DataFrame(_rows(1944)).with_columns(pl.col("t").str.to_datetime(time_zone="UTC"))
    want = small.predict(frame, steps=2)
    np.testing.assert_allclose([p["lat"] for p in pts], want["lat"], atol=1e-9)
    assert [p["t"] for p in pts] == want["t"].dt.epoch("s").to_list()
    for path in ("/embed", "/recover"):
        assert client.post(path, json={"trajectories": _rows(1944)}).status_code == 200
    r = client.post("/predict", json={"trajectories": _rows(1899), "steps": 2})
    assert r.status_code == 422 and "before 1900" in r.json()["error"]
    r = client.post("/predict", json={"trajectories": _rows(1944, iso=False), "steps": 2})
    assert r.status_code == 422 and "before 1990" in r.json()["error"]  # numbers: as the API
    r = client.post("/predict", json={"trajectories": _rows(2020), "steps": 2})
    assert r.status_code == 200 and r.json()["points"][0]["time"].startswith("2020-09-14")


@needs_small
def test_recover_request_can_ask_for_the_bridge(client, small):
    rows = _rows(2020, n=20)
    for r in rows[5:12]:
        r["lat"] = r["lon"] = None
    r = client.post("/recover", json={"trajectories": rows, "mode": "bridge"})
    assert r.status_code == 200, r.text
    got = pl.DataFrame(r.json()["points"])
    frame = pl.DataFrame(rows).with_columns(pl.col("t").str.to_datetime(time_zone="UTC"))
    want = small.recover(frame, mode="bridge")
    np.testing.assert_allclose(got["lat"], want["lat"], atol=1e-9)
    assert got["recovered"].sum() == 7
    r = client.post("/recover", json={"trajectories": rows, "mode": "span"})  # was a 500
    assert r.status_code == 422 and r.json()["field"] == "mode", r.text
    assert "bridge" in r.json()["error"]


def test_cli_serve_takes_a_shipped_checkpoint_by_name(monkeypatch):
    """`trajlm serve --model trajlm-small` names it as from_pretrained does (was: no such file);
    a name whose weights are not built is one line naming the option."""
    import uvicorn
    from reliability_helpers import invoke

    from trajlm.model import weights

    served, kwargs = [], []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app) or kwargs.append(kw))
    if SMALL.is_file():
        r = invoke("serve", "--model", "trajlm-small", "--threads", "1")
        assert r.exit_code == 0 and served, r.output
        assert "trajlm-small" in r.output
        assert kwargs[-1]["access_log"] and kwargs[-1]["log_level"] == "info"  # item 12
        invoke("serve", "--model", "trajlm-small", "--threads", "1", "--no-access-log")
        assert not kwargs[-1]["access_log"] and kwargs[-1]["log_level"] == "warning"
        served[1:] = []
    monkeypatch.setattr(weights, "SHIPPED_DIR", Path("/nonexistent-shipped"))
    r = invoke("serve", "--model", "trajlm-small")
    assert r.exit_code == 2 and "--model trajlm-small" in r.output and not served[1:]


def _patched():
    import torch
    from test_generate import STATS

    import trajlm
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    stats = STATS | {"lat0": 41.15, "lon0": -8.61, "dxy_scale": 50.0, "xy_scale": 1000.0}
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, patch_size=4, stats=stats)
    return trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)


def _track(n: int, tid: str = "a") -> pl.DataFrame:
    i = np.arange(n)
    return pl.DataFrame({"traj_id": tid, "t": 1_700_000_000 + 15 * i,
                         "lat": 41.15 + 1e-4 * i, "lon": -8.61 + 1e-4 * np.sin(i)})  # fmt: skip


def test_patched_model_embeds_and_recovers_any_length_and_names_the_predict_minimum():
    """newuser5 item 1: patch_size 4 -> embed failed for lengths not a multiple of 4 (tensor
    sizes), recover at every length, predict on 1-3 points with a bare ValueError (500 / a
    traceback)."""
    from trajlm.errors import TrajlmInputError

    m = _patched()
    both = pl.concat([_track(5, "a"), _track(13, "b")])
    for n in (2, 3, 5, 7, 13):
        z = m.embed(_track(n))
        assert z.shape == (1, 17) and np.isfinite(z.select(pl.exclude("traj_id")).to_numpy()).all()
    z = m.embed(both).select(pl.exclude("traj_id")).to_numpy()
    alone = m.embed(_track(13, "b")).select(pl.exclude("traj_id")).to_numpy()
    np.testing.assert_allclose(z[1], alone[0], atol=1e-5)  # padding of the batch does not leak
    for n in (3, 5, 9, 13):
        holed = _track(n).with_columns(
            lat=pl.when(pl.int_range(pl.len()) == n // 2).then(None).otherwise(pl.col("lat")))  # fmt: skip
        out = m.recover(holed)
        assert out["recovered"].sum() == 1 and out["lat"].is_not_null().all()
    assert len(m.predict(_track(5), steps=3)) == 3
    with pytest.raises(
        TrajlmInputError, match="patch_size 4.*at least 4 history points.*'a' has 3"
    ):
        m.predict(pl.concat([_track(3, "a"), _track(6, "b")]), steps=2)


@needs_small
def test_null_positions_of_at_times_come_with_the_reason(client):
    """newuser5 item 7: at_times before the history or beyond the rollout were null with no
    word; the answer now carries the API's warning (which of the two, and what to do)."""
    rows = _rows(2024)
    for at, why in (("2024-09-14T11:00:00Z", "before a trajectory's last point"),
                    ("2030-03-18T08:00:00Z", "beyond the rollout")):  # fmt: skip
        r = client.post("/predict", json={"trajectories": rows, "at_times": [at]})
        assert r.status_code == 200 and r.json()["points"][0]["lat"] is None, r.text
        assert any(why in w for w in r.json().get("warnings", [])), r.json()
    r = client.post("/predict", json={"trajectories": rows, "seconds_ahead": [30]})
    assert r.json()["points"][0]["lat"] is not None and "warnings" not in r.json()


@needs_small
def test_fixes_under_a_second_apart_are_dropped_with_a_warning_as_documented(client, small):
    """newuser5 item 6: t and t + 0.4 s gave 422 "time 1 repeats the time of point 0";
    docs/serve.md (and the Python API) drop the later fix with a warning, status 200."""
    rows = _rows(2024, iso=False)
    extra = dict(rows[0], t=rows[0]["t"] + 0.4, lat=rows[0]["lat"] + 1e-5)
    sub = [rows[0], extra, *rows[1:]]
    frame = pl.DataFrame(rows)
    for path, body in (("/predict", {"steps": 2}), ("/recover", {}), ("/embed", {})):
        r = client.post(path, json={"trajectories": sub, **body})
        assert r.status_code == 200, r.text
        assert any("less than a second" in w for w in r.json()["warnings"]), r.json()
    r = client.post("/predict", json={"trajectories": sub, "steps": 2}).json()
    want = small.predict(frame, steps=2)
    np.testing.assert_allclose([p["lat"] for p in r["points"]], want["lat"], atol=1e-9)
    # times as the API gives them for the same rows (the dropped fix's fraction makes the input
    # sub-second: exact times, not floored to the second since session 20, badin20)
    same = small.predict(pl.DataFrame(sub), steps=2)["t"].to_list()
    assert [p["t"] for p in r["points"]] == pytest.approx(same, abs=1e-6)
    assert [round(p["t"]) for p in r["points"]] == want["t"].to_list()
    iso = _rows(2024)  # the same in ISO text with fractions of a second
    sub_iso = [iso[0], dict(iso[1], t=iso[0]["t"].replace("Z", ".400Z")), *iso[2:]]
    r = client.post("/predict", json={"trajectories": sub_iso, "steps": 2})
    assert r.status_code == 200 and "less than a second" in " ".join(r.json()["warnings"])
    r = client.post("/predict", json={"trajectories": [rows[0], rows[0], *rows[1:]], "steps": 2})
    assert r.status_code == 200 and "repeat an earlier row" in r.json()["warnings"][0]  # session 15
    r = client.post("/validity", json={"trajectories": sub})
    assert r.status_code == 200  # every row back at its time as sent (whole seconds stay int)
    assert [p["t"] for p in r.json()["points"]] == [row["t"] for row in sub]
    assert all(isinstance(p["t"], int) for p in r.json()["points"] if p["t"] % 1 == 0)


@needs_small
def test_trajlm_save_pretrained_round_trips_fp32_and_int8(tmp_path, small):
    """newuser5 item 9: TrajLM had no save_pretrained and an int8 model could not be saved."""
    import trajlm

    df = _track(20)
    small.save_pretrained(tmp_path / "fp32")
    back = trajlm.TrajLM.from_pretrained(tmp_path / "fp32", threads=1)
    assert back.predict(df, steps=3).equals(small.predict(df, steps=3))
    with pytest.raises(FileExistsError, match="overwrite"):
        small.save_pretrained(tmp_path / "fp32")
    q = trajlm.TrajLM.from_pretrained("trajlm-small", quantize="int8", threads=1)
    q.save_pretrained(tmp_path / "q")
    q2 = trajlm.TrajLM.from_pretrained(tmp_path / "q", quantize="int8", threads=1)
    assert q2.predict(df, steps=3).equals(q.predict(df, steps=3))


@needs_small
def test_a_single_point_history_is_predicted_with_a_warning_and_the_hints_agree(client, small):
    """newuser5 item 10: the empty-table error said "give at least 2 points per trajectory"
    while a 1-point trajectory got a silent 200 (the same position repeated)."""
    one = _rows(2024)[:1]
    r = client.post("/predict", json={"trajectories": one, "steps": 2})
    assert r.status_code == 200 and "single point" in " ".join(r.json()["warnings"]), r.text
    with pytest.warns(UserWarning, match="1 of 2 trajectories have a single point"):
        small.predict(pl.concat([_track(1, "a"), _track(5, "b")]), steps=2)
    r = client.post("/predict", json={"trajectories": [], "steps": 2})
    assert r.status_code == 422 and "at least 2" not in r.json()["error"]
    r = client.post("/predict", json={"trajectories": _rows(2024), "steps": 2})
    assert "warnings" not in r.json()  # 2+ points: no such line


@needs_small
def test_table_rows_take_the_apis_column_names(client):
    """newuser5 item 11: rows {time, latitude, longitude} got 422 "t: missing" although the
    Python API maps those names; the canonical names still win, a missing one is named."""
    rows = _rows(2024)
    want = client.post("/predict", json={"trajectories": rows, "steps": 2}).json()["points"]
    named = [{"trip_id": r["traj_id"], "time": r["t"], "latitude": r["lat"], "lng": r["lon"]}
             for r in rows]  # fmt: skip
    r = client.post("/predict", json={"trajectories": named, "steps": 2})
    assert r.status_code == 200 and r.json()["points"] == want, r.text
    r = client.post("/predict", json={"trajectories": [{k: v for k, v in x.items() if k != "lng"}
                                                       for x in named], "steps": 2})  # fmt: skip
    assert r.status_code == 422 and r.json()["field"] == "trajectories[0].lon"
    assert "longitude" in r.json()["error"]


def test_travel_time_reads_dated_departures_from_1900_numbers_from_1990():
    """newuser5 item 4 (travel time): depart "1980-03-18T08:30:00Z" was refused with the
    "before 1990 ... give ISO text" message, in the API and from /travel-time."""
    import torch
    from test_generate import STATS

    import trajlm
    from trajlm.errors import TrajlmInputError
    from trajlm.model import ModelConfig, TrajectoryModel
    from trajlm.serve import create_app

    torch.manual_seed(0)
    stats = STATS | {"lat0": 41.15, "lon0": -8.61, "dxy_scale": 50.0, "xy_scale": 1000.0}
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, infill_heads=True,
                      stats=stats)  # fmt: skip
    m = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    o, d = [[41.15, -8.61]], [[41.16, -8.60]]
    for when in ("1980-03-18T08:30:00Z", "2024-03-18T08:30:00Z"):
        assert np.isfinite(m.travel_time(o, d, when)).all()
    with pytest.raises(TrajlmInputError, match="before 1990"):
        m.travel_time(o, d, 321_000_000)  # a number in 1980: still refused, with what to do
    with pytest.raises(TrajlmInputError, match="before 1900"):
        m.travel_time(o, d, "1899-03-18T08:30:00Z")
    with TestClient(create_app(m)) as c:
        body = {"origins": o, "destinations": d, "depart": "1980-03-18T08:30:00Z"}
        r = c.post("/travel-time", json=body)
        assert r.status_code == 200 and r.json()["seconds"][0] is not None, r.text


@needs_small
def test_validity_unknown_mode_gives_http_advice(client):
    """newuser5 item 17: the answer suggested limits={name: ModeLimits(...)} (Python)."""
    r = client.post("/validity", json={"trajectories": _rows(2024), "mode": "hovercraft"})
    assert r.status_code == 422 and r.json()["field"] == "mode"
    msg = r.json()["error"]
    assert "hovercraft" in msg and "walk" in msg and "ModeLimits" not in msg
    r = client.post("/predict", content=b"hello", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "content-type" in r.json()["error"]  # was 422 "dictionary"
    r = client.post("/predict", json=[1, 2])
    assert r.status_code == 422 and "JSON array" in r.json()["error"]  # newuser24: wrap it
    assert '{"trajectories": [' in r.json()["error"]


def test_predict_with_a_draft_model_is_speculative_decoding_from_a_frame():
    """newuser5 item 14: speculative decoding needed a hand-built internal batch dict."""
    import torch
    from test_generate import STATS

    import trajlm
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    stats = STATS | {"lat0": 41.15, "lon0": -8.61, "dxy_scale": 50.0, "xy_scale": 1000.0}
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, head="gaussian", stats=stats)
    m = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    df = pl.concat([_track(12, "a"), _track(20, "b")])
    plain = m.predict(df, steps=4)
    got = m.predict(df, steps=4, draft=m)  # self-draft: every draft accepted
    np.testing.assert_allclose(got["lat"], plain["lat"], atol=1e-6)
    assert got["t"].to_list() == plain["t"].to_list()
    with pytest.raises(ValueError, match="draft= speeds up steps="):
        m.predict(df, seconds_ahead=[30], draft=m)


@needs_small
def test_row_keys_the_server_does_not_read_are_named_in_the_warnings(client):
    """newuser5 item 12 (other half): rows with "speed", "note" were a silent 200."""
    rows = [dict(r, speed=3, note="x") for r in _rows(2024)]
    r = client.post("/predict", json={"trajectories": rows, "steps": 2})
    assert r.status_code == 200
    assert any("ignored: note, speed" in w for w in r.json()["warnings"]), r.json()
    named = [{"trip_id": r["traj_id"], "time": r["t"], "latitude": r["lat"], "lng": r["lon"]}
             for r in _rows(2024)]  # fmt: skip
    for body in (_rows(2024), named):  # aliases are read; an answer's own keys too
        out = client.post("/predict", json={"trajectories": body, "steps": 2}).json()
        assert "warnings" not in out
        back = client.post("/predict", json={"trajectories": out["points"], "steps": 1}).json()
        assert "warnings" not in back or not any("ignored" in w for w in back["warnings"])
