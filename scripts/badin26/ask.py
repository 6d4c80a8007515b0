"""badin26: hostile questions on ask26's dated totals split at midnight, nights (night_of) and
per-vehicle dated totals, on tests/test_ask26.py's ambulance fleet (Sydney local time, jobs
over midnight on 2 and 3 December 2026). One line per question: `answer value | text` or the
CannotAnswer line; classified by hand on first read.
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin26/ask.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

UNITS = {"A-1": "paramedic", "A-2": "paramedic", "A-3": "patient transport"}
JOBS = [("20:00", 60), ("23:30", 90), ("06:10", 40)]


def jobs() -> pd.DataFrame:  # as tests/test_ask26.py's fixture
    rng = np.random.default_rng(26)
    rows = []
    for u, unit in enumerate(UNITS):
        for night in (2, 3):
            for k, (hhmm, minutes) in enumerate(JOBS):
                if unit == "A-3" and night == 3 and k == 0:
                    continue
                t0 = pd.Timestamp(f"2026-12-{night + (k == 2):02d} {hhmm}")
                v = 5.0 * night if k == 1 else rng.uniform(4.0, 9.0)
                lat, lon = -33.88 + 0.01 * k, 151.20 + 0.02 * u
                for i in range(minutes + 1):
                    rows.append((f"{unit}/{night}/{k}", unit, UNITS[unit],
                                 t0 + pd.Timedelta(minutes=i), lat, lon))  # fmt: skip
                    lat += v * 60 / 111_195.0
    return pd.DataFrame(rows, columns=["job", "unit", "crew", "local_time", "lat", "lon"])


asker = Asker(jobs(), columns={"traj_id": "job", "t": "local_time", "vehicle_id": "unit",
                               "label": "crew"}, tz="Australia/Sydney")  # fmt: skip
QUESTIONS = [
    "How many km did A-2 drive on 30 February?",
    "How many km did A-2 drive on 31 November 2026?",
    "How many km did A-2 drive on 3 December 2025?",
    "How many km did A-2 drive on 3 December?",
    "How many km did A-9 drive on 3 December?",
    "How many km did A-2 drive on the night of 31 December?",
    "How many km did A-2 drive on the night of 1 December?",
    "How many km did A-2 drive on the night of 4 December?",
    "How many km did the fleet drive on the night of 2 December?",
    "How many km did the fleet drive on the night of 2 and 3 December?",
    "How many km did A-1 drive on the night of yesterday?",
    "How many km did A-1 drive on the night of the 2nd?",
    "How many jobs did A-1 do on the night shift of 02/12/2026?",
    "How many jobs did A-1 do on the night shift of 12/02/2026?",
    "How many jobs did A-1 do on the night of 2026-12-02T23:00?",
    "Which unit drove the most km on 4 December?",
    "Which unit drove the most km on 5 December?",
    "Which unit drove the most km on 3 December?",
    "Which unit drove the least km on 3 December?",
    "Which unit drove the most km on the night of 3 December?",
    "On which night did A-3 drive the most km?",
    "On which night did the fleet do the most callouts?",
    "Which night was the busiest for A-9?",
    "How many km did A-2 drive on the morning of 3 December?",
    "How many km did A-2 drive on the evening of 3 December?",
    "How many km did A-2 drive between 23:00 and 01:00 on 2 December?",
    "How many km did A-2 drive on 3 December in miles?",
    "How many km did A-2 drive on -3 December?",
    "How many km did A-2 drive on 0 December?",
    "How many km did A-2 drive on 3 December 99999?",
    "What was the average km per night for A-1?",
    "How many nights did A-3 work?",
    "How many km did participant P03 drive on 3 December?",
    "How many km did A-2 drive on 3 Dec, 4 Dec?",
]
for i, q in enumerate(QUESTIONS, 1):
    try:
        a = asker(q)
        print(
            f"{i:03d} {q} | {a.value!r} | {str(a)[:260]!r} | notes={[n[:100] for n in a.notes][:2]}"
        )
    except CannotAnswer as e:
        print(f"{i:03d} {q} | CannotAnswer | {str(e)[:260]}")
    except Exception as e:  # noqa: BLE001
        print(f"{i:03d} {q} | EXC {type(e).__name__} | {str(e)[:260]}")
print(f"{len(QUESTIONS)} questions")
