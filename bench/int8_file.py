"""int8 weights on disk: file size and prediction change vs float32 (docs/ablations.md, Session 13).

Saves a checkpoint as float32 and as int8 (``TrajLM.save_pretrained(dir, dtype="int8")``), loads
the int8 folder back, checks it predicts bit for bit as the in-memory int8 model
(``from_pretrained(quantize="int8")``), and scores both on sliding windows of the store's val
split (20-point history -> 5 steps, stride 5; the PROTOCOL.md harness's ModelPredictor, haversine
ADE). The int8 - float32 difference gets a paired bootstrap 95 % interval over trajectories
(each trajectory's windows averaged first: windows of one trip are not independent).

    .venv/bin/python bench/int8_file.py --model trajlm-small --data /tmp/stores/porto \
        --out bench/results/int8_file.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import torch
from _results import add_out, write_result

import trajlm
from trajlm.data.metrics import point_errors
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.rollout import ModelPredictor


def sliding_windows(df: pl.DataFrame, history: int, steps: int, stride: int) -> pl.DataFrame:
    """Every history + steps window (start every `stride` points) as its own trajectory
    ``<traj_id>#<start>``, with ``trip`` naming the trajectory it came from."""
    L, parts = history + steps, []
    for (tid,), g in df.sort("traj_id", "t").group_by("traj_id", maintain_order=True):
        for s in range(0, len(g) - L + 1, stride):
            parts.append(g.slice(s, L).with_columns(trip=pl.lit(tid), traj_id=pl.lit(f"{tid}#{s}")))
    return pl.concat(parts)


def window_ade(model: torch.nn.Module, task) -> np.ndarray:
    pred = ModelPredictor(model).predict_next(task)  # (N, k, 2) lat/lon
    return point_errors(pred, task.target_latlon).mean(1)  # (N,) metres


def file_sizes(m: trajlm.TrajLM, root: Path) -> dict:
    m.save_pretrained(root / "f32")
    m.save_pretrained(root / "int8", dtype="int8")
    f32, q8 = ((root / d / "model.safetensors").stat().st_size for d in ("f32", "int8"))
    return {"float32_bytes": f32, "int8_bytes": q8, "x_smaller": f32 / q8}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--data", required=True, help="store; its val split is scored")
    add_out(ap, "int8_file.json")
    a = ap.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # torch.ao deprecation notes
    tmp = Path(tempfile.mkdtemp(prefix="int8_file_"))
    f = trajlm.TrajLM.from_pretrained(a.model, threads=1)
    sizes = file_sizes(f, tmp)
    mem = trajlm.TrajLM.from_pretrained(a.model, quantize="int8", threads=1)
    disk = trajlm.TrajLM.from_pretrained(tmp / "int8", threads=1)
    cfg = ModelConfig(d_model=128, n_layers=4, n_heads=4, max_len=64, stats=f.config.stats)
    torch.manual_seed(0)  # the shape of docs/ablations.md section 2's main model (size only)
    main_sizes = file_sizes(trajlm.TrajLM(TrajectoryModel(cfg), threads=1), tmp / "d128")

    df = read_store(a.data, "val", ["traj_id", "t", "lat", "lon"])
    w = sliding_windows(df, 20, 5, 5)
    task = make_prediction_task(w.drop("trip"), k=5, n_input=20)
    trip = dict(w.select("traj_id", "trip").unique().iter_rows())
    trips = np.array([trip[t] for t in task.traj_ids])
    ade = {name: window_ade(m.model, task) for name, m in (("float32", f), ("int8_file", disk),
                                                           ("int8_memory", mem))}  # fmt: skip
    same = bool(np.array_equal(ade["int8_file"], ade["int8_memory"]))
    per_trip = {k: pl.DataFrame({"trip": trips, "e": v}).group_by("trip", maintain_order=True)
                .agg(pl.col("e").mean())["e"].to_numpy() for k, v in ade.items()}  # fmt: skip
    ci = paired_bootstrap_ci(per_trip["int8_file"], per_trip["float32"])
    out = {
        "model": a.model,
        "data": a.data,
        "split": "val",
        "windows": len(task.traj_ids),
        "trajectories": len(per_trip["float32"]),
        "sizes": sizes,
        "sizes_d128_4layers": main_sizes,
        "ade_m": {k: float(v.mean()) for k, v in ade.items()},
        "int8_minus_float32_m": float(ade["int8_file"].mean() - ade["float32"].mean()),
        "int8_minus_float32_rel": float(ade["int8_file"].mean() / ade["float32"].mean() - 1),
        "per_trajectory_bootstrap": ci,
        "max_window_abs_diff_m": float(np.abs(ade["int8_file"] - ade["float32"]).max()),
        "file_equals_memory_bit_for_bit": same,
    }
    print(json.dumps(out, indent=2))
    write_result(out, a.out, "int8_file.json")


if __name__ == "__main__":
    main()
