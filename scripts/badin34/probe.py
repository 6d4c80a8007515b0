"""badin34: hostile inputs on the oldest, most-used surfaces, one line a case, classified by hand
(scripts/badin34/classes.py): `trajlm train` / `finetune` / `eval` options and TOML configs
(wrong types, unknown keys, NaN lr, zero / negative steps, `--resume` on another run's folder,
a run folder that is a file, `--shift` / `--windows` / `--horizon-s` grammar, `--split`);
`TrajLM.fit` / `predict` / `at_times` / `recover` / `travel_time` / `embed` / `classify` /
`similar` / `evaluate` given subtly wrong frames (duplicate times, tz mixes, int8 / uint64 /
decimal / categorical / string columns, swapped lat/lon, 1-row trips, a 10^6-row trip, NaT,
float / mixed ids, a MultiIndex, a column named twice); checkpoints (a file missing, an edited
config.json, a half-written safetensors, a task model whose base changed); HTTP (huge bodies,
wrong content types, NaN in JSON, concurrent requests); `trajlm data corpus` specs.
CLI calls run in process (typer's CliRunner), HTTP through FastAPI's TestClient.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin34/probe.py [OUT_DIR]
(default /tmp/badin34/probe; ~4 min on 2 busy cores)
"""

# fmt: off
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import threading
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import TINY_TOML, Cases, cli_said  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin34/probe")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
say = Cases(got=260, warn=170, warn_total=600, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored")


def cli(*args: object):
    """A CLI call in process: exit code, any exception that is not SystemExit, the lines that
    say something (errors, warnings, what was written)."""
    return lambda: cli_said(app, args, WORDS, 520)


# ---- fixtures: a small synthetic store, a tiny config, a tiny run (5 steps)
F = OUT / "fix"
F.mkdir()
STORE, RUN = F / "store", F / "run"
TINY = TINY_TOML
(F / "tiny.toml").write_text(TINY)
assert CliRunner().invoke(app, ["data", "synth", "-o", str(STORE), "-n", "60"]).exit_code == 0
r = CliRunner().invoke(app, ["train", "--data", str(STORE), "--out", str(RUN), "--config", str(F / "tiny.toml"), "--max-steps", "5", "--threads", "1"])
assert r.exit_code == 0, r.output


def cfg(name: str, text: str) -> Path:
    p = F / name
    p.write_text(text)
    return p


def tr(cfg_path: Path | str, *extra: str, out: str | None = None, steps: str = "2"):
    o = out or str(F / f"r_{Path(str(cfg_path)).stem}")
    return cli("train", "--data", STORE, "--out", o, "--config", cfg_path, "--max-steps", steps, "--threads", "1", "--no-val-check", *extra)


def limited(cfg_path: Path):
    """`trajlm train` in a child process held to 6 GB of address space and 180 s: a config that
    asks for more memory than the machine has must not take the shared machine down."""
    def run() -> str:
        import resource
        import subprocess

        lim = lambda: resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))  # noqa: E731
        cmd = [sys.executable, "-m", "trajlm.cli", "train", "--data", str(STORE), "--out", str(F / f"r_{cfg_path.stem}"),
               "--config", str(cfg_path), "--max-steps", "2", "--threads", "1", "--no-val-check"]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=180, preexec_fn=lim, cwd=OUT)  # not the repo: -m puts the cwd first on sys.path
        except subprocess.TimeoutExpired:
            return "hang: no answer in 180 s"
        lines = [ln.strip(" │╭╰─") for ln in (res.stdout + res.stderr).splitlines() if ln.strip(" │╭╰─")]
        said = " / ".join(ln for ln in lines if any(w in ln for w in WORDS) or "Error" in ln)
        return f"exit={res.returncode} :: {said[-520:]}"
    return run


# ---- TOML configs given to `trajlm train`
def with_line(section: str, line: str, drop: str | None = None) -> str:
    text = "\n".join(ln for ln in TINY.splitlines() if drop is None or not ln.startswith(drop + " "))
    return text.replace(f"[{section}]", f"[{section}]\n{line}")


say("train tiny config (fine)", tr(F / "tiny.toml"))
say("train [train] unknown key lr_rate", tr(cfg("c_unknown.toml", with_line("train", "lr_rate = 1e-3"))))
say("train [trian] unknown section", tr(cfg("c_section.toml", TINY + "\n[trian]\nlr = 1e-3\n")))
say("train lr = 'fast' (text)", tr(cfg("c_lrtext.toml", with_line("train", 'lr = "fast"', drop="lr"))))
say("train lr = nan", tr(cfg("c_lrnan.toml", with_line("train", "lr = nan", drop="lr"))))
say("train lr = inf", tr(cfg("c_lrinf.toml", with_line("train", "lr = inf", drop="lr"))))
say("train lr = -1e-3", tr(cfg("c_lrneg.toml", with_line("train", "lr = -1e-3", drop="lr"))))
say("train lr = 0", tr(cfg("c_lr0.toml", with_line("train", "lr = 0", drop="lr"))))
say("train lr = '2e-3' (number as text)", tr(cfg("c_lrstr.toml", with_line("train", 'lr = "2e-3"', drop="lr"))))
say("train batch_size = 0", tr(cfg("c_bs0.toml", with_line("train", "batch_size = 0", drop="batch_size"))))
say("train batch_size = -4", tr(cfg("c_bsneg.toml", with_line("train", "batch_size = -4", drop="batch_size"))))
say("train batch_size = 2.5", tr(cfg("c_bsfloat.toml", with_line("train", "batch_size = 2.5", drop="batch_size"))))
say("train batch_size = true", tr(cfg("c_bsbool.toml", with_line("train", "batch_size = true", drop="batch_size"))))
say("train max_steps = 0 in TOML (no --max-steps)", cli("train", "--data", STORE, "--out", F / "r_ms0", "--config", cfg("c_ms0.toml", with_line("train", "max_steps = 0")), "--threads", "1", "--no-val-check"))
say("train max_steps = -5 in TOML", cli("train", "--data", STORE, "--out", F / "r_msneg", "--config", cfg("c_msneg.toml", with_line("train", "max_steps = -5")), "--threads", "1", "--no-val-check"))
say("train warmup_steps = -5", tr(cfg("c_wneg.toml", with_line("train", "warmup_steps = -5", drop="warmup_steps"))))
say("train eval_every = 0", tr(cfg("c_ev0.toml", with_line("train", "eval_every = 0", drop="eval_every"))))
say("train save_every = 0", tr(cfg("c_sv0.toml", with_line("train", "save_every = 0", drop="save_every"))))
say("train stride = 0", tr(cfg("c_st0.toml", with_line("train", "stride = 0", drop="stride"))))
say("train [train] max_len = 1", tr(cfg("c_ml1.toml", with_line("train", "max_len = 1", drop="max_len"))))
say("train [train] max_len 100 > model's 32", tr(cfg("c_ml100.toml", with_line("train", "max_len = 100", drop="max_len").replace("max_len = 32", "max_len = 32"))))
say("train cpu_threads = 0", tr(cfg("c_thr0.toml", with_line("train", "cpu_threads = 0", drop="cpu_threads"))))
say("train seed = -1 in TOML", tr(cfg("c_seedneg.toml", with_line("train", "seed = -1"))))
say("train seed = 1.5 in TOML", tr(cfg("c_seedf.toml", with_line("train", "seed = 1.5"))))
say("train [model] d_model = 15, n_heads 2", tr(cfg("c_dm15.toml", with_line("model", "d_model = 15", drop="d_model"))))
say("train [model] n_heads = 0", tr(cfg("c_nh0.toml", with_line("model", "n_heads = 0", drop="n_heads"))))
say("train [model] n_layers = 0", tr(cfg("c_nl0.toml", with_line("model", "n_layers = 0", drop="n_layers"))))
say("train [model] n_kv_heads = 3 (not dividing 2)", tr(cfg("c_kv3.toml", with_line("model", "n_kv_heads = 3", drop="n_kv_heads"))))
say("train [model] head = 'gausian' (typo)", tr(cfg("c_head.toml", with_line("model", 'head = "gausian"', drop="head"))))
say("train [model] pos_type = 'nope'", tr(cfg("c_pos.toml", with_line("model", 'pos_type = "nope"', drop="pos_type"))))
say("train [model] dropout = 1.5", tr(cfg("c_dr15.toml", with_line("model", "dropout = 1.5"))))
say("train [model] dropout = -0.1", tr(cfg("c_drneg.toml", with_line("model", "dropout = -0.1"))))
say("train [model] unknown key d_modle", tr(cfg("c_dmodle.toml", with_line("model", "d_modle = 32"))))
say("train [model] max_len = 0", tr(cfg("c_mml0.toml", with_line("model", "max_len = 0", drop="max_len"))))
say("train keys at the top level, no sections", tr(cfg("c_flat.toml", "d_model = 16\nlr = 1e-3\n")))
say("train TOML syntax error", tr(cfg("c_syntax.toml", TINY.replace("lr = 2e-3", "lr = = 2e-3"))))
say("train empty config file", tr(cfg("c_empty.toml", "")))
say("train config a JSON file (fine)", tr(cfg("c_json.json", json.dumps({"model": {"d_model": 16, "n_layers": 1, "n_heads": 2, "n_kv_heads": 1, "max_len": 32}, "train": {"batch_size": 8, "max_len": 24, "stride": 12, "cpu_threads": 1}}))))
say("train config JSON with a trailing comma", tr(cfg("c_badjson.json", '{"model": {"d_model": 16,}}')))
say("train config a YAML file", tr(cfg("c_yaml.yaml", "model:\n  d_model: 16\n")))
say("train config a folder", tr(F))
say("train config missing file", tr(F / "no_such.toml"))
say("train [model] written as an array [[model]]", tr(cfg("c_arr.toml", TINY.replace("[model]", "[[model]]"))))
say("train [train] lr given twice", tr(cfg("c_twice.toml", with_line("train", "lr = 1e-3"))))
say("train [train] batch_size = 1e9", limited(cfg("c_bshuge.toml", with_line("train", "batch_size = 1000000000", drop="batch_size"))))
say("train [model] d_model = 1e9 (memory)", limited(cfg("c_dmhuge.toml", with_line("model", "d_model = 1000000000", drop="d_model"))))

# ---- `trajlm train` options and folders
say("train --max-steps 0", cli("train", "--data", STORE, "--out", F / "o1", "--config", F / "tiny.toml", "--max-steps", "0"))
say("train --max-steps -1", cli("train", "--data", STORE, "--out", F / "o2", "--config", F / "tiny.toml", "--max-steps", "-1"))
say("train --max-steps 2.5", cli("train", "--data", STORE, "--out", F / "o3", "--config", F / "tiny.toml", "--max-steps", "2.5"))
say("train --seed -1", cli("train", "--data", STORE, "--out", F / "o4", "--config", F / "tiny.toml", "--seed", "-1"))
say("train --device tpu", tr(F / "tiny.toml", "--device", "tpu", out=str(F / "o5")))
say("train --device cuda (none here)", tr(F / "tiny.toml", "--device", "cuda", out=str(F / "o6")))
say("train --threads 0", cli("train", "--data", STORE, "--out", F / "o7", "--config", F / "tiny.toml", "--threads", "0"))
say("train --data missing", cli("train", "--data", F / "no_store", "--out", F / "o8", "--config", F / "tiny.toml"))
(F / "points.csv").write_text("traj_id,t,lat,lon\n" + "".join(f"a,{1700000000 + 10 * i},41.15,{-8.61 + 1e-4 * i}\n" for i in range(30)))
say("train --data a CSV file (not a store)", tr(F / "tiny.toml", "--data", F / "points.csv", out=str(F / "o9")))
(F / "empty_dir").mkdir()
say("train --data an empty folder", cli("train", "--data", F / "empty_dir", "--out", F / "o10", "--config", F / "tiny.toml"))
(F / "a_file").write_text("mine\n")
say("train --out an existing file", tr(F / "tiny.toml", out=str(F / "a_file")))
say("train --out the finished run again (no --overwrite)", tr(F / "tiny.toml", out=str(RUN)))
shutil.copytree(STORE, F / "store_copy")
say("train --out the store itself --overwrite", tr(F / "tiny.toml", "--overwrite", out=str(F / "store_copy")))
say("train --out inside the store", tr(F / "tiny.toml", out=str(F / "store_copy" / "run")))
(F / "user_dir").mkdir()
(F / "user_dir" / "notes.txt").write_text("mine\n")
say("train --out a folder of the user's files --overwrite", tr(F / "tiny.toml", "--overwrite", out=str(F / "user_dir")))
say("train --resume on a folder that does not exist", tr(F / "tiny.toml", "--resume", out=str(F / "never")))
say("train --resume on an empty folder", tr(F / "tiny.toml", "--resume", out=str(F / "empty_dir")))
say("train --resume on a file", tr(F / "tiny.toml", "--resume", out=str(F / "a_file")))
say("train --resume with --overwrite", tr(F / "tiny.toml", "--resume", "--overwrite", out=str(RUN)))
shutil.copytree(RUN, F / "run_other")
say("train --resume another run's folder, another config (d_model 32)", tr(cfg("c_d32.toml", with_line("model", "d_model = 32", drop="d_model")), "--resume", out=str(F / "run_other"), steps="8"))
say("train --resume another run's folder, another lr", tr(cfg("c_lr5.toml", with_line("train", "lr = 5e-3", drop="lr")), "--resume", out=str(F / "run_other"), steps="8"))
say("train --resume on another store", cli("train", "--data", F / "store2", "--out", F / "run_other", "--config", F / "tiny.toml", "--max-steps", "8", "--resume", "--no-val-check") if False else (lambda: (CliRunner().invoke(app, ["data", "synth", "-o", str(F / "store2"), "-n", "30", "--seed", "3"]), cli("train", "--data", F / "store2", "--out", F / "run_other", "--config", F / "tiny.toml", "--max-steps", "8", "--resume", "--no-val-check", "--threads", "1")())[1]))
say("train --resume --max-steps below the steps done", tr(F / "tiny.toml", "--resume", out=str(F / "run_other"), steps="1"))
say("train --resume a run whose trainer_state is gone", (lambda: (shutil.copytree(RUN, F / "run_nostate"), shutil.rmtree(F / "run_nostate" / "trainer_state"), tr(F / "tiny.toml", "--resume", out=str(F / "run_nostate"), steps="8")())[2]))
say("train --resume a run whose trainer_state is cut", (lambda: (shutil.copytree(RUN, F / "run_cutstate"), [p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]) for p in (F / "run_cutstate" / "trainer_state").rglob("*") if p.is_file()], tr(F / "tiny.toml", "--resume", out=str(F / "run_cutstate"), steps="8")())[2]))

# ---- `trajlm finetune`
FT = lambda *a: cli("finetune", "--model", RUN, "--data", STORE, "--threads", "1", "--no-val-check", *a)  # noqa: E731
say("finetune predict 2 steps (fine)", FT("--out", F / "ft1", "--steps", "2"))
say("finetune --task nope", FT("--out", F / "ft2", "--task", "nope"))
say("finetune --mode nope", FT("--out", F / "ft3", "--mode", "nope", "--steps", "2"))
say("finetune --steps 0", FT("--out", F / "ft4", "--steps", "0"))
say("finetune --fraction 0", FT("--out", F / "ft5", "--steps", "2", "--fraction", "0"))
say("finetune --fraction -0.5", FT("--out", F / "ft6", "--steps", "2", "--fraction", "-0.5"))
say("finetune --fraction 1.5", FT("--out", F / "ft7", "--steps", "2", "--fraction", "1.5"))
say("finetune --fraction nan", FT("--out", F / "ft8", "--steps", "2", "--fraction", "nan"))
say("finetune --model a store", cli("finetune", "--model", STORE, "--data", STORE, "--out", F / "ft9", "--steps", "2"))
say("finetune --model missing", cli("finetune", "--model", F / "no_run", "--data", STORE, "--out", F / "ft10", "--steps", "2"))
say("finetune --out the --model run --overwrite", FT("--out", F / "run_other", "--steps", "2", "--overwrite"))
say("finetune --out the store", FT("--out", STORE, "--steps", "2", "--overwrite"))
say("finetune similarity --lr nan", FT("--out", F / "ft11", "--task", "similarity", "--epochs", "1", "--lr", "nan"))
say("finetune similarity --lr -1", FT("--out", F / "ft12", "--task", "similarity", "--epochs", "1", "--lr", "-1"))
say("finetune classify --head nope", FT("--out", F / "ft13", "--task", "classify", "--head", "nope", "--epochs", "1"))
say("finetune classify --batch-size abc", FT("--out", F / "ft14", "--task", "classify", "--batch-size", "abc", "--epochs", "1"))
say("finetune classify --batch-size 0", FT("--out", F / "ft15", "--task", "classify", "--batch-size", "0", "--epochs", "1"))
say("finetune classify --class-weight nope", FT("--out", F / "ft16", "--task", "classify", "--class-weight", "nope", "--epochs", "1"))
say("finetune classify --split-by nope", FT("--out", F / "ft17", "--task", "classify", "--split-by", "nope", "--epochs", "1"))
say("finetune --resume on an empty folder", FT("--out", F / "empty_dir", "--steps", "2", "--resume"))
say("finetune --lr with task predict (not read)", FT("--out", F / "ft18", "--steps", "2", "--lr", "0.5"))
say("finetune --epochs with task predict (not read)", FT("--out", F / "ft19", "--steps", "2", "--epochs", "3"))
say("finetune --mode lora --lora-r 0", FT("--out", F / "ft20", "--steps", "2", "--mode", "lora", "--lora-r", "0"))
say("finetune --mode selective --n-last 99", FT("--out", F / "ft21", "--steps", "2", "--mode", "selective", "--n-last", "99"))

# ---- `trajlm eval`
EV = lambda *a: cli("eval", "--data", STORE, "--threads", "1", *a)  # noqa: E731
say("eval predict baselines only (fine)", EV("--task", "predict"))
say("eval --task nope", EV("--task", "nope"))
say("eval --task Predict (case)", EV("--task", "Predict"))
say("eval --model a store", EV("--task", "predict", "--model", STORE))
say("eval --model missing", EV("--task", "predict", "--model", F / "no_run"))
say("eval --model a file", EV("--task", "predict", "--model", F / "a_file"))
say("eval --shift clock=+8h (fine)", EV("--task", "predict", "--model", RUN, "--shift", "clock=+8h"))
say("eval --shift clock=+8x", EV("--task", "predict", "--model", RUN, "--shift", "clock=+8x"))
say("eval --shift clock= (no value)", EV("--task", "predict", "--model", RUN, "--shift", "clock="))
say("eval --shift weekday=+8", EV("--task", "predict", "--model", RUN, "--shift", "weekday=+8"))
say("eval --shift nonsense", EV("--task", "predict", "--model", RUN, "--shift", "nonsense"))
say("eval --shift clock=+8h without --model", EV("--task", "predict", "--shift", "clock=+8h"))
say("eval --shift clock=+8h,weekday=+1 (one option)", EV("--task", "predict", "--model", RUN, "--shift", "clock=+8h,weekday=+1"))
say("eval --shift with task recover", EV("--task", "recover", "--model", RUN, "--shift", "clock=+8h"))
say("eval --windows 0", EV("--task", "predict", "--windows", "0"))
say("eval --windows -1", EV("--task", "predict", "--windows", "-1"))
say("eval --windows abc", EV("--task", "predict", "--windows", "abc"))
say("eval --windows 1.5", EV("--task", "predict", "--windows", "1.5"))
say("eval --windows ALL", EV("--task", "predict", "--windows", "ALL"))
say("eval --windows all with task tte", EV("--task", "tte", "--windows", "all"))
say("eval --horizon-s 0", EV("--task", "predict", "--horizon-s", "0"))
say("eval --horizon-s -60", EV("--task", "predict", "--horizon-s", "-60"))
say("eval --horizon-s abc", EV("--task", "predict", "--horizon-s", "abc"))
say("eval --horizon-s '60,,300'", EV("--task", "predict", "--horizon-s", "60,,300"))
say("eval --horizon-s nan", EV("--task", "predict", "--horizon-s", "nan"))
say("eval --horizon-s inf", EV("--task", "predict", "--horizon-s", "inf"))
say("eval --horizon-s '60;300'", EV("--task", "predict", "--horizon-s", "60;300"))
say("eval --horizon-s 5m", EV("--task", "predict", "--horizon-s", "5m"))
say("eval --max-gap-s 0 with --horizon-s 60", EV("--task", "predict", "--horizon-s", "60", "--max-gap-s", "0"))
say("eval --max-gap-s nan with --horizon-s 60", EV("--task", "predict", "--horizon-s", "60", "--max-gap-s", "nan"))
say("eval --max-gap-s -1 with --horizon-s 60", EV("--task", "predict", "--horizon-s", "60", "--max-gap-s", "-1"))
say("eval --score-on train", EV("--task", "predict", "--score-on", "train"))
say("eval --holdout-by hour=25", EV("--task", "predict", "--holdout-by", "hour=25"))
say("eval --holdout-by hour=x", EV("--task", "predict", "--holdout-by", "hour=x"))
say("eval --holdout-by nope", EV("--task", "predict", "--holdout-by", "nope"))
say("eval --context nope", EV("--task", "predict", "--model", RUN, "--context", "nope"))
say("eval --seeds 0", EV("--task", "recover", "--seeds", "0"))
say("eval --out the store folder", EV("--task", "predict", "--out", STORE))
say("eval --out an existing file of the user's", EV("--task", "predict", "--out", F / "a_file"))
say("eval --at-report-times with task recover", EV("--task", "recover", "--at-report-times"))
say("eval --save-verdict with task predict", EV("--task", "predict", "--model", RUN, "--save-verdict"))
say("eval --data a CSV file", cli("eval", "--task", "predict", "--data", F / "points.csv"))
say("eval --split-by nope (task classify)", EV("--task", "classify", "--split-by", "nope"))
say("eval --classes nope (task classify)", EV("--task", "classify", "--classes", "nope"))

# ---- `trajlm predict --split` / --holdout
PD = lambda *a: cli("predict", "--model", RUN, "--input", STORE, "--threads", "1", "--steps", "1", *a)  # noqa: E731
say("predict --split val (fine)", PD("--split", "val", "--out", F / "p1.csv"))
say("predict --split Test (case)", PD("--split", "Test", "--out", F / "p2.csv"))
say("predict --split validation", PD("--split", "validation", "--out", F / "p3.csv"))
say("predict --split '' (empty)", PD("--split", "", "--out", F / "p4.csv"))
say("predict --split val on a CSV", cli("predict", "--model", RUN, "--input", F / "points.csv", "--steps", "1", "--split", "val", "--out", F / "p5.csv"))
say("predict --holdout 100 (longer than trips)", PD("--holdout", "100", "--out", F / "p6.csv"))
say("predict --steps 0", PD("--steps", "0", "--out", F / "p7.csv"))
say("predict --out the --input CSV", cli("predict", "--model", RUN, "--input", F / "points.csv", "--steps", "1", "--out", F / "points.csv", "--overwrite"))

# ---- Python API: frames subtly wrong
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
T0 = 1772359200
base = pl.DataFrame({"traj_id": [f"c{j}" for j in range(3) for _ in range(12)], "t": [T0 + 15 * k + 3600 * j for j in range(3) for k in range(12)], "lat": [41.15 + 1e-4 * j for j in range(3) for _ in range(12)], "lon": [-8.61 + 0.0012 * k for _ in range(3) for k in range(12)]})
pdb = base.to_pandas()


def P(d, **kw):  # noqa: N802
    def run():
        o = lm.predict(d, **{"steps": 1, **kw})
        o = pl.from_pandas(o.reset_index(drop=True)) if isinstance(o, pd.DataFrame) else o
        o = o.collect() if isinstance(o, pl.LazyFrame) else o  # type in = type out
        return f"{o.shape} {o.select(o.columns[:4]).head(2).rows()}"
    return run


say("predict (fine)", P(base))
say("predict duplicate timestamps (every fix twice)", P(pl.concat([base, base]).sort("traj_id", "t")))
say("predict duplicate timestamp, other position", P(pl.concat([base, base.filter(pl.col("t") == pl.col("t").max().over("traj_id")).with_columns(lat=pl.col("lat") + 0.01)])))
say("predict all fixes of a trip at one time", P(base.with_columns(t=pl.lit(T0))))
say("predict pandas tz-naive datetimes", P(pdb.assign(t=pd.to_datetime(pdb["t"], unit="s"))))
say("predict pandas tz-aware Europe/Lisbon", P(pdb.assign(t=pd.to_datetime(pdb["t"], unit="s", utc=True).dt.tz_convert("Europe/Lisbon"))))
say("predict object column mixing naive and aware datetimes", P(pdb.assign(t=[dt.datetime.fromtimestamp(x, dt.UTC) if i % 2 else dt.datetime.fromtimestamp(x, dt.UTC).replace(tzinfo=None) for i, x in enumerate(pdb["t"])])))
say("predict ISO text mixing Z and +01:00", P(base.with_columns(t=pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).otherwise((pl.from_epoch("t") + pl.duration(hours=1)).dt.strftime("%Y-%m-%dT%H:%M:%S+01:00")))))
say("predict ISO text, one trip Z, one trip naive", P(base.with_columns(t=pl.when(pl.col("traj_id") == "c0").then(pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).otherwise(pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%S")))))
say("predict lat/lon int8 (41, -8)", P(base.with_columns(lat=pl.lit(41, pl.Int8), lon=(pl.int_range(pl.len()) % 3 - 8).cast(pl.Int8))))
say("predict t uint64", P(base.with_columns(t=pl.col("t").cast(pl.UInt64))))
say("predict t uint32", P(base.with_columns(t=pl.col("t").cast(pl.UInt32))))
say("predict lat Decimal (pandas object)", P(pdb.assign(lat=[Decimal(str(x)) for x in pdb["lat"]])))
say("predict lat/lon polars Decimal", P(base.with_columns(lat=pl.col("lat").cast(pl.Decimal(10, 6)), lon=pl.col("lon").cast(pl.Decimal(10, 6)))))
say("predict lat categorical", P(pdb.assign(lat=pdb["lat"].astype(str).astype("category"))))
say("predict lat string '41.15'", P(base.with_columns(lat=pl.col("lat").cast(pl.String))))
say("predict lat string with comma '41,15'", P(base.with_columns(lat=pl.col("lat").cast(pl.String).str.replace(".", ",", literal=True))))
say("predict traj_id categorical", P(pdb.assign(traj_id=pdb["traj_id"].astype("category"))))
say("predict t float with .5 s", P(base.with_columns(t=pl.col("t") + 0.5)))
say("predict lat/lon swapped, in range", P(base.rename({"lat": "lon", "lon": "lat"})))
say("predict lat/lon swapped, named latitude/longitude", P(base.rename({"lat": "longitude", "lon": "latitude"})))
say("predict 1-row trips only", P(base.group_by("traj_id", maintain_order=True).head(1)))
say("predict one 1-row trip beside 12-row ones", P(pl.concat([base, base.head(1).with_columns(traj_id=pl.lit("one"))])))
say("predict NaT in one t (pandas)", P(pdb.assign(t=pd.to_datetime(pdb["t"], unit="s", utc=True).where(pdb.index != 5))))
say("predict NaT as the last t of a trip", P(pdb.assign(t=pd.to_datetime(pdb["t"], unit="s", utc=True).where(pdb.index != 11))))
say("predict null t every row", P(base.with_columns(t=pl.lit(None, pl.Int64))))
say("predict ids float 1.0, 2.0", P(base.with_columns(traj_id=pl.col("traj_id").str.slice(1).cast(pl.Float64) + 1.0)))
say("predict ids float with NaN", P(base.with_columns(traj_id=pl.when(pl.col("traj_id") == "c2").then(float("nan")).otherwise(pl.col("traj_id").str.slice(1).cast(pl.Float64)))))
say("predict ids mixed int and str (1 and '1')", P(pdb.assign(traj_id=[1 if x == "c0" else ("1" if x == "c1" else "c2") for x in pdb["traj_id"]])))
say("predict ids None on some rows", P(base.with_columns(traj_id=pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("traj_id")))))
say("predict pandas MultiIndex (traj_id, t)", P(pdb.set_index(["traj_id", "t"])))
say("predict pandas index traj_id only", P(pdb.set_index("traj_id")))
say("predict pandas column named twice (lat, lat)", P(pd.concat([pdb, pdb[["lat"]].rename(columns={"lat": "lat"}) + 1], axis=1)))
say("predict pandas MultiIndex columns", P(pdb.set_axis(pd.MultiIndex.from_tuples([("a", c) for c in pdb.columns]), axis=1)))
say("predict empty frame", P(base.head(0)))
say("predict inf lat row", P(base.with_columns(lat=pl.when(pl.int_range(pl.len()) == 4).then(float("inf")).otherwise(pl.col("lat")))))
say("predict t in ms", P(base.with_columns(t=pl.col("t") * 1000)))
say("predict t in ns (int)", P(base.with_columns(t=pl.col("t") * 1_000_000_000)))
say("predict t 0..11 (1970)", P(base.with_columns(t=pl.int_range(pl.len()) % 12 * 15)))
say("predict t negative (before 1970)", P(base.with_columns(t=pl.col("t") - 2 * T0)))
say("predict rows out of order", P(base.sample(fraction=1.0, shuffle=True, seed=2)))
say("predict lat bool", P(base.with_columns(lat=pl.lit(True))))
say("predict polars Datetime('ms', 'UTC')", P(base.with_columns(t=pl.from_epoch("t").dt.replace_time_zone("UTC"))))
say("predict polars Date (no time)", P(base.with_columns(t=pl.from_epoch("t").dt.date())))
say("predict polars Duration as t", P(base.with_columns(t=pl.duration(seconds=pl.col("t") - T0))))
say("predict numpy array (N, 4)", P(base.select(pl.col("traj_id").str.slice(1).cast(pl.Int64), "t", "lat", "lon").to_numpy()))
say("predict dict of lists", P(base.to_dict(as_series=False)))
say("predict list of dicts", P(base.to_dicts()))
say("predict lazy frame", P(base.lazy()))
say("predict steps=True", P(base, steps=True))
say("predict steps=2.0", P(base, steps=2.0))
say("predict steps=np.int64(2)", P(base, steps=np.int64(2)))
say("predict steps=-1", P(base, steps=-1))
say("predict steps=10_000", P(base, steps=10_000))
big = pl.DataFrame({"traj_id": ["big"] * 1_000_000, "t": np.arange(1_000_000, dtype=np.int64) * 5 + T0, "lat": 41.15 + np.cumsum(np.full(1_000_000, 1e-6)), "lon": -8.61 + np.zeros(1_000_000)})
say("predict one trip of 10^6 rows", P(big))
say("predict column 'traj_id' and 'trip_id' both", P(base.with_columns(trip_id=pl.lit("x"))))

# at_times
AT = lambda d, times, **kw: lambda: str(lm.predict(d, at_times=times, **kw).select("traj_id", "t", "lat", "lon").head(3).rows())  # noqa: E731
last = T0 + 15 * 11 + 3600 * 2
say("at_times 60 s after the last fix (fine)", AT(base.filter(pl.col("traj_id") == "c2"), [last + 60]))
say("at_times before the last fix", AT(base.filter(pl.col("traj_id") == "c2"), [last - 600]))
say("at_times duplicated", AT(base.filter(pl.col("traj_id") == "c2"), [last + 60, last + 60]))
say("at_times out of order", AT(base.filter(pl.col("traj_id") == "c2"), [last + 120, last + 60]))
say("at_times naive datetime", AT(base.filter(pl.col("traj_id") == "c2"), [dt.datetime.fromtimestamp(last + 60, dt.UTC).replace(tzinfo=None)]))
say("at_times aware datetime", AT(base.filter(pl.col("traj_id") == "c2"), [dt.datetime.fromtimestamp(last + 60, dt.UTC)]))
say("at_times ISO text without zone", AT(base.filter(pl.col("traj_id") == "c2"), [dt.datetime.fromtimestamp(last + 60, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")]))
say("at_times NaN", AT(base.filter(pl.col("traj_id") == "c2"), [float("nan")]))
say("at_times pd.NaT", AT(base.filter(pl.col("traj_id") == "c2"), [pd.NaT]))
say("at_times in ms", AT(base.filter(pl.col("traj_id") == "c2"), [(last + 60) * 1000]))
say("at_times 10 years ahead", AT(base.filter(pl.col("traj_id") == "c2"), [last + 10 * 365 * 86400]))
say("at_times empty list", AT(base.filter(pl.col("traj_id") == "c2"), []))
say("at_times and steps both", AT(base.filter(pl.col("traj_id") == "c2"), [last + 60], steps=3))
say("at_times one value (not a list)", AT(base.filter(pl.col("traj_id") == "c2"), last + 60))

# recover
gaps = base.with_columns(lat=pl.when(pl.int_range(pl.len()).is_in([4, 5, 16])).then(None).otherwise(pl.col("lat")), lon=pl.when(pl.int_range(pl.len()).is_in([4, 5, 16])).then(None).otherwise(pl.col("lon")))
RC = lambda d, **kw: lambda: (lambda o: f"{o.shape} rec={int(pl.from_pandas(o)['recovered'].sum()) if isinstance(o, pd.DataFrame) else int(o['recovered'].sum())}")(lm.recover(d, **kw))  # noqa: E731
say("recover 3 gaps (fine)", RC(gaps))
say("recover duplicate timestamp inside a gap", RC(pl.concat([gaps, gaps.filter(pl.int_range(pl.len()) == 4)]).sort("traj_id", "t")))
say("recover lat NaN but lon present", RC(base.with_columns(lat=pl.when(pl.int_range(pl.len()) == 4).then(float("nan")).otherwise(pl.col("lat")))))
say("recover lat text 'NA' in gaps", RC(gaps.with_columns(lat=pl.col("lat").cast(pl.String).fill_null("NA"), lon=pl.col("lon").cast(pl.String).fill_null("NA"))))
say("recover no gaps", RC(base))
say("recover every position missing", RC(base.with_columns(lat=pl.lit(None, pl.Float64), lon=pl.lit(None, pl.Float64))))
say("recover pandas tz-naive datetimes", RC(gaps.to_pandas().assign(t=lambda x: pd.to_datetime(x["t"], unit="s"))))
say("recover NaT in a gap row", RC(gaps.to_pandas().assign(t=lambda x: pd.to_datetime(x["t"], unit="s", utc=True).where(x.index != 4))))
say("recover mode='fill' (unknown)", RC(gaps, mode="fill"))
say("recover every='1x'", RC(gaps, every="1x"))
say("recover every='0s'", RC(gaps, every="0s"))
say("recover every=-60", RC(gaps, every=-60))
say("recover 1-row trips with a gap row", RC(pl.DataFrame({"traj_id": ["a"], "t": [T0], "lat": [None], "lon": [None]}, schema={"traj_id": pl.String, "t": pl.Int64, "lat": pl.Float64, "lon": pl.Float64})))
say("recover pandas MultiIndex", RC(gaps.to_pandas().set_index(["traj_id", "t"])))

# travel_time: a tiny run with infilling heads (5 steps on the synthetic Turin store)
MT = F / "mt.toml"
MT.write_text(TINY.replace('head = "gaussian"', 'head = "gaussian"\ninfill_heads = true\ninfill_anchor_inputs = true') + "\n[train.objectives]\ncausal = 1.0\npoints = 1.0\nod = 1.0\n")
assert CliRunner().invoke(app, ["train", "--data", str(STORE), "--out", str(F / "mt"), "--config", str(MT), "--max-steps", "5", "--threads", "1", "--no-val-check"]).exit_code == 0
mt = trajlm.TrajLM.from_pretrained(F / "mt", threads=1)
ORIG = np.array([[45.070, 7.680], [45.072, 7.690]])
D = np.array([[45.075, 7.695], [45.068, 7.684]])
T1 = 1710099497
TT = lambda o, d, dep, **kw: lambda: str(np.round(np.asarray(mt.travel_time(o, d, dep, **kw), dtype=float), 1))  # noqa: E731
say("travel_time on trajlm-small (no infilling heads)", lambda: lm.travel_time(ORIG, D, T1))
say("travel_time 2 pairs (fine)", TT(ORIG, D, T1))
say("travel_time NaN origin", TT(np.array([[np.nan, 7.68], [45.072, 7.69]]), D, T1))
say("travel_time origins (N, 3)", TT(np.c_[ORIG, [0, 0]], D, T1))
say("travel_time 2 origins, 3 destinations", TT(ORIG, np.r_[D, D[:1]], T1))
say("travel_time depart a list of 3 for 2 pairs", TT(ORIG, D, [T1, T1, T1]))
say("travel_time depart naive datetime", TT(ORIG, D, dt.datetime(2024, 3, 10, 19, 38)))
say("travel_time depart 'tomorrow'", TT(ORIG, D, "tomorrow"))
say("travel_time depart NaT", TT(ORIG, D, pd.NaT))
say("travel_time origin = destination", TT(ORIG, ORIG, T1))
say("travel_time swapped lon/lat (7.68, 45.07)", TT(ORIG[:, ::-1], D[:, ::-1], T1))
say("travel_time lat 91", TT(np.array([[91.0, 7.68], [45.072, 7.69]]), D, T1))
say("travel_time empty arrays", TT(np.zeros((0, 2)), np.zeros((0, 2)), T1))
say("travel_time origins text '45.07'", TT(np.array([["45.07", "7.68"]]), D[:1], T1))

# embed / classify / similar
E = lambda d, **kw: lambda: (lambda o: f"{o.shape}")(lm.embed(d, **kw))  # noqa: E731
say("embed (fine)", E(base))
say("embed duplicate timestamps", E(pl.concat([base, base])))
say("embed 1-row trip", E(base.head(1)))
say("embed n_points=1", E(base, n_points=1))
say("embed n_points=0", E(base, n_points=0))
say("embed n_points=2.5", E(base, n_points=2.5))
say("embed ids float", E(base.with_columns(traj_id=pl.col("traj_id").str.slice(1).cast(pl.Float64))))
say("embed pandas MultiIndex", E(pdb.set_index(["traj_id", "t"])))
say("embed column named twice (pandas)", E(pd.concat([pdb, pdb[["lon"]]], axis=1)))
say("classify on trajlm-small (no classifier)", lambda: lm.classify(base))
S = lambda d, db=None, **kw: lambda: (lambda o: f"{o.shape} {o.head(2).rows() if isinstance(o, pl.DataFrame) else o.head(2).values.tolist()}")(lm.similar(d, db, **kw))  # noqa: E731
say("similar self (fine)", S(base, k=1))
say("similar k=0", S(base, k=0))
say("similar k=True", S(base, k=True))
say("similar k=10 (more than the database)", S(base, k=10))
say("similar database with the same ids", S(base, base, k=1))
say("similar database of another id column name", S(base, base.rename({"traj_id": "vehicle_id"}), k=1))
say("similar database empty", S(base, base.head(0), k=1))
say("similar duplicate trips in the database", S(base, pl.concat([base, base.with_columns(traj_id=pl.col("traj_id") + "b")]), k=1))

# evaluate
EVA = lambda d, **kw: lambda: (lambda o: str(o)[:240])(lm.evaluate(d, **kw))  # noqa: E731
say("evaluate the store (fine)", EVA(str(STORE)))
say("evaluate split='validation'", EVA(str(STORE), split="validation"))
say("evaluate task='Predict'", EVA(str(STORE), task="Predict"))
say("evaluate seeds=0", EVA(str(STORE), task="recover", seeds=0))
say("evaluate horizon_s=[60, -60]", EVA(str(STORE), horizon_s=[60, -60]))
say("evaluate horizon_s=[nan]", EVA(str(STORE), horizon_s=[float("nan")]))
say("evaluate shift='clock=+8x'", EVA(str(STORE), shift="clock=+8x"))
say("evaluate a frame of 3 trips", EVA(base))
say("evaluate a frame with duplicate timestamps", EVA(pl.concat([base, base])))
say("evaluate a missing path", EVA(str(F / "no_store")))
say("evaluate holdout_by='hour=99'", EVA(str(STORE), holdout_by="hour=99"))

# fit
FIT = lambda d, out, **kw: lambda: str(trajlm.TrajLM.fit(d, F / out, **{"config": F / "tiny.toml", "max_steps": 2, "threads": 1, "val_check": False, **kw}))[:160]  # noqa: E731
sy = trajlm.read(str(STORE))
say("fit a 60-trip frame (fine)", FIT(sy, "fit1"))
say("fit max_steps=0", FIT(sy, "fit2", max_steps=0))
say("fit max_steps=2.5", FIT(sy, "fit3", max_steps=2.5))
say("fit max_steps='5'", FIT(sy, "fit4", max_steps="5"))
say("fit seed=-1", FIT(sy, "fit5", seed=-1))
say("fit config with lr = nan", FIT(sy, "fit6", config=F / "c_lrnan.toml"))
say("fit config with an unknown key", FIT(sy, "fit7", config=F / "c_unknown.toml"))
say("fit a frame of 3 trips", FIT(base, "fit8"))
say("fit a frame with duplicate timestamps", FIT(pl.concat([sy, sy]), "fit9"))
say("fit a frame, 1-row trips only", FIT(sy.group_by("traj_id").head(1), "fit10"))
say("fit out= a file", FIT(sy, "a_file"))
say("fit out= the finished run (no overwrite)", FIT(sy, "run"))
say("fit ids float", FIT(sy.with_columns(traj_id=pl.col("traj_id").rank("dense").cast(pl.Float64)), "fit11"))
say("fit pandas tz-aware", FIT(sy.to_pandas().assign(t=lambda x: pd.to_datetime(x["t"], unit="s", utc=True)), "fit12"))
say("fit device='tpu'", FIT(sy, "fit13", device="tpu"))

# ---- checkpoints
def ck(name: str, edit) -> Path:
    d = F / name
    shutil.copytree(RUN / "best", d)
    edit(d)
    return d


LD = lambda p, **kw: lambda: (lambda m: f"loaded {m!r}"[:160] + " :: " + str(m.predict(base, steps=1).shape))(trajlm.TrajLM.from_pretrained(p, threads=1, **kw))  # noqa: E731
say("load the run's best folder (fine)", LD(RUN / "best"))
say("load a run folder (resolves best)", LD(RUN))
say("load a folder without config.json", LD(ck("k1", lambda d: (d / "config.json").unlink())))
say("load a folder without model.safetensors", LD(ck("k2", lambda d: (d / "model.safetensors").unlink())))
say("load config.json with an extra key", LD(ck("k3", lambda d: (d / "config.json").write_text(json.dumps({**json.loads((d / "config.json").read_text()), "d_modle": 32})))))
say("load config.json d_model edited 16 -> 32", LD(ck("k4", lambda d: (d / "config.json").write_text(json.dumps({**json.loads((d / "config.json").read_text()), "d_model": 32})))))
say("load config.json n_layers edited 1 -> 2", LD(ck("k5", lambda d: (d / "config.json").write_text(json.dumps({**json.loads((d / "config.json").read_text()), "n_layers": 2})))))
say("load config.json not JSON", LD(ck("k6", lambda d: (d / "config.json").write_text("{oops"))))
say("load config.json empty", LD(ck("k7", lambda d: (d / "config.json").write_text(""))))
say("load config.json a list", LD(ck("k8", lambda d: (d / "config.json").write_text("[]"))))
say("load safetensors cut in half", LD(ck("k9", lambda d: (d / "model.safetensors").write_bytes((d / "model.safetensors").read_bytes()[: (d / "model.safetensors").stat().st_size // 2]))))
say("load safetensors 0 bytes", LD(ck("k10", lambda d: (d / "model.safetensors").write_bytes(b""))))
say("load safetensors random bytes", LD(ck("k11", lambda d: (d / "model.safetensors").write_bytes(np.random.default_rng(0).bytes(4000)))))
say("load safetensors of another model (trajlm-small's)", LD(ck("k12", lambda d: shutil.copy(Path(trajlm.__file__).parent / "checkpoints" / "trajlm-small" / "model.safetensors", d / "model.safetensors"))))
say("load config.json stats emptied ({})", LD(ck("k13", lambda d: (d / "config.json").write_text(json.dumps({**json.loads((d / "config.json").read_text()), "stats": {}})))))
say("load val_verdict.json not JSON", LD(ck("k14", lambda d: (d / "val_verdict.json").write_text("{"))))
say("load radii.json not JSON", LD(ck("k15", lambda d: (d / "radii.json").write_text("{"))))
say("load a path that is a file", LD(F / "a_file"))
say("load 'trajlm-smal' (typo)", LD("trajlm-smal"))
say("load weights='last'", LD(RUN, weights="last"))
say("load weights='nope'", LD(RUN, weights="nope"))
say("load quantize='int3'", LD(RUN, quantize="int3"))
say("load threads=0", lambda: trajlm.TrajLM.from_pretrained(RUN, threads=0))
say("load device='tpu'", LD(RUN, device="tpu"))
say("load the store folder as a model", LD(STORE))
shutil.copytree(RUN, F / "run_base")
r = CliRunner().invoke(app, ["finetune", "--model", str(F / "run_base"), "--data", str(STORE), "--out", str(F / "cls"), "--task", "classify", "--mode", "lora", "--epochs", "1", "--threads", "1", "--engine", "model"])
print("# classify lora fine-tune:", r.exit_code, flush=True)
for name in ("cls2", "cls3", "cls4"):
    shutil.copytree(F / "cls", F / name)
CL = lambda d: lambda: str(trajlm.TrajLM.from_pretrained(d, threads=1).classify(base).shape)  # noqa: E731
say("load a LoRA classifier (fine)", CL(F / "cls"))
say("load a classifier, backbone.json cut", lambda: ((F / "cls3" / "backbone.json").write_text('{"mode": "lo'), CL(F / "cls3")())[1])
say("load a classifier, adapter/ gone", lambda: (shutil.rmtree(F / "cls4" / "adapter"), CL(F / "cls4")())[1])
say("load a classifier whose base sha256 differs (base retrained)", lambda: (shutil.copy(F / "run_other" / "last" / "model.safetensors" if (F / "run_other" / "last").exists() else F / "run_other" / "model.safetensors", F / "run_base" / "best" / "model.safetensors"), CL(F / "cls2")())[1])
say("load a classifier whose base folder is gone", lambda: (shutil.rmtree(F / "run_base"), CL(F / "cls2")())[1])
say("CLI eval --task classify, a classifier whose base is gone", EV("--task", "classify", "--model", F / "cls2"))
say("CLI predict --model a folder without config.json", cli("predict", "--model", F / "k1", "--input", F / "points.csv", "--steps", "1", "--out", F / "pk1.csv"))
say("CLI predict --model cut safetensors", cli("predict", "--model", F / "k9", "--input", F / "points.csv", "--steps", "1", "--out", F / "pk9.csv"))
say("CLI eval --model config d_model edited", EV("--task", "predict", "--model", F / "k4"))

# ---- trajlm data corpus specs
CR = F / "croot"
(CR / "a").mkdir(parents=True)
(CR / "a" / "a.csv").write_text("traj_id,t,lat,lon\n" + "".join(f"a{j},{1700000000 + 10 * i},41.15,{-8.61 + 1e-4 * i}\n" for j in range(12) for i in range(20)))
(CR / "b").mkdir()
(CR / "b" / "b.csv").write_text("traj_id,t,lat,lon\n" + "".join(f"b{j},{1700000000 + 10 * i},45.0,{7.6 + 1e-4 * i}\n" for j in range(12) for i in range(20)))
SRC = '[[source]]\nname = "{n}"\nformat = "csv"\npath = "{n}/{n}.csv"\nweight = {w}\nlicence = "mine"\nredistributable = true\n'
HEAD = '[corpus]\nname = "c"\ndata_root = "{root}"\nval_trips_per_source = 2\n'
spec = lambda name, text: cfg(name, text.replace("{root}", str(CR)))  # noqa: E731
CO = lambda p, *a: cli("data", "corpus", p, "--out", F / ("corp_" + Path(str(p)).stem), *a)  # noqa: E731
say("corpus two sources (fine)", CO(spec("s_ok.toml", HEAD + SRC.format(n="a", w=1.0) + SRC.format(n="b", w=2.0))))
say("corpus spec missing", CO(F / "no_spec.toml"))
say("corpus spec not TOML", CO(spec("s_bad.toml", "[corpus\nname=")))
say("corpus no [[source]]", CO(spec("s_nosrc.toml", HEAD)))
say("corpus source without path", CO(spec("s_nopath.toml", HEAD + '[[source]]\nname = "a"\nformat = "csv"\nweight = 1.0\n')))
say("corpus weight -1", CO(spec("s_wneg.toml", HEAD + SRC.format(n="a", w=-1.0) + SRC.format(n="b", w=1.0))))
say("corpus weight nan", CO(spec("s_wnan.toml", HEAD + SRC.format(n="a", w="nan") + SRC.format(n="b", w=1.0))))
say("corpus weight 'heavy'", CO(spec("s_wtext.toml", HEAD + SRC.format(n="a", w='"heavy"') + SRC.format(n="b", w=1.0))))
say("corpus weight 0 on every source", CO(spec("s_w0.toml", HEAD + SRC.format(n="a", w=0) + SRC.format(n="b", w=0))))
say("corpus format 'nope'", CO(spec("s_fmt.toml", HEAD + SRC.format(n="a", w=1.0).replace('"csv"', '"nope"'))))
say("corpus two sources of one name", CO(spec("s_dup.toml", HEAD + SRC.format(n="a", w=1.0) + SRC.format(n="a", w=2.0))))
say("corpus unknown key 'wieght'", CO(spec("s_key.toml", HEAD + SRC.format(n="a", w=1.0).replace("weight", "wieght") + SRC.format(n="b", w=1.0))))
say("corpus unknown [corpus] key 'val_trips'", CO(spec("s_ckey.toml", HEAD.replace("val_trips_per_source", "val_trips") + SRC.format(n="a", w=1.0))))
say("corpus val_trips_per_source = -1", CO(spec("s_vneg.toml", HEAD.replace("= 2", "= -1") + SRC.format(n="a", w=1.0) + SRC.format(n="b", w=1.0))))
say("corpus redistributable = 'yes' (text)", CO(spec("s_redist.toml", HEAD + SRC.format(n="a", w=1.0).replace("redistributable = true", 'redistributable = "no"') + SRC.format(n="b", w=1.0)), "--redistributable-only"))
say("corpus data_root missing", CO(spec("s_root.toml", HEAD.replace("{root}", "/tmp/badin34/none") + SRC.format(n="a", w=1.0))))
say("corpus path escapes the root (../)", CO(spec("s_esc.toml", HEAD + SRC.format(n="a", w=1.0).replace('"a/a.csv"', '"../store/index.parquet"'))))
say("corpus every source missing", CO(spec("s_allmiss.toml", HEAD + SRC.format(n="x", w=1.0))))
say("corpus --out the data root", cli("data", "corpus", spec("s_ok2.toml", HEAD + SRC.format(n="a", w=1.0)), "--out", CR, "--overwrite"))

# ---- HTTP (TestClient, trajlm-small)
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402

web = Cases(got=220, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
web.n = say.n
client = TestClient(create_app(lm), raise_server_exceptions=False).__enter__()
rows = [{"traj_id": "V1", "t": T0 + 15 * k, "lat": 41.15, "lon": -8.61 + 0.0015 * k} for k in range(8)]
body = {"trajectories": rows, "steps": 2}
raw = lambda path, data, ctype="application/json": lambda: client.post(path, content=data, headers={"content-type": ctype})  # noqa: E731
web("/predict (fine)", lambda: client.post("/predict", json=body))
web("/predict 60 MB body", raw("/predict", b'{"trajectories": [' + b",".join([json.dumps(rows[0]).encode()] * 650_000) + b'], "steps": 1}'))
web("/predict gzip bomb (100 MB of zeros in 100 kB)", lambda: client.post("/predict", content=__import__("gzip").compress(b" " * 100_000_000), headers={"content-type": "application/json", "content-encoding": "gzip"}))
web("/predict text/plain with a JSON body", raw("/predict", json.dumps(body), "text/plain"))
web("/predict form-encoded", raw("/predict", "steps=2&trajectories=x", "application/x-www-form-urlencoded"))
web("/predict no content type", lambda: client.post("/predict", content=json.dumps(body)))
web("/predict NaN in a lat", raw("/predict", json.dumps(body).replace('"lat": 41.15', '"lat": NaN', 1)))
web("/predict Infinity in a lon", raw("/predict", json.dumps(body).replace('"lon": -8.61}', '"lon": Infinity}', 1)))
web("/predict NaN as steps", raw("/predict", json.dumps(body).replace('"steps": 2', '"steps": NaN')))
web("/predict empty body", raw("/predict", b""))
web("/predict body a list", lambda: client.post("/predict", json=[body]))
web("/predict body 'null'", raw("/predict", b"null"))
web("/predict body not UTF-8", raw("/predict", b'{"steps": "\xff\xfe"}'))
web("/predict steps -1", lambda: client.post("/predict", json={**body, "steps": -1}))
web("/predict steps 1e9", lambda: client.post("/predict", json={**body, "steps": 10**9}))
web("/predict steps '2' (text)", lambda: client.post("/predict", json={**body, "steps": "2"}))
web("/predict steps 2.5", lambda: client.post("/predict", json={**body, "steps": 2.5}))
web("/predict trajectories []", lambda: client.post("/predict", json={**body, "trajectories": []}))
web("/predict rows without lat", lambda: client.post("/predict", json={**body, "trajectories": [{k: v for k, v in r.items() if k != "lat"} for r in rows]}))
web("/predict t mixing ISO text and numbers", lambda: client.post("/predict", json={**body, "trajectories": [{**r, "t": r["t"] if i % 2 else dt.datetime.fromtimestamp(r["t"], dt.UTC).isoformat()} for i, r in enumerate(rows)]}))
web("/predict t ISO without zone", lambda: client.post("/predict", json={**body, "trajectories": [{**r, "t": dt.datetime.fromtimestamp(r["t"], dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")} for r in rows]}))
web("/predict duplicate timestamps", lambda: client.post("/predict", json={**body, "trajectories": rows + rows}))
web("/predict ids float and int (1.0 and 1)", lambda: client.post("/predict", json={**body, "trajectories": [{**r, "traj_id": 1.0 if i < 4 else 1} for i, r in enumerate(rows)]}))
web("/predict an unknown field 'step'", lambda: client.post("/predict", json={**body, "step": 5}))
web("/predict a key given twice in the JSON", raw("/predict", json.dumps(body)[:-1] + ', "steps": 3}'))
web("/predict JSON nested 10,000 deep", raw("/predict", "[" * 10000 + "]" * 10000))
web("/predict lat as text '41.15'", lambda: client.post("/predict", json={**body, "trajectories": [{**r, "lat": str(r["lat"])} for r in rows]}))
web("/predict one row", lambda: client.post("/predict", json={**body, "trajectories": rows[:1]}))
web("/travel-time NaN depart", raw("/travel-time", json.dumps({"origins": [[41.15, -8.61]], "destinations": [[41.17, -8.58]], "depart": [float("nan")]})))
web("/travel-time (fine)", lambda: client.post("/travel-time", json={"origins": [[41.15, -8.61]], "destinations": [[41.17, -8.58]], "depart": [T0]}))
web("/travel-time 2 origins, 1 destination", lambda: client.post("/travel-time", json={"origins": [[41.15, -8.61], [41.15, -8.6]], "destinations": [[41.17, -8.58]], "depart": [T0]}))
web("/recover NaN-only gap rows (null lat)", lambda: client.post("/recover", json={"trajectories": [{**r, "lat": None, "lon": None} if i == 3 else r for i, r in enumerate(rows)]}))
web("/embed (fine)", lambda: client.post("/embed", json={"trajectories": rows}))
web("/similar without an index", lambda: client.post("/similar", json={"trajectories": rows, "k": 1}))
web("/classify on trajlm-small", lambda: client.post("/classify", json={"trajectories": rows}))
web("GET /predict", lambda: client.get("/predict"))
web("/validity with NaN lat", raw("/validity", json.dumps({"trajectories": [{**r, "lat": float("nan")} if i == 2 else r for i, r in enumerate(rows)]})))


def concurrent() -> str:
    """20 threads posting /predict at once (the server batches them): every answer 200 and the
    same as the one asked alone."""
    alone = client.post("/predict", json=body).json()["points"]
    got: list = [None] * 20

    def ask(i: int) -> None:
        got[i] = client.post("/predict", json=body)

    ts = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
    [t.start() for t in ts]
    [t.join(60) for t in ts]
    codes = sorted({g.status_code if g is not None else "hang" for g in got})
    def close(a: list, b: list) -> bool:  # positions exact; std_m within float noise of a batch
        return len(a) == len(b) and all(p["lat"] == q["lat"] and p["lon"] == q["lon"] and abs(p["std_m"] - q["std_m"]) < 1e-6 for p, q in zip(a, b, strict=True))

    same = sum(g is not None and g.status_code == 200 and close(g.json()["points"], alone) for g in got)
    return type("R", (), {"status_code": codes, "text": f"{same}/20 the lone answer (std_m within 1e-6)"})()


web("/predict 20 concurrent requests", concurrent)
def concurrent_mixed() -> object:
    """20 threads at once, every other one with steps -1: the good ones 200, the bad 422."""
    got: list = [None] * 20

    def ask(i: int) -> None:
        got[i] = client.post("/predict", json=body if i % 2 else {**body, "steps": -1})

    ts = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
    [t.start() for t in ts]
    [t.join(60) for t in ts]
    pairs = sorted({(i % 2, g.status_code if g is not None else "hang") for i, g in enumerate(got)})
    return type("R", (), {"status_code": pairs, "text": "(bad=0 / good=1, status)"})()


web("/predict 20 concurrent, half with a bad body", concurrent_mixed)
print(f"# {web.n} cases")
