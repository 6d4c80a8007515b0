"""heldout33b: a new user's Python API path on each raw file (docs/data.md "Session 33
(heldout33b)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on 3 movers of the frame a user would
read with pandas: pd.read_csv for the CSVs, pyarrow's stream reader `.to_pandas()` for the
Arrow stream (its `position` struct arrives as dicts); one line per call.
    PYTHONPATH=$PWD python scripts/heldout33b/api_path.py [SET ...]   # raw files in $HELDOUT33B/raw
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT33B", "/tmp/heldout33b")
RAW = f"{H}/raw/"

FILES = {"adsbx_traces": "adsbx_traces", "fr24_flights": "fr24_flights.csv",
         "vans_arrows": "vans.arrows", "logbook_dm": "logbook_dm.csv"}  # fmt: skip


def _stream_frame() -> pd.DataFrame:
    import pyarrow as pa

    with pa.OSFile(RAW + "vans.arrows", "rb") as f:
        return pa.ipc.open_stream(f).read_all().to_pandas()


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "fr24_flights": (lambda: pd.read_csv(RAW + "fr24_flights.csv"), "Callsign"),
    "vans_arrows": (_stream_frame, "vehicle"),
    "logbook_dm": (lambda: pd.read_csv(RAW + "logbook_dm.csv"), "Boat"),
}


if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
