"""Load test of `trajlm serve` on loopback: mixed requests, latency, status codes, RSS, and
/predict throughput with micro-batching vs one request per model pass.

    .venv/bin/python bench/serve.py                   # trains a small model first (~20 s)
    .venv/bin/python bench/serve.py --model RUN --index STORE --requests 10000

Starts the server(s) itself on 127.0.0.1 (a subprocess: its RSS is measured from outside),
sends `--requests` requests at `--concurrency` with httpx: ~75 % valid (/predict with
20-point histories and 5 steps, /embed, /similar, /recover, /travel-time), ~20 % malformed
(each must get a 4xx whose message names the problem), ~5 % oversized (413/422). Then
`--throughput` /predict requests to a server with --max-batch 64 and to one with --max-batch 1.
Prints the report; `--out bench/results/serve.json` writes it. Bounded: every request has a 30 s
client timeout.
Needs the serve and bench extras (httpx, fastapi, uvicorn, psutil).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
from _results import add_out, write_result

ROOT = Path(__file__).resolve().parents[1]
T0 = 1_710_000_000


def _track(rng: random.Random, tid: str, n: int) -> list[dict]:
    lat, lon = 41.15 + rng.uniform(-0.02, 0.02), -8.61 + rng.uniform(-0.02, 0.02)
    dlat, dlon = rng.uniform(-1e-4, 1e-4), rng.uniform(-1e-4, 1e-4)
    return [{"traj_id": tid, "t": T0 + 15 * i, "lat": lat + dlat * i, "lon": lon + dlon * i}
            for i in range(n)]  # fmt: skip


def _malformed(rng: random.Random, points: int) -> tuple[dict | bytes, str]:
    """(body, a word the 4xx message must contain)."""
    rows = _track(rng, "m", points)
    kind = rng.randrange(8)
    if kind == 0:
        rows[3]["lat"] = 123.0
        return {"trajectories": rows, "steps": 5}, "lat"
    if kind == 1:
        rows[2]["lon"] = "east"
        return {"trajectories": rows, "steps": 5}, "lon"
    if kind == 2:  # rows out of time order are sorted since newuser28; a time that is text is not
        rows[4]["t"] = "soon"
        return {"trajectories": rows, "steps": 5}, "times"
    if kind == 3:  # a second fix at the last time, 1 km away (an exact receiver duplicate is
        # dropped with a warning since session 15; two places at one time are refused)
        far = dict(rows[-1], lat=rows[-1]["lat"] + 0.009)
        return {"trajectories": rows + [far], "steps": 5}, "repeats"
    if kind == 4:
        return {"trajectories": rows, "steps": -2}, "steps"
    if kind == 5:
        return {"trajectories": [], "steps": 5}, "empty"
    if kind == 6:
        return b'{"trajectories": [{"traj_id": "a", "t": 1', "JSON"
    return {"trajectories": {"type": "Point", "coordinates": [1, 2]}}, "type"


def _oversized(rng: random.Random) -> tuple[dict | bytes, str]:
    if rng.random() < 0.5:
        return b'{"trajectories": "' + b"x" * 4_100_000 + b'"}', "limit"
    return {"trajectories": _track(rng, "big", 2_500), "steps": 5}, "limit"


def _request(rng: random.Random, points: int, steps: int) -> tuple[str, dict | bytes, str | None]:
    """(path, body, None for a valid request or the word its error must name)."""
    u = rng.random()
    if u < 0.60:
        return "/predict", {"trajectories": _track(rng, "v", points), "steps": steps}, None
    if u < 0.65:
        return "/embed", {"trajectories": _track(rng, "e", points)}, None
    if u < 0.70:
        return "/similar", {"trajectories": _track(rng, "s", points), "k": 5}, None
    if u < 0.73:
        rows = _track(rng, "r", points)
        for r in rows[2:-2:3]:
            r["lat"] = r["lon"] = None
        return "/recover", {"trajectories": rows}, None
    if u < 0.75:
        return "/travel-time", {"origins": [[41.15, -8.61]], "destinations": [[41.16, -8.6]],
                                "depart": T0}, None  # fmt: skip
    if u < 0.95:
        return "/predict", *_malformed(rng, points)
    return "/predict", *_oversized(rng)


async def _run(url: str, jobs: list, concurrency: int) -> list[tuple[float, int, str, str | None]]:
    """(latency s, status or -1 for a dropped connection, error message, expected word)."""
    out: list = []
    queue: asyncio.Queue = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                path, body, word = queue.get_nowait()
                kw = {"content": body, "headers": {"content-type": "application/json"}} \
                    if isinstance(body, bytes) else {"json": body}  # fmt: skip
                t = time.perf_counter()
                try:
                    r = await client.post(path, **kw)
                    msg = r.json().get("error", "") if r.status_code >= 400 else ""
                    out.append((time.perf_counter() - t, r.status_code, msg, word))
                except (httpx.HTTPError, ValueError) as e:
                    out.append((time.perf_counter() - t, -1, repr(e), word))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out


def load_run(url: str, n_requests: int = 10_000, concurrency: int = 32, points: int = 20,
             steps: int = 5, seed: int = 0) -> dict:  # fmt: skip
    """Send the mixed requests; the report the bench prints (also used by a test)."""
    rng = random.Random(seed)
    jobs = [_request(rng, points, steps) for _ in range(n_requests)]
    t = time.perf_counter()
    res = asyncio.run(_run(url, jobs, concurrency))
    wall = time.perf_counter() - t
    lat = np.array([r[0] for r in res]) * 1000
    valid_predict = np.array([r[0] for r, j in zip(res, jobs, strict=False)
                              if j[2] is None and j[0] == "/predict" and r[1] == 200]) * 1000  # fmt: skip
    bad = [r for r in res if r[3] is not None]
    return {
        "requests": len(res), "concurrency": concurrency, "wall_s": round(wall, 2),
        "requests_per_s": round(len(res) / wall, 1),
        "p50_ms": round(float(np.percentile(lat, 50)), 1),
        "p99_ms": round(float(np.percentile(lat, 99)), 1),
        "predict_p50_ms": round(float(np.percentile(valid_predict, 50)), 1),
        "predict_p99_ms": round(float(np.percentile(valid_predict, 99)), 1),
        "status_counts": dict(sorted(Counter(r[1] for r in res).items())),
        "dropped": sum(r[1] == -1 for r in res),
        "malformed_not_4xx": sum(not 400 <= r[1] < 500 for r in bad),
        "bad_unnamed": sum(r[3].lower() not in r[2].lower() for r in bad if 400 <= r[1] < 500),
        "valid_not_200": sum(r[1] != 200 for r in res if r[3] is None),
    }  # fmt: skip


# ------------------------------------------------------------------------------- servers
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`trajlm serve` as a subprocess on a free loopback port."""

    def __init__(self, model: Path, index: Path | None, *extra: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "trajlm.cli", "serve", "--model", str(model),
               "--port", str(self.port), "--threads", "1", *extra]  # fmt: skip
        cmd += ["--index", str(index)] if index else []
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"the server did not start: {' '.join(cmd)}")
            time.sleep(0.2)

    def rss_mb(self) -> float:
        import psutil

        return psutil.Process(self.proc.pid).memory_info().rss / 2**20

    def cpu_s(self) -> float:
        """CPU seconds the server has used (user + system, all its threads)."""
        import psutil

        t = psutil.Process(self.proc.pid).cpu_times()
        return t.user + t.system

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def throughput(server: Server, n: int, concurrency: int, points: int, steps: int) -> dict:
    """/predict requests/s (wall), the server's CPU ms per request (what a machine of our own
    would bound: this one is shared) and the mean number of requests per model pass."""
    rng = random.Random(1)
    jobs = [("/predict", json.dumps({"trajectories": _track(rng, "v", points), "steps": steps})
             .encode(), None) for _ in range(n)]  # fmt: skip
    h0, c0, t = httpx.get(server.url + "/health").json(), server.cpu_s(), time.perf_counter()
    res = asyncio.run(_run(server.url, jobs, concurrency))
    wall, cpu = time.perf_counter() - t, server.cpu_s() - c0
    h1 = httpx.get(server.url + "/health").json()
    assert all(r[1] == 200 for r in res), Counter(r[1] for r in res)
    lat = np.array([r[0] for r in res]) * 1000
    passes = max(1, h1["batches"] - h0["batches"])
    return {"requests_per_s": round(n / wall, 1), "server_cpu_ms_per_request": round(1000 * cpu / n, 2),
            "requests_per_pass": round((h1["batched_requests"] - h0["batched_requests"]) / passes, 1),
            "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p99_ms": round(float(np.percentile(lat, 99)), 1)}  # fmt: skip


def model_passes(run: Path, n: int, points: int, steps: int, repeats: int = 3) -> dict:
    """Without HTTP: `n` requests as n model calls vs one micro-batched pass (best of repeats)."""
    import torch

    import trajlm
    from trajlm.serve.app import predict_batch
    from trajlm.serve.formats import Limits, parse_trajectories

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained(run, threads=1)
    rng = random.Random(2)
    frames = [parse_trajectories(_track(rng, "v", points), Limits())[0] for _ in range(n)]
    run_batch = predict_batch(model)
    one, batched = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        for f in frames:
            run_batch(("steps", steps), [f])
        one.append(time.perf_counter() - t)
        t = time.perf_counter()
        run_batch(("steps", steps), frames)
        batched.append(time.perf_counter() - t)
    return {"requests": n, "one_at_a_time_ms": round(1000 * min(one), 1),
            "one_pass_ms": round(1000 * min(batched), 1),
            "speedup": round(min(one) / min(batched), 1)}  # fmt: skip


def train_small(d: Path, steps: int = 60) -> tuple[Path, Path]:
    """A multi-task model on a synthetic city at Porto, briefly trained (speed, not quality)."""
    import torch

    from trajlm.data.clean import PRESETS, clean
    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    torch.set_num_threads(1)
    city = generate_city(n_trajectories=300, seed=1, center_lat=41.15, center_lon=-8.61)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, d / "store", report=rep)
    mix = {"causal": 1, "points": 1, "spans": 1, "features": 1, "od": 1, "future": 1}
    cfg = TrainConfig(batch_size=8, max_len=96, shuffle_buffer=32, lr=3e-3, warmup_steps=5,
                      max_steps=steps, eval_every=max(30, steps // 4), select_on="val_loss",
                      log_every=30, progress=False, cpu_threads=1, objectives=mix)  # fmt: skip
    # the model shape of configs/multitask.toml (~150 k parameters)
    mc = ModelConfig(d_model=64, n_layers=3, n_heads=4, n_kv_heads=2, max_len=96,
                     pos_type="rope_time", infill_heads=True)  # fmt: skip
    Trainer(d / "store", d / "run", mc, cfg).fit()
    return d / "run", d / "store"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, help="Run directory (default: train a small one).")
    ap.add_argument("--index", type=Path, help="Store for /similar (default: its store).")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--throughput", type=int, default=1_000, help="/predict requests per mode.")
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--steps", type=int, default=5)
    add_out(ap, "serve.json")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model, index = a.model, a.index
        if model is None:
            model, store = train_small(Path(tmp))
            index = index or store
        server = Server(model, index)
        try:
            throughput(server, 200, a.concurrency, a.points, a.steps)  # warm up
            rss0, cpu0, own0 = server.rss_mb(), server.cpu_s(), time.process_time()
            report = load_run(server.url, a.requests, a.concurrency, a.points, a.steps)
            rss1, cpu1, own1 = server.rss_mb(), server.cpu_s(), time.process_time()
            batched = throughput(server, a.throughput, a.concurrency, a.points, a.steps)
        finally:
            server.stop()
        one = Server(model, None, "--max-batch", "1")
        try:
            throughput(one, 100, a.concurrency, a.points, a.steps)
            single = throughput(one, a.throughput, a.concurrency, a.points, a.steps)
        finally:
            one.stop()
        passes = model_passes(model, a.concurrency, a.points, a.steps)
    n = report["requests"]
    report |= {"server_cpu_ms_per_request": round(1000 * (cpu1 - cpu0) / n, 2),
               "client_cpu_ms_per_request": round(1000 * (own1 - own0) / n, 2),
               "load_avg_1min": round(os.getloadavg()[0], 1),
               "model_passes": passes, "rss_before_mb": round(rss0, 1), "rss_after_mb": round(rss1, 1),
               "rss_growth_pct": round(100 * (rss1 / rss0 - 1), 1),
               "predict_batched": batched, "predict_one_at_a_time": single,
               "batching_speedup_wall": round(batched["requests_per_s"] / single["requests_per_s"], 2),
               "batching_speedup_server_cpu": round(single["server_cpu_ms_per_request"]
                                                    / batched["server_cpu_ms_per_request"], 2),
               "points": a.points, "steps": a.steps, "cpus": os.cpu_count()}  # fmt: skip
    for k, v in report.items():
        print(f"{k:>26}: {v}")
    write_result(report, a.out, "serve.json", indent=1)


if __name__ == "__main__":
    main()
