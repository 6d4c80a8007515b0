"""The line ``coerce_pieces`` warns when it cuts a vehicle's fixes into trips, said again in the
words of the entry point that read the frame (session 22, pieces22; out of coerce_pieces.py,
review35): ``retold`` swaps its "results carry ... join on" sentence for an answer that is not
keyed by (id, piece), ``joined_cut_lines`` says one call's frames' lines as one (tidy23), and
``said_again`` / ``retold_at_caller`` re-warn a block's warnings at the caller's line."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from trajlm.errors import warn_at_caller

_CARRY = re.compile(r"results carry '([^']+)' as given and a 'piece' column .*?: join on "
                    r"\('[^']+', 'piece'\)\. ")  # fmt: skip
_CARRY_ONE = re.compile(r"results carry a 'piece' column \(0, 1, \.\.\. in time order\)\. ")


def retold(message: str, sentence: Callable[[str | None], str]) -> str:
    """The cut's line (``_say``) with its "results carry ... join on" sentence replaced by
    ``sentence(col)`` (``col``: the caller's id column, None for one mover's fixes), for an
    entry point whose answer is not a frame keyed by (id, piece): arrays in the pieces' order,
    ``trajlm.ask``'s trips (session 22, pieces22). Other messages come back unchanged."""
    message = _CARRY.sub(lambda m: sentence(m.group(1)) + " ", message)
    return _CARRY_ONE.sub(lambda _: sentence(None) + " ", message)


CUTS = "as `trajlm data ingest` cuts files: "  # the cut line's words before its counts
_LINE = re.compile(rf"^(?P<src>[^:]+): (?P<body>.+?, {re.escape(CUTS)})(?P<count>[^;]+); (?P<tail>.+)$",
                   re.S)  # fmt: skip


def joined_cut_lines(messages: list[str]) -> list[str]:
    """``messages`` with the cut's lines (``_say``) of one call's frames (train and val, read by
    the same column and rule) said as one: ``train and val: ... cuts files: train 2 vehicle_id
    value(s) -> 15 trajectories (13 cut(s)), val ...; ...`` (session 23, tidy23: ``fit`` said
    it once per frame). Lines that differ otherwise, and other messages, stay as they are."""
    out: list[str] = []
    first: dict[tuple[str, str], int] = {}  # (body, tail) -> index in out of its joined line
    parts: dict[int, list[tuple[str, str]]] = {}
    for message in messages:
        m = _LINE.match(message)
        if m is None:
            out.append(message)
            continue
        key = (m["body"], m["tail"])
        if key not in first:
            first[key] = len(out)
            out.append(message)
        parts.setdefault(first[key], []).append((m["src"], m["count"]))
    for at, said in parts.items():
        if len(said) > 1:
            body, tail = next(k for k, i in first.items() if i == at)
            names = " and ".join(dict.fromkeys(src for src, _ in said))
            counts = ", ".join(f"{src} {count}" for src, count in said)
            out[at] = f"{names}: {body}{counts}; {tail}"
    return out


@contextmanager
def said_again(rewrite: Callable[[list[str]], list[str]]) -> Iterator[None]:
    """The block's warnings said again at the caller's line, as ``rewrite`` words the list of
    their messages (also when the block raises). A rewrite that keeps one line per warning
    keeps each one's category; a line it joins is a UserWarning unless said as it was."""
    said: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                said = list(seen)
    finally:
        messages = [str(w.message) for w in said]
        lines = rewrite(messages)
        kinds = {m: w.category for m, w in zip(messages, said, strict=True)}
        for i, line in enumerate(lines):
            same = len(lines) == len(said)
            warn_at_caller(line, said[i].category if same else kinds.get(line, UserWarning))


def retold_at_caller(sentence: Callable[[str | None], str]) -> AbstractContextManager[None]:
    """The block's warnings said again at the caller's line, the cut's line ``retold`` with
    ``sentence`` (also when the block raises)."""
    return said_again(lambda messages: [retold(m, sentence) for m in messages])
