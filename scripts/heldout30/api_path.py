"""heldout30: a new user's Python API path on each raw file (docs/generalization.md "Session 30
(heldout30)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
The Signal K log has no pandas reader a user would reach for, and pd.read_html needs lxml (not
installed): left out; the wide rally table is melted by hand as a user would.
    PYTHONPATH=$PWD python scripts/heldout30/api_path.py [SET ...]   # runs in $HELDOUT30/runs/SET/best
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import api_path  # noqa: E402

H = os.environ.get("HELDOUT30", "/tmp/heldout30")
RAW = f"{H}/raw/"


def rally() -> pd.DataFrame:
    # the pandas way to make a wide table long: one row per car and tick
    w = pd.read_csv(RAW + "rally_wide.csv")
    long = pd.wide_to_long(w, ["lat", "lon"], i="time_utc", j="car", sep="_").reset_index()
    return long.dropna(subset=["lat", "lon"]).sort_values(["car", "time_utc"])


FRAMES = {  # set -> (reader, the column a user would group movers by, lat, lon)
    "radiosonde": (lambda: pd.read_csv(RAW + "radiosonde.txt", sep=r"\s+", comment="#"),
                   "Flight", "Lat", "Lon"),
    "cattle_dehesa": (lambda: pd.read_csv(RAW + "cattle_dehesa.csv", sep=";", decimal=","),
                      "Collar", "Latitud", "Longitud"),
    "runner_jalali": (lambda: pd.read_csv(RAW + "runner_jalali.csv"), "runner", "lat", "lng"),
    "harvester_bng_after": (lambda: pd.read_csv(RAW + "harvester_bng.csv"), "Machine", None, None),
    "rally_wide": (rally, "car", "lat", "lon"),
    "campervan_traccar": (lambda: pd.read_csv(RAW + "campervan_traccar.csv"), "deviceid",
                          "latitude", "longitude"),
}  # fmt: skip


def main() -> None:
    api_path(FRAMES, H)


if __name__ == "__main__":
    main()
