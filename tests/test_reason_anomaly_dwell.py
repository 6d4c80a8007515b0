"""Duration-aware anomaly evidence (docs/anomalies.md): the dwell sum on a hand-made table, and
the "rollout+dwell" detector (min-p of two calibrated pieces of evidence) on injected stops."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_reason_anomaly import _tiny_model, straight, tiny_run  # noqa: F401 (fixture)

from trajlm.reason import AnomalyDetector, inject_anomalies
from trajlm.reason.anomaly_scores import dwell_scores


def test_dwell_sums_values_over_each_still_run():
    # a: moves, still, still, moves, still; b: still, moves, still (~111 m per 0.001 deg)
    lat = [45.0, 45.001, 45.001, 45.001, 45.002, 45.002, 45.002, 45.002, 45.003, 45.003]
    df = pl.DataFrame({"traj_id": ["a"] * 6 + ["b"] * 4, "t": [*range(6), *range(4)],
                       "lat": lat, "lon": [7.0] * 10})  # fmt: skip
    dwell, run_start = dwell_scores(np.arange(10.0), df)
    assert dwell.tolist() == [0, 0, 2, 5, 0, 5, 0, 7, 0, 9]  # b's first point starts no run
    assert run_start.tolist() == [0, 1, 1, 1, 4, 4, 0, 0, 2, 2]  # rows within the trajectory
    dwell, _ = dwell_scores(np.arange(10.0), df, still_m=200.0)  # every step is "still"
    assert dwell[5] == 1 + 2 + 3 + 4 + 5 and dwell[9] == 7 + 8 + 9


@pytest.mark.parametrize("score", ["rollout+dwell", "rollout+z2+dwell"])
def test_combined_detector_flags_long_stops_and_points_at_them(score, tmp_path):
    model = _tiny_model()
    clean = straight(n_traj=12, n=40)
    with pytest.warns(UserWarning, match="flags nothing"):
        det = AnomalyDetector(model, score=score, horizon=3).fit(clean)
    cal = det.calibration_
    assert set(cal["parts"]) == set(score.split("+")) and max(cal["parts"]["dwell"]) == 0.0
    assert cal["scores"] == sorted(cal["scores"]) and len(cal["scores"]) == 12
    pts, lab = inject_anomalies(clean, kinds=("stop",), fraction=0.25, noise_m=0.0, seed=1)
    out = det.score(pts).join(lab, on="traj_id")
    stops = out.filter(pl.col("anomaly_type") == "stop")
    assert len(stops) == 3
    # no normal track stands still, so each stop is above every normal one on the dwell
    assert (stops["p_value"] == 1 / 13).all()
    assert out.filter(pl.col("anomaly_type") == "normal")["p_value"].min() >= 1 / 13
    assert ((stops["seg_end_t"] - stops["seg_start_t"]) >= 600).all()  # the whole stop
    assert (stops["kind"] == "stop").all()
    back = AnomalyDetector.load(model, det.save(tmp_path / "cal.json"))
    assert np.allclose(back.score(pts)["score"], det.score(pts)["score"])
    if "z2" in score:  # a teleport's jump is one step: the z2 piece names it
        pts, lab = inject_anomalies(clean, kinds=("teleport",), fraction=0.25, seed=2)
        out = det.score(pts).join(lab, on="traj_id")
        jumps = out.filter(pl.col("anomaly_type") == "teleport")
        assert (jumps["kind"] == "jump").all() and (jumps["p_value"] == 1 / 13).all()


@pytest.mark.slow
def test_evidence_script_end_to_end(tiny_run, tmp_path):  # noqa: F811
    """scripts/anomaly_evidence.py (docs/anomalies.md, "What was tried") on the tiny run."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "anomaly_evidence.py"
    spec = importlib.util.spec_from_file_location("anomaly_evidence", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    doc = mod.main(["--data", str(tiny_run / "store"), "--out", str(tmp_path),
                    "--runs", str(tiny_run / "run"), "--limit", "40"])  # fmt: skip
    auc = doc["val_auroc"]
    assert "min-p(rollout4/top3, dwell(rollout4))" in auc
    assert 0.5 < auc["rollout4/top3"][0][0] <= 1.0
    assert auc["dwell(rollout4)"][0][3] > 0.9  # the stop column: what the dwell is for
    md = (tmp_path / "anomaly_evidence.md").read_text()
    assert md.startswith("| val evidence | all | detour |")


def test_cli_refuses_an_unknown_score(tmp_path):
    from typer.testing import CliRunner

    from trajlm.cli import app

    args = ["anomalies", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "s"),
            "--out", str(tmp_path / "a.csv"), "--score", "rollout+dwel"]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "--score" in r.output and "rollout+dwell" in r.output
