"""A run's own recovery radii read on held-out trips of its kind (session 33, uncert33).

Session 32 (scripts/uncert32/slow.py trips) found, within one store's val trips, that a run's own
recovery fit (eval/run_recover_radii.py) holds 90 % on the store's other val trips only from
about 40 fitted val trips. This script reads such fits on held-out trips never in those stores.

Subcommands:
    prepare:  porto_mapmatched's raw input tracks (valid_input.txt: the file with no point in
              porto/train.1k.csv) as a CSV under $UNCERT33/raw, to ingest
    overlap:  HELD REF -> per held-out trip, the share of its points with a REF store point
              within 60 s and 100 m (the held-out trips must share no trip with REF)
    answers:  RUN STORE[:SPLIT] --trips N --out FILE [--drop-near REF] -> the run's answers
              (``TrajLM.recover`` as eval/run_recover_radii.py calls it: one call per setting
              over the first N trips) with each row's known flag and error
    fit:      RUN=STORE ... -> a copy of each run under $UNCERT33/fits fitted as `trajlm train`
              would fit it (fit_run_recover_radii: the store's first 40 val trips, one call)
    read:     FITS_NAME=HELD_ANSWERS ... -> the pre-registered table and verdict (RULE)
    floor:    VAL_ANSWERS=HELD_ANSWERS ... -> fits on N = 10 / 20 / 40 random val trips (20
              draws each, from the answers of the store's first 120 val trips) read on the
              held-out answers: how many draws hold 85-95 % at 90

RULE (written and committed before any held-out answer was read). Pairs of the same kind:
the Porto run (`trajlm train` on /tmp/stores/porto, 97 val trips) on porto_mapmatched's raw
valid tracks (Porto taxis, 15 s; 100 trips); the GeoLife run (/tmp/stores/geolife, 333 val
trips) on GeoLife-format trips of users not in the GeoLife store (users 000 / 001: trackintel's
.plt test files and examples/data/geolife_trajectory.csv; trackers 0 / 2 / 19: geolife_small.csv;
ingested at the GeoLife store's 15 s spacing). Each held-out trip is checked by `overlap` first
(a trip with any point within 60 s and 100 m of a store point is dropped before the read; run
before this commit: 14 of porto_mapmatched's 100 trips touched the Porto store, mostly at taxi
stands, and are dropped; 0 of the GeoLife-format trips touched the GeoLife store). The run's own file is the
one `trajlm train` would write (40 val trips); "before" is trajlm-small's shipped
recover_radii.json read on the same answers. Share inside a circle: per setting (the fit's four),
then the settings averaged (they weigh the same in the fit); each file's circle computed with
its own max_gap_s as the step limit (as answers read it); points where either file gives no
circle (past its max_gap_s) are counted apart. A run's own recovery radii HOLD if, for both
pairs:
  (a) the share inside the own 90 % circle is 85-95 %;
  (b) the own file is closer to its levels than trajlm-small's: the mean |share - level| over
      50 / 90 / 95 is lower, and the paired bootstrap over held-out trips (2,000 resamples) of
      own - trajlm-small in that mean has its 95 % CI's upper end below +1 point;
  (c) at most 10 % of the held-out hidden points get no circle from the own file.
Then the floor wired into `trajlm train` is the smallest N of 10 / 20 / 40 at which at least 16
of 20 random draws (`floor`) hold 85-95 % at 90 on both pairs' held-out trips (40 if only the
rule's fit passes). If the rule fails, nothing is wired (a negative result). MAT vehicles and
Liverpool bus answers of both runs are read as other kinds: reported, not part of the rule.

    export PYTHONPATH=$PWD OMP_NUM_THREADS=1 UNCERT33=/tmp/uncert33
    .venv/bin/python scripts/uncert33/own_radii.py prepare

Output: tables on stdout; answers, fits and CSVs under $UNCERT33 (/tmp/uncert33).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(os.environ.get("UNCERT33", "/tmp/uncert33"))
DATA = Path(os.environ.get("TRAJLM_DATA", "/work/shared/data"))
LEVELS = (50, 90, 95)
NEAR_S, NEAR_M = 60.0, 100.0


def prepare() -> None:
    """porto_mapmatched's valid_input.txt as a CSV: lines 'unix lat lon edge', each trip closed
    by a line '-N' (the file ends with '-100'; SOURCE.md says the mark opens a trip)."""
    rows, block = [], []
    src = DATA / "porto_mapmatched" / "Porto" / "valid" / "valid_input.txt"
    for line in src.read_text().splitlines():
        p = line.split()
        if len(p) == 1 and p[0].startswith("-"):
            rows += [(f"mm{int(p[0][1:]):03d}", *r) for r in block]
            block = []
        elif len(p) == 4:
            block.append((int(p[0]), float(p[1]), float(p[2])))
    if block:
        raise SystemExit(f"{src}: {len(block)} points after the last '-N' line")
    out = OUT / "raw" / "porto_mm_valid.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows, schema=["trip_id", "timestamp", "latitude", "longitude"],
                 orient="row").write_csv(out)  # fmt: skip
    print(f"{src}: {len(rows)} points, {len({r[0] for r in rows})} trips -> {out}")


def frame(spec: str) -> pl.DataFrame:
    """STORE or STORE:SPLIT (every split when none) as (traj_id, t, lat, lon), time order."""
    from trajlm.data.store import read_store

    path, _, split = spec.partition(":")
    df = read_store(path, split=split or None)
    return df.select(pl.col("traj_id").cast(pl.String), "t", "lat", "lon").sort("traj_id", "t")


def overlap(held: str, ref: str) -> list[str]:
    """Held-out trips with any point within NEAR_S seconds and NEAR_M metres of a REF point."""
    from trajlm.eval.metrics import haversine
    from trajlm.eval.radii_bins import seconds

    h, r = frame(held), frame(ref)
    rt = seconds(r["t"]).to_numpy()
    order = np.argsort(rt)
    rt, rll = rt[order], r.select("lat", "lon").to_numpy()[order]
    ht, hll = seconds(h["t"]).to_numpy(), h.select("lat", "lon").to_numpy()
    lo, hi = np.searchsorted(rt, ht - NEAR_S), np.searchsorted(rt, ht + NEAR_S, side="right")
    near = np.zeros(len(ht), bool)
    for i in np.nonzero(hi > lo)[0]:
        d = haversine(np.full(hi[i] - lo[i], hll[i, 0]), np.full(hi[i] - lo[i], hll[i, 1]),
                      rll[lo[i]:hi[i], 0], rll[lo[i]:hi[i], 1])  # fmt: skip
        near[i] = bool((d <= NEAR_M).any())
    by = h.with_columns(near=pl.Series(near)).group_by("traj_id").agg(pl.col("near").mean())
    hit = by.filter(pl.col("near") > 0).sort("traj_id")
    span = f"{ht.min():.0f}..{ht.max():.0f} s" if len(ht) else "empty"
    print(f"{held} vs {ref}: {h['traj_id'].n_unique()} trips ({span}), {int(near.sum())} of "
          f"{len(ht)} points near a REF point (<= {NEAR_S:.0f} s, {NEAR_M:.0f} m); trips "
          f"touched: {hit.height} {hit.rows()[:10]}")  # fmt: skip
    return hit["traj_id"].to_list()


def answers(run: str, spec: str, trips: int, out: Path, drop_near: str | None = None) -> None:
    """The run's recover answers per setting (eval/run_recover_radii.py's settings and call) on
    the first ``trips`` trips (of >= 3 fixes): one row per point and setting, with its known
    flag and the error (m) of its answer."""
    from trajlm import TrajLM
    from trajlm.eval.run_recover_radii import first_trips, setting_answers

    lm = TrajLM.from_pretrained(run, threads=1)
    df = frame(spec)
    if drop_near:  # the RULE: a held-out trip near a store point is not read
        df = df.filter(~pl.col("traj_id").is_in(overlap(spec, drop_near)))
    df = first_trips(df, trips)
    parts = []
    for name, known, err in setting_answers(lm, df):
        parts.append(df.with_columns(setting=pl.lit(name), known=pl.Series(known),
                                     err=pl.Series(err)))  # fmt: skip
        print(f"{spec}: {name}: {int((~known).sum())} hidden points", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    pl.concat(parts).with_columns(source=pl.lit(Path(spec.split(":")[0]).name)).write_parquet(out)
    print(f"wrote {out}")


def features(d: pl.DataFrame, limit: float | None) -> pl.DataFrame:
    """Hidden rows of ``answers`` with their gap features read with ``limit`` as the step limit
    (recover_spread.gap_features, per setting, as answers read them)."""
    from trajlm.eval.radii_bins import seconds
    from trajlm.eval.recover_spread import GAP_FEATURES, gap_features

    parts = []
    for _, g in d.group_by("setting", maintain_order=True):
        t = seconds(g["t"]).to_numpy()
        known = g["known"].to_numpy()
        trip = pl.concat_str("source", pl.lit("/"), "traj_id")
        f = gap_features(t, g.select("lat", "lon").to_numpy(), known,
                         g.select(trip.rank("dense")).to_series().to_numpy(), limit)  # fmt: skip
        h = ~known
        parts.append(g.filter(pl.Series(h)).select(trip.alias("trip"), "setting", "err")
                     .with_columns(**{k: pl.Series(f[k][h]) for k in GAP_FEATURES}))  # fmt: skip
    return pl.concat(parts)


def fit_rows(d: pl.DataFrame) -> pl.DataFrame:
    """``answers`` rows as eval/run_recover_radii.recover_answers gives them: features read
    with the calibrated gap of the rows' scored hidden points."""
    from trajlm.eval.recover_spread import calibrated_gap_s

    f = features(d, None)
    ok = f.filter(pl.col("err").is_finite() & pl.col("gap_s").is_finite())
    return features(d, calibrated_gap_s(ok["gap_s"].to_numpy()))


def inside(d: pl.DataFrame, spread: dict) -> pl.DataFrame:
    """Per hidden row of ``answers``: 1 / 0 inside each level's circle of ``spread`` (its own
    max_gap_s as the step limit, as answers read it), NaN where it gives none."""
    from trajlm.eval.recover_spread import GAP_FEATURES, spread_columns, step_limit_s

    f = features(d, step_limit_s(spread))
    r = spread_columns(spread, {k: f[k].to_numpy() for k in GAP_FEATURES}, list(LEVELS))
    e = f["err"].to_numpy()
    return f.select("trip", "setting", "err").with_columns(
        **{f"i{lv}": pl.Series(np.where(np.isfinite(r[f"r{lv}_m"]),
                                        (e <= r[f"r{lv}_m"]).astype(float), np.nan))
           for lv in LEVELS})  # fmt: skip


def shares(d: pl.DataFrame, col: str, reps: int = 0, seed: int = 0) -> np.ndarray:
    """Share (%) of ``col`` per setting, settings averaged; with ``reps``, the same on trips
    resampled with replacement (reps,) (the paired bootstrap reuses ``seed``'s draws)."""
    trips = np.unique(d["trip"].to_numpy())
    sets = d["setting"].unique(maintain_order=True).to_list()
    ti = np.searchsorted(trips, d["trip"].to_numpy())
    si = np.array([sets.index(s) for s in d["setting"].to_list()])
    n = np.zeros((len(trips), len(sets)))
    h = np.zeros_like(n)
    np.add.at(n, (ti, si), 1.0)
    np.add.at(h, (ti, si), d[col].to_numpy())
    if not reps:
        with np.errstate(invalid="ignore"):
            return np.array(np.nanmean(h.sum(0) / n.sum(0)) * 100)
    idx = np.random.default_rng(seed).integers(0, len(trips), (reps, len(trips)))
    with np.errstate(invalid="ignore"):
        return np.nanmean(h[idx].sum(1) / n[idx].sum(1), axis=1) * 100


def read(pairs: list[str], before_dir: str, reps: int = 2000) -> None:
    """The RULE's table per pair FIT_DIR=ANSWERS[,ANSWERS...] (module doc) and its verdict."""
    from trajlm.eval.recover_spread import load_recover_spread

    before = load_recover_spread(before_dir)
    print(
        "| run -> held-out | hidden points (trips) | no circle: own / shipped | "
        + " | ".join(f"{lv} %: shipped -> own" for lv in LEVELS)
        + " | mean abs(share - level): shipped -> own (own - shipped, 95 % CI) | rule |"
    )
    print("|---|---|---|" + "---|" * len(LEVELS) + "---|---|")
    for pair in pairs:
        fit_dir, _, files = pair.partition("=")
        own = load_recover_spread(Path(fit_dir) / "best")
        d = pl.concat([pl.read_parquet(f) for f in files.split(",")])
        b, a = inside(d, before), inside(d, own)
        nan_a, nan_b = int(a["i90"].is_nan().sum()), int(b["i90"].is_nan().sum())
        keep = pl.Series(~(a["i90"].is_nan() | b["i90"].is_nan()).to_numpy())
        b, a = b.filter(keep), a.filter(keep)
        sb = {lv: float(shares(b, f"i{lv}")) for lv in LEVELS}
        sa = {lv: float(shares(a, f"i{lv}")) for lv in LEVELS}
        off_b = np.mean([abs(sb[lv] - lv) for lv in LEVELS])
        off_a = np.mean([abs(sa[lv] - lv) for lv in LEVELS])
        rb = np.mean([abs(shares(b, f"i{lv}", reps) - lv) for lv in LEVELS], axis=0)
        ra = np.mean([abs(shares(a, f"i{lv}", reps) - lv) for lv in LEVELS], axis=0)
        lo, hi = np.percentile(ra - rb, [2.5, 97.5])
        ok_a = 85.0 <= sa[90] <= 95.0
        ok_b = off_a < off_b and hi < 1.0
        total = a.height + int((~keep).sum())
        ok_c = nan_a <= 0.10 * total
        verdict = "holds" if ok_a and ok_b and ok_c else "fails"
        why = f"(a) {'ok' if ok_a else 'no'}, (b) {'ok' if ok_b else 'no'}, (c) {'ok' if ok_c else 'no'}"
        print(f"| {Path(fit_dir).name} -> {files} | {a.height} ({a['trip'].n_unique()}) | "
              f"{nan_a} / {nan_b} of {total} | "
              + " | ".join(f"{sb[lv]:.1f} -> {sa[lv]:.1f}" for lv in LEVELS)
              + f" | {off_b:.2f} -> {off_a:.2f} ({off_a - off_b:+.2f} [{lo:+.2f}, {hi:+.2f}]) | "
              f"{verdict}: {why} |", flush=True)  # fmt: skip
        per = [f"{s}: {float(shares(a.filter(pl.col('setting') == s), 'i90')):.1f}"
               for s in a["setting"].unique(maintain_order=True).to_list()]  # fmt: skip
        print(f"    own 90 % per setting: {', '.join(per)}; own file: "
              f"{own.get('note', '')[-60:]}, max_gap_s {own['max_gap_s']:.0f}")  # fmt: skip


def floor(pairs: list[str], draws: int = 20, sizes: tuple[int, ...] = (10, 20, 40)) -> None:
    """Per pair VAL_ANSWERS=ANSWERS[,...]: fits on N random val trips (eval/run_recover_radii's
    fit on its rows) read on the held-out answers at 90 (module doc)."""
    from trajlm.eval.run_recover_radii import fit_from_recover_answers

    print(
        "| val answers -> held-out | N val trips | draws | own 90 %: median (10th-90th pct) "
        "| draws at 85-95 % | draws under 85 % |\n|---|---|---|---|---|---|"
    )
    rng = np.random.default_rng(0)
    for pair in pairs:
        val_file, _, files = pair.partition("=")
        v = pl.read_parquet(val_file)
        held = pl.concat([pl.read_parquet(f) for f in files.split(",")])
        names = np.array(sorted(set(v["traj_id"].to_list())))
        for n in sizes:
            got = []
            for _ in range(draws):
                pick = rng.choice(names, n, replace=False).tolist()
                spread, why = fit_from_recover_answers(fit_rows(v.filter(pl.col("traj_id")
                                                                         .is_in(pick))))  # fmt: skip
                if spread is None:
                    got.append(np.nan)
                    continue
                a = inside(held, spread).filter(~pl.col("i90").is_nan())
                got.append(float(shares(a, "i90")))
            g = np.array(got)
            q = np.nanpercentile(g, [50, 10, 90])
            print(f"| {Path(val_file).name} -> {files} | {n} | {draws} | {q[0]:.1f} "
                  f"({q[1]:.1f}-{q[2]:.1f}) | {int(((g >= 85) & (g <= 95)).sum())} | "
                  f"{int((g < 85).sum())} |", flush=True)  # fmt: skip


def fit(pairs: list[str], loaded: bool = False) -> None:
    """Copies of RUN=STORE's runs under OUT/fits, fitted as `trajlm train` would fit them.
    ``loaded`` (OUT/fits_loaded): the model as ``TrajLM.from_pretrained(copy)`` loads it, so
    its recover path reads the run's saved verdict as a user's call does (the default, as
    uncert31's run_cover.py: the kept weights alone, no verdict: the bridge's call check)."""
    if loaded:
        from trajlm import TrajLM
        from trajlm.data.store import read_store
        from trajlm.eval.run_recover_radii import fit_run_recover_radii

        for pair in pairs:
            run, store = pair.split("=")
            copy = OUT / "fits_loaded" / Path(run).name
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(run, copy)
            val = read_store(store, split="val").drop("split", strict=False)
            got = fit_run_recover_radii(TrajLM.from_pretrained(copy, threads=1), val, copy / "best")
            print(f"{copy.name}: {got['recover_radii']} ({got['recover_radii_s']} s)", flush=True)
        return
    import sys

    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "trainradii30"))
    from cover import copied_run  # trainradii30's: copy, fit on the store's val split

    from trajlm.eval.run_recover_radii import fit_run_recover_radii

    torch.set_num_threads(1)
    for pair in pairs:
        copied_run(pair, str(OUT / "fits"), fit_run_recover_radii, "recover_radii")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("prepare", "overlap", "answers", "fit", "read", "floor"))
    ap.add_argument("args", nargs="*")
    ap.add_argument("--trips", type=int, default=10**6)
    ap.add_argument("--out", help="answers: the Parquet file to write")
    ap.add_argument("--drop-near", help="answers: leave out trips `overlap` finds near this store")
    ap.add_argument("--loaded", action="store_true", help="fit: through from_pretrained")
    ap.add_argument("--before", default="trajlm/checkpoints/trajlm-small",
                    help="read: the folder whose recover_radii.json is 'shipped'")  # fmt: skip
    a = ap.parse_args()
    if a.what == "prepare":
        prepare()
    elif a.what == "overlap":
        overlap(a.args[0], a.args[1])
    elif a.what == "answers":
        answers(a.args[0], a.args[1], a.trips, Path(a.out), a.drop_near)
    elif a.what == "fit":
        fit(a.args, a.loaded)
    elif a.what == "read":
        read(a.args, a.before)
    else:
        floor(a.args)


if __name__ == "__main__":
    main()
