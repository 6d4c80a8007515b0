"""How a run names the store it trained on (session 27, fitstore27).

``TrajLM.fit(frame, out)`` writes the frame's store in a temporary folder that is removed when
``fit`` returns. A run that recorded that folder's path (config.json coverage ``store``,
trainer_state/state.json, best/val_verdict.json) or named it in a hint (``trajlm eval --data
/tmp/trajlm-fit-...``) would point at nothing. Such a store says so in its manifest
(``"temporary": true``, set by :func:`mark_temporary`); the engine names it :data:`FRAME` in
its records and, in its hints, says how to keep one (``TrajLM.fit(..., store=PATH)``). Every
other store is named by its path, as before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FRAME = "<frame>"  # as the manifest's `sources` names a frame written by write_store
KEEP_HINT = "TrajLM.fit(..., store=PATH) keeps the frame's store at PATH"


def mark_temporary(store: str | os.PathLike) -> None:
    """Mark a just-written store as one that lives only while one ``fit`` runs."""
    f = Path(store) / "manifest.json"
    manifest = json.loads(f.read_text())
    manifest["temporary"] = True
    f.write_text(json.dumps(manifest, indent=2))


def is_temporary(store: str | os.PathLike) -> bool:
    """Whether ``store`` is a frame's temporary store (False for anything unreadable: a
    corpus, a damaged store, a path that is not there are named by their path)."""
    try:
        manifest = json.loads((Path(store) / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("temporary") is True


def store_label(store: str | os.PathLike, resolve: bool = False) -> str:
    """The store as a run records it: its path (resolved if asked), or :data:`FRAME`."""
    if is_temporary(store):
        return FRAME
    return str(Path(store).resolve()) if resolve else str(store)


def named(store: str | os.PathLike, option: str = "") -> str:
    """The store as a message names it: ``OPTION PATH``, or "the frame"."""
    return "the frame" if is_temporary(store) else f"{option} {store}".strip()


def eval_command(store: str | os.PathLike, options: str = "") -> str:
    """The command that scores a run trained on ``store``, quoted: ```trajlm eval --data
    STORE{options}```; for a frame's temporary store ``PATH`` stands for the store and how to
    keep one there follows."""
    if is_temporary(store):
        return f"`trajlm eval --data PATH{options}` ({KEEP_HINT})"
    return f"`trajlm eval --data {store}{options}`"
