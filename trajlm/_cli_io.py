"""What the `trajlm` commands read and check: option values, output paths, and the user's files
(configs, stores, models) read into clear one-line errors (points: trajlm/_cli_points.py). The
boundary that prints those lines, warnings and tables: trajlm/_cli_boundary.py (its names are
importable from here too, as the commands have always imported them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from trajlm._cli_boundary import BoundaryGroup as BoundaryGroup
from trajlm._cli_boundary import console as console
from trajlm._cli_boundary import dict_table as dict_table
from trajlm._cli_boundary import fail as fail
from trajlm._cli_boundary import is_user_error as is_user_error
from trajlm._cli_boundary import one_line as one_line
from trajlm._cli_boundary import report_table as report_table
from trajlm._cli_boundary import say as say
from trajlm._cli_boundary import tell as tell
from trajlm._cli_boundary import warn as warn
from trajlm._cli_config import (  # noqa: F401  (the commands import them from here)
    config_numbers,
    configs_from,
    load_config,
    selector_network,
    toml_section,
)
from trajlm._safety import UserError, check_output_files, must_exist, reading

SPLIT_NAMES = ("train", "val", "test")
THREADS_HELP = "Torch CPU threads (default: 1 for small models or <= 2 cores, else the cores)."
OVERWRITE_HELP = "Replace existing outputs (only files trajlm wrote; never an input)."
# `trajlm eval` and `trajlm finetune` --classes: one definition (session 23, tidy23)
CLASSES_HELP = ("classify: auto (modes when a label is a GeoLife mode, else store), modes "
                "(GeoLife's bike / bus / car / rail; taxi -> car) or store (the store's own "
                "labels, as written).")  # fmt: skip
# `trajlm data ingest` and `trajlm predict` --time-format: one meaning (leftover34)
TIME_FORMAT_HELP = (
    "csv/parquet: iso | unix | unix_ms | unix_us | unix_ns | excel (serial days since "
    "1899-12-30) | dmy / mdy (dd-mm-yyyy / mm-dd-yyyy, either separator) | frames@25 (frame "
    "numbers at 25 per second, with --time-origin) | a strptime pattern "
    "such as '%d.%m.%Y %H:%M:%S' (default: ISO-8601 text or Unix seconds)."
)
ON_ERROR_HELP = "raise | skip: for GPX / PLT / MF-JSON inputs, drop and count bad records."
ON_ERROR_TABLE_HELP = (
    "raise | skip: drop and count bad records (GPX / PLT / MF-JSON; CSV / Parquet rows with "
    "missing or invalid coordinates or repeated times, as `trajlm data ingest` drops them)."
)


# the name and help of a table input's column options (--traj-col ...): one wording for every
# command that reads CSV / Parquet (column_option)
COLUMN_WHAT = {"traj_col": "trajectory id", "time_col": "time", "lat_col": "latitude",
               "lon_col": "longitude"}  # fmt: skip


def column_option(field: str, inputs: str = "--input table") -> Any:
    """The typer option of a table input's column ``field`` (traj_col -> --traj-col), no
    default, its help "<inputs>: <what> column." (session 24: copied per command before)."""
    import typer

    flag = "--" + field.replace("_", "-")
    return typer.Option(None, flag, help=f"{inputs}: {COLUMN_WHAT[field]} column.")


def crs_option(inputs: str = "--input table", answers: str = "answers come back in it") -> Any:
    """The typer option --crs of a table input: a projected CRS's code, or ``local`` (x / y
    metres on a plane, newuser36), one wording for every command that reads a file (local37:
    anomalies / reach / travel-time / parked / divert lacked it, while the plane check's hint
    named it)."""
    import typer

    return typer.Option(
        None,
        "--crs",
        help=f"{inputs}: CRS of projected coordinates (EPSG:32629; --lat-col = northing), or "
        f"local: x / y metres on a plane not on the Earth (a pitch, a warehouse); {answers}.",
    )


def on_plane(path: Path, crs: str | None, option: str) -> bool:
    """True when ``path``'s answers are x / y metres on a local plane: a store ingested with
    ``--crs local``, or a file read with ``--crs local``. --crs on a store is refused unless it
    says the store's own (a store keeps the CRS it was ingested with; it was ignored)."""
    from trajlm.data.geo import is_local
    from trajlm.data.local_plane import store_crs

    if not (path.is_dir() and (path / "manifest.json").is_file()):
        return is_local(crs)
    own = store_crs(path)
    if crs is not None and not (is_local(crs) and own == "local"):
        said = "--crs local" if own == "local" else "degrees (WGS84)"
        raise UserError(f"--crs {crs}: {option} {path} is a store, read in the CRS it was "
                        f"ingested with ({said}); leave --crs out")  # fmt: skip
    return own == "local"


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
def store(path: Path, option: str = "--data") -> Path:
    """A store directory that is whole (manifest, stats, index, part footers)."""
    from trajlm.data.store import is_store, verify_store

    must_exist(path, option)
    if not is_store(path):
        raise UserError(
            f"{option} {path}: not a trajlm store (no manifest.json / points/)",
            hint="create one with `trajlm data ingest` or `trajlm data synth`",
        )
    verify_store(path)
    return path


def read_store_checked(path: Path, option: str, split: str | None = None,
                       columns: list[str] | None = None):  # fmt: skip
    """A store's points after check_model_input (the `split` column kept). A store's times
    are dates (ingest already applied its own --min-year), so they are read from 1900 like
    any dated input: hurricanes since 1944 and icebergs since 1978 stay readable
    (cliuser18: `trajlm eval` refused the stores `trajlm data ingest` had written).
    ``columns``: those only (e.g. cli_eval_columns.eval_columns), None: every column."""
    from trajlm.data.schema import MIN_T_DATED, check_model_input
    from trajlm.data.store import read_store

    df = read_store(store(path, option), split=split, columns=columns)
    return check_model_input(df, source=str(path), min_t=MIN_T_DATED)


def read_splits_checked(path: Path, option: str, columns: list[str] | None = None,
                        splits: tuple[str, ...] = ("train", "val", "test")):  # fmt: skip
    """``splits`` of a store, each read from its own part files and checked as
    read_store_checked checks them, one after another (train, val, test), each in (traj_id,
    t) order, with the `split` column. They are joined without a copy (a table of several
    chunks), so protocol.split_tables gives each split back as a slice of it: the store is
    held once, where reading it whole (merged into (traj_id, t) order) and cutting the splits
    from it held it twice (scale36). Within each split the rows are those of
    read_store_checked's table, in the same order."""
    import polars as pl

    from trajlm.data.schema import MIN_T_DATED, check_model_input, conform
    from trajlm.data.store import read_store

    path = store(path, option)
    parts = []
    for s in splits:
        part = read_store(path, split=s, columns=columns)
        if len(part):  # check_model_input refuses an empty table; an empty split is none
            parts.append(check_model_input(part, source=str(path), min_t=MIN_T_DATED))
        else:  # its dtypes as the others' (the concatenation needs one schema)
            parts.append(conform(part))
    # an empty split of a sub-second store: conform gives it whole-second Int64 `t`, the
    # others carry Float64 (badin39: eval of a 10 Hz store with no val trip was a SchemaError)
    full = next((p for p in parts if len(p)), None)
    if full is not None:
        parts = [p if len(p) else full.clear() for p in parts]
    return pl.concat(parts, how="vertical", rechunk=False)


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
    from trajlm.eval.protocol import split_tables

    parts = split_tables(read_splits_checked(data, "--data"))  # held once (scale36)
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
    model's config.json (trajlm.model.coverage; speed and sampling interval where clearly outside
    the coverage gate's ranges on each trajectory's last `history` points, all when None). A model
    trained before coverage was recorded
    gets the older check: a note when most points lie far (> far_m + 10 position scales) from
    the centre of its training area; returns that median distance in metres (else None)."""
    import numpy as np

    from trajlm.model.coverage import coverage_warnings, load_coverage

    if load_coverage(model) and len(df):  # the training coverage recorded in config.json
        if lines := coverage_warnings(model, df, history, predicts):  # one line a command
            warn(f"{source}: outside training coverage: {'; '.join(lines)}")
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
