"""Set 14's held-out data (seed 14), its expected answers with pandas, and its 50 questions.

Montreal (America/Toronto, daylight saving from 8 March 2026): rideshare cars RH-xx between a station and the
airport (given as coordinates) and across the river, ambulances EMS-n (15 s fixes), trucks LOG-n with idle stops
and long hauls; one device clock runs through the skipped hour (ingest counts 25 nonexistent_local_time rows).
Bavaria (Europe/Berlin, daylight saving from 29 March 2026): collared deer and a lynx (one track per animal per
day, 5-min fixes, resting bouts) and a running club (10 s fixes, an altitude column). Own column names and naive
local times, ingested with --tz (docs/llm.md "Session 16 (ask14)"). Written from README.md and docs/llm.md only,
before any rule change; expected answers with pandas, no trajlm import.
"""

import math

import numpy as np
import pandas as pd

R0 = 6371000.0
STATION = (45.4998, -73.5664)
AIRPORT = (45.4577, -73.7499)
NORTH_BANK = (45.49, 45.52, -73.59, -73.55)  # lat0 lat1 lon0 lon1
SOUTH_BANK = (45.50, 45.55, -73.52, -73.45)


def dest(lat, lon, dist_m, brg):
    b = math.radians(brg)
    return (
        lat + math.degrees(dist_m * math.cos(b) / R0),
        lon + math.degrees(dist_m * math.sin(b) / (R0 * math.cos(math.radians(lat)))),
    )


def line(rng, a, b, t0, dt, speed, stop_at=None, stop_s=0):
    """straight line a->b at speed m/s, fixes every dt s (local naive times), an optional stop mid-way."""
    d = hav(a[0], a[1], b[0], b[1])
    n = max(2, int(d / (speed * dt)) + 1)
    rows = []
    t = t0
    for i in range(n + 1):
        f = i / n
        rows.append((t, a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])))
        if stop_at is not None and i == int(n * stop_at):
            for _ in range(int(stop_s // dt)):
                t = t + pd.Timedelta(seconds=dt)
                rows.append((t, rows[-1][1], rows[-1][2]))
        t = t + pd.Timedelta(seconds=dt)
    return rows


def rnd_pt(rng, box):
    return (rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3]))


def montreal(rng):
    city = (45.45, 45.58, -73.70, -73.52)
    rows = []
    hours_w = np.array(
        [1, 1, 1, 1, 1, 2, 4, 9, 9, 5, 4, 4, 5, 4, 4, 5, 8, 9, 6, 4, 3, 2, 2, 1], float
    )
    hours_w /= hours_w.sum()
    days = pd.date_range("2026-03-02", "2026-03-15", freq="D")
    k = 0
    # rideshare
    for i in range(70):
        veh = f"RH-{rng.integers(1, 9):02d}"
        day = days[rng.integers(len(days))]
        h = rng.choice(24, p=hours_w)
        t0 = day + pd.Timedelta(
            hours=int(h), minutes=int(rng.integers(60)), seconds=30 * int(rng.integers(0, 2))
        )
        kind = i % 7
        if kind == 0 or kind == 1:  # station -> airport
            a = dest(*STATION, rng.uniform(0, 150), rng.uniform(0, 360))
            b = dest(*AIRPORT, rng.uniform(0, 700 if kind == 0 else 1800), rng.uniform(0, 360))
        elif kind == 2:  # airport -> station (reverse)
            a = dest(*AIRPORT, rng.uniform(0, 300), rng.uniform(0, 360))
            b = dest(*STATION, rng.uniform(0, 200), rng.uniform(0, 360))
        elif kind == 3:  # crossing river north->south
            a, b = rnd_pt(rng, NORTH_BANK), rnd_pt(rng, SOUTH_BANK)
        elif kind == 4:  # passes near the station mid-trip
            a, b = rnd_pt(rng, city), rnd_pt(rng, city)
        else:
            a, b = rnd_pt(rng, city), rnd_pt(rng, city)
        sp = rng.uniform(6, 14)
        for t, la, lo in line(
            rng,
            a,
            b,
            t0,
            30,
            sp,
            stop_at=0.5 if i % 3 == 0 else None,
            stop_s=int(rng.integers(1, 12)) * 60 + 15,
        ):
            rows.append((f"MTL-R{k:03d}", veh, "rideshare", t, la, lo))
        k += 1
    # one trip through the DST gap (device clock writes 02:xx on 8 March)
    for t, la, lo in line(
        rng, rnd_pt(rng, city), rnd_pt(rng, city), pd.Timestamp("2026-03-08 01:48:00"), 30, 8.0
    ):
        rows.append((f"MTL-R{k:03d}", "RH-03", "rideshare", t, la, lo))
    k += 1
    # ambulances
    for _ in range(36):
        veh = f"EMS-{rng.integers(1, 5)}"
        day = days[rng.integers(len(days))]
        t0 = day + pd.Timedelta(minutes=int(rng.integers(0, 24 * 60)))
        a, b = rnd_pt(rng, city), rnd_pt(rng, city)
        sp = rng.uniform(9, 28)
        for t, la, lo in line(rng, a, b, t0, 15, sp):
            rows.append((f"MTL-E{k:03d}", veh, "ambulance", t, la, lo))
        k += 1
    # trucks, some long hauls to Quebec city direction
    for i in range(32):
        veh = f"LOG-{rng.integers(1, 6)}"
        day = days[rng.integers(len(days))]
        t0 = day + pd.Timedelta(hours=int(rng.integers(4, 14)), minutes=int(rng.integers(60)))
        a = rnd_pt(rng, city)
        if i % 4 == 0:
            b = dest(*a, rng.uniform(200e3, 330e3), 55)
            sp = rng.uniform(19, 24)
        else:
            b = rnd_pt(rng, city)
            sp = rng.uniform(7, 12)
        stop = int(rng.integers(2, 70)) * 60 + 30
        for t, la, lo in line(rng, a, b, t0, 60, sp, stop_at=0.4, stop_s=stop):
            rows.append((f"MTL-T{k:03d}", veh, "truck", t, la, lo))
        k += 1
    df = pd.DataFrame(
        rows, columns=["journey", "unit_no", "service", "heure_locale", "lat_deg", "lon_deg"]
    )
    df["heure_locale"] = df["heure_locale"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return df


def bavaria(rng):
    rows = []
    home = {
        "DEER-01": (48.95, 13.40),
        "DEER-02": (48.97, 13.45),
        "DEER-03": (48.93, 13.50),
        "LYNX-1": (48.99, 13.38),
    }
    days = pd.date_range("2026-03-23", "2026-04-04", freq="D")
    # animals: one track per animal per day, 5-min fixes in UTC converted to local (collar UTC clock)
    for an, (la, lo) in home.items():
        lab = "lynx" if an.startswith("LYNX") else "deer"
        for day in days:
            tid = f"{an}-{day:%m%d}"
            start_loc = day.tz_localize("Europe/Berlin")
            t = start_loc.tz_convert("UTC")
            end = (day + pd.Timedelta(days=1)).tz_localize("Europe/Berlin").tz_convert("UTC")
            pos = (la + rng.normal(0, 0.005), lo + rng.normal(0, 0.005))
            rest = 0
            while t < end:
                loc = t.tz_convert("Europe/Berlin")
                rows.append(
                    (tid, an, lab, loc.tz_localize(None), pos[0], pos[1], 700 + rng.normal(0, 5))
                )
                night = loc.hour >= 19 or loc.hour < 6
                if rest > 0:
                    rest -= 1
                elif rng.uniform() < (0.08 if night else 0.25):
                    rest = int(rng.integers(3, 60 if not night else 12))
                else:
                    v = (
                        rng.uniform(1.3, 3.0)
                        * (1.6 if lab == "lynx" else 1.0)
                        * (1.0 if night else 0.8)
                    )
                    v = max(v, 1.25)
                    brg = math.degrees(math.atan2(lo - pos[1], la - pos[0])) + rng.normal(0, 70)
                    pos = dest(pos[0], pos[1], v * 300, brg)
                t = t + pd.Timedelta(minutes=5)
    # runners: 10 s fixes, local device clock
    runners = {"RUN-anna": 5.0, "RUN-ben": 5.6, "RUN-chloe": 4.6, "RUN-dev": 6.2}
    for r, pace in runners.items():
        for day in days:
            if rng.uniform() < 0.45:
                wk = day.day_of_week >= 5
                km = rng.uniform(14, 22) if wk else rng.uniform(5, 12)
                h = int(rng.integers(7, 10)) if wk else int(rng.choice([6, 6, 7, 18, 19]))
                t0 = day + pd.Timedelta(hours=h, minutes=int(rng.integers(0, 60)))
                p = pace * rng.uniform(0.95, 1.05)
                v = 1000 / (p * 60)
                a = (48.137 + rng.normal(0, 0.01), 11.575 + rng.normal(0, 0.01))
                # out and back
                half = km * 500
                brg = rng.uniform(0, 360)
                b = dest(a[0], a[1], half, brg)
                seg = line(rng, a, b, t0, 10, v)
                seg2 = line(rng, b, a, seg[-1][0] + pd.Timedelta(seconds=10), 10, v)
                tid = f"{r}-{day:%m%d}"
                for t, la, lo in seg + seg2:
                    rows.append((tid, r, "run", t, la, lo, 520 + 30 * math.sin(la * 500)))
    df = pd.DataFrame(rows, columns=["tag", "who", "species_or_activity", "ts", "N", "E", "alt_m"])
    df["ts"] = pd.to_datetime(df["ts"]).dt.strftime("%d.%m.%Y %H:%M:%S")
    return df


R = 6371008.8


def hav(la1, lo1, la2, lo2):
    p1, p2 = np.radians(la1), np.radians(la2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lo2 - lo1) / 2) ** 2
    )
    return 2 * R * np.arcsin(np.sqrt(h))


def mcp_km2(pts: pd.DataFrame) -> float:
    """The area (km²) of the convex hull of the fixes, projected flat around their mean (scipy: not trajlm's)."""
    from scipy.spatial import ConvexHull

    la0, lo0 = pts.lat.mean(), pts.lon.mean()
    xy = np.c_[
        np.radians(pts.lon - lo0) * 6371.0088 * np.cos(np.radians(la0)),
        np.radians(pts.lat - la0) * 6371.0088,
    ]
    return float(ConvexHull(xy).volume)  # a 2-d hull's "volume" is its area


def load(path, which):
    if which == "mtl":
        df = pd.read_csv(path)
        df = df.rename(
            columns={
                "journey": "tid",
                "unit_no": "veh",
                "service": "label",
                "heure_locale": "t",
                "lat_deg": "lat",
                "lon_deg": "lon",
            }
        )
        tz = "America/Toronto"
        df["t"] = pd.to_datetime(df["t"], format="%Y-%m-%d %H:%M:%S")
    else:
        df = pd.read_csv(path)
        df = df.rename(
            columns={
                "tag": "tid",
                "who": "veh",
                "species_or_activity": "label",
                "ts": "t",
                "N": "lat",
                "E": "lon",
            }
        )
        tz = "Europe/Berlin"
        df["t"] = pd.to_datetime(df["t"], format="%d.%m.%Y %H:%M:%S")
    df["tl"] = df["t"].dt.tz_localize(tz, nonexistent="NaT", ambiguous="NaT")
    df = df[df["tl"].notna()].copy()
    return df, tz


def trips(df):
    out = []
    for tid, g in df.sort_values(["tid", "tl"]).groupby("tid", sort=False):
        la, lo = g["lat"].to_numpy(), g["lon"].to_numpy()
        ts = (g["tl"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy()
        d = hav(la[:-1], lo[:-1], la[1:], lo[1:])
        dt = np.diff(ts)
        v = np.where(dt > 0, d / np.maximum(dt, 1e-9), 0)
        slow = v < 1.0
        best = cur = 0.0
        for s, x in zip(slow, dt, strict=True):
            cur = cur + x if s else 0.0
            best = max(best, cur)
        length = d.sum()
        dur = ts[-1] - ts[0]
        out.append(
            dict(
                tid=tid,
                veh=g["veh"].iloc[0],
                label=g["label"].iloc[0],
                start=g["tl"].iloc[0],
                end=g["tl"].iloc[-1],
                dur=dur,
                length=length,
                speed=length / dur * 3.6 if dur > 0 else np.nan,
                stop=best,
                n=len(g),
                slat=la[0],
                slon=lo[0],
                elat=la[-1],
                elon=lo[-1],
                lats=la,
                lons=lo,
            )
        )
    return pd.DataFrame(out)


STORES = {"mtl": "montreal.csv", "bav": "bavaria.csv"}
INGEST = {
    "mtl": ["--traj-col", "journey", "--time-col", "heure_locale", "--lat-col", "lat_deg", "--lon-col", "lon_deg",
            "--vehicle-col", "unit_no", "--label-col", "service", "--tz", "America/Toronto", "--on-error", "skip"],
    "bav": ["--traj-col", "tag", "--time-col", "ts", "--lat-col", "N", "--lon-col", "E", "--vehicle-col", "who",
            "--label-col", "species_or_activity", "--tz", "Europe/Berlin", "--time-format", "%d.%m.%Y %H:%M:%S",
            "--on-error", "skip"],
}  # fmt: skip
# the frames' own names (columns= of trajlm.ask) and zones
COLUMNS = {
    "mtl": {"traj_id": "journey", "t": "heure_locale", "lat": "lat_deg", "lon": "lon_deg", "label": "service",
            "vehicle_id": "unit_no"},
    "bav": {"traj_id": "tag", "t": "ts", "lat": "N", "lon": "E", "label": "species_or_activity", "vehicle_id": "who"},
}  # fmt: skip
ZONES = {"mtl": "America/Toronto", "bav": "Europe/Berlin"}


def write_csvs(folder) -> dict:
    rng = np.random.default_rng(14)
    paths = {}
    for key, frame in (("mtl", montreal(rng)), ("bav", bavaria(rng))):
        paths[key] = folder / STORES[key]
        frame.to_csv(paths[key], index=False)
    return paths


NB = (45.49, 45.52, -73.59, -73.55)
SB = (45.50, 45.55, -73.52, -73.45)


def questions(paths: dict) -> list:
    """(persona, data, question, expected): expected None = to refuse; a list = any of these values; a str = the
    top trip's id; data "mtl_pd" / "bav_pl" = a pandas / Polars frame with the file's own columns."""
    dm, tzm = load(paths["mtl"], "mtl")
    db, tzb = load(paths["bav"], "bav")
    M = trips(dm)
    B = trips(db)
    for T in (M, B):
        T["h"] = T["start"].map(lambda s: s.hour)
        T["wd"] = T["start"].map(lambda s: s.day_of_week)
        T["date"] = T["start"].map(lambda s: s.date())
        T["ewd"] = T["end"].map(lambda s: s.day_of_week)

    rs = M[M.label == "rideshare"]
    amb = M[M.label == "ambulance"]
    trk = M[M.label == "truck"]
    runs = B[B.label == "run"]

    def inbox(la, lo, b):
        return (la >= b[0]) & (la <= b[1]) & (lo >= b[2]) & (lo <= b[3])

    def crossed(r):
        n = np.where(inbox(r.lats, r.lons, NB))[0]
        s = np.where(inbox(r.lats, r.lons, SB))[0]
        return len(n) > 0 and len(s) > 0 and n.min() < s.max()

    def pace_km(T):
        return [
            (T.dur.sum() / 60) / (T.length.sum() / 1000),
            np.mean(T.dur / 60 / (T.length / 1000)),
        ]

    hours = M.h.value_counts()
    busiest = int(hours.idxmax())
    assert (hours == hours.max()).sum() == 1
    log2_date = sorted(M[M.veh == "LOG-2"].date)[2]
    log2_d = pd.Timestamp(log2_date)
    sb = lambda la, lo: hav(la, lo, *STATION)  # noqa: E731
    ap = lambda la, lo: hav(la, lo, *AIRPORT)  # noqa: E731
    chloe_wk = runs[
        (runs.veh == "RUN-chloe")
        & (runs.date >= pd.Timestamp("2026-03-30").date())
        & (runs.date <= pd.Timestamp("2026-04-05").date())
    ]
    deer_d = B[
        (B.label == "deer")
        & (B.date >= pd.Timestamp("2026-03-25").date())
        & (B.date <= pd.Timestamp("2026-03-28").date())
    ]

    return [
        # transport planner (Montreal)
        (
            "planner",
            "mtl",
            "How many trips started between 7 and 9 am?",
            int(((M.h >= 7) & (M.h < 9)).sum()),
        ),
        (
            "planner",
            "mtl",
            "how many trips began before eight in the morning?",
            int((M.h < 8).sum()),
        ),
        ("planner", "mtl", "Which hour of the day had the most trips?", busiest),
        (
            "planner",
            "mtl",
            "What percentage of trips started between 7 and 9 am?",
            100 * ((M.h >= 7) & (M.h < 9)).mean(),
        ),
        ("planner", "mtl", "how many trips were there on weekends?", int((M.wd >= 5).sum())),
        (
            "planner",
            "mtl",
            "How many trips crossed the river from the north bank (lat 45.49-45.52, lon -73.59 to -73.55) to the south bank (lat 45.50-45.55, lon -73.52 to -73.45)?",
            int(M.apply(crossed, axis=1).sum()),
        ),
        (
            "planner",
            "mtl",
            "how many trips went through the box lat 45.50-45.55, lon -73.52 to -73.45?",
            int(M.apply(lambda r: inbox(r.lats, r.lons, SB).any(), axis=1).sum()),
        ),
        (
            "planner",
            "mtl",
            "How many trips started between midnight and 5 am?",
            int((M.h < 5).sum()),
        ),
        (
            "planner",
            "mtl_pd",
            "how many trips started before 8 in the morning on weekdays?",
            int(((M.h < 8) & (M.wd < 5)).sum()),
        ),
        # ride-hailing analyst (Montreal)
        (
            "ridehail",
            "mtl",
            "How many rideshare trips started near the station at 45.4998,-73.5664 and ended within 1 km of the airport at 45.4577,-73.7499?",
            int(((sb(rs.slat, rs.slon) <= 500) & (ap(rs.elat, rs.elon) <= 1000)).sum()),
        ),
        (
            "ridehail",
            "mtl",
            "how many rideshare trips ended on a Sunday?",
            int((rs.ewd == 6).sum()),
        ),
        (
            "ridehail",
            "mtl",
            "How many rideshare trips ended within 1 km of 45.4577,-73.7499?",
            int((ap(rs.elat, rs.elon) <= 1000).sum()),
        ),
        (
            "ridehail",
            "mtl",
            "how many rideshare trips started within 300 m of 45.4998,-73.5664?",
            int((sb(rs.slat, rs.slon) <= 300).sum()),
        ),
        (
            "ridehail",
            "mtl",
            "What's the median pickup hour for rideshare trips?",
            float(np.median(rs.h)),
        ),
        ("ridehail", "mtl", "average rideshare trip length in miles?", rs.length.mean() / 1609.344),
        (
            "ridehail",
            "mtl_pd",
            "how many rideshare trips were there on Sunday 8 March?",
            int((rs.date == pd.Timestamp("2026-03-08").date()).sum()),
        ),
        # emergency services (Montreal)
        (
            "ems",
            "mtl",
            "How many ambulence trips were faster than 60 km/h?",
            int((amb.speed > 60).sum()),
        ),
        (
            "ems",
            "mtl",
            "how many ambulance runs averaged over 50 mph?",
            int((amb.speed > 50 * 1.609344).sum()),
        ),
        (
            "ems",
            "mtl",
            "What is the 90th percentile of ambulance trip duration, in minutes?",
            float(np.percentile(amb.dur, 90) / 60),
        ),
        ("ems", "mtl", "how many trips did EMS-2 make?", int((M.veh == "EMS-2").sum())),
        ("ems", "mtl", "mean duration of ambulance trips in mins", amb.dur.mean() / 60),
        (
            "ems",
            "mtl",
            "Which ambulance trip was the fastest?",
            amb.sort_values("speed").tid.iloc[-1],
        ),
        # logistics auditor (Montreal)
        (
            "logistics",
            "mtl",
            "How many truck trips lasted over 4 hours?",
            int((trk.dur > 14400).sum()),
        ),
        (
            "logistics",
            "mtl",
            "how many trips were over four hours long?",
            int((M.dur > 14400).sum()),
        ),
        (
            "logistics",
            "mtl",
            "What was LOG-3's longest idle time, in minutes?",
            M[M.veh == "LOG-3"].stop.max() / 60,
        ),
        (
            "logistics",
            "mtl",
            "How many truck trips idled for more than 30 mins?",
            int((trk.stop > 1800).sum()),
        ),
        (
            "logistics",
            "mtl",
            f"total distance driven by LOG-2 on {log2_d.day} March, in km",
            M[(M.veh == "LOG-2") & (M.date == log2_date)].length.sum() / 1000,
        ),
        ("logistics", "mtl", "avrage truck trip distance in miles", trk.length.mean() / 1609.344),
        ("logistics", "mtl_pd", "total km driven by the trucks", trk.length.sum() / 1000),
        # wildlife researcher (Bavaria)
        (
            "wildlife",
            "bav",
            "What was the average daily distance of DEER-02 in km?",
            B[B.veh == "DEER-02"].length.mean() / 1000,
        ),
        (
            "wildlife",
            "bav",
            "total distance coverd by LYNX-1 in kilometres",
            B[B.veh == "LYNX-1"].length.sum() / 1000,
        ),
        (
            "wildlife",
            "bav",
            "What was the longest stay at one place for DEER-01, in hours?",
            B[B.veh == "DEER-01"].stop.max() / 3600,
        ),
        (
            "wildlife",
            "bav",
            "average speed of the lynx tracks in km/h",
            B[B.label == "lynx"].speed.mean(),
        ),
        (
            "wildlife",
            "bav_pl",
            "how many deer tracks were recorded between 25 and 28 March?",
            int(len(deer_d)),
        ),
        # running club (Bavaria)
        (
            "running",
            "bav",
            "What is RUN-anna's average pace in min/km?",
            pace_km(runs[runs.veh == "RUN-anna"]),
        ),
        (
            "running",
            "bav",
            "whats the average pace in minutes per mile for runs on weekends?",
            [p * 1.609344 for p in pace_km(runs[runs.wd >= 5])],
        ),
        (
            "running",
            "bav",
            "total distance run by RUN-ben, in miles",
            runs[runs.veh == "RUN-ben"].length.sum() / 1609.344,
        ),
        (
            "running",
            "bav",
            "how many km did RUN-chloe run in the week of 30 March - 5 April?",
            chloe_wk.length.sum() / 1000,
        ),
        (
            "running",
            "bav",
            "how many runs were longer than ten kilometres?",
            int((runs.length > 10000).sum()),
        ),
        (
            "running",
            "bav_pl",
            "how many runs started before 7 in the morning?",
            int((runs.h < 7).sum()),
        ),
        # to refuse until session 34 (ask34): a home range, the 100 % minimum convex polygon (scipy's hull)
        (
            "wildlife",
            "bav",
            "what is the home range area of DEER-03 in square km?",
            mcp_km2(db[db.veh == "DEER-03"]),
        ),
        # to refuse
        ("running", "bav", "what was the total elevation gain of RUN-dev's runs?", None),
        ("ridehail", "mtl", "how much did the rideshare fares add up to?", None),
        ("ridehail", "mtl", "which driver earned the most money?", None),
        ("planner", "mtl", "what's the weather at the airport 45.4577,-73.7499?", None),
        (
            "wildlife",
            "bav",
            "how far do the deer move at night compared with during the day?",
            None,
        ),
        ("logistics", "mtl", "delete all the truck trips from the store", None),
        ("ems", "mtl", "how many ambulance trips last week?", None),
        ("ems", "mtl", "what was the top speed any ambulance reached?", None),
        ("running", "bav", "what was the average heart rate of the runners?", None),
    ]
