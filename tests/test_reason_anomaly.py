"""Anomaly detection (issue 20): injection labels on hand-made tracks, explanations for every
kind, the detector's surface (p-values, save / load), AUROC on a tiny injected set with a tiny
trained model, the baselines, and `trajlm anomalies` (a tiny run and bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.features import LocalProjection
from trajlm.reason import KINDS, AnomalyDetector, inject_anomalies
from trajlm.reason.anomaly_baselines import IsolationForestDetector, RuleDetector, kinematics
from trajlm.reason.explain import explain_one, usual_stats

T0 = 1_700_000_000
PROJ = LocalProjection(45.07, 7.69)


def straight(n_traj: int = 4, n: int = 30, speed: float = 10.0, dt: int = 10) -> pl.DataFrame:
    """Trajectories driving east at `speed` m/s, one fix every `dt` s, 500 m apart."""
    rows = []
    for k in range(n_traj):
        x = np.arange(n) * speed * dt
        lat, lon = PROJ.inverse(x, np.full(n, 500.0 * k))
        rows.append(pl.DataFrame({"traj_id": f"tr{k}", "t": T0 + np.arange(n) * dt,
                                  "lat": lat, "lon": lon}))  # fmt: skip
    return pl.concat(rows)


def xy(df: pl.DataFrame) -> np.ndarray:
    return np.stack(PROJ.forward(df["lat"].to_numpy(), df["lon"].to_numpy()), 1)


def one_kind(kind: str, **kw) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    clean = straight()
    pts, lab = inject_anomalies(clean, kinds=(kind,), fraction=1.0, noise_m=0.0, seed=3, **kw)
    return clean, pts, lab


# ---------------------------------------------------------------------------------- inject


def test_teleport_moves_everything_after_one_point():
    clean, pts, lab = one_kind("teleport")
    assert (lab["anomaly_type"] == "teleport").all() and (lab["n_points"] == 1).all()
    assert len(pts) == len(clean)
    for tid in ("tr0", "tr1"):
        p, c = pts.filter(pl.col("traj_id") == tid), clean.filter(pl.col("traj_id") == tid)
        k = int(np.flatnonzero(p["anomaly"].to_numpy())[0])
        off = xy(p) - xy(c)
        assert np.allclose(off[:k], 0, atol=1e-6)
        jump = np.hypot(*off[k])
        assert 1000 <= jump <= 3000 and np.allclose(off[k:], off[k], atol=1e-3)
        assert (p["t"] == c["t"]).all()


def test_stop_inserts_a_dwell_of_the_right_length():
    clean, pts, lab = one_kind("stop", stop_s=(600.0, 600.0))
    assert (lab["n_points"] == 60).all()  # 600 s at the 10 s interval
    p = pts.filter(pl.col("traj_id") == "tr0")
    flag = p["anomaly"].to_numpy()
    assert flag.sum() == 60 and len(p) == 30 + 60
    a = np.flatnonzero(flag)[0] - 1  # the anchor
    assert np.allclose(xy(p)[flag], xy(p)[a], atol=1e-6)  # noise_m=0: exactly there
    assert (np.diff(p["t"].to_numpy()) == 10).all()
    assert p["t"][-1] - p["t"][0] == 29 * 10 + 600
    assert p.filter(~pl.col("anomaly"))["anomaly_type"].null_count() == 30


def test_detour_is_a_closed_loop_and_the_route_is_unchanged():
    clean, pts, lab = one_kind("detour")
    for tid in ("tr0", "tr3"):
        p, c = pts.filter(pl.col("traj_id") == tid), clean.filter(pl.col("traj_id") == tid)
        flag = p["anomaly"].to_numpy()
        assert np.allclose(xy(p)[~flag], xy(c), atol=1e-6)  # the route's own points kept
        loop = xy(p)[flag]
        a = np.flatnonzero(flag)[0] - 1
        assert np.allclose(loop[-1], xy(p)[a], atol=1e-6)  # back where it left
        far = np.hypot(*(loop - xy(p)[a]).T).max()
        assert 150 <= far <= np.hypot(400, 300) + 1
        steps = np.hypot(*np.diff(loop, axis=0).T)
        assert steps.max() < 101  # at the trajectory's own speed (100 m per fix)


def test_wrong_way_drives_back_along_the_route_then_forth():
    clean, pts, lab = one_kind("wrong_way", wrong_way_points=(5, 5))
    for tid, n in lab.select("traj_id", "n_points").iter_rows():
        p = pts.filter(pl.col("traj_id") == tid)
        flag = p["anomaly"].to_numpy()
        a = np.flatnonzero(flag)[0] - 1
        m = min(5, a)  # never back past the first point
        assert n == flag.sum() == 2 * m
        x = xy(p)[:, 0]
        back = x[flag]
        assert np.allclose(np.diff(np.r_[x[a], back[:m]]), -100, atol=1e-6)  # west, 100 m a fix
        assert np.allclose(np.diff(back[m - 1 :]), 100, atol=1e-6)  # then east again
        assert np.isclose(back[-1], x[a]) and np.isclose(x[a + 2 * m + 1] - x[a], 100)


def test_speed_spike_compresses_time_only():
    clean, pts, lab = one_kind("speed", speed_factor=(5.0, 5.0), speed_points=(4, 4))
    assert (lab["n_points"] == 4).all() and len(pts) == len(clean)
    p, c = pts.filter(pl.col("traj_id") == "tr2"), clean.filter(pl.col("traj_id") == "tr2")
    assert np.allclose(xy(p), xy(c), atol=1e-6)
    dt = np.diff(p["t"].to_numpy(), prepend=p["t"][0])
    flag = p["anomaly"].to_numpy()
    assert (dt[flag] == 2).all() and (dt[1:][~flag[1:]] == 10).all()


def test_fraction_kinds_and_seed():
    clean = straight(n_traj=20)
    pts, lab = inject_anomalies(clean, fraction=0.5, seed=1)
    counts = lab["anomaly_type"].value_counts().sort("anomaly_type")
    assert dict(counts.iter_rows()) == {k: 2 for k in KINDS} | {"normal": 10}
    again, _ = inject_anomalies(clean, fraction=0.5, seed=1)
    assert pts.equals(again)
    other, _ = inject_anomalies(clean, fraction=0.5, seed=2)
    assert not pts.equals(other)
    none, lab0 = inject_anomalies(clean, fraction=0.0)
    assert not none["anomaly"].any() and (lab0["anomaly_type"] == "normal").all()
    assert np.allclose(xy(none), xy(clean.sort(["traj_id", "t"])))
    with pytest.raises(ValueError, match="kinds"):
        inject_anomalies(clean, kinds=("ufo",))


# -------------------------------------------------------------------------------- explain


@pytest.mark.parametrize(
    "kind, expect, words",
    [("teleport", "jump", ["jumped", "km/h", "UTC near"]),
     ("speed", "speed", ["moved at", "usual top speed"]),
     ("stop", "stop", ["stopped", "min", "longer than usual"]),
     ("wrong_way", "wrong_way", ["turned around", "back west", "direction of travel"]),
     ("detour", "detour", ["left its route", "loop", "came back"])],
)  # fmt: skip
def test_explanation_names_each_kind(kind, expect, words):
    clean = straight()
    usual = usual_stats(clean)
    pts, _ = inject_anomalies(clean, kinds=(kind,), fraction=1.0, noise_m=2.0, seed=5)
    for tid in ("tr0", "tr1", "tr2", "tr3"):
        p = pts.filter(pl.col("traj_id") == tid)
        rows = np.flatnonzero(p["anomaly"].to_numpy())
        got, text = explain_one(p["t"].to_numpy(), p["lat"].to_numpy(), p["lon"].to_numpy(),
                                int(rows[0]), int(rows[0]) + 4, usual)  # fmt: skip
        assert got == expect, text
        assert all(w in text for w in words), text


def test_clean_track_is_explained_as_unusual_motion_in_text():
    clean = straight(n_traj=1)
    usual = usual_stats(clean)
    got, text = explain_one(clean["t"].to_numpy(), clean["lat"].to_numpy(),
                            clean["lon"].to_numpy(), 10, 14, usual)  # fmt: skip
    assert got == "unusual" and "heads east" in text and "36 km/h" in text


# ------------------------------------------------------------------------------ baselines


def test_baselines_rank_the_obvious_kinds_first():
    clean = straight(n_traj=30)
    rng = np.random.default_rng(0)  # some jitter so the normal data has a spread
    clean = clean.with_columns(pl.col("lat") + rng.normal(0, 2e-5, len(clean)))
    pts, lab = inject_anomalies(clean, kinds=("teleport", "stop"), fraction=0.4, seed=0)
    y = (lab["anomaly_type"] != "normal").to_numpy()
    rule = RuleDetector().fit(clean).score(pts)
    assert rule["traj_id"].to_list() == lab["traj_id"].to_list()
    assert roc_auc_score(y, rule["score"].to_numpy()) == 1.0
    forest = IsolationForestDetector(n_estimators=50).fit(clean).score(pts)
    assert roc_auc_score(y, forest["score"].to_numpy()) > 0.8
    k = kinematics(pts).join(lab, on="traj_id")
    assert (k.filter(pl.col("anomaly_type") == "stop")["max_stop_s"] >= 600).all()


# ------------------------------------------------------------------------------- detector


def _tiny_model(max_len: int = 32):
    import torch

    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    stats = NormStats(45.07, 7.69, (0.0, 0.0), 500.0, 60.0, 15.0, 7.0).to_dict()
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=max_len, pos_type="rope_time",
                      stats=stats)  # fmt: skip
    return TrajectoryModel(cfg).eval()


def test_detector_surface_pvalues_and_save_load(tmp_path):
    import trajlm

    assert trajlm.AnomalyDetector is AnomalyDetector
    model = _tiny_model()
    clean = straight(n_traj=12, n=40)
    with pytest.warns(UserWarning, match="alpha=0.01 flags nothing"):  # 11 < 100 normal ones
        det = AnomalyDetector(model, horizon=3, score="rollout")  # the one-piece evidence
        det = det.fit(clean.filter(pl.col("traj_id") != "tr0"))
    cal = det.calibration_
    assert cal["n_trajectories"] == 11 and cal["scores"] == sorted(cal["scores"])
    pts, lab = inject_anomalies(clean, kinds=("teleport",), fraction=0.25, seed=0)
    out = det.score(pts.to_pandas())  # pandas in, pandas out
    assert list(out.columns[:4]) == ["traj_id", "score", "p_value", "is_anomaly"]
    assert {"seg_start_t", "seg_end_t", "kind", "explanation"} <= set(out.columns)
    assert (out["p_value"] > 0).all() and (out["p_value"] <= 1).all()
    assert out["score"].is_monotonic_decreasing
    tele = lab.filter(pl.col("anomaly_type") == "teleport")["traj_id"].to_list()
    assert set(out["traj_id"][: len(tele)]) == set(tele)  # untrained, but a 1-3 km jump
    assert (out["p_value"][: len(tele)] == 1 / 12).all()  # above every normal one
    path = det.save(tmp_path / "anomaly.json")
    back = AnomalyDetector.load(model, path)
    assert back.config == det.config
    again = back.score(pts.to_pandas())
    assert np.allclose(again["score"], out["score"])
    (tmp_path / "bad.json").write_text(json.dumps({"version": 99}))
    with pytest.raises(Exception, match="bad.json"):
        AnomalyDetector.load(model, tmp_path / "bad.json")
    with pytest.raises(ValueError, match="fit"):
        AnomalyDetector(model).score(pts)
    with pytest.raises(ValueError, match="aggregate"):
        AnomalyDetector(model, aggregate="median")
    wrapped = AnomalyDetector(trajlm.TrajLM(model), horizon=3)  # the API object works too
    assert wrapped.model is model


def test_one_step_scores_windows_cover_every_step():
    from trajlm.reason.anomaly_scores import step_scores

    model = _tiny_model(max_len=16)
    clean = straight(n_traj=2, n=50)
    s = step_scores(model, clean, window=16)  # 50 points: 5 half-overlapping windows each
    first = pl.int_range(pl.len()).over("traj_id") == 0
    assert s.filter(first)["nll"].null_count() == 2
    assert s.filter(~first)["nll"].null_count() == 0 and s["nll"].is_finite().sum() == 98
    assert s["z2"].null_count() == 2


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    """A synthetic store and a small trained model (~20 s on one thread)."""
    from trajlm.data.ingest import synth_store
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    d = tmp_path_factory.mktemp("anom")
    synth_store(d / "store", n_trajectories=500, seed=4)
    cfg = TrainConfig(max_steps=400, batch_size=16, max_len=32, stride=16, lr=3e-3,
                      warmup_steps=20, eval_every=0, save_every=400, progress=False,
                      cpu_threads=1, shuffle_buffer=64)  # fmt: skip
    mc = ModelConfig(d_model=32, n_layers=2, n_heads=2, max_len=48, pos_type="rope_time")
    Trainer(d / "store", d / "run", mc, cfg).fit()
    return d


@pytest.mark.slow
def test_injected_trajectories_score_higher_than_clean(tiny_run):
    from trajlm.data.store import read_store

    store = tiny_run / "store"
    val = read_store(store, split="val").drop("split")
    test = read_store(store, split="test").drop("split")
    with pytest.warns(UserWarning, match="flags nothing"):  # ~20 val trajectories
        AnomalyDetector(tiny_run / "run").fit(val.head(1000))
    det = AnomalyDetector(tiny_run / "run", alpha=0.1).fit(val)
    pts, lab = inject_anomalies(test, fraction=0.5, seed=0)
    out = det.score(pts, explain=False)
    s = lab.join(out, on="traj_id", how="left")
    y = (s["anomaly_type"] != "normal").to_numpy()
    assert roc_auc_score(y, s["score"].to_numpy()) > 0.75
    # calibrated: about alpha of the clean test trajectories are flagged (~50 of them)
    clean = det.score(test, explain=False)
    assert clean["is_anomaly"].mean() <= 0.3


@pytest.mark.slow
def test_cli_scores_explains_and_refuses_bad_input(tiny_run, tmp_path):
    runner = CliRunner()
    store, run = tiny_run / "store", tiny_run / "run"
    out = tmp_path / "a.csv"
    cal = tmp_path / "cal.json"
    args = ["anomalies", "--model", str(run), "--data", str(store), "--out", str(out),
            "--limit", "20", "--top", "3", "--save-calibration", str(cal)]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    table = pl.read_csv(out)
    assert len(table) == 20 and table["explanation"].null_count() == 0
    assert "top 3 by score" in r.output and json.loads(cal.read_text())["version"] == 1
    r = runner.invoke(app, args)  # nothing of the user's is overwritten
    assert r.exit_code == 2 and "exists" in r.output
    csv = tmp_path / "pts.csv"
    csv.write_text("traj_id,t,lat,lon\na,1700000000,45.07,7.69\na,1700000015,45.071,7.69\n"
                   "a,1700000030,45.072,7.69\na,1700000045,45.073,7.69\n")  # fmt: skip
    base = ["anomalies", "--model", str(run), "--out", str(tmp_path / "b.csv"), "--overwrite"]
    r = runner.invoke(app, [*base, "--data", str(csv)])
    assert r.exit_code == 2 and "is a file, not a store" in " ".join(r.output.split())
    r = runner.invoke(app, [*base, "--data", str(csv), "--calibration", str(cal)])
    assert r.exit_code == 0, r.output
    # session 14: a file in the user's own column names, named with --traj-col / --time-col
    own = tmp_path / "own.csv"
    own.write_text(csv.read_text().replace("traj_id,t,", "van,when,", 1))
    r = runner.invoke(app, [*base, "--data", str(own), "--calibration", str(cal)])
    assert r.exit_code == 2 and "--traj-col" in r.output
    named = ["--traj-col", "van", "--time-col", "when"]
    r = runner.invoke(app, [*base, "--data", str(own), "--calibration", str(cal), *named])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, [*base, "--data", str(store), "--split", "tset"])
    assert r.exit_code == 2 and "--split" in r.output and "test" in r.output
    r = runner.invoke(app, [*base, "--data", str(store), "--calibrate-on", "test"])
    assert r.exit_code == 2 and "split being scored" in " ".join(r.output.split())
    bad = tmp_path / "bad.csv"
    bad.write_text("traj_id,t,lat,lon\na,1700000000,95.0,7.69\na,1700000015,45.071,7.69\n")
    r = runner.invoke(app, [*base, "--data", str(bad), "--calibration", str(cal)])
    assert r.exit_code == 2 and "bad.csv" in r.output and "lat" in r.output
    txt = ["anomalies", "--model", str(run), "--out", str(tmp_path / "x.txt"), "--overwrite"]
    r = runner.invoke(app, [*txt, "--data", str(store)])
    assert r.exit_code == 2 and ".csv or .parquet" in r.output
    r = runner.invoke(app, [*base, "--data", str(store), "--out", str(tmp_path / "x.txt")])
    assert r.exit_code == 2 and "--out given 2 times" in r.output  # badin38: not the last one


@pytest.mark.slow
def test_results_script_end_to_end(tiny_run, tmp_path):
    """scripts/anomaly_results.py (docs/anomalies.md) on the tiny run: one seed, 2 variants."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "anomaly_results.py"
    spec = importlib.util.spec_from_file_location("anomaly_results", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "res"
    doc = mod.main(["--data", str(tiny_run / "store"), "--out", str(out), "--runs",
                    str(tiny_run / "run"), "--limit", "40", "--n-boot", "20", "--variants", "2"])  # fmt: skip
    assert doc["chosen_variant"] in (["rollout", "top3"], ["rollout", "max"])
    s = doc["summary"]["all"]
    assert 0.5 < s["model_auroc"][0] <= 1.0 and s["model_auroc"][1] == 0.0  # one seed
    assert s["best_baseline"] in ("rule", "iforest")
    ci = s["model_diff_ci"]
    assert ci["lo"] <= ci["hi"] and 0.5 < s["hybrid_auroc"][0] <= 1.0
    md = (out / "anomaly_results.md").read_text()
    assert md.startswith("| injected kind | model AUROC |") and "| teleport |" in md
    assert "explanation names the injected kind" in md
