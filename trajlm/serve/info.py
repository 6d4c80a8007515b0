"""The server's GET routes: /health, /model (the model card with the model's identity),
/background (indexed tracks for the map) and the map page. Out of trajlm/serve/routes.py
(session 22, split22), which holds the task routes (POST /predict, /recover, ...).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from trajlm.api import TrajLM
from trajlm.serve.batching import MicroBatcher, ModelWorker
from trajlm.serve.index import SimilarIndex
from trajlm.serve.limits import ServeSettings

STATIC = Path(__file__).parent / "static"


def info_routes(
    model: TrajLM,
    cfg: ServeSettings,
    worker: ModelWorker,
    batcher: MicroBatcher,
    index: SimilarIndex | None,
) -> APIRouter:
    """GET /health, /model (the model card), /background (indexed tracks) and the map page."""
    router = APIRouter()
    ident = identity(model)

    @router.head("/health", include_in_schema=False)  # uptime monitors that send HEAD
    @router.get("/health")
    async def health() -> dict:
        """Liveness and load; `trajlm_version` and `weights_sha256` say which model answers."""
        q = batcher.queue
        return {"status": "ok", "queued": q.qsize() if q else 0, "batches": batcher.batches,
                "batched_requests": batcher.items, "model_calls_waiting": worker.pending,
                "trajlm_version": ident["trajlm_version"],
                "weights_sha256": ident["weights_sha256"]}  # fmt: skip

    @router.head("/model", include_in_schema=False)  # monitors and caches that send HEAD
    @router.get("/model")
    async def model_card() -> dict:
        """The model card: config, parameters, tasks, training coverage, metrics, limits, and
        its identity (trajlm version, weights SHA-256, server start time)."""
        return _card(model, cfg, index) | ident

    @router.head("/background", include_in_schema=False)  # monitors and caches that send HEAD
    @router.get("/background")
    async def background(limit: int = 300) -> dict:
        """Indexed tracks (thinned) as GeoJSON, for the map's background; a local index's
        in x / y metres, said by `crs` (fix37c: the page drew them as lon / lat)."""
        feats = []
        if index is not None:
            for tid in index.ids[: max(0, min(limit, 2_000))]:
                g = index.tracks[tid]
                feats.append({"type": "Feature", "properties": {"traj_id": tid},
                              "geometry": {"type": "LineString", "coordinates":
                                           [[a, b] for a, b in zip(g["lon"], g["lat"], strict=True)]}})  # fmt: skip
        out = {"type": "FeatureCollection", "features": feats}
        if getattr(index, "local", False):  # x / y metres on a plane: the page draws no map
            out |= {"crs": "local", "note": "x / y metres on a plane (--crs local), not a map"}
        return out

    @router.head("/", include_in_schema=False)
    @router.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return router


def identity(model: TrajLM) -> dict:
    """Which model answers: the trajlm version, the SHA-256 of the weights file (None for a
    model without one) and when this server started (UTC). Session 14: a dashboard can tell
    a redeployed model from the old one."""
    import hashlib
    from datetime import UTC, datetime

    from trajlm import __version__
    from trajlm.model.weights import WEIGHTS_NAME

    sha = None
    f = None if model.path is None else Path(model.path) / WEIGHTS_NAME
    if f is not None and f.is_file():
        h = hashlib.sha256()
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        sha = h.hexdigest()
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"trajlm_version": __version__, "weights_sha256": sha, "started_at": started}


def _card(model: TrajLM, cfg: ServeSettings, index: SimilarIndex | None) -> dict:
    conf = model.config.to_dict() if hasattr(model.config, "to_dict") else dict(vars(model.config))
    stats = conf.pop("stats", None) or {}
    # what the model was trained on (trajlm.model.coverage; recorded by the Trainer), plus the
    # centre and scale of its plane, which every checkpoint has
    coverage = (conf.pop("coverage", None) or {}) | {
        "centre": {"lat": stats.get("lat0"), "lon": stats.get("lon0")},
        "position_scale_m": stats.get("xy_scale"),
    }
    metrics = {}
    for d in [] if model.path is None else [Path(model.path), Path(model.path).parent]:
        for name in ("train_summary.json", "eval.json", "metrics.json"):
            if (d / name).exists() and name not in metrics:
                try:
                    metrics[name] = json.loads((d / name).read_text())
                except (OSError, ValueError):
                    continue
    n = sum(p.numel() for p in model.model.parameters())
    return {"path": str(model.path), "tasks": model.tasks, "params": n,
            "config": jsonable(conf), "coverage": jsonable(coverage),
            "metrics": jsonable(metrics), "max_steps": model.config.max_len - 2,
            "limits": asdict(cfg) | {"limits": asdict(cfg.limits)},
            "index": None if index is None else {"store": index.store, "trajectories": len(index)},
            "classes": None if model.classifier is None else
            [str(c) for c in model.classifier.classes_]}  # fmt: skip


def jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, str | int | float | bool) or x is None:
        return x
    return str(x)


__all__ = ["STATIC", "identity", "info_routes"]
