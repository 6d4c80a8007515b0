"""Session 32 (stays32): how often a held stay's circles hold the truth.

``TrajLM.predict`` answers a history ending in a stay at the stay's median (trajlm/api_stays.py);
its radii were a 2-D Gaussian's sqrt(-2 ln(1 - p)) x std_m (std_m: the stay's own per-axis
spread), where every other engine's radii factors are measured (eval/spread_radii.py). Here:
newuser32's seeded smartphone study (scripts/newuser32/gen_study.py) at fresh seeds 33, 34, 35;
windows of 20 fixes inside one stay, the next 5 fixes the truth (stays_predict.stay_windows, 10
per participant); the stay's answer and radii from the library's own calls (coerce, hold_stays),
no model needed (the stay's answer does not read one).

Rule (written before any read of seeds 34 / 35): the radius factor per level is the share's
quantile of error / the stay's spread over seed 33's held windows' future fixes, rounded to 2
decimals, and std_m is the spread x (the 86.5 % quantile / 2): a Gaussian sigma matched at 2
std_m, as every engine's; seeds 34 and 35 check them. "shipped": what hold_stays answers now. Per seed: coverage of the Gaussian and the measured factors, with a
95 % bootstrap CI over windows (the 5 fixes of a window are not independent).

Command: PYTHONPATH=. python scripts/stays32/stay_radii.py [OUT]
(OUT: $STAYS32_OUT or /tmp/stays32; it generates OUT/seed33.. with gen_study.py where missing,
then prints the table and writes OUT/stay_radii.json). Synthetic data: a smoke check of the
rule's shape, not a claim about real phones.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "newuser32"))
from gen_study import main as generate  # noqa: E402
from newuser_walk import metres, walk_out  # noqa: E402
from stays_predict import stay_windows  # noqa: E402

from trajlm.api_stays import hold_stays, stays_at_end  # noqa: E402
from trajlm.data.coerce import coerce  # noqa: E402

OUT = walk_out("stays32")
SEEDS, FIT_SEED = (33, 34, 35), 33
LEVELS = (50, 90, 95)
MATCHED = 1 - math.exp(-2)  # the share a 2-D Gaussian holds within 2 sigma


def held_errors(folder: Path) -> pd.DataFrame:
    """One row per future fix of a held stay window: trip, err_m (from the held answer),
    spread_m (the stay's own jitter: its fixes' per-axis RMS about the median), and the shipped
    std_m and radii (hold_stays)."""
    gps = pd.read_csv(folder / "gps.csv")
    truth = pd.read_csv(folder / "survey_truth.csv")
    hist, fut = stay_windows(gps, truth, per_person=10)
    cols = ["trip", "timestamp", "latitude", "longitude", "accuracy"]
    df, _ = coerce(hist[cols], traj_col="trip")
    ids = df["traj_id"].unique(maintain_order=True)
    stub = pl.DataFrame({"traj_id": ids, "lat": 0.0, "lon": 0.0, "std_m": float("nan")})
    stub = stub.with_columns(**{f"r{lv}_m": pl.lit(float("nan")) for lv in LEVELS})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the stay line: said by predict, not wanted here
        held = hold_stays(stub, df).filter(pl.col("std_m").is_not_nan()).to_pandas()
    spread = stays_at_end(df).select("traj_id", "spread_m").to_pandas()
    m = fut.merge(held, left_on="trip", right_on="traj_id").merge(spread, on="traj_id")
    m["err_m"] = metres(m["latitude"], m["longitude"], m["lat"], m["lon"])
    return m[["trip", "err_m", "spread_m", "std_m", *[f"r{lv}_m" for lv in LEVELS]]]


def coverage(m: pd.DataFrame, radius: np.ndarray, rng: np.random.Generator) -> tuple:
    """Share of future fixes inside ``radius`` and its 95 % bootstrap CI over windows."""
    inside = pd.Series(m["err_m"].to_numpy() <= radius).groupby(m["trip"].to_numpy())
    per = np.c_[inside.sum().to_numpy(), inside.count().to_numpy()]
    idx = rng.integers(0, len(per), (2000, len(per)))
    boot = per[idx, 0].sum(1) / per[idx, 1].sum(1)
    return (float(per[:, 0].sum() / per[:, 1].sum()), float(np.quantile(boot, 0.025)),
            float(np.quantile(boot, 0.975)))  # fmt: skip


def main() -> None:
    runs = {}
    for seed in SEEDS:
        folder = OUT / f"seed{seed}"
        if not (folder / "gps.csv").is_file():
            generate(folder, 40, 14, seed, session32=True)  # as measured (leftover33)
        runs[seed] = held_errors(folder)
    fit = runs[FIT_SEED]
    ratio = fit["err_m"] / fit["spread_m"]
    factors = {lv: round(float(np.quantile(ratio, lv / 100)), 2) for lv in LEVELS}
    # std_m as every engine's: a Gaussian sigma matched at 2 std_m (1 - e^-2 = 86.5 % inside)
    std_scale = round(float(np.quantile(ratio, MATCHED)) / 2, 2)
    gauss = {lv: math.sqrt(-2 * math.log(1 - lv / 100)) for lv in LEVELS}
    print(f"factors from seed {FIT_SEED} (radius / the stay's spread): {factors}; Gaussian: "
          + ", ".join(f"{lv}: {g:.2f}" for lv, g in gauss.items()))  # fmt: skip
    print(
        f"std_m scale (2 x scaled std_m holds {100 * MATCHED:.1f} % on seed {FIT_SEED}): "
        f"{std_scale}"
    )
    table = {"factors": factors, "gaussian": gauss, "std_scale": std_scale, "seeds": {}}
    for seed, m in runs.items():
        rng = np.random.default_rng(seed)
        row = {"windows": int(m["trip"].nunique()), "fixes": len(m),
               "median_err_m": float(m["err_m"].median()),
               "median_spread_m": float(m["spread_m"].median())}  # fmt: skip
        for lv in LEVELS:
            row[f"shipped_r{lv}"] = coverage(m, m[f"r{lv}_m"].to_numpy(), rng)
            row[f"gauss_r{lv}"] = coverage(m, m["spread_m"].to_numpy() * gauss[lv], rng)
            row[f"measured_r{lv}"] = coverage(m, m["spread_m"].to_numpy() * factors[lv], rng)
        row["shipped_2std"] = coverage(m, 2 * m["std_m"].to_numpy(), rng)
        table["seeds"][seed] = row
        role = "fit" if seed == FIT_SEED else "check"
        print(f"seed {seed} ({role}): {row['windows']} windows, {row['fixes']} future fixes, "
              f"median error {row['median_err_m']:.1f} m, median spread {row['median_spread_m']:.1f} m")  # fmt: skip
        for lv in LEVELS:
            parts = []
            for name in ("shipped", "gauss", "measured"):
                c, lo, hi = row[f"{name}_r{lv}"]
                parts.append(f"{name} {100 * c:5.1f} % ({100 * lo:.1f}-{100 * hi:.1f})")
            print(f"  r{lv}: " + "; ".join(parts))
        c, lo, hi = row["shipped_2std"]
        print(
            f"  2 x shipped std_m: {100 * c:5.1f} % ({100 * lo:.1f}-{100 * hi:.1f}); "
            f"a Gaussian sigma holds {100 * MATCHED:.1f} %"
        )
    (OUT / "stay_radii.json").write_text(json.dumps(table, indent=1))
    print(f"wrote {OUT / 'stay_radii.json'}")


if __name__ == "__main__":
    main()
