"""Loading and saving a ``TrajLM``: ``from_pretrained`` picks the kind of checkpoint a folder
holds (a training run, a weights folder, a classifier, a candidate selector, a route-recovery
model), ``save_pretrained`` writes one back. Mixed into ``trajlm.api.TrajLM``."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Self

from trajlm.errors import MissingFileError, OutputExistsError, TrajlmInputError, UserError
from trajlm.model import TrajectoryModel
from trajlm.model.quantize import QUANTIZE_MODES, is_int8, quantize_int8
from trajlm.model.weights import SHIPPED_DIR, atomic_write, resolve_weights
from trajlm.tasks.classify import ModelClassifier

SAVE_DTYPES = ("float32", "int8")


def _single_model_dir(p: Path) -> bool:
    """A folder of one saved model that has no final-step weights apart (weights="last")."""
    from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir

    return (p / "classifier.json").exists() or is_selector_dir(p) or is_route_recovery_dir(p)


_OWN_FILES = ("config.json", "model.safetensors", "classifier.json", "retrieval.npz", "radii.json")


def _is_checkpoint_dir(d: Path) -> bool:
    """A folder trajlm wrote a checkpoint into: its marker, a classifier, or a config.json
    that is trajlm's (a JSON object naming the model type or trajlm's version)."""
    import json

    from trajlm._safety import read_marker

    if read_marker(d) is not None or (d / "classifier.json").is_file():
        return True
    try:
        cfg = json.loads((d / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(cfg, dict) and ("model_type" in cfg or "trajlm_version" in cfg)


def check_save_dir(d: Path) -> None:
    """``save_pretrained``'s target: new, empty or a trajlm checkpoint folder. A file, or a
    non-empty folder trajlm did not write (a user's config.json, data files), is refused
    whatever ``overwrite`` says: nothing of the user's is overwritten or mixed with weights."""
    if d.exists() and not d.is_dir():
        raise OutputExistsError(f"{d} is a file, not a directory", hint="give a folder name")
    if not d.is_dir() or not any(d.iterdir()) or _is_checkpoint_dir(d):
        return
    clash = [n for n in _OWN_FILES if (d / n).exists()]
    held = f" (its {', '.join(clash)} would be replaced)" if clash else ""
    raise OutputExistsError(
        f"{d} is not a trajlm checkpoint folder: a non-empty directory that trajlm did not "
        f"write{held}",
        hint="choose a new or empty directory (nothing in it was changed)",
    )


def shipped_names() -> list[str]:
    """The checkpoints shipped inside the package, loadable by name (trajlm/checkpoints/)."""
    return sorted(d.name for d in SHIPPED_DIR.iterdir() if (d / "config.json").is_file())


def check_model_path(p: Path) -> None:
    """A path that does not exist and is not a shipped name: one line, with the closest
    shipped name suggested ("trajlm-smal" -> "trajlm-small")."""
    if p.exists() or (p.name == str(p) and p.name in shipped_names()):
        return
    import difflib

    names = shipped_names()
    close = difflib.get_close_matches(str(p), names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise MissingFileError(
        f"{p}: not a folder and not a named checkpoint ({', '.join(names) or 'none shipped'})",
        hint=hint + "give a run or weights folder (trajlm train --out, save_pretrained) or a "
        "checkpoint name",
    )


def check_device(device: str) -> None:
    """A torch device string this install can use, or one line saying what to give."""
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as e:
        raise TrajlmInputError(
            f"device={device!r} is not a torch device", field="device",
            hint='give "cpu", "cuda" or "cuda:N" (a GPU), or "mps" (Apple)',
        ) from e  # fmt: skip
    backend = getattr(torch, dev.type, None)  # torch.cuda, torch.mps, torch.xpu, ...
    ok = dev.type in ("cpu", "meta") or bool(getattr(backend, "is_available", lambda: False)())
    if not ok:
        raise TrajlmInputError(
            f"device={device!r}: this torch ({torch.__version__}) has no usable {dev.type} "
            "device", field="device", hint='use device="cpu"',
        )  # fmt: skip
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise TrajlmInputError(
            f"device={device!r}: there are {torch.cuda.device_count()} CUDA device(s)",
            field="device", hint="give cuda:0 .. cuda:N-1",
        )  # fmt: skip


class Pretrained:
    """``from_pretrained`` / ``save_pretrained`` of ``TrajLM`` (trajlm/api.py)."""

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        *,
        weights: str = "best",
        threads: int | None = None,
        device: str = "cpu",
        quantize: str | None = None,
    ) -> Self:
        """Load a training run (its val-selected ``RUN/best``; ``weights="last"`` for the final
        step), a weights directory, a classifier directory (``classifier.json``), or a
        candidate selector (``trajlm.api_selector.SelectorTrajLM``: ``predict`` only), or a route-
        recovery model (``trajlm.api_recovery.RecoveryTrajLM``: ``recover`` only).

        ``quantize="int8"``: the transformer blocks run int8 dynamic quantization on the CPU
        (trajlm.model.quantize; ~4x smaller, faster, predictions within ~0.1 % ADE,
        docs/ablations.md)."""
        check_device(device)
        if quantize not in (None, *QUANTIZE_MODES):
            raise TrajlmInputError(
                f"quantize must be None or one of {QUANTIZE_MODES}, got {quantize!r}"
            )
        if quantize and device != "cpu":
            raise TrajlmInputError(f'quantize="{quantize}" runs on the CPU only; use device="cpu"')
        p = Path(path)
        check_model_path(p)
        from trajlm.eval.saved_kind import is_selector_dir

        if weights == "last" and _single_model_dir(p):
            raise TrajlmInputError(f"weights='last': {p} holds one saved model (a classifier, selector "
                             "or route-recovery folder keeps only its kept weights); load it "
                             "without weights=")  # fmt: skip

        if is_selector_dir(p):  # a candidate selector: predict(steps<=horizon) only
            from trajlm.api_selector import SelectorTrajLM

            if quantize or device != "cpu":
                raise TrajlmInputError("a candidate selector runs on the CPU, unquantized")
            return SelectorTrajLM.from_pretrained(p, threads=threads)  # type: ignore[return-value]
        from trajlm.eval.saved_kind import is_route_recovery_dir

        if is_route_recovery_dir(p):  # route retrieval + selector: recover(df) only
            from trajlm.api_recovery import RecoveryTrajLM

            if quantize or device != "cpu":
                raise TrajlmInputError("a route-recovery model runs on the CPU, unquantized")
            return RecoveryTrajLM.from_pretrained(p, threads=threads)  # type: ignore[return-value]
        if (p / "classifier.json").exists():
            if quantize:
                raise TrajlmInputError(
                    "quantize applies to prediction checkpoints, not classifiers"
                )
            clf = ModelClassifier.load(p, device=device)
            return cls(clf.classifier_.backbone_model, clf, threads, device, p)
        try:
            model = TrajectoryModel.from_pretrained(p, weights=weights)  # logs what it loads
            d = resolve_weights(p, weights, log=False)
        except FileNotFoundError as e:  # a folder without a model: one trajlm.errors line
            if isinstance(e, UserError):
                raise
            raise MissingFileError(str(e)) from e
        if is_int8(model) and device != "cpu":  # saved with dtype="int8" (no float weights)
            raise TrajlmInputError(
                f'{d} holds int8 weights, which run on the CPU only; use device="cpu"'
            )
        quantize = quantize if not is_int8(model) else None  # an int8 folder: int8 already
        out = cls(quantize_int8(model) if quantize else model, None, threads, device, d)
        out._float_model = model if quantize else None  # what save_pretrained writes
        return out

    def save_pretrained(
        self, directory: str | Path, overwrite: bool = False, dtype: str = "float32"
    ) -> None:
        """Write this checkpoint so that ``TrajLM.from_pretrained(directory)`` loads it: the
        weights (config.json + model.safetensors), or a classifier folder. A folder that
        already holds a checkpoint needs ``overwrite``.

        ``dtype="float32"`` (the default) writes float32 weights; an int8 model
        (``quantize="int8"``) writes the float32 weights it was quantized from
        (``from_pretrained(directory, quantize="int8")`` then predicts exactly as it does).
        ``dtype="int8"`` writes the int8 model's own weights (int8 + per-tensor scales,
        safetensors; trajlm/model/quantize.py), quantizing a float model first:
        ``from_pretrained(directory)`` loads the int8 model, which predicts bit for bit as
        this int8 model does, from a file ~3.5x smaller (docs/ablations.md, Session 13)."""
        if dtype not in SAVE_DTYPES:
            raise TrajlmInputError(f"dtype must be one of {SAVE_DTYPES}, got {dtype!r}")
        d = Path(directory)
        check_save_dir(d)
        if self.classifier is not None:
            if dtype != "float32":
                raise TrajlmInputError(
                    f'dtype="{dtype}" applies to prediction checkpoints, not classifiers'
                )
            self.classifier.save(d, overwrite=overwrite)
            return
        if (d / "model.safetensors").exists() and not overwrite:
            raise OutputExistsError(f"{d} already holds model.safetensors; pass overwrite=True")
        float_model = getattr(self, "_float_model", None) or self.model
        if dtype == "int8":
            (self.model if is_int8(self.model) else quantize_int8(float_model)).save_pretrained(d)
        elif is_int8(float_model):  # loaded from an int8 file: no float32 weights to write
            raise UserError(f"{self.path} holds int8 weights only (saved with dtype='int8'); "
                            "its float32 weights are not in memory",
                            hint=f"save_pretrained({str(d)!r}, dtype='int8')")  # fmt: skip
        else:
            float_model.save_pretrained(d)
        from trajlm.eval.radii_bins import RADII_FILE, save_radii_bins

        if getattr(self, "radii_bins", None) is not None:  # radii per regime (radii22)
            save_radii_bins(self.radii_bins, d)
        elif (d / RADII_FILE).is_file():  # an older checkpoint's factors: not these weights'
            (d / RADII_FILE).unlink()
        from trajlm.eval.recover_spread import RECOVER_RADII_FILE

        if getattr(self, "recover_spread", None) is not None:  # recovered points' (uncert28)
            # the stamp named the loaded file's weights; an int8 save writes others, and an
            # unstamped file is read as shipped (as radii.json: save_radii_bins writes none)
            copy = {k: v for k, v in self.recover_spread.items() if k != "weights_sha1"}
            text = json.dumps(copy, indent=1) + "\n"
            atomic_write(d / RECOVER_RADII_FILE, lambda tmp: Path(tmp).write_text(text))
        elif (d / RECOVER_RADII_FILE).is_file():
            (d / RECOVER_RADII_FILE).unlink()
        from trajlm.eval.val_verdict import VerdictWarning, carry_verdict

        if said := carry_verdict(self.path, d):  # the engine the run's val check chose
            warnings.warn(said, VerdictWarning, stacklevel=2)
