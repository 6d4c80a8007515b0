"""Session 30 (vessel30): newuser30's maritime frictions 1-3 on its generated feed, after the fixes.

What it measures: (1) the coverage warnings a run fitted on the feed gives on its own 40 vessels
(predict's history: max_len - 5 points), with the run's record as the warning reads it
(coverage_gate.speed_reference: tracks, the high end the windows' of max_len points where the
tracks' misses them; session 31) and, for comparison, over whole tracks only (the record's
``traj_speed_mps``, before session 31); (2) trajlm-small's interval line on the feed; (3) the run's val verdict's small-val
line (which baseline the 20 windows of the 4 val trips pick, and the runner-up).
Command: PYTHONPATH=. python scripts/vessel30/check_frictions.py [OUT]
(OUT default $VESSEL30_OUT or /tmp/vessel30: the feed from scripts/newuser30/gen_vessels.py,
the run OUT/run and its store OUT/store; printed, nothing written into the repo).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

import trajlm
from trajlm.data.coerce import to_canonical
from trajlm.model.coverage import coverage_warnings

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VESSEL30_OUT", "/tmp/vessel30"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    gen = Path(__file__).resolve().parents[1] / "newuser30" / "gen_vessels.py"
    subprocess.run([sys.executable, str(gen), str(OUT)], check=True)
    df = pl.read_parquet(OUT / "ais.parquet")
    run, store = OUT / "run", OUT / "store"
    shutil.rmtree(run, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    trajlm.TrajLM.fit(df, run, max_steps=100, seed=0, threads=1, store=store)
    card = json.loads((run / "config.json").read_text())
    cov = card["coverage"]
    canon = to_canonical(df, validate=False)
    history = card["max_len"] - 5
    print("training speeds (m/s): whole tracks", cov["traj_speed_mps"])
    print("training speeds (m/s): windows of", card["max_len"], cov.get("window_speed_mps"))
    print(
        "(1) own 40 vessels, record as read:", coverage_warnings(card, canon, history) or "no line"
    )
    before = {**card, "coverage": {k: v for k, v in cov.items() if k != "window_speed_mps"}}
    print("(1) own 40 vessels, whole tracks (before):", coverage_warnings(before, canon, history))
    small = Path(__file__).resolve().parents[2] / "trajlm" / "checkpoints" / "trajlm-small"
    small_card = json.loads((small / "config.json").read_text())
    lines = coverage_warnings(small_card, canon, small_card["max_len"] - 5)
    print("(2) trajlm-small:", [s for s in lines if "interval" in s])
    verdict = json.loads((run / "best" / "val_verdict.json").read_text())["predict"]
    print("(3) engine:", verdict["engine"], "| val ADE (m):",
          {k: round(v, 1) for k, v in verdict["val_ade_m"].items()})  # fmt: skip
    print("(3) small-val line:", verdict.get("small_val"))


if __name__ == "__main__":
    main()
