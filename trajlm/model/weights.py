"""Where weights live on disk: run directories (RUN/best = the val-selected weights),
checkpoints shipped inside the package by name, and atomic writes (never a half-written file)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from trajlm.errors import MissingFileError

_log = logging.getLogger("trajlm.model.transformer")
WEIGHTS_NAME = "model.safetensors"
CONFIG_NAME = "config.json"

# Checkpoints shipped with the package (trajlm/checkpoints/<name>/: config.json,
# model.safetensors, MODEL_CARD.md), loadable by name; a local folder of that name wins.
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "checkpoints"


def shipped_name(path: str | Path | None) -> str | None:
    """The name of the shipped checkpoint loaded from ``path`` ("trajlm-small"), or None for a
    user's own folder: messages name the checkpoint, not a folder inside the installed package
    that the user cannot act on (leftover29)."""
    if path is None:
        return None
    p = Path(path).resolve()
    return p.name if p.parent == SHIPPED_DIR and (p / CONFIG_NAME).is_file() else None


def _steps(run: Path) -> tuple[object, object]:
    """(best_step, final step) of a run from its train_summary.json, ("?", "?") if unknown."""
    import json

    try:
        s = json.loads((run / "train_summary.json").read_text())
        return s.get("best_step", "?"), s.get("steps", "?")
    except (OSError, ValueError, AttributeError):
        return "?", "?"


def resolve_weights(directory: str | Path, weights: str = "best", log: bool = True) -> Path:
    """The weights directory `from_pretrained` reads: RUN/best for a run that has one (RUN
    itself, its final step, with weights="last"), DIR/merged for a next-point fine-tune folder
    (DIR/train, its final step, with weights="last"), else `directory` itself; a clear error
    when none holds a model. ``log``: say at INFO which weights were chosen."""
    say = _log.info if log else (lambda *a: None)
    if weights not in ("best", "last"):
        raise ValueError(f'weights must be "best" or "last", got {weights!r}')
    d = Path(directory)
    shipped = SHIPPED_DIR / str(directory)
    if not d.exists() and d.name == str(directory) and (shipped / CONFIG_NAME).is_file():
        # a named checkpoint ("trajlm-small"): its card and config.json come with the package,
        # its weights are built locally (the repository holds no weight files)
        if not (shipped / WEIGHTS_NAME).is_file():
            raise MissingFileError(
                f"{directory}: its weights are not built in this install; build them offline "
                f"with `bash scripts/build_{str(directory).replace('-', '_')}.sh` (needs "
                f"../shared/data/porto, a few minutes on one core; see {shipped / 'MODEL_CARD.md'})"
            )
        return shipped
    best = d / "best"
    if (best / CONFIG_NAME).exists():
        kept, final = _steps(d)
        if weights == "best":
            why = "val-selected" if kept is not None else "final (no validation ran)"
            say("%s is a run: loading its %s weights %s (step %s of %s; weights='last' loads "
                "the final step)", d, why, best, final if kept is None else kept, final)  # fmt: skip
            return best
        if (d / CONFIG_NAME).exists():
            other = f"the val-selected step {kept}" if kept is not None else "the same step"
            say("%s is a run: loading its final-step weights %s (step %s; weights='best' "
                "loads %s)", d, d, final, other)  # fmt: skip
            return d
    merged = d / "merged"  # a next-point fine-tune (trajlm finetune --task predict): its model
    if not (d / CONFIG_NAME).exists() and (merged / CONFIG_NAME).exists():
        if weights == "best":
            say("%s is a fine-tune: loading its merged (val-selected) model %s", d, merged)
            return merged
        if (d / "train" / CONFIG_NAME).exists():  # a full fine-tune keeps its final step there
            return resolve_weights(d / "train", "last", log)
        raise MissingFileError(  # a user error, one line under the CLI (badin34)
            f"{d}: weights='last' is not available for this fine-tune: its final step was "
            "not saved as a model (a LoRA / selective fine-tune keeps only the val-selected "
            f"weights, in {merged}); load weights='best' (finetune_summary.json says which "
            "step was kept and why)"
        )
    if not (d / CONFIG_NAME).exists():
        raise MissingFileError(  # a user error, one line under the CLI (badin34)
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
