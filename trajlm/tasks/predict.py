"""Next-point prediction with a trained model: canonical table in, predicted points out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import torch

from trajlm.data.features import LocalProjection
from trajlm.model.rollout import ModelPredictor  # noqa: F401  (in model/: the trainer uses it)


def history_batch(
    df: pl.DataFrame, projection: LocalProjection, max_points: int
) -> tuple[dict[str, torch.Tensor], list[str]]:
    """Turn the last `max_points` points of every trajectory into a right-padded model batch."""
    df = df.sort(["traj_id", "t"])
    df = df.with_columns(pl.int_range(pl.len()).reverse().over("traj_id").alias("_from_end"))
    df = df.filter(pl.col("_from_end") < max_points)
    ids = df["traj_id"].unique(maintain_order=True).to_list()
    lengths = df.group_by("traj_id", maintain_order=True).len()["len"].to_numpy().astype(np.int64)
    B, T = len(ids), int(lengths.max())
    x, y = projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    t = df["t"].to_numpy()
    row = np.repeat(np.arange(B), lengths)
    col = np.arange(len(df)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    pos = np.zeros((B, T, 2), dtype=np.float64)
    pos[row, col, 0], pos[row, col, 1] = x, y
    t0 = t[np.cumsum(lengths) - lengths]
    trel = np.zeros((B, T), dtype=np.float64)
    trel[row, col] = t - t0[row]
    mask = np.zeros((B, T), dtype=bool)
    mask[row, col] = True
    batch = {
        "pos": torch.from_numpy(pos.astype(np.float32)),
        "t": torch.from_numpy(trel.astype(np.float32)),
        "t0": torch.from_numpy(t0.astype(np.int64)),
        "mask": torch.from_numpy(mask),
    }
    return batch, ids


def predict_table(model, df: pl.DataFrame, steps: int, history: int | None = None) -> pl.DataFrame:
    """Predict `steps` future points for every trajectory in `df` (the whole table is history).

    Returns traj_id, step (1..k), t (UTC s), lat, lon, std_m (1-sigma position uncertainty).
    """
    if len(df) == 0:
        raise ValueError("no input points to predict from")
    stats = model.stats
    proj = stats.projection
    if getattr(model.config, "position_frame", "store") == "trajectory":
        from trajlm.data.features import LocalProjection

        proj = LocalProjection.fit(df)  # no absolute position: the input's own plane
    max_hist = history or (model.config.max_len - steps)
    if max_hist < 2:
        raise ValueError(f"model max_len {model.config.max_len} leaves no room for {steps} steps")
    batch, ids = history_batch(df, proj, max_hist)
    device = next(model.parameters()).device
    out = model.generate({k: v.to(device) for k, v in batch.items()}, steps=steps)
    pos = out["pos"].double().cpu().numpy()  # (B, k, 2) metres
    std = out["pos_std"].double().cpu().numpy()  # (B, k, 2)
    t = batch["t0"].numpy()[:, None] + np.rint(out["t"].double().cpu().numpy()).astype(np.int64)
    lat, lon = proj.inverse(pos[..., 0], pos[..., 1])
    B, k = pos.shape[:2]
    return pl.DataFrame(
        {
            "traj_id": np.repeat(np.array(ids, dtype=object), k).tolist(),
            "step": np.tile(np.arange(1, k + 1), B),
            "t": t.reshape(-1),
            "lat": lat.reshape(-1),
            "lon": lon.reshape(-1),
            "std_m": np.sqrt(0.5 * (std**2).sum(-1)).reshape(-1),
        }
    )


def write_points(df: pl.DataFrame, path: str | Path) -> None:
    """Write predicted points as CSV, Parquet or GeoJSON (by file extension)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        df.write_csv(path)
    elif suffix == ".parquet":
        df.write_parquet(path)
    elif suffix in (".geojson", ".json"):
        feats = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")},
            }
            for r in df.iter_rows(named=True)
        ]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    else:
        raise ValueError(
            f"{path}: unknown output format {suffix!r}; use .csv, .parquet or .geojson"
        )
