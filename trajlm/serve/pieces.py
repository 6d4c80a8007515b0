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
from trajlm.errors import TrajlmInputError
from trajlm.serve.rows import ID_KEY, NO_ID
from trajlm.serve.stays import http_stay_words, reworded


def for_model(df: pl.DataFrame, split_gaps: bool | float | None) -> tuple[pl.DataFrame, dict]:
    """(the request's frame, the column options of the model call) for ``split_gaps`` (the
    request field; None: the Python API's default, a mover's rows are cut). ``(df, {})`` when
    the rows are read as before: ``traj_id`` rows (or features) without ``split_gaps``, and
    ``split_gaps: false``."""
    key = ID_KEY.get()
    if key == NO_ID:  # rows naming no trajectory: one mover's fixes, as a frame without an id
        if split_gaps is False:  # the API refuses such a frame with split_gaps=False too
            raise TrajlmInputError(
                'missing: the rows name no trajectory, and "split_gaps": false reads each id '
                "as one trajectory",
                field="trajectories[0].traj_id",
                hint="name it traj_id (or vehicle_id for a vehicle's fixes)",
            )
        return df.drop("traj_id"), {"split_gaps": True if split_gaps is None else split_gaps}
    if split_gaps is False or (split_gaps is None and (key is None or not is_mover(key, False))):
        return df, {}
    key = key or "traj_id"
    named = df if key == "traj_id" else df.rename({"traj_id": key})
    return named, {"traj_col": key, "split_gaps": True if split_gaps is None else split_gaps}


def as_sent(out: pl.DataFrame, options: dict) -> pl.DataFrame:
    """A model answer with the id back in ``traj_id`` (as sent; ``piece`` where a cut
    happened)."""
    if "traj_id" not in out.columns and PIECE in out.columns and "traj_col" not in options:
        return out.select(pl.lit(None, pl.Utf8).alias("traj_id"), pl.all())  # one mover: null
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


_ONE_HEAD = "no column names the trajectory: the frame is read as one mover's fixes"
_ONE_TAIL = re.compile(
    r"results carry a 'piece' column \(0, 1, \.\.\. in time order\)\. Several vehicles in "
    r"one frame need their id column: traj_col=\.\.\.; split_gaps=False refuses a frame "
    r"without one"
)


def http_words(lines: list[str]) -> list[str]:
    """The Python API's line about a cut in the request's words: ids come back in ``traj_id``
    with a ``piece`` field, and ``"split_gaps": false`` keeps each id whole; rows naming no
    trajectory come back with ``traj_id`` null and their ``piece``."""
    out = []
    for said in lines:
        line = _TAIL.sub(
            lambda m: (
                f"answers carry each {m[1]} as sent in traj_id and a piece field (0, 1, "
                f"... in time order within each {m[1]}): join on (traj_id, piece). "
                f'"split_gaps": false reads each {m[1]} as one trajectory'
            ),
            said,
        )
        line = line.replace(_ONE_HEAD, "no row names its trajectory (traj_id, vehicle_id, ...): "
                            "the rows are read as one mover's fixes")  # fmt: skip
        out.append(_ONE_TAIL.sub(
            "answers carry traj_id null and a piece field (0, 1, ... in time order). Several "
            "vehicles in one request need an id in every row (traj_id; vehicle_id to cut each "
            'at gaps); "split_gaps": false refuses rows without one',
            line,
        ))  # fmt: skip
        # the API's `predict(latest=True)` is no field of a request (newuser28: the HTTP answer
        # named it); the latest piece is each id's highest `piece`
        out[-1] = _LATEST.sub(r"each \1's latest piece is its highest piece", out[-1])
        out[-1] = http_stay_words(out[-1])  # a held stay's way off: the request field (stays32)
        out[-1] = reworded(said, out[-1])  # its warning class kept (said_stays reads it)
    return out


_LATEST = re.compile(r"predict\(latest=True\): one answer per (\S+), from its latest piece")


def trajectory_keys(out: pl.DataFrame) -> list[str]:
    """The columns one answered trajectory is named by: traj_id (and piece)."""
    return ["traj_id", *piece_of(out)]


def row_id(row: dict[str, Any], id_out: Any) -> dict[str, Any]:
    """An answer entry's id fields: ``traj_id`` as sent (and ``piece``)."""
    return {"traj_id": id_out(row["traj_id"])} | ({PIECE: row[PIECE]} if PIECE in row else {})


def cut_rows(df: pl.DataFrame, options: dict) -> tuple[pl.DataFrame, Any, list[str]]:
    """The request's rows cut as the API's own call cuts them (``for_model``'s frame and
    options): (the pieces as ``traj_id`` rows, named ``VAN-01_1``, the layout that maps an
    answer back, the API's lines). So a vehicle's /predict shares the micro-batched pass with
    other requests (session 22, pieces22; it was one model call per request). Run it on the
    model thread (``worker.call``): recording warnings swaps process-wide state, so it holds
    the lock the model thread's recordings hold (convert.RECORDING_LOCK); run beside one, in the
    event loop, it lost its lines now and then (session 23, tidy23)."""
    import warnings

    from trajlm.data.coerce import coerce
    from trajlm.serve.convert import RECORDING_LOCK

    with RECORDING_LOCK, warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        table, layout = coerce(df, source="input", **options)
    return table.select("traj_id", "t", "lat", "lon"), layout, [str(w.message) for w in seen]


def pieces_answer(out: pl.DataFrame, layout: Any) -> pl.DataFrame:
    """A shared pass's answer keyed by piece names -> what the API's own call answers after
    ``as_sent``: the id as sent in ``traj_id`` and ``piece`` (one mover: ``traj_id`` null)."""
    from trajlm.data.coerce_pieces import pieces_back

    back = pieces_back(out, layout)
    if getattr(layout, "pieces", None) is None or layout.traj_col != PIECE:
        return back
    return back.select(pl.lit(None, pl.Utf8).alias("traj_id"),
                       pl.col("traj_id").cast(pl.Int64).alias(PIECE), pl.exclude("traj_id"))  # fmt: skip
