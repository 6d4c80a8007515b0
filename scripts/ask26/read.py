"""Read set 26 with the current code (ask26) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask26/read.py NAME  -> $ASK26_OUT/NAME.txt / NAME.json.
Store C is asked with tz="Africa/Nairobi" (the CLI's `--tz Africa/Nairobi`)."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from questions import Q  # noqa: E402

from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK26_OUT", "/tmp/ask26"))
TIGHT = {
    "A3",
    "A15",
    "B10",
    "B18",
    "C7",
    "C14",
}  # per-day km where split and start-day readings differ by ~1 %


def score(kind, qid, truth, refused, value, text):
    if kind == "refuse":
        return "right" if refused else "WRONG"
    if refused:
        return "refused"
    if kind == "num":
        try:
            g = float(value)
        except (TypeError, ValueError):
            return "judge"
        tol = 0.003 * abs(truth) if qid in TIGHT else max(0.02 * abs(truth), 0.051)
        return "right" if abs(g - truth) <= tol else "WRONG"
    if kind == "id":
        return "right" if str(truth).lower() in text.splitlines()[0].lower() else "WRONG?"
    if kind == "time":
        return "right" if truth in text else "WRONG?"
    return "judge"


def main(name: str) -> None:
    T = json.loads((OUT / "truth.json").read_text())
    askers = {
        "A": Asker(OUT / "amb_store"),
        "B": Asker(OUT / "diary_store"),
        "C": Asker(OUT / "boda_store", tz="Africa/Nairobi"),
    }
    rows, tally, lines = [], {}, []
    for qid, q, kind in Q:
        try:
            a = askers[qid[0]](q)
            text, plan, value, refused = str(a), a.plan.describe(), a.value, False
        except CannotAnswer as e:
            text, plan, value, refused = str(e), None, None, True
        except Exception as e:  # noqa: BLE001 - a traceback is a finding
            text, plan, value, refused = f"ERROR {type(e).__name__}: {e}", None, None, False
            kind = "error"
        v = "error" if kind == "error" else score(kind, qid, T.get(qid), refused, value, text)
        tally[v] = tally.get(v, 0) + 1
        rows.append(
            dict(id=qid, q=q, verdict=v, truth=T.get(qid), value=value, plan=plan, answer=text)
        )
        lines.append(
            f"[{v:7}] {qid:4} {q}\n   truth={T.get(qid)}\n   plan={plan}\n   "
            + "\n   ".join(text.splitlines()[:4])
        )
    lines.append(json.dumps(tally))
    (OUT / f"{name}.txt").write_text("\n".join(lines) + "\n")
    (OUT / f"{name}.json").write_text(json.dumps(rows, indent=1, default=str))
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
