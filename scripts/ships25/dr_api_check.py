"""drverdict25: TrajLM.predict on the ships' test voyages answers with dead reckoning (steps,
asked times) and falls back when the speed / course columns are dropped.
python dr_api_check.py STORE RUN"""

import sys
import warnings

from trajlm.api import TrajLM
from trajlm.data.store import read_store

test = read_store(sys.argv[1], split="test").drop("split")
hist = test.group_by("traj_id", maintain_order=True).head(20)
lm = TrajLM.from_pretrained(sys.argv[2], threads=1)
print(hist.columns)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    a = lm.predict(hist, steps=3)
    print("steps:", lm.last_engine, a.height)
    b = lm.predict(hist, seconds_ahead=[600, 1800])
    print("asked:", lm.last_engine, b.height)
    c = lm.predict(hist.select("traj_id", "t", "lat", "lon"), steps=3)
    print("positions only:", lm.last_engine)
print([str(x.message)[:200] for x in w if "speed and course" in str(x.message)])
