"""Session 19 (trainuser19): what a fleet data scientist training on their own labelled vans
found in classification fits, fine-tune summaries, tiny training sets and ignored options.
Each test fails on the code before the session."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _vans(n: int = 12, pts: int = 30, seed: int = 0) -> pd.DataFrame:
    """n random-walk vans in Melbourne at 30 s with a `service` label, three classes."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        lat = -37.81 + 1e-3 * k + np.cumsum(rng.normal(0, 3e-4, pts))
        lon = 144.96 + np.cumsum(rng.normal(0, 3e-4, pts))
        t = pd.date_range("2026-02-02 21:00", periods=pts, freq="30s", tz="UTC")
        svc = ["delivery", "return", "maintenance"][k % 3]
        rows.append(pd.DataFrame({"trip": f"V{k:02d}", "ts": t, "lat": lat, "lon": lon,
                                  "service": svc}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _tiny_model():
    import torch

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    return TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32))


KW = dict(mode="frozen", n_points=16, head="linear", epochs=1, max_len=32)


def test_fit_leaves_out_trips_without_a_class_instead_of_a_class_named_none():
    """NaN labels on a third of the trips became a class 'None' (96 trips of the tester's)."""
    from trajlm.tasks.classify import ModelClassifier

    df = _vans()
    df.loc[df["trip"].isin(["V00", "V04", "V08"]), "service"] = np.nan
    with pytest.warns(
        UserWarning, match=r"rows of 3 of 12 trajectories have no class in 'service'"
    ):
        clf = ModelClassifier(_tiny_model(), **KW).fit(df, label_col="service", traj_col="trip")
    assert clf.classes_ == ["delivery", "maintenance", "return"]
    assert sum(clf.class_counts_.values()) == 9
    numeric = df.assign(service=df["service"].map({"delivery": 1.0, "return": 2.0}))
    with pytest.warns(UserWarning, match=r"have no class in 'service'"):
        clf = ModelClassifier(_tiny_model(), **KW).fit(
            numeric, label_col="service", traj_col="trip"
        )
    assert "nan" not in clf.classes_ and len(clf.classes_) == 2


def test_fit_refuses_one_class_and_no_labels_in_one_line():
    from trajlm.errors import TrajlmInputError
    from trajlm.tasks.classify import ModelClassifier

    df = _vans().assign(service="delivery")
    with pytest.raises(TrajlmInputError, match=r"1 class in 'service' \('delivery' \(12"):
        ModelClassifier(_tiny_model(), **KW).fit(df, label_col="service", traj_col="trip")
    with pytest.raises(TrajlmInputError, match=r"no row has a class in 'service'"):
        ModelClassifier(_tiny_model(), **KW).fit(df.assign(service=None), label_col="service",
                                                 traj_col="trip")  # fmt: skip


def test_next_point_finetune_summary_is_in_metres_beside_constant_velocity(tmp_path):
    """The summary held only val NLL (0.07 -> -1.48 for the tester: read as a gain) while the
    kept weights were worse in metres than the start; now it gives the val 5-step ADE of the
    start, the kept weights and constant velocity, and warns when the kept ones lose."""
    from types import SimpleNamespace

    from trajlm.data.ingest import synth_store
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.finetune.trainer import finetune_next_point, metres_summary
    from trajlm.train.trainer import TrainConfig

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=30, seed=1)
    _tiny_model().save_pretrained(tmp_path / "base")
    tc = TrainConfig(batch_size=4, max_len=16, lr=3e-3, warmup_steps=2, eval_every=3,
                     eval_batches=2)  # fmt: skip
    s = finetune_next_point(tmp_path / "base", store, tmp_path / "ft", mode="lora", max_steps=3,
                            lora_r=2, train_config=tc)  # fmt: skip
    assert s["val_trajectories"] > 0
    for key in ("val_ade_m_before", "val_ade_m_kept", "val_ade_m_constant_velocity"):
        assert np.isfinite(s[key]) and s[key] > 0, key
    # the warning names what the kept weights lose to
    task = make_prediction_task(read_store(store, split="val"))
    fake = SimpleNamespace(_val_task=task, val_ade=lambda: 500.0)
    cv = metres_summary(SimpleNamespace(_val_task=task, val_ade=lambda: 1.0), 1.0)
    got = metres_summary(fake, 400.0)
    assert got["val_ade_m_kept"] == 500.0 and got["val_ade_m_before"] == 400.0
    assert got["val_ade_m_constant_velocity"] == cv["val_ade_m_constant_velocity"]
    assert "than the start (400.0 m)" in got["warning"]
    assert ("constant velocity" in got["warning"]) == (cv["val_ade_m_constant_velocity"] < 495)
    assert "than the start" not in metres_summary(fake, 500.0 * 1.005).get("warning", "")


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (("--task", "classify", "--steps", "50"), "--steps"),
        (("--task", "similarity", "--steps", "50"), "--steps"),
        (("--task", "predict", "--epochs", "3"), "--epochs"),
        (("--mode", "full", "--lora-r", "4"), "--lora-r"),
        (("--mode", "lora", "--n-last", "2"), "--n-last"),
        (("--task", "recover", "--fraction", "0.5"), "--fraction"),
        (("--task", "similarity", "--score-test"), "--score-test"),  # classify scores it
        (("--task", "tte", "--n-points", "16"), "--n-points"),
    ],
)
def test_finetune_refuses_an_option_its_task_or_mode_would_ignore(tmp_path, extra, flag):
    """`--task classify --steps 50` trained 260 steps and `--mode full --lora-r 4` ran, both
    without a word."""
    from typer.testing import CliRunner

    from trajlm.cli import app

    args = ["finetune", "--model", str(tmp_path / "m"), "--data", str(tmp_path / "s"),
            "--out", str(tmp_path / "o"), *extra]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {flag} would be ignored"), r.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_finetune_classify_says_the_trajectories_it_leaves_out_unlabelled(tmp_path):
    """86 of the tester's 600 vans had no label: `finetune --task classify --classes store`
    left them out without a word (`eval --task classify` said it)."""
    import polars as pl
    from reliability_helpers import invoke, said

    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city

    pts = generate_city(n_trajectories=60, seed=3).points
    ids = pts["traj_id"].unique().sort()[:9]
    kind = pl.when(pl.col("label").is_in(["car", "bus"])).then(pl.lit("B")).otherwise(pl.lit("T"))
    kind = pl.when(pl.col("traj_id").is_in(ids.implode())).then(None).otherwise(kind)
    write_store(pts.with_columns(kind.alias("label")), tmp_path / "s")
    model = tmp_path / "m"
    _tiny_model().save_pretrained(model)
    r = invoke("finetune", "--model", model, "--data", tmp_path / "s", "--out", tmp_path / "c",
               "--task", "classify", "--classes", "store", "--epochs", "1", "--n-points", "16",
               "--threads", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "points of 9 trajectories have no label: left out" in said(r)


def test_training_on_a_tiny_store_says_so(tmp_path):
    """16 train / 2 val trips trained and kept "best_val_ade_m 347.6" without a word."""
    from trajlm.data.ingest import synth_store
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    synth_store(tmp_path / "s", n_trajectories=20, seed=1)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    tc = TrainConfig(max_steps=1, batch_size=4, max_len=16, warmup_steps=1, eval_every=1,
                     eval_batches=1)  # fmt: skip
    with pytest.warns(UserWarning, match=r"only 16 train trajectories .* and 2 val trajectories"):
        Trainer(tmp_path / "s", tmp_path / "r", model_config=mc, train_config=tc).fit()
