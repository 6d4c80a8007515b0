"""badin30: hostile questions on ask30's words (docs/llm.md "Session 30 (ask30)"): kinds of
vehicle by their ids' letters, label verbs, 'missions' / 'runs', idle / parked, 'was X out',
'this week', mornings, 'who was driving' -- asked of tests/test_ask30.py's small fleet (T1, T2
tractors, ATV-4, VAN-07, VAN-12, TRI-3 over Mon 30 Nov - Wed 2 Dec 2026) with the pandas truth
beside each answer where there is one. Prints `NNN question | status | answer || truth`;
classified by hand on first read (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/ask.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]
from badin_cases import Cases  # noqa: E402
from test_ask30 import fleet, table  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

warnings.simplefilter("ignore")
df = fleet.__wrapped__()
tab = table.__wrapped__(df)
asker = Asker(df, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"},
              tz="America/Los_Angeles")  # fmt: skip
say = Cases(got=300, error=300, describe=lambda a: str(a).splitlines()[0] if str(a) else repr(a))
KM = 1000.0


def ask(q: str, truth=None) -> None:
    say(f"{q!r} || truth {truth!r}", lambda: asker(q))


vans = tab[tab.veh.str.startswith("VAN")]
ask("How many spray jobs did the vans do?", 0)
ask("Did T3 mow on Tuesday?", "no T3 in the data")
ask("Was VAN-99 out on Tuesday?", "no VAN-99")
ask("Which gritter drove the furthest?", "no gritters in the data")
ask("How many trips did the gritters make?", "no gritters")
ask("On average, how many hours did the vans take?", round(vans.dur.mean() / 3600, 4))
ask("How many trips did the vans do on Saturday morning?", 0)
ask("How many rebalancing missions did the tractors do?", 0)
ask("How many km did the V drive?", "ambiguous: V is VAN-07 and VAN-12?")
ask("How many km did the VANS drive in total?", round(vans.m.sum() / KM, 3))
ask("How many km did van 7 drive?", round(tab[tab.veh == "VAN-07"].m.sum() / KM, 3))
ask("Who was driving T1?", "refused: no driver")
ask("How long was the ATV parked this month?", round(tab[tab.veh == "ATV-4"].still.sum() / 60, 3))  # fmt: skip
ask("How many missions were there this week?", len(tab))
ask("How many missions were there last week?", "0 (data is 30 Nov - 2 Dec)")
ask("What was the average job length in hours?", round(tab.dur.mean() / 3600, 4))
ask("Did T1 mow?", "no: T1 sprays")
ask("How many trips did the trucks make?", "no trucks")
ask("", "refused")
ask("?????", "refused")
ask("How many trips did the ATVs make on Tuesday?", int(((tab.veh == "ATV-4") & (tab.start.dt.day == 1)).sum()))  # fmt: skip
ask("How many spray jobs did T1 do on 31 November?", "no such date")
