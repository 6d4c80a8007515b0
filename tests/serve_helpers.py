"""A tiny trained run, its store and a classifier for the serve tests (seconds on one core)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import torch

from trajlm.data.clean import PRESETS, clean
from trajlm.data.store import read_store, write_store
from trajlm.data.synthetic import generate_city
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.train.trainer import TrainConfig, Trainer

MIX = {"causal": 1, "points": 1, "spans": 1, "features": 1, "od": 1, "future": 1}


def tiny_run(d: Path, *, n: int = 60, seed: int = 1) -> Path:
    """d/store (a synthetic city of ``n`` trajectories at Porto) and d/run (a 20-step multi-task
    run: every task, far worse than the baselines)."""
    torch.set_num_threads(1)
    city = generate_city(n_trajectories=n, seed=seed, center_lat=41.15, center_lon=-8.61)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, d / "store", report=rep)
    cfg = TrainConfig(batch_size=4, max_len=32, shuffle_buffer=8, lr=3e-3, warmup_steps=3,
                      max_steps=20, eval_every=10, select_on="val_loss", log_every=5,
                      progress=False, cpu_threads=1, objectives=MIX)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time")
    Trainer(d / "store", d / "run", mc, cfg).fit()
    return d


def make_workdir(d: Path, classifier: bool = True) -> Path:
    """d/store (a synthetic city at Porto), d/run (multi-task: every task), d/modes (classifier)."""
    tiny_run(d)
    if classifier:
        from trajlm.tasks.classify import ModelClassifier

        train = read_store(d / "store", split="train")
        some = train.filter(pl.col("traj_id").is_in(train["traj_id"].unique().head(20).implode()))
        clf = ModelClassifier(TrajectoryModel.from_pretrained(d / "run"), mode="frozen",
                              epochs=1, max_len=32, batch_size=16)  # fmt: skip
        clf.fit(some)
        clf.save(d / "modes")
    return d


def rows(df: pl.DataFrame) -> list[dict]:
    """A canonical table as the JSON table the API takes."""
    return df.select("traj_id", "t", "lat", "lon").to_dicts()


def geojson(df: pl.DataFrame, iso: bool = False) -> dict:
    """One LineString Feature per trajectory, times in properties.times."""
    from trajlm.serve.formats import iso as to_iso

    feats = []
    for (tid,), g in df.group_by("traj_id", maintain_order=True):
        times = [to_iso(t) for t in g["t"]] if iso else g["t"].to_list()
        feats.append({"type": "Feature", "properties": {"traj_id": tid, "times": times},
                      "geometry": {"type": "LineString",
                                   "coordinates": g.select("lon", "lat").rows()}})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve `app` with uvicorn on a free 127.0.0.1 port in a thread; yields the base URL."""
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def app_client(model, settings=None) -> Iterator:
    """A FastAPI TestClient of ``create_app(model, settings)`` (skipped without the serve
    extra): the reach tests' client (reach32, dispatch33)."""
    import pytest

    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    with TestClient(create_app(model, settings)) as c:
        yield c
