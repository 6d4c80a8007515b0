"""Session 38 (scale38): what eval's store read holds, column by column, at a store's scale.

Reads STORE as `trajlm eval --task predict` reads it (cli_eval_columns.eval_columns, then
_cli_io.read_splits_checked), cuts the splits (protocol.split_tables) and prints RSS after each
step with each column's estimated size and dtype (JSON to --out when given).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale38/held.py STORE [--out held.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store", type=Path)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    steps = {}

    def step(name: str, **extra) -> None:
        steps[name] = {"rss_mb": round(rss_mb()), **extra}
        print(name, steps[name], flush=True)

    from trajlm import _cli_io as io
    from trajlm.cli_eval_columns import eval_columns
    from trajlm.eval.protocol import split_tables

    step("imports")
    cols = eval_columns(a.store, "predict", None, None)
    df = io.read_splits_checked(a.store, "--data", columns=cols)
    sizes = {c: [str(df[c].dtype), round(df[c].estimated_size() / 2**20, 1)] for c in df.columns}
    step("read", rows=df.height, columns=sizes, chunks=df.n_chunks("all"))
    parts = split_tables(df)
    step("split_tables", rows={k: v.height for k, v in parts.items()})
    if a.out:
        a.out.write_text(json.dumps(steps, indent=1))


if __name__ == "__main__":
    main()
