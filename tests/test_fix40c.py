"""Session 40 (fix40c): two wrong answers serve40 found in the fitted heads (docs/api.md
"Session 40 (fix40c)"; scripts/fix40c/cases.py reproduces both on a fitted run).

1. Degree pairs sent as ``crs="local"`` metres to a model trained on degrees were answered
   (the verdict's linear regression: 1.3e-126 s, three warnings): now one line naming the
   option and what the values look like, in Python, over HTTP and in the CLI.
2. A classifier fine-tuned without a class of its data (PROTOCOL's map drops walk) labelled
   walking trips bike, unsaid after the finetune: the classes it never learned are saved and
   said at every classify; a store that does not say it is GeoLife's keeps every label."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli, tiny_infill_trajlm

from trajlm.errors import TrajlmInputError

T0 = "2026-11-03T08:00:00Z"
# a degree model's coverage record: a small training area in Porto
PORTO = {
    "bbox": {"min_lat": 41.10, "max_lat": 41.20, "min_lon": -8.70, "max_lon": -8.55},
    "hour_hist": [1] * 24,
    "weekday_hist": [1] * 7,
    "xy_box_m": [-5000, -5000, 5000, 5000],
}
ORIGINS, DESTS = [[41.15, -8.61], [41.12, -8.65]], [[41.16, -8.60], [41.18, -8.58]]


def _porto_model():
    lm = tiny_infill_trajlm()
    lm.model.config.coverage = dict(PORTO)
    return lm


def test_python_refuses_degrees_sent_as_local_metres():
    lm = _porto_model()
    with pytest.raises(TrajlmInputError) as e:
        lm.travel_time(ORIGINS, DESTS, T0, crs="local")
    said = str(e.value)
    assert e.value.field == "crs" and "\n" not in said, said
    assert "crs='local'" in said and "degrees sent as local metres" in said, said
    assert "100 % of them lie in the training area" in said and "[41.15, -8.61]" in said, said
    assert "leave out crs='local'" in (e.value.hint or ""), e.value.hint
    with pytest.raises(TrajlmInputError, match="another plane's"):  # metres: not degrees
        lm.travel_time([[1200.0, 300.0]], [[5000.0, 900.0]], T0, crs="local", fallback=False)
    with warnings.catch_warnings():  # the same pairs as degrees are answered, as before
        warnings.simplefilter("ignore")
        assert np.isfinite(lm.travel_time(ORIGINS, DESTS, T0)).all()


def test_a_plane_model_and_a_model_without_coverage_still_take_local_metres():
    lm = tiny_infill_trajlm()  # no coverage record: its plane is unknown, answered as before
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isfinite(lm.travel_time(ORIGINS, DESTS, T0, crs="local")).all()
        lm.model.config.coverage = {**PORTO, "crs": "local"}
        assert np.isfinite(lm.travel_time([[10.0, 5.0]], [[90.0, 60.0]], T0, crs="local")).all()


def test_http_refuses_degrees_sent_as_local_metres():
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    with TestClient(create_app(_porto_model())) as c:
        r = c.post("/travel-time", json={"origins": ORIGINS, "destinations": DESTS, "depart": T0,
                                         "crs": "local"})  # fmt: skip
        body = r.json()
        assert r.status_code == 422 and body["field"] == "crs", body
        assert '"crs": "local"' in body["error"] and "degrees sent as local metres" in body["error"]
        r = c.post("/travel-time", json={"origins": ORIGINS, "destinations": DESTS, "depart": T0})
        assert r.status_code == 200, r.json()


def test_cli_refuses_degree_columns_read_with_crs_local(tmp_path: Path):
    run = tmp_path / "run"
    _porto_model().model.save_pretrained(run)
    trips = tmp_path / "trips.csv"
    pl.DataFrame({"o_y": [41.15], "o_x": [-8.61], "d_y": [41.16], "d_x": [-8.60],
                  "depart": [1_796_191_200]}).write_csv(trips)  # fmt: skip
    out = tmp_path / "tt.csv"
    r = invoke_cli(["travel-time", "--model", run, "--input", trips, "--crs", "local",
                    "--out", out])  # fmt: skip
    assert r.exit_code == 2 and "--crs local" in r.output, r.output[-800:]
    assert "degrees sent as local metres" in r.output and "Traceback" not in r.output
    assert not out.exists()


def test_classes_auto_keeps_walk_of_a_store_that_is_not_geolifes():
    from trajlm.eval.classify_notes import class_map_for, resolved_classes

    labels = pl.DataFrame({"label": ["walk", "bike", "bus", "car"]})  # `trajlm data synth`'s
    classes, said = resolved_classes("auto", labels, None)
    assert classes == "store" and "drops walk" in (said or ""), said
    assert set(class_map_for(classes, labels).values()) == {"walk", "bike", "bus", "car"}
    # GeoLife's own files keep PROTOCOL's 4 classes (the shipped modes numbers' setup)
    assert resolved_classes("auto", labels, "geolife") == ("modes", None)
    assert resolved_classes("auto", pl.DataFrame({"label": ["bike", "taxi", "bus"]})) == (
        "modes",
        None,
    )


def test_classify_says_the_classes_the_head_never_learned(tmp_path: Path):
    from test_classify23 import _segments, _tracks

    import trajlm
    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel
    from trajlm.tasks.classify import ModelClassifier

    stats = NormStats.fit(_tracks(20, 0)).to_dict()
    base = tmp_path / "base"
    TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                stats=stats)).save_pretrained(base)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = ModelClassifier(base, mode="lora", epochs=1, n_points=16, head="linear")
        clf.fit(_segments(_tracks(30, 1)))
    clf.not_learned_ = {"walk": "7 trajectories; not in the class map"}  # as finetune sets it
    clf.save(tmp_path / "clf")
    lm = trajlm.TrajLM.from_pretrained(tmp_path / "clf")
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = lm.classify(_tracks(4, 2).drop("label"))
    said = [str(w.message) for w in got if "never learned" in str(w.message)]
    assert len(said) == 1 and "walk (7 trajectories; not in the class map)" in said[0], said
    assert "fast / slow" in said[0] and "--classes store" in said[0], said
    assert set(out["label"]) <= {"fast", "slow"}
    clf.not_learned_ = {}  # a head that learned every class says nothing
    clf.save(tmp_path / "all", overwrite=True)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        trajlm.TrajLM.from_pretrained(tmp_path / "all").classify(_tracks(4, 2).drop("label"))
    assert not [w for w in got if "never learned" in str(w.message)]
