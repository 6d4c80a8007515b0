"""anom35: the inputs of the `trajlm anomalies` profile: a 60-trip synthetic store, a tiny run
trained on it (5 steps, the badin35 probe's TINY_TOML) and one seeded N-row trip (default 10^6,
5 s sampling, a slow drift north plus seeded GPS noise so the model's scores vary).
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/anom35/gen.py [OUT] [N]
(default /tmp/anom35, 10^6)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import TINY_TOML  # noqa: E402

from trajlm.cli import app  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/anom35")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
OUT.mkdir(parents=True, exist_ok=True)
store, run = OUT / "store", OUT / "run"
call = lambda *a: CliRunner().invoke(app, [str(x) for x in a])  # noqa: E731
if not store.exists():
    assert call("data", "synth", "-o", store, "-n", "60").exit_code == 0
if not run.exists():
    (OUT / "tiny.toml").write_text(TINY_TOML)
    r = call("train", "--data", store, "--out", run, "--config", OUT / "tiny.toml",
             "--max-steps", "5", "--threads", "1", "--no-val-check")  # fmt: skip
    assert r.exit_code == 0, r.output
rng = np.random.default_rng(0)
t0 = 1_700_000_000
trip = pl.DataFrame({
    "traj_id": ["big"] * N,
    "t": np.arange(N, dtype=np.int64) * 5 + t0,
    "lat": 45.06 + np.cumsum(np.full(N, 1e-5)) % 0.05 + rng.normal(0, 2e-5, N),
    "lon": 7.68 + 0.01 * np.sin(np.arange(N) / 500.0) + rng.normal(0, 2e-5, N),
})  # fmt: skip
trip.write_parquet(OUT / f"trip_{N}.parquet")
print(f"wrote {store}, {run}, {OUT / f'trip_{N}.parquet'}")
