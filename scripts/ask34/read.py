"""Read set 34 with the current code (ask34) and score it against truth.json:
python scripts/ask34/read.py NAME  -> $ASK34_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): A the AIS store
(Europe/Brussels), B the bike-share store (America/Toronto), C the collars store (Africa/Nairobi); the leftovers
on set 33's stores under $ASK33_OUT (scripts/ask33/gen.py, ingest.sh): F the fleet store (America/Chicago), N
the fleet's CSV rows as a pandas frame without its vehicle column, P the phone store (Europe/Copenhagen).
Verdicts: right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / partial / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK34_OUT", "/tmp/ask34"))
OUT33 = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))


def no_vehicle_frame() -> Asker:
    """Set 33's fleet rows with the vehicle column (unit) left out: runs, times, places, shifts."""
    import pandas as pd

    rows = pd.read_csv(OUT33 / "fleet.csv").drop(columns=["unit"])
    cols = {
        "traj_id": "run",
        "t": "timestamp",
        "lat": "latitude",
        "lon": "longitude",
        "label": "shift",
    }
    return Asker(rows, tz="America/Chicago", columns=cols)


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "A": Asker(OUT / "ais_store", tz="Europe/Brussels"),
        "B": Asker(OUT / "bikes_store", tz="America/Toronto"),
        "C": Asker(OUT / "collars_store", tz="Africa/Nairobi"),
        "F": Asker(OUT33 / "fleet_store", tz="America/Chicago"),
        "N": no_vehicle_frame(),
        "P": Asker(OUT33 / "phone_store", tz="Europe/Copenhagen"),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
