"""`trajlm data ingest|inspect|synth|plot|match|resplit|corpus`: read, clean, store and look at
trajectories (the `data` sub-app of trajlm/cli.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import OVERWRITE_HELP, SPLIT_NAMES, console
from trajlm._cli_io import say as _say
from trajlm.cli_corpus import register as register_corpus
from trajlm.cli_data_derived import data_match, data_resplit  # noqa: F401 (importable as before)
from trajlm.cli_data_derived import register as register_derived
from trajlm.cli_data_ingest import (  # noqa: F401 (importable here, as before)
    FORMAT_HELP,
    STOP_DRIFT_MAX_KN,
    data_ingest,
    format_line,
    ingest_summary,
)
from trajlm.cli_data_queries import register as register_queries
from trajlm.cli_data_splits import empty_splits, short_splits  # noqa: F401 (importable here)

data_app = typer.Typer(no_args_is_help=True, help="Read, clean, store and look at trajectories.",
                       rich_markup_mode=None)  # fmt: skip
register_corpus(data_app)  # `trajlm data corpus` (trajlm/cli_corpus.py)


# `trajlm data ingest` (trajlm/cli_data_ingest.py): first in `trajlm data --help`, as before
data_app.command("ingest")(data_ingest)


@data_app.command("inspect")
def data_inspect(store: Path = typer.Argument(..., help="Store directory.")) -> None:
    """Counts, sampling-interval percentiles, bbox and time span of a store."""
    from trajlm.data.store import inspect_store

    io.store(store, "store")
    console.print(io.dict_table(inspect_store(store), f"store {store}"))


@data_app.command("synth")
def data_synth(
    out: Path = typer.Option(..., "--out", "-o"),
    n_trajectories: int = typer.Option(1000, "--n-trajectories", "-n", min=10),
    seed: int = typer.Option(0, min=0),
    overwrite: bool = typer.Option(False, help="Replace an existing store at --out."),
) -> None:
    """Generate the synthetic city and write it as a store."""
    from trajlm._safety import check_output_dir
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import legacy_store

    check_output_dir(out, "store", overwrite=overwrite, option="--out", legacy=legacy_store)
    manifest = synth_store(out, n_trajectories=n_trajectories, seed=seed, overwrite=overwrite)
    _say(
        f"wrote {out}: {manifest['n_trajectories']:,} trajectories, {manifest['n_points']:,} points"
    )


@data_app.command("plot")
def data_plot(
    store: Path = typer.Argument(...),
    out: Path = typer.Option(Path("map.png"), "--out", "-o"),
    n: int = typer.Option(100, min=1, help="Number of trajectories to draw."),
    split: str = typer.Option(None, help="Only this split."),
    overwrite: bool = typer.Option(False, help=OVERWRITE_HELP),
) -> None:
    """A matplotlib map of a sample of trajectories (coloured by label when present)."""
    from trajlm.data.store import read_store
    from trajlm.viz import plot_trajectories

    io.choice(split, SPLIT_NAMES, "--split")
    io.suffix(out, (".png", ".pdf", ".svg", ".jpg"), "--out")
    io.store(store, "store")
    io.outputs({"--out": out}, [store], overwrite)
    from trajlm.data.local_plane import store_crs

    local = store_crs(store) == "local"  # x / y metres, not the plane's lat / lon (newuser36)
    _say(f"wrote {plot_trajectories(read_store(store, split=split), out, n=n, local_plane=local)}")


register_derived(data_app)  # `trajlm data match | resplit` (trajlm/cli_data_derived.py)
register_queries(data_app)  # `trajlm data queries` (trajlm/cli_data_queries.py, byo34)
