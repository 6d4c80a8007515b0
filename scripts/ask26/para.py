"""Set 26's paraphrases (ask26): 15 questions written after the fixes, read once, truths with pandas (truth.py's
helpers over the raw CSVs). python scripts/ask26/para.py -> $ASK26_OUT/para.txt"""

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_paraphrases  # noqa: E402
from read import OUT  # noqa: E402
from truth import day_km, night, trips  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

P = [
    ("A", "How many call-outs did AMB-16 handle on the night shift of 5 December?", "num"),
    ("A", "What distance did AMB-13 cover on Friday 4 December, in km?", "num"),
    ("A", "Which night shift was the quietest?", "judge"),
    (
        "A",
        "How many hours did the intensive care crews spend on jobs on the night of 3 December?",
        "num",
    ),
    ("A", "What is the average number of jobs per night for AMB-11?", "num"),
    ("A", "On 5 December, how many km did AMB-12 drive that morning?", "num"),
    ("A", "How many km did the fleet drive over the five nights?", "refuse"),
    ("B", "How many journeys did respondent P06 make?", "num"),
    ("B", "How far did participant P05 go on 20 November, in km?", "num"),
    ("B", "On how many days did P07 travel?", "num"),
    ("B", "How many trips did participant p03 make by train?", "num"),
    ("C", "How many bodas were out on 24 November?", "num"),
    ("C", "Which rider rode the most km on 25 November?", "id"),
    ("C", "How many km did BB-06 cover over the three days?", "num"),
    ("C", "How many rides did the riders do in total during the study period?", "num"),
]


def truths() -> list:
    a = pd.read_csv(OUT / "ambulances.csv", parse_dates=["local_ts"])
    A, As = trips(a, "job_id", "local_ts", "lat", "lon", "crew_type", "unit")
    b = pd.read_csv(OUT / "diary.csv", parse_dates=["time_jst"])
    B, Bs = trips(b, "trip", "time_jst", "latitude", "longitude", "mode", "participant")
    c = pd.read_csv(OUT / "boda.csv")
    c["t"] = pd.to_datetime(c.ts, unit="s") + pd.Timedelta(hours=3)
    C, Cs = trips(c, "ride_id", "t", "lat", "lng", "service", "rider")
    per_night = {
        d: len(night(A, d)) for d in ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]
    }
    a11 = A[A.veh == "AMB-11"]
    a12 = A[
        (A.veh == "AMB-12") & (A.date == pd.Timestamp("2026-12-05").date()) & A.h.between(6, 11)
    ]
    c25 = Cs[Cs.t.dt.date == pd.Timestamp("2026-11-25").date()].join(C.veh, on="trip")
    return [
        len(night(A[A.veh == "AMB-16"], "2026-12-05")),
        day_km(A, As, "2026-12-04", "AMB-13"),
        f"{min(per_night, key=per_night.get)} {per_night}",
        night(A[A.label == "intensive care"], "2026-12-03").dur.sum() / 3600,
        len(a11) / sum(len(night(a11, d)) > 0 for d in per_night),
        a12.m.sum() / 1000,
        None,
        int((B.veh == "P06").sum()),
        day_km(B, Bs, "2026-11-20", "P05"),
        b[b.participant == "P07"].time_jst.dt.date.nunique(),
        int(((B.veh == "P03") & (B.label == "train")).sum()),
        C[C.date == pd.Timestamp("2026-11-24").date()].veh.nunique(),
        c25.groupby("veh").m.sum().idxmax(),
        C[C.veh == "BB-06"].m.sum() / 1000,
        len(C),
    ]


if __name__ == "__main__":
    askers = {"A": Asker(OUT / "amb_store"), "B": Asker(OUT / "diary_store"),
              "C": Asker(OUT / "boda_store", tz="Africa/Nairobi")}  # fmt: skip
    read_paraphrases(OUT, askers, [(*p, truth) for p, truth in zip(P, truths(), strict=True)])
