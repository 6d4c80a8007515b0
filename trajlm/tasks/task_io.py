"""How a task model (classifier, embedder) stores its backbone: what fine-tuning changed plus a
reference to the base checkpoint, never a second full copy of an unchanged backbone.

    DIR/backbone.json      {"mode", "config" (the backbone's config: its NormStats included),
                            "base": {"path", "sha256"} of the base weights, or null}
    DIR/adapter/           LoRA (PEFT's adapter files) or selective (the trained tensors)
    DIR/backbone/          only when there is no base to refer to (full fine-tune, a model
                           built in memory): the trained backbone, or for LoRA the frozen
                           base the adapter applies to, as save_pretrained writes it

Loading rebuilds base + adapter: the base's weights are read from ``base.path`` and their
SHA-256 checked against the one recorded, so a base that was retrained or replaced since is a
clear error instead of a silently different model.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.weights import WEIGHTS_NAME, resolve_weights
from trajlm.train.modes import core_model, load_adapter, save_adapter
from trajlm.train.pretrained import load_weights

BACKBONE_JSON = "backbone.json"


def task_dir(directory: str | Path, head_file: str, kind: str, overwrite: bool) -> Path:
    """The folder a task model is saved into, made if missing. Nothing of the user's is
    replaced: a non-empty folder trajlm did not write is refused, and one that already holds a
    saved `head_file` is refused unless ``overwrite`` (the CLI checks its --out first)."""
    from trajlm._safety import read_marker, write_marker
    from trajlm.errors import OutputExistsError

    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise OutputExistsError(f"{d} is a file, not a directory")
    if d.is_dir() and any(d.iterdir()):
        if read_marker(d) is None:
            raise OutputExistsError(f"{d} is not empty and was not written by trajlm; "
                                    "nothing is written into it")  # fmt: skip
        if (d / head_file).exists() and not overwrite:
            raise OutputExistsError(
                f"{d} already holds a saved {kind}", hint="pass overwrite=True to replace it"
            )
    d.mkdir(parents=True, exist_ok=True)
    if read_marker(d) is None:
        write_marker(d, kind)
    return d


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def base_reference(model_dir: str | Path) -> dict:
    """{"path": absolute weights directory, "sha256": of its model.safetensors} of a weights or
    run directory (a run resolves to RUN/best, as from_pretrained reads it)."""
    d = resolve_weights(model_dir).resolve()
    return {"path": str(d), "sha256": sha256_of(d / WEIGHTS_NAME)}


def save_backbone(backbone: Any, mode: str, directory: str | Path, base: dict | None) -> int:
    """Write ``backbone`` (a TrajectoryModel or a PeftModel around one, trained in ``mode``)
    into ``directory``; returns the bytes of what fine-tuning changed (the adapter; the whole
    backbone for a full fine-tune). Does not change ``backbone``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    core = core_model(backbone)
    by_reference = base is not None and mode in ("lora", "selective", "frozen")
    meta = {"mode": mode, "base": base if by_reference else None, "config": core.config.to_dict()}
    (d / BACKBONE_JSON).write_text(json.dumps(meta, indent=2))
    n = save_adapter(backbone, d / "adapter") if mode in ("lora", "selective") else 0
    if by_reference:
        return n
    if hasattr(backbone, "get_base_model"):  # LoRA without a base on disk: store the base
        copy.deepcopy(backbone).unload().save_pretrained(d / "backbone")  # LoRA layers removed
    else:  # full / selective / frozen: the backbone as trained
        core.save_pretrained(d / "backbone")
    changed = mode == "full"  # otherwise the stored backbone is the unchanged base
    return n + ((d / "backbone" / WEIGHTS_NAME).stat().st_size if changed else 0)


def load_backbone(directory: str | Path) -> Any:
    """The backbone written by ``save_backbone``: base + adapter (a PeftModel for LoRA), or the
    stored full copy."""
    from trajlm._safety import reading
    from trajlm.errors import MissingFileError, UserError

    d = Path(directory)
    with reading(d / BACKBONE_JSON, "restore the task model's folder, or fit it again"):
        meta = json.loads((d / BACKBONE_JSON).read_text())  # badin34: a cut file: a traceback
    if meta["base"] is None:  # stored here: the trained backbone, or LoRA's frozen base
        model = TrajectoryModel.from_pretrained(d / "backbone")
        return load_adapter(model, d / "adapter") if meta["mode"] == "lora" else model
    base = Path(meta["base"]["path"])
    if not (base / WEIGHTS_NAME).exists():
        raise MissingFileError(  # one line under the CLI too (badin34: exit 1, a traceback)
            f"{d / BACKBONE_JSON}: its base checkpoint {base} is gone; restore it (the task "
            "model stores only what fine-tuning changed)"
        )
    if sha256_of(base / WEIGHTS_NAME) != meta["base"]["sha256"]:
        raise UserError(
            f"{d / BACKBONE_JSON}: the base checkpoint {base} changed since this task model was "
            "saved (sha256 differs); restore the original base or fit the task model again"
        )
    model = TrajectoryModel(ModelConfig.from_dict(meta["config"], section=str(d / BACKBONE_JSON)))
    load_weights(model, base)
    if meta["mode"] in ("lora", "selective"):
        model = load_adapter(model, d / "adapter")
    return model
