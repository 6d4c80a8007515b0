"""Never destroy a user's files: error classes, ownership markers, output checks, locks, modes.

    UserError family    what the CLI boundary turns into one `error: ...` line and exit 2
    MARKER (.trajlm)    a JSON file that says "trajlm made this directory" (kind store|run|...)
    check_output_dir    refuse a foreign non-empty directory, and an owned one without overwrite
    check_output_files  refuse an output that is an input, and an existing one without overwrite
    DirLock             an O_EXCL lock file holding the writer's pid; a dead pid's lock is taken
    clean_stale_tmp     temporary directories of writers that died (kill -9) are removed
    file_mode           the mode a new file gets under the current umask (mkstemp gives 0600)

Imports only the stdlib and schema.py: every layer (store, trainer, model) can use it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from trajlm._version import __version__
from trajlm.errors import (  # noqa: F401  (re-exported)
    ConfigError,
    DamagedFileError,
    LockedError,
    OutputExistsError,
    TrajlmInputError,
    UserError,
)

MARKER = ".trajlm"
LOCK = ".trajlm.lock"


# Exceptions a damaged file raises while it is parsed (JSON, safetensors, Parquet, Arrow):
# ValueError covers json and Polars/Arrow's invalid-data errors; the rest are caught by name.
_PARSE_ERRORS = (ValueError, KeyError, TypeError, IndexError, EOFError, UnicodeDecodeError)


@contextlib.contextmanager
def reading(path: str | os.PathLike, todo: str, also: tuple = ()) -> Iterator[None]:
    """Turn a parse failure while reading `path` (a JSON, safetensors or Parquet error, or one
    of `also`) into a DamagedFileError naming the file and saying what to do."""
    try:
        yield
    except (UserError, FileNotFoundError, PermissionError):
        raise
    except Exception as e:
        if not isinstance(e, _PARSE_ERRORS + tuple(also)) and not _is_format_error(e):
            raise
        first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
        raise DamagedFileError(path, first, todo) from e


def _is_format_error(e: Exception) -> bool:
    """safetensors' SafetensorError, Polars' ComputeError, Arrow's ArrowInvalid, OSError of a
    short read: matched by class name so this module needs none of those packages."""
    names = {c.__name__ for c in type(e).__mro__}
    known = {"SafetensorError", "ComputeError", "ArrowInvalid", "ArrowException", "PolarsError"}
    return bool(names & known) or (isinstance(e, OSError) and not e.filename)


# ----------------------------------------------------------------------------- markers
def write_marker(directory: str | os.PathLike, kind: str) -> None:
    """Mark `directory` as made by trajlm (what it is, by which version, when); a marker of the
    same kind is kept as it is."""
    if (read_marker(directory) or {}).get("kind") == kind:
        return
    info = {"kind": kind, "trajlm_version": __version__, "created_unix": int(time.time())}
    (Path(directory) / MARKER).write_text(json.dumps(info) + "\n")


def read_marker(directory: str | os.PathLike) -> dict | None:
    """The marker of `directory`, or None when it has none (or one that is not ours)."""
    f = Path(directory) / MARKER
    try:
        info = json.loads(f.read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and "kind" in info else None


def owned_kind(directory: Path, legacy: Callable[[Path], str | None] | None = None) -> str | None:
    """The kind of a trajlm-made directory: its marker's, else `legacy(directory)` (directories
    written before markers existed, recognised by their files), else None (not ours)."""
    marker = read_marker(directory)
    if marker is not None:
        return str(marker["kind"])
    return legacy(directory) if legacy is not None else None


def check_output_dir(
    out: str | os.PathLike,
    kind: str,
    *,
    overwrite: bool = False,
    resume: bool | None = False,
    option: str = "",
    legacy: Callable[[Path], str | None] | None = None,
) -> bool:
    """Check that `out` may be written as a `kind` directory; return whether it already holds
    one (then the caller replaces only its own files, or resumes).

    Refused: a file; a non-empty directory without our marker (never written into, whatever
    the flags); one of another kind; an existing one without `overwrite` or `resume`.
    resume=None: the caller has no resume option, so the hint names --overwrite only.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{option} {out} is a file, not a directory")
    if not out.exists() or not any(p.name not in (LOCK, MARKER) for p in out.iterdir()):
        return False  # empty, or only a marker left by a write that failed before any output
    name = f"{option} {out}".strip()
    for lock in (out / LOCK, out.parent / f".{out.name}.lock"):  # runs lock inside, stores beside
        holder = DirLock(lock, what=name).holder()
        if holder is not None:
            raise LockedError(
                f"{name} is being written by another process (lock {lock}, pid {holder['pid']})",
                hint="wait for it to finish",
            )
    have = owned_kind(out, legacy)
    if have is None:
        raise OutputExistsError(
            f"{name} is not a trajlm {kind}: a non-empty directory that trajlm did not create",
            hint="choose a new or empty directory (nothing in it was changed)",
        )
    if have != kind:
        raise OutputExistsError(f"{name} holds a trajlm {have}, not a {kind}")
    if not (overwrite or resume):
        can_resume = kind in ("run", "finetune-predict") and resume is not None
        flags = "--resume or --overwrite" if can_resume else "--overwrite"
        raise OutputExistsError(
            f"{name} already holds a trajlm {kind}",
            hint=f"pass {flags} (only trajlm's own files are replaced), or choose another",
        )
    return True


def drop_failed_marker(directory: str | os.PathLike, created: bool) -> None:
    """After a write that failed before any output: remove the marker it left (and the folder
    when this write created it), so nothing says a trajlm output is there when none is."""
    d = Path(directory)
    if not d.is_dir() or any(p.name not in (LOCK, MARKER) for p in d.iterdir()):
        return  # an output was written (e.g. a checkpoint, metrics.jsonl): kept as it is
    (d / MARKER).unlink(missing_ok=True)
    if created and not any(d.iterdir()):
        d.rmdir()


def remove_owned(directory: Path, names: Iterable[str]) -> None:
    """Delete only the listed entries (files or folders the tool writes) of `directory`."""
    for name in names:
        p = directory / name
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()


def broken_link(path: Path) -> str | None:
    """What a symlink that names nothing is: a loop or a link to a target that is gone (None:
    not a broken link). One wording for the CLI's options (_cli_io.must_exist) and the API's
    paths (data/coerce_path.path_problem); both said only "no such file" before badin33."""
    if not path.is_symlink() or path.exists():
        return None
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return "a symlink loop (it links back to itself)"
    except OSError as e:
        if e.errno == errno.ELOOP:  # 40 on Linux, 62 on macOS
            return "a symlink loop (it links back to itself)"
    return f"a symlink to {os.readlink(path)!r}, which does not exist"


def must_exist(path: Path, option: str) -> Path:
    """``path`` when it exists; else one UserError naming ``option`` (a dangling link or a loop
    said as such). The commands' reading check (out of _cli_io.py, review37)."""
    if not path.exists():
        if link := broken_link(path):  # badin33: a loop or a dangling link was "no such file"
            raise UserError(f"{option} {path}: {link}")
        raise UserError(f"{option} {path}: no such file or folder")
    return path


def _resolved(p: Path) -> Path:
    """``p.resolve()``, or its absolute name where it is a symlink loop (pathlib raises
    RuntimeError: badin33, `trajlm reach --input LOOP` was a traceback, not the input's line)."""
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return p.absolute()


def _same(a: Path, b: Path) -> bool:
    try:
        return _resolved(a) == _resolved(b) or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_output_files(
    outputs: dict[str, Path | None],
    inputs: Iterable[Path | None] = (),
    *,
    overwrite: bool = False,
) -> None:
    """Refuse (option -> path) outputs that are one of the inputs, that are folders, or that
    exist already (unless `overwrite`); their parent folders are created."""
    ins = [Path(p) for p in inputs if p is not None]
    for option, out in outputs.items():
        if out is None:
            continue
        out = Path(out)
        for src in ins:
            if _same(out, src) or (src.is_dir() and _resolved(src) in _resolved(out).parents):
                raise OutputExistsError(
                    f"{option} {out} would overwrite (or write into) the input {src}",
                    hint=f"choose another {option}",
                )
        if out.is_dir():
            raise OutputExistsError(f"{option} {out} is a directory; give a file name")
        if out.exists() and not overwrite:
            raise OutputExistsError(
                f"{option} {out} exists", hint="pass --overwrite to replace it, or another name"
            )
    for option, out in outputs.items():
        if out is not None:
            try:
                Path(out).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:  # read-only, /proc, a file in the way: name the option
                raise UserError(f"{option} {out}: cannot create its folder {Path(out).parent} "
                                f"({e.strerror or e})", hint=f"choose another {option}") from None  # fmt: skip


# ----------------------------------------------------------------------------- locks
def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _note(message: str) -> None:
    sys.stderr.write(f"note: {message}\n")


class DirLock:
    """An exclusive lock file (O_CREAT | O_EXCL) holding the writer's pid and host.

    with DirLock(run / LOCK, what=f"run {run}"): ...   # a second writer gets LockedError

    A lock left by a process that died (kill -9) on this host is taken over with a note.
    """

    def __init__(self, path: str | os.PathLike, what: str, note=_note) -> None:
        self.path, self.what, self.note = Path(path), what, note
        self.held = False

    def acquire(self) -> DirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since_unix": int(time.time())}
        # The lock appears complete: written to a private file, then hard-linked into place
        # (link fails if the lock exists, like O_EXCL), so nobody reads a half-written lock.
        mine = self.path.with_name(f"{self.path.name}.{os.getpid()}-{os.urandom(3).hex()}")
        fd = os.open(mine, os.O_CREAT | os.O_EXCL | os.O_WRONLY, file_mode())
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(info) + "\n")
        try:
            for _ in range(3):
                try:
                    os.link(mine, self.path)
                except FileExistsError:
                    owner = self.holder()
                    if owner is not None:
                        raise LockedError(
                            f"{self.what} is locked by {self.path} (pid {owner.get('pid')} on "
                            f"{owner.get('host')})",
                            hint="wait for that process to finish; remove the lock file only "
                            "if it is not running",
                        ) from None
                    stale = (self._owner() or {}).get("pid")
                    self.note(f"taking over the stale lock {self.path} (pid {stale} is gone)")
                    self.path.unlink(missing_ok=True)
                    continue
                self.held = True
                return self
        finally:
            mine.unlink(missing_ok=True)
        raise LockedError(f"{self.what}: could not take the lock {self.path}")

    def holder(self) -> dict | None:
        """The lock's owner when it is a live process, else None (no lock, or a stale one)."""
        owner = self._owner() if self.path.exists() else None
        if owner is None or owner.get("pid") == os.getpid():
            return None
        alive = owner.get("host") != socket.gethostname() or pid_alive(int(owner["pid"]))
        return owner if alive else None

    def _owner(self) -> dict | None:
        try:
            owner = json.loads(self.path.read_text())
            ok = isinstance(owner, dict) and isinstance(owner.get("pid"), int)
            return owner if ok else None
        except (OSError, ValueError):
            return None  # unreadable or half-written: treated as stale

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False

    def __enter__(self) -> DirLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


# ----------------------------------------------------------------------------- temporaries
def tmp_name(name: str) -> str:
    """Name of a temporary sibling of `name` that encodes the writer's pid (see clean_stale_tmp)."""
    return f".{name}.tmp-{os.getpid()}-{os.urandom(3).hex()}"


def clean_stale_tmp(parent: Path, name: str, note=_note) -> int:
    """Remove `.NAME.tmp-PID-*` folders/files in `parent` whose writer PID is dead; return how
    many. Live writers' temporaries are left alone."""
    n = 0
    if not parent.is_dir():
        return 0
    for p in parent.glob(f".{name}.tmp-*"):
        pid = p.name.rsplit(".tmp-", 1)[1].split("-")[0]
        if pid.isdigit() and pid_alive(int(pid)):
            continue
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        n += 1
    if n:
        note(f"removed {n} temporary folder(s) of an interrupted write next to {parent / name}")
    return n


@contextlib.contextmanager
def staged_dir(out: Path, what: str) -> Iterator[Path]:
    """Write a folder `out` through a temporary sibling: lock OUT/../.NAME.lock (``what`` names
    the writer in a held-lock error), remove dead writers' temporaries, and yield a fresh empty
    temporary folder; the caller moves it into place (os.replace) before the block ends. The
    temporary is removed on the way out, whatever happened (stores and corpora share this)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with DirLock(out.parent / f".{out.name}.lock", what=what):
        clean_stale_tmp(out.parent, out.name)
        tmp = out.parent / tmp_name(out.name)
        tmp.mkdir()
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- modes
def file_mode() -> int:
    """Mode of a new regular file under the process umask (0o666 & ~umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def chmod_by_umask(path: str | os.PathLike) -> None:
    """Give a file made by tempfile.mkstemp (always 0600) the mode a plain open() would."""
    os.chmod(path, file_mode())
