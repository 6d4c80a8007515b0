"""The `trajlm` commands' boundary and voice (out of _cli_io.py, session 19): the only place
that turns exceptions into exit statuses, and the one way a command prints an error, a warning,
a plain line or a table.

    user error (UserError, TrajlmInputError, missing/unreadable file)  one line `error: ...`, 2
    bad option syntax (click)                                            click's usage error, 2
    anything else (a bug)                                                traceback, 1

`--debug` (or TRAJLM_DEBUG=1) shows the traceback of user errors too. Messages are printed
without markup, so a path like `a[/]b` is shown as it is.
"""

from __future__ import annotations

import errno
import json
import os
import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from trajlm._safety import UserError
from trajlm.errors import TrajlmInputError  # not data.schema: it imports polars (tidy30)

console = Console(emoji=False)  # a run named `m` or `car`: `trajlm:car:` is no emoji (newuser33)


def fail(message: str) -> None:
    """A user error: one line `error: ...`, exit status 2 (the boundary below)."""
    raise UserError(message)


# --------------------------------------------------------------------------- warnings
# Every warning a command shows goes through `warn`: one line `warning: ...` on stderr, each
# text once per command (the boundary routes Python warnings here: no file path, no source
# line, no second copy of a coverage line the command already printed with its source).
COVERAGE_PREFIX = "input outside the training coverage: "
_shown: set[str] = set()


def _parse_warning(text: str) -> tuple[str | None, bool, str]:
    """(source, is a coverage line, the text alone) of a warning's message."""
    text = " ".join(str(text).split())
    if text.startswith(COVERAGE_PREFIX):
        return None, True, text.removeprefix(COVERAGE_PREFIX)
    source, sep, rest = text.partition(": outside training coverage: ")  # "SOURCE: ..."
    return (source, True, rest) if sep else (None, False, text)


_in_command: list[bool] = []  # non-empty while a `trajlm` command runs (BoundaryGroup.invoke)


def in_command() -> bool:
    """True inside a `trajlm` command; False where the Python API runs a command's body
    (TrajLM.fit, TrajLM.evaluate): its lines are then Python warnings (api29)."""
    return bool(_in_command)


_typed: list[str] = []  # the running command's line as typed (BoundaryGroup.resolve_command)


def typed(flag: str) -> bool:
    """Whether ``flag`` (``--split``) was typed on the running command's line, not left at its
    default (fix33b: a default "test" must not be refused where a typed --split is)."""
    return any(a == flag or a.startswith(f"{flag}=") for a in _typed)


def warn(text: str, source: str | None = None, category: type[Warning] | None = None) -> None:
    """Print `warning: [SOURCE: ]TEXT` on stderr unless this command already said TEXT; a
    coverage line (the API's "input outside the training coverage: ...", or "SOURCE: outside
    training coverage: ...") reads `warning: [SOURCE: ]outside training coverage: ...`.
    Outside a command (the Python API running a command's body) TEXT is a Python warning of
    ``category`` (default ``trajlm.errors.NoteWarning``) at the caller's line instead."""
    if not in_command():
        from trajlm.errors import NoteWarning, warn_at_caller

        warn_at_caller(f"{source}: {text}" if source else text, category or NoteWarning)
        return
    src, coverage, key = _parse_warning(text)
    if key in _shown:
        return
    _shown.add(key)
    src = source or src
    body = f"outside training coverage: {key}" if coverage else key
    click.echo(f"warning: {src}: {body}" if src else f"warning: {body}", err=True)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """warnings.showwarning for the commands: the message only, through `warn`."""
    warn(str(message))


def say(message: str) -> None:
    """A plain line: no markup, no highlighting (paths are shown as they are), never broken at
    the console width (one message stays one line when piped)."""
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def tell(line: str, category: type[Warning], out: Console | None = None) -> None:
    """A note a command prints as ``line`` (on ``out``, default the console); under the
    Python API a warning of ``category`` instead, its "note: " / "warning: " lead dropped
    (api29: TrajLM.evaluate's quiet console swallowed them; TrajLM.fit printed them)."""
    if in_command():
        (out or console).print(line, markup=False, highlight=False, soft_wrap=True)
        return
    from trajlm.errors import warn_at_caller

    for lead in ("note: ", "warning: "):
        line = line.removeprefix(lead)
    warn_at_caller(" ".join(line.split()), category)


# OSErrors that are about the user's files or machine, not about trajlm's code.
_USER_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR,
                errno.EEXIST, errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG, errno.ENOTEMPTY,
                errno.EDQUOT}  # fmt: skip


def out_of_memory(e: BaseException) -> bool:
    """A MemoryError, or torch's allocator refusing (CPU "can't allocate memory", CUDA "out of
    memory"): what was asked for does not fit this machine, not a bug (badin34: a config with
    d_model = 1e9 ended in a RuntimeError traceback)."""
    if isinstance(e, MemoryError):  # Python's and NumPy's (_ArrayMemoryError) allocations
        return True
    torch = sys.modules.get("torch")  # not loaded: the error cannot be torch's (no import here)
    if torch is not None and isinstance(e, getattr(torch, "OutOfMemoryError", ())):
        return True  # an accelerator's allocator (CUDA, XPU, MPS): a type of its own
    # Last fallback, the text: torch's CPU allocator raises a plain RuntimeError ("[enforce
    # fail at alloc_cpu.cpp] ... DefaultCPUAllocator: can't allocate memory ... Error code 12")
    # with no type, errno or attribute to test (torch 2.13, review36)
    text = str(e)
    return isinstance(e, RuntimeError) and (
        "can't allocate memory" in text or "out of memory" in text
    )


def is_user_error(e: BaseException) -> bool:
    if isinstance(e, TrajlmInputError) or out_of_memory(e):
        return True
    return isinstance(e, OSError) and e.errno in _USER_ERRNOS


def one_line(e: BaseException) -> str:
    """The message of a user error on one line (OSError: 'strerror: filename')."""
    if out_of_memory(e):
        import re

        asked = re.search(r"allocate (\d+) bytes", str(e))
        size = f" ({int(asked.group(1)) / 2**30:,.1f} GiB asked at once)" if asked else ""
        return (f"out of memory{size}: this machine cannot hold what was asked; ask for less "
                "(a smaller [model] d_model / n_layers, [train] batch_size / max_len, or less input)")  # fmt: skip
    if isinstance(e, OSError) and e.strerror and not isinstance(e, TrajlmInputError):
        text = f"{e.filename}: {e.strerror}" if e.filename else e.strerror
        if e.filename2:
            text += f" (-> {e.filename2})"
    else:
        text = str(e) or type(e).__name__
    from trajlm._cli_hints import short_values

    return short_values(" ".join(text.split()))


class BoundaryGroup(TyperGroup):
    """The top-level `trajlm` group: user errors become `error: ...` and exit status 2."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        ctx.meta.setdefault("trajlm_args", list(args))  # the command line, for own_flags
        _typed[:] = ctx.meta["trajlm_args"]
        from trajlm._cli_repeats import repeated_option

        if twice := repeated_option(self, ctx, list(args)):  # click keeps the last, silently
            raise UserError(twice)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):
        import warnings

        from trajlm.errors import SAID_ONCE

        _shown.clear()
        SAID_ONCE.clear()  # a command is a session of its own (in-process calls in tests too)
        _in_command.append(True)
        try:
            with warnings.catch_warnings():  # every warning as one `warning: ...` line, once
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except (Exception, KeyboardInterrupt) as e:  # Interrupted is a KeyboardInterrupt
            from trajlm.train.interrupt import Interrupted

            if isinstance(e, KeyboardInterrupt) and not isinstance(e, Interrupted):
                raise  # a plain Ctrl-C: click's own "Aborted!"
            if isinstance(e, Interrupted):  # a signal (Ctrl-C / SIGTERM): not the user's error
                if str(e):  # other DDP ranks than 0 stay silent
                    click.echo(one_line(e), err=True)
                ctx.exit(130)
            if not is_user_error(e) or ctx.meta.get("trajlm_debug") or os.environ.get(
                "TRAJLM_DEBUG"
            ):  # fmt: skip
                raise
            from trajlm._cli_hints import own_flags

            text = own_flags(one_line(e), self, ctx, ctx.meta.get("trajlm_args", []))
            click.echo(f"error: {text}", err=True)
            ctx.exit(2)
        finally:
            _in_command.pop()
            console.stderr = False  # `ingest --json` sent its lines there: this command only


# ----------------------------------------------------------------------------- tables
# Every text that can hold a user's string (paths, reasons, values) is escaped for rich.
def report_table(report: dict, title: str = "drop report") -> Table:
    table = Table(title=escape(title))
    table.add_column("what")
    table.add_column("rows", justify="right")
    table.add_row("rows in", f"{report['rows_in']:,}")
    for reason, n in report.get("dropped", {}).items():
        table.add_row(escape(f"dropped: {reason}"), f"{n:,}")
    for reason, n in report.get("repaired", {}).items():
        table.add_row(f"[dim]{escape(f'repaired: {reason}')}[/dim]", f"{n:,}")
    table.add_row("[bold]rows kept", f"[bold]{report['rows_kept']:,}")
    return table


def dict_table(d: dict, title: str) -> Table:
    table = Table(title=escape(title), show_header=False)
    table.add_column("key")
    table.add_column("value")
    for k, v in d.items():
        text = json.dumps(v) if isinstance(v, dict | list) else str(v)
        if isinstance(v, float):  # -0.1831517368555069 read as noise (newuser28); JSON keeps all
            text = f"{v:.6g}"
        table.add_row(escape(str(k)), escape(text))
    return table
