"""Atomic, pickle-free checkpoints: weights and optimizer in safetensors, the rest in JSON.

Layout of a run directory:
    RUN/model.safetensors, RUN/config.json   latest weights (TrajectoryModel.from_pretrained(RUN));
                                              absent when the trained module is not a plain
                                              TrajectoryModel (LoRA-wrapped, classifier)
    RUN/train_config.json                     how the run was configured
    RUN/trainer_state/                        everything needed to resume exactly:
        model.safetensors                     weights at `step` (consistent with the optimizer)
        optimizer.safetensors                 AdamW moments, flattened by parameter name
        state.json                            step, epoch, data position, RNG states, metrics tail

A checkpoint is written into RUN/.tmp-<pid>/ and then moved in with renames: a kill at any
moment leaves either the previous trainer_state or the new one (plus possibly a stale
`.trainer_state-old`, which `load_trainer_state` falls back to).
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, load_model, save_file, save_model

STATE_DIR = "trainer_state"
OLD_STATE_DIR = ".trainer_state-old"


def _optimizer_to_tensors(opt: torch.optim.Optimizer, names: dict[int, str]) -> tuple[dict, dict]:
    """Split an optimizer state_dict into tensors (safetensors) and JSON metadata."""
    sd = opt.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    meta: dict[str, Any] = {"param_groups": sd["param_groups"], "scalars": {}}
    for pid, state in sd["state"].items():
        name = names[pid]
        for key, value in state.items():
            if torch.is_tensor(value):
                tensors[f"{name}::{key}"] = value.detach().cpu().contiguous()
            else:
                meta["scalars"][f"{name}::{key}"] = value
    return tensors, meta


def _optimizer_from_tensors(
    opt: torch.optim.Optimizer, names: dict[int, str], tensors: dict, meta: dict
) -> None:
    by_name = {v: k for k, v in names.items()}
    state: dict[int, dict] = {}
    for full, value in tensors.items():
        name, key = full.split("::")
        state.setdefault(by_name[name], {})[key] = value
    for full, value in meta["scalars"].items():
        name, key = full.split("::")
        state.setdefault(by_name[name], {})[key] = value
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def rng_state() -> tuple[dict[str, torch.Tensor], dict]:
    """RNG states of torch (CPU + CUDA), NumPy's legacy global and Python's `random`."""
    tensors = {"torch_cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"torch_cuda_{i}"] = s
    name, keys, pos, has_gauss, cached = np.random.get_state()
    py_version, py_state, py_gauss = random.getstate()
    meta = {
        "numpy": [name, keys.tolist(), int(pos), int(has_gauss), float(cached)],
        "python": [py_version, list(py_state), py_gauss],
    }
    return tensors, meta


def set_rng_state(tensors: dict[str, torch.Tensor], meta: dict) -> None:
    torch.set_rng_state(tensors["torch_cpu"])
    cuda = [tensors[k] for k in sorted(tensors) if k.startswith("torch_cuda_")]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)
    name, keys, pos, has_gauss, cached = meta["numpy"]
    np.random.set_state((name, np.array(keys, dtype=np.uint32), pos, has_gauss, cached))
    py_version, py_state, py_gauss = meta["python"]
    random.setstate((py_version, tuple(py_state), py_gauss))


def save_checkpoint(
    run: str | Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    state: dict,
) -> None:
    """Write weights + optimizer + trainer state atomically into `run`."""
    run = Path(run)
    run.mkdir(parents=True, exist_ok=True)
    tmp = run / f".tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / STATE_DIR).mkdir(parents=True)

    plain = _is_trajectory_model(model)
    if plain:  # RUN/model.safetensors + config.json: the latest weights, loadable as a model
        model.save_pretrained(tmp)
        shutil.copy2(tmp / "model.safetensors", tmp / STATE_DIR / "model.safetensors")
    else:  # a PEFT-wrapped or task model: its whole state, for resume only
        save_model(model, str(tmp / STATE_DIR / "model.safetensors"))
    names = {i: n for i, (n, _) in enumerate(model.named_parameters())}
    opt_tensors, opt_meta = _optimizer_to_tensors(optimizer, names)
    save_file(opt_tensors, str(tmp / STATE_DIR / "optimizer.safetensors"))
    rng_tensors, rng_meta = rng_state()
    save_file(rng_tensors, str(tmp / STATE_DIR / "rng.safetensors"))
    full = {**state, "optimizer": opt_meta, "rng": rng_meta}
    (tmp / STATE_DIR / "state.json").write_text(json.dumps(full))
    _fsync_tree(tmp)

    # Swap the state directory in with renames (each rename is atomic on POSIX).
    cur, old = run / STATE_DIR, run / OLD_STATE_DIR
    shutil.rmtree(old, ignore_errors=True)
    if cur.exists():
        os.rename(cur, old)
    os.rename(tmp / STATE_DIR, cur)
    for f in ("model.safetensors", "config.json", "retrieval.npz") if plain else ():
        if (tmp / f).exists():  # retrieval.npz: a residual_base="retrieval" model's index
            os.replace(tmp / f, run / f)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)


def _is_trajectory_model(model: torch.nn.Module) -> bool:
    from trajlm.model.transformer import TrajectoryModel

    return isinstance(model, TrajectoryModel)


def _fsync_tree(path: Path) -> None:
    for p in path.rglob("*"):
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())


def find_state_dir(run: str | Path) -> Path | None:
    run = Path(run)
    for name in (STATE_DIR, OLD_STATE_DIR):
        d = run / name
        if (d / "state.json").exists() and (d / "optimizer.safetensors").exists():
            return d
    return None


def load_checkpoint(
    run: str | Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer
) -> dict:
    """Restore weights, optimizer and RNG states in place; return the trainer state dict.

    A damaged trainer_state (truncated file, garbage, state of another model) falls back to the
    previous one (.trainer_state-old) when there is one, else raises DamagedFileError naming the
    file."""
    from trajlm._safety import DamagedFileError

    dirs = [Path(run) / n for n in (STATE_DIR, OLD_STATE_DIR)]
    dirs = [
        d for d in dirs if (d / "state.json").exists() and (d / "optimizer.safetensors").exists()
    ]
    if not dirs:
        raise FileNotFoundError(f"{run}: no trainer_state to resume from")
    for i, d in enumerate(dirs):
        try:
            return _load_state_dir(d, model, optimizer)
        except DamagedFileError:
            if i + 1 == len(dirs):
                raise
    raise AssertionError("unreachable")


def _load_state_dir(d: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    from trajlm._safety import DamagedFileError, reading

    todo = f"start the run again with --overwrite, or restore {d.name}/ from a backup"
    with reading(d / "model.safetensors", todo):
        weights = load_file(str(d / "model.safetensors"))
    try:
        if _is_trajectory_model(model):
            model.load_state_dict(weights)
        else:  # written by save_model: shared tensors stored once
            load_model(model, str(d / "model.safetensors"), strict=True)
    except RuntimeError as e:
        raise DamagedFileError(d / "model.safetensors", "weights of another model", todo) from e
    with reading(d / "state.json", todo):
        state = json.loads((d / "state.json").read_text())
        opt_meta, rng_meta = state.pop("optimizer"), state.pop("rng")
        for key in ("step", "epoch", "batches_in_epoch"):
            if not isinstance(state[key], int) or state[key] < 0:
                raise ValueError(f"{key} is {state[key]!r}")
    names = {i: n for i, (n, _) in enumerate(model.named_parameters())}
    with reading(d / "optimizer.safetensors", todo, also=(RuntimeError,)):
        tensors = load_file(str(d / "optimizer.safetensors"))
        _optimizer_from_tensors(optimizer, names, tensors, opt_meta)
    with reading(d / "rng.safetensors", todo, also=(RuntimeError,)):
        set_rng_state(load_file(str(d / "rng.safetensors")), rng_meta)
    return state


def clean_stale_tmp(run: str | Path) -> int:
    """Remove what a killed run left half-written: RUN/.tmp-<pid> checkpoint folders of dead
    pids, and save_pretrained's `.NAME.*.tmp` files in RUN and RUN/best (the caller holds the
    run's lock, so no live writer owns them). Returns how many."""
    from trajlm._safety import pid_alive

    n = 0
    for p in Path(run).glob(".tmp-*"):
        pid = p.name.removeprefix(".tmp-")
        if p.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)
            n += 1
    for folder in (Path(run), Path(run) / "best"):
        for name in ("model.safetensors", "config.json"):
            for p in folder.glob(f".{name}.*.tmp"):
                p.unlink(missing_ok=True)
                n += 1
    return n
