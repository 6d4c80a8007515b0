"""A phone at its stay over HTTP (session 32, stays32): /predict holds a history ending in a stay
as ``TrajLM.predict`` does (trajlm/api_stays.py), ``"hold_stays": false`` gives the rollout, and
every answer that holds says so in the request's words.

Why a module: the shared /predict passes (several requests' rows in one model call) say each
request's own lines, so the API's stay line, raised inside the shared call, never reached the
answer; and radii the route adds after the model's answer were the model's around a held point.
"""

from __future__ import annotations

import polars as pl

from trajlm.api_stays import HELD_AHEAD, OFF_SWITCH, held_at_stays, stay_lines

HTTP_OFF = '"hold_stays": false'  # the request field that gives the rollout


def said_stays(out: pl.DataFrame, history: pl.DataFrame, lines: list[str]
               ) -> tuple[pl.DataFrame, list[str]]:  # fmt: skip
    """``out`` (canonical rows of one request) with its stays held (again: positions and std_m
    as the model call held them; radii added since, the stay's own) and ``lines`` with the stay
    lines (api_stays.stay_lines) where the call's own lines lack them."""
    out, ids = held_at_stays(out, history)
    for line in stay_lines(out, history, ids, off=HTTP_OFF):  # fix33: the ahead line too
        mark = HELD_AHEAD if HELD_AHEAD in line else " end in a stay ("
        if not any(mark in said for said in lines):
            lines = [*lines, line]
    return out, lines


def http_stay_words(line: str) -> str:
    """The API's stay line with the HTTP field as its way off."""
    return line.replace(OFF_SWITCH, HTTP_OFF)


__all__ = ["HTTP_OFF", "http_stay_words", "said_stays"]
