"""TrajLM.fit end to end on a synthetic frame: wall time of the fit (tiny config, val check
included) and a predict from the returned model (session 26, fit26; docs/api.md).

    OMP_NUM_THREADS=1 python scripts/fit26/fit_demo.py [--steps 5] [--out /tmp/fit26/demo]

Writes OUT/store (the synthetic store), OUT/tiny.toml and the run OUT/run (replaced if there).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

TINY = """
[model]
d_model = 16
n_layers = 1
n_heads = 2
max_len = 24
[train]
batch_size = 4
max_len = 16
shuffle_buffer = 8
warmup_steps = 1
eval_every = 0
progress = false
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path("/tmp/fit26/demo"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    import trajlm
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    synth_store(args.out / "store", n_trajectories=30, seed=1, overwrite=False)
    (args.out / "tiny.toml").write_text(TINY)
    df = read_store(args.out / "store").drop("split").to_pandas()
    t1 = time.perf_counter()
    model = trajlm.TrajLM.fit(df, args.out / "run", config=args.out / "tiny.toml",
                              max_steps=args.steps, seed=0, threads=1)  # fmt: skip
    t2 = time.perf_counter()
    pred = model.predict(df.groupby("traj_id").head(6), steps=2)
    print(f"imports + data {t1 - t0:.1f} s; TrajLM.fit {t2 - t1:.1f} s; {model}")
    print(f"predict: {len(pred)} rows, engine {model.last_engine}")


if __name__ == "__main__":
    main()
