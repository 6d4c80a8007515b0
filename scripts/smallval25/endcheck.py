"""smallval25 end check (test read once, the chosen rule): on pvbase24's held-out runs the
verdict as main saves it (rule off) and with the small-val rule, each scored on the store's test
split (PROTOCOL prediction task, 5 steps, per-trip ADE), paired bootstrap after / before.
python endcheck.py RUN STORE OUT.jsonl (RUN is copied; nothing written into it)"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import trajlm
from trajlm.cli_train_check import knn_summary
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval import small_val
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.predict_verdict import ValCheckedPredictor, load_knn
from trajlm.eval.val_verdict import read_verdict
from trajlm.model.rollout import ModelPredictor
from trajlm.model.weights import resolve_weights

WORK = os.environ.get("SMALLVAL25_DIR", "/tmp/smallval25")  # outputs and inputs of the study

src, data, dest = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
cfg = json.loads((src / "train_config.json").read_text())
trainer = SimpleNamespace(
    cfg=SimpleNamespace(select_max_traj=cfg.get("select_max_traj"), cpu_threads=1)
)
test = read_store(data, split="test").drop("split", strict=False)
task = make_prediction_task(test)
truth = task.target_latlon
out, errs = {"run": src.name}, {}
for label, n_min in (("before", 0), ("after", small_val.MIN_VAL_TRIPS)):
    small_val.MIN_VAL_TRIPS = n_min  # 0: the rule never acts (main's verdict)
    run = Path(tempfile.mkdtemp(dir=WORK)) / src.name
    shutil.copytree(src, run, ignore=shutil.ignore_patterns("trainer_state"))
    for f in run.rglob("val_verdict*"):
        f.unlink()
    knn_summary(trainer, data, run, json.loads((run / "train_summary.json").read_text()))
    wdir = resolve_weights(run, log=False)
    v = read_verdict(wdir)["predict"]
    model = trajlm.TrajLM.from_pretrained(run, threads=1).model
    mp = ModelPredictor(model)
    index, proj = load_knn(wdir, v) if v["engine"].startswith("kNN continuation") else (None, None)
    errs[label] = M.point_errors(
        ValCheckedPredictor(mp, v, index, proj).predict_next(task), truth
    ).mean(1)
    errs.setdefault("model", M.point_errors(mp.predict_next(task), truth).mean(1))
    out[label] = {
        "engine": v["engine"],
        "small_val": v.get("small_val"),
        "n_val": v["n_val_trips"],
        "test_ade_m": float(errs[label].mean()),
    }
    shutil.rmtree(run.parent)
out["model_test_ade_m"] = float(errs["model"].mean())
out["n_test"] = len(truth)
out["after_over_before"] = paired_bootstrap_ratio(errs["after"], errs["before"])
with open(dest, "a") as f:
    f.write(json.dumps(out) + "\n")
print(json.dumps(out))
