"""What the pretrain-your-own-model tester (newuser3, ux8) found: resume on other data or with
another config, finetune --resume, empty splits, and the smaller corpus / ingest items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import TINY, copy, fails, invoke, said

from trajlm.data.ingest import synth_store


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """base/s, base/other: two 30-trajectory stores; base/run: a 3-step tiny run on base/s."""
    d = tmp_path_factory.mktemp("ux8")
    synth_store(d / "s", n_trajectories=30, seed=1, overwrite=False)
    synth_store(d / "other", n_trajectories=30, seed=2, overwrite=False)
    (d / "tiny.toml").write_text(TINY)
    r = invoke("train", "--data", d / "s", "--out", d / "run", "--config", d / "tiny.toml")
    assert r.exit_code == 0, r.output
    return d


def test_resume_on_other_data_is_refused_naming_both_stores(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    text = fails("train", "--data", base / "other", "--out", run, "--resume", "--max-steps", "5",
                 names=(str((base / "other").resolve()), str((base / "s").resolve()),
                        "--other-data", "finetune"), protect=(run,))  # fmt: skip
    assert text.count("\n") <= 1


def test_resume_on_other_data_with_the_option_continues(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    r = invoke("train", "--data", base / "other", "--out", run, "--resume", "--max-steps", "5",
               "--other-data")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "best/ is chosen again" in said(r), r.output
    assert json.loads((run / "train_summary.json").read_text())["steps"] == 5


def test_resume_on_a_copy_of_the_same_store_continues(base, tmp_path):
    run, store = copy(base / "run", tmp_path / "r"), copy(base / "s", tmp_path / "s2")
    r = invoke("train", "--data", store, "--out", run, "--resume", "--max-steps", "5")
    assert r.exit_code == 0, r.output


def test_resume_of_a_run_without_a_data_record_checks_its_stats(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    state = run / "trainer_state" / "state.json"
    d = json.loads(state.read_text())
    d.pop("data")
    state.write_text(json.dumps(d))
    fails("train", "--data", base / "other", "--out", run, "--resume", "--max-steps", "5",
          names=("not the store",), protect=(run,))  # fmt: skip


def test_resume_with_another_d_model_names_the_field(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY.replace("d_model = 16", "d_model = 32"))
    text = fails("train", "--data", base / "s", "--out", run, "--resume", "--config", cfg,
                 "--max-steps", "5", names=("d_model 16 -> 32", "same model config"),
                 protect=(run,))  # fmt: skip
    assert "damaged" not in text


def test_resume_with_another_weight_decay_is_refused(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY + "weight_decay = 0.5\n")
    fails("train", "--data", base / "s", "--out", run, "--resume", "--config", cfg,
          "--max-steps", "5", names=("weight_decay 0.05 -> 0.5",), protect=(run,))  # fmt: skip


def test_resume_with_another_lr_warns_naming_it(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY + "lr = 0.0005\n")
    r = invoke("train", "--data", base / "s", "--out", run, "--resume", "--config", cfg,
               "--max-steps", "5")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "lr 0.001 -> 0.0005" in said(r), r.output
    assert json.loads((run / "train_config.json").read_text())["lr"] == 0.0005


def test_resume_with_fewer_max_steps_than_reached_says_so(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    r = invoke("train", "--data", base / "s", "--out", run, "--resume", "--max-steps", "2")
    assert r.exit_code == 0, r.output
    assert "already at step 3" in said(r), r.output


class _StopAfter:
    """StopSignals whose `requested` turns true after `n` steps (a Ctrl-C at step n)."""

    n = 3

    def __init__(self, enabled: bool = True, repeat_stops: bool = True) -> None:
        self.calls = 0

    @property
    def requested(self) -> bool:
        self.calls += 1
        return self.calls >= self.n

    def agreed(self, device: object = None) -> bool:
        return self.requested

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", ["full", "lora"])
def test_finetune_resume_after_an_interrupt_is_bit_identical(base, tmp_path, monkeypatch, mode):
    args = ["finetune", "--task", "predict", "--model", base / "run", "--data", base / "s",
            "--mode", mode, "--steps", "6", "--threads", "1"]  # fmt: skip
    r = invoke(*args, "--out", tmp_path / "ref")
    assert r.exit_code == 0, r.output
    import trajlm.train.trainer as engine

    monkeypatch.setattr(engine, "StopSignals", _StopAfter)
    r = invoke(*args, "--out", tmp_path / "ft")
    assert r.exit_code == 130, r.output
    assert "interrupted at step 3 of 6" in said(r) and "--resume" in said(r), r.output
    monkeypatch.undo()
    r = invoke(*args, "--out", tmp_path / "ft", "--resume")
    assert r.exit_code == 0, r.output
    for f in ("merged/model.safetensors", "train/trainer_state/model.safetensors"):
        assert _digest(tmp_path / "ft" / f) == _digest(tmp_path / "ref" / f), f


def test_finetune_resume_is_refused_for_tasks_that_start_again(base, tmp_path):
    fails("finetune", "--task", "similarity", "--model", base / "run", "--data", base / "s",
          "--out", tmp_path / "o", "--resume", names=("--resume", "similarity"))  # fmt: skip


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> Path:
    """A store of 20 trips that all start between 00 and 04 h UTC (newuser3's fleet)."""
    d = tmp_path_factory.mktemp("night")
    rows = ["traj_id,t,lat,lon"]
    for i in range(20):
        t0 = 1709596800 + 86400 * (i % 5) + 600 * i  # 2024-03-05 00:00 UTC + days, + 10 min
        rows += [f"v{i},{t0 + 15 * k},{41.15 + 0.0004 * k + 0.001 * i},{-8.61 + 0.0003 * k}"
                 for k in range(12)]  # fmt: skip
    (d / "night.csv").write_text("\n".join(rows) + "\n")
    r = invoke("data", "ingest", d / "night.csv", "--format", "csv", "--out", d / "s")
    assert r.exit_code == 0, r.output
    return d


def test_resplit_leaving_test_empty_warns_with_counts_and_eval_says_one_line(night, tmp_path):
    r = invoke("data", "resplit", night / "s", "--by", "hour=6", "--out", tmp_path / "h6")
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "test split is empty" in text and "test 0" in text and "--by hour" in text, text
    text = fails("eval", "--task", "predict", "--data", tmp_path / "h6",
                 names=("test split is empty", "resplit"))  # fmt: skip
    assert text.count("\n") <= 1


def test_finetune_reads_test_only_when_asked(base, tmp_path):
    args = ["finetune", "--task", "predict", "--model", base / "run", "--data", base / "s",
            "--steps", "2", "--threads", "1"]  # fmt: skip
    r = invoke(*args, "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    assert "test_loss" not in json.loads((tmp_path / "a" / "finetune_summary.json").read_text())
    assert "test_loss" not in said(r)
    r = invoke(*args, "--out", tmp_path / "b", "--score-test")
    assert r.exit_code == 0, r.output
    assert "test_loss" in json.loads((tmp_path / "b" / "finetune_summary.json").read_text())


def test_finetuned_model_records_the_finetune_data_coverage(base, tmp_path):
    """base/run (trained on base/s) fine-tuned on base/other: merged/config.json's coverage
    joins both stores (sources, trajectory counts, speed ranges)."""
    r = invoke("finetune", "--task", "predict", "--model", base / "run", "--data", base / "other",
               "--steps", "2", "--threads", "1", "--out", tmp_path / "ft")  # fmt: skip
    assert r.exit_code == 0, r.output
    pre = json.loads((base / "run" / "config.json").read_text())["coverage"]
    ft = json.loads((tmp_path / "ft" / "merged" / "config.json").read_text())["coverage"]
    assert ft["n_trajectories"] > pre["n_trajectories"]
    assert ft["store"] == str(base / "other")
    lo, hi = ft["traj_speed_mps"]["p1"], ft["traj_speed_mps"]["p99"]
    assert lo <= pre["traj_speed_mps"]["p1"] and hi >= pre["traj_speed_mps"]["p99"]


def _fleet_csv(path: Path, owner_col: str) -> Path:
    """12 trips of 4 vehicles (3 each), 10 points per trip, with an owner column."""
    rows = [f"traj_id,t,lat,lon,{owner_col}"]
    for i in range(12):
        t0 = 1709596800 + 3600 * i
        rows += [f"trip{i},{t0 + 15 * k},{41.15 + 0.0004 * k},{-8.61 + 0.001 * i},car{i % 4}"
                 for k in range(10)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    "owner_col, extra", [("vehicle_id", []), ("Vehicle No.", ["--vehicle-col", "Vehicle No."])]
)
def test_ingest_keeps_an_owner_column_so_resplit_by_user_works(tmp_path, owner_col, extra):
    csv = _fleet_csv(tmp_path / "fleet.csv", owner_col)
    r = invoke("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s", *extra)
    assert r.exit_code == 0, r.output
    r = invoke("data", "resplit", tmp_path / "s", "--by", "user", "--out", tmp_path / "u")
    assert r.exit_code == 0, r.output


def test_resplit_by_user_without_owner_names_the_option(base, tmp_path):
    csv = tmp_path / "plain.csv"
    csv.write_text(_fleet_csv(tmp_path / "x.csv", "colour").read_text())
    r = invoke("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    fails("data", "resplit", tmp_path / "s", "--by", "user", "--out", tmp_path / "u",
          names=("--vehicle-col",))  # fmt: skip


def test_vehicle_col_that_is_not_a_column_is_named(tmp_path):
    csv = _fleet_csv(tmp_path / "fleet.csv", "vehicle_id")
    fails("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s",
          "--vehicle-col", "Vehicle", names=("--vehicle-col", "'Vehicle'"))  # fmt: skip


def _dmy_csv(path: Path, n_good: int = 0) -> Path:
    """Trips with dd/mm/YYYY times (unparseable without --time-format), then n_good ISO rows."""
    rows = ["traj_id,t,lat,lon"]
    for i in range(3):
        rows += [f"a{i},01/07/2013 00:0{k}:00,{41.15 + 0.0004 * k},-8.61" for k in range(8)]
    rows += [f"g,2013-07-01T00:{k:02d}:00Z,{41.15 + 0.0004 * k},-8.6" for k in range(n_good)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_skip_mode_with_every_row_failing_says_the_first_reason(tmp_path):
    csv = _dmy_csv(tmp_path / "dmy.csv")
    fails("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s", "--on-error", "skip",
          names=("malformed_row", "first skipped row", "01/07/2013 00:00:00", "line 2"))  # fmt: skip


def test_skip_mode_with_most_rows_failing_warns_with_the_first_reason(tmp_path):
    csv = _dmy_csv(tmp_path / "dmy.csv", n_good=6)
    r = invoke("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s",
               "--on-error", "skip")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "most rows were skipped" in said(r) and "01/07/2013" in said(r), r.output


def _odd_csv(path: Path) -> Path:
    """_fleet_csv's trips under the column names of newuser3's fleet export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _fleet_csv(path, "car").read_text()
    path.write_text(
        text.replace("traj_id,t,lat,lon,car", "Journey,When,Lat (deg),Lon (deg),car", 1)
    )
    return path


def test_corpus_reads_upper_case_csv_and_a_source_columns_table(tmp_path):
    from trajlm.data.corpus import build_corpus, load_corpus_spec

    root = tmp_path / "root"
    _odd_csv(root / "fleet" / "odd.csv")
    (root / "upper").mkdir()
    _fleet_csv(root / "upper" / "A.CSV", "vehicle_id")
    _odd_csv(root / "other" / "odd.csv")  # found, but its columns are not recognised
    (tmp_path / "spec.toml").write_text("""
[corpus]
name = "own"
discover = true
val_trips_per_source = 2

[[source]]
name = "fleet"
format = "csv"
path = "fleet/odd.csv"
columns = { traj_id = "Journey", t = "When", lat = "Lat (deg)", lon = "Lon (deg)" }
""")
    lines: list[str] = []
    spec = load_corpus_spec(tmp_path / "spec.toml", data_root=str(root))
    record = build_corpus(spec, tmp_path / "corpus", log=lines.append)
    log = "\n".join(lines)
    assert sorted(s["name"] for s in record["sources"]) == ["fleet", "upper"], log
    assert "skipping source other" in log and "columns = {traj_id" in log, log
    assert "--traj-col" not in log


def test_corpus_columns_table_with_an_unknown_key_names_the_keys(tmp_path):
    from trajlm.data.corpus import load_corpus_spec
    from trajlm.errors import ConfigError

    (tmp_path / "spec.toml").write_text(
        '[[source]]\nname = "a"\nformat = "csv"\npath = "a.csv"\ncolumns = { trajectory = "x" }\n'
    )
    with pytest.raises(ConfigError, match="a columns table takes traj_id, t, lat, lon"):
        load_corpus_spec(tmp_path / "spec.toml")


ROOT = Path(__file__).resolve().parent.parent


def test_bench_similarity_does_not_replace_the_committed_result_unless_asked(tmp_path):
    import subprocess
    import sys

    tracked = ROOT / "bench" / "results" / "similarity.json"
    before = tracked.read_bytes()
    try:
        r = subprocess.run([sys.executable, "bench/similarity.py", "--n", "12", "--points", "10",
                            "--naive-pairs", "2"], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert tracked.read_bytes() == before and "not written" in r.stdout
        r = subprocess.run([sys.executable, "bench/similarity.py", "--n", "12", "--points", "10",
                            "--naive-pairs", "2", "--out", str(tmp_path / "s.json")], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
        assert r.returncode == 0 and (tmp_path / "s.json").exists(), r.stderr
    finally:
        tracked.write_bytes(before)


def test_bench_ddp_worker_failure_is_one_line(tmp_path, monkeypatch):
    import importlib.util
    import sys
    from types import SimpleNamespace

    spec = importlib.util.spec_from_file_location("bench_ddp", ROOT / "bench" / "ddp.py")
    ddp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ddp)
    monkeypatch.setattr(ddp, "TORCHRUN", sys.executable)  # `python --standalone ...` fails
    args = SimpleNamespace(store=tmp_path, steps=1, warmup=0, batch=1, max_len=4, d_model=8,
                           n_layers=1, device="cpu", bf16=False, compile=False)  # fmt: skip
    with pytest.raises(SystemExit, match=r"the profile worker \(1 process\(es\)\) failed, exit"):
        ddp.standalone(args, "profile", 1, tmp_path / "w")


def test_train_warns_when_warmup_outlasts_the_run(base, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY.replace("warmup_steps = 1", "warmup_steps = 10"))
    r = invoke("train", "--data", base / "s", "--out", tmp_path / "r", "--config", cfg)
    assert r.exit_code == 0, r.output
    assert "warmup_steps 10 > max_steps 3" in said(r), r.output


def test_make_pretrain_takes_steps_as_well_as_pretrain_steps():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("no make")

    def steps(*extra: str) -> str:
        out = subprocess.run(["make", "-n", "pretrain", *extra], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env={"PATH": "/usr/bin:/bin"}).stdout  # fmt: skip
        line = next(x for x in out.splitlines() if "scripts/pretrain.sh" in x)
        return line.split("STEPS=")[1].split()[0]

    assert steps("STEPS=150") == "150"
    assert steps("PRETRAIN_STEPS=300") == "300"
    assert steps() == "20000"


@pytest.mark.slow
def test_ddp_sigterm_saves_the_step_reached_and_resume_is_bit_identical(base, tmp_path):
    """kill -TERM torchrun (2 gloo ranks) mid-run: rank 0 saves at the step the ranks agreed on;
    --resume on 2 ranks ends on the weights of an uninterrupted 2-rank run."""
    import hashlib
    import os
    import signal
    import subprocess
    import sys
    import time

    cfg = tmp_path / "c.toml"
    cfg.write_text(
        TINY.replace("max_steps = 3", "max_steps = 40")
        .replace("save_every = 2", "save_every = 100")
        .replace("shuffle_buffer = 8", "shuffle_buffer = 0")
    )
    torchrun = str(Path(sys.executable).with_name("torchrun"))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}

    def cmd(run: Path, *extra: str) -> list[str]:
        return [torchrun, "--standalone", "--nproc_per_node", "2", "-m", "trajlm.cli", "train",
                "--data", str(base / "s"), "--out", str(run), *extra]  # fmt: skip

    run = tmp_path / "run"
    p = subprocess.Popen(cmd(run, "--config", str(cfg)), env={**env, "TRAJLM_DEBUG_STEP_SLEEP_S":
                         "0.3"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    metrics = run / "metrics.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not metrics.exists() or
                                      len(metrics.read_text().splitlines()) < 5):  # fmt: skip
        time.sleep(0.5)
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=120)
    assert "interrupted at step" in out, out[-3000:]
    step = json.loads((run / "trainer_state" / "state.json").read_text())["step"]
    assert 5 <= step < 40
    r = subprocess.run(cmd(run, "--resume"), env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    ref = tmp_path / "ref"
    r = subprocess.run(cmd(ref, "--config", str(cfg)), env=env, capture_output=True, text=True,
                       timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]

    def digest(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()

    assert digest(run / "model.safetensors") == digest(ref / "model.safetensors")


def test_unix_ms_forced_on_seconds_says_so(tmp_path):
    csv = tmp_path / "s.csv"
    rows = ["traj_id,t,lat,lon"] + [f"a,{1616199720 + 10 * k},41.15,{-8.61 + 0.0003 * k}"
                                    for k in range(10)]  # fmt: skip
    csv.write_text("\n".join(rows) + "\n")
    fails("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "o", "--on-error", "skip",
          "--time-format", "unix_ms", names=("Unix milliseconds", "--time-format unix"))  # fmt: skip


def test_store_frame_config_on_a_multi_city_corpus_warns(tmp_path):
    from trajlm.data.corpus import build_corpus, load_corpus_spec

    city = 'city = {{ n_trajectories = 30, seed = {s}, start_date = "2024-03-04", n_days = 2 }}'
    (tmp_path / "spec.toml").write_text(
        '[corpus]\nname = "two"\nval_trips_per_source = 3\n'
        + "".join(
            f'[[source]]\nname = "c{s}"\nformat = "synthetic"\n{city.format(s=s)}\n' for s in (0, 1)
        )  # fmt: skip
    )
    build_corpus(load_corpus_spec(tmp_path / "spec.toml"), tmp_path / "corpus", log=lambda _: None)
    (tmp_path / "tiny.toml").write_text(TINY)
    r = invoke("train", "--data", tmp_path / "corpus", "--out", tmp_path / "r", "--config",
               tmp_path / "tiny.toml")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert 'corpora need position_frame = "trajectory"' in said(r), r.output
