"""drverdict25: the prediction verdict with dead reckoning on irreg25's ships (val), and the
chosen engine on test at report times (read once). python ships.py STORE RUN..."""

import sys

from trajlm.api import TrajLM
from trajlm.cli_train_check import val_table
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.dr_verdict import dr_val_errors
from trajlm.eval.knn_check import baseline_answer, candidates, knn_check, val_task_of
from trajlm.eval.predict_verdict import decide

store, runs = sys.argv[1], sys.argv[2:]
train = read_store(store, split="train").drop("split", strict=False)
val = val_table(store, train)
task = val_task_of(store, 500)
engines = []
for run in runs:
    model = TrajLM.from_pretrained(run, threads=1).model
    check = knn_check(model, train, task, {}, val)
    v = decide(check, train)
    engines.append(v["engine"])
    print(
        run,
        "engine:",
        v["engine"],
        "val ADE m:",
        {k: round(x, 1) for k, x in v["val_ade_m"].items()},
        "model/best:",
        {k: round(x, 3) for k, x in v["model_over_best"].items()},
        "n",
        v["n_val_trips"],
        flush=True,
    )
# the runs' common choice, read once on test beside the engine the verdict held before (the best
# of the position-only candidates on val) at the true report times
test = read_store(store, split="test").drop("split", strict=False)
ttask = make_prediction_task(test)
dr = dr_val_errors(train, test, ttask)
ests = candidates(train, task)
prev = min(
    ("linear-3", "constant velocity [time]", "linear-3 [time, fit]"),
    key=lambda e: M.point_errors(
        baseline_answer(ests[e], ests[e].projection_, task), task.target_latlon
    ).mean(),
)
pe = M.point_errors(
    baseline_answer(ests[prev], ests[prev].projection_, ttask), ttask.target_latlon
).mean(1)
r = paired_bootstrap_ratio(dr, pe)
print("verdict engines:", engines)
print(
    f"test ({len(dr)} voyages): dead reckoning [time] {dr.mean():.1f} m vs {prev} {pe.mean():.1f} m: "
    f"{r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f})"
)
