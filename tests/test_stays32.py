"""Session 32 (stays32): a phone at its stay on every surface.

- `trajlm predict` held a stay with no way off and its warning named
  ``TrajLM.predict(hold_stays=False)``: now ``--hold-stays/--no-hold-stays`` on every path,
  the warning naming the option; ``--radii`` on the plain checkpoint path put the model's radii
  around a held point.
- HTTP /predict had no way off either, and its shared pass held without a word (the API's line
  raised inside the shared call never reached the answer) and put the model's radii around the
  held point: now ``"hold_stays": false``, the line in the request's words, the stay's radii.
- A held stay's radii were a 2-D Gaussian's (1.18 / 2.15 / 2.45 x its spread, holding 58 / 85
  / 89 % of the next fixes): now measured (scripts/stays32/stay_radii.py).
- Candidate selectors did not hold stays: SelectorTrajLM.predict answers through api_stays.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import STATS, load_script

import trajlm
from trajlm.api_stays import STAY_RADIUS_FACTORS, STD_SCALE, hold_stays

HOME = (52.37, 4.89)
M_LON = 111_320 * math.cos(math.radians(HOME[0]))


def _model(path: Path) -> Path:
    """A tiny untrained checkpoint: its rollout walks away from a stay."""
    import torch

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
                    ).save_pretrained(path)  # fmt: skip
    return path


def _stay(traj: str = "P01", n: int = 24, sd_m: float = 12.0, seed: int = 0,
          at: tuple = HOME) -> pd.DataFrame:  # fmt: skip
    """A phone still for 2 h: a fix every 5 min, ``sd_m`` of jitter per axis (Unix seconds)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "traj_id": traj,
        "t": 1_772_400_000 + 300 * np.arange(n),
        "lat": at[0] + rng.normal(0, sd_m, n) / 111_320,
        "lon": at[1] + rng.normal(0, sd_m, n) / (111_320 * math.cos(math.radians(at[0]))),
    })  # fmt: skip


def _off_median(p: pd.DataFrame, stay: pd.DataFrame, lat: str = "lat", lon: str = "lon"):
    return np.hypot((p[lat] - stay["lat"].median()) * 111_320,
                    (p[lon] - stay["lon"].median()) * M_LON)  # fmt: skip


def test_a_held_stays_circles_are_measured_and_hold_their_share_on_a_fresh_study(tmp_path):
    """The radii factors and std_m scale (seed 33 of newuser32's study) hold on a seed neither
    the fit nor the check saw; the Gaussian's r90 falls short there, as on seeds 33-35."""
    radii = load_script("stays32", "stay_radii.py")
    radii.generate(tmp_path / "s", 10, 4, 36)
    m = radii.held_errors(tmp_path / "s")
    assert m["trip"].nunique() >= 60
    # the shipped answer: std_m and radii from the stay's spread by the measured factors
    assert np.allclose(m["std_m"], m["spread_m"] * STD_SCALE)
    for lv, k in STAY_RADIUS_FACTORS.items():
        assert np.allclose(m[f"r{lv}_m"], m["spread_m"] * k)
    inside = {lv: float((m["err_m"] <= m[f"r{lv}_m"]).mean()) for lv in STAY_RADIUS_FACTORS}
    assert 0.44 <= inside[50] <= 0.58 and 0.86 <= inside[90] <= 0.95 and inside[95] >= 0.92
    gauss90 = float((m["err_m"] <= m["spread_m"] * math.sqrt(-2 * math.log(0.1))).mean())
    assert gauss90 < inside[90] - 0.03  # what it was: too narrow at 90 %
    two_std = float((m["err_m"] <= 2 * m["std_m"]).mean())  # a Gaussian sigma: 86.5 %
    assert abs(two_std - (1 - math.exp(-2))) < 0.05


def test_cli_predict_no_hold_stays_gives_the_rollout_and_the_warning_names_the_option(tmp_path):
    from reliability_helpers import invoke

    stay = _stay()
    stay.to_csv(tmp_path / "home.csv", index=False)
    model = _model(tmp_path / "m")

    def run(*extra: str) -> tuple[pd.DataFrame, str]:
        r = invoke("predict", "--model", model, "--input", tmp_path / "home.csv",
                   "--out", tmp_path / "p.csv", "--overwrite", *extra)  # fmt: skip
        assert r.exit_code == 0, r.output
        return pd.read_csv(tmp_path / "p.csv"), " ".join(r.output.split())

    held, text = run("--steps", "2", "--radii", "50,90")
    assert "end in a stay" in text and "`trajlm predict --no-hold-stays` gives the rollout" in text
    assert "TrajLM.predict" not in text
    assert (_off_median(held, stay) < 1.0).all()
    # the stay's own radii, not the model's bins around the held point
    assert np.allclose(held["r90_m"] / held["std_m"], STAY_RADIUS_FACTORS[90] / STD_SCALE)
    roll, text = run("--steps", "2", "--no-hold-stays")
    assert "end in a stay" not in text
    assert (_off_median(roll, stay) > 5.0).any()  # the untrained model's own rollout
    at, text = run("--seconds-ahead", "600")  # TrajLM.predict's path: the option named too
    assert "`trajlm predict --no-hold-stays` gives" in text and (_off_median(at, stay) < 1).all()
    at, text = run("--seconds-ahead", "600", "--no-hold-stays")
    assert "end in a stay" not in text and (_off_median(at, stay) > 5.0).any()


def test_http_predict_hold_stays_false_and_the_shared_pass_says_the_stay(tmp_path):
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    stay = _stay(sd_m=12.0, seed=1)
    rows = stay.to_dict("records")
    lm = trajlm.TrajLM.from_pretrained(_model(tmp_path / "m"), threads=1)
    with TestClient(create_app(lm)) as c:
        for body in ({"steps": 2}, {"steps": 2, "radii": [50, 90]}, {"seconds_ahead": [300]}):
            j = c.post("/predict", json={"trajectories": rows, **body}).json()
            said = [w for w in j.get("warnings", []) if "end in a stay" in w]
            assert len(said) == 1 and '"hold_stays": false gives the rollout' in said[0], j
            p = pd.DataFrame(j["points"])
            assert (_off_median(p, stay) < 1.0).all(), body
            if "radii" in body:  # the stay's own circles (the model's were put around it)
                assert np.allclose(p["r50_m"] / p["std_m"], STAY_RADIUS_FACTORS[50] / STD_SCALE)
            j = c.post("/predict", json={"trajectories": rows, **body, "hold_stays": False}).json()
            assert not [w for w in j.get("warnings", []) if "end in a stay" in w], j
            assert (_off_median(pd.DataFrame(j["points"]), stay) > 5.0).any(), body
        r = c.post("/predict", json={"trajectories": rows, "hold_stays": "no"})
        assert r.status_code == 422 and r.json()["field"] == "hold_stays"
        assert "hold_stays" in c.get("/openapi.json").text  # the field and its /docs example


def test_hold_stays_leaves_a_mover_and_an_answer_without_radii_alone():
    moving = _stay("V1").assign(lat=lambda d: HOME[0] + np.arange(len(d)) * 0.002)
    hist = pl.from_pandas(pd.concat([_stay(), moving]))
    out = pl.DataFrame({"traj_id": ["P01", "V1"], "step": [1, 1], "lat": [0.0, 1.0],
                        "lon": [0.0, 1.0], "std_m": [9.0, 9.0]})  # fmt: skip
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = hold_stays(out, hist, off="THE SWITCH")
    assert got.columns == out.columns and got.row(1) == out.row(1)
    assert got["lat"][0] == pytest.approx(_stay()["lat"].median())
    assert len(w) == 1 and "'P01'" in str(w[0].message) and "THE SWITCH gives" in str(w[0].message)


@pytest.fixture(scope="module")
def selector(tmp_path_factory) -> tuple[Path, tuple]:
    """(a saved 1-epoch candidate selector, a place inside its city)."""
    from test_selector_predictor import TINY

    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store
    from trajlm.eval.candidate_selector import SelectorConfig
    from trajlm.eval.protocol import split_tables
    from trajlm.eval.selector_predictor import CandidateSelectorPredictor

    root = tmp_path_factory.mktemp("stays32sel")
    synth_store(root / "s", n_trajectories=40, seed=2)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=1))
    sel.fit(parts["train"], parts["val"], seed=0).save(root / "sel")
    first = parts["test"].row(0, named=True)
    return root / "sel", (first["lat"], first["lon"])


def test_a_candidate_selector_holds_a_stay_as_trajlm_does(selector, tmp_path):
    from fastapi.testclient import TestClient
    from reliability_helpers import invoke

    from trajlm.serve.app import create_app

    folder, place = selector
    stay = _stay(at=place, seed=3)
    moving = _stay("V1", at=place).assign(
        lat=lambda d: place[0] + np.arange(len(d)) * 1e-4,
        t=lambda d: 1_772_400_000 + 15 * np.arange(len(d)),
    )
    both = pd.concat([stay, moving], ignore_index=True)
    model = trajlm.TrajLM.from_pretrained(folder)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        held = model.predict(both, steps=3)
    assert [str(x.message).count("end in a stay") for x in w].count(1) == 1
    p = held[held["traj_id"] == "P01"]
    assert (p["engine"] == "stay").all() and (_off_median(p, stay) < 1.0).all()
    assert (held[held["traj_id"] == "V1"]["engine"] != "stay").all()  # the mover: its engine
    roll = model.predict(both, steps=3, hold_stays=False)
    assert (roll["engine"] != "stay").all()
    assert (_off_median(roll[roll["traj_id"] == "P01"], stay) > 1.0).any()  # the engine's
    with TestClient(create_app(model)) as c:  # the shared pass says it, and the way off
        rows = stay.to_dict("records")
        j = c.post("/predict", json={"trajectories": rows, "steps": 2}).json()
        said = [x for x in j.get("warnings", []) if "end in a stay" in x]
        assert len(said) == 1 and '"hold_stays": false' in said[0], j
        assert {q["engine"] for q in j["points"]} == {"stay"}
        j = c.post("/predict", json={"trajectories": rows, "steps": 2, "hold_stays": False})
        assert {q["engine"] for q in j.json()["points"]} != {"stay"}
    stay.to_csv(tmp_path / "home.csv", index=False)
    for extra, engines in (((), {"stay"}), (("--no-hold-stays",), None)):
        r = invoke("predict", "--model", folder, "--input", tmp_path / "home.csv", "--steps",
                   "2", "--out", tmp_path / "p.csv", "--overwrite", *extra)  # fmt: skip
        assert r.exit_code == 0, r.output
        got = set(pd.read_csv(tmp_path / "p.csv")["engine"])
        assert got == engines if engines else "stay" not in got
        assert ("--no-hold-stays` gives" in " ".join(r.output.split())) == (not extra)
