"""Set 15's held-out data (seed 15), its expected answers with pandas, and its 50 questions.

Lyon (Europe/Paris, daylight saving from 29 March 2026; ingest drops and counts 246 nonexistent local times):
bike-share bikes VLV-xxx between two docks given as boxes, school buses BUS-n twice a school day with dwell
stops, insured cars INS-xxxx (some at night). The port of Rotterdam (Europe/Amsterdam): tankers and container
ships between an anchorage and the berths (boxes), with anchor spells, tugs and ferries. Own column names and
naive local times, ingested with --tz; the synthetic city (`trajlm data synth --seed 15 -n 400`); the shared Porto
and AIS slices when they are there. Written from README.md and docs/llm.md only, before any rule change;
expected answers with pandas, no trajlm import (docs/llm.md "Session 17 (ask15)").
"""

import math

import numpy as np
import pandas as pd

R = 6371008.8
DOCK_A = (45.7600, 4.8590)  # Part-Dieu bike dock
DOCK_B = (45.7578, 4.8320)  # Bellecour bike dock
BOX_A = (45.755, 45.765, 4.850, 4.866)  # lat0 lat1 lon0 lon1 around dock A
BOX_B = (45.752, 45.762, 4.826, 4.838)  # around dock B
SCHOOL = (45.7790, 4.8720)
ANCHORAGE = (51.990, 52.030, 3.880, 3.960)
BERTH = (51.945, 51.965, 4.000, 4.060)


def hav(la1, lo1, la2, lo2):
    p1, p2 = np.radians(la1), np.radians(la2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lo2 - lo1) / 2) ** 2
    )
    return 2 * R * np.arcsin(np.sqrt(h))


def dest(lat, lon, dist_m, brg):
    b = math.radians(brg)
    return (
        lat + math.degrees(dist_m * math.cos(b) / R),
        lon + math.degrees(dist_m * math.sin(b) / (R * math.cos(math.radians(lat)))),
    )


def path(waypoints, t0, dt, speed, stops=None):
    """points along waypoints at speed m/s every dt s; stops: {waypoint index: seconds} dwelling there."""
    stops = stops or {}
    rows, t = [], t0
    for k in range(len(waypoints) - 1):
        a, b = waypoints[k], waypoints[k + 1]
        n = max(1, int(hav(a[0], a[1], b[0], b[1]) / (speed * dt)))
        for i in range(n):
            f = i / n
            rows.append((t, a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])))
            t += pd.Timedelta(seconds=dt)
            if i == 0 and k in stops:
                for _ in range(int(stops[k] // dt)):
                    rows.append((t, a[0], a[1]))
                    t += pd.Timedelta(seconds=dt)
    rows.append((t, waypoints[-1][0], waypoints[-1][1]))
    return rows


def rnd(rng, box):
    return (rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3]))


def lyon(rng):
    city = (45.73, 45.79, 4.80, 4.90)
    days = pd.date_range("2026-03-16", "2026-04-05", freq="D")
    hw = np.array([1, 1, 1, 1, 1, 2, 4, 10, 9, 5, 4, 4, 5, 4, 4, 5, 8, 10, 6, 4, 3, 2, 2, 1], float)
    hw /= hw.sum()
    out = []
    for i in range(160):  # bike share
        day = days[rng.integers(len(days))]
        t0 = day + pd.Timedelta(
            hours=int(rng.choice(24, p=hw)),
            minutes=int(rng.integers(60)),
            seconds=int(rng.integers(0, 60)),
        )
        kind = i % 5
        if kind == 0:
            a, b = rnd(rng, BOX_A), rnd(rng, BOX_B)
        elif kind == 1:
            a, b = rnd(rng, BOX_B), rnd(rng, BOX_A)
        else:
            a, b = rnd(rng, city), rnd(rng, city)
        mid = ((a[0] + b[0]) / 2 + rng.normal(0, 0.002), (a[1] + b[1]) / 2 + rng.normal(0, 0.002))
        stop = {1: int(rng.integers(0, 400))} if rng.random() < 0.3 else {}
        pts = path([a, mid, b], t0, 10, rng.uniform(3, 6), stop)
        out += [(f"V{i:04d}", f"VLV-{rng.integers(100, 140)}", "bike", *p) for p in pts]
    schooldays = [d for d in days if d.dayofweek < 5]
    k = 0
    for bus in range(1, 5):
        stops_pts = [dest(*SCHOOL, rng.uniform(2500, 5000), rng.uniform(0, 360))]
        for _ in range(6):
            stops_pts.append(dest(*stops_pts[-1], rng.uniform(300, 700), rng.uniform(0, 360)))
        stops_pts.append(SCHOOL)
        for d in schooldays:
            if rng.random() < 0.1:
                continue
            t0 = d + pd.Timedelta(
                hours=6, minutes=int(rng.integers(50, 95)), seconds=int(rng.integers(60))
            )
            dw = {j: int(rng.integers(20, 120)) for j in range(1, 7)}
            pts = path(stops_pts, t0, 15, rng.uniform(6, 9), dw)
            out += [(f"S{k:04d}", f"BUS-{bus}", "school bus", *p) for p in pts]
            k += 1
            t1 = d + pd.Timedelta(
                hours=16, minutes=int(rng.integers(10, 40)), seconds=int(rng.integers(60))
            )
            pts = path(
                stops_pts[::-1],
                t1,
                15,
                rng.uniform(6, 9),
                {j: int(rng.integers(20, 120)) for j in range(1, 7)},
            )
            out += [(f"S{k:04d}", f"BUS-{bus}", "school bus", *p) for p in pts]
            k += 1
    for i in range(90):  # insured cars
        veh = f"INS-{1001 + rng.integers(12)}"
        day = days[rng.integers(len(days))]
        h = (
            int(rng.choice(24, p=hw))
            if rng.random() < 0.8
            else int(rng.choice([22, 23, 0, 1, 2, 3, 4]))
        )
        t0 = day + pd.Timedelta(
            hours=h, minutes=int(rng.integers(60)), seconds=int(rng.integers(60))
        )
        a = rnd(rng, city)
        b = dest(*a, rng.uniform(2000, 30000), rng.uniform(0, 360))
        w = [a, dest(*a, hav(*a, *b) / 2, rng.uniform(0, 360)), b]
        pts = path(w, t0, 5, rng.uniform(7, 28), {1: int(rng.integers(0, 600))})
        out += [(f"C{i:04d}", veh, "car", *p) for p in pts]
    df = pd.DataFrame(
        out, columns=["course", "engin", "mode_transport", "t", "latitude", "longitude"]
    )
    df["horodatage"] = df.pop("t").dt.strftime("%d/%m/%Y %H:%M:%S")
    return df


def rotterdam(rng):
    days = pd.date_range("2026-03-20", "2026-04-03", freq="D")
    kinds = ["tanker"] * 6 + ["container ship"] * 8 + ["tug"] * 5 + ["ferry"] * 4
    mmsi = {j: 244000000 + int(rng.integers(100000, 999999)) for j in range(len(kinds))}
    out, k = [], 0
    for j, kind in enumerate(kinds):
        nv = 3 if kind in ("tanker", "container ship") else 4
        for _ in range(nv):
            day = days[rng.integers(len(days))]
            t0 = day + pd.Timedelta(hours=int(rng.integers(24)), minutes=int(rng.integers(60)))
            if kind in ("tanker", "container ship"):
                a = rnd(rng, ANCHORAGE)
                b = rnd(rng, BERTH)
                if rng.random() < 0.4:
                    a, b = b, a
                anchor = {0: int(rng.integers(0, 4)) * 3600} if rng.random() < 0.5 else {}
                w = [a, (51.985, 3.99), b]
                pts = path(w, t0, 60, rng.uniform(3, 7), anchor)
            else:
                a = rnd(rng, (51.88, 51.93, 4.25, 4.50))
                b = dest(*a, rng.uniform(2000, 12000), rng.uniform(0, 360))
                pts = path([a, b], t0, 60, rng.uniform(2, 6), {0: int(rng.integers(0, 30)) * 60})
            out += [(mmsi[j], kind, f"{mmsi[j]}-{k}", *p) for p in pts]
            k += 1
    df = pd.DataFrame(out, columns=["MMSI", "ShipType", "voyage_no", "t", "LAT", "LON"])
    df["BaseDateTime"] = df.pop("t").dt.strftime("%Y-%m-%dT%H:%M:%S")
    return df


INGEST = {
    "lyon": ["--traj-col", "course", "--time-col", "horodatage", "--lat-col", "latitude", "--lon-col", "longitude",
             "--vehicle-col", "engin", "--label-col", "mode_transport", "--tz", "Europe/Paris",
             "--time-format", "%d/%m/%Y %H:%M:%S", "--on-error", "skip"],
    "rdam": ["--traj-col", "voyage_no", "--time-col", "BaseDateTime", "--lat-col", "LAT", "--lon-col", "LON",
             "--vehicle-col", "MMSI", "--label-col", "ShipType", "--tz", "Europe/Amsterdam", "--on-error", "skip"],
}  # fmt: skip
COLUMNS = {
    "lyon": {"traj_id": "course", "t": "horodatage", "lat": "latitude", "lon": "longitude", "label": "mode_transport",
             "vehicle_id": "engin"},
    "rdam": {"traj_id": "voyage_no", "t": "BaseDateTime", "lat": "LAT", "lon": "LON", "label": "ShipType",
             "vehicle_id": "MMSI"},
}  # fmt: skip
ZONES = {"lyon": "Europe/Paris", "rdam": "Europe/Amsterdam"}


def write_csvs(folder) -> dict:
    rng = np.random.default_rng(15)
    paths = {}
    for key, frame in (("lyon", lyon(rng)), ("rdam", rotterdam(rng))):
        paths[key] = folder / f"{key}.csv"
        frame.to_csv(paths[key], index=False)
    return paths


def load(path, key):
    df = pd.read_csv(path)
    c = {v: k for k, v in COLUMNS[key].items()}
    df = df.rename(columns=c).rename(columns={"traj_id": "tid", "vehicle_id": "veh"})
    fmt = "%d/%m/%Y %H:%M:%S" if key == "lyon" else "%Y-%m-%dT%H:%M:%S"
    df["t"] = pd.to_datetime(df["t"], format=fmt)
    df["tl"] = df["t"].dt.tz_localize(ZONES[key], nonexistent="NaT", ambiguous="NaT")
    return df[df["tl"].notna()].copy()


def trips(df):
    out = []
    for tid, g in df.sort_values(["tid", "tl"]).groupby("tid", sort=False):
        la, lo = g["lat"].to_numpy(), g["lon"].to_numpy()
        ts = (g["tl"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy()
        d = hav(la[:-1], lo[:-1], la[1:], lo[1:])
        dt = np.diff(ts)
        v = np.where(dt > 0, d / np.maximum(dt, 1e-9), 0)
        best = cur = 0.0
        for s, x in zip(v < 1.0, dt, strict=True):
            cur = cur + x if s else 0.0
            best = max(best, cur)
        dur = ts[-1] - ts[0]
        out.append(
            dict(
                tid=tid,
                veh=str(g["veh"].iloc[0]),
                label=g["label"].iloc[0],
                start=g["tl"].iloc[0],
                end=g["tl"].iloc[-1],
                dur=dur,
                length=d.sum(),
                speed=d.sum() / dur * 3.6 if dur else np.nan,
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
    T = pd.DataFrame(out)
    T["h"] = T.start.map(lambda s: s.hour)
    T["hm"] = T.start.map(lambda s: s.hour + s.minute / 60 + s.second / 3600)
    T["wd"] = T.start.map(lambda s: s.dayofweek)
    T["date"] = T.start.map(lambda s: s.date())
    return T


def porto_trips(csv):
    p = pd.read_csv(csv)
    n = p.POLYLINE.map(lambda s: s.count("[") - 1 if isinstance(s, str) else 0)
    p["npts"] = n
    p["start"] = pd.to_datetime(p.TIMESTAMP, unit="s", utc=True)
    p["h"] = p.start.dt.hour
    p["hm"] = p.start.dt.hour + p.start.dt.minute / 60 + p.start.dt.second / 3600
    return p


def ais_points(csv):
    a = pd.read_csv(csv, encoding="utf-8-sig")
    a["t"] = pd.to_datetime(a.ais_pos_timestamp, format="%d/%m/%Y %H:%M")
    return a.sort_values(["ID", "t"])


def synth_trips(store):
    d = pd.read_parquet(f"{store}/points").rename(columns={"traj_id": "tid", "user_id": "veh"})
    d["tl"] = pd.to_datetime(d.t, unit="s", utc=True)
    return trips(d)


def inbox(la, lo, b):
    return (la >= b[0]) & (la <= b[1]) & (lo >= b[2]) & (lo <= b[3])


def questions(paths, synth, porto_csv=None, ais_csv=None):
    """(persona, data, question, expected): None = to refuse; list = any of these; str = the top trip's id.
    Without the shared Porto / AIS files their four questions are left out."""
    L = trips(load(paths["lyon"], "lyon"))
    D = trips(load(paths["rdam"], "rdam"))
    S = synth_trips(synth)
    bike, bus, car = L[L.label == "bike"], L[L.label == "school bus"], L[L.label == "car"]
    tank, cont, tug, ferry = (D[D.label == k] for k in ("tanker", "container ship", "tug", "ferry"))

    def starts_ends(T, b0, b1):
        return int((inbox(T.slat, T.slon, b0) & inbox(T.elat, T.elon, b1)).sum())

    def passes(T, b0, b1):
        def f(r):
            i, j = np.where(inbox(r.lats, r.lons, b0))[0], np.where(inbox(r.lats, r.lons, b1))[0]
            return len(i) > 0 and len(j) > 0 and i.min() < j.max()

        return int(T.apply(f, axis=1).sum())

    def daily_km(T):
        return T.groupby("date").length.sum().mean() / 1000

    b3 = bus[bus.veh == "BUS-3"]
    i5 = car[car.veh == "INS-1005"]
    wk = bus[
        (bus.date >= pd.Timestamp("2026-03-23").date())
        & (bus.date <= pd.Timestamp("2026-03-29").date())
    ]
    u = S.veh.value_counts().index[0]
    sw = S[S.label == "walk"]
    pmed = lambda T: [float(np.median(T.h)), float(np.median(T.hm))]  # noqa: E731
    return [
        # bike-share analyst (Lyon)
        (
            "bike",
            "lyon",
            "How many bike trips went from the Part-Dieu dock (lat 45.755-45.765, lon 4.850-4.866) to "
            "the Bellecour dock (lat 45.752-45.762, lon 4.826-4.838)?",
            [starts_ends(bike, BOX_A, BOX_B), passes(bike, BOX_A, BOX_B)],
        ),
        ("bike", "lyon", "what was the median pickup hour for bike trips?", pmed(bike)),
        ("bike", "lyon", "how many bike trips started before 7:30 am?", int((bike.hm < 7.5).sum())),
        (
            "bike",
            "lyon",
            "What share of bike trips lasted under 15 minutes?",
            100 * (bike.dur < 900).mean(),
        ),
        (
            "bike",
            "lyon",
            "which hour of the day had the most bike trips?",
            int(bike.h.value_counts().idxmax()),
        ),
        (
            "bike",
            "lyon",
            "average bike trip duration in minutes on weekends",
            bike[bike.wd >= 5].dur.mean() / 60,
        ),
        (
            "bike",
            "lyon_pd",
            "how many bike trips started between 5 and 7 pm on weekdays?",
            int(((bike.h >= 17) & (bike.h < 19) & (bike.wd < 5)).sum()),
        ),
        ("bike", "lyon", "How many bike trips were there per week?", len(bike) / 3),
        # school-bus operator (Lyon)
        (
            "bus",
            "lyon",
            "How many school bus trips started before 7:30 am?",
            int((bus.hm < 7.5).sum()),
        ),
        (
            "bus",
            "lyon",
            "what was the longest stop of BUS-2, in minutes?",
            bus[bus.veh == "BUS-2"].stop.max() / 60,
        ),
        ("bus", "lyon", "What is the average daily distance driven by BUS-3, in km?", daily_km(b3)),
        (
            "bus",
            "lyon",
            "total km driven by the school buses in the week of 23-29 March",
            wk.length.sum() / 1000,
        ),
        (
            "bus",
            "lyon",
            "How many school bus trips arrived after 8 am?",
            int((bus.end.map(lambda s: s.hour) >= 8).sum()),
        ),
        (
            "bus",
            "lyon",
            "median duration of the afternoon school bus runs, in minutes",
            bus[(bus.h >= 12) & (bus.h < 18)].dur.median() / 60,
        ),
        (
            "bus",
            "lyon_pd",
            "How many trips did BUS-4 make in March?",
            int(((bus.veh == "BUS-4") & (bus.start.map(lambda s: s.month) == 3)).sum()),
        ),
        # insurance telematics (Lyon)
        (
            "insure",
            "lyon",
            "How many car trips were driven at night?",
            int(((car.h >= 22) | (car.h < 6)).sum()),
        ),
        (
            "insure",
            "lyon",
            "average weekly distance driven by INS-1005 in km",
            i5.length.sum() / 1000 / 3,
        ),
        (
            "insure",
            "lyon",
            "how many car trips averaged above 50 mph?",
            int((car.speed > 50 * 1.609344).sum()),
        ),
        (
            "insure",
            "lyon",
            "Which car trip was the longest in distance?",
            car.sort_values("length").tid.iloc[-1],
        ),
        (
            "insure",
            "lyon",
            "what's the 95th percentile of car trip speed in km/h?",
            float(np.percentile(car.speed, 95)),
        ),
        (
            "insure",
            "lyon",
            "How many car trips were longer than 20 km and started after 10 pm?",
            int(((car.length > 20000) & (car.h >= 22)).sum()),
        ),
        (
            "insure",
            "lyon",
            "what was the longest stop during a car trip, in minutes?",
            car.stop.max() / 60,
        ),
        # epidemiologist (synthetic Turin, UTC)
        (
            "epi",
            "synth",
            "How many trips came within 500 m of 45.0703,7.6869?",
            int(
                S.apply(lambda r: (hav(r.lats, r.lons, 45.0703, 7.6869) <= 500).any(), axis=1).sum()
            ),
        ),
        ("epi", "synth", "how many walking trips were there on weekdays?", int((sw.wd < 5).sum())),
        (
            "epi",
            "synth",
            f"what was the average daily distance travelled by {u}, in km?",
            daily_km(S[S.veh == u]),
        ),
        (
            "epi",
            "synth",
            "What was the longest stay at one place during a bus trip, in minutes?",
            S[S.label == "bus"].stop.max() / 60,
        ),
        (
            "epi",
            "synth",
            "median trip length in km for bike trips",
            S[S.label == "bike"].length.median() / 1000,
        ),
        (
            "epi",
            "synth",
            "how many trips started between 7:30 and 9 am?",
            int(((S.hm >= 7.5) & (S.hm < 9)).sum()),
        ),
        ("epi", "synth", "how many different users made trips?", int(S.veh.nunique())),
        # port authority (Rotterdam; shared AIS)
        (
            "port",
            "rdam",
            "How many voyages went from the anchorage (lat 51.99-52.03, lon 3.88-3.96) to the berths "
            "(lat 51.945-51.965, lon 4.00-4.06)?",
            [starts_ends(D, ANCHORAGE, BERTH), passes(D, ANCHORAGE, BERTH)],
        ),
        (
            "port",
            "rdam",
            "how many tanker voyages were anchored for more than an hour?",
            int((tank.stop > 3600).sum()),
        ),
        (
            "port",
            "rdam",
            "average speed of container ship voyages in knots",
            cont.speed.mean() / 1.852,
        ),
        (
            "port",
            "rdam_pl",
            "total distance sailed by the tugs, in nautical miles",
            tug.length.sum() / 1852,
        ),
        (
            "port",
            "rdam",
            "which ferry voyage took the longest time?",
            ferry.sort_values("dur").tid.iloc[-1],
        ),
        (
            "port",
            "rdam",
            "How many voyages started on Sunday 29 March?",
            int((D.date == pd.Timestamp("2026-03-29").date()).sum()),
        ),
        (
            "port",
            "rdam",
            "How many container ship voyages arrived at the berths (lat 51.945-51.965, lon 4.00-4.06)?",
            int(inbox(cont.elat, cont.elon, BERTH).sum()),
        ),
        # to refuse
        ("bike", "lyon", "How many bike trips were taken off-peak?", None),
        ("bike", "lyon", "what was the average elevation of the bike trips?", None),
        ("insure", "lyon", "what was the drivers' average heart rate?", None),
        ("epi", "synth", "how many people were infected near 45.0703,7.6869?", None),
        ("insure", "lyon", "what is the insurance premium for INS-1003?", None),
        ("port", "rdam", "how many containers did the tankers unload?", None),
        ("bike", "lyon", "how many bike trips were there yesterday?", None),
        ("insure", "lyon", "what was the maximum speed reached by INS-1007?", None),
        ("insure", "lyon", "how many harsh braking events did the insured cars have?", None),
    ] + (shared_questions(porto_csv, ais_csv) if porto_csv and ais_csv else [])


def shared_questions(porto_csv, ais_csv) -> list:
    """The port authority's and the journalist's questions on the shared AIS and Porto slices."""
    P = porto_trips(porto_csv)
    A = ais_points(ais_csv)
    v12 = A[A.ID == 12]
    nm12 = (
        hav(
            v12.latitude.values[:-1],
            v12.longitude.values[:-1],
            v12.latitude.values[1:],
            v12.longitude.values[1:],
        ).sum()
        / 1852
    )
    P2 = P[P.npts >= 2]
    pmed = lambda T: [float(np.median(T.h)), float(np.median(T.hm))]  # noqa: E731
    return [
        ("port", "ais", "total distance sailed by vessel 12 in nautical miles", nm12),
        # journalist (Porto, UTC)
        (
            "journo",
            "porto",
            "How many taxi trips started between 6:30 and 7:30 in the morning?",
            sorted({int(((T.hm >= 6.5) & (T.hm < 7.5)).sum()) for T in (P, P2)}),
        ),
        ("journo", "porto", "What was the median pickup hour of the taxis?", pmed(P2) + pmed(P)),
        (
            "journo",
            "porto",
            "How many trips did taxi 20000403 make?",
            sorted({int((T.TAXI_ID == 20000403).sum()) for T in (P, P2)}),
        ),
        ("journo", "porto", "which taxi driver was the rudest?", None),
    ]
