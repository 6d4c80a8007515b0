"""``TrajLM.fit``: a frame (or a store) in, a trained run out, through `trajlm train`'s engine
(trajlm/cli_train.py: the same config, trainer, checkpoints, val check and verdict, messages).

    model = trajlm.TrajLM.fit(df, "runs/mine", max_steps=200)   # trains, returns RUN/best
    model.predict(df2)                                           # as from_pretrained("runs/mine")

A frame is cleaned and split as `trajlm data ingest` does a Parquet file (cleaning preset of
Parquet, chronological 80/10/10 split) into a store in a temporary folder that lives only while
``fit`` runs: the run keeps its weights, config, val verdict and summary; pass a store path
(``trajlm data ingest``'s output) to keep the data too (then ``trajlm train --resume`` works).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords
from trajlm.errors import OutputExistsError, TrajlmInputError


def frame_store(data: Any, store: Path, columns: dict) -> dict:
    """Write ``data`` (any frame ``TrajLM`` reads) as a store at ``store``: cleaned with the
    preset `trajlm data ingest` uses for a Parquet file, split as ingest splits; returns the
    store's manifest. Bad frames raise the coercion's TrajlmInputError (as predict's)."""
    from trajlm.data.clean import clean
    from trajlm.data.coerce import to_canonical
    from trajlm.data.ingest import clean_config
    from trajlm.data.store import write_store

    table = to_canonical(data, validate=False, **columns)  # cleaning drops what it can repair
    cleaned, report = clean(table, clean_config("parquet"))
    if cleaned.height == 0:
        raise TrajlmInputError(
            f"no trajectory of the {table.height} rows survived cleaning "
            f"(dropped: {dict(report.dropped.most_common(3))})",
            hint="check the frame with trajlm.clean(df) (it returns the drop report)",
        )
    return write_store(cleaned, store, report=report, sources=["<frame>"])


def _check_out(out: Path, overwrite: bool) -> None:
    """`out` new or empty, or replaced only with overwrite=True (trajlm's own run files; a
    folder trajlm did not write is refused whatever the flag, by the engine's check)."""
    from trajlm._safety import LOCK, MARKER

    if isinstance(overwrite, bool) is False:
        raise TrajlmInputError(f"overwrite must be True or False, got {overwrite!r}")
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"out {out} is a file, not a directory")
    if overwrite or not out.is_dir():
        return
    if any(p.name not in (LOCK, MARKER) for p in out.iterdir()):
        raise OutputExistsError(f"out {out} is not empty (nothing in it was changed)",
                                hint="pass overwrite=True to start that run again (only "
                                "trajlm's own files are replaced), or choose another out")  # fmt: skip


class Fitting:
    """The ``fit`` classmethod of ``TrajLM`` (a mixin, as Pretrained is)."""

    @classmethod
    def fit(
        cls,
        data: Any,
        out: str | Path,
        *,
        config: str | Path | None = None,
        max_steps: int | None = None,
        seed: int | None = None,
        threads: int | None = None,
        device: str | None = None,
        overwrite: bool = False,
        val_check: bool = True,
        **columns: Any,
    ) -> Any:
        """Train a model on ``data`` into the run directory ``out`` and return it loaded (its
        val-selected ``out/best`` with the val verdict), as ``trajlm train --data STORE --out
        OUT`` followed by ``TrajLM.from_pretrained(OUT)``.

        ``data``: a pandas / Polars / GeoPandas frame (columns detected, or named with
        ``traj_col=``, ``time_col=``, ``lat_col=``, ``lon_col=``, ``crs=``, as ``predict``
        takes them) or a store directory. ``config``: a TOML / JSON with [model] and [train]
        (default: ``trajlm train``'s recipe); ``max_steps``, ``seed``, ``device`` override it;
        ``threads``: torch CPU threads (default as the CLI: the threads policy,
        trajlm/_threads.py). ``out`` existing and not empty is refused unless
        ``overwrite=True``. ``val_check=False`` skips the end's check against kNN and the
        val verdict."""
        from trajlm.cli_train import run_train

        check_keywords("TrajLM.fit", columns, COLUMN_KEYWORDS)
        for name, value in (("max_steps", max_steps), ("seed", seed), ("threads", threads)):
            low = 0 if name == "seed" else 1
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < low):  # fmt: skip
                raise TrajlmInputError(f"{name} must be an integer >= {low}, got {value!r}")
        out = Path(out)
        _check_out(out, overwrite)
        config = Path(config) if config is not None else None
        is_path = isinstance(data, str | Path)
        if is_path and columns:
            raise TrajlmInputError("column keywords apply to a frame, not to a store path",
                                   hint="name the columns when the store is ingested")  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="trajlm-fit-") as tmp:
            store = Path(data) if is_path else Path(tmp) / "store"
            if not is_path:
                frame_store(data, store, columns)
            run_train(store, out, config, max_steps, False, overwrite, seed, False, device,
                      threads, val_check, lm_class=cls)  # fmt: skip
        return cls.from_pretrained(out, threads=threads)
