"""How close `ask`'s per-player numbers come to the 25-Hz truth (sports37, docs/data.md
"Session 37 (sports37)"): seeded matches in Metrica's and TRACAB's layouts (gen_metrica.py,
gen_tracab.py), each ingested twice, at 1 Hz (`--no-full-rate`: what every store kept before)
and with the feed's own path and fastest step (`--full-rate`, the default for these feeds);
per player and half: distance (signed % vs truth), sprints (>= 7 m/s held >= 1 s: share of
(player, half) counts equal to the truth's) and top speed (m/s error). Outputs under $SPORTS37
(default /tmp/sports37/measure): results.json and the table printed.

    PYTHONPATH=$PWD python scripts/sports37/measure.py --seeds 37 38 39 --minutes 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
SUBBED = {"home_9", "home_14"}  # Metrica's substitution: the truth is the slot's, not the man's


def _run(*cmd: str | Path) -> None:
    subprocess.run([str(c) for c in cmd], check=True, capture_output=True)


def _table(store: Path) -> pl.DataFrame:
    from trajlm.data.store import read_store
    from trajlm.llm.sports_answers import player_table

    pts = read_store(store)
    rows = []
    for k, period in enumerate(sorted(pts["period"].cast(pl.Utf8).unique().to_list()), start=1):
        t = player_table(pts.filter(pl.col("period").cast(pl.Utf8) == period))
        rows.append(t.with_columns(pl.lit(k).alias("half")))
    out = pl.concat(rows).with_columns(pl.col("player").str.to_lowercase())
    return out.filter(pl.col("player") != "ball")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[37, 38, 39])
    ap.add_argument("--minutes", type=float, default=5.0, help="minutes per half")
    args = ap.parse_args()
    out = Path(os.environ.get("SPORTS37", "/tmp/sports37/measure"))
    out.mkdir(parents=True, exist_ok=True)
    py, trajlm = sys.executable, Path(sys.executable).with_name("trajlm")
    results, pairs = [], []
    for seed in args.seeds:
        raw = out / f"raw{seed}"
        for gen in ("gen_metrica.py", "gen_tracab.py"):
            _run(py, HERE / gen, "--out", raw, "--seed", seed, "--minutes", args.minutes)
        truth = pl.read_csv(raw / "truth" / "players.csv").with_columns(
            pl.col("player").str.to_lowercase()
        )
        feeds = {"metrica": raw / "metrica", "tracab": raw / "match_tracab.dat"}
        (raw / "metrica").mkdir(exist_ok=True)
        for f in raw.glob("Sample_Game_*.csv"):
            f.replace(raw / "metrica" / f.name)
        for feed, src in feeds.items():
            for mode in ("--no-full-rate", "--full-rate"):
                store = out / f"s{seed}_{feed}{mode.replace('--', '_')}"
                _run(trajlm, "data", "ingest", src, "--out", store, "--overwrite",
                     "--time-origin", "2026-11-28T15:00Z", mode)  # fmt: skip
                got = _table(store).join(truth, on=["half", "player"], how="inner")
                got = got.filter(~pl.col("player").is_in(SUBBED))
                pairs.append(got.select("half", "player", "distance_m", "distance_m_right").with_columns(
                    pl.lit(seed).alias("seed"), pl.lit(feed).alias("feed"), pl.lit(mode.lstrip("-")).alias("mode")))  # fmt: skip
                dist = (got["distance_m"] / got["distance_m_right"] - 1) * 100
                results.append({
                    "seed": seed, "feed": feed, "mode": mode.lstrip("-"), "n": got.height,
                    "distance_pct_mean": float(dist.mean()), "distance_pct_abs_max": float(dist.abs().max()),
                    "sprints_exact_share": float((got["sprints"] == got["sprints_over_7mps"]).mean()),
                    "sprints_total": int(got["sprints"].sum()), "sprints_truth": int(got["sprints_over_7mps"].sum()),
                    "top_speed_err_mean": float((got["top_speed_mps"] - got["top_speed_mps_right"]).mean()),
                    "top_speed_err_abs_max": float((got["top_speed_mps"] - got["top_speed_mps_right"]).abs().max()),
                })  # fmt: skip
    (out / "results.json").write_text(json.dumps(results, indent=1))
    df = pl.DataFrame(results)
    summary = df.group_by("feed", "mode", maintain_order=True).agg(
        pl.col("n").sum(),
        pl.col("distance_pct_mean").mean().round(2),
        pl.col("distance_pct_mean").std().round(2).alias("distance_pct_sd_seeds"),
        pl.col("distance_pct_abs_max").max().round(2),
        pl.col("sprints_exact_share").mean().round(3),
        pl.col("sprints_total").sum(),
        pl.col("sprints_truth").sum(),
        pl.col("top_speed_err_mean").mean().round(3),
        pl.col("top_speed_err_abs_max").max().round(2),
    )
    with pl.Config(tbl_cols=20, tbl_width_chars=200, tbl_hide_column_data_types=True):
        print(summary)
    print(_paired_ci(pl.concat(pairs)))
    print(f"wrote {out / 'results.json'} ({len(results)} runs)")


def _paired_ci(pairs: pl.DataFrame, draws: int = 2000) -> str:
    """Per feed: the mean |distance error| (% of truth) at 1 Hz and with --full-rate over the
    same (seed, player, half) pairs, and a paired bootstrap 95 % CI of their difference."""
    err = pairs.with_columns(e=(pl.col("distance_m") / pl.col("distance_m_right") - 1).abs() * 100)
    wide = err.pivot("mode", index=["feed", "seed", "half", "player"], values="e")
    rng, lines = np.random.default_rng(0), []
    for (feed,), g in wide.group_by("feed", maintain_order=True):
        d = (g["full-rate"] - g["no-full-rate"]).to_numpy()
        boots = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(draws)]
        lo, hi = np.percentile(boots, [2.5, 97.5])
        lines.append(f"{feed}: mean |distance error| 1 Hz {g['no-full-rate'].mean():.2f} %, full rate "
                     f"{g['full-rate'].mean():.2f} %, difference {d.mean():+.2f} pp (95 % CI {lo:+.2f} "
                     f"to {hi:+.2f}; {len(d)} pairs)")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
