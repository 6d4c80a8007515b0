"""Session 18 (ask16): the 40 questions and their expected answers, computed with pandas from the rows that
`test_llm_ask16_data.write_csvs` writes (and the raw Liverpool csv); no trajlm import."""

import pandas as pd
from test_llm_ask16_data import near, trips


def questions(paths: dict, liverpool_csv=None) -> list:
    """(data, question, expected) of the 40 questions; expected None = to refuse, a str = a trip or vehicle id.
    The Liverpool questions only when its csv is given."""
    chi = pd.read_csv(paths["chicago"], parse_dates=["ts_local"])
    C = trips(chi, "run_id", "ts_local", "y", "x", "service", "bus_no")
    mad = pd.read_csv(paths["madrid"], parse_dates=["local_time"])
    M = trips(mad, "route_no", "local_time", "latitude", "longitude", "vehicle_type", "driver_id")
    bre = pd.read_csv(paths["brittany"])
    bre["ts"] = pd.to_datetime(bre.epoch_s, unit="s")
    B = trips(bre, "voyage", "ts", "lat", "lon", "type", "mmsi")
    liv = pd.read_csv(liverpool_csv, parse_dates=["timestamp"]) if liverpool_csv else None
    L = (
        None
        if liv is None
        else trips(liv, "trip_id", "timestamp", "latitude", "longitude", None, "vehicle_id")
    )
    KM, NM = 1000.0, 1852.0
    wd = lambda tb: tb.start.dt.weekday < 5  # noqa: E731
    Cb, Me = C[C.label == "bus"], M[M.label == "van"]
    dm = lambda tb: tb.groupby(tb.start.dt.date).m.sum().mean()  # noqa: E731
    Cpk = C[C.label == "express"].start.dt.hour.value_counts()
    dj = M[M.veh == "D-jorge"]
    # share: weekday runs starting 16-19
    Cw = C[wd(C)]
    BT = B[B.label == "trawler"]

    Q = [
        # --- city transport planner, Chicago store (America/Chicago) ---
        (
            "chicago",
            "how many bus runs started between 7 and 9am on weekdays?",
            int(((Cb.h >= 7) & (Cb.h < 9) & wd(Cb)).sum()),
        ),
        ("chicago", "Which hour of the day has the most express departures?", float(Cpk.idxmax())),
        (
            "chicago",
            "whats the avg speed of express runs in mph?",
            float(C[C.label == "express"].kmh.mean() / 1.609344),
        ),
        (
            "chicago",
            "How many runs did CTA-004 make during the week of 9-13 March?",
            int(((C.veh == "CTA-004") & (C.start.dt.day.between(9, 13))).sum()),
        ),
        (
            "chicago",
            "median run duration in minutes for the night owl service",
            float(C[C.label == "night owl"].dur.median() / 60),
        ),
        (
            "chicago",
            "how many runs had a layover longer than 5 minutes?",
            int((C.stop > 300).sum()),
        ),
        (
            "chicago",
            "total km driven by CTA-007 on 10 March",
            float(C[(C.veh == "CTA-007") & (C.start.dt.day == 10)].m.sum() / KM),
        ),
        (
            "chicago",
            "which bus covered the most miles in total?",
            str(C.groupby("veh").m.sum().idxmax()),
        ),
        (
            "chicago",
            "what percentage of weekday runs started between 4 and 7pm?",
            float(100 * ((Cw.h >= 16) & (Cw.h < 19)).mean()),
        ),
        ("chicago", "how many runs left after 11pm local time?", int((C.h >= 23).sum())),
        (
            "chicago",
            "average daily distance of CTA-002 in km",
            float(dm(C[C.veh == "CTA-002"]) / KM),
        ),
        (
            "chicago",
            "how mnay runs stopped for more than 8 minutes on saturday or sunday?",
            int(((C.stop > 480) & ~wd(C)).sum()),
        ),
        # --- logistics manager, Madrid as a pandas frame (Europe/Madrid) ---
        (
            "madrid",
            "how many delivery rounds did D-luis do in the last week of March?",
            int(
                (
                    (M.veh == "D-luis") & M.start.dt.day.between(25, 31) & (M.start.dt.month == 3)
                ).sum()
            ),
        ),
        (
            "madrid",
            "total distance driven by D-marta on 30 March, in km",
            float(M[(M.veh == "D-marta") & (M.start.dt.strftime("%m-%d") == "03-30")].m.sum() / KM),
        ),
        ("madrid", "what's D-jorge's average daily distance in km?", float(dm(dj) / KM)),
        (
            "madrid",
            "which delivery round had the longest idle time?",
            sorted(M.id[M.stop == M.stop.max()]),  # rounds tie at 1800 s: any of them
        ),
        (
            "madrid",
            "how many rounds had an idle stop of at least 20 minutes?",
            int((M.stop >= 1200).sum()),
        ),
        ("madrid", "average van round duration in hours", float(Me.dur.mean() / 3600)),
        (
            "madrid",
            "how many km did the cargo bike cover in total?",
            float(M[M.label == "cargo bike"].m.sum() / KM),
        ),
        (
            "madrid",
            "how many rounds started before 8:00 on weekdays?",
            int(((M.h < 8) & wd(M)).sum()),
        ),
        (
            "madrid",
            "median distance per round for D-ana, in km",
            float(M[M.veh == "D-ana"].m.median() / KM),
        ),
        (
            "madrid",
            "which driver drove the most km overall?",
            str(M.groupby("veh").m.sum().idxmax()),
        ),
        (
            "madrid",
            "what share of van rounds lasted more than 3 hours?",
            float(100 * (Me.dur > 3 * 3600).mean()),
        ),
        (
            "madrid",
            "avg speed of D-pablo's rounds on 1 april in km/h",
            float(M[(M.veh == "D-pablo") & (M.start.dt.strftime("%m-%d") == "04-01")].kmh.mean()),
        ),
        # --- fishing / sailing fleet analyst, Brittany store (UTC) ---
        (
            "brittany",
            "how many voyages did trawler 227100002 make?",
            int((B.veh == 227100002).sum()),
        ),
        (
            "brittany",
            "total nautical miles sailed by 227100001",
            float(B[B.veh == 227100001].m.sum() / NM),
        ),
        ("brittany", "average trawler speed in knots", float(BT.kmh.mean() / 1.852)),
        (
            "brittany",
            "how many ferry crossings took less than 35 minutes?",
            int(((B.label == "ferry") & (B.dur < 2100)).sum()),
        ),
        (
            "brittany",
            "which sailing trip was the longest in nautical miles?",
            str(B[B.label == "sailing"].sort_values("m").id.iloc[-1]),
        ),
        (
            "brittany",
            "total time at sea for mmsi 227100004, in hours",
            float(B[B.veh == 227100004].dur.sum() / 3600),
        ),
        (
            "brittany",
            "how many trawler voyages ended within 1 km of 47.873,-3.918?",
            int(
                sum(
                    near(a, b, 47.873, -3.918) <= 1000
                    for a, b in zip(BT.elat, BT.elon, strict=True)
                )
            ),
        ),
        (
            "brittany",
            "How many voyages started between 06:00 and 09:00 UTC on 15 april 2026?",
            int(((B.h >= 6) & (B.h < 9) & (B.start.dt.day == 15)).sum()),
        ),
        (
            "brittany",
            "mean duration in hours of trawler voyages that stopped for over 40 min",
            float(BT[BT.stop > 2400].dur.mean() / 3600),
        ),
        (
            "brittany",
            "ratio of trawler voyages to sailing trips?",
            float((B.label == "trawler").sum() / (B.label == "sailing").sum()),
        ),
        # --- shared slices ---
        # (only with the shared slice: without it these were an AttributeError at setup, not
        # left out by the filter below; newuser31, in a worktree without ../shared/data)
        *(
            []
            if L is None
            else [
                ("liverpool", "how many bus trips started after 5pm?", int((L.h >= 17).sum())),
                ("liverpool", "what was the average trip length in km?", float(L.m.mean() / KM)),
            ]
        ),
        # --- to refuse ---
        ("liverpool", "how many passengers boarded route 14 buses?", None),
        ("madrid", "how much fuel did D-ana's van use last week?", None),
        ("brittany", "what was the wind speed when 227200005 sailed?", None),
        ("chicago", "which bus stop had the most boardings?", None),
    ]
    if L is None:
        Q = [q for q in Q if q[0] != "liverpool"]
    return Q
