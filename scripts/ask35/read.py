"""Read set 35 with the current code (ask35) and score it against truth.json:
python scripts/ask35/read.py NAME  -> $ASK35_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz): A the bus AVL store
(America/Edmonton), B the van-week store (Europe/London), C the runners' store (Europe/Berlin); the leftovers:
F set 33's fleet store ($ASK33_OUT, America/Chicago), L / K set 34's AIS / collars stores ($ASK34_OUT), V set
34's AIS rows as a polars frame with columns vessel_name / vessel_type / t / lat / lon (Europe/Brussels).
Verdicts: right / refused (an answerable question refused) / WRONG / WRONG? (read by hand) / partial / error."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import read_set  # noqa: E402
from questions import Q  # noqa: E402

from trajlm.questions import Asker  # noqa: E402

OUT = Path(os.environ.get("ASK35_OUT", "/tmp/ask35"))
OUT34 = Path(os.environ.get("ASK34_OUT", "/tmp/ask34"))
OUT33 = Path(os.environ.get("ASK33_OUT", "/tmp/ask33"))


def vessel_name_frame() -> Asker:
    """Set 34's AIS rows as a caller's frame: a ship named only in its `vessel_name` column (badin34b's 253)."""
    import polars as pl

    raw = pl.read_csv(OUT34 / "ais.csv")
    rows = raw.select(
        pl.col("VesselName").alias("vessel_name"),
        pl.col("VesselType").alias("vessel_type"),
        pl.col("BaseDateTime").str.to_datetime().dt.replace_time_zone("UTC").alias("t"),
        pl.col("LAT").alias("lat"),
        pl.col("LON").alias("lon"),
    )
    return Asker(rows, tz="Europe/Brussels")


def askers() -> dict:
    """The stores' askers, by the questions' letters."""
    return {
        "A": Asker(OUT / "avl_store", tz="America/Edmonton"),
        "B": Asker(OUT / "vans_store", tz="Europe/London"),
        "C": Asker(OUT / "runs_store", tz="Europe/Berlin"),
        "F": Asker(OUT33 / "fleet_store", tz="America/Chicago"),
        "L": Asker(OUT34 / "ais_store", tz="Europe/Brussels"),
        "K": Asker(OUT34 / "collars_store", tz="Africa/Nairobi"),
        "V": vessel_name_frame(),
    }


def main(name: str) -> None:
    read_set(OUT, name, askers(), Q)


if __name__ == "__main__":
    main(sys.argv[1])
