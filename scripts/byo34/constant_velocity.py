"""An answer file from `trajlm data queries`' files, in plain pandas: constant velocity (each
window's last move repeated per step, or per second of the asked times with --use-time). The
proof that `trajlm eval --predictions` scores the windows eval scores: its row must equal eval's
own "constant velocity" ("[time]") row (scripts/byo34/own_cv.sh; docs/protocol.md, session 34).

    python scripts/byo34/constant_velocity.py q.csv q.asks.csv --out answers.csv [--use-time]
"""

from __future__ import annotations

import argparse

import pandas as pd


def answers(inputs: pd.DataFrame, asks: pd.DataFrame, use_time: bool) -> pd.DataFrame:
    last2 = inputs.sort_values(["query_id", "step"]).groupby("query_id").tail(2)
    first, last = last2.groupby("query_id").first(), last2.groupby("query_id").last()
    a = asks.join(last[["lat", "lon", "t"]].add_suffix("0"), on="query_id")
    a = a.join(
        (last[["lat", "lon", "t"]] - first[["lat", "lon", "t"]]).add_prefix("d"), on="query_id"
    )
    ahead = (a.t - a.t0) / a.dt if use_time else a.k
    return pd.DataFrame({"query_id": a.query_id, "k": a.k, "lat": a.lat0 + ahead * a.dlat,
                         "lon": a.lon0 + ahead * a.dlon})  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("queries")
    p.add_argument("asks")
    p.add_argument("--out", required=True)
    p.add_argument("--use-time", action="store_true")
    a = p.parse_args()
    text = {"query_id": str, "traj_id": str}
    got = answers(pd.read_csv(a.queries, dtype=text), pd.read_csv(a.asks, dtype=text), a.use_time)
    got.to_csv(a.out, index=False)
    print(f"wrote {a.out} ({len(got):,} answers)")


if __name__ == "__main__":
    main()
