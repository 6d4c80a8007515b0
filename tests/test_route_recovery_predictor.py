"""Route recovery as a model (issue 15; docs/recovery-retrieval.md "Use it"): an untrained
(zero-gated) model IS its base, save -> load recovers bit for bit, damaged or missing files
are one clear line, nothing is overwritten, `trajlm train-recovery`, `trajlm eval --task
recover --model DIR` (a row per model and a mean ± std row) and
`TrajLM.from_pretrained(DIR).recover(df)`."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm._safety import DamagedFileError, OutputExistsError, UserError
from trajlm.cli import app
from trajlm.data.coerce_tasks import trajectory_numbers
from trajlm.data.ingest import synth_store
from trajlm.data.protocol_tasks import RecoveryTask, make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.recovery_baselines import CubicSplineInterpolation
from trajlm.eval.route_recovery_predictor import RouteRecoveryPredictor, is_route_recovery_dir

runner = CliRunner()
TINY = {"intervals": (120.0,), "val_mask_seeds": (0,)}
TINY_TOML = """
[recovery]
intervals = [120.0]
val_mask_seeds = [0]
long_gap_grid = [30.0, "inf"]
[recovery.network]
max_epochs = 2
"""


def said(r) -> str:
    return " ".join(r.output.replace("│", " ").split())


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """(store, parts, model): the synthetic city and a 2-epoch route-recovery model on it."""
    root = tmp_path_factory.mktemp("rec")
    synth_store(root / "s", n_trajectories=40, seed=2)
    parts = split_tables(read_store(root / "s"))
    rec = RouteRecoveryPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
    return root / "s", parts, rec.fit(parts["train"], parts["val"], seed=0)


def _moved(rec: RouteRecoveryPredictor) -> RouteRecoveryPredictor:
    """The gate opened: recoveries leave the base (so a round trip can fail)."""
    rec.selector_.gate[-1].bias.data.fill_(0.7)
    return rec


def _spline(kind: str, task, proj) -> np.ndarray:
    xy = CubicSplineInterpolation(kind)._recover(task.t, task.xy(proj), task.known, task.groups)
    return np.stack(proj.inverse(xy[:, 0], xy[:, 1]), 1)


def test_zero_gated_model_is_its_base_akima_short_pchip_long(fitted):
    _, parts, _ = fitted
    # max_epochs=0: the initial (zero-gated) network is kept
    rec = RouteRecoveryPredictor(**TINY, long_gap_grid=(float("inf"),),
                                 selector=SelectorConfig(max_epochs=0, cosine=False))  # fmt: skip
    rec.fit(parts["train"], parts["val"], seed=0)
    assert rec.settings_["long_gap_s"] == float("inf") and rec.log_["best_epoch"] == 0
    task = make_recovery_task(parts["test"], "random", seed=1)
    got, proj = rec.recover(task), rec.projection_
    np.testing.assert_allclose(got, _spline("akima", task, proj), atol=1e-9)
    assert np.array_equal(got[task.known], task.latlon[task.known])  # known points as given
    rec.settings_["long_gap_s"] = 0.0  # every gap "long": the base is PCHIP
    np.testing.assert_allclose(rec.recover(task), _spline("pchip", task, proj), atol=1e-9)


def test_threshold_scores_are_what_inference_does(fitted):
    """Each grid value's val score is the zero-gated model's recovery MAE with that threshold
    (so a boundary gap, e.g. exactly 30 s, is counted on the side inference puts it)."""
    from trajlm.eval.route_recovery_predictor import protocol_tasks

    _, parts, _ = fitted
    grid = (0.0, 30.0, 45.0, 60.0, 120.0, float("inf"))
    rec = RouteRecoveryPredictor(**TINY, long_gap_grid=grid,
                                 selector=SelectorConfig(max_epochs=0, cosine=False))  # fmt: skip
    rec.fit(parts["train"], parts["val"], seed=0)
    tasks = protocol_tasks(parts["val"], (0,), (120.0,))
    proj = rec.projection_
    for thr in grid:
        rec.settings_["long_gap_s"] = thr
        maes = []
        for ts in tasks.values():
            e = []
            for t in ts:
                h = ~t.known
                got = np.stack(proj.forward(*rec.recover(t)[h].T), 1)
                e.append(np.linalg.norm(got - np.stack(proj.forward(*t.latlon[h].T), 1), axis=1))
            maes.append(np.concatenate(e).mean())
        assert rec.settings_["val_base_mae_m"][f"{thr:g}"] == pytest.approx(
            np.mean(maes), rel=1e-6
        ), thr


def test_base_threshold_is_chosen_on_val(fitted):
    rec = fitted[2]
    s = rec.settings_
    scores = s["val_base_mae_m"]
    assert set(scores) == {f"{v:g}" for v in rec.long_gap_grid}
    assert scores[f"{s['long_gap_s']:g}"] == min(scores.values())


def test_save_load_recovers_bit_for_bit(fitted, tmp_path):
    _, parts, rec = fitted
    _moved(rec)
    task = make_recovery_task(parts["test"], "downsample", interval_s=120)
    before = rec.recover(task)
    assert not np.allclose(before, _spline("akima", task, rec.projection_))
    rec.save(tmp_path / "rec")
    assert is_route_recovery_dir(tmp_path / "rec") and not is_route_recovery_dir(tmp_path)
    back = RouteRecoveryPredictor.load(tmp_path / "rec")
    assert np.array_equal(back.recover(task), before)
    assert back.settings_ == json.loads(json.dumps(rec.settings_))
    assert back.get_params()["intervals"] == (120.0,) and back.num_params() == rec.num_params()


def test_save_never_overwrites_what_is_not_asked_for(fitted, tmp_path):
    rec = fitted[2]
    out = rec.save(tmp_path / "rec")
    with pytest.raises(OutputExistsError, match="already holds"):
        rec.save(out)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(OutputExistsError, match="did not create"):
        rec.save(foreign, overwrite=True)
    assert (foreign / "notes.txt").read_text() == "keep me" and len(list(foreign.iterdir())) == 1
    rec.save(out, overwrite=True)  # its own kind: replaced whole
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # no temporaries left


@pytest.mark.parametrize(
    "damage, match",
    [
        (lambda d: (d / "library.npz").unlink(), "no library.npz"),
        (lambda d: (d / "library.npz").write_bytes(b"PK\x03\x04 cut"), "library.npz: damaged"),
        (lambda d: (d / "config.json").write_text("{not json"), "config.json: damaged"),
        (lambda d: (d / "selector.safetensors").write_bytes(b"\x00" * 9), "safetensors: damaged"),
    ],
)
def test_load_of_a_damaged_or_missing_file_is_one_clear_line(fitted, tmp_path, damage, match):
    d = fitted[2].save(tmp_path / "rec")
    damage(d)
    with pytest.raises(UserError, match=match) as e:
        RouteRecoveryPredictor.load(d)
    assert "\n" not in str(e.value)
    if "damaged" in match:
        assert isinstance(e.value, DamagedFileError)


def test_eval_scores_saved_models_beside_the_baselines(fitted, tmp_path):
    store, _, rec = fitted
    for name in ("rec-a", "rec-b"):
        rec.save(tmp_path / name)
    out = tmp_path / "eval.json"
    r = runner.invoke(app, ["eval", "--task", "recover", "--data", str(store), "--seeds", "1",
                            "--model", str(tmp_path / "rec-a"), "--model", str(tmp_path / "rec-b"),
                            "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads(out.read_text())["results"]
    names = {row["method"] for row in rows}
    assert {"route recovery:rec-a", "route recovery:rec-b", "linear interp."} <= names
    mean = [x for x in rows if x["method"] == "route recovery (mean ± std over 2 runs)"]
    assert len(mean) == len({x["setting"] for x in rows}) == 4  # random 50 %, 60 / 120 / 240 s
    one = [x for x in rows if x["method"] == "route recovery:rec-a"]
    assert mean[0]["metrics"]["mae_m"] == pytest.approx(one[0]["metrics"]["mae_m"])
    assert mean[0]["params"]["n_params"] == rec.num_params() > 0
    r = runner.invoke(app, ["eval", "--task", "predict", "--data", str(store),
                            "--model", str(tmp_path / "rec-a")])  # fmt: skip
    assert r.exit_code == 2 and "serves --task recover" in said(r)
    r = runner.invoke(app, ["predict", "--model", str(tmp_path / "rec-a"), "--input", str(store),
                            "--out", str(tmp_path / "p.csv")])  # fmt: skip
    assert r.exit_code == 2 and "is a route-recovery model" in said(r)


def test_train_recovery_cli_and_its_config_errors(fitted, tmp_path):
    store = fitted[0]
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY_TOML)
    out = tmp_path / "rec"
    args = ["train-recovery", "--data", str(store), "--out", str(out), "--config", str(cfg)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    saved = json.loads((out / "config.json").read_text())
    assert saved["kind"] == "route_recovery" and saved["selector"]["max_epochs"] == 2
    assert saved["params"]["long_gap_grid"] == [30.0, None]  # JSON: null is infinity
    r = runner.invoke(app, args)  # again: refused, nothing changed
    assert r.exit_code == 2 and "already holds a trajlm route-recovery" in said(r)
    cfg.write_text(TINY_TOML.replace("intervals =", "interval ="))
    r = runner.invoke(app, [*args[:4], str(tmp_path / "other"), *args[5:]])
    assert r.exit_code == 2 and "unknown key(s) ['interval']" in said(r) and str(cfg) in said(r)
    assert not (tmp_path / "other").exists()


def test_shipped_config_is_the_published_recipe():
    from pathlib import Path

    from trajlm.cli_recovery import recovery_params

    path = Path(__file__).resolve().parent.parent / "configs" / "porto_recovery.toml"
    p = recovery_params(path)
    default = RouteRecoveryPredictor()
    for k, v in p.items():
        assert v == getattr(default, k) or (k == "selector" and v == SelectorConfig()), k


def test_api_recover_fills_the_asked_timestamps(fitted, tmp_path):
    from trajlm import TrajLM

    _, parts, rec = fitted
    d = _moved(rec).save(tmp_path / "rec")
    model = TrajLM.from_pretrained(d)
    assert model.tasks == ["recover"]
    test = parts["test"].sort(["traj_id", "t"])
    i = pl.int_range(pl.len()).over("traj_id")
    n = pl.len().over("traj_id")
    hide = (i % 3 == 1) & (i < n - 1)
    holey = test.with_columns(lat=pl.when(hide).then(None).otherwise(pl.col("lat")),
                              lon=pl.when(hide).then(None).otherwise(pl.col("lon")))  # fmt: skip
    out = model.recover(holey.to_pandas())
    assert len(out) == len(test) and list(out["t"]) == list(test["t"].to_pandas())
    assert out["recovered"].to_numpy().tolist() == holey["lat"].is_null().to_list()
    assert np.isfinite(out[["lat", "lon"]].to_numpy()).all()
    kept = ~out["recovered"].to_numpy()
    np.testing.assert_array_equal(out["lat"].to_numpy()[kept], test["lat"].to_numpy()[kept])
    # the frame path recovers what the harness path does for the same hidden points
    ll = test.select("lat", "lon").to_numpy().astype(np.float64)
    task = RecoveryTask("x", trajectory_numbers(test), test["t"].to_numpy(), ll,
                        ~holey["lat"].is_null().to_numpy())  # fmt: skip
    want = rec.recover(task)
    np.testing.assert_allclose(out[["lat", "lon"]].to_numpy(), want, atol=1e-9)
    with pytest.raises(UserError, match="only fills gaps"):
        model.predict(test, steps=3)


def test_ci_script_scores_saved_models_against_every_baseline(fitted, tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "route_recovery_ci.py"
    spec = importlib.util.spec_from_file_location("route_recovery_ci", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    store, parts, rec = fitted
    dirs = [str(rec.save(tmp_path / f"rec-{i}")) for i in range(2)]
    res = mod.main(["--data", str(store), "--split", "val", "--model", *dirs, "--mask-seeds", "0",
                    "--intervals", "120", "--out", str(tmp_path / "o")])  # fmt: skip
    rows = {r["setting"]: r for r in res["rows"]}
    assert set(rows) == {"random 50 %", "every 120 s"}
    task = make_recovery_task(parts["val"], "downsample", interval_s=120)
    h = ~task.known
    from trajlm.eval.metrics import point_errors

    want = point_errors(rec.recover(task)[h], task.latlon[h]).mean()
    r = rows["every 120 s"]
    assert r["mae_m"] == pytest.approx(want) and r["std_m"] == 0.0  # the same model twice
    assert r["best"] == min(r["baselines_mae_m"], key=r["baselines_mae_m"].get)
    assert r["ci_points"]["lo"] <= r["ci_points"]["diff"] <= r["ci_points"]["hi"]
    assert (tmp_path / "o" / "route_recovery_val.md").read_text().count("\n") == 6
