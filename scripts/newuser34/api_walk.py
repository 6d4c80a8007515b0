"""newuser34's Python path: the researcher's own data through TrajLM (docs/pretraining.md
"Session 34 (newuser34)"). Each step prints what it returned; a failing step prints its error
and the walk goes on (that is a finding).

    OUT=/tmp/newuser34/api PRE=/tmp/newuser34/pretrain/run \
        python scripts/newuser34/api_walk.py /tmp/newuser34/data/melbourne_bikes_week.csv
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from pathlib import Path

import pandas as pd

import trajlm


def step(name, fn):
    print(f"\n== {name}")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn()
        for w in caught:
            print(f"  warning: {w.message}")
        print(out if not isinstance(out, pd.DataFrame) else out.head(8).to_string())
        return out
    except Exception as e:  # a finding: said, and the walk goes on
        print(f"  FAILED: {type(e).__name__}: {e}")
        if os.environ.get("DEBUG"):
            traceback.print_exc()
        return None


def main() -> None:
    csv = Path(sys.argv[1])
    out = Path(os.environ.get("OUT", "/tmp/newuser34/api"))
    pre = os.environ.get("PRE", "/tmp/newuser34/pretrain/run")
    steps = int(os.environ.get("STEPS", "200"))
    out.mkdir(parents=True, exist_ok=True)
    trips = pd.read_csv(csv, parse_dates=["recorded_at"])  # local wall-clock times, no zone
    cut = trips["recorded_at"].quantile(0.8)  # the last days held back, as a researcher would
    train = trips[trips.groupby("trip_id")["recorded_at"].transform("min") < cut]
    later = trips[~trips["trip_id"].isin(train["trip_id"])]
    print(
        f"{len(train['trip_id'].unique())} trips before {cut}, {later['trip_id'].nunique()} after"
    )
    hist = later.groupby("trip_id").head(20)

    own = step("from_pretrained(own pretraining run)", lambda: trajlm.TrajLM.from_pretrained(pre))
    if own is not None:
        step(
            "own.predict(later, steps=5)",
            lambda: own.predict(hist, steps=5, tz="Australia/Melbourne"),
        )
        step(
            "own.evaluate(later trips)",
            lambda: own.evaluate(later, task="predict", tz="Australia/Melbourne"),
        )
    fit = step(
        "TrajLM.fit(train, scratch)",
        lambda: trajlm.TrajLM.fit(train, out / "scratch", max_steps=steps, seed=0, overwrite=True,
                                  tz="Australia/Melbourne"),
    )  # fmt: skip
    cfg = out / "finetune.toml"
    cfg.write_text(Path("configs/default.toml").read_text() + f'init_from = "{pre}"\n')
    ft = step(
        "TrajLM.fit(train, config with init_from = own run)",
        lambda: trajlm.TrajLM.fit(train, out / "ft", config=cfg, max_steps=steps, seed=0,
                                  overwrite=True, tz="Australia/Melbourne"),
    )  # fmt: skip
    for name, m in (("scratch", fit), ("ft", ft)):
        if m is None:
            continue
        step(
            f"{name}.evaluate(later)",
            lambda m=m: m.evaluate(later, task="predict", tz="Australia/Melbourne"),
        )
        step(
            f"{name}.save_pretrained",
            lambda m=m, name=name: m.save_pretrained(out / f"saved_{name}", overwrite=True),
        )
        step(
            f"reload {name}",
            lambda name=name: trajlm.TrajLM.from_pretrained(out / f"saved_{name}").predict(
                hist, steps=5, tz="Australia/Melbourne"
            ),
        )


if __name__ == "__main__":
    main()
