"""Session 14 (cliuser): a researcher's CLI loop on their own data; each test failed before
its fix (docs/reliability.md "Session 14 (cliuser)")."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from trajlm.data.ingest import synth_store
from trajlm.model import ModelConfig
from trajlm.train.trainer import TrainConfig, Trainer


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cliuser14") / "city"
    synth_store(d, n_trajectories=40, seed=3, overwrite=False)
    return d


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("dropout,context_dropout", [(0.1, 0.0), (0.0, 0.5)])
def test_resume_mid_epoch_is_bit_identical_with_dropout(store, tmp_path, dropout, context_dropout):
    """A model that draws from the global torch RNG while training (dropout, context dropout)
    resumed mid-epoch reached other weights: the resumed epoch's DataLoader drew its base seed
    from the restored RNG. Tester: kill -9 at step 400 of 600, weights differed from step 410."""
    mc = dict(d_model=16, n_layers=2, n_heads=2, max_len=32, pos_type="rope_time",
              dropout=dropout, context_dropout=context_dropout)  # fmt: skip
    tc = dict(max_steps=8, batch_size=4, max_len=16, stride=8, shuffle_buffer=8, lr=3e-3,
              warmup_steps=2, eval_every=4, eval_batches=2, save_every=100, log_every=1,
              progress=False, select_on="val_loss", cpu_threads=1, seed=0)  # fmt: skip
    full = Trainer(store, tmp_path / "full", ModelConfig(**mc), TrainConfig(**tc))
    full.fit()
    part = Trainer(store, tmp_path / "part", ModelConfig(**mc), TrainConfig(**tc))
    part.fit(stop_at=3)
    assert 0 < part.batches_in_epoch  # stopped mid-epoch (the case that differed)
    again = Trainer(store, tmp_path / "part", ModelConfig(**mc), TrainConfig(**tc))
    again.fit(resume=True)
    assert again.step == 8
    assert _same(full.model.state_dict(), again.model.state_dict()), "resumed != uninterrupted"


def _two_kinds(tmp_path: Path) -> Path:
    """A labelled store of a user's own two kinds: taxi (the city's cars and buses) and ship
    (the rest); CLASS_MAP keeps taxi (as car) and drops ship."""
    import polars as pl

    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city

    pts = generate_city(n_trajectories=60, seed=3).points
    kind = pl.when(pl.col("label").is_in(["car", "bus"])).then(pl.lit("taxi"))
    pts = pts.with_columns(kind.otherwise(pl.lit("ship")).alias("label"))
    write_store(pts, tmp_path / "kinds")
    return tmp_path / "kinds"


def test_classify_with_one_class_left_is_refused_and_classes_store_runs(tmp_path):
    """Tester: a taxi / ship store was scored as "1 classes" (majority 100 %, GB 100 %, a raw
    sklearn warning) and `finetune --task classify` trained a one-class model; the CLI had no
    way to classify the store's own labels."""
    from reliability_helpers import fails, invoke

    store = _two_kinds(tmp_path)
    # fix40c: --classes auto keeps a store's own labels where PROTOCOL's map drops one (ship),
    # so the one class left is PROTOCOL's map asked for by name
    text = fails("eval", "--task", "classify", "--data", store, "--seeds", "1",
                 "--classes", "modes", names=("1 class ", "'car'", "--classes store", "ship"))  # fmt: skip
    assert len(text.strip().splitlines()) == 1
    r = invoke("eval", "--task", "classify", "--data", store, "--seeds", "1",
               "--classes", "store", "--out", tmp_path / "cls.json")  # fmt: skip
    assert r.exit_code == 0, r.output
    import json

    res = json.loads((tmp_path / "cls.json").read_text())
    assert all(row["setting"].startswith("2 classes") for row in res["results"])
    assert res["class_map"] == {"ship": "ship", "taxi": "taxi"}
    assert "dropped classes" not in " ".join(r.output.split())
    fails("eval", "--task", "predict", "--data", store, "--classes", "store",
          names=("--classes", "classify"))  # fmt: skip


def test_finetune_classify_refuses_one_class_before_training(tmp_path):
    from reliability_helpers import fails

    import trajlm.finetune.trainer as trainer
    from trajlm.model import TrajectoryModel

    store = _two_kinds(tmp_path)
    torch.manual_seed(0)
    TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)).save_pretrained(
        tmp_path / "m"
    )
    called = []
    real = trainer.train_classifier
    trainer.train_classifier = lambda *a, **kw: called.append(1) or real(*a, **kw)
    try:
        fails("finetune", "--task", "classify", "--model", tmp_path / "m", "--data", store,
              "--out", tmp_path / "clf", "--classes", "modes", names=("--classes store",))  # fmt: skip
    finally:
        trainer.train_classifier = real
    assert not called and not (tmp_path / "clf" / "classifier.json").exists()


def test_finetune_takes_a_seed(store, tmp_path):
    """Tester: 3 seeds of a fine-tune could not be run from the CLI (no --seed). The default
    is seed 0, as before: no --seed and --seed 0 give the same weights; --seed 1 others."""
    from reliability_helpers import invoke
    from safetensors.torch import load_file

    from trajlm.model import TrajectoryModel

    torch.manual_seed(0)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, dropout=0.1)
    TrajectoryModel(mc).save_pretrained(tmp_path / "m")
    weights = []
    for name, extra in (("a", ()), ("b", ("--seed", "0")), ("c", ("--seed", "1"))):
        r = invoke("finetune", "--model", tmp_path / "m", "--data", store, "--out",
                   tmp_path / name, "--steps", "3", "--threads", "1", *extra)  # fmt: skip
        assert r.exit_code == 0, r.output
        weights.append(load_file(str(tmp_path / name / "train" / "model.safetensors")))
    assert _same(weights[0], weights[1])
    assert not _same(weights[0], weights[2])


def test_leak_warning_only_for_models_that_can_have_seen_the_trips(store, tmp_path):
    """Tester: `eval --holdout-by user --model trajlm-small` on their own store warned "its
    test trips may have been in training" (trajlm-small never saw them); a model trained on
    the store under the time split is still warned about."""
    from reliability_helpers import invoke

    from trajlm.data.store import load_manifest, load_stats
    from trajlm.model import TrajectoryModel
    from trajlm.model.coverage import compute_coverage

    span = load_manifest(store)["time_span"]  # trained on every trip's time (the leak case)
    here = compute_coverage(store, load_stats(store)) | {
        "split_by": "time", "time_span_unix": [span["start_unix"], span["end_unix"]]}  # fmt: skip
    elsewhere = here | {"split_by": "per-source", "time_span_unix": [1_372_636_853, 1_400_000_000],
                        "bbox": {"min_lat": 41.0, "min_lon": -8.7, "max_lat": 41.3,
                                 "max_lon": -8.4}}  # fmt: skip
    for name, cov in (("here", here), ("elsewhere", elsewhere)):
        torch.manual_seed(0)
        mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
        mc.stats, mc.coverage = load_stats(store).to_dict(), cov
        TrajectoryModel(mc).save_pretrained(tmp_path / name)
    r = invoke("eval", "--task", "predict", "--data", store, "--holdout-by", "user",
               "--model", tmp_path / "here", "--model", tmp_path / "elsewhere")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "trajlm:here was trained on a 'time' split" in text
    assert "trajlm:elsewhere was trained on" not in text


def test_training_to_a_log_file_prints_progress_lines(capsys):
    """Tester: `nohup trajlm train ... > log` left the log empty for 390 steps (the bar is
    drawn only at the end when stdout is not a terminal); now a line every ~5 % of the steps."""
    from trajlm.train.progress import TrainProgress

    with TrainProgress(40, enabled=True) as bar:  # pytest's capture is not a terminal
        for step in range(1, 41):
            bar.update(step, 0.5, 1000.0, None if step < 20 else 0.25)
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("train step")]
    assert len(lines) == 20 and lines[-1].startswith("train step 40/40 loss 0.5000 val 0.2500")
    with TrainProgress(40, enabled=False) as bar:  # progress off (tests, DDP ranks): nothing
        bar.update(40, 0.5, 1000.0, None)
    assert "train step" not in capsys.readouterr().err


def test_resume_with_another_max_steps_says_the_schedule_changes(store, tmp_path):
    """Tester: `--resume --max-steps 700` on a 600-step run moved the learning rate from
    2.0e-4 to 2.9e-4 without a word (a changed lr was warned about)."""
    import warnings

    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    tc = dict(max_steps=6, batch_size=4, max_len=16, stride=8, eval_every=0, save_every=100,
              progress=False, cpu_threads=1)  # fmt: skip
    Trainer(store, tmp_path / "r", mc, TrainConfig(**tc)).fit(stop_at=3)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        Trainer(store, tmp_path / "r", mc, TrainConfig(**tc | {"max_steps": 8})).fit(resume=True)
    said = " ".join(str(w.message) for w in seen)
    assert "max_steps 6 -> 8" in said and "learning-rate schedule" in said
    Trainer(store, tmp_path / "s", mc, TrainConfig(**tc)).fit(stop_at=3)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        Trainer(store, tmp_path / "s", mc, TrainConfig(**tc)).fit(resume=True)
    assert not any("max_steps" in str(w.message) for w in seen)


def test_eval_says_which_points_each_task_scores(store, tmp_path):
    """Tester: eval --help cites PROTOCOL.md (not in the repository) and `trajlm predict
    --holdout 5` gave other numbers than `eval --task predict` on the same trips (CV 87.7 vs
    89.1 m): nothing said eval scores the first 20 points -> next 5."""
    import json

    from reliability_helpers import invoke

    r = invoke("eval", "--task", "predict", "--data", store, "--out", tmp_path / "p.json")
    assert r.exit_code == 0, r.output
    assert "first 20 points in" in " ".join(r.output.split())
    assert "--holdout 5" in json.loads((tmp_path / "p.json").read_text())["task_definition"]
    assert "first 20 points in" in (tmp_path / "p.md").read_text()


def test_finetune_seeds_average_in_eval(tmp_path):
    """With `finetune --seed`, the fine-tunes of one recipe are seeds: eval's recipe key
    reads a fine-tune OUT through OUT/train (before: None, one row each, never averaged)."""
    import json

    from trajlm.cli_eval import recipe_key

    for seed in (0, 1):
        d = tmp_path / f"ft{seed}" / "train"
        d.mkdir(parents=True)
        (d / "config.json").write_text(json.dumps({"d_model": 16, "stats": {"s": seed}}))
        (d / "train_config.json").write_text(json.dumps({"lr": 1e-3, "seed": seed}))
        (d.parent / "finetune_summary.json").write_text("{}")
        (d.parent / "merged").mkdir()
    a, b = recipe_key(tmp_path / "ft0"), recipe_key(tmp_path / "ft1")
    assert a is not None and a == b


def test_recover_writes_the_input_time_text_back(tmp_path):
    """Tester: `trajlm recover --input gaps.csv` rewrote `2025-03-06T02:12:38+00:00` as
    `2025-03-06T02:12:38.000000+0000` (predict keeps the input's style); now every row's time
    text is the input's (here with +01:00 offsets), positions still filled."""
    import polars as pl
    from reliability_helpers import invoke

    from trajlm.data.features import NormStats
    from trajlm.data.synthetic import generate_city
    from trajlm.model import TrajectoryModel

    pts = generate_city(n_trajectories=3, seed=5).points.sort("traj_id", "t")
    k = pl.int_range(pl.len()).over("traj_id")
    hide = (k % 3 == 1) & (k < pl.len().over("traj_id") - 1)
    t = pl.from_epoch("t").dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/Paris")
    gaps = pts.select(
        pl.col("traj_id").alias("trip"), t.dt.strftime("%Y-%m-%dT%H:%M:%S%:z").alias("when"),
        pl.when(hide).then(None).otherwise(pl.col("lat")).alias("lat"),
        pl.when(hide).then(None).otherwise(pl.col("lon")).alias("lon"),
    )  # fmt: skip
    gaps.write_csv(tmp_path / "gaps.csv")
    torch.manual_seed(0)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    mc.stats = NormStats.fit(pts).to_dict()
    TrajectoryModel(mc).save_pretrained(tmp_path / "m")
    r = invoke("recover", "--model", tmp_path / "m", "--input", tmp_path / "gaps.csv",
               "--out", tmp_path / "filled.csv", "--traj-col", "trip", "--time-col", "when")  # fmt: skip
    assert r.exit_code == 0, r.output
    out = pl.read_csv(tmp_path / "filled.csv")
    assert out["when"].to_list() == gaps["when"].to_list()
    assert out["lat"].null_count() == 0 and out["recovered"].sum() == int(gaps["lat"].null_count())


@pytest.mark.parametrize("task", ["recover", "tte"])
def test_recover_and_tte_tables_have_paired_cis_to_the_best_baseline(store, task):
    """Tester: only `--task predict` had CIs; recover's "±" was over mask seeds and tte had
    none. Now each row's ratio to the strongest baseline with a paired bootstrap 95 % CI."""
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import run_eval

    res = run_eval(read_store(store), task, seeds=(0,), verbose=False)
    base = set(res.meta["baselines"])
    for setting in {r["setting"] for r in res.rows}:
        rows = [r for r in res.rows if r["setting"] == setting]
        for r in rows:
            got = r["ratio_to_best_baseline"]
            lo, hi = got["ci95"]
            assert got["baseline"] in base and lo <= got["ratio"] <= hi and got["n"] > 0
        assert min(r["ratio_to_best_baseline"]["ratio"] for r in rows if r["method"] in base) == 1
    assert "MAE / best baseline (95 % CI)" in res.to_markdown()
    assert "_per_traj" not in str(res.to_dict())
