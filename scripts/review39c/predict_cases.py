"""`trajlm predict` before / after a refactor (review39c split `predict` into named steps): a
fixed list of predict commands (stores, CSV tables in the user's names, each --out kind, the
time options, radii, holdout + plot, bad options, bad files) against one checkout, each one's
exit code, stdout, stderr and written file recorded, so two runs diff line by line
(docs/testing.md "Session 39 (review39c)").

    python scripts/review39c/predict_cases.py CHECKOUT RESULT_DIR
    diff -r RESULT_DIR_BEFORE RESULT_DIR_AFTER

Inputs (a synthetic store, tables made from it) go under $REVIEW39C_WORK (default
/tmp/review39c/predict_work), the same paths for both runs so the messages that name them
compare. The model is trajlm-small from $REVIEW39C_MODEL (default main's checkpoint folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

WORK = Path(os.environ.get("REVIEW39C_WORK", "/tmp/review39c/predict_work"))
MODEL = os.environ.get("REVIEW39C_MODEL", "/work/main/trajlm/checkpoints/trajlm-small")
STORE = WORK / "synth"
OUT = WORK / "out"

MAKE_INPUTS = f"""
import polars as pl
from trajlm.data.ingest import synth_store
from trajlm.data.store_read import read_store
synth_store({str(STORE)!r}, n_trajectories=60, seed=0)
df = read_store({str(STORE)!r}, "test").sort("traj_id", "t")
keep = df["traj_id"].unique(maintain_order=True).head(6)
df = df.filter(pl.col("traj_id").is_in(keep.implode()))
iso = df.select(pl.col("traj_id").cast(pl.Utf8).alias("vehicle"),
                pl.from_epoch(pl.col("t").cast(pl.Int64), "s").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("timestamp"),
                pl.col("lat").alias("latitude"), pl.col("lon").alias("longitude"))
iso.write_csv({str(WORK / "iso.csv")!r})
iso.with_columns(pl.col("timestamp").str.replace("Z", "")).write_csv({str(WORK / "naive.csv")!r})
df.select("traj_id", pl.col("t").cast(pl.Int64), "lat", "lon").write_csv({str(WORK / "unix.csv")!r})
t0 = int(df["t"].min())
df.select("traj_id", (pl.col("t") - t0).alias("t"), "lat", "lon").write_csv({str(WORK / "elapsed.csv")!r})
iso.drop("latitude").write_csv({str(WORK / "no_lat.csv")!r})
print(t0)
"""


def cases(t0: int) -> list[tuple[str, list[str]]]:
    m = ["--model", MODEL]
    store = ["--input", str(STORE)]
    iso, naive = ["--input", str(WORK / "iso.csv")], ["--input", str(WORK / "naive.csv")]
    unix = ["--input", str(WORK / "unix.csv")]

    def out(name: str) -> list[str]:
        return ["--out", str(OUT / name)]

    at = f"{t0 + 7200},{t0 + 7260}"
    return [
        ("store_default", [*m, *store, *out("store.csv")]),
        (
            "store_all_limit",
            [*m, *store, "--split", "all", "--limit", "3", "-k", "3", *out("all.csv")],
        ),
        ("iso_csv", [*m, *iso, *out("iso.csv")]),
        ("iso_parquet", [*m, *iso, *out("iso.parquet")]),
        ("iso_geojson", [*m, *iso, *out("iso.geojson")]),
        ("iso_seconds_ahead", [*m, *iso, "--seconds-ahead", "30,60,300", *out("ahead.csv")]),
        ("iso_at_times", [*m, *iso, "--at-times", at, *out("at.csv")]),
        (
            "naive_at_times_offset",
            [
                *m,
                *naive,
                "--utc-offset",
                "5.5",
                "--at-times",
                "2020-01-01T10:00:00",
                *out("at_off.csv"),
            ],
        ),
        (
            "iso_holdout_plot",
            [*m, *iso, "--holdout", "2", "--plot", str(OUT / "p.png"), *out("hold.csv")],
        ),
        ("iso_radii", [*m, *iso, "--radii", "50,90", *out("radii.csv")]),
        ("iso_radii_no_hold", [*m, *iso, "--radii", "90", "--no-hold-stays", *out("radii2.csv")]),
        ("iso_latest", [*m, *iso, "--latest", *out("latest.csv")]),
        ("iso_no_fallback", [*m, *iso, "--no-fallback", "--no-hold-stays", *out("nofb.csv")]),
        ("unix_csv", [*m, *unix, *out("unix.parquet")]),
        (
            "elapsed_origin",
            [
                *m,
                "--input",
                str(WORK / "elapsed.csv"),
                "--time-origin",
                "2020-01-01T00:00Z",
                *out("elapsed.csv"),
            ],
        ),  # fmt: skip
        ("naive_tz", [*m, *naive, "--tz", "America/Chicago", *out("tz.csv")]),
        ("bad_split", [*m, *store, "--split", "nope"]),
        ("bad_on_error", [*m, *iso, "--on-error", "nope"]),
        ("bad_seconds_ahead", [*m, *iso, "--seconds-ahead", "soon"]),
        ("steps_and_ahead", [*m, *iso, "--steps", "3", "--seconds-ahead", "30"]),
        ("at_times_and_steps", [*m, *iso, "--steps", "3", "--at-times", at]),
        ("bad_at_times", [*m, *iso, "--at-times", "yesterday"]),
        ("bad_radii_text", [*m, *iso, "--radii", "most"]),
        ("bad_radii_empty", [*m, *iso, "--radii", ""]),
        ("bad_radii_level", [*m, *iso, "--radii", "42"]),
        ("bad_out_suffix", [*m, *iso, "--out", str(OUT / "x.txt")]),
        ("bad_plot_suffix", [*m, *iso, "--plot", str(OUT / "x.gif"), *out("y.csv")]),
        ("out_exists", [*m, *iso, *out("iso.csv")]),
        ("out_exists_overwrite", [*m, *iso, "--overwrite", "-k", "2", *out("iso.csv")]),
        ("origin_on_store", [*m, *store, "--time-origin", "2020-01-01T00:00Z", *out("o.csv")]),
        ("utc_offset_nan", [*m, *naive, "--utc-offset", "nan", *out("nan.csv")]),
        ("crs_on_store", [*m, *store, "--crs", "EPSG:32629", *out("crs.csv")]),
        ("no_input", [*m, "--input", str(WORK / "nowhere.csv"), *out("none.csv")]),
        ("no_lat_column", [*m, "--input", str(WORK / "no_lat.csv"), *out("nolat.csv")]),
        ("holdout_too_big", [*m, *iso, "--holdout", "100000", *out("big.csv")]),
        ("no_model", ["--model", str(WORK / "nomodel"), *iso, *out("nomodel.csv")]),
    ]


def digest(p: Path) -> str:
    if p.suffix == ".csv" or p.suffix in (".geojson", ".json"):
        return p.read_text()
    if p.suffix == ".parquet":
        import polars as pl

        return pl.read_parquet(p).write_csv()
    return f"{p.suffix} {p.stat().st_size > 0}"  # a picture: written or not (bytes carry dates)


def main(checkout: Path, result: Path) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    OUT.mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), COLUMNS="120", NO_COLOR="1", TERM="dumb",
               OMP_NUM_THREADS="1")  # fmt: skip
    made = subprocess.run([sys.executable, "-c", MAKE_INPUTS], env=env, check=True, cwd=WORK,
                          capture_output=True, text=True)  # fmt: skip
    t0 = int(made.stdout.split()[-1])
    result.mkdir(parents=True, exist_ok=True)
    trajlm = [sys.executable, "-c",
              "import sys; from trajlm.cli import app; sys.argv[0] = 'trajlm'; sys.exit(app())"]  # fmt: skip
    all_cases = cases(t0)
    for i, (name, args) in enumerate(all_cases):
        r = subprocess.run([*trajlm, "predict", *args], env=env, capture_output=True, text=True,
                           cwd=WORK)  # fmt: skip
        text = f"$ trajlm predict {' '.join(args)}\nexit {r.returncode}\n"
        text += f"--- stdout\n{r.stdout}--- stderr\n{r.stderr}"
        for p in sorted(OUT.iterdir()):  # what this command wrote (or rewrote)
            text += f"--- file {p.name}\n{digest(p)}"
        (result / f"{i:02d}_{name}.txt").write_text(text.replace(str(WORK), "WORK"))
    print(f"{len(all_cases)} commands -> {result}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
