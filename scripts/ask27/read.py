"""Read set 27 with the current code (ask27) through `Asker`, the path `trajlm ask` takes, and score it
against truth.json: python scripts/ask27/read.py NAME  -> $ASK27_OUT/NAME.txt / NAME.json.
Store C is asked with tz="America/Chicago" (the CLI's `--tz America/Chicago`).
Verdicts: right / refused (an answerable question refused) / WRONG / judge (read by hand) / error."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from questions import Q  # noqa: E402

from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK27_OUT", "/tmp/ask27"))


def score(kind, truth, refused, value, text):
    if kind == "refuse":
        return "right" if refused else "WRONG"
    if refused:
        return "refused"
    if kind == "num":
        try:
            g = float(value)
        except (TypeError, ValueError):
            return "judge"
        return "right" if abs(g - truth) <= max(0.02 * abs(truth), 0.051) else "WRONG"
    if kind == "id":
        return "right" if str(truth).lower() in text.splitlines()[0].lower() else "WRONG?"
    if kind == "time":
        return "right" if truth in text else "WRONG?"
    return "judge"


def main(name: str) -> None:
    T = json.loads((OUT / "truth.json").read_text())
    askers = {
        "A": Asker(OUT / "apron_store"),
        "B": Asker(OUT / "vests_store"),
        "C": Asker(OUT / "harvest_store", tz="America/Chicago"),
        "D": Asker(OUT / "lifeboat_store"),
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
        v = "error" if kind == "error" else score(kind, T.get(qid), refused, value, text)
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
