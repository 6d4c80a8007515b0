"""newuser36's notebook walk: pitch metres from pandas into trajlm-small, with and without
crs="local". Prints what the persona sees; run after gen_match.py.

  python scripts/newuser36/walk_api.py [--raw /tmp/newuser36/raw]
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import pandas as pd

import trajlm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--raw", type=Path, default=Path(os.environ.get("NEWUSER36", "/tmp/newuser36")) / "raw"
    )
    args = ap.parse_args()
    frame = pd.read_csv(args.raw / "long_style.csv", nrows=23 * 12 * 40)  # the first ~40 s
    frame = frame[frame["player_id"].isin(["H9", "A22", "ball"])]
    model = trajlm.TrajLM.from_pretrained("trajlm-small")
    for crs in (None, "local"):
        print(f"--- predict(frame, steps=3, crs={crs!r})")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = model.predict(frame, steps=3, crs=crs)
            print(out.head(6).to_string())
        except Exception as e:  # noqa: BLE001 - the persona reads the message
            print(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
