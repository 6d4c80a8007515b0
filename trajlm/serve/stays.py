"""A phone at its stay over HTTP (session 32, stays32): /predict holds a history ending in a stay
as ``TrajLM.predict`` does (trajlm/api_stays.py), ``"hold_stays": false`` gives the rollout, and
every answer that holds says so in the request's words.

Why a module: the shared /predict passes (several requests' rows in one model call) say each
request's own lines, so the API's stay line, raised inside the shared call, never reached the
answer; and radii the route adds after the model's answer were the model's around a held point.
"""

from __future__ import annotations

import polars as pl

from trajlm.api_stays import OFF_SWITCH, held_at_stays, stay_lines

HTTP_OFF = '"hold_stays": false'  # the request field that gives the rollout


class SaidLine(str):
    """An answer's line that keeps the class of the Python warning it was (convert.warned), so
    a line is told by its class, not its wording (leftover34: said_stays matched words)."""

    category: type[Warning]

    def __new__(cls, text: str, category: type[Warning]) -> SaidLine:
        line = super().__new__(cls, text)
        line.category = category
        return line


def reworded(old: str, new: str) -> str:
    """``new``, the rewording of ``old`` for the answer, keeping ``old``'s warning class."""
    return SaidLine(new, old.category) if isinstance(old, SaidLine) else new


def said_stays(out: pl.DataFrame, history: pl.DataFrame, lines: list[str]
               ) -> tuple[pl.DataFrame, list[str]]:  # fmt: skip
    """``out`` (canonical rows of one request) with its stays held (again: positions and std_m
    as the model call held them; radii added since, the stay's own) and ``lines`` with the stay
    lines (api_stays.stay_lines) whose class the call's own lines lack."""
    out, ids = held_at_stays(out, history)
    said = {getattr(line, "category", None) for line in lines}
    for category, line in stay_lines(out, history, ids, off=HTTP_OFF):  # fix33: ahead too
        if category not in said:
            lines = [*lines, SaidLine(line, category)]
    return out, lines


def http_stay_words(line: str) -> str:
    """The API's stay line with the HTTP field as its way off."""
    return line.replace(OFF_SWITCH, HTTP_OFF)


__all__ = ["HTTP_OFF", "SaidLine", "http_stay_words", "reworded", "said_stays"]
