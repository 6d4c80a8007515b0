"""Seeded AIS seas for the ships table (sessions 15-16; docs/results.md "Session 16 (sogcog)").

python scripts/ships_gen.py maritime [--seed 15] [--out /tmp/ships]  # Gibraltar + Oresund (test)
python scripts/ships_gen.py val [--seed 161] [--out /tmp/ships]       # Skagerrak / Biscay (val)

Per sea writes to --out:
  <sea>_ais.csv      reports: MMSI, BaseDateTime (ISO, UTC), LAT, LON, SOG (kn), COG (deg)
  <sea>_queries.csv  query, MMSI, BaseDateTime, LAT, LON, SOG, COG: the last 10 min of reports
                     before a cut (vessel under way throughout, >= 10 reports, no gap > 120 s)
  <sea>_truth.csv    query, mmsi, sec, lat, lon: the noise-free position sec = 60, 120, 300, 600
                     s after the query's last report
Truth is a 1 s track per vessel; reports follow AIS class A intervals (10 s under 14 kn, 6 s
under 23, 2 s above, 180 s at anchor / moored; val's class-B craft 30 s) with ~5 m GPS noise,
SOG +-0.1 kn, COG +-1 deg.

maritime (seed 15 = session 15's /tmp/maritime data, one random stream for both seas):
gibraltar: fast ferries Algeciras-Ceuta and Tarifa-Tanger, 16 transits in the TSS lanes (one out
of range 2.5 h, one dark 50 min), anchored / moored ships, tugs, a loiterer, a vessel over 0 deg
and one over the antimeridian; reception loss 8 %; LAT/LON to 5 decimals (MarineCadastre), cut
every 30 min. oresund: three Helsingor-Helsingborg ferries and a freighter; 6 decimals (DMA),
cut every 15 min. Session 15's junk rows (placeholder MMSIs, 91/181 and 102.3 codes, duplicate
receptions) and the authority's local-time export are left out: they fed the reader tests, not
the queries (the queries dropped them). val (session 16, other seas and mix, for choosing the
rule): ferries, cargo, tankers, ro-ro with rate-limited turns and speed changes, fishing vessels
wandering, class-B pleasure craft; no reception loss; cut every 15 min.
"""

from __future__ import annotations

import argparse
import math
import os

import numpy as np
import pandas as pd

KN, R = 0.514444, 6371008.8  # m/s per knot, earth radius (m)
HORIZONS = (60, 120, 300, 600)


def _step(lat: float, lon: float, brg: float, d: float) -> tuple[float, float]:
    b = math.radians(brg)
    return lat + math.degrees(d * math.cos(b) / R), lon + math.degrees(
        d * math.sin(b) / (R * math.cos(math.radians(lat)))
    )


def _bearing(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    dlon = (lon2 - lon1 + math.pi) % (2 * math.pi) - math.pi
    y = math.sin(dlon) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return (math.degrees(math.atan2(y, x)) + 360) % 360


def _dist(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * R * math.asin(math.sqrt(h))


class Track:
    """1 s truth of one vessel: rows (t, lat, lon unwrapped, sog_kn, cog, status 0/1/5)."""

    def __init__(self, rng: np.random.Generator, t: int, lat: float, lon: float):
        self.rng, self.t, self.lat, self.lon, self.rows = rng, t, lat, lon, []

    def sail(self, waypoints, kn: float) -> Track:
        lat, lon = self.lat, self.lon
        for wp in waypoints:
            brg, d, done = _bearing((lat, lon), wp), _dist((lat, lon), wp), 0.0
            while done < d:
                step = min(kn * KN, d - done)
                lat, lon = _step(lat, lon, brg, step)
                done += step
                self.t += 1
                self.rows.append((self.t, lat, lon, kn, brg, 0))
                brg = _bearing((lat, lon), wp) if d - done > 1 else brg
        self.lat, self.lon = lat, lon
        return self

    def stay(self, seconds: int, status: int = 1, radius_m: float = 30.0) -> Track:
        """At anchor (1) / moored (5): SOG ~0, swinging around the anchor once an hour."""
        phase = self.rng.uniform(0, 2 * math.pi)
        for k in range(int(seconds)):
            ang = phase + 2 * math.pi * k / 3600.0
            lat, lon = _step(self.lat, self.lon, math.degrees(ang), radius_m)
            self.t += 1
            self.rows.append(
                (self.t, lat, lon, abs(self.rng.normal(0, 0.1)), math.degrees(ang) % 360, status)
            )
        return self

    def frame(self, mmsi: int, t_end: int, wrap: bool) -> pd.DataFrame:
        a = np.array(self.rows, dtype=float)
        lon = (a[:, 2] + 180) % 360 - 180 if wrap else a[:, 2]
        f = pd.DataFrame({"mmsi": mmsi, "t": a[:, 0].astype(np.int64), "lat": a[:, 1], "lon": lon,
                          "sog_kn": a[:, 3], "cog": a[:, 4], "status": a[:, 5].astype(int)})  # fmt: skip
        return f[f.t < t_end]


def _report(
    rng: np.random.Generator, truth: pd.DataFrame, decimals: int, loss=0.08, dark=()
) -> pd.DataFrame:
    """Class A reports of one vessel's truth (reception ``loss``, ``dark`` (t0, t1) outages)."""
    keep, last = [], -(10**9)
    for i, (t, sog, st) in enumerate(
        zip(truth.t.values, truth.sog_kn.values, truth.status.values, strict=True)
    ):
        iv = 180 if st in (1, 5) or sog < 0.5 else (10 if sog < 14 else (6 if sog < 23 else 2))
        iv = iv + (rng.integers(-1, 2) if iv <= 10 else 0)
        if t - last >= iv:
            last = t
            if any(a <= t < b for a, b in dark) or rng.random() < loss:
                continue
            keep.append(i)
    r = truth.iloc[keep].copy()
    n = len(r)
    r["lat"] = r["lat"] + rng.normal(0, 5, n) / 111_000
    r["lon"] = r["lon"] + rng.normal(0, 5, n) / (111_000 * np.cos(np.radians(r["lat"])))
    sog = np.round(np.clip(r["sog_kn"] + rng.normal(0, 0.1, n), 0, None), 1)
    cog = np.round((r["cog"] + rng.normal(0, 1.0, n)) % 360, 1)
    return pd.DataFrame({"MMSI": r["mmsi"].astype(np.int64), "LAT": r["lat"].round(decimals),
                         "LON": r["lon"].round(decimals), "SOG": sog, "COG": cog, "t": r["t"]})  # fmt: skip


def maritime(seed: int = 15) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, int]]:
    """Gibraltar and Oresund: {sea: (reports, 1 s truth, seconds between cuts)}."""
    rng = np.random.default_rng(seed)
    t0 = int(pd.Timestamp("2026-06-15T00:00:00Z").value // 10**9)
    alg, ceu, tar, tng = (36.128, -5.428), (35.893, -5.313), (36.008, -5.603), (35.790, -5.806)
    ves = []  # (mmsi, track, dark intervals)
    for k, mmsi in enumerate([224101000, 224102000]):  # fast ferries Algeciras <-> Ceuta
        tr = Track(rng, t0 + 5 * 3600 + k * 1800, *(alg if k == 0 else ceu))
        for c in range(20):
            tr.sail(
                [(36.02, -5.36), [ceu, alg][c % 2] if k == 0 else [alg, ceu][c % 2]],
                30.0 if k == 0 else 27.0,
            )
            tr.stay(rng.integers(15, 26) * 60, status=5, radius_m=5)
        ves.append((mmsi, tr, ()))
    tr = Track(rng, t0 + 6 * 3600, *tar)  # Tarifa <-> Tanger, 22 kn
    for c in range(10):
        tr.sail([(35.90, -5.70), tng if c % 2 == 0 else tar], 22.0)
        tr.stay(30 * 60, status=5, radius_m=5)
    ves.append((224103000, tr, ()))
    for k in range(16):  # transits in the TSS lanes
        kn = float(rng.uniform(10, 19))
        east = [(35.93, -6.10), (35.99, -5.75), (35.99, -5.45), (36.05, -5.05)]
        west = [(36.02, -5.05), (35.96, -5.45), (35.96, -5.75), (35.90, -6.10)]
        wps = east if k % 2 == 0 else west
        tr = Track(rng, t0 + int(rng.uniform(0, 18 * 3600)), *wps[0]).sail(wps[1:], kn)
        dark = ()
        if k == 3:  # out of receiver range 2.5 h, still under way
            tr.sail([(36.25, -4.60), (36.40, -3.80)], kn)
            dark = ((tr.rows[0][0] + 2400, tr.rows[0][0] + 11400),)
        if k == 5:  # dark 50 min mid-strait
            dark = ((tr.rows[0][0] + 1500, tr.rows[0][0] + 4500),)
        ves.append((636000100 + k, tr, dark))
    for k in range(4):  # anchored for hours, then leaves
        tr = Track(rng, t0 + int(rng.uniform(0, 3 * 3600)), 36.12 + 0.01 * k, -5.33)
        tr.stay(int(rng.uniform(6, 12) * 3600), status=1, radius_m=60)
        ves.append((215000200 + k, tr.sail([(36.05, -5.20), (36.06, -4.90)], 12.0), ()))
    ves.append(
        (224200300, Track(rng, t0, 36.150, -5.435).stay(24 * 3600 - 1, status=5, radius_m=3), ())
    )
    for k in range(2):  # tugs, 3-6 kn, zig-zag
        tr = Track(rng, t0 + 7 * 3600 + k * 900, 36.13, -5.43)
        for _ in range(8):
            tr.sail(
                [(36.10 + rng.uniform(0, 0.06), -5.44 + rng.uniform(0, 0.05))],
                float(rng.uniform(3, 6)),
            )
            tr.stay(600, status=0, radius_m=5)
        ves.append((224300400 + k, tr, ()))
    tr = Track(rng, t0 + 10 * 3600, 35.90, -6.10).sail([(35.95, -5.80)], 11.0)  # loiterer
    for _ in range(12):
        tr.sail([_step(35.95, -5.80, a, 1500) for a in range(0, 360, 30)], 4.0)
    ves.append((538000500, tr.sail([(35.99, -5.45), (36.05, -5.05)], 11.0), ()))
    ves.append(
        (
            247000600,
            Track(rng, t0 + 9 * 3600, 37.60, -0.60).sail([(37.65, 0.00), (37.75, 0.60)], 15.0),
            (),
        )
    )
    ves.append(
        (
            367000700,
            Track(rng, t0 + 3 * 3600, 51.80, 179.40).sail([(51.85, 180.0), (51.90, 180.70)], 13.0),
            (),
        )
    )
    out = {"gibraltar": _draw(rng, ves, 5, t0, 1800, wrap=True)}  # before Oresund's tracks
    hel, hbg = (56.0375, 12.6140), (56.0440, 12.6930)
    ves = []
    for k, mmsi in enumerate([219000801, 219000802, 265000803]):  # Helsingor <-> Helsingborg
        tr = Track(rng, t0 + 4 * 3600 + k * 1200, *(hel if k % 2 == 0 else hbg))
        for c in range(24):
            tr.sail([(56.041, 12.655), hbg if (c + k) % 2 == 0 else hel], 12.0)
            tr.stay(8 * 60, status=5, radius_m=5)
        ves.append((mmsi, tr, ()))
    tr = Track(rng, t0 + 2 * 3600, 55.72, 12.68).stay(5 * 3600, status=1, radius_m=50)
    ves.append((219000900, tr.sail([(55.95, 12.70), (56.10, 12.60), (56.30, 12.40)], 11.0), ()))
    out["oresund"] = _draw(rng, ves, 6, t0, 900, wrap=False)
    return out


def _draw(rng, ves: list, decimals: int, t0: int, every: int, wrap: bool) -> tuple:
    """(reports, truth, every) of one day of a sea's vessels (mmsi, track, dark intervals)."""
    truth = [tr.frame(mmsi, t0 + 24 * 3600, wrap) for mmsi, tr, _ in ves]
    reps = [
        _report(rng, f, decimals, dark=dark) for f, (_, _, dark) in zip(truth, ves, strict=True)
    ]
    return pd.concat(reps, ignore_index=True), pd.concat(truth, ignore_index=True), every


def val(
    seed: int = 161, n_vessels: int = 30, hours: float = 4.0
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, int]]:
    """Session 16's val sea (``n_vessels`` of the mix, ``hours`` each): {f"val{seed}": ...}."""
    rng = np.random.default_rng(seed)
    t0 = int(pd.Timestamp("2026-03-02T00:00:00Z").value // 10**9)
    mix = (
        ["ferry"] * 3
        + ["cargo"] * 8
        + ["tanker"] * 4
        + ["fishing"] * 6
        + ["pleasure"] * 4
        + ["roro"] * 5
    )
    speed = {
        "ferry": (26, 34),
        "cargo": (10, 18),
        "tanker": (8, 14),
        "fishing": (3, 9),
        "pleasure": (5, 20),
    }
    truth, rep = [], []
    for n, kind in enumerate(mix[:n_vessels]):
        mmsi = 257000000 + 1000 * n + seed
        lat, lon = (57.8, 10.0) if n % 2 else (45.0, -3.0)
        lat += rng.uniform(-0.3, 0.3)
        lon += rng.uniform(-0.5, 0.5)
        t = t0 + int(rng.integers(0, 3600))
        cog = rng.uniform(0, 360)
        v = rng.uniform(*speed.get(kind, (12, 22)))
        v_target, cog_target = v, cog
        turn = {"ferry": 2.0, "fishing": 3.0, "pleasure": 4.0}.get(kind, 0.5)  # deg/s
        p_turn = {"fishing": 1 / 120, "pleasure": 1 / 400}.get(kind, 1 / 1500)
        track = []
        for _ in range(int(hours * 3600)):
            if rng.random() < p_turn:
                cog_target = (
                    cog + rng.normal(0, 60 if kind in ("fishing", "pleasure") else 35)
                ) % 360
            if rng.random() < 1 / 1800:
                v_target = max(2.5, v * rng.uniform(0.6, 1.3))
            cog = (cog + np.clip((cog_target - cog + 180) % 360 - 180, -turn, turn)) % 360
            v += np.clip(v_target - v, -0.02, 0.02)  # kn/s
            if kind == "fishing":
                cog = (cog + rng.normal(0, 0.3)) % 360
            lat, lon = _step(lat, lon, cog, v * KN)
            t += 1
            track.append((t, lat, lon, v, cog))
        nxt = track[0][0]  # reports drawn after the vessel's whole track
        for t, la, lo, v, c in track:
            truth.append((mmsi, t, la, lo, v))
            if t >= nxt:
                j = rng.normal(0, 4.0, 2)
                la, lo = _step(*_step(la, lo, 0, j[0]), 90, j[1])
                sog, c = (
                    round(max(0.0, v + rng.normal(0, 0.1)), 1),
                    round((c + rng.normal(0, 1.0)) % 360, 1),
                )
                rep.append((mmsi, round(la, 6), round(lo, 6), sog, c, t))
                nxt = (
                    t
                    + (30 if kind == "pleasure" else 2 if v > 23 else 6 if v > 14 else 10)
                    + int(rng.integers(0, 2))
                )
    truth = pd.DataFrame(truth, columns=["mmsi", "t", "lat", "lon", "sog_kn"])
    rep = pd.DataFrame(rep, columns=["MMSI", "LAT", "LON", "SOG", "COG", "t"])
    return {f"val{seed}": (rep, truth, 900)}


def queries(
    rep: pd.DataFrame, truth: pd.DataFrame, every: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cuts every ``every`` s from 10 min after each vessel is first under way (> 2 kn); kept
    where it stays under way for the next 10 min and its last 10 min of reports number 10+
    with no gap over 120 s. Returns (query histories, truth at HORIZONS after the last)."""
    rep = rep.sort_values(["MMSI", "t"], kind="stable").drop_duplicates(["MMSI", "t"])
    hist, tru = [], []
    for mmsi, g in truth.groupby("mmsi"):
        tt, uw = g.set_index("t"), g[g.sog_kn > 2]
        r = rep[rep.MMSI == mmsi]
        for c in np.arange(uw.t.min() + 600, uw.t.max() - 600, every) if len(uw) else []:
            win = tt.loc[c : c + 600]
            h = r[(r.t > c - 600) & (r.t <= c)]
            if len(win) < 600 or (win.sog_kn < 2).any() or len(h) < 10 or (h.t.diff() > 120).any():
                continue
            q = f"{mmsi}@{c}"
            hist.append(h.assign(query=q))
            at = tt.loc[[h.t.max() + s for s in HORIZONS]]
            tru.append(
                pd.DataFrame(
                    {
                        "query": q,
                        "mmsi": mmsi,
                        "sec": HORIZONS,
                        "lat": at.lat.values,
                        "lon": at.lon.values,
                    }
                )
            )
    return pd.concat(hist), pd.concat(tru, ignore_index=True)


def write(seas: dict, out: str) -> None:
    os.makedirs(out, exist_ok=True)
    for sea, (rep, truth, every) in seas.items():
        rep = rep.assign(
            BaseDateTime=pd.to_datetime(rep["t"], unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S")
        )
        cols = ["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG"]
        rep.sort_values(["t", "MMSI"], kind="stable")[cols].to_csv(
            f"{out}/{sea}_ais.csv", index=False
        )
        hist, tru = queries(rep, truth, every)
        hist[["query", *cols]].to_csv(f"{out}/{sea}_queries.csv", index=False)
        tru.to_csv(f"{out}/{sea}_truth.csv", index=False)
        print(
            f"{sea}: {len(rep)} reports, {hist['query'].nunique()} queries, {hist.MMSI.nunique()} vessels"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["maritime", "val"])
    ap.add_argument("--seed", type=int, default=None, help="15 (maritime) / 161 (val) by default")
    ap.add_argument("--out", default="/tmp/ships")
    ap.add_argument("--vessels", type=int, default=30, help="val only: the first N of the mix")
    ap.add_argument("--hours", type=float, default=4.0, help="val only: hours per vessel")
    a = ap.parse_args(argv)
    if a.what == "maritime":
        write(maritime(15 if a.seed is None else a.seed), a.out)
    else:
        write(val(161 if a.seed is None else a.seed, a.vessels, a.hours), a.out)


if __name__ == "__main__":
    main()
