"""Session 34 (dispatch34): `trajlm.parked` against truth, beside "the speed of the last two
fixes is under a threshold", on dispatch33's parcel fleet (seeds 0, 1, 2) and on real
stop-and-go feeds (Liverpool bus, the Limerick bus, the Athens school buses and trucks, the
Suez AIS ships).

Rules (written here before the first run; nothing tuned after it):
- The rule: `trajlm.parked` at its defaults (stop_minutes=2, radius_m=50), and
  stop_minutes=1 as a second setting; for the AIS ships radius_m=300 (an anchored ship swings
  over its cable and length) in both the rule and the truth.
- Baselines: the speed between the mover's last two fixes (at or before the cut) under
  1.0 m/s, and under 2.0 m/s.
- Cuts. Generator: every 5 min from 08:00 to 11:00 UTC; each van with a fix within 120 s
  before the cut, answered as of the cut (`at=`). Real feeds: a cut at a fix (the answer as of
  that fix) from each trip's 3rd fix on, where the trip has a fix N or more after it; at most
  60 cuts per trip (seeded choice, seed 0).
- Truth "stays" (every feed): the mover does not move over R (50 m; ships 300 m) from its
  position at the last fix within the next N (2 min; ships 30 min): on the generator from the
  noiseless 1 s path, on real feeds from its later fixes up to the first one N or more after.
  Truth "dwell" (generator only): the noiseless path stands still at the van's last fix (a
  delivery: it arrived, whenever).
- Scores: precision and recall of "parked", 95 % CIs by a bootstrap over movers (generator:
  (seed, van)); the paired bootstrap CI of the F1 difference, the rule (defaults) minus the
  1 m/s baseline; 2,000 draws. On the generator also |since - the true arrival| for true
  dwells said parked.

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W ignore scripts/dispatch34/parked_score.py
Outputs: $DISPATCH34_RUNS (default runs/dispatch34)/parked_cuts.csv, parked_summary.csv.
Data: dispatch33's generator under $DISPATCH33_OUT (made when missing), /work/shared/data.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm
from trajlm.data.coerce import coerce
from trajlm.data.geometry import haversine
from trajlm.data.parked import parked_table

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "dispatch33")]
from gen import OUT as GEN  # noqa: E402
from gen import generate  # noqa: E402

DATA = Path(os.environ.get("TRAJLM_SHARED_DATA", "/work/shared/data"))
RUNS = Path(os.environ.get("DISPATCH34_RUNS", "runs/dispatch34"))
METHODS = ("rule_2min", "rule_1min", "speed_lt_1", "speed_lt_2")
MAX_CUTS, DRAWS = 60, 2000


def last_two_speed(t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> float:
    if len(t) < 2 or t[-1] <= t[-2]:
        return np.nan
    return float(haversine(lat[-2], lon[-2], lat[-1], lon[-1]) / (t[-1] - t[-2]))


def generator_rows(seed: int) -> list[dict]:
    folder = GEN / f"seed{seed}"
    if not (folder / "truth_today.csv").exists():
        generate(seed)
    feed = pd.read_csv(folder / "today.csv", parse_dates=["timestamp"])
    feed["t"] = (feed["timestamp"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    truth = {v: g for v, g in pd.read_csv(folder / "truth_today.csv").groupby("van_id")}
    canon, _ = coerce(feed[["van_id", "timestamp", "lat", "lon"]], validate=False,
                      split_gaps=False)  # fmt: skip
    rows = []
    for cut in pd.date_range("2026-12-07 08:00", "2026-12-07 11:00", freq="5min", tz="UTC"):
        at = cut.timestamp()
        said = {m: parked_table(canon, at, mins * 60, 50.0, 300.0).to_pandas().set_index("traj_id")
                for m, mins in (("rule_2min", 2.0), ("rule_1min", 1.0))}  # fmt: skip
        for van, g in feed[feed["t"] <= at].groupby("van_id"):
            if g["t"].iloc[-1] < at - 120:
                continue
            t, lat, lon = (g[c].to_numpy(dtype=float) for c in ("t", "lat", "lon"))
            tr = truth[van]
            tt, tlat, tlon = (tr[c].to_numpy() for c in ("t", "lat", "lon"))
            i = int(np.clip(np.searchsorted(tt, t[-1]), 1, len(tt) - 2))
            still = (tlat[i] == tlat[i - 1]) & (tlon[i] == tlon[i - 1]) | \
                (tlat[i] == tlat[i + 1]) & (tlon[i] == tlon[i + 1])  # fmt: skip
            ahead = (tt >= tt[i]) & (tt <= tt[i] + 120)
            stays = bool(haversine(tlat[ahead], tlon[ahead], tlat[i], tlon[i]).max() <= 50.0)
            arrive = np.nan
            if still:  # the dwell's first second: back while the path stands still
                moved = np.flatnonzero((tlat[:i] != tlat[i]) | (tlon[:i] != tlon[i]))
                arrive = float(tt[moved[-1] + 1]) if len(moved) else float(tt[0])
            v = last_two_speed(t, lat, lon)
            row = {"feed": "generator", "unit": f"s{seed}_{van}", "cut": at, "truth_stays": stays,
                   "truth_dwell": bool(still), "arrive": arrive,
                   "speed_lt_1": v < 1.0, "speed_lt_2": v < 2.0}  # fmt: skip
            for m, tab in said.items():
                row[m] = bool(tab.loc[van, "parked"])
                row[f"{m}_since"] = tab.loc[van, "since"]
            rows.append(row)
    print(f"generator seed {seed}: {len(rows)} cuts", flush=True)
    return rows


def real_feeds() -> dict[str, tuple[pd.DataFrame, dict]]:
    """{feed: (frame with mover, t (Unix s), lat, lon; its options)}."""
    out = {}
    liv = pd.read_csv(DATA / "liverpool_bus/route14_outbound.csv")
    out["liverpool_bus"] = pd.DataFrame({"mover": liv["trip_id"].astype(str),
                                         "t": pd.to_datetime(liv["timestamp"], utc=True),
                                         "lat": liv["latitude"], "lon": liv["longitude"]})  # fmt: skip
    text = (DATA / "bus_gpx_limerick/304 to UL 2019-02-18 0745.gpx").read_text()
    pts = re.findall(r'<trkpt lat="([-\d.]+)" lon="([-\d.]+)">.*?<time>([^<]+)</time>', text, re.S)
    lim = pd.DataFrame(pts, columns=["lat", "lon", "t"])
    out["limerick_bus"] = pd.DataFrame({"mover": "304", "t": pd.to_datetime(lim["t"], utc=True),
                                        "lat": lim["lat"].astype(float),
                                        "lon": lim["lon"].astype(float)})  # fmt: skip
    veh = pd.read_csv(DATA / "vehicles/specific_test.csv")
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:2100", "EPSG:4326", always_xy=True).transform(
        veh["lon"].to_numpy(), veh["lat"].to_numpy()
    )
    out["athens_vehicles"] = pd.DataFrame({"mover": veh["tid"].astype(str),
                                           "t": pd.to_datetime(veh["time"] + 1.6e9, unit="s", utc=True),
                                           "lat": lat, "lon": lon})  # fmt: skip
    ais = pd.read_csv(DATA / "ais/boat-positions.csv", encoding="utf-8-sig")
    out["suez_ais"] = pd.DataFrame({"mover": ais["ID"].astype(str),
                                    "t": pd.to_datetime(ais["ais_pos_timestamp"], dayfirst=True,
                                                        utc=True),
                                    "lat": ais["latitude"], "lon": ais["longitude"]})  # fmt: skip
    opts = {k: {"n_s": 120.0, "r_m": 50.0} for k in out}
    opts["suez_ais"] = {"n_s": 1800.0, "r_m": 300.0}
    return {k: (v, opts[k]) for k, v in out.items()}


def real_rows(name: str, frame: pd.DataFrame, opt: dict) -> list[dict]:
    canon, _ = coerce(frame, traj_col="mover", time_col="t", validate=False, split_gaps=False)
    canon = canon.sort("traj_id", "t").unique(["traj_id", "t"], keep="first", maintain_order=True)
    rng = np.random.default_rng(0)
    rows = []
    n_s, r_m = opt["n_s"], opt["r_m"]
    for (mover,), g in canon.group_by("traj_id", maintain_order=True):
        t, lat, lon = (g[c].to_numpy().astype(float) for c in ("t", "lat", "lon"))
        ok = [i for i in range(2, len(t)) if t[-1] >= t[i] + n_s]
        if len(ok) > MAX_CUTS:
            ok = sorted(rng.choice(ok, MAX_CUTS, replace=False).tolist())
        for i in ok:
            end = int(np.searchsorted(t, t[i] + n_s))  # the first fix N or more after
            moved = haversine(lat[i + 1 : end + 1], lon[i + 1 : end + 1], lat[i], lon[i]).max()
            row = {"feed": name, "unit": f"{name}_{mover}", "cut": t[i],
                   "truth_stays": bool(moved <= r_m), "truth_dwell": np.nan, "arrive": np.nan}  # fmt: skip
            v = last_two_speed(t[: i + 1], lat[: i + 1], lon[: i + 1])
            row["speed_lt_1"], row["speed_lt_2"] = v < 1.0, v < 2.0
            for m, mins in (("rule_2min", 2.0), ("rule_1min", 1.0)):
                tab = parked_table(g.slice(0, i + 1), None, mins * 60, r_m, 1e9)
                row[m], row[f"{m}_since"] = bool(tab["parked"][0]), tab["since"][0]
            rows.append(row)
    print(f"{name}: {len(rows)} cuts of {canon['traj_id'].n_unique()} movers", flush=True)
    return rows


def prf(said: np.ndarray, true: np.ndarray) -> tuple[float, float, float]:
    tp = float((said & true).sum())
    p = tp / said.sum() if said.sum() else np.nan
    r = tp / true.sum() if true.sum() else np.nan
    f = 2 * p * r / (p + r) if p + r > 0 else np.nan
    return p, r, f


def summarise(tab: pd.DataFrame, truth: str) -> list[dict]:
    tab = tab[tab[truth].notna()]
    units = tab["unit"].to_numpy()
    names, idx = np.unique(units, return_inverse=True)
    groups = [np.flatnonzero(idx == k) for k in range(len(names))]
    rng = np.random.default_rng(0)
    draws = [np.concatenate([groups[k] for k in rng.integers(0, len(groups), len(groups))])
             for _ in range(DRAWS)]  # fmt: skip
    true = tab[truth].astype(bool).to_numpy()
    out = []
    f_rule = f_base = None
    for m in METHODS:
        said = tab[m].astype(bool).to_numpy()
        p, r, f = prf(said, true)
        boot = np.array([prf(said[d], true[d]) for d in draws])
        lo, hi = np.nanpercentile(boot, 2.5, axis=0), np.nanpercentile(boot, 97.5, axis=0)
        out.append({"truth": truth, "method": m, "cuts": len(tab), "movers": len(groups),
                    "true_parked": int(true.sum()), "said_parked": int(said.sum()),
                    "precision": p, "p_lo": lo[0], "p_hi": hi[0], "recall": r, "r_lo": lo[1],
                    "r_hi": hi[1], "f1": f})  # fmt: skip
        if m == "rule_2min":
            f_rule = boot[:, 2]
        if m == "speed_lt_1":
            f_base = boot[:, 2]
    d = f_rule - f_base
    out.append({"truth": truth, "method": "F1 rule_2min - speed_lt_1", "f1": float(np.nanmean(d)),
                "p_lo": np.nanpercentile(d, 2.5), "p_hi": np.nanpercentile(d, 97.5)})  # fmt: skip
    return out


def main() -> None:
    RUNS.mkdir(parents=True, exist_ok=True)
    rows = [r for s in (0, 1, 2) for r in generator_rows(s)]
    for name, (frame, opt) in real_feeds().items():
        rows += real_rows(name, frame, opt)
    tab = pd.DataFrame(rows)
    tab.to_csv(RUNS / "parked_cuts.csv", index=False)
    lines = []
    for feed, g in tab.groupby("feed", sort=False):
        for truth in ("truth_stays", "truth_dwell") if feed == "generator" else ("truth_stays",):
            lines += [{"feed": feed, **x} for x in summarise(g, truth)]
    summary = pd.DataFrame(lines)
    summary.to_csv(RUNS / "parked_summary.csv", index=False)
    gen = tab[(tab["feed"] == "generator") & tab["truth_dwell"].astype(bool)]
    for m in ("rule_2min", "rule_1min"):
        hit = gen[gen[m]]
        err = (pd.to_numeric(hit[f"{m}_since"]) - hit["arrive"]).abs()
        print(f"{m}: |since - true arrival| median {err.median():.0f} s, 90th "
              f"{err.quantile(0.9):.0f} s over {len(hit)} true dwells said parked")  # fmt: skip
    with pd.option_context("display.width", 220, "display.max_columns", 20):
        print(summary.round(3).to_string(index=False))


if __name__ == "__main__":
    if not hasattr(trajlm, "parked"):
        raise SystemExit("trajlm.parked is missing: run with PYTHONPATH=. in the worktree")
    main()
