"""badin27: hostile questions on ask27's local date words (llm/datewords.py: "last Tuesday",
"the 3rd", "Wednesday the 2nd", "over the weekend", "the weekend of the 14th") and a crew's
words (llm/fleet_words.py: "tug tasks", "on the road", "the semi", ids like "17-21"), on
tests/test_ask27.py's fleet (London time, 27 November - 8 December 2026, Fri .. Tue: weekends
28-29 November and 5-6 December, Tuesdays 1 and 8 December; SEMI-4 on the road on 27 / 30
November, 3 / 6 December; 17-21 launches once, 23:00 on the 3rd). One line per question:
`value | text` or the CannotAnswer line, plus the pandas truth where one is computed;
classified by hand on first read.
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin27/ask.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ask_helpers import haversine_m  # noqa: E402

from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

DAYS = pd.date_range("2026-11-27", "2026-12-08")


def fleet() -> pd.DataFrame:  # tests/test_ask27.py's fixture, unchanged
    rng = np.random.default_rng(27)
    rows = []
    for d, day in enumerate(DAYS):
        for unit, label, hours in (
            ("TUG-1", "pushback tug", (9, 13)),
            ("SEMI-4", "transport" if d % 3 == 0 else "harvest", (8,)),
            ("17-21", "service", (23,) if day.day == 3 else ()),
        ):
            for k, hour in enumerate(hours):
                t0 = day + pd.Timedelta(hours=hour)
                v = rng.uniform(2.0, 12.0)
                minutes = 8 + 4 * k if unit != "17-21" else 90
                lat, lon = 51.47 + 0.01 * k, -0.45 + 0.001 * d
                for i in range(minutes + 1):
                    rows.append(
                        (f"{unit}/{d}/{k}", unit, label, t0 + pd.Timedelta(minutes=i), lat, lon)
                    )
                    lat += v * 60 / 111_195.0
    return pd.DataFrame(rows, columns=["task", "unit", "kind", "local_time", "lat", "lon"])


df = fleet()
s = df.sort_values(["task", "local_time"]).copy()
same = s.task.eq(s.task.shift())
s["d"] = np.where(same, haversine_m(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0)
s["began"] = s.local_time.shift().dt.date
s = s[same]


def km(unit: str, *dates: str, kind: str | None = None) -> float:
    x = s[(s.unit == unit) & s.began.astype(str).isin(dates)]
    return round(x[x.kind == kind].d.sum() / 1000 if kind else x.d.sum() / 1000, 3)


asker = Asker(df, columns={"traj_id": "task", "t": "local_time", "vehicle_id": "unit",
                           "label": "kind"}, tz="Europe/London")  # fmt: skip
QUESTIONS = [
    ("How many km did TUG-1 drive last Tuesday?", km("TUG-1", "2026-12-08")),
    ("How many km did TUG-1 drive last tuesday?", km("TUG-1", "2026-12-08")),
    ("How many km did TUG-1 drive last Tues?", km("TUG-1", "2026-12-08")),
    ("How many km did TUG-1 drive on the Tuesday before last?", None),
    ("How many km did TUG-1 drive last Tuesday and last Monday?", None),
    ("How many km did TUG-1 drive last Funday?", None),
    ("How many km did TUG-1 drive on the 3rd?", km("TUG-1", "2026-12-03")),
    ("How many km did TUG-1 drive on the 1st?", km("TUG-1", "2026-12-01")),
    ("How many km did TUG-1 drive on the 28th?", km("TUG-1", "2026-11-28")),
    ("How many km did TUG-1 drive on the 15th?", None),
    ("How many km did TUG-1 drive on the 32nd?", None),
    ("How many km did TUG-1 drive on the 0th?", None),
    ("How many km did TUG-1 drive on the 3th?", None),
    (
        "How many km did TUG-1 drive on the 3rd and the 4th?",
        km("TUG-1", "2026-12-03", "2026-12-04"),
    ),
    ("How many km did TUG-1 drive on Thursday the 3rd?", km("TUG-1", "2026-12-03")),
    ("How many km did TUG-1 drive on Monday the 3rd?", None),
    ("How many km did TUG-1 drive on Wednesday the 2nd of December?", km("TUG-1", "2026-12-02")),
    ("How many km did TUG-1 drive over the weekend?", None),
    (
        "How many km did TUG-1 drive the weekend of the 5th?",
        km("TUG-1", "2026-12-05", "2026-12-06"),
    ),
    (
        "How many km did TUG-1 drive the weekend of the 6th?",
        km("TUG-1", "2026-12-05", "2026-12-06"),
    ),
    ("How many km did TUG-1 drive the weekend of the 3rd?", None),
    ("How many km did TUG-1 drive the weekend of the 31st?", None),
    (
        "How many km did TUG-1 drive the weekend of 28 November?",
        km("TUG-1", "2026-11-28", "2026-11-29"),
    ),
    ("How many km did TUG-1 drive last weekend?", None),
    ("How many km did TUG-1 drive last week?", None),
    ("How many km did TUG-1 drive on Tuesday's session?", None),
    ("What was the 3rd longest trip of TUG-1 in km?", None),
    (
        "How many km did SEMI-4 drive on the road?",
        km("SEMI-4", *map(str, s.began.unique()), kind="transport"),
    ),
    (
        "How many km did SEMI-4 drive in the field?",
        km("SEMI-4", *map(str, s.began.unique()), kind="harvest"),
    ),
    (
        "How many km did the semi drive on the road on the 3rd?",
        km("SEMI-4", "2026-12-03", kind="transport"),
    ),
    ("How many km did the semi drive in the field on the 3rd?", 0.0),
    ("How many km did the tug drive on the road?", 0.0),
    ("How many km did 17-21 travel?", km("17-21", *map(str, s.began.unique()))),
    ("How many km did 17-21 travel on the 3rd?", km("17-21", "2026-12-03")),
    ("How many km did 17-22 travel?", None),
    ("How many km did boats 17-21 travel?", km("17-21", *map(str, s.began.unique()))),
    ("How many tug tasks were there last Tuesday?", 2),
    ("How many km did TUG-1 drive in metres per minute?", None),
    ("What was the average speed of TUG-1 last Tuesday in metres per minute?", None),
    ("How many km did TUG-1 drive on the 3rd of last month?", None),
    # added after the first run (their first read: the branch before the "in" fix)
    ("What was the average speed of TUG-1 last Tuesday in m/s?", None),
    ("How many km did TUG-1 drive the last Tuesday in December?", km("TUG-1", "2026-12-08")),
    ("How many km did TUG-1 drive last Tuesday in the morning?", None),
]
for i, (q, truth) in enumerate(QUESTIONS, 1):
    try:
        a = asker(q)
        print(
            f"{i:03d} {q} | {a.value!r} | truth={truth} | {str(a)[:220]!r} | notes={[n[:90] for n in a.notes][:2]}"
        )
    except CannotAnswer as e:
        print(f"{i:03d} {q} | CannotAnswer | truth={truth} | {str(e)[:260]}")
    except Exception as e:  # noqa: BLE001
        print(f"{i:03d} {q} | EXC {type(e).__name__} | truth={truth} | {str(e)[:260]}")
print(f"{len(QUESTIONS)} questions")
