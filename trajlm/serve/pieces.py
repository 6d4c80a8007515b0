"""A vehicle's rows cut into trajectories as the Python API cuts them (session 21,
httppieces21).

``TrajLM``'s methods cut a frame keyed by a vehicle / user / device (``vehicle_id``, ``mmsi``,
``user_id``, ...) at ingest's gap rule and answer with the caller's id and a ``piece`` column
(data/coerce_pieces.py, frames21). The HTTP API read every request as ``traj_id`` rows, so the
same rows gave other trajectories over HTTP. Here the request's rows reach the model methods
under the key they were sent with, and the methods cut them (the rule stays in the data layer);
``traj_id`` rows (and GeoJSON / MF-JSON features) go the way they went unless the request says
``split_gaps``. Answers carry each id as sent in ``traj_id`` and ``piece`` where a cut happened.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from trajlm.data.coerce_pieces import PIECE, is_mover
from trajlm.serve.rows import ID_KEY


def for_model(df: pl.DataFrame, split_gaps: bool | float | None) -> tuple[pl.DataFrame, dict]:
    """(the request's frame, the column options of the model call) for ``split_gaps`` (the
    request field; None: the Python API's default, a mover's rows are cut). ``(df, {})`` when
    the rows are read as before: ``traj_id`` rows (or features) without ``split_gaps``, and
    ``split_gaps: false``."""
    key = ID_KEY.get()
    if split_gaps is False or (split_gaps is None and (key is None or not is_mover(key, False))):
        return df, {}
    key = key or "traj_id"
    named = df if key == "traj_id" else df.rename({"traj_id": key})
    return named, {"traj_col": key, "split_gaps": True if split_gaps is None else split_gaps}


def as_sent(out: pl.DataFrame, options: dict) -> pl.DataFrame:
    """A model answer with the id back in ``traj_id`` (as sent; ``piece`` where a cut
    happened)."""
    key = options.get("traj_col", "traj_id")
    return out if key == "traj_id" or key not in out.columns else out.rename({key: "traj_id"})


def piece_of(out: pl.DataFrame) -> tuple[str, ...]:
    """``("piece",)`` when the answer's trajectories are pieces of a cut id, else ``()``."""
    return (PIECE,) if PIECE in out.columns else ()


_TAIL = re.compile(
    r"results carry '([^']+)' as given and a 'piece' column \(0, 1, \.\.\. in time order "
    r"within each \S+\): join on \('[^']+', 'piece'\)\. split_gaps=False reads each \S+ as "
    r"one trajectory"
)


def http_words(lines: list[str]) -> list[str]:
    """The Python API's line about a cut in the request's words: ids come back in ``traj_id``
    with a ``piece`` field, and ``"split_gaps": false`` keeps each id whole."""
    return [
        _TAIL.sub(
            lambda m: (
                f"answers carry each {m[1]} as sent in traj_id and a piece field (0, 1, "
                f"... in time order within each {m[1]}): join on (traj_id, piece). "
                f'"split_gaps": false reads each {m[1]} as one trajectory'
            ),
            line,
        )
        for line in lines
    ]


def trajectory_keys(out: pl.DataFrame) -> list[str]:
    """The columns one answered trajectory is named by: traj_id (and piece)."""
    return ["traj_id", *piece_of(out)]


def row_id(row: dict[str, Any], id_out: Any) -> dict[str, Any]:
    """An answer entry's id fields: ``traj_id`` as sent (and ``piece``)."""
    return {"traj_id": id_out(row["traj_id"])} | ({PIECE: row[PIECE]} if PIECE in row else {})
