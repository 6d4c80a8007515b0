"""Gap recovery in DENSE feeds with trajlm-small (docs/recovery.md "Session 17 (recdense2)").

Gibraltar AIS (scripts/ships_gen.py maritime, seed 15: reports every 2-10 s under way, a 1-s
noise-free truth) and raw GeoLife (PLT files, 1-s logging) with gaps of --lengths seconds:
each trajectory's rows in [phase + L, phase + 2 L) of every 3 L window are hidden (phase =
mask seed x L; 3 mask seeds); a trajectory's first and last rows stay known. Scored against the
truth at the hidden rows' times (Gibraltar) or the logged positions (GeoLife). Methods: Akima,
linear, the old default (Session 15: no thinning, every-other backtest) and the new one
(BRIDGE_DEFAULT), optionally ablations. MAE (m), paired bootstrap 95 % CI over trajectories
(a trajectory of a mask seed is one unit; recovery_results.traj_bootstrap). The model is
deterministic in eval mode: the randomness is the mask.

    PYTHONPATH=. python scripts/recdense_results.py gibraltar --lengths 120 300 600 1200
    PYTHONPATH=. python scripts/recdense_results.py geolife --lengths 60 300 --n-traj 60
    PYTHONPATH=. python scripts/recdense_results.py store --store /tmp/stores/porto --split val
      (the harness's random 50 % x 3 and every 240 s: old vs new default, bit-identity)

Writes OUT/<data>.md and .json. One thread.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recovery_results import settings, traj_bootstrap  # noqa: E402
from ships_gen import maritime, val  # noqa: E402

from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.metrics import point_errors  # noqa: E402
from trajlm.model.transformer import TrajectoryModel  # noqa: E402
from trajlm.tasks.recover_bridge import (  # noqa: E402
    BRIDGE_DEFAULT,
    BridgeRecoverer,
    akima_xy,
    linear_xy,
)

GEOLIFE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "geolife" / "Data"
OLD = {**BRIDGE_DEFAULT, "thin_dt": 0.0, "backtest": "alternate"}  # Session 15's default


class Interp:
    """Akima / linear interpolation in metres as a harness recoverer."""

    def __init__(self, kind: str) -> None:
        self.name, self.fn = kind, (akima_xy if kind == "akima" else linear_xy)

    def recover(self, task) -> np.ndarray:
        ll, known = task.latlon, task.known
        proj = LocalProjection(float(ll[known, 0].mean()), float(ll[known, 1].mean()))
        xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
        out = self.fn(xy, task.t, known, task.groups)
        return np.stack(proj.inverse(out[:, 0], out[:, 1]), 1)


def gibraltar(vessels: str = "all") -> pd.DataFrame:
    """Reports (traj_id, t, lat, lon) and the truth at each report's time (tlat, tlon); a vessel
    split where it goes silent for 30 min; the Strait's box only (no antimeridian vessel).
    ``vessels="transits"``: the 16 TSS transits only (MMSI 6360001xx, under way throughout);
    ``"val"``: session 16's val sea instead (ships_gen.val, seed 161: for choosing a rule)."""
    rep, truth, _ = val(161)["val161"] if vessels == "val" else maritime(15)["gibraltar"]
    if vessels == "transits":
        rep = rep[rep.MMSI.between(636000100, 636000199)]
    df = rep.merge(truth[["mmsi", "t", "lat", "lon"]].rename(columns={"mmsi": "MMSI",
                   "lat": "tlat", "lon": "tlon"}), on=["MMSI", "t"])  # fmt: skip
    df = df.rename(columns={"LAT": "lat", "LON": "lon"}).sort_values(["MMSI", "t"])
    if vessels != "val":
        df = df[df.lat.between(35.0, 37.0) & df.lon.between(-7.0, -3.0)]
    return split_runs(df, "MMSI", 1800)


def split_runs(df: pd.DataFrame, key: str, max_step: float) -> pd.DataFrame:
    step = df.groupby(key)["t"].diff().fillna(np.inf)
    new = (step > max_step) | (df[key] != df[key].shift())
    df = df.assign(traj_id=new.cumsum().to_numpy() - 1)
    n = df.groupby("traj_id")["t"].transform("size")
    return df[n >= 20].reset_index(drop=True)


def geolife(n_traj: int, minutes: float, below: float | None = None) -> pd.DataFrame:
    """Windows of ``minutes`` of raw 1-s GeoLife logging (median step 1 s, no step > 10 s): the
    first of every run without a step > 10 s, files in sorted order, until ``n_traj``.
    ``below`` (session 19, dense19: a val set): only runs shorter than ``below`` minutes, so
    none of the runs of >= ``below`` minutes that the held-out windows come from."""
    out, k = [], 0
    for f in sorted(GEOLIFE.glob("*/Trajectory/*.plt")):
        d = pd.read_csv(f, skiprows=6, header=None, usecols=[0, 1, 5, 6], names=["lat", "lon",
                        "d", "h"])  # fmt: skip
        t = ((pd.to_datetime(d.d + " " + d.h) - pd.Timestamp("1970-01-01"))
             // pd.Timedelta("1s")).to_numpy()  # fmt: skip
        d = d.assign(t=t).drop_duplicates("t").sort_values("t")
        d = d[d.lat.between(-90, 90) & d.lon.between(-180, 180)]  # raw PLT has lat 400.17
        st = np.diff(d.t.to_numpy())
        if len(st) < 60 or np.median(st) != 1:
            continue
        bad = np.r_[True, st > 10]  # runs without a step > 10 s
        run = np.cumsum(bad)
        for _, g in d.groupby(run):
            if below is not None and g.t.iloc[-1] - g.t.iloc[0] >= below * 60:
                continue
            if g.t.iloc[-1] - g.t.iloc[0] >= minutes * 60 and k < n_traj:
                w = g[g.t < g.t.iloc[0] + minutes * 60]
                out.append(w.assign(traj_id=k, tlat=w.lat, tlon=w.lon)[
                    ["traj_id", "t", "lat", "lon", "tlat", "tlon"]])  # fmt: skip
                k += 1
        if k >= n_traj:
            break
    return pd.concat(out, ignore_index=True)


def gap_task(df: pd.DataFrame, length: float, seed: int) -> SimpleNamespace:
    """Rows in [phase + L, phase + 2 L) of every 3 L window of each trajectory hidden."""
    t = df.t.to_numpy()
    t0 = df.groupby("traj_id")["t"].transform("min").to_numpy()
    rel = (t - t0 - seed * length) % (3 * length)
    known = ~((rel >= length) & (rel < 2 * length))
    g = df.traj_id.to_numpy()
    edge = np.r_[True, g[1:] != g[:-1]] | np.r_[g[1:] != g[:-1], True]
    known |= edge
    return SimpleNamespace(groups=g, t=t, known=known,
                           latlon=df[["lat", "lon"]].to_numpy(np.float64),
                           truth=df[["tlat", "tlon"]].to_numpy(np.float64))  # fmt: skip


def memo_bridge() -> None:
    """recover_bridge.bridge_xy memoised on its inputs: arms that differ only in the guard's
    pick share the model's rollouts (same outputs, a fraction of the time)."""
    import hashlib

    import trajlm.tasks.recover_bridge as rb

    if getattr(rb.bridge_xy, "memo", False):
        return
    raw, cache = rb.bridge_xy, {}

    def memo(model, xy, t, known, groups, projection, *a):
        h = hashlib.sha1()
        for v in (xy, t, known, groups):
            h.update(np.ascontiguousarray(v).tobytes())
        key = (id(model), h.hexdigest(), projection.lat0, projection.lon0, a)
        if key not in cache:
            cache[key] = raw(model, xy, t, known, groups, projection, *a)
        return cache[key].copy()

    memo.memo = True
    rb.bridge_xy = memo


def store_check(args) -> None:
    """The harness's tasks on a PROTOCOL store: old vs new default, MAE and bit-identity."""
    model = TrajectoryModel.from_pretrained("trajlm-small").eval()
    df = read_store(args.store, split=args.split)
    lines = [f"{args.store.name} {args.split}: old (Session 15) vs new default", "",
             "| setting | old MAE (m) | new MAE (m) | identical | new vs old, 95 % CI (m) |",
             "|---|---|---|---|---|"]  # fmt: skip
    for name, tasks in settings(df, args.mask_seeds, [240.0]).items():
        off = np.cumsum([0] + [int(t.groups.max()) + 1 for t in tasks])
        units = np.concatenate([t.groups[~t.known] + o for t, o in zip(tasks, off[:-1],
                                                                        strict=True)])  # fmt: skip
        outs = {a: [BridgeRecoverer(model, **kw).recover(t) for t in tasks]
                for a, kw in (("old", OLD), ("new", BRIDGE_DEFAULT))}  # fmt: skip
        same = all(np.array_equal(a, b) for a, b in zip(outs["old"], outs["new"], strict=True))
        e = {a: np.concatenate([point_errors(o[~t.known], t.latlon[~t.known])
                                for o, t in zip(v, tasks, strict=True)])
             for a, v in outs.items()}  # fmt: skip
        ci = traj_bootstrap(e["new"], e["old"], units)
        lines.append(f"| {name} | {e['old'].mean():.2f} | {e['new'].mean():.2f} | {same} | "
                     f"{ci['diff']:+.2f} [{ci['lo']:+.2f}, {ci['hi']:+.2f}] |")  # fmt: skip
        print(lines[-1], flush=True)
    md = "\n".join(lines) + "\n"
    (args.out / f"store_{args.store.name}_{args.split}.md").write_text(md)
    print(md)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", choices=("gibraltar", "geolife", "store"))
    ap.add_argument(
        "--store",
        type=Path,
        default=Path("/tmp/stores/porto"),
        help="store: the harness's tasks (random 50 %% x mask seeds, every 240 s)",
    )
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--lengths", type=float, nargs="+", default=[600.0])
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--n-traj", type=int, default=60, help="GeoLife windows")
    ap.add_argument("--minutes", type=float, default=15.0, help="GeoLife window length")
    ap.add_argument(
        "--below",
        type=float,
        default=None,
        help="GeoLife: only runs shorter than this many minutes (a val set)",
    )
    ap.add_argument(
        "--hours",
        type=float,
        nargs=2,
        default=None,
        help="Gibraltar: only reports between these hours of the day (UTC)",
    )
    ap.add_argument("--vessels", choices=("all", "transits", "val"), default="all")
    ap.add_argument(
        "--arms",
        nargs="+",
        default=["old", "new"],
        help="old | new | thin (thinning, every-other backtest) | spans (no thinning) | "
        "ev-points | ev-spans (the guard's evidence) | pick-gap (session 19: the fallback "
        "interpolation per gap, from the known points around it) | pick-around (per trajectory, "
        "the span backtest plus the windows around all of its gaps) | fb-linear | fb-akima (the "
        "guard's fallback fixed) | knots-wide (Akima's knots thinned to a quarter of the gaps) | knots-pick (wide as a third "
        "candidate, no margin) | knots-pick-mNN (by a margin of NN %%; 10: the default since "
        "dense19) | knots-every[-mNN] (and in every span) | knots-all (the default before)",
    )
    ap.add_argument("--out", type=Path, default=Path("/tmp/recdense2/results"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.data == "store":
        return store_check(args)
    df = (
        gibraltar(args.vessels)
        if args.data == "gibraltar"
        else geolife(args.n_traj, args.minutes, args.below)
    )
    if args.hours:
        h = (df.t % 86400) / 3600
        df = split_runs(df[(h >= args.hours[0]) & (h < args.hours[1])], "traj_id", 1800)
    model = TrajectoryModel.from_pretrained("trajlm-small").eval()
    kw = {"old": OLD, "new": BRIDGE_DEFAULT, "thin": {**BRIDGE_DEFAULT, "backtest": "alternate"},
          "spans": {**BRIDGE_DEFAULT, "thin_dt": 0.0, "backtest": "spans"},
          "ev-points": {**BRIDGE_DEFAULT, "evidence": "points"},
          "ev-spans": {**BRIDGE_DEFAULT, "evidence": "spans"},
          "pick-gap": {**BRIDGE_DEFAULT, "pick": "gap"},
          "pick-around": {**BRIDGE_DEFAULT, "pick": "around"},
          "fb-linear": {**BRIDGE_DEFAULT, "fallback": "linear"},
          "fb-akima": {**BRIDGE_DEFAULT, "fallback": "akima"},
          "knots-wide": {**BRIDGE_DEFAULT, "knots": "wide"},
          "knots-pick": {**BRIDGE_DEFAULT, "knots": "pick", "wide_margin": 0.0},
          "knots-all": {**BRIDGE_DEFAULT, "knots": "all"}}  # fmt: skip
    for a in args.arms:  # session 19 (dense19): knots-pick-mNN, the wide pick by a margin NN %
        if a.startswith("knots-pick-m"):
            kw[a] = {**BRIDGE_DEFAULT, "knots": "pick", "wide_margin": int(a[12:]) / 100}
        if a.startswith("knots-every"):  # knots-every[-mNN]: below in every backtest span
            m = int(a[13:]) / 100 if a.startswith("knots-every-m") else 0.0
            kw[a] = {**BRIDGE_DEFAULT, "knots": "pick", "wide_margin": m, "wide_every": True}
    memo_bridge()  # arms share the model's rollouts (the bridge is deterministic)
    methods = {"akima": Interp("akima"), "linear": Interp("linear"),
               **{a: BridgeRecoverer(model, name=a, **kw[a]) for a in args.arms}}  # fmt: skip
    st = np.diff(df.t.to_numpy())[np.diff(df.traj_id.to_numpy()) == 0]
    head = (f"{args.data}: {df.traj_id.nunique()} trajectories, {len(df)} rows, median step "
            f"{np.median(st):g} s")  # fmt: skip
    print(head, flush=True)
    lines = [head, "", "| gap | method | MAE (m), per mask seed | vs linear, 95 % CI (m) | "
             "vs Akima, 95 % CI (m) | vs old, 95 % CI (m) | vs new, 95 % CI (m) | s |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    rows, per_traj = [], []
    for length in args.lengths:
        tasks = [gap_task(df, length, s) for s in args.mask_seeds]
        off = np.cumsum([0] + [int(t.groups.max()) + 1 for t in tasks])
        units = np.concatenate([t.groups[~t.known] + o for t, o in zip(tasks, off[:-1],
                                                                        strict=True)])  # fmt: skip
        errs, secs = {}, {}
        for m, rec in methods.items():
            t0 = time.perf_counter()
            errs[m] = []
            for s, tk in enumerate(tasks):
                errs[m].append(point_errors(np.asarray(rec.recover(tk))[~tk.known],
                                            tk.truth[~tk.known]))  # fmt: skip
                pick = getattr(rec, "last_pick", None)
                per_traj.append({"gap_s": length, "method": m, "mask_seed": s,
                                 "pick": None if pick is None else pick.tolist(),
                                 "backtest": {k: v.tolist() for k, v in
                                              getattr(rec, "last_errors", {}).items()},
                                 "mae": np.bincount(tk.groups[~tk.known], errs[m][-1]).tolist(),
                                 "n": np.bincount(tk.groups[~tk.known]).tolist()})  # fmt: skip
            secs[m] = time.perf_counter() - t0
            print(f"L={length:g} {m}: {np.concatenate(errs[m]).mean():.2f} m ({secs[m]:.0f} s)",
                  flush=True)  # fmt: skip
        for m, e in errs.items():
            flat = np.concatenate(e)
            row = {"gap_s": length, "method": m, "mae_m": float(flat.mean()),
                   "per_seed": [float(x.mean()) for x in e], "n_points": len(flat),
                   "seconds": secs[m]}  # fmt: skip
            cis = []
            for b in ("linear", "akima", "old", "new"):
                if m == b or b not in errs:
                    cis.append("-")
                    continue
                ci = traj_bootstrap(flat, np.concatenate(errs[b]), units)
                row[f"vs_{b}"] = ci
                cis.append(f"{ci['diff']:+.2f} [{ci['lo']:+.2f}, {ci['hi']:+.2f}]")
            rows.append(row)
            seeds = ", ".join(f"{x:.2f}" for x in row["per_seed"])
            lines.append(f"| {length:g} s | {m} | {flat.mean():.2f} ({seeds}) | "
                         f"{' | '.join(cis)} | {secs[m]:.0f} |")  # fmt: skip
    md = "\n".join(lines) + "\n"
    tag = f"{args.data}_{args.vessels}" if args.data == "gibraltar" else args.data
    (args.out / f"{tag}.md").write_text(md)
    (args.out / f"{tag}.json").write_text(json.dumps({"head": head, "rows": rows}, indent=1))
    (args.out / f"{tag}_per_traj.json").write_text(json.dumps(per_traj))
    print(md)


if __name__ == "__main__":
    main()
