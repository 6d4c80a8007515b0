"""`trajlm data ingest` before / after a refactor: runs a fixed list of ingest commands (good
files, bad options, bad files, --append, --json) against one checkout and records each one's
stdout, stderr, exit code and the store it wrote (manifest minus created_at, every Parquet
file's rows), so two runs diff line by line (docs/testing.md "Session 38 (review38)").

    python scripts/review38/ingest_cases.py CHECKOUT RESULT_DIR
    diff -r RESULT_DIR_BEFORE RESULT_DIR_AFTER

Inputs are written under $REVIEW38_WORK (default /tmp/review38/work), the same paths for both
runs so the messages that name them compare; shared data files are read where they exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SHARED = Path(os.environ.get("TRAJLM_SHARED_DATA", "/work/shared/data"))
WORK = Path(os.environ.get("REVIEW38_WORK", "/tmp/review38/work"))
IN = WORK / "inputs"
ST = WORK / "stores"


def write_inputs() -> None:
    """Small seeded files, each there to reach one branch of the ingest command."""
    IN.mkdir(parents=True, exist_ok=True)
    rows = ["traj_id,t,lat,lon"]
    for k in range(3):
        for i in range(20):
            rows.append(
                f"a{k},{1600000000 + 30 * i + 10000 * k},{41.1 + 0.0004 * i},{-8.6 + 0.0003 * k}"
            )
    (IN / "good.csv").write_text("\n".join(rows) + "\n")
    (IN / "good_semi.csv").write_text("\n".join(r.replace(",", ";") for r in rows) + "\n")
    more = ["traj_id,t,lat,lon"] + [f"b{k},{1700000000 + 30 * i + 10000 * k},{41.2 + 0.0004 * i},-8.5"
                                     for k in range(2) for i in range(15)]  # fmt: skip
    (IN / "more.csv").write_text("\n".join(more) + "\n")
    guessed = ["id,timestamp,latitude,longitude,user_id,transport_mode"]
    for k in range(2):
        for i in range(12):
            guessed.append(
                f"{k},2021-05-0{k + 1} 10:{i:02d}:00,{40.0 + 0.001 * i},{116.3},{'u' + str(k)},{'walk' if k else 'bus'}"
            )
    (IN / "guessed.csv").write_text("\n".join(guessed) + "\n")
    local = ["trip,local_time,lat,lon"] + [f"t1,2021-03-14 0{i // 6}:{(i % 6) * 10:02d}:00,40.7,{-74.0 + 0.001 * i}"
                                           for i in range(18)]  # fmt: skip
    (IN / "local_time.csv").write_text("\n".join(local) + "\n")
    back = ["traj_id,time,lat,lon"] + [f"x,2021-11-07 0{1 + (i > 5)}:{(i * 7) % 60:02d}:00,40.7,{-74 + 0.001 * i}"
                                       for i in range(10)]  # fmt: skip
    back.insert(4, "x,2021-11-07 00:30:00,40.7,-74.01")
    (IN / "goes_back.csv").write_text("\n".join(back) + "\n")
    acc = ["traj_id,t,lat,lon,accuracy"] + [f"a,{1600000000 + 30 * i},{41.1 + 0.0004 * i},-8.6,{900 if i % 4 == 0 else 8}"
                                            for i in range(20)]  # fmt: skip
    (IN / "accuracy.csv").write_text("\n".join(acc) + "\n")
    hdop = ["traj_id,t,lat,lon,hdop"] + [f"a,{1600000000 + 30 * i},{41.1 + 0.0004 * i},-8.6,{9 if i % 3 == 0 else 1}"
                                         for i in range(20)]  # fmt: skip
    (IN / "hdop.csv").write_text("\n".join(hdop) + "\n")
    fast = list(rows)
    fast[10] = "a0,1600000270,48.0,2.0"  # one fix ~800 km away: an impossible step
    (IN / "fast.csv").write_text("\n".join(fast) + "\n")
    bad = list(rows)
    bad[7] = "a0,1600000180,notanumber,-8.6"
    (IN / "bad_row.csv").write_text("\n".join(bad) + "\n")
    mostly_bad = ["traj_id,t,lat,lon"] + [f"a,{1600000000 + i},x,y" for i in range(30)] + rows[1:4]
    (IN / "mostly_bad.csv").write_text("\n".join(mostly_bad) + "\n")
    dense = ["traj_id,t,lat,lon"] + [
        f"d,{1600000000 + i},{41.1 + 0.00001 * i},-8.6" for i in range(200)
    ]
    (IN / "dense.csv").write_text("\n".join(dense) + "\n")
    stops = ["traj_id,t,lat,lon"]
    for i in range(90):  # moving, 30 minutes still, moving
        lat = 41.1 + 0.001 * min(i, 30) + 0.001 * max(i - 60, 0)
        stops.append(f"s,{1600000000 + 60 * i},{lat},-8.6")
    (IN / "stops.csv").write_text("\n".join(stops) + "\n")
    (IN / "empty.csv").write_text("")
    (IN / "header_only.csv").write_text("traj_id,t,lat,lon\n")
    (IN / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (IN / "not_json.json").write_text("{not json")
    (IN / "junk.gpx").write_text("<gpx><trk><trkseg><trkpt lat='x'></trkpt></trkseg></trk></gpx>")
    (IN / "dir").mkdir(exist_ok=True)
    shutil.copy(IN / "good.csv", IN / "dir" / "one.csv")
    shutil.copy(IN / "more.csv", IN / "dir" / "two.csv")
    shutil.copy(IN / "good.csv", IN / "dir" / "copy_of_one.csv")


def cases() -> list[tuple[str, list[str]]]:
    g, s = str(IN / "good.csv"), str(ST)
    out = lambda name: ["--out", f"{s}/{name}"]  # noqa: E731
    c: list[tuple[str, list[str]]] = [
        # good files
        ("good", [g, *out("good")]),
        ("good_json", [g, *out("good_json"), "--json"]),
        ("good_csv_fmt", [g, "--format", "csv", *out("good_csv_fmt")]),
        (
            "semi_sep",
            [str(IN / "good_semi.csv"), "--format", "csv", "--sep", ";", *out("semi_sep")],
        ),
        ("guessed", [str(IN / "guessed.csv"), *out("guessed")]),
        (
            "guessed_cols",
            [
                str(IN / "guessed.csv"),
                "--traj-col",
                "id",
                "--time-col",
                "timestamp",
                "--lat-col",
                "latitude",
                "--lon-col",
                "longitude",
                "--vehicle-col",
                "user_id",
                "--label-col",
                "transport_mode",
                *out("guessed_cols"),
            ],
        ),
        ("local_time", [str(IN / "local_time.csv"), *out("local_time")]),
        (
            "local_time_tz",
            [str(IN / "local_time.csv"), "--tz", "America/New_York", *out("local_tz")],
        ),
        ("local_time_off", [str(IN / "local_time.csv"), "--utc-offset", "-5", *out("local_off")]),
        ("goes_back", [str(IN / "goes_back.csv"), *out("goes_back")]),
        ("accuracy", [str(IN / "accuracy.csv"), *out("accuracy")]),
        ("accuracy_0", [str(IN / "accuracy.csv"), "--max-accuracy-m", "0", *out("accuracy_0")]),
        ("hdop", [str(IN / "hdop.csv"), "--max-hdop", "5", *out("hdop")]),
        ("fast", [str(IN / "fast.csv"), *out("fast")]),
        ("fast_drop", [str(IN / "fast.csv"), "--max-speed-mps", "60", *out("fast_drop")]),
        ("dense_thin", [str(IN / "dense.csv"), "--min-interval", "15", *out("dense_thin")]),
        (
            "stops",
            [
                str(IN / "stops.csv"),
                "--split-at-stops",
                "--stop-minutes",
                "10",
                "--stop-radius-m",
                "50",
                "--stop-drift-kn",
                "0",
                *out("stops"),
            ],
        ),
        (
            "gap_minpts",
            [g, "--max-gap-s", "45", "--min-points", "3", "--preset", "default", *out("gap")],
        ),
        ("bad_row_skip", [str(IN / "bad_row.csv"), "--on-error", "skip", *out("bad_row_skip")]),
        ("mostly_bad_skip", [str(IN / "mostly_bad.csv"), "--on-error", "skip", *out("mostly_bad")]),
        ("min_year", [g, "--min-year", "2021", "--on-error", "skip", *out("min_year")]),
        ("dir", [str(IN / "dir"), *out("dir")]),
        ("dir_keep_copies", [str(IN / "dir"), "--keep-copies", *out("dir_keep")]),
        ("two_files", [g, str(IN / "more.csv"), *out("two_files")]),
        # --overwrite / --append
        ("overwrite_refused", [g, *out("good")]),
        ("overwrite", [str(IN / "more.csv"), *out("good"), "--overwrite"]),
        ("append", [g, *out("good_json"), "--append"]),
        ("append_json", [str(IN / "more.csv"), *out("good_csv_fmt"), "--append", "--json"]),
        ("append_no_store", [g, *out("nowhere"), "--append"]),
        ("append_same_again", [g, *out("good_json"), "--append"]),
        # bad options
        ("bad_format", [g, "--format", "bogus", *out("x1")]),
        ("bad_preset", [g, "--preset", "bogus", *out("x2")]),
        ("bad_on_error", [g, "--on-error", "maybe", *out("x3")]),
        ("bad_columns", [g, "--columns", "bogus", *out("x4")]),
        ("bad_speed", [g, "--max-speed-mps", "-1", *out("x5")]),
        ("bad_gap", [g, "--max-gap-s", "0", *out("x6")]),
        ("bad_hdop", [g, "--max-hdop", "nan", *out("x7")]),
        ("bad_accuracy", [g, "--max-accuracy-m", "-3", *out("x8")]),
        ("bad_accuracy_inf", [g, "--max-accuracy-m", "inf", *out("x9")]),
        ("bad_stop_radius", [g, "--stop-radius-m", "-2", "--split-at-stops", *out("x10")]),
        ("bad_stop_minutes", [g, "--stop-minutes", "0", "--split-at-stops", *out("x11")]),
        ("bad_min_interval", [g, "--min-interval", "-1", *out("x12")]),
        ("bad_drift", [g, "--stop-drift-kn", "3", "--split-at-stops", *out("x13")]),
        ("stop_opts_alone", [g, "--stop-radius-m", "50", *out("x14")]),
        ("bad_sep", [g, "--sep", ";;", *out("x15")]),
        ("bad_utc_offset", [g, "--utc-offset", "nan", *out("x16")]),
        ("missing_input", [str(IN / "nope.csv"), *out("x17")]),
        ("out_is_input_dir", [str(IN / "dir"), "--out", str(IN / "dir" / "store")]),
        ("out_is_input", [g, "--out", g]),
        ("layer_no_gis", [g, "--layer", "points", *out("x18")]),
        ("min_points_0", [g, "--min-points", "0", *out("x19")]),
        ("min_year_1800", [g, "--min-year", "1800", *out("x20")]),
        ("bad_traj_col", [g, "--traj-col", "nope", *out("x21")]),
        ("bad_tz", [str(IN / "local_time.csv"), "--tz", "Mars/Olympus", *out("x22")]),
        ("bad_time_format", [g, "--time-format", "%Q%Q", *out("x23")]),
        ("bad_crs", [g, "--crs", "EPSG:999999", *out("x24")]),
        ("bad_pitch", [g, "--pitch-size", "big", *out("x25")]),
        ("out_is_file", [g, "--out", str(IN / "more.csv")]),
        # bad files
        ("empty", [str(IN / "empty.csv"), *out("x26")]),
        ("header_only", [str(IN / "header_only.csv"), *out("x27")]),
        ("binary", [str(IN / "binary.csv"), *out("x28")]),
        ("not_json", [str(IN / "not_json.json"), *out("x29")]),
        ("junk_gpx", [str(IN / "junk.gpx"), *out("x30")]),
        ("bad_row_raise", [str(IN / "bad_row.csv"), *out("x31")]),
        ("bad_row_raise_json", [str(IN / "bad_row.csv"), "--json", *out("x32")]),
    ]
    shared = [
        ("porto", ["porto/train.1k.csv", "--format", "porto"]),
        ("geolife_small", ["geolife_small/geolife_small.csv"]),
        ("liverpool", ["liverpool_bus/route14_outbound.csv", "--json"]),
        ("hurricanes", ["hurricanes/Hurricanes_1944_to_2013.csv", "--columns", "hurricanes"]),
        (
            "animals",
            [
                "animals/specific_test.csv",
                "--time-format",
                "elapsed_h",
                "--time-origin",
                "2020-01-01T00:00Z",
                "--label-col",
                "label",
            ],
        ),
        ("ais_dayfirst", ["ais/boat-positions.csv"]),
        ("gpx", ["bus_gpx_limerick/304 to UL 2019-02-18 0745.gpx"]),
        ("mfjson", ["movingfeatures_json/mf-trajectory.json"]),
    ]
    for name, (rel, *rest) in shared:
        if (SHARED / rel).exists():
            c.append((name, [str(SHARED / rel), *rest, *out(name)]))
    return c


def store_digest(store: Path) -> dict:
    """The store as data: manifest without created_at (nor an append's `at`), each Parquet
    file's rows hashed."""
    import polars as pl

    if not store.is_dir():
        return {"exists": store.exists()}
    d: dict = {"files": sorted(p.relative_to(store).as_posix() for p in store.rglob("*"))}
    man = store / "manifest.json"
    if man.exists():
        m = json.loads(man.read_text())
        m.pop("created_at", None)
        for step in m.get("appends", []):  # when each --append ran, like created_at
            step.pop("at", None)
        d["manifest"] = m
    for p in sorted(store.rglob("*.parquet")):
        df = pl.read_parquet(p)
        d[p.relative_to(store).as_posix()] = [
            df.shape, dict(zip(df.columns, map(str, df.dtypes), strict=True)),
            hashlib.sha256(df.write_csv().encode()).hexdigest(),
        ]  # fmt: skip
    for p in sorted(store.rglob("*.json")):
        if p.name != "manifest.json":
            d[p.relative_to(store).as_posix()] = json.loads(p.read_text())
    return d


def main(checkout: Path, result: Path) -> None:
    if ST.exists():
        shutil.rmtree(ST)
    if (IN / "dir" / "store").exists():
        shutil.rmtree(IN / "dir" / "store")
    write_inputs()
    ST.mkdir(parents=True)
    result.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), COLUMNS="120", NO_COLOR="1", TERM="dumb")
    trajlm = [
        sys.executable,
        "-c",
        "import sys; from trajlm.cli import app; sys.argv[0] = 'trajlm'; sys.exit(app())",
    ]
    all_cases = cases()
    for i, (name, args) in enumerate(all_cases):
        r = subprocess.run([*trajlm, "data", "ingest", *args], env=env, capture_output=True,
                           text=True, cwd=WORK)  # fmt: skip
        (result / f"{i:02d}_{name}.txt").write_text(
            f"$ trajlm data ingest {' '.join(args)}\nexit {r.returncode}\n"
            f"--- stdout\n{r.stdout}--- stderr\n{r.stderr}"
        )
    for store in sorted(ST.iterdir()):
        (result / f"store_{store.name}.json").write_text(
            json.dumps(store_digest(store), indent=1, sort_keys=True, default=str)
        )
    print(f"{len(all_cases)} commands, {len(list(ST.iterdir()))} stores -> {result}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
