"""Session 30 (knn30): main's tune_knn / tune_place_knn against this checkout's (default rule):
the same kept cells and val scores on the given stores (prints "identical: True/False").

Command: PYTHONPATH=. python scripts/knn30/same_as_main.py STORE [STORE ...]
(MAIN: the other checkout with its .venv, default /work/main; prints only, writes no files)
"""

import json
import os
import subprocess
import sys
from pathlib import Path

code = r"""
import sys, json
from trajlm.data.store import read_store
from trajlm.data.features import LocalProjection
from trajlm.eval.protocol import _split, make_prediction_task, tune_knn
from trajlm.eval.place_knn import tune_place_knn
out = {}
for st in sys.argv[1:]:
    p = _split(read_store(st)); proj = LocalProjection.fit(p["train"]); v = make_prediction_task(p["val"], k=5)
    k, s = tune_knn(p["train"], v, proj); pl_, ps = tune_place_knn(p["train"], v, proj, k.history)
    out[st] = [k.history, k.n_neighbors, pl_.w_place, pl_.w_heading, pl_.n_neighbors, s, ps]
print(json.dumps(out))
"""
res = {}
for root in (os.environ.get("MAIN", "/work/main"), str(Path(__file__).resolve().parents[2])):
    r = subprocess.run(
        [root + "/.venv/bin/python", "-c", code, *sys.argv[1:]],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": root, "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
        cwd=root,
    )
    res[root] = (
        json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else r.stderr[-2000:]
    )
a, b = res.values()
print("identical:", a == b)
if a != b:
    print(a, b)
