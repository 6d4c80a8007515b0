"""What the heldout26 / heldout27 study scripts share (docs/generalization.md "Session 26
(heldout26)", "Session 27 (heldout27)"): the generators' step / noise helpers and writer loop,
the API path's call / mover / recover helpers, and the results table's rows. Measures nothing
itself; a study script imports it as ``from heldout_common import ...`` after putting
``scripts/`` on sys.path.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

R = 6371000.0


# -- generators (scripts/heldoutNN/gen.py) ---------------------------------------------------


def step(lat: float, lon: float, heading: float, dist: float) -> tuple[float, float]:
    dlat = dist * math.cos(heading) / R
    dlon = dist * math.sin(heading) / (R * math.cos(math.radians(lat)))
    return lat + math.degrees(dlat), lon + math.degrees(dlon)


def noisy(rng, lat: float, lon: float, sd_m: float) -> tuple[float, float]:
    return (
        lat + rng.normal(0, sd_m) / 111320.0,
        lon + rng.normal(0, sd_m) / (111320.0 * math.cos(math.radians(lat))),
    )


def legs(rng, lat, lon, t, n, dt, speed, turn_sd, stop_p=0.0, stop_n=(3, 12)):
    """n fixes every ~dt s of a mover at speed() m/s turning turn_sd rad a step, stopping now and
    then (stop_p a step, for stop_n steps); yields (t, lat, lon, v, heading)."""
    head = rng.uniform(0, 2 * math.pi)
    stopped = 0
    for _ in range(n):
        if stopped == 0 and rng.random() < stop_p:
            stopped = int(rng.integers(*stop_n))
        v = 0.0 if stopped else max(0.0, speed())
        stopped = max(0, stopped - 1)
        head += rng.normal(0, turn_sd)
        d = dt * (1 + rng.uniform(-0.1, 0.1))
        lat, lon = step(lat, lon, head, v * d)
        t = t + pd.Timedelta(seconds=round(d, 3))
        yield t, lat, lon, v, head


def fleet(rng, lat0, lon0, spread, t0, movers, n, dt, speed, name) -> list[tuple]:
    """Fixes of `movers` vehicles as (id, t, lat, lon, speed m/s), in time order across them:
    each starts within `spread` degrees of (lat0, lon0) in the 10 minutes after t0, and walks
    `legs` for n = rng.integers(*n) fixes every ~dt s (heldout37's and heldout38's buses)."""
    rows = []
    for k in range(movers):
        lat = lat0 + rng.uniform(-spread, spread)
        lon = lon0 + rng.uniform(-spread, spread)
        t = t0 + pd.Timedelta(seconds=float(rng.uniform(0, 600)))
        for t, lat, lon, v, _hd in legs(rng, lat, lon, t, int(rng.integers(*n)), dt, speed, 0.08,  # noqa: B020
                                        stop_p=0.01):  # fmt: skip
            la, lo = noisy(rng, lat, lon, 4)
            rows.append((name(k), t, round(la, 6), round(lo, 6), round(v, 2)))
    return sorted(rows, key=lambda r: r[1])


def write_sets(
    sets: list[Callable], env: str, seed0: int, files: dict[str, str] | None = None
) -> None:
    """Write each set under argv[1] (default $ENV/raw, else /tmp/<env lower-cased>/raw), set i
    from the seed ``seed0 + i``; one line per set written."""
    out = Path(
        sys.argv[1]
        if len(sys.argv) > 1
        else os.path.join(os.environ.get(env, f"/tmp/{env.lower()}"), "raw")
    )
    out.mkdir(parents=True, exist_ok=True)
    for i, make in enumerate(sets):
        make(np.random.default_rng(seed0 + i), out)
        if files is None:
            print(make.__name__, "written")
        else:
            print(make.__name__, "written:", files[make.__name__])


# -- the Python API path (scripts/heldoutNN/api_path.py) --------------------------------------


def call(tag: str, f, *args, **kwargs) -> bool:
    """Print one line for ``f(*args, **kwargs)`` (ok / the error's first line, each warning's
    first line); whether it answered."""
    t0 = time.time()
    ok = False
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            out = f(*args, **kwargs)
            ok = True
            res = f"ok {type(out).__name__} {getattr(out, 'shape', '')}"
            eng = out.attrs.get("engine") if hasattr(out, "attrs") else None
            res += f" engine={eng}" if eng else ""
        except Exception as e:  # the message a user sees
            res = f"ERROR {type(e).__name__}: {str(e).splitlines()[0][:300]}"
    ws = sorted({str(x.message).splitlines()[0][:240] for x in w})
    print(
        f"{tag}: {res} ({time.time() - t0:.0f}s)" + "".join(f"\n    warn: {m}" for m in ws),
        flush=True,
    )
    return ok


def movers(df: pd.DataFrame, idcol: str | None) -> pd.DataFrame:
    if idcol is None:  # one robot: its last 900 rows
        return df.tail(900)
    keep = df[idcol].dropna().unique()[-3:]
    return df[df[idcol].isin(keep)]


def path_then_frames(files: dict[str, str], frames: dict, raw: str) -> None:
    """The API path of scripts/heldout32/ and heldout33/api_path.py: for each set of ``files``
    named on the command line (all when none), trajlm-small's predict on the raw file's path,
    then predict / predict(seconds_ahead=) on 3 movers of the frame pandas reads (``frames``:
    set -> (reader, the column a user would group movers by)); one line per call, and the
    engine that answered (``TrajLM.last_engine``)."""
    from trajlm import TrajLM

    m = TrajLM.from_pretrained("trajlm-small", threads=1)
    want = set(sys.argv[1:])
    for name, file in files.items():
        if want and name not in want:
            continue
        print(f"== {name}", flush=True)
        if call("path predict", m.predict, raw + file):
            print(f"    engine: {m.last_engine}", flush=True)  # who answered
        if name not in frames:
            print("frame: no pandas reader a user would reach for", flush=True)
            continue
        read, idcol = frames[name]
        try:
            df = read()
        except Exception as e:  # pandas' own refusal (a reader's missing engine)
            print(f"frame: pandas cannot read it: {type(e).__name__}: {str(e)[:200]}", flush=True)
            continue
        sub = movers(df, idcol)
        if call("frame predict", m.predict, sub):
            print(f"    engine: {m.last_engine}", flush=True)
        call("frame at_times", m.predict, sub, seconds_ahead=[60, 300])


def recover_and_time(
    tag: str, m, s: pd.DataFrame, idcol: str | None, lat: str, lon: str, **opts
) -> None:
    """Blank fixes 10-12 of each mover and recover them; then travel_time between the first and
    the last three numeric fixes."""
    gap = s.copy()
    key = gap[idcol] if idcol else pd.Series(0, index=gap.index)
    idx = gap.groupby(key).cumcount()
    last = gap.groupby(key)[lat].transform("size") - 1
    gap.loc[(idx >= 10) & (idx <= 12) & (idx < last - 2), [lat, lon]] = np.nan
    call(f"{tag} recover", m.recover, gap, **opts)
    pts = pd.to_numeric(s[lat], errors="coerce").notna()
    if pts.sum() >= 6:
        o = s.loc[pts, [lat, lon]].astype(float).to_numpy()[:3]
        d = s.loc[pts, [lat, lon]].astype(float).to_numpy()[-3:]
        call(f"{tag} travel_time", m.travel_time, o, d, "2026-06-02T09:00:00Z")


def api_path(frames: dict, h: str) -> None:
    """The API path of scripts/heldoutNN/api_path.py: for each set of ``frames`` (set -> (reader,
    the column a user would group movers by, lat, lon)) named on the command line (all when
    none), 3 movers through TrajLM.from_pretrained(h/runs/SET/best | "trajlm-small"), following
    what a refusal names (traj_col=, then trajlm.clean); one line per call."""
    import re

    from trajlm import TrajLM

    want = set(sys.argv[1:])
    for name, (read, idcol, lat, lon) in frames.items():
        if want and name not in want:
            continue
        df = read()
        print(f"== {name}: columns {list(df.columns)}", flush=True)
        sub = movers(df, idcol)
        for which in (f"{h}/runs/{name}/best", "trajlm-small"):
            tag = "small" if which == "trajlm-small" else "RUN"
            m = TrajLM.from_pretrained(which, threads=1)
            s, opts = sub, {}
            for _ in range(2):  # follow what a refusal names: traj_col=, then trajlm.clean
                try:
                    m.predict(s, **opts)
                    break
                except Exception as e:
                    msg = str(e).splitlines()[0]
                    print(f"{tag}: raw frame refused: {msg[:300]}", flush=True)
                    if named := re.search(r"traj_col='([^']+)'", msg):
                        opts = {"traj_col": named[1]}
                        print(f"{tag}: traj_col={named[1]!r} as the message says", flush=True)
                    elif "trajlm.clean" in msg:
                        import trajlm

                        s = trajlm.clean(s, **opts)[0]
                        print(f"{tag}: trajlm.clean(sub) as the message says", flush=True)
                    else:
                        break
            call(f"{tag} predict", m.predict, s, **opts)
            call(f"{tag} at_times", m.predict, s, seconds_ahead=[60, 300], **opts)
            if lat and lon and lat in s.columns:
                recover_and_time(tag, m, s, idcol, lat, lon, **opts)
            else:
                print(f"{tag} recover/travel_time: skipped (no lat/lon column pair)", flush=True)


# -- the results table (scripts/heldoutNN/rows.py) -------------------------------------------


def cell(r: dict) -> str:
    b = r["ratio_to_best_baseline"]
    lo, hi = b["ci95"]
    v = "worse" if lo > 1 else "better" if hi < 1 else "level"
    return f"{b['ratio']:.3f} ({lo:.2f}-{hi:.2f}) {v}"


def small_vs_best_table(h: str, sets: list[str], tag: str = "") -> None:
    """Print one markdown row per set from ``h/evals/SET_predict{tag}.json``: trajlm-small's
    next-5-points MAE against the strongest baseline on the store's test split (the rows of
    scripts/heldout32/rows.py and heldout33/rows.py)."""
    print(
        "| set | test trips | trajlm-small MAE (m) | strongest baseline, MAE (m) | small / best (95 % CI) |"
    )
    print("|---|---|---|---|---|")
    for n in sets:
        p = f"{h}/evals/{n}_predict{tag}.json"
        if not os.path.exists(p):
            print(f"| {n} | - | - | - | - |")
            continue
        rows = {r["method"]: r for r in json.load(open(p))["results"]}
        small = rows["trajlm:trajlm-small"]
        best = small["ratio_to_best_baseline"]["baseline"]
        print(
            f"| {n} | {small['n_trajectories']} | {small['metrics']['mae_m']:.1f} | {best}, "
            f"{rows[best]['metrics']['mae_m']:.1f} | {cell(small)} |"
        )


def predict_row(h: str, n: str) -> str:
    p = f"{h}/evals/{n}_predict.json"
    if not os.path.exists(p):
        return f"| {n} | - |"
    rows = {r["method"]: r for r in json.load(open(p))["results"]}
    best = next(iter(rows.values()))["ratio_to_best_baseline"]["baseline"]
    run, small = rows[f"trajlm:{n}"], rows["trajlm:trajlm-small"]
    chk = next(((m, r) for m, r in rows.items() if "val-checked" in m), None)
    t = json.load(open(f"{h}/runs/{n}/train_summary.json"))
    if t.get("val_best_baseline"):
        lo, hi = t["val_ade_vs_best_baseline_ci"]
        vc = (f"{t['val_best_baseline']} {t['val_ade_vs_best_baseline']:.2f}x ({lo:.2f}-{hi:.2f}): "
              f"{t['val_vs_best_baseline']}, {t['val_baseline_trips']} trips")  # fmt: skip
    else:
        vc = f"none ({t.get('val_check_skipped', 'no check')})"
    api = (
        f"{chk[0].split('val-checked: ')[1][:-1]}: {cell(chk[1])}"
        if chk
        else "the model (no verdict)"
    )
    knn = cell(rows["kNN continuation"])
    return (f"| {n} | {run['ratio_to_cv']['ratio']:.3f} | {cell(run)} {best} | {api} | {knn} | {cell(small)} | {vc} "
            f"| best MAE {rows[best]['metrics']['mae_m']:.1f} m |")  # fmt: skip


def recover_rows(h: str, n: str) -> list[str]:
    p = f"{h}/evals/{n}_recover.json"
    if not os.path.exists(p):
        return [f"{n}: no recover result"]
    out = []
    for r in json.load(open(p))["results"]:
        b = r.get("ratio_to_best_baseline")
        if r["method"].startswith("trajlm") and b:
            lo, hi = b["ci95"]
            out.append(
                f"{n} {r.get('setting', r.get('pattern', ''))} {r['method']}: {b['ratio']:.3f} ({lo:.2f}-{hi:.2f}) vs {b['baseline']}"
            )
    return out


def print_rows(h: str, sets: list[str]) -> None:
    """One markdown row per set, then the recovery cells."""
    for n in sets:
        print(predict_row(h, n))
    for n in sets:
        print("\n".join(recover_rows(h, n)))
