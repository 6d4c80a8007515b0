"""AIS vessel positions (MovingPandas Ever Given / Suez sample, `boat-positions.csv`).

CSV with a UTF-8 byte-order mark: `ID, ais_pos_timestamp ("DD/MM/YYYY HH:MM", UTC), longitude,
latitude`. traj_id = vehicle_id = ID (one trajectory per vessel; voyages are split later by the
cleaning gap splitter). Other AIS exports (e.g. Danish Maritime Authority `MMSI, # Timestamp,
Latitude, Longitude, SOG, COG`) read with format="csv" and a ColumnMap, e.g.
`ColumnMap(traj_id="MMSI", t="# Timestamp", lat="Latitude", lon="Longitude",
time_format="%d/%m/%Y %H:%M:%S", extra={"sog_kn": "SOG", "cog_deg": "COG"})`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import ColumnMap, Ctx
from trajlm.data.readers.tabular import PRESETS, iter_csv


def iter_ais(
    paths: list[Path], ctx: Ctx, chunk_rows: int, columns: ColumnMap | None = None
) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole vessel tracks from AIS CSV files."""
    yield from iter_csv(paths, columns or PRESETS["ais"], ctx, chunk_rows)
