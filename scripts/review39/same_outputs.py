"""Outputs of the functions review39 split, on fixed seeded inputs, at one checkout: run it at
the base and at the split and diff (docs/testing.md "Session 39 (review39)").

    python scripts/review39/same_outputs.py CHECKOUT RESULT_FILE
    diff RESULT_BEFORE RESULT_AFTER

Each case prints a digest of what the function returned (arrays as sha256 of their bytes,
dtypes and shapes; text as is), in a child process whose PYTHONPATH is the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RUNNER = r"""
import hashlib, json, sys, tempfile
from pathlib import Path
import numpy as np

def digest(x):
    if isinstance(x, np.ndarray):
        return [str(x.dtype), list(x.shape), hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()[:16]]
    if isinstance(x, (tuple, list)):
        return [digest(v) for v in x]
    if isinstance(x, dict):
        return {str(k): digest(v) for k, v in sorted(x.items(), key=lambda kv: str(kv[0]))}
    if hasattr(x, "__dataclass_fields__"):
        return {k: digest(getattr(x, k)) for k in x.__dataclass_fields__}
    if hasattr(x, "to_numpy") and hasattr(x, "columns"):  # a polars frame
        return {"columns": list(x.columns), "rows": hashlib.sha256(x.write_csv().encode()).hexdigest()[:16]}
    return repr(x)

out = {}
def case(name):
    def run(fn):
        try:
            out[name] = digest(fn())
        except Exception as e:  # the refusal is the result
            out[name] = f"raised {type(e).__name__}: {e}"
    return run

# -- data/retrieval.py (split into retrieval_vote.py / retrieval_points.py) --
from trajlm.data.retrieval import (
    RetrievalIndex, aggregate_continuations, heading, last_point, median_of_neighbours,
    run_keys, spatial_median, table_points, traj_keys,
)
rng = np.random.default_rng(39)
steps = rng.normal(0, 10, (120, 25, 2)).cumsum(1)
xy, keys = steps.reshape(-1, 2), np.repeat(np.arange(120), 25)
queries = rng.normal(0, 10, (300, 8, 2)).cumsum(1)
lengths = rng.integers(3, 9, 300)
for agg in ("median", "mean", "geomedian"):
    @case(f"retrieval.query.{agg}")
    def _():
        idx = RetrievalIndex(history=4, horizon=5, n_neighbors=7, aggregate=agg, max_windows=1500).fit(xy, keys)
        q = idx.query(queries, lengths, k=3, exclude=np.arange(300) % 120)
        return q, idx.features_, idx.traj_keys_
@case("retrieval.precompute_lookup")
def _():
    idx = RetrievalIndex(history=3, horizon=4).fit(xy, keys)
    t = np.tile(np.arange(25) * 30 + 1_600_000_000, 120)
    idx.precompute(xy, keys, t)
    return idx.lookup(keys[::7], t[::7])
@case("retrieval.save_load")
def _():
    idx = RetrievalIndex(history=3, horizon=4, aggregate="geomedian").fit(xy, keys)
    with tempfile.TemporaryDirectory() as d:
        idx.save(Path(d) / "i.npz")
        back = RetrievalIndex.load(Path(d) / "i.npz")
        return back.query(queries, lengths), (Path(d) / "i.npz").stat().st_size
case("retrieval.spatial_median")(lambda: spatial_median(rng.normal(0, 5, (4, 9, 2))))
case("retrieval.aggregate")(lambda: [aggregate_continuations(steps[:40, :5].reshape(8, 5, 5, 2), a) for a in ("median", "mean", "geomedian")])
case("retrieval.median_of_neighbours")(lambda: median_of_neighbours(steps, rng.integers(0, 120, (50, 6)), 4))
case("retrieval.keys")(lambda: traj_keys(np.array(["a", "b", "a", "17"])))
case("retrieval.heading")(lambda: [heading(queries, lengths), last_point(queries, lengths, 2)])
case("retrieval.refusals")(lambda: RetrievalIndex(history=1))
case("retrieval.no_windows")(lambda: RetrievalIndex().fit(np.zeros((6, 2)), np.repeat(np.arange(2), 3)))
import polars as pl
from trajlm.data.features import LocalProjection
df = pl.DataFrame({"traj_id": np.repeat(["b", "a", "c"], 20), "t": np.tile(np.arange(20) * 10, 3),
                   "lat": 41.1 + rng.normal(0, 1e-3, 60), "lon": -8.6 + rng.normal(0, 1e-3, 60)})
case("retrieval.table_points")(lambda: [table_points(df, LocalProjection(41.1, -8.6)), run_keys(df["traj_id"])])

for extra in sys.argv[1:]:  # more cases, added with the later splits
    exec(Path(extra).read_text())
print(json.dumps(out, indent=1, sort_keys=True))
"""


def main(checkout: Path, result: Path, extra: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=str(checkout), OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-c", RUNNER, *extra], env=env, capture_output=True,
                       text=True, cwd="/tmp")  # fmt: skip
    result.parent.mkdir(parents=True, exist_ok=True)
    result.write_text(f"exit {r.returncode}\n--- stderr\n{r.stderr}--- stdout\n{r.stdout}")
    print(f"-> {result} (exit {r.returncode})")


if __name__ == "__main__":
    here = Path(__file__).parent
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]), sorted(map(str, here.glob("cases_*.py"))))
