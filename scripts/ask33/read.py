"""Read set 33 with the current code (ask33) and score it against truth.json:
python scripts/ask33/read.py NAME  -> $ASK33_OUT/NAME.txt / NAME.json.
A, B and C through `Asker`, the path `trajlm ask` takes (A with tz="America/Chicago", B "Europe/Copenhagen", C
"Australia/Sydney": the CLI's --tz); H through HTTP POST /ask (the app `trajlm serve` runs, in-process), the phone
study's CSV rows posted with their own keys and "tz": "Europe/Copenhagen" (a 422 is a refusal). Verdicts: right /
refused (an answerable question refused) / WRONG / WRONG? (read by hand) / partial / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))


class _Plan:
    def __init__(self, text: str) -> None:
        self.text = text

    def describe(self) -> str:
        return self.text


class _HttpAnswer:
    """POST /ask's JSON as read_set reads an Answer: its text, plan and value."""

    def __init__(self, body: dict) -> None:
        self.body, self.plan, self.value = body, _Plan(body["plan"]), body["value"]

    def __str__(self) -> str:
        return self.body["answer"]


def http_asker(csv: Path, tz: str):
    """A callable asking POST /ask about ``csv``'s rows (keys as the CSV names them)."""
    import pandas as pd
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import ServeSettings, create_app

    rows = pd.read_csv(csv).to_dict(orient="records")
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    client = TestClient(create_app(model, ServeSettings(max_body_bytes=16_000_000)))

    def ask(question: str) -> _HttpAnswer:
        r = client.post("/ask", json={"question": question, "rows": rows, "tz": tz})
        if r.status_code == 422:
            raise CannotAnswer(r.json()["error"])
        r.raise_for_status()
        return _HttpAnswer(r.json())

    return ask


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "A": Asker(OUT / "fleet_store", tz="America/Chicago"),
        "B": Asker(OUT / "phone_store", tz="Europe/Copenhagen"),
        "H": http_asker(OUT / "phone.csv", "Europe/Copenhagen"),
        "C": Asker(OUT / "ferries_store", tz="Australia/Sydney"),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
