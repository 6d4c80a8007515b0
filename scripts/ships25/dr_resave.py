"""Re-save irreg25's ships84_s2 (copied) prediction verdict with this branch's candidates."""

import sys
from pathlib import Path

from trajlm.api import TrajLM
from trajlm.cli_train_check import save_predict_verdict, val_table
from trajlm.data.store import read_store
from trajlm.eval.knn_check import knn_check, val_task_of

store, run = sys.argv[1], Path(sys.argv[2])
train = read_store(store, split="train").drop("split", strict=False)
fitted = {}
check = knn_check(
    TrajLM.from_pretrained(run, threads=1).model,
    train,
    val_task_of(store, 500),
    fitted,
    val_table(store, train),
)
save_predict_verdict(run, Path(store), check, fitted, train)
