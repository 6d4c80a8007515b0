"""Rows for session 23's radii (radii23): scripts/tails21_cover.py's rows (one per answer) plus,
per query, what its own history says about how far off the model is on this mover:

- ``bt_r``: the model's in-context backtest. The history's first ``HIST - BT`` fixes predict its
  last ``BT`` fixes (at their times); per fix err / std_m, as a list, with ``bt_a`` its seconds
  ahead. A per-call calibration measured on the mover itself.
- ``noise_m``: a GPS-noise floor, the RMS of the second differences of positions / sqrt(6).
- ``turn``: mean |heading change| per fix (rad) over legs longer than the noise floor.
- ``spcv``: the coefficient of variation of the legs' speeds.

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/radii23_rows.py --store /tmp/stores/porto \
        --store /tmp/stores/geolife --movers-seed 2001 --out /tmp/radii23/val.parquet
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tails21_cover as T  # noqa: E402

BT = 6  # fixes the backtest predicts


def backtest(model, hist: pl.DataFrame) -> pl.DataFrame:
    """Per query: lists ``bt_a`` (s ahead) and ``bt_r`` (err / std_m) of the backtest."""
    from trajlm.eval.dead_reckoning_spread import M_PER_DEG

    hist = hist.sort("traj_id", "t", maintain_order=True).with_columns(
        i=pl.int_range(pl.len()).over("traj_id"), n=pl.len().over("traj_id")
    )
    head = hist.filter(pl.col("i") < pl.col("n") - BT).drop("i", "n")
    tail = hist.filter(pl.col("i") >= pl.col("n") - BT).drop("i", "n")
    ok = head.group_by("traj_id").len().filter(pl.col("len") >= 2)["traj_id"]
    head, tail = (
        head.filter(pl.col("traj_id").is_in(ok.implode())),
        tail.filter(pl.col("traj_id").is_in(ok.implode())),
    )
    asked = {k[0]: g["t"].to_list() for k, g in tail.group_by("traj_id", maintain_order=True)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = model.predict(head, at_times=asked)
    p = p.with_columns(pl.col("traj_id").cast(pl.String), pl.col("t").cast(pl.Float64))
    last = head.group_by("traj_id").agg(t0=pl.col("t").last())
    j = tail.rename({"lat": "tlat", "lon": "tlon"}).join(
        p.select("traj_id", "t", "lat", "lon", "std_m"), on=["traj_id", "t"], how="inner"
    )
    j = j.join(last, on="traj_id")
    dn = ((j["lon"] - j["tlon"] + 180) % 360 - 180) * M_PER_DEG * np.cos(np.radians(j["tlat"]))
    de = (j["lat"] - j["tlat"]) * M_PER_DEG
    j = j.with_columns(
        bt_a=pl.col("t") - pl.col("t0"), bt_r=(dn**2 + de**2).sqrt() / pl.col("std_m")
    )
    return j.group_by("traj_id").agg("bt_a", "bt_r").rename({"traj_id": "q"})


def shape(hist: pl.DataFrame) -> pl.DataFrame:
    """Per query: noise floor (m), mean |heading change| (rad) and speed CV."""
    from trajlm.eval.dead_reckoning_spread import M_PER_DEG

    rows = []
    for (q,), g in hist.sort("traj_id", "t").group_by("traj_id", maintain_order=True):
        t, lat, lon = (g[c].to_numpy().astype(np.float64) for c in ("t", "lat", "lon"))
        y = (lat - lat[-1]) * M_PER_DEG
        x = ((lon - lon[-1] + 180) % 360 - 180) * M_PER_DEG * np.cos(np.radians(lat[-1]))
        if len(t) < 4:
            rows.append((q, np.nan, np.nan, np.nan))
            continue
        d2 = np.hypot(np.diff(x, 2), np.diff(y, 2))
        noise = float(np.sqrt(np.mean(d2**2) / 6))
        dx, dy, dtt = np.diff(x), np.diff(y), np.maximum(np.diff(t), 1e-3)
        leg = np.hypot(dx, dy)
        sp = leg / dtt
        spcv = float(np.std(sp) / max(np.mean(sp), 1e-6))
        big = leg > max(noise, 0.5)
        hd = np.arctan2(dy[big], dx[big])
        turn = (
            float(np.mean(np.abs((np.diff(hd) + np.pi) % (2 * np.pi) - np.pi)))
            if big.sum() > 1
            else np.nan
        )
        rows.append((q, noise, turn, spcv))
    return pl.DataFrame(rows, schema=["q", "noise_m", "turn", "spcv"], orient="row")


def run(model, hist: pl.DataFrame, truth: pl.DataFrame, source: str, kind: str) -> pl.DataFrame:
    hist = hist.sort("traj_id", "t", maintain_order=True)
    out = T.run(model, hist, truth, source, kind)
    return out.join(backtest(model, hist), on="q", how="left").join(shape(hist), on="q", how="left")


def write_rows(doc: str, run, skip_failed: bool = False) -> None:
    """The command line of a rows script (this one, radii24_rows.py): trajlm-small's ``run`` rows
    on the cuts (tails21_cover.cut_parts), written to --out as Parquet."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    T.add_cut_args(ap)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    import torch

    import trajlm

    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    parts = T.cut_parts(model, a, run, skip_failed=skip_failed)
    pl.concat(parts, how="diagonal").write_parquet(a.out)


def main() -> None:
    write_rows(__doc__, run)


if __name__ == "__main__":
    main()
