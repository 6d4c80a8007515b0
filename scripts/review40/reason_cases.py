"""A fixed list of reason / validity calls, one line each (a digest of every array, frame and
warning), to diff one checkout's code against another's (review40: ``check_arrays`` and
``_inject`` moved into named steps, code unchanged):

    PYTHONPATH=/path/to/before python scripts/review40/reason_cases.py > before.txt
    PYTHONPATH=$PWD python scripts/review40/reason_cases.py > after.txt && diff before.txt after.txt
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import polars as pl

from trajlm.reason.inject import inject_anomalies
from trajlm.reason.validity import ValidityConfig, check_arrays, check_validity


def digest(obj: object) -> str:
    """A short digest of an array, a frame or a dict of them (NaN-safe: the bytes)."""
    h = hashlib.sha256()
    if isinstance(obj, dict):
        for k in sorted(obj):
            h.update(k.encode() + digest(obj[k]).encode())
    elif isinstance(obj, pl.DataFrame):
        h.update(obj.write_csv().encode())
    else:
        a = np.asarray(obj)
        h.update(str(a.dtype).encode() + a.tobytes() if a.dtype != object else repr(a).encode())
    return h.hexdigest()[:16]


def tracks(seed: int, n_traj: int, n: int, dt_s: float, mps: float) -> dict[str, np.ndarray]:
    """Random walks in metres with every failure the checks name planted in them."""
    rng = np.random.default_rng(seed)
    traj = np.repeat(np.arange(n_traj), n)
    t = np.cumsum(rng.uniform(0.5, 2.0, n_traj * n) * dt_s)
    heading = np.cumsum(rng.normal(0, 0.3, n_traj * n))
    step = rng.uniform(0.2, 1.5, n_traj * n) * mps * dt_s
    x, y = np.cumsum(step * np.cos(heading)), np.cumsum(step * np.sin(heading))
    k = len(t)
    for i in rng.choice(k, k // 25, replace=False):  # glitches: one point far away
        x[i] += rng.uniform(500, 20000)
    for i in rng.choice(k, k // 40, replace=False):  # missing positions
        x[i] = np.nan
    for i in rng.choice(k - 1, k // 50, replace=False):  # duplicates and backward times
        t[i + 1] = t[i] - (0 if rng.random() < 0.5 else rng.uniform(1, 5))
    if k > 40:  # two positions taking turns (two ships on one MMSI)
        x[20:40:2] += 30000
    reported = step / dt_s * rng.uniform(0.8, 1.2, k)
    reported[rng.choice(k, k // 10, replace=False)] = np.nan
    reported[k // 3 : k // 3 + 15] = 6.0  # a frozen stretch: reported moving, positions still
    x[k // 3 : k // 3 + 15], y[k // 3 : k // 3 + 15] = x[k // 3], y[k // 3]
    road = rng.exponential(30, k)
    return {"traj": traj, "t": t, "x": x, "y": y, "reported": reported, "road": road}


def array_cases() -> None:
    configs = {
        "default": ValidityConfig(),
        "base20": ValidityConfig(min_baseline_s=20.0),
        "tight": ValidityConfig(teleport_min_m=200.0, teleport_factor=1.5, off_road_m=10.0,
                                sog_tol_mps=0.5, frozen_min_m=10.0),
    }  # fmt: skip
    for seed, n_traj, n, dt_s, mps in [(0, 3, 60, 2.0, 8.0), (1, 8, 40, 10.0, 15.0),
                                        (2, 1, 200, 1.0, 5.0), (3, 5, 3, 30.0, 20.0),
                                        (4, 20, 30, 5.0, 30.0), (5, 1, 1, 1.0, 1.0)]:  # fmt: skip
        d = tracks(seed, n_traj, n, dt_s, mps)
        k = len(d["t"])
        max_speed, max_accel = np.full(k, 12.0), np.full(k, 2.5)
        for name, cfg in configs.items():
            for rep in (None, d["reported"]):
                for road in (None, d["road"]):
                    out = check_arrays(d["traj"], d["t"], d["x"], d["y"], max_speed, max_accel,
                                       cfg, road, rep)  # fmt: skip
                    tag = f"arrays seed={seed} cfg={name} rep={rep is not None} road={road is not None}"
                    codes = np.bincount(out["code"], minlength=12).tolist()
                    print(tag, sorted(out), codes, digest(out))
    print("arrays empty", digest(check_arrays(*(np.zeros(0),) * 4, np.zeros(0), np.zeros(0))))


def frame_cases() -> None:
    for seed in (0, 1, 4):
        d = tracks(seed, 4, 50, 5.0, 10.0)
        lat = 41.15 + np.nan_to_num(d["y"], nan=0.0) / 111_000
        lon = -8.61 + d["x"] / 84_000
        t0 = 1_600_000_000
        df = pl.DataFrame({"traj_id": [f"T{i}" for i in d["traj"]], "t": (t0 + d["t"]).astype(np.int64),
                           "lat": lat, "lon": lon})  # fmt: skip
        for mode in ("car", "walk", "bus"):
            for per in ("point", "trajectory"):
                print(f"frame seed={seed} mode={mode} per={per}",
                      digest(check_validity(df, mode, per=per)))  # fmt: skip
        withsog = df.with_columns(pl.Series("sog", d["reported"] * 1.9438))
        print(f"frame seed={seed} sog", digest(check_validity(withsog, "ship")))


def inject_cases() -> None:
    d = tracks(7, 12, 80, 5.0, 10.0)
    df = pl.DataFrame({"traj_id": [f"T{i:02d}" for i in d["traj"]],
                       "t": (1_600_000_000 + np.arange(len(d["t"])) * 5).astype(np.int64),
                       "lat": 41.15 + np.linspace(0, 0.05, len(d["t"])),
                       "lon": -8.61 + np.sin(np.arange(len(d["t"])) / 7) * 0.01})  # fmt: skip
    runs = [{}, {"seed": 1}, {"seed": 2, "fraction": 1.0}, {"fraction": 0.5, "kinds": ("detour",)},
            {"kinds": ("teleport", "speed"), "fraction": 1.0, "seed": 3},
            {"kinds": ("stop", "wrong_way"), "fraction": 1.0, "seed": 4, "max_inserted": 5},
            {"min_points": 500}, {"fraction": 0.0}, {"noise_m": 0.0, "fraction": 1.0}]  # fmt: skip
    for i, kw in enumerate(runs):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            points, labels = inject_anomalies(df, **kw)
        said = [
            (w.category.__name__, str(w.message), w.filename.rsplit("/", 1)[-1], w.lineno)
            for w in seen
        ]
        print(f"inject {i} {kw}", digest(points), digest(labels), said)
    try:
        inject_anomalies(df.head(0))
    except ValueError as e:
        print("inject empty", repr(e))


if __name__ == "__main__":
    array_cases()
    frame_cases()
    inject_cases()
