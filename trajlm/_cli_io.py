"""What the `trajlm` commands share: the user-error boundary, option checks, and reading the
user's files (configs, points, stores, models) into clear one-line errors.

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
from trajlm.data.schema import LINE, TrajlmInputError

SPLIT_NAMES = ("train", "val", "test")
THREADS_HELP = "Torch CPU threads (default: 1 for small models or <= 2 cores, else the cores)."
OVERWRITE_HELP = "Replace existing outputs (only files trajlm wrote; never an input)."
ON_ERROR_HELP = "raise | skip: for GPX / PLT / MF-JSON inputs, drop and count bad records."
console = Console()


def fail(message: str) -> None:
    """A user error: one line `error: ...`, exit status 2 (the boundary below)."""
    raise UserError(message)


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
    return " ".join(text.split())


class BoundaryGroup(TyperGroup):
    """The top-level `trajlm` group: user errors become `error: ...` and exit status 2."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        ctx.meta.setdefault("trajlm_args", list(args))  # the command line, for own_flags
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as e:
            from trajlm.train.interrupt import TrainingInterrupted

            if isinstance(e, TrainingInterrupted):  # saved, to continue: not the user's error
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
    """A store's points after check_model_input (the `split` column kept)."""
    from trajlm.data.schema import check_model_input
    from trajlm.data.store import read_store

    return check_model_input(read_store(store(path, option), split=split), source=str(path))


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


_COLUMN_FLAGS = {"traj_col": "--traj-col", "time_col": "--time-col", "lat_col": "--lat-col",
                 "lon_col": "--lon-col", "crs": "--crs"}  # fmt: skip


def read_points(
    path: Path,
    option: str,
    split: str | None = None,
    columns: dict | None = None,
    on_error: str | None = None,
):
    """Model input from a store directory, CSV, Parquet or any file a reader knows (GPX, PLT,
    MF-JSON, ...: format detected), validated by check_model_input (NaN, latitude 200, times
    going backwards: an error naming the file, field and row). `columns`: the --traj-col /
    --time-col / --lat-col / --lon-col names (traj_col=..., as coerce takes them). `on_error`:
    the command's --on-error for raw formats ("skip" drops and counts bad records, said in one
    line); None when the command has no such option (hints then name `trajlm data ingest`)."""
    import polars as pl

    from trajlm.data.coerce import coerce
    from trajlm.data.readers._common import HINT_SKIP
    from trajlm.errors import TrajlmInputError

    must_exist(path, option)
    if path.is_dir():
        return read_store_checked(path, option, split).drop("split", strict=False)
    todo = "give a table with columns traj_id, t (unix seconds), lat, lon"
    columns = {k: v for k, v in (columns or {}).items() if v is not None}
    if on_error == "skip" and path.suffix.lower() in (".parquet", ".csv"):
        raise UserError(f"--on-error skip applies to GPX / PLT / MF-JSON inputs; {option} "
                        f"{path} is a table: clean it with `trajlm data ingest`")  # fmt: skip
    try:
        if path.suffix.lower() == ".parquet":
            with reading(path, todo):
                df = pl.read_parquet(path, glob=False)
            if not {"lat", "lon", columns.get("lat_col"), columns.get("lon_col")} & set(df.columns):
                df = _geoparquet(path, df)
        elif path.suffix.lower() == ".csv":
            from trajlm.data.readers import header_names, sniff_sep

            with open(path, "rb") as f:  # `;` / tab separated files too
                head = f.readline(1 << 16).decode("utf-8", errors="replace")
            sep = sniff_sep(head) or ","
            names = header_names(head, sep, path) if head.strip() else []  # a name given twice
            with reading(path, todo):
                df = pl.read_csv(path, schema_overrides={"traj_id": pl.Utf8}, glob=False,
                                 separator=sep, new_columns=names or None)  # fmt: skip
            df = _with_lines(path, df)
        else:  # a raw format a reader knows: read it whole (errors name file, line, field)
            from trajlm.data.readers import detect_format, read

            try:
                fmt = detect_format(path)
            except TrajlmInputError:
                raise UserError(
                    f"{option} {path}: expected a store directory, .csv, .parquet or a file "
                    "trajlm reads (.gpx, .plt, .json)"
                ) from None
            df, report = read(path, fmt, on_error=on_error or "raise")
            if report.total:
                say(f"{option} {path}: dropped {dict(report.dropped)} of {report.rows_in:,} "
                    "records (--on-error skip)")  # fmt: skip
        # The API's column detection: traj_id/trip_id/track_id, t/timestamp/time (unix seconds,
        # ISO text or datetimes), lat/latitude, lon/lng/longitude; then check_model_input.
        return coerce(df, source=str(path), **columns)[0].drop(LINE, strict=False)
    except TrajlmInputError as e:
        text = str(e)
        if on_error is None:  # this command has no --on-error: name the command that has it
            text = text.replace(HINT_SKIP, f"`trajlm data ingest {path} --on-error skip --out "
                                "STORE` drops and counts such rows")  # fmt: skip
        for arg, flag in _COLUMN_FLAGS.items():  # the CLI's names for coerce's arguments
            text = text.replace(f"{arg}=...", f"{flag} NAME").replace(f"{arg}=", f"{flag} ")
        raise UserError(text if str(path) in text else f"{option} {path}: {text}") from None


def _with_lines(path: Path, df):
    """`df` (read_csv of `path`, one row per line after the header, blank lines included) with
    each row's 1-based file line in column LINE, so errors name lines; unchanged when the
    counts differ (a quoted field spanning lines)."""
    import polars as pl

    with open(path, "rb") as f:
        data = f.read()
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if n_lines - 1 != len(df) or LINE in df.columns:
        return df
    return df.with_columns(pl.int_range(2, len(df) + 2, dtype=pl.Int64).alias(LINE))


def _geoparquet(path: Path, df):
    """A GeoParquet file of points (GeoPandas' to_parquet) as a GeoDataFrame, which coerce
    reprojects from its CRS; `df` unchanged when the file has no point geometry column."""
    import pyarrow.parquet as pq

    from trajlm.data.readers._geoparquet import geometry_source

    if geometry_source(pq.ParquetFile(path).schema_arrow, path) is None:
        return df
    from trajlm.data.geo import require

    return require("geopandas").read_parquet(path)


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
        raise UserError(
            f"{option} {run}: no model.safetensors (expected a run directory from `trajlm train`)"
        )
    return TrajectoryModel.from_pretrained(run).eval()


def coverage_note(model, df, source: str, far_m: float = 50_000.0) -> float | None:
    """Warn, naming the feature, where `df` lies outside the training coverage recorded in the
    model's config.json (trajlm.model.coverage). A model trained before coverage was recorded
    gets the older check: a note when most points lie far (> far_m + 10 position scales) from
    the centre of its training area; returns that median distance in metres (else None)."""
    import numpy as np

    from trajlm.model.coverage import coverage_warnings, load_coverage

    if load_coverage(model) and len(df):  # the training coverage recorded in config.json
        for line in coverage_warnings(model, df):
            click.echo(f"warning: {source}: outside training coverage: {line}", err=True)
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
