"""The command line both outside35 methods share: the two files `trajlm data queries` wrote in,
an answer file (query_id, k, lat, lon) for `trajlm eval --predictions` out. No trajlm import:
the methods read only the exported files, as an outside researcher's code would."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pandas as pd

TEXT = {"query_id": str, "traj_id": str}  # ids stay text (a Porto id is a 19-digit number)


def run(doc: str, options: Callable[[argparse.ArgumentParser], None],
        answer: Callable[[pd.DataFrame, pd.DataFrame, argparse.Namespace], pd.DataFrame]) -> None:  # fmt: skip
    """Parse `QUERIES ASKS --out FILE` and the method's own ``options``, answer, write."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("queries", help="the inputs file of `trajlm data queries`")
    parser.add_argument("asks", help="its NAME.asks.csv")
    parser.add_argument("--out", required=True, help="the answer file to write (.csv)")
    options(parser)
    args = parser.parse_args()
    inputs, asks = pd.read_csv(args.queries, dtype=TEXT), pd.read_csv(args.asks, dtype=TEXT)
    got = answer(inputs, asks, args)
    got.to_csv(args.out, index=False)
    print(f"wrote {args.out} ({len(got):,} answers)")
