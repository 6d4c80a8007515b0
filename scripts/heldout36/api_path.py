"""heldout36: a new user's Python API path on each raw file (docs/data.md "Session 36
(heldout36)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file (or folder) itself, then .predict / .predict(seconds_ahead=) on the last movers of the
frame pandas reads where a user would reach for pandas (pd.read_orc, polars' read_avro,
pd.read_json(lines=True), pd.read_csv); one line per call (ok / the error's first line, and
each warning's first line) and the engine that answered.
    PYTHONPATH=$PWD python scripts/heldout36/api_path.py [SET ...]   # raw files in $HELDOUT36/raw
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT36", "/tmp/heldout36")
RAW = f"{H}/raw/"

FILES = {"orc_lake": "positions.orc", "avro_lake": "telemetry.avro",
         "kafka_ndjson": "vehicle-positions.ndjson.gz", "here_probe": "probe_20261103.csv",
         "valhalla_traces": "valhalla_traces", "endomondo": "endomondo",
         "citibike": "202611-citibike-tripdata.csv", "topojson": "tracks.topojson"}  # fmt: skip


def _avro() -> pd.DataFrame:
    import polars as pl

    return pl.read_avro(RAW + "telemetry.avro").to_pandas()


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "orc_lake": (lambda: pd.read_orc(RAW + "positions.orc"), "device_id"),
    "avro_lake": (_avro, "vehicleId"),
    "kafka_ndjson": (lambda: pd.read_json(RAW + "vehicle-positions.ndjson.gz", lines=True), "key"),
    "here_probe": (lambda: pd.read_csv(RAW + "probe_20261103.csv"), "PROBE_ID"),
    "citibike": (lambda: pd.read_csv(RAW + "202611-citibike-tripdata.csv"), "ride_id"),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
