"""folds25: on heldout25's two 2-val-trip stores, test 5-step ADE of the kept (unchecked) model
and kNN continuation at its default settings fitted on train (the rule's engine). Test read once."""

import sys
from pathlib import Path

from trajlm.api import TrajLM
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.knn_check import baseline_answer
from trajlm.model.rollout import ModelPredictor

for name in sys.argv[1:]:
    store, run = Path(f"/tmp/heldout25/stores/{name}"), Path(f"/tmp/heldout25/runs/{name}")
    train = read_store(store, split="train").drop("split", strict=False)
    task = make_prediction_task(read_store(store, split="test").drop("split", strict=False))
    model = TrajLM.from_pretrained(run, threads=1).model
    truth = task.target_latlon
    em = M.point_errors(ModelPredictor(model).predict_next(task), truth).mean(1)
    proj = LocalProjection.fit(train)
    knn = B.KNNContinuation().fit(train, proj)
    ek = M.point_errors(baseline_answer(knn, proj, task), truth).mean(1)
    print(
        name,
        "trips",
        len(em),
        "model",
        round(em.mean(), 1),
        "kNN default",
        round(ek.mean(), 1),
        "ratio model/kNN",
        round(em.mean() / ek.mean(), 3),
        "per trip model",
        em.round(1),
        "kNN",
        ek.round(1),
    )
