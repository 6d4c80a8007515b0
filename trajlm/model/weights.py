"""Where weights live on disk: run directories (RUN/best = the val-selected weights),
checkpoints shipped inside the package by name, and atomic writes (never a half-written file)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

_log = logging.getLogger("trajlm.model.transformer")
WEIGHTS_NAME = "model.safetensors"
CONFIG_NAME = "config.json"

# Checkpoints shipped with the package (trajlm/checkpoints/<name>/: config.json,
# model.safetensors, MODEL_CARD.md), loadable by name; a local folder of that name wins.
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "checkpoints"


def resolve_weights(directory: str | Path, weights: str = "best") -> Path:
    """The weights directory `from_pretrained` reads: RUN/best for a run that has one (unless
    weights="last"), DIR/merged for a next-point fine-tune folder, else `directory` itself; a
    clear error when none holds a model."""
    if weights not in ("best", "last"):
        raise ValueError(f'weights must be "best" or "last", got {weights!r}')
    d = Path(directory)
    shipped = SHIPPED_DIR / str(directory)
    if not d.exists() and d.name == str(directory) and (shipped / CONFIG_NAME).is_file():
        # a named checkpoint ("trajlm-small"): its card and config.json come with the package,
        # its weights are built locally (the repository holds no weight files)
        if not (shipped / WEIGHTS_NAME).is_file():
            raise FileNotFoundError(
                f"{directory}: its weights are not built in this install; build them offline "
                f"with `bash scripts/build_{str(directory).replace('-', '_')}.sh` (needs "
                f"../shared/data/porto, a few minutes on one core; see {shipped / 'MODEL_CARD.md'})"
            )
        return shipped
    best = d / "best"
    if weights == "best" and (best / CONFIG_NAME).exists():
        _log.info(
            "%s is a run: loading its val-selected weights %s (weights='last': final)", d, best
        )
        return best
    merged = d / "merged"  # a next-point fine-tune (trajlm finetune --task predict): its model
    if not (d / CONFIG_NAME).exists() and (merged / CONFIG_NAME).exists():
        _log.info("%s is a fine-tune: loading its merged model %s", d, merged)
        return merged
    if not (d / CONFIG_NAME).exists():
        raise FileNotFoundError(
            f"{d}: no {CONFIG_NAME} here: not a trajlm weights or run directory "
            "(give the --out folder of trajlm train, or a folder written by save_pretrained)"
        )
    return d


def atomic_write(path: Path, write) -> None:
    """Call write(tmp) on a temp file beside `path`, then rename it over `path`."""
    from trajlm._safety import chmod_by_umask

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        chmod_by_umask(tmp)  # mkstemp makes 0600; a plain file follows the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
