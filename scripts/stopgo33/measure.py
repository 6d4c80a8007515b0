"""Session 33 (stopgo33): on stop-and-go feeds, is trajlm-small's `predict(latest=True,
seconds_ahead=...)` worse than holding the last fix? Measure only; no code path changes.

Rules, fixed before any read (docs/generalization.md "Session 33 (stopgo33)"):
- Feeds: Liverpool bus route 14 (16 trips), Limerick bus 304 GPX (one 75-min trip, 1 s),
  Porto taxis of the store's TEST split (/tmp/stores/porto), dispatch33's generator seeds 1-2
  (today's feed, 30 vans each; truth = the generator's noiseless path). None is in
  trajlm-small's training data.
- Cuts: per trip, every 120 s from the first fix + 180 s while cut + 600 s <= the last fix; at
  most 30 per trip (evenly spaced over those). History = the trip's fixes up to the cut; the
  same cuts for every horizon (60, 300, 600 s after the last history fix).
- Truth: the feed itself interpolated linearly at last fix + h (real feeds; the synthetic feeds
  use the generator's noiseless path).
- Engines: trajlm-small `predict(history, seconds_ahead=[60, 300, 600], latest=True)` (defaults:
  hold_stays on), hold the last fix, constant velocity from the last two fixes.
- Per-unit error = mean haversine error over the unit's cuts; unit = trip, or for a feed with
  under 8 trips consecutive blocks of 5 cuts (Limerick); paired bootstrap (2,000 draws, seed 0)
  95 % CI of model - hold and model - CV.
- Added after the first read of the "all" rows (descriptive, not a test): the same table for the
  cuts where the vehicle was moving (last two fixes > 1 m/s apart per second) and still.

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W ignore scripts/stopgo33/measure.py [FEED ...]
(FEEDS: liverpool limerick porto synth1 synth2; outputs: $STOPGO33_RUNS, default
runs/stopgo33; dispatch33 data from $DISPATCH33_OUT, generated there if missing).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

import trajlm
from trajlm.data.geometry import haversine

DATA = Path("/work/shared/data")
PORTO_STORE = Path(os.environ.get("STOPGO33_PORTO", "/tmp/stores/porto"))
GEN = Path(os.environ.get("DISPATCH33_OUT", "/tmp/stopgo33/dispatch33"))
RUNS = Path(os.environ.get("STOPGO33_RUNS", "runs/stopgo33"))
HORIZONS = (60, 300, 600)
FIRST_CUT_S, CUT_EVERY_S, MAX_CUTS = 180, 120, 30


def unix_s(times: pd.Series) -> pd.Series:
    """Unix seconds whatever unit pandas parsed the datetimes in."""
    return (pd.to_datetime(times, utc=True) - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)


def liverpool() -> dict[str, pd.DataFrame]:
    df = pd.read_csv(DATA / "liverpool_bus/route14_outbound.csv")
    df["t"] = unix_s(df["timestamp"])
    df = df.rename(columns={"latitude": "lat", "longitude": "lon"})
    return {f"liv{k}": g[["t", "lat", "lon"]] for k, g in df.groupby("trip_id")}


def limerick() -> dict[str, pd.DataFrame]:
    text = (DATA / "bus_gpx_limerick/304 to UL 2019-02-18 0745.gpx").read_text()
    pts = re.findall(r'<trkpt lat="([-\d.]+)" lon="([-\d.]+)">.*?<time>([^<]+)</time>', text, re.S)
    df = pd.DataFrame(pts, columns=["lat", "lon", "time"])
    t = unix_s(df["time"])
    return {"lim304": pd.DataFrame({"t": t, "lat": df["lat"].astype(float),
                                    "lon": df["lon"].astype(float)})}  # fmt: skip


def porto() -> dict[str, pd.DataFrame]:
    idx = pl.read_parquet(PORTO_STORE / "index.parquet").filter(pl.col("split") == "test")
    pts = pl.read_parquet(PORTO_STORE / "points/split=test/**/*.parquet")
    pts = pts.filter(pl.col("traj_id").is_in(idx["traj_id"].implode())).sort("traj_id", "t")
    return {f"p{k[0]}": g.select("t", "lat", "lon").to_pandas()
            for k, g in pts.group_by("traj_id", maintain_order=True)}  # fmt: skip


def synth(seed: int) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    folder = GEN / f"seed{seed}"
    if not (folder / "today.csv").exists():
        gen = Path(__file__).resolve().parents[1] / "dispatch33/gen.py"
        subprocess.run([sys.executable, str(gen), str(seed)], check=True,
                       env={**os.environ, "DISPATCH33_OUT": str(GEN)})  # fmt: skip
    feed = pd.read_csv(folder / "today.csv", parse_dates=["timestamp"])
    feed["t"] = unix_s(feed["timestamp"])
    truth = pd.read_csv(folder / "truth_today.csv")
    trips = {f"s{seed}{v}": g[["t", "lat", "lon"]] for v, g in feed.groupby("van_id")}
    truths = {f"s{seed}{v}": g[["t", "lat", "lon"]] for v, g in truth.groupby("van_id")}
    return trips, truths


def cuts_of(t: np.ndarray) -> np.ndarray:
    grid = np.arange(t[0] + FIRST_CUT_S, t[-1] - max(HORIZONS) + 1, CUT_EVERY_S)
    if len(grid) > MAX_CUTS:
        grid = grid[np.linspace(0, len(grid) - 1, MAX_CUTS).round().astype(int)]
    return grid


def windows(trips: dict[str, pd.DataFrame], truths: dict[str, pd.DataFrame]) -> tuple:
    """The history frame (one trajectory per cut) and per-cut baselines and truths."""
    hist, rows = [], []
    for trip, g in trips.items():
        g = g.sort_values("t").drop_duplicates("t")
        t, lat, lon = (g[c].to_numpy(float) for c in ("t", "lat", "lon"))
        tr = truths.get(trip, g)
        for k, cut in enumerate(cuts_of(t)):
            n = int(np.searchsorted(t, cut, side="right"))
            wid = f"{trip}#{k}"
            hist.append(pd.DataFrame({"traj_id": wid, "t": t[:n], "lat": lat[:n], "lon": lon[:n]}))
            last, dt = t[n - 1], t[n - 1] - t[n - 2]
            speed = float(haversine(lat[n - 2], lon[n - 2], lat[n - 1], lon[n - 1])) / dt
            for h in HORIZONS:
                cv = (lat[n - 1] + (lat[n - 1] - lat[n - 2]) * h / dt,
                      lon[n - 1] + (lon[n - 1] - lon[n - 2]) * h / dt)  # fmt: skip
                true = (np.interp(last + h, tr["t"], tr["lat"]),
                        np.interp(last + h, tr["t"], tr["lon"]))  # fmt: skip
                rows.append({"trip": trip, "cut": k, "window": wid, "h": h, "speed": speed,
                             "hold": float(haversine(lat[n - 1], lon[n - 1], *true)),
                             "cv": float(haversine(*cv, *true)), "true_lat": true[0],
                             "true_lon": true[1]})  # fmt: skip
    return pd.concat(hist, ignore_index=True), pd.DataFrame(rows)


def with_model(model: trajlm.TrajLM, hist: pd.DataFrame, tab: pd.DataFrame) -> pd.DataFrame:
    p = model.predict(hist, seconds_ahead=list(HORIZONS), latest=True)
    p["h"] = np.asarray(HORIZONS)[p["step"].to_numpy() - 1]
    tab = tab.merge(p[["traj_id", "h", "lat", "lon"]].rename(columns={"traj_id": "window"}),
                    on=["window", "h"], how="left")  # fmt: skip
    tab["model"] = haversine(tab["lat"], tab["lon"], tab["true_lat"], tab["true_lon"])
    return tab.drop(columns=["lat", "lon"])


def paired_ci(a: np.ndarray, b: np.ndarray, draws: int = 2000) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    d = a - b
    boot = d[rng.integers(0, len(d), (draws, len(d)))].mean(axis=1)
    return float(d.mean()), *map(float, np.percentile(boot, [2.5, 97.5]))


def summary(feed: str, tab: pd.DataFrame, subset: str = "all") -> list[dict]:
    tab = tab.dropna(subset=["model"]).copy()
    if subset != "all":  # moving / still at the cut: last two fixes over / under 1 m/s
        tab = tab[(tab["speed"] > 1) == (subset == "moving")]
    if tab["trip"].nunique() < 8:  # one long trip: blocks of 5 consecutive cuts
        tab["unit"] = tab["trip"] + "/" + (tab["cut"] // 5).astype(str)
    else:
        tab["unit"] = tab["trip"]
    out = []
    for h, g in tab.groupby("h"):
        u = g.groupby("unit")[["model", "hold", "cv"]].mean()
        row = {"feed": feed, "subset": subset, "h": h, "units": len(u), "cuts": len(g),
               "moving_share": round(float((g["speed"] > 1).mean()), 2)}  # fmt: skip
        for c in ("model", "hold", "cv"):
            row[f"{c}_mean"], row[f"{c}_median"] = g[c].mean(), g[c].median()
        for other in ("hold", "cv"):
            d, lo, hi = paired_ci(u["model"].to_numpy(), u[other].to_numpy())
            row[f"model-{other}"], row[f"{other}_lo"], row[f"{other}_hi"] = d, lo, hi
        out.append(row)
    return out


def main(feeds: list[str]) -> None:
    RUNS.mkdir(parents=True, exist_ok=True)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    loaders = {"liverpool": lambda: (liverpool(), {}), "limerick": lambda: (limerick(), {}),
               "porto": lambda: (porto(), {}), "synth1": lambda: synth(1),
               "synth2": lambda: synth(2), "synth0": lambda: synth(0)}  # fmt: skip
    rows = []
    for feed in feeds:
        trips, truths = loaders[feed]()
        hist, tab = windows(trips, truths)
        tab = with_model(model, hist, tab)
        tab.to_csv(RUNS / f"{feed}_cuts.csv", index=False)
        for subset in ("all", "moving", "still"):
            rows += summary(feed, tab, subset)
        print(pd.DataFrame(rows[-9:]).round(1).to_string(index=False), flush=True)
    pd.DataFrame(rows).round(2).to_csv(RUNS / f"summary_{'_'.join(feeds)}.csv", index=False)


if __name__ == "__main__":
    main(sys.argv[1:] or ["liverpool", "limerick", "porto", "synth1", "synth2"])
