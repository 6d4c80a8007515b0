"""The /similar index: embeddings of a store's trajectories, built once at start-up.

Exact L2 search (``trajlm.similarity.EmbeddingSearch``), the same as `trajlm similar`; the
thinned tracks are kept to draw the matches (and the map's background).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.geo import from_wgs84
from trajlm.data.local_plane import store_crs
from trajlm.data.store import read_store
from trajlm.similarity import EmbeddingSearch

DRAW_POINTS = 48  # vertices kept per indexed track for drawing


def embedding_points(run: Path | None) -> int | None:
    """n_points of RUN/embedding.json (written by `trajlm finetune --task similarity`)."""
    for d in [] if run is None else [Path(run), Path(run).parent]:
        spec = d / "embedding.json"
        if spec.exists():
            return json.loads(spec.read_text()).get("n_points")
    return None


class SimilarIndex:
    """Embeddings of up to `limit` trajectories of a store (all splits; beyond `limit`, evenly
    spread over the sorted ids, so a GeoLife store is not its first users' trips)."""

    def __init__(self, model: Any, store: str | Path, limit: int = 5_000) -> None:
        df = read_store(store, columns=["traj_id", "t", "lat", "lon"])
        ids = df["traj_id"].unique().sort()
        if len(ids) > limit:  # an even spread over the sorted ids, not the first users' trips
            ids = ids.gather(np.linspace(0, len(ids) - 1, limit).round().astype(np.int64))
        df = df.filter(pl.col("traj_id").is_in(ids.implode()), pl.len().over("traj_id") >= 2)
        self.store, self.n_points = str(store), embedding_points(model.path)
        emb = model.embed(df, n_points=self.n_points)
        self.ids: list[str] = emb["traj_id"].to_list()
        self.search = EmbeddingSearch(metric="l2").fit(
            emb.select(pl.exclude("traj_id")).to_numpy().astype(np.float32)
        )
        step = pl.len().over("traj_id") // DRAW_POINTS + 1
        thin = df.filter(pl.int_range(pl.len()).over("traj_id") % step == 0)
        # a `--crs local` store (badfix37): queries must send "crs": "local"; tracks drawn in
        # x / y metres ([x, y] as a request's GeoJSON), not the stand-in plane's 1 N 1 E
        self.local = store_crs(store) == "local"
        if self.local:
            x, y = from_wgs84(thin["lat"].to_numpy(), thin["lon"].to_numpy(), "local")
            thin = thin.with_columns(lat=pl.Series(np.round(y, 3)), lon=pl.Series(np.round(x, 3)))
        self.tracks = {k[0]: g for k, g in thin.group_by("traj_id")}

    def __len__(self) -> int:
        return len(self.ids)

    def query(self, Z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(distances, indices), (Nq, k) each, nearest first."""
        dist, idx = self.search.search(Z.astype(np.float32), min(k, len(self.ids)))
        return np.sqrt(np.maximum(dist, 0)), idx
