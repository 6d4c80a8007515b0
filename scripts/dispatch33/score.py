"""Session 33 (dispatch33): each van's ETA to its next 3 stops, `TrajLM.reach` (route-aware,
last week as memory; and the rollout alone) against the generator's truth and constant
velocity, on scripts/dispatch33/gen.py's parcel fleet, seeds 0, 1, 2.

Rules (fixed before the first run; nothing tuned here: reach's constants are session 32's):
cuts at 08:30, 09:00, 09:30, 10:00 UTC; a van is asked when it has a fix within 120 s before
the cut; its next 3 stops are the first 3 of its day's list it has not come within 20 m of by
the cut (its scanner's "delivered"), one `to` frame keyed by van_id (each van its own stops),
radius 50 m, horizon 1,800 s. Truth: the first entry of the van's noiseless 1 s path after its
last fix into the stop's circle; queries already inside (truth 0) are left out. Constant
velocity: the last two fixes extrapolated, the same crossing rule and time grid as reach.
Per query the capped error |min(said, H) - min(truth, H)| (not reached = H = 1,800 s); hit /
false rates as session 32; "late" (stops whose window is still open at the last fix): the window ends before the arrival (or it is not
reached within the horizon while its window ends within it); paired bootstrap 95 % CI of the
mean capped error, route minus each other engine, over (seed, cut, van) units (2,000 draws).

Command: OMP_NUM_THREADS=1 PYTHONPATH=. python -W ignore scripts/dispatch33/score.py [SEEDS]
Outputs: $DISPATCH33_RUNS (default runs/dispatch33)/queries.csv, summary.csv, ci.csv.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm
from trajlm.api_reach import first_crossing, tangent_metres, time_grid
from trajlm.api_reach_route import RouteMemory

sys.path[:0] = [str(Path(__file__).resolve().parent)]
from gen import OUT as DATA  # noqa: E402
from gen import generate  # noqa: E402

RADIUS, HORIZON, DONE_M, FRESH_S = 50.0, 1800.0, 20.0, 120.0
CUTS = ("08:30", "09:00", "09:30", "10:00")
ENGINES = ("route", "rollout", "const_velocity")
RUNS = Path(os.environ.get("DISPATCH33_RUNS", "runs/dispatch33"))


def enter_s(lat, lon, secs, stop) -> float:
    """First entry (s) of a path into the stop's circle, NaN when it never enters."""
    east, north = tangent_metres(lat[None, :], lon[None, :], stop[0], stop[1])
    eta, _, _ = first_crossing(east, north, secs, RADIUS)
    return float(eta[0])


def cv_s(hist: pd.DataFrame, stop) -> float:
    """Constant velocity from the last two fixes on reach's grid and crossing rule."""
    t = hist["timestamp"].astype("int64").to_numpy() / 1e9
    secs = np.concatenate([[0.0], time_grid(HORIZON, None, 15.0)])
    e0, n0 = tangent_metres(hist["lat"].iloc[-1], hist["lon"].iloc[-1], stop[0], stop[1])
    ea, na = tangent_metres(hist["lat"].iloc[-2], hist["lon"].iloc[-2], stop[0], stop[1])
    dt = max(t[-1] - t[-2], 1.0)
    east, north = e0 + (e0 - ea) / dt * secs, n0 + (n0 - na) / dt * secs
    eta, _, _ = first_crossing(np.atleast_1d(east)[None], np.atleast_1d(north)[None], secs, RADIUS)
    return float(eta[0])


def seed_queries(model, seed: int) -> pd.DataFrame:
    folder = DATA / f"seed{seed}"
    if not (folder / "truth_today.csv").exists():
        generate(seed)
    feed = pd.read_csv(folder / "today.csv", parse_dates=["timestamp"])
    stops = pd.read_csv(folder / "stops_today.csv", parse_dates=["window_start", "window_end"])
    truth = {v: g for v, g in pd.read_csv(folder / "truth_today.csv").groupby("van_id")}
    memory = RouteMemory.read(pd.read_csv(folder / "history.csv", parse_dates=["timestamp"]))
    rows = []
    for cut in CUTS:
        now = pd.Timestamp(f"2026-12-07 {cut}", tz="UTC")
        live = feed[feed["timestamp"] <= now]
        ends = live.groupby("van_id")["timestamp"].max()
        vans = ends[ends >= now - pd.Timedelta(seconds=FRESH_S)].index
        asked = []
        for van in vans:
            g, mine = truth[van], stops[stops["van_id"] == van]
            past = g[g["t"] <= now.timestamp()]
            done = [(np.hypot(*tangent_metres(past["lat"].to_numpy(), past["lon"].to_numpy(),
                                              r.lat, r.lon)) < DONE_M).any()
                    for r in mine.itertuples()]  # fmt: skip
            asked.append(
                mine[~np.array(done, dtype=bool)]
                .head(3)
                .assign(rank=[1, 2, 3][: min(3, len(mine) - sum(done))])
            )
        to = pd.concat(asked)
        live = live[live["van_id"].isin(vans)]
        got = {name: model.reach(live, to=to[["van_id", "stop_id", "lat", "lon"]],
                                 radius_m=RADIUS, horizon_s=HORIZON, route=name == "route",
                                 memory=memory if name == "route" else None)
               .set_index(["van_id", "stop_id"])
               for name in ("route", "rollout")}  # fmt: skip
        for r in to.itertuples():
            hist = live[live["van_id"] == r.van_id]
            t_last = hist["timestamp"].iloc[-1].timestamp()
            g = truth[r.van_id]
            ahead = g[(g["t"] >= t_last) & (g["t"] <= t_last + HORIZON)]
            true = enter_s(ahead["lat"].to_numpy(), ahead["lon"].to_numpy(),
                           ahead["t"].to_numpy() - t_last, (r.lat, r.lon))  # fmt: skip
            if true == 0:
                continue
            said = {e: got[e].loc[(r.van_id, r.stop_id), "eta_s"] for e in ("route", "rollout")}
            back = g[(g["t"] >= t_last - 30) & (g["t"] <= t_last)]  # parked: still for 30 s
            parked = bool(np.ptp(back["lat"].to_numpy()) + np.ptp(back["lon"].to_numpy()) == 0)
            rows.append({"seed": seed, "cut": cut, "van": r.van_id, "stop": r.stop_id,
                         "rank": r.rank, "parked": parked, "truth": true, **said, "const_velocity": cv_s(hist, (r.lat, r.lon)),
                         "route_engine": got["route"].loc[(r.van_id, r.stop_id), "engine"],
                         "window_left_s": r.window_end.timestamp() - t_last})  # fmt: skip
    print(f"seed {seed}: {len(rows)} queries")
    return pd.DataFrame(rows)


def capped(tab: pd.DataFrame, e: str) -> pd.Series:
    return (tab[e].fillna(HORIZON).clip(upper=HORIZON) - tab["truth"].fillna(HORIZON)).abs()


def late(tab: pd.DataFrame, e: str) -> pd.Series:
    """The arrival (said, or the truth) after the window's end, within what the horizon sees."""
    w = tab["window_left_s"]
    return (w > 0) & ((tab[e].isna() & (w < HORIZON)) | (tab[e] > w))


def summarise(tab: pd.DataFrame) -> pd.DataFrame:
    truly, true_late = tab["truth"].notna(), late(tab, "truth")
    lines = []
    for e in ENGINES:
        said = tab[e].notna()
        hit = said & truly
        err = (tab.loc[hit, e] - tab.loc[hit, "truth"]).abs()
        said_late = late(tab, e)
        lines.append({"engine": e, "queries": len(tab), "truly_reached": int(truly.sum()),
                      "hit_rate": hit.sum() / truly.sum(),
                      "false_rate": (said & ~truly).sum() / max((~truly).sum(), 1),
                      "eta_err_median_s": err.median(), "capped_err_mean_s": capped(tab, e).mean(),
                      "late_truly": int(true_late.sum()),
                      "late_found": int((said_late & true_late).sum()),
                      "late_false_alarms": int((said_late & ~true_late).sum())})  # fmt: skip
    return pd.DataFrame(lines)


def bootstrap(tab: pd.DataFrame, n: int = 2000) -> pd.DataFrame:
    units = tab.assign(**{e: capped(tab, e) for e in ENGINES}).groupby(["seed", "cut", "van"])
    sums, counts = units[list(ENGINES)].sum(), units.size().to_numpy()
    rng = np.random.default_rng(0)
    out = []
    for b in ENGINES[1:]:
        d = (sums["route"] - sums[b]).to_numpy()
        draws = [d[k].sum() / counts[k].sum()
                 for k in (rng.integers(0, len(d), len(d)) for _ in range(n))]  # fmt: skip
        out.append({"pair": f"route - {b}", "mean_s": d.sum() / counts.sum(),
                    "ci_low_s": np.percentile(draws, 2.5), "ci_high_s": np.percentile(draws, 97.5)})  # fmt: skip
    return pd.DataFrame(out)


def main() -> None:
    seeds = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "0,1,2").split(",")]
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    tab = pd.concat([seed_queries(model, s) for s in seeds], ignore_index=True)
    RUNS.mkdir(parents=True, exist_ok=True)
    tab.to_csv(RUNS / "queries.csv", index=False)
    summary, ci = summarise(tab), bootstrap(tab)
    summary.to_csv(RUNS / "summary.csv", index=False)
    ci.to_csv(RUNS / "ci.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summary.round(3).to_string(index=False))
        print(ci.round(1).to_string(index=False))
        for e in ENGINES:
            err = (tab[e] - tab["truth"]).abs()
            print(
                e,
                "|ETA err| median by stop rank (s):",
                err.groupby(tab["rank"]).median().round(0).to_dict(),
            )
            print(
                e,
                "|ETA err| median parked / moving (s):",
                err.groupby(tab["parked"]).median().round(0).to_dict(),
            )
        print("route engines:", tab["route_engine"].value_counts().to_dict())


if __name__ == "__main__":
    main()
