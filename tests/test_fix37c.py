"""Session 37 (fix37c): leftovers of heldout37b, badfix37, newuser37 and sports37.

Before (407c8522): a WiGLE log loaded into pandas was refused offering the networks' `SSID` /
`MAC` as the mover id. docs/reliability.md "Session 37 (fix37c)"."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import trajlm
from trajlm.errors import TrajlmInputError

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _wigle_frame(out: Path) -> pd.DataFrame:
    """heldout37b's seeded WiGLE log, read with pandas (its settings line skipped)."""
    spec = importlib.util.spec_from_file_location("gen37b", SCRIPTS / "heldout37b/gen_files.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    mod.wigle(np.random.default_rng(5), out)
    return pd.read_csv(out / mod.FILES["wigle"], skiprows=1)


# -- 1. an id is never the thing observed --------------------------------------------------


def test_wigle_frame_never_offers_a_network_column_as_the_mover(tmp_path: Path) -> None:
    df = _wigle_frame(tmp_path)
    with pytest.raises(TrajlmInputError) as e:
        trajlm.clean(df, return_report=False)
    said = f"{e.value} {e.value.hint}"
    assert "FirstSeen" in said  # the time is what is missing (was: traj_col='SSID' (or 'MAC'))
    assert "SSID" not in said.split("among the columns")[0] and "traj_col" not in said
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm.clean(df, time_col="FirstSeen", return_report=False)
    fixes = df.drop_duplicates(["CurrentLatitude", "CurrentLongitude", "FirstSeen"])
    assert len(out) == len(fixes)  # one phone, a row per fix (as the file route reads it)


def test_movers_side_by_side_in_a_frame_are_still_told_their_id() -> None:
    rows = [{"hull": f"b{b}", "time": pd.Timestamp("2026-11-03T08:00Z") + pd.Timedelta(minutes=k),
             "lat": 60 + k * 0.001 + b, "lon": 10.0 + b} for k in range(40) for b in (1, 2)]  # fmt: skip
    with pytest.raises(TrajlmInputError, match="traj_col='hull'"):
        trajlm.clean(pd.DataFrame(rows), return_report=False)


# -- 2. a track database's key to its tracks table ------------------------------------------


def _track_db(path: Path, fk: str = "parent_id", tracks_have_positions: bool = False) -> Path:
    """Two recordings of one phone 10 min apart: `points.<fk>` -> `tracks._id`."""
    import sqlite3

    extra = ", lat REAL, lon REAL" if tracks_have_positions else ""
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE tracks (_id INTEGER PRIMARY KEY, name TEXT{extra})")
        db.execute(f"CREATE TABLE points (_id INTEGER PRIMARY KEY, {fk} INTEGER, lat REAL, "
                   "lon REAL, time INTEGER)")  # fmt: skip
        t0 = 1_793_689_200_000
        for k in (1, 2):
            db.execute("INSERT INTO tracks (_id, name) VALUES (?, ?)", (k, f"walk {k}"))
            start = t0 + (k - 1) * (30 * 60_000 + 10 * 60_000)  # 30 min walk, 10 min pause
            for i in range(180):
                db.execute(f"INSERT INTO points ({fk}, lat, lon, time) VALUES (?, ?, ?, ?)",
                           (k, 46.6 + i * 1e-4, 10.2 + k * 0.01, start + i * 10_000))  # fmt: skip
    return path


@pytest.mark.parametrize("fk", ["parent_id", "track_ref"])
def test_a_key_to_the_tracks_table_is_the_track(tmp_path: Path, fk: str) -> None:
    from trajlm.data.readers import read

    p = _track_db(tmp_path / "app.db", fk)
    if fk == "track_ref":  # no id word: only a declared foreign key says it
        p.unlink()
        import sqlite3

        with sqlite3.connect(p) as db:
            db.execute("CREATE TABLE tracks (_id INTEGER PRIMARY KEY, name TEXT)")
            db.execute("CREATE TABLE points (_id INTEGER PRIMARY KEY, track_ref INTEGER "
                       "REFERENCES tracks(_id), lat REAL, lon REAL, time INTEGER)")  # fmt: skip
            db.executemany("INSERT INTO tracks VALUES (?, ?)", [(1, "a"), (2, "b")])
            db.executemany("INSERT INTO points (track_ref, lat, lon, time) VALUES (?,?,?,?)",
                           [(k, 46.6 + i * 1e-4, 10.2, 1_793_689_200 + (k - 1) * 2400 + i * 10)
                            for k in (1, 2) for i in range(180)])  # fmt: skip
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, _ = read(p)
    assert out["traj_id"].n_unique() == 2  # was: one track (10 min apart: under the gap cut)
    assert any(f"read by {fk!r} as the track" in str(x.message) for x in w)


def test_a_key_to_a_table_of_positions_is_not_the_track(tmp_path: Path) -> None:
    from trajlm.data.readers import read

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, _ = read(_track_db(tmp_path / "app.db", tracks_have_positions=True))
    assert out["traj_id"].n_unique() == 1  # the larger table read, no key of a tracks table


# -- 3. trajlm.read's crs refusals in Python words ------------------------------------------


def test_read_with_a_grid_crs_on_pitch_metres_says_crs_local_in_python(tmp_path: Path) -> None:
    p = tmp_path / "pitch.csv"
    pd.DataFrame({"traj_id": 1, "t": pd.date_range("2026-11-03", periods=60, freq="s"),
                  "x": np.linspace(10, 40, 60), "y": np.linspace(20, 38, 60)}).to_csv(p, index=False)  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        trajlm.read(p, crs="EPSG:32631")
    said = f"{e.value} {e.value.hint}"
    assert "crs='local'" in said and "--crs" not in said  # was: "give --crs local"


# -- 4. the map page of a local index draws no map ------------------------------------------


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> dict:
    from test_local36 import hall_store

    return hall_store(tmp_path_factory.mktemp("hall_fix37c"))


def test_background_of_a_local_index_says_its_plane_and_the_page_draws_x_y(hall) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from helpers import tiny_infill_trajlm

    from trajlm.serve import create_app
    from trajlm.serve.index import SimilarIndex

    model = tiny_infill_trajlm()
    with TestClient(create_app(model, None, SimilarIndex(model, hall["store"]))) as c:
        bg = c.get("/background").json()
    assert bg["crs"] == "local" and "not a map" in bg["note"]  # was: no word of the plane
    xy = np.array([p for f in bg["features"] for p in f["geometry"]["coordinates"]])
    assert (xy > -20).all() and (xy < 120).all()  # metres in the hall
    js = (Path(trajlm.__file__).parent / "serve" / "static" / "app.js").read_text()
    assert 'bg.crs === "local"' in js and "L.CRS.Simple" in js and "not a map" in js


# -- 5. a fine-tune never crosses planes -----------------------------------------------------


def test_finetune_across_planes_is_refused_in_one_line(hall, tmp_path: Path) -> None:
    from helpers import invoke_cli, tiny_fit_run
    from reliability_helpers import TINY

    from trajlm.finetune.trainer import finetune_next_point

    deg = tiny_fit_run(tmp_path / "deg", 6, seed=0)  # a degrees store and a model on it
    (tmp_path / "tiny.toml").write_text(TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajlm.TrajLM.fit(hall["store"], tmp_path / "plane", config=tmp_path / "tiny.toml",
                          max_steps=2, seed=0, threads=1)  # fmt: skip
    for model, data in (
        (tmp_path / "plane", deg["dir"] / "s"),
        (deg["dir"] / "run", hall["store"]),
    ):
        out = tmp_path / f"ft_{model.name}"
        r = invoke_cli(["finetune", "--model", model, "--data", data, "--out", out, "--steps", 1])
        said = r.output.strip()
        assert r.exit_code == 2 and "cannot cross planes" in said, said  # was: fine-tuned
        assert "Traceback" not in said and not out.exists()
        with pytest.raises(TrajlmInputError, match="cannot cross planes"):
            finetune_next_point(model, data, tmp_path / "py_ft", max_steps=1)


# -- 6. one rule for every layout that knows it is a plane ------------------------------------


def _plane_files(tmp_path: Path) -> dict[str, Path]:
    """An ETH / UCY file and a TrajNet++ file of newuser37's walkers (x / y metres)."""
    import json

    from test_newuser37 import _eth, _walkers

    tpp = tmp_path / "plaza.ndjson"
    tpp.write_text("\n".join([json.dumps({"scene": {"id": 0, "p": 1, "s": 30, "e": 500,
                                                    "fps": 2.5}})]
                             + [json.dumps({"track": {"f": f, "p": p, "x": x, "y": y}})
                                for f, p, x, y in _walkers()]) + "\n")  # fmt: skip
    return {"eth": _eth(tmp_path / "biwi_plaza.txt"), "trajnetpp": tpp}


ORIGIN = "2026-12-07T12:00Z"


@pytest.mark.parametrize("kind", ["eth", "trajnetpp"])
def test_pedestrian_files_by_path_are_read_on_a_plane(tmp_path: Path, kind: str) -> None:
    from helpers import invoke_cli, tiny_infill_trajlm, tiny_model

    src = _plane_files(tmp_path)[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = trajlm.read(src, time_origin=ORIGIN)  # was: refused, naming crs="local"
        assert {"x", "y"} <= set(got.columns) and got["x"].is_between(-50, 100).all()
        out = tiny_infill_trajlm().predict(src, time_origin=ORIGIN, steps=1)
    assert {"x", "y"} <= set(out.columns) and "lat" not in out.columns
    csv = tmp_path / "p.csv"
    r = invoke_cli(["predict", "--model", tiny_model(tmp_path / "m"), "--input", src,
                    "--time-origin", ORIGIN, "--steps", "1", "--out", csv, "--limit", "2",
                    "--no-fallback", "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    assert {"x", "y"} <= set(pd.read_csv(csv).columns)
