"""A file fitted for one checkpoint's weights, stamped with their SHA-1 (``weights_sha1``).

A run's own radii.json (eval/run_radii.py, session 30) and recover_radii.json
(eval/run_recover_radii.py, session 31) are fitted on the kept weights' val answers; a resumed
or re-trained run that keeps other weights in the same folder would otherwise answer with
factors measured on a different model. The writers stamp the file, the loaders ignore a file
whose stamp is not the weights' beside it, with one line. A file without a stamp (shipped or
hand-made) is read as before.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any


def check_replaceable(path: Path) -> None:
    """A fit may replace or remove ``path`` only where it is a run's: absent, inside a `trajlm
    train` run (its marker in the folder or, for RUN/best, its parent) or stamped by an earlier
    fit. An unstamped file elsewhere is shipped (a copied trajlm-small's) or hand-made: refused,
    nothing changed (review33: a fit on a copied checkpoint with too few val trips removed the
    shipped recover_radii.json)."""
    from trajlm._safety import MARKER
    from trajlm.errors import OutputExistsError

    if not path.exists() or any((d / MARKER).exists() for d in (path.parent, path.parent.parent)):
        return
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        doc = None
    if isinstance(doc, dict) and "weights_sha1" in doc:
        return
    raise OutputExistsError(
        f"{path} holds radii no run fitted (no weights stamp: shipped or written by hand): "
        "not replaced or removed",
        hint="fit into a `trajlm train` run folder, or a copy of the checkpoint without that file",
    )


def remove_stamped(path: Path) -> None:
    """Remove a run fit's stale ``path`` (``check_replaceable``'s rule: never a shipped file)."""
    check_replaceable(path)
    path.unlink(missing_ok=True)


def save_stamped(doc: dict, path: Path) -> Path:
    """``doc`` as JSON at ``path`` (atomically), stamped with the SHA-1 of the weights beside it;
    an unstamped file outside a run is refused (``check_replaceable``)."""
    from trajlm.eval.val_verdict import weights_sha1
    from trajlm.model.weights import atomic_write

    check_replaceable(path)

    text = json.dumps({**doc, "weights_sha1": weights_sha1(path.parent)}, indent=1) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text))
    return path


def stamped_for_other_weights(doc: Any, path: Path, then: str, stacklevel: int) -> bool:
    """True, said in one VerdictWarning line ending in ``then`` (what happens instead), where
    ``doc`` (read from ``path``) is stamped for weights other than those beside it; False for
    an unstamped file or a folder without weights."""
    weights = path.parent / "model.safetensors"
    if not (isinstance(doc, dict) and "weights_sha1" in doc and weights.is_file()):
        return False
    from trajlm.eval.val_verdict import VerdictWarning, weights_sha1

    if doc["weights_sha1"] == weights_sha1(path.parent):
        return False
    warnings.warn(f"{path} was fitted for other weights (model.safetensors changed since): "
                  f"ignored, {then}; train again to refit it",
                  VerdictWarning, stacklevel=stacklevel + 1)  # fmt: skip
    return True


__all__ = ["check_replaceable", "remove_stamped", "save_stamped", "stamped_for_other_weights"]
