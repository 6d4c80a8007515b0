"""What the `trajlm` commands share: the user-error boundary, option checks, and reading the
user's files (configs, stores, models) into clear one-line errors (points: trajlm/_cli_points.py).

The boundary (`BoundaryGroup`) is the only place that turns exceptions into exit statuses:

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
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from trajlm._safety import UserError, check_output_files, reading
from trajlm.data.schema import TrajlmInputError

SPLIT_NAMES = ("train", "val", "test")
THREADS_HELP = "Torch CPU threads (default: 1 for small models or <= 2 cores, else the cores)."
OVERWRITE_HELP = "Replace existing outputs (only files trajlm wrote; never an input)."
ON_ERROR_HELP = "raise | skip: for GPX / PLT / MF-JSON inputs, drop and count bad records."
console = Console()


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


def warn(text: str, source: str | None = None) -> None:
    """Print `warning: [SOURCE: ]TEXT` on stderr unless this command already said TEXT; a
    coverage line (the API's "input outside the training coverage: ...", or "SOURCE: outside
    training coverage: ...") reads `warning: [SOURCE: ]outside training coverage: ...`."""
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


# OSErrors that are about the user's files or machine, not about trajlm's code.
_USER_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR,
                errno.EEXIST, errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG, errno.ENOTEMPTY,
                errno.EDQUOT}  # fmt: skip


def is_user_error(e: BaseException) -> bool:
    if isinstance(e, TrajlmInputError):
        return True
    return isinstance(e, OSError) and e.errno in _USER_ERRNOS


def one_line(e: BaseException) -> str:
    """The message of a user error on one line (OSError: 'strerror: filename')."""
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
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):
        import warnings

        _shown.clear()
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
        table.add_row(escape(str(k)), escape(text))
    return table


# ----------------------------------------------------------------------------- option checks
def choice(value: str | None, choices, option: str) -> str | None:
    """`value` when it is one of `choices` (None passes), else a UserError naming the option."""
    from trajlm._config import did_you_mean

    if value is None or value in choices:
        return value
    raise UserError(f"{option}: unknown value {value!r}{did_you_mean(value, choices)}")


def positive(value: float | None, option: str, upper: float | None = None) -> float | None:
    """A finite number > 0 (and <= upper); None passes."""
    import math

    if value is None:
        return None
    if not math.isfinite(value) or value <= 0 or (upper is not None and value > upper):
        rng = f"in (0, {upper:g}]" if upper is not None else "> 0"
        raise UserError(f"{option} must be a finite number {rng}, got {value}")
    return value


def suffix(path: Path | None, allowed: tuple[str, ...], option: str) -> None:
    if path is not None and path.suffix.lower() not in allowed:
        raise UserError(f"{option} {path}: the name must end in {' or '.join(allowed)}")


def outputs(files: dict[str, Path | None], inputs, overwrite: bool) -> None:
    """check_output_files, plus: two outputs may not be the same file."""
    given = [Path(p).resolve() for p in files.values() if p is not None]
    if len(set(given)) < len(given):
        raise UserError(f"{' and '.join(k for k, v in files.items() if v)} name the same file")
    check_output_files(files, inputs, overwrite=overwrite)


# ----------------------------------------------------------------------------- reading
def must_exist(path: Path, option: str) -> Path:
    if not path.exists():
        raise UserError(f"{option} {path}: no such file or folder")
    return path


def load_config(path: Path) -> dict:
    """A JSON or TOML config with known sections only ([model], [train] (+ .objectives))."""
    from trajlm._config import check_sections

    must_exist(path, "--config")
    if path.is_dir():
        raise UserError(f"--config {path} is a folder; give a .toml or .json file")
    try:
        text = path.read_text()
    except UnicodeDecodeError as e:
        raise UserError(f"--config {path}: not a text file ({e.reason})") from e
    try:
        if path.suffix == ".toml":
            import tomllib

            cfg = tomllib.loads(text)
        else:
            cfg = json.loads(text)
    except ValueError as e:  # TOMLDecodeError and JSONDecodeError say the line and column
        kind = "TOML" if path.suffix == ".toml" else "JSON"
        raise UserError(f"--config {path}: invalid {kind} ({one_line(e)})") from e
    return check_sections(cfg, ("model", "train"), source=f"--config {path}")


def configs_from(cfg: dict, source: str = "", overrides: dict | None = None):
    """(ModelConfig, TrainConfig) of a parsed config plus CLI overrides (None = not given);
    every problem is a ConfigError that names the source and `section.key`."""
    from trajlm._config import build, check_sections
    from trajlm._safety import ConfigError
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig

    try:
        check_sections(cfg, ("model", "train"), source or "config")
        train_cfg = TrainConfig.from_dict(cfg.get("train", {}))
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        if given:  # checked like the file's values (e.g. --max-steps 0 is refused)
            train_cfg = build(TrainConfig, {**train_cfg.__dict__, **given}, "train")
        model_cfg = ModelConfig.from_dict(cfg.get("model", {}))
    except ConfigError as e:
        raise ConfigError(
            f"{source}: {e}" if source and not str(e).startswith(source) else str(e)
        ) from e
    return model_cfg, train_cfg


def store(path: Path, option: str = "--data") -> Path:
    """A store directory that is whole (manifest, stats, index, part footers)."""
    from trajlm.data.store import _is_store, verify_store

    must_exist(path, option)
    if not _is_store(path):
        raise UserError(
            f"{option} {path}: not a trajlm store (no manifest.json / points/)",
            hint="create one with `trajlm data ingest` or `trajlm data synth`",
        )
    verify_store(path)
    return path


def read_store_checked(path: Path, option: str, split: str | None = None):
    """A store's points after check_model_input (the `split` column kept). A store's times
    are dates (ingest already applied its own --min-year), so they are read from 1900 like
    any dated input: hurricanes since 1944 and icebergs since 1978 stay readable
    (cliuser18: `trajlm eval` refused the stores `trajlm data ingest` had written)."""
    from trajlm.data.schema import MIN_T_DATED, check_model_input
    from trajlm.data.store import read_store

    df = read_store(store(path, option), split=split)
    return check_model_input(df, source=str(path), min_t=MIN_T_DATED)


def fit_output(data: Path, out: Path, kind: str, overwrite: bool) -> None:
    """Checks before fitting a store-bound model (selector, route recovery) into `out`: the
    store is whole, `out` is not inside it, and `out` holds nothing but our own `kind`."""
    from trajlm._safety import check_output_dir

    store(data)
    if out.resolve() == data.resolve() or data.resolve() in out.resolve().parents:
        raise UserError(f"--out {out} is inside the store --data {data}; choose another --out")
    check_output_dir(out, kind, overwrite=overwrite, option="--out")


def fit_splits(data: Path, what: str) -> dict:
    """The store's train / val / test tables; `what` (e.g. "the selector") tunes on val, so an
    empty val split is one clear line."""
    from trajlm.eval.protocol import _split

    parts = _split(read_store_checked(data, "--data"))
    if len(parts["val"]) == 0:
        raise UserError(f"--data {data}: the val split is empty; {what} tunes on val")
    return parts


def load_model(run: Path, option: str = "--model"):
    """TrajectoryModel.from_pretrained with errors that name the option and the file."""
    from trajlm.model import TrajectoryModel
    from trajlm.model.weights import CONFIG_NAME, SHIPPED_DIR

    if not Path(run).exists() and (SHIPPED_DIR / str(run) / CONFIG_NAME).is_file():
        try:  # a named checkpoint of the package ("trajlm-small")
            return TrajectoryModel.from_pretrained(str(run)).eval()
        except FileNotFoundError as e:  # its weights are not built here
            raise UserError(f"{option} {e}") from None
    must_exist(run, option)
    if not (run / "model.safetensors").exists() and (run / "merged" / "model.safetensors").exists():
        return TrajectoryModel.from_pretrained(run).eval()  # a fine-tune folder: RUN/merged
    if not (run / "model.safetensors").exists():
        from trajlm._cli_hints import other_model_kind

        other = other_model_kind(run)
        raise UserError(
            f"{option} {run}: "
            + (f"{other}, not a transformer run; this command needs a run of `trajlm train` "
               "(or trajlm-small)" if other else
               "no model.safetensors (expected a run directory from `trajlm train`)")
        )  # fmt: skip
    return TrajectoryModel.from_pretrained(run).eval()


def coverage_note(
    model,
    df,
    source: str,
    far_m: float = 50_000.0,
    history: int | None = None,
    predicts: bool = True,
) -> float | None:
    """Warn, naming the feature, where `df` lies outside the training coverage recorded in the
    model's config.json (trajlm.model.coverage; speed and sampling interval where the coverage
    gate acts on each trajectory's last `history` points, all when None). A model trained before coverage was recorded
    gets the older check: a note when most points lie far (> far_m + 10 position scales) from
    the centre of its training area; returns that median distance in metres (else None)."""
    import numpy as np

    from trajlm.model.coverage import coverage_warnings, load_coverage

    if load_coverage(model) and len(df):  # the training coverage recorded in config.json
        for line in coverage_warnings(model, df, history, predicts):
            warn(f"{source}: outside training coverage: {line}")
        return None
    stats = model.config.stats
    if not stats or len(df) == 0:
        return None
    lat0, lon0 = np.radians(stats["lat0"]), np.radians(stats["lon0"])
    lat, lon = np.radians(df["lat"].to_numpy()), np.radians(df["lon"].to_numpy())
    a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    median = float(np.median(2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))))
    if median > far_m + 10 * float(stats.get("xy_scale", 0.0)):
        click.echo(
            f"note: {source} lies {median / 1000:,.0f} km (median) from where the model was "
            f"trained (centre {stats['lat0']:.3f}, {stats['lon0']:.3f}); results there are "
            "extrapolation (fine-tune on this area first)",
            err=True,
        )
    return median


def embedding_spec(run: Path) -> int | None:
    """n_points of RUN/embedding.json (written by `trajlm finetune --task similarity`)."""
    spec = run / "embedding.json"
    if not spec.exists():
        return None
    with reading(spec, "run `trajlm finetune --task similarity` again"):
        n = json.loads(spec.read_text()).get("n_points")
        if n is not None and (not isinstance(n, int) or n < 2):
            raise ValueError(f"n_points is {n!r}")
    return n


def model_dict(path: Path) -> dict:
    """A run's config.json as a [model] section (its data statistics dropped)."""
    if not path.exists():
        return {}
    with reading(path, "restore it, or train again with --overwrite"):
        d = json.loads(path.read_text())
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
    d.pop("stats", None)
    return d


def run_train_config(path: Path) -> dict:
    with reading(path, "restore it, or train again with --overwrite"):
        d = json.loads(path.read_text())
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
    return d
