import sys

import polars as pl

from trajlm.data.store import read_store
from trajlm.eval.report_times import interval_spread

for p in sys.argv[1:]:
    df = read_store(p)
    out = {
        s: round(interval_spread(df.filter(pl.col("split") == s)), 2)
        for s in ("train", "val", "test")
    }
    print(p, out)
