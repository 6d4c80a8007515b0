"""subsec39: which engine answers `TrajLM.predict(frame, steps=K)` of a sub-second run, at what
step, and how close (ADE, m) beside the model alone (fallback=False): each test walker's first 8
fixes in, the next K scored. A run whose val verdict chose kNN continuation gave the model the
call on main a28c0e89 ("it steps a second at a time"); now the engine reads every fix too.
    python scripts/subsec39/engine_probe.py STORE RUN [K]   (K default 12; kNN reaches 5)
"""

import sys
import warnings

import polars as pl

from trajlm.api import TrajLM
from trajlm.data.local_plane import as_plane_columns
from trajlm.data.store import read_store

store, run = sys.argv[1], sys.argv[2]
frame = as_plane_columns(read_store(store, split="test").drop("split", "source_traj_id"))
# the first 8 fixes of each test walker: the benchmark's observed part
frame = frame.sort("traj_id", "t").group_by("traj_id", maintain_order=True).head(8)
truth = read_store(store, split="test").sort("traj_id", "t")
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    a = TrajLM.from_pretrained(run).predict(
        frame, steps=int(sys.argv[3]) if len(sys.argv) > 3 else 12, crs="local"
    )
for x in w:
    print("warning:", str(x.message)[:300])
print(a.columns)
print(a["engine"].value_counts() if "engine" in a.columns else "no engine column")
dt = a.sort("traj_id", "step").select(pl.col("t").diff().over("traj_id"))["t"].drop_nulls()
print("step dt", dt.min(), dt.max())
tr = as_plane_columns(truth.drop("split", "source_traj_id")).sort("traj_id", "t")
fut = tr.with_columns(k=pl.int_range(pl.len()).over("traj_id")).filter(
    (pl.col("k") >= 8) & (pl.col("k") < 8 + int(sys.argv[3]))
)
fut = fut.with_columns(step=pl.col("k") - 7)
for name, ans in (
    ("default", a),
    (
        "model only",
        TrajLM.from_pretrained(run).predict(
            frame, steps=int(sys.argv[3]), crs="local", fallback=False
        ),
    ),
):
    j = ans.join(fut, on=["traj_id", "step"], suffix="_true")
    e = ((j["x"] - j["x_true"]) ** 2 + (j["y"] - j["y_true"]) ** 2).sqrt()
    print(
        name,
        "ADE",
        round(float(e.mean()), 4),
        "n",
        len(j),
        "t gap",
        float((j["t"] - j["t_true"]).abs().max()),
    )
