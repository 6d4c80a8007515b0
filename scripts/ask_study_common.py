"""What the ask26 / ask27 / ask28 question-set scripts share (docs/llm.md "Session 26 (ask26)",
"Session 27 (ask27)", "Session 28 (ask28)"): the flat-earth offset their generators place points
with (and ask27 / ask28's ``km_between`` / ``path``, the fixes along a route), the verdict of one answer
against its truth, and the loops that read a set (or its paraphrases) through `Asker`, the path
`trajlm ask` takes, and write NAME.txt / NAME.json / para.txt. Measures nothing itself; a study
script imports it as ``from ask_study_common import ...`` after putting ``scripts/`` on sys.path.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trajlm.llm.plan import CannotAnswer


def offset(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) on `bearing_deg` (flat earth: a few tens of km)."""
    b = math.radians(bearing_deg)
    return (
        lat + km * math.cos(b) / 111.32,
        lon + km * math.sin(b) / (111.32 * math.cos(math.radians(lat))),
    )


def km_between(p: tuple[float, float], q: tuple[float, float]) -> float:
    return math.hypot((q[0] - p[0]) * 111.32, (q[1] - p[1]) * 111.32 * math.cos(math.radians(p[0])))


def path(points: list, t0: pd.Timestamp, kmh: float, step_s: float, rng: np.random.Generator,
         dwells=(), noise_m: float = 1.0, bend: float = 0.0) -> tuple[list, list, list]:  # fmt: skip
    """Fixes through `points` at about `kmh` (each leg +-15 %), one every `step_s`; `dwells[i]` minutes
    stopped at points[i+1]; GPS noise of `noise_m` on every fix (so no two trips are copies); `bend`:
    each leg bowed sideways by bend x sin(pi s) of its length (ask27's 0.04; 0: straight legs)."""
    T, LA, LO = [t0], [points[0][0]], [points[0][1]]
    t = t0
    for i in range(len(points) - 1):
        p, q = points[i], points[i + 1]
        v = kmh * rng.uniform(0.85, 1.15)
        n = max(2, int(round(km_between(p, q) / v * 3600 / step_s)))
        s = np.linspace(0, 1, n + 1)[1:]
        bow = bend * np.sin(np.pi * s)  # all zeros for straight legs: the same floats as without
        for k in range(n):
            t = t + pd.Timedelta(seconds=step_s)
            T.append(t)
            LA.append(p[0] + (q[0] - p[0]) * s[k] + bow[k] * (q[1] - p[1]))
            LO.append(p[1] + (q[1] - p[1]) * s[k] - bow[k] * (q[0] - p[0]))
        if i < len(dwells) and dwells[i] > 0:
            for _ in range(max(1, int(dwells[i] * 60 / step_s))):
                t = t + pd.Timedelta(seconds=step_s)
                T.append(t)
                LA.append(q[0])
                LO.append(q[1])
    la = np.array(LA) + rng.normal(0, noise_m / 111320, len(LA))
    lo = np.array(LO) + rng.normal(0, noise_m / (111320 * math.cos(math.radians(LA[0]))), len(LO))
    return T, list(np.round(la, 7)), list(np.round(lo, 7))


def score(kind: str, truth, refused: bool, value, text: str, tight: bool = False) -> str:
    """right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / judge /
    partial (a yes / no question answered by a list without yes or no). A number is right within
    2 % (at least 0.051), or 0.3 % where ``tight``."""
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
    if (
        kind == "idword"
    ):  # set 35: the id as a whole word on the first line (route "7" is not the 7 of "16.7")
        first = text.splitlines()[0] if text else ""
        return (
            "right"
            if re.search(rf"(?<![\w.]){re.escape(str(truth))}(?![\w.])", first, re.I)
            else "WRONG?"
        )
    if kind == "time":
        return "right" if truth in text else "WRONG?"
    if kind == "says":  # ask37b: the number written on the first line (whatever the value's unit)
        return "right" if _says((text.splitlines() or [""])[0], truth) else "WRONG?"
    if kind == "yesno":  # set 32: the first line says yes / no; a bare list of trips is partial
        first = text.splitlines()[0].strip().lower() if text else ""
        said = m.group(1) if (m := re.match(r"(yes|no)\b", first)) else None
        if said is None:
            return "partial"
        return "right" if said == ("yes" if truth else "no") else "WRONG"
    if kind == "idnum":  # set 33: "which van ..., and how far?": the id first, its number said
        named = str(truth[0]).lower() in (text.splitlines() or [""])[0].lower()
        return "right" if named and _says(text, truth[1]) else "WRONG?"
    if kind == "ids":  # set 33: "the 3 longest runs": every expected trip id in the answer
        return "right" if all(str(i) in text for i in truth) else "WRONG?"
    if kind == "pergroup":  # set 33: a line naming each group holds its number
        lines = text.splitlines()
        ok = all(
            any(
                re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", ln) and _says(ln, v)
                for ln in lines
            )
            for k, v in truth.items()
        )
        return "right" if ok else "WRONG?"
    if kind == "idset":  # set 34: {"yes": ids the answer names, "no": ids it must not name}
        named = lambda i: re.search(rf"(?<![\w-]){re.escape(str(i))}(?![\w-])", text, re.I)  # noqa: E731
        ok = all(named(i) for i in truth["yes"]) and not any(named(i) for i in truth["no"])
        return "right" if ok else "WRONG?"
    if kind == "hour":  # set 34: "the busiest hour": HH:00 on the first line
        return "right" if f"{int(truth):02d}:00" in text.splitlines()[0] else "WRONG?"
    if kind == "share":  # set 34: a fraction, said as one or as a percentage
        try:
            g = float(value)
        except (TypeError, ValueError):
            return "judge"
        near = lambda x, t: abs(x - t) <= max(0.02 * abs(t), 1e-9)  # noqa: E731
        return "right" if near(g, truth) or near(g, 100 * truth) else "WRONG"
    return "judge"


def _says(text: str, number: float) -> bool:
    """Whether ``text`` writes a number within 2 % (at least 0.051) of ``number``."""
    tol = max(0.02 * abs(number), 0.051)
    found = re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?", text)
    return any(abs(float(x.replace(",", "")) - number) <= tol for x in found)


def read_set(
    out: Path,
    name: str,
    askers: dict[str, Callable],
    questions: list,
    tight: frozenset = frozenset(),
    truth_file: str = "truth.json",
) -> None:
    """Ask every (id, question, kind) of ``questions`` of the store its id's letter names, score it
    against OUT/truth.json and write OUT/NAME.txt (one block a question, the tally last) and
    OUT/NAME.json (the truths from OUT/``truth_file``)."""
    T = json.loads((out / truth_file).read_text())
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


def read_named_paraphrases(out: Path, askers: dict[str, Callable], para: list, name: str) -> None:
    """``read_paraphrases`` of (store letter, question, kind, the truth.json key it paraphrases or None) rows, their
    truths read from OUT/truth.json; OUT/para.txt copied to OUT/para_NAME.txt (sets 35, 36)."""
    import shutil

    T = json.loads((out / "truth.json").read_text())
    read_paraphrases(out, askers, [(k, q, kind, T.get(key)) for k, q, kind, key in para])
    shutil.copy(out / "para.txt", out / f"para_{name}.txt")


def write_truth(out: Path, T: dict) -> None:
    """OUT/truth.json from ``truth()``'s dict (NumPy scalars as floats), and each key printed."""
    T = {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in T.items()}
    (out / "truth.json").write_text(json.dumps(T, indent=1, default=str))
    for k, v in T.items():
        print(k, v)


def load_script(name: str, rel: str) -> Any:
    """A study script under scripts/ (``rel``, e.g. "ask26/truth.py") as module ``name``: the
    earlier sets' trajlm-free truth helpers, which are scripts, not a package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / rel)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
