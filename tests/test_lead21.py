"""The lead's wiring of session 21: tails21's radii from the CLI and the server."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from trajlm.cli import app  # noqa: E402


def _rows(n: int = 20) -> list[dict]:
    k = np.arange(n)
    return [{"traj_id": "a", "t": int(1_372_636_800 + 15 * i), "lat": 41.15 + 0.0003 * i,
             "lon": -8.61 + 0.0004 * i} for i in k]  # fmt: skip


@pytest.fixture(scope="module")
def client(trajlm_small):
    from trajlm.serve import create_app

    with TestClient(create_app(trajlm_small)) as c:
        yield c


def _api_radii(model, **kw) -> pl.DataFrame:
    """What TrajLM.predict gives: the HTTP and CLI radii are the same (per regime: radii22)."""
    return model.predict(pl.DataFrame(_rows()), radii=[50, 90, 95], **kw)


def test_http_predict_gives_the_asked_radii(client, trajlm_small):
    r = client.post("/predict", json={"trajectories": _rows(), "steps": 2, "radii": [50, 90]})
    assert r.status_code == 200, r.text
    api = _api_radii(trajlm_small, steps=2)
    got = r.json()["points"]
    assert [p["r50_m"] for p in got] == pytest.approx(api["r50_m"].to_list(), rel=1e-6)
    assert [p["r90_m"] for p in got] == pytest.approx(api["r90_m"].to_list(), rel=1e-6)
    ahead = client.post("/predict", json={"trajectories": _rows(), "seconds_ahead": [5, 90, 400],
                                          "radii": [95]})  # fmt: skip
    api = _api_radii(trajlm_small, seconds_ahead=[5, 90, 400])
    got = [p["r95_m"] for p in ahead.json()["points"]]
    assert got == pytest.approx(api["r95_m"].to_list(), rel=1e-6)
    assert len({round(g / a, 4) for g, a in zip(got, api["std_m"], strict=True)}) > 1  # per regime
    plain = client.post("/predict", json={"trajectories": _rows(), "steps": 2}).json()
    assert "r50_m" not in plain["points"][0]


def test_http_predict_refuses_an_unmeasured_level(client):
    r = client.post("/predict", json={"trajectories": _rows(), "steps": 2, "radii": [70]})
    assert r.status_code in (400, 422) and "70" in r.text and "50" in r.text


def test_cli_predict_writes_radii_and_refuses_others(tmp_path, trajlm_small):
    src = tmp_path / "in.csv"
    pl.DataFrame(_rows()).write_csv(src)
    out = tmp_path / "p.csv"
    args = ["predict", "--model", "trajlm-small", "--input", str(src), "--steps", "2"]
    res = CliRunner().invoke(app, [*args, "--out", str(out), "--radii", "50,95"])
    assert res.exit_code == 0, res.output
    got = pl.read_csv(out)
    assert np.allclose(got["r95_m"], _api_radii(trajlm_small, steps=2)["r95_m"], rtol=1e-5)
    bad = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "q.csv"), "--radii", "70"])
    assert bad.exit_code == 2 and "--radii 70" in bad.output
    empty = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "q.csv"), "--radii", ""])
    assert empty.exit_code == 2 and "name the levels" in empty.output
    assert not (tmp_path / "q.csv").exists()


def test_absolute_times_are_asked_of_each_vehicles_last_piece(trajlm_small):
    """frames21 cut vehicles into pieces; one list of at_times answered every piece, the
    earlier days' as NaN beside a warning. Now only each vehicle's last piece is asked."""
    import warnings

    import pandas as pd

    rows = [{"vehicle_id": v, "lat": 41.15 + 0.0003 * i, "lon": -8.61 + 0.0004 * i,
             "time": pd.Timestamp("2013-07-01 07:00", tz="UTC") + pd.Timedelta(days=d, seconds=15 * i)}
            for v in "AB" for d in (0, 1) for i in range(20)]  # fmt: skip
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        out = trajlm_small.predict(
            pd.DataFrame(rows), at_times=[pd.Timestamp("2013-07-02 07:06", tz="UTC")]
        )
    assert out["vehicle_id"].tolist() == ["A", "B"] and out["piece"].tolist() == [1, 1]
    assert out["lat"].notna().all()
    assert not any("beyond the rollout" in str(w.message) for w in said)


def test_a_strava_folder_of_plain_gpx_keeps_its_activity_types(tmp_path):
    """ask21: GPX files beside Strava's activities.csv were read as plain gpx by default and
    lost their types, so "how many runs" counted every activity."""
    from trajlm.data.readers import detect_format, read

    (tmp_path / "activities").mkdir()
    index = ["Activity ID,Activity Date,Activity Name,Activity Type,Filename"]
    for i, kind in enumerate(["Run", "Ride", "Run"]):
        pts = "".join(
            f'<trkpt lat="{55.676 + 0.0002 * j:.6f}" lon="12.568"><time>2026-04-0{i + 1}T06:'
            f"{j:02d}:00Z</time></trkpt>"
            for j in range(12)
        )
        (tmp_path / "activities" / f"{100 + i}.gpx").write_text(
            '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><trkseg>{pts}</trkseg></trk></gpx>"
        )
        index.append(
            f'{100 + i},"Apr 0{i + 1}, 2026, 06:00:00 AM",x,{kind},activities/{100 + i}.gpx'
        )
    (tmp_path / "activities.csv").write_text("\n".join(index) + "\n")
    assert detect_format(tmp_path) == "tracks"
    df, _ = read(tmp_path)
    kinds = df.group_by("traj_id").agg(pl.col("label").first())["label"].sort().to_list()
    assert kinds == ["Ride", "Run", "Run"]


def test_ask_reads_hours_in_the_zone_given_with_tz(tmp_path):
    """ask21: `trajlm ask` had no --tz (the Python API had tz=): UTC-stamped stores were asked
    in UTC hours."""
    from trajlm.data.store import write_store

    t0 = 1_775_000_000 - 1_775_000_000 % 86400 + 5 * 3600  # 05:00 UTC = 07:00 in Zurich (CEST)
    rows = [{"traj_id": f"t{i}", "t": t0 + 3600 * i + 10 * j, "lat": 47.37 + 0.01 * i + 0.0001 * j,
             "lon": 8.54, "split": "train"} for i in range(4) for j in range(5)]  # fmt: skip
    write_store(pl.DataFrame(rows), tmp_path / "s")
    args = ["ask", "how many trips started before 8 am?", "--data", str(tmp_path / "s")]
    utc = CliRunner().invoke(app, args)
    zurich = CliRunner().invoke(app, [*args, "--tz", "Europe/Zurich"])
    assert utc.exit_code == 0 and zurich.exit_code == 0, utc.output + zurich.output

    def answer(r) -> str:
        return [ln for ln in r.output.splitlines() if ln.strip().isdigit()][-1].strip()

    assert answer(utc) == "3"  # 05, 06, 07 UTC
    assert answer(zurich) == "1"  # 07 local only
    bad = CliRunner().invoke(app, [*args, "--tz", "Mars/Olympus"])
    assert bad.exit_code == 2 and "unknown time zone" in bad.output


def test_a_ci_within_round_off_of_the_baseline_is_level():
    """tasks21: a fallback answering with the baseline itself read 'worse' by 1e-11."""
    from trajlm.eval.verdict import ci_word

    assert ci_word(1 + 1e-12, 1 + 3e-12, True, 1.0) == "level"
    assert ci_word(2e-12, 5e-12, True, 0.0) == "level"
    assert ci_word(1.01, 1.05, True, 1.0) == "worse" and ci_word(0.9, 0.99, True, 1.0) == "better"


def test_a_cut_vehicle_keeps_its_sub_second_times(trajlm_small):
    """httppieces21: a frame cut into pieces answered whole seconds (its `.5` lost)."""
    import warnings

    import pandas as pd

    rows = [{"vehicle_id": "A", "lat": 41.15 + 0.0003 * i, "lon": -8.61 + 0.0004 * i,
             "time": pd.Timestamp("2013-07-01 07:00:00.5", tz="UTC") + pd.Timedelta(days=d, seconds=15 * i)}
            for d in (0, 1) for i in range(20)]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm_small.predict(pd.DataFrame(rows), steps=1)
    assert out["piece"].tolist() == [0, 1]
    assert all(t.microsecond == 500_000 for t in out["time"]), out["time"].tolist()
