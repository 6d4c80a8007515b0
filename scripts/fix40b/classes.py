"""fix40b: the class of badin40's 326 hostile cases (scripts/badin40/probe.py) on main at
e1cfaff3 (badin40 and fix40 merged: badin40's "after", with fix40's change to 308) and after
this branch (R answered right, C one clear line, U an unclear line, S silently wrong, T a
traceback / a 500 / a hang), classified by hand from the probe's outputs, one run of each.
Prints the table of docs/reliability.md "Session 40 (fix40b)".
Run: python scripts/fix40b/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "badin40"))
from badin_cases import classes, print_section_table  # noqa: E402
from classes import PROBE, SECTIONS  # noqa: E402  (badin40's)

# main at e1cfaff3: badin40's after, and 308 (read(exact_times=True) dropping sub-second fixes)
# now a warning naming sub_second=True (fix40 (d)): one clear line with the way on
MAIN = {i: v.split(">")[1] for i, v in PROBE.items()} | {308: "C"}
AFTER = {
    319: "C",  # --stop-minutes 0.001 on 0.4-s fixes: refused naming the option and the interval
    70: "C",  # trajlm.read(traj_col=): "takes no column names" and where they are given
    85: "C",  # an ES geo_point of number texts: the key, its value, what is read
    # MQTT files of two numbers, NaN, a status word, topics without payload, one line: the line
    # and what it lacks
    **dict.fromkeys((141, 143, 145, 146, 147), "C"),
    202: "R",  # a request on +03 answered on +03:00
    **dict.fromkeys((254, 259), "C"),  # RaceChrono preamble / header only: no table, said
    **dict.fromkeys((265, 290), "C"),  # a bad captured_at / SampleTime named by its own key
    # Firebase emptied / one push, DynamoDB without ts, Particle :ok only / no data / cut
    # JSON text, ThingsBoard latitude only: what is missing, said
    **dict.fromkeys((270, 271, 272, 282, 293, 294, 296, 301), "C"),
}
BY_CLASS: dict[str, list[int]] = {}
for case, letter in MAIN.items():
    BY_CLASS.setdefault(letter, []).append(case)
PROBE40B = classes({k: tuple(v) for k, v in BY_CLASS.items()}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE40B)
