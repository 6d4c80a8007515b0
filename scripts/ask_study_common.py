"""What the ask26 / ask27 question-set scripts share (docs/llm.md "Session 26 (ask26)", "Session 27
(ask27)"): the flat-earth offset their generators place points with, the verdict of one answer
against its truth, and the loops that read a set (or its paraphrases) through `Asker`, the path
`trajlm ask` takes, and write NAME.txt / NAME.json / para.txt. Measures nothing itself; a study
script imports it as ``from ask_study_common import ...`` after putting ``scripts/`` on sys.path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from trajlm.llm.plan import CannotAnswer


def offset(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) on `bearing_deg` (flat earth: a few tens of km)."""
    b = math.radians(bearing_deg)
    return (
        lat + km * math.cos(b) / 111.32,
        lon + km * math.sin(b) / (111.32 * math.cos(math.radians(lat))),
    )


def score(kind: str, truth, refused: bool, value, text: str, tight: bool = False) -> str:
    """right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / judge.
    A number is right within 2 % (at least 0.051), or 0.3 % where ``tight``."""
    if kind == "refuse":
        return "right" if refused else "WRONG"
    if refused:
        return "refused"
    if kind == "num":
        try:
            g = float(value)
        except (TypeError, ValueError):
            return "judge"
        tol = 0.003 * abs(truth) if tight else max(0.02 * abs(truth), 0.051)
        return "right" if abs(g - truth) <= tol else "WRONG"
    if kind == "id":
        return "right" if str(truth).lower() in text.splitlines()[0].lower() else "WRONG?"
    if kind == "time":
        return "right" if truth in text else "WRONG?"
    return "judge"


def read_set(
    out: Path,
    name: str,
    askers: dict[str, Callable],
    questions: list,
    tight: frozenset = frozenset(),
) -> None:
    """Ask every (id, question, kind) of ``questions`` of the store its id's letter names, score it
    against OUT/truth.json and write OUT/NAME.txt (one block a question, the tally last) and
    OUT/NAME.json."""
    T = json.loads((out / "truth.json").read_text())
    rows, tally, lines = [], {}, []
    for qid, q, kind in questions:
        try:
            a = askers[qid[0]](q)
            text, plan, value, refused = str(a), a.plan.describe(), a.value, False
        except CannotAnswer as e:
            text, plan, value, refused = str(e), None, None, True
        except Exception as e:  # noqa: BLE001 - a traceback is a finding
            text, plan, value, refused = f"ERROR {type(e).__name__}: {e}", None, None, False
            kind = "error"
        v = (
            "error"
            if kind == "error"
            else score(kind, T.get(qid), refused, value, text, qid in tight)
        )
        tally[v] = tally.get(v, 0) + 1
        rows.append(
            dict(id=qid, q=q, verdict=v, truth=T.get(qid), value=value, plan=plan, answer=text)
        )
        lines.append(
            f"[{v:7}] {qid:4} {q}\n   truth={T.get(qid)}\n   plan={plan}\n   "
            + "\n   ".join(text.splitlines()[:4])
        )
    lines.append(json.dumps(tally))
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n")
    (out / f"{name}.json").write_text(json.dumps(rows, indent=1, default=str))
    print("\n".join(lines))


def read_paraphrases(out: Path, askers: dict[str, Callable], items: list) -> None:
    """Ask every (store letter, question, kind, truth) of ``items``, score it and write
    OUT/para.txt (one block a question, the tally last)."""
    lines, tally = [], {}
    for k, q, kind, truth in items:
        try:
            ans = askers[k](q)
            text, value, refused = str(ans), ans.value, False
        except CannotAnswer as e:
            text, value, refused = str(e), None, True
        v = score(kind, truth, refused, value, text)
        tally[v] = tally.get(v, 0) + 1
        lines.append(
            f"[{v:7}] {k} {q}\n   truth={truth}\n   " + "\n   ".join(text.splitlines()[:3])
        )
    lines.append(json.dumps(tally))
    (out / "para.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def write_truth(out: Path, T: dict) -> None:
    """OUT/truth.json from ``truth()``'s dict (NumPy scalars as floats), and each key printed."""
    T = {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in T.items()}
    (out / "truth.json").write_text(json.dumps(T, indent=1, default=str))
    for k, v in T.items():
        print(k, v)
