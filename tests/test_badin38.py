"""badin38: hostile inputs on session 37's surfaces (docs/reliability.md "Session 38 (badin38)").

Each test covers one class of fix; each fails at d90d52f5: an option given twice with two values
(the last kept, silently), `parked` on a --crs local store (refused naming an inner keyword),
ask's player table on a frame (a 500 over HTTP) and the sports words the plan dropped (another
half, a speed, a week, an unknown player: the whole match answered), `TrajLM.travel_time(crs=)`
(HTTP's "crs": "local" had no Python twin), cut-short files read in part without a word (SQL
dumps, Metrica rows, TRACAB frames) and Metrica values that are no fractions of the pitch
(stored kilometres away), near misses told as "cannot tell the format" / "no header line" /
"top level is not a JSON object" / "pickled data", `trajlm.read(pitch=)`, a deck.gl
`--time-origin` that was no time (dropped), `evaluate(steps=np.int64(...))`."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli, tiny_infill_trajlm

import trajlm
from trajlm.errors import TrajlmInputError
from trajlm.llm.plan import CannotAnswer

ORIGIN = "2026-11-03T15:00:00Z"


def _walkers(n_movers: int = 3, n: int = 80) -> pl.DataFrame:
    """Movers at ~3 m/s on a 105 x 68 m pitch, one fix a second (x / y metres)."""
    rows = []
    for k in range(n_movers):
        for i in range(n):
            a = i / 10 + k
            rows.append((f"P{k}", 1_793_692_800 + i, 50 + 30 * math.cos(a), 34 + 30 * math.sin(a)))
    return pl.DataFrame(rows, schema=["id", "t", "x", "y"], orient="row")


def _metrica(path: Path, rows: int = 60, scale: float = 1.0, cut: bool = False) -> Path:
    """A Metrica team file: two players and the ball, 0-1 coordinates (times ``scale``)."""
    lines = [",,,Home,,Home,,,", ",,,1,,2,,,", "Period,Frame,Time [s],Player1,,Player2,,Ball,"]
    for i in range(rows):
        xy = [0.3 + i % 100 * 0.004, 0.4, 0.6 - i % 100 * 0.003, 0.5, 0.5, 0.5]
        lines.append(f"1,{i + 1},{i * 0.04:.2f}," + ",".join(f"{v * scale:.4f}" for v in xy))
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 12] if cut else text)
    return path


def test_an_option_given_twice_with_two_values_is_refused(tmp_path):
    r = invoke_cli(["eval", "--task", "predict", "--data", tmp_path, "--steps", "5",
                    "--pred-len", "12"])  # fmt: skip
    assert r.exit_code == 2 and "--steps / --pred-len given 2 times" in r.output, r.output
    r = invoke_cli(["data", "ingest", tmp_path / "x.csv", "--out", tmp_path / "s",
                    "--full-rate", "--no-full-rate"])  # fmt: skip
    assert r.exit_code == 2 and "--full-rate / --no-full-rate given 2 times" in r.output
    r = invoke_cli(["eval", "--task", "predict", "--data", tmp_path / "none", "--steps=5",
                    "--steps", "5"])  # fmt: skip
    assert "given 2 times" not in r.output and "no such file" in r.output  # same value: harmless


def test_parked_on_a_local_store(tmp_path):
    _walkers().write_csv(tmp_path / "pitch.csv")
    r = invoke_cli(["data", "ingest", tmp_path / "pitch.csv", "--out", tmp_path / "s", "--crs",
                    "local"])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]
    for given in ([], ["--crs", "local"]):  # the store's own CRS again: read as without it
        r = invoke_cli(["parked", "--input", tmp_path / "s", "--out", tmp_path / "p.csv",
                        "--overwrite", *given])  # fmt: skip
        assert r.exit_code == 0, r.output
        got = pl.read_csv(tmp_path / "p.csv")
        assert {"x", "y"} <= set(got.columns) and got.height >= 1


def test_ask_player_table_on_a_frame_of_trips():
    df = _walkers(1).with_columns(pl.from_epoch("t").dt.replace_time_zone("UTC"))
    a = trajlm.ask("what was the top speed of each player", df, crs="local")  # was a 500
    assert 2.0 < a.value["P0"] < 4.0, a.text


@pytest.fixture(scope="module")
def match_store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("match")
    r = invoke_cli(["data", "ingest", _metrica(d / "m" / "Home.csv", rows=400), "--out", d / "s",
                    "--time-origin", ORIGIN])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]
    return d / "s"


@pytest.mark.parametrize(
    "question,said",
    [
        ("distance per player in the third half", "'third half'"),
        ("how many sprints in the 0th half", "'0th half'"),
        ("how many sprints over -5 m/s", "a sprint here is fixed"),
        ("what was the top speed in the week of 9 March", "a date or week is not"),
        ("top speed of player home_99", "no player 'home_99'"),
    ],
)
def test_sports_words_the_plan_cannot_read_are_refused(match_store, question, said):
    with pytest.raises(CannotAnswer, match=said):
        trajlm.ask(question, str(match_store))
    assert trajlm.ask("top speed of each player", str(match_store)).value  # still answered


def test_travel_time_takes_crs_in_python():
    lm = tiny_infill_trajlm()
    got = lm.travel_time([[10.0, 5.0]], [[90.0, 60.0]], "2026-11-03T08:00:00Z", crs="local")
    assert got.shape == (1,) and np.isfinite(got).all()
    for bad, field in (([[10, 5, 1]], "origins"), ([[float("nan"), 1]], "origins[0]")):
        with pytest.raises(TrajlmInputError) as e:
            lm.travel_time(bad, [[90, 60]], "2026-11-03T08:00:00Z", crs="local")
        assert e.value.field == field
    with pytest.raises(TrajlmInputError, match="pyproj does not know"):
        lm.travel_time([[10, 5]], [[90, 60]], "2026-11-03T08:00:00Z", crs="bogus")


def test_cut_short_files_are_refused_naming_the_line(tmp_path):
    head = ("CREATE TABLE public.pos (id bigint, vehicle_id text, recorded_at timestamp with "
            "time zone, lat double precision, lon double precision);\n")  # fmt: skip
    rows = [f"({i}, 'v1', '2026-11-03 08:{i // 60:02d}:{i % 60:02d}+00', {52.08 + i * 1e-4}, "
            "4.33)" for i in range(100)]  # fmt: skip
    inserts = "".join(f"INSERT INTO public.pos VALUES {r};\n" for r in rows)
    (tmp_path / "cut.sql").write_text(head + inserts[: len(inserts) // 2])
    (tmp_path / "copy.sql").write_text(head + "COPY public.pos (id, vehicle_id, recorded_at, "
                                       "lat, lon) FROM stdin;\n1\tv1\t2026-11-03 08:00:00+00\t52.1\t4.3\n")  # fmt: skip
    for name, said in (("cut.sql", "no `;`"), ("copy.sql", "no end line")):
        with pytest.raises(TrajlmInputError, match=f"cut short: .*{said}") as e:
            trajlm.read(tmp_path / name)
        assert e.value.line is not None
    with pytest.raises(TrajlmInputError, match="ends mid-row") as e:
        trajlm.read(_metrica(tmp_path / "cut" / "Home.csv", cut=True), time_origin=ORIGIN)
    assert e.value.line == 63
    frame = "10000:1,1,1,-4570,-92,0.00;0,12,25,4715,188,0.00;:1127,-799,0,0.00,H,Alive;:\n"
    (tmp_path / "t.dat").write_text(frame * 3 + frame[:30])
    with pytest.raises(TrajlmInputError, match="ends mid-frame") as e:
        trajlm.read(tmp_path / "t.dat", time_origin=ORIGIN)
    assert e.value.line == 4


def test_metrica_values_that_are_no_fractions_are_refused(tmp_path):
    with pytest.raises(TrajlmInputError, match="fractions of the pitch"):
        trajlm.read(_metrica(tmp_path / "m" / "Home.csv", scale=100.0), time_origin=ORIGIN)
    df = trajlm.read(_metrica(tmp_path / "ok" / "Home.csv"), time_origin=ORIGIN)
    assert df["x"].max() < 105 and df["y"].max() < 68


def test_near_misses_say_what_is_wrong(tmp_path):
    cases = {
        "plain.gz": (b'{"lat": 1}', "not gzip-compressed"),
        "empty.gz": (gzip.compress(b""), "holds nothing"),
        "ball.dat": (b"10000::1127,-799,0,0.00,H,Alive;:\n" * 3, "looks like a TRACAB frame"),
        "nozip.npz": (b"not a zip at all", "not a NumPy file"),
        "eth.txt": (b"500\t7\t10.1\t0.2\n510\t7\tnan\t0.7\n520\t7\t10.4\t1.2\n", "'nan' is not"),
        "tn.ndjson": (b'{"scene": {"id": 0, "p": 1, "s": 0, "e": 10, "fps": "abc"}}\n'
                      b'{"track": {"f": 0, "p": 1, "x": 1.0, "y": 2.0}}\n', "fps 'abc' is not"),
        "fast.ndjson": (b'{"scene": {"id": 0, "p": 1, "s": 0, "e": 10, "fps": 1e9}}\n'
                        b'{"track": {"f": 0, "p": 1, "x": 1.0, "y": 2.0}}\n', "at most 1,000"),
        "one.json": (b'{"lat": 52.1, "lng": 4.3, "eventTime": "2026-11-03T08:00:00Z"}',
                     "one position record"),
        "robots.txt": ("".join(f'{i // 3} {i} 5 {i + 9} 15 {i} 0 0 0 "Robot"\n'
                               for i in range(8)).encode(), "Stanford Drone"),
        "deck.json": (json.dumps([{"path": [[-74.0, 40.7], [-74.1, 40.8]],
                                   "timestamps": [1.0]}]).encode(), "2 positions and"),
    }  # fmt: skip
    for name, (data, said) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(TrajlmInputError, match=said):
            trajlm.read(tmp_path / name, **({"time_origin": ORIGIN} if "deck" in name else {}))


def test_time_origin_on_a_file_of_dates_says_so(tmp_path):
    _walkers().with_columns(pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%S"), lat=pl.col(
        "y") / 1e5 + 41, lon=pl.col("x") / 1e5 - 8).drop("x", "y").write_csv(tmp_path / "d.csv")  # fmt: skip
    r = invoke_cli(["data", "ingest", tmp_path / "d.csv", "--out", tmp_path / "s",
                    "--time-origin", ORIGIN])  # fmt: skip
    assert r.exit_code == 2 and "not ISO-8601" not in r.output, r.output
    assert "not a number of seconds elapsed, which --time-origin" in r.output


def test_read_takes_pitch_and_deck_time_origin_is_checked(tmp_path):
    src = _metrica(tmp_path / "m" / "Home.csv")
    df = trajlm.read(src, time_origin=ORIGIN, pitch="100x50")
    assert 45 < df["x"].max() < 100 and df["y"].max() < 50
    with pytest.raises(TrajlmInputError, match="pitch="):
        trajlm.read(src, time_origin=ORIGIN, pitch="0x0")
    (tmp_path / "trips.json").write_text(json.dumps(
        [{"path": [[-74.0, 40.7], [-74.001, 40.701], [-74.002, 40.702]],
          "timestamps": [0, 10, 20]}]))  # fmt: skip
    r = invoke_cli(["data", "ingest", tmp_path / "trips.json", "--out", tmp_path / "s",
                    "--time-origin", "last tuesday"])  # fmt: skip
    assert r.exit_code == 2 and "time origin 'last tuesday' is not a time" in r.output, r.output


def test_evaluate_takes_numpy_integers():
    lm = tiny_infill_trajlm()
    with pytest.raises(TrajlmInputError) as e:  # the store is missing: past the steps check
        lm.evaluate("/nonexistent/store", steps=np.int64(4), history=np.int32(3))
    assert "steps" not in str(e.value) and "history" not in str(e.value)
    with pytest.raises(TrajlmInputError, match="steps must be an integer >= 1"):
        lm.evaluate("/nonexistent/store", steps=np.int64(0))


def test_http_errors_on_a_plane_name_x_and_y():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    rows = [{"traj_id": "P0", "t": 1_793_692_800 + i, "x": 10 + i * 1.0, "y": 5 + i * 0.5}
            for i in range(30)]  # fmt: skip
    with TestClient(create_app(tiny_infill_trajlm())) as c:
        gap = [{**p, "x": None} if i == 5 else p for i, p in enumerate(rows)]
        r = c.post("/predict", json={"trajectories": gap, "steps": 2, "crs": "local"})
        said = r.json()
        assert r.status_code == 422 and said["field"] == "x / y", said
        assert "[-90, 90]" not in said["error"] and "x / y metres" in said["error"]
        text = [{**p, "x": str(p["x"])} for p in rows]  # decimal text: read (serve39)
        r = c.post("/predict", json={"trajectories": text, "steps": 2, "crs": "local"})
        same = c.post("/predict", json={"trajectories": rows, "steps": 2, "crs": "local"})
        assert r.status_code == 200 and r.json() == same.json(), r.json()
        comma = [{**p, "x": "10,5"} for p in rows]  # not a number: still the field named
        r = c.post("/predict", json={"trajectories": comma, "steps": 2, "crs": "local"})
        assert r.status_code == 422 and r.json()["field"] == "trajectories[0].x", r.json()
        r = c.post("/ask", json={"question": "what was the top speed of each player",
                                 "rows": rows, "crs": "local"})  # fmt: skip
        assert r.status_code == 200, r.json()  # was a 500 (DuplicateError)


def test_empty_lake_file_and_tiny_pitch_are_said(tmp_path):
    (tmp_path / "e.avro").write_bytes(b"")
    with pytest.raises(TrajlmInputError, match="empty"):
        trajlm.read(tmp_path / "e.avro")
    with pytest.raises(TrajlmInputError, match="pitch="):
        trajlm.read(_metrica(tmp_path / "m" / "Home.csv"), time_origin=ORIGIN, pitch="0.001x0.001")


def test_sprints_on_data_that_is_no_tracking_say_why():
    df = _walkers(2).with_columns(pl.from_epoch("t").dt.replace_time_zone("UTC"),
                                  lat=41 + pl.col("y") / 1e4, lon=-8 + pl.col("x") / 1e4)  # fmt: skip
    with pytest.raises(CannotAnswer, match="sprints are counted on player tracking"):
        trajlm.ask("how many sprints did each vehicle make", df.drop("x", "y"))


def test_a_feed_of_one_frame_is_said(tmp_path):
    with pytest.raises(TrajlmInputError, match="Metrica file of one frame"):
        trajlm.read(_metrica(tmp_path / "m" / "Home.csv", rows=1), time_origin=ORIGIN)
    (tmp_path / "t.dat").write_text(
        "10000:1,1,1,-4570,-92,0.00;0,12,25,4715,188,0.00;:1,2,0,0.00,H,Alive;:\n"
    )
    with pytest.raises(TrajlmInputError, match="TRACAB file of one frame"):
        trajlm.read(tmp_path / "t.dat", time_origin=ORIGIN)
