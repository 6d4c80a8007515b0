"""Saving and loading a model: config.json + model.safetensors (float32 or int8), written
atomically, read without pickle, every damaged or mismatched file said in one line."""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file

from trajlm.model.config import ModelConfig
from trajlm.model.quantize import load_int8, saved_dtype, weight_tensors
from trajlm.model.retrieval import RETRIEVAL_NAME
from trajlm.model.weights import CONFIG_NAME, WEIGHTS_NAME, atomic_write, resolve_weights


def save_model(model: nn.Module, directory: str | Path) -> None:
    """Write model.safetensors + config.json (+ the retrieval index) into `directory`."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    tensors, meta = weight_tensors(model)  # float32, or int8 + scales (model/quantize.py)
    atomic_write(d / WEIGHTS_NAME, lambda p: save_file(tensors, p, metadata=meta))
    text = json.dumps(model.config.to_checkpoint_dict(), indent=2)
    atomic_write(d / CONFIG_NAME, lambda p: Path(p).write_text(text))
    if model.retrieval is not None:  # the retrieval base's train windows (docs/retrieval.md)
        atomic_write(d / RETRIEVAL_NAME, model.retrieval.save)


def load_model(
    cls: type[nn.Module], directory: str | Path, map_location="cpu", weights: str = "best"
) -> nn.Module:
    """Build `cls` (a TrajectoryModel class; typed loosely: this module must not import it) from
    a directory written by save_model; see TrajectoryModel.from_pretrained."""
    from trajlm._safety import ConfigError, DamagedFileError, UserError, reading

    d = resolve_weights(directory, weights)
    if not (d / WEIGHTS_NAME).is_file():
        raise FileNotFoundError(
            f"{d}: no {WEIGHTS_NAME} (expected a model directory, e.g. a run of `trajlm train`)"
        )
    todo = "restore it or train again (a run also keeps copies in trainer_state/ and best/)"
    with reading(d / CONFIG_NAME, todo):
        try:
            config = ModelConfig.from_dict(
                json.loads((d / CONFIG_NAME).read_text()), section=str(d / CONFIG_NAME)
            )
        except ConfigError as e:
            raise DamagedFileError(d / CONFIG_NAME, str(e), todo) from e
    model = cls(config)
    with reading(d / WEIGHTS_NAME, todo):
        state = load_file(d / WEIGHTS_NAME, device="cpu")
        int8 = saved_dtype(d / WEIGHTS_NAME) == "int8"
    bad = next(
        (k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()), None
    )
    if bad is not None:  # NaN / inf weights predicted NaN positions with no word (badin24)
        raise DamagedFileError(d / WEIGHTS_NAME, f"{bad} holds NaN or infinite values", todo)
    if int8 and str(map_location) != "cpu":
        raise UserError(f"{d} holds int8 weights, which run on the CPU only",
                        hint="load it with map_location='cpu'")  # fmt: skip
    try:
        if int8:  # saved from an int8 model: rebuilt with exactly its int8 weights
            model = load_int8(model, state)
        else:
            model.load_state_dict(state, strict=True)
    except (RuntimeError, ValueError) as e:  # weights of another config (missing / shape)
        first = str(e).strip().splitlines()[-1].strip()[:200]
        problem = f"does not fit config.json: {first}"
        raise DamagedFileError(d / WEIGHTS_NAME, problem, todo) from e
    if (d / RETRIEVAL_NAME).is_file():
        from trajlm.data.retrieval import RetrievalIndex

        with reading(d / RETRIEVAL_NAME, todo, also=(ValueError, KeyError)):
            model.retrieval = RetrievalIndex.load(d / RETRIEVAL_NAME)
    return model.to(map_location)
