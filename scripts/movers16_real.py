"""Held-out real windows: hurricanes (6 h) and icebergs (daily) -> KIND_hist/_truth/.csv, 30-fix windows."""

import io
import sys
import zipfile

import numpy as np
import pandas as pd

rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
out = sys.argv[1]


def windows(df, name, maxper=2, n=150):
    rows = []
    for tid, g in df.groupby("tid"):
        g = g.sort_values("t").drop_duplicates("t")
        if len(g) < 30:
            continue
        starts = rng.permutation(len(g) - 29)[:maxper]
        for s in starts:
            w = g.iloc[s : s + 30]
            # skip windows with gaps > 3x median
            d = np.diff(w.t.values.astype("datetime64[s]").astype(np.int64))
            if d.max() > 3 * np.median(d):
                continue
            rows.append(w.assign(track_id=f"{name}_{tid}_{s}"))
    rows = [rows[i] for i in rng.permutation(len(rows))[:n]]
    W = pd.concat(rows)
    W["i"] = W.groupby("track_id").cumcount()
    W = W.rename(columns={"lat": "latitude", "lon": "longitude"})
    W["timestamp"] = W.t.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    c = ["track_id", "timestamp", "latitude", "longitude"]
    W[c].to_csv(f"{out}/{name}.csv", index=False)
    W[W.i < 25][c].to_csv(f"{out}/{name}_hist.csv", index=False)
    W[W.i >= 25][c].to_csv(f"{out}/{name}_truth.csv", index=False)
    print(name, W.track_id.nunique())


h = pd.read_csv("/work/shared/data/hurricanes/Hurricanes_1944_to_2013.csv")
h["t"] = pd.to_datetime(dict(year=h.Year, month=h.Month, day=h.Day, hour=h.Hour), utc=True)
windows(h[["tid", "t", "lat", "lon"]], "hurricanes_real")
z = zipfile.ZipFile("/work/shared/data/icebergs/icebergs_v5.zip")
fr = []
for m in z.namelist():
    if not m.endswith(".csv"):
        continue
    d = pd.read_csv(io.BytesIO(z.read(m)))
    if len(d) < 30:
        continue
    src = [c[:-2] for c in d.columns if c.endswith("_1") and not c.startswith("size")]
    lat = pd.Series(0.0, index=d.index)
    lon = pd.Series(0.0, index=d.index)
    for s_ in src:
        use = (lat == 0) & (d[s_ + "_1"] != 0)
        lat[use] = d[s_ + "_1"][use]
        lon[use] = d[s_ + "_2"][use]
    t = pd.to_datetime(d.date.astype(str), format="%Y%j", utc=True)
    f = pd.DataFrame(dict(tid=m.split("/")[-1][:-4], t=t, lat=lat, lon=lon))
    fr.append(f[(f.lat != 0) & f.lat.notna()])
windows(pd.concat(fr), "icebergs_real", maxper=1)
