"""A recovery answer file from `trajlm data queries --task recover`'s files, in plain pandas:
each hidden point interpolated in time between the known fixes of its query. Its rows must
equal eval's own "linear interp." rows (scripts/byo34/own_li.sh; docs/protocol.md, session 34).

    python scripts/byo34/linear_interpolation.py r.csv r.asks.csv --out answers.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd


def answers(inputs: pd.DataFrame, asks: pd.DataFrame) -> pd.DataFrame:
    known = dict(tuple(inputs.groupby("query_id", sort=False)))
    parts = []
    for qid, ask in asks.groupby("query_id", sort=False):
        k = known[qid]
        parts.append(pd.DataFrame({"query_id": qid, "k": ask.k,
                                   "lat": np.interp(ask.t, k.t, k.lat),
                                   "lon": np.interp(ask.t, k.t, k.lon)}))  # fmt: skip
    return pd.concat(parts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("queries")
    p.add_argument("asks")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    text = {"query_id": str, "traj_id": str}
    got = answers(pd.read_csv(a.queries, dtype=text), pd.read_csv(a.asks, dtype=text))
    got.to_csv(a.out, index=False)
    print(f"wrote {a.out} ({len(got):,} answers)")


if __name__ == "__main__":
    main()
