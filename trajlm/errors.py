"""The exceptions a user can fix: bad input, arguments, configs, outputs and damaged files.

They sit below every other module (data readers, configs and checkpoints raise them) and the CLI
turns each into one line and exit status 2; anything else is a bug and stays loud.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


class TrajlmInputError(ValueError):
    """Bad input, with where it is (file, line, field) and what to do about it."""

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        text = where_text(path, line, field) + message
        if hint:
            text += f"; {hint}"
        super().__init__(text)
        self.path, self.line, self.field, self.hint = path, line, field, hint
        # the trajectory the problem is in, as trajlm's text id, where the message names it
        # ("traj_id 'a'"): relabel says it as the caller's id value (session 18, errnames18)
        self.traj_id: str | None = None

    def relabel(self, names: dict[str, str], id_text: Callable[[str], str] | None = None) -> None:
        """Say the caller's names (session 18, errnames18): ``field`` (trajlm's canonical
        ``traj_id`` / ``t`` / ``lat`` / ``lon``) becomes the caller's column from ``names``, and
        the trajectory named in the message (``traj_id 'a'``, ``trajectory '7'``) the caller's id
        column and value (``id_text``: '7' -> 7 for an integer id column). In place, one line."""
        text = str(self.args[0]) if self.args else ""
        field = names.get(self.field, self.field) if self.field is not None else None
        old, new = (
            where_text(self.path, self.line, self.field),
            where_text(self.path, self.line, field),
        )
        if old and text.startswith(old):
            text = new + text[len(old) :]
        col = names.get("traj_id", "traj_id")
        if self.traj_id is not None:
            shown = id_text(self.traj_id) if id_text else repr(self.traj_id)
            for said in (f"traj_id {self.traj_id!r}", f"trajectory {self.traj_id!r}"):
                if (col, shown) != ("traj_id", repr(self.traj_id)):  # else: as it was
                    text = text.replace(said, f"{col} {shown}", 1)
        self.field, self.args = field, (text,)

    def said_of(self, field: str) -> TrajlmInputError:
        """This error said of the caller's argument ``field`` (``trajlm.divert``'s ``order``,
        where the reader it called names it ``to``): its "field NAME: " lead, which `where_text`
        wrote from ``self.field``, becomes ``field``'s; a file's lead (path) is kept whole."""
        text = str(self.args[0]) if self.args else ""
        lead = where_text(None, None, self.field) if self.path is None else ""
        if lead and text.startswith(lead):
            text = text[len(lead) :]
        return TrajlmInputError(text, field=field)


def where_text(path: str | os.PathLike | None, line: int | None, field: str | None) -> str:
    """The "file line 3 field lat: " that leads a TrajlmInputError's message."""
    where = ""
    if path is not None:
        parts = Path(path).parts
        # the last three parts keep e.g. GeoLife's user folder; a path no longer than that is
        # said whole (/tmp/x.csv read "tmp/x.csv": the root dropped, as if relative)
        where = str(path) if len(parts) <= 4 else "/".join(parts[-3:])
        if line is not None:
            where += f" line {line}"
        if field is not None:
            where += f" field {field}"
        where += ": "
    elif field is not None:
        where = f"field {field}: "
    return where


class EarlyNumericTimes(TrajlmInputError):
    """Times that, read as Unix seconds, fall before 1990 (elapsed seconds, or another unit?):
    a type, so that the CLI can add its own way (--time-origin) without reading the text."""


class DayMonthGuess(TrajlmInputError):
    """Dates like 02/12/2026 whose day/month order only a guess would settle: a type, so that
    the CLI can name its --time-format instead of pandas' way without reading the text."""


class UserError(TrajlmInputError):
    """A mistake the user can fix (bad path, value, config, file): one line, exit status 2."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)


class ConfigError(UserError):
    """A config section, key or value that is not accepted (names e.g. `train.lr`)."""


class OutputExistsError(UserError, FileExistsError):
    """An output would replace an existing file or directory (or an input)."""


class MissingFileError(UserError, FileNotFoundError):
    """A path the user gave does not exist or is not what was asked for (a store, a model
    folder); still a ``FileNotFoundError`` for callers that catch that."""


class ArgumentError(UserError, TypeError):
    """A keyword argument a public method does not take (names the method and its valid
    arguments); still a ``TypeError`` for callers that catch that."""


class NotFittedError(UserError, AttributeError):
    """A method called before ``fit`` (sklearn's convention: a ``ValueError`` and an
    ``AttributeError``)."""


class LockedError(UserError):
    """Another live process writes to the same run or store directory."""


class DamagedFileError(UserError):
    """A file the tool wrote can no longer be read (truncated, garbage, wrong content)."""

    def __init__(self, path: str | os.PathLike, problem: str, todo: str) -> None:
        super().__init__(f"{path}: damaged file ({problem})", hint=todo)
        self.path = path


class NewerFormatError(UserError):
    """A file written by a newer trajlm (format_version above what this one reads)."""


_PACKAGE = os.path.dirname(os.path.abspath(__file__))  # trajlm/


def warn_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """warnings.warn pointed at the first frame outside trajlm, torch and contextlib (the
    user's line), however deep the library call that found the problem."""
    import sys
    import warnings

    level, frame = 2, sys._getframe(1)
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE)
        or f"{os.sep}torch{os.sep}" in frame.f_code.co_filename
        or frame.f_code.co_filename.endswith("contextlib.py")
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


# Notes said once per process: how a column was read is the same on every call of a notebook
# (newuser26: the milliseconds note came with each of a 3-call notebook's calls; each call is a
# new line of the user's, so Python's own once-per-line rule repeats it). Tests clear it.
SAID_ONCE: set[tuple[type[Warning], str]] = set()


def warn_once_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """warn_at_caller, the first time this process meets ``message`` (its text names the
    column and what was read, so each kind of note is said once)."""
    if (category, message) in SAID_ONCE:
        return
    SAID_ONCE.add((category, message))
    warn_at_caller(message, category)


# ----------------------------------------------------------------------------- notes (api29)
# What a `trajlm` command prints beside its result ("warning: ..." / "note: ..." lines) is a
# Python warning of these categories when the command's code runs under the Python API
# (TrajLM.fit runs `trajlm train`'s body, TrajLM.evaluate `trajlm eval`'s): a notebook user
# sees it at the line of their call and filters it by category; a command prints it as a line.
class NoteWarning(UserWarning):
    """What a command says beside its result, raised under the Python API (api29). Its
    subclasses name the kind; coverage lines keep ``trajlm.model.coverage.CoverageWarning``
    and few-trip tables ``trajlm.eval.few_scored.FewScoredWarning``, as ``predict`` /
    ``run_eval`` raise them."""


class EvalNoteWarning(NoteWarning):
    """A note beside `trajlm eval`'s table (``TrajLM.evaluate``): a baseline skipped, how the
    irregular reports were asked, why a val-checked row and a baseline row of one engine
    differ."""


class WorseThanBaselineWarning(NoteWarning):
    """ "The model loses here": a model row worse than constant velocity (its CI above 1) in
    `trajlm eval`, or a kept model not better than the best baseline on val at the end of
    `trajlm train` (``TrajLM.fit``)."""


class VerdictNoteWarning(NoteWarning):
    """Which engine answers ``TrajLM.predict`` after `trajlm train`'s val check (the model, or
    a baseline it chose; ``TrajLM.fit``): the verdict's line."""


class StayWarning(UserWarning):
    """A history ending in a stay, answered at the stay (``TrajLM.predict``'s ``hold_stays``,
    trajlm/api_stays.py). The server tells a model call's own stay lines from the others by
    this class, not by their wording (leftover34; review33 found serve/stays.py matching text)."""


class StayAheadWarning(StayWarning):
    """A held stay answered further ahead than a stay's circles were measured (badin33)."""
