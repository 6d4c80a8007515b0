"""A selector model's folder: read and write it (out of selector_predictor.py, session 22).

Shared by the candidate selector (``selector_predictor.py``) and route recovery
(``route_recovery_predictor.py``): the same network (``selector.safetensors``), a
``config.json`` (kind, format, settings, projection, fit log) and one ``.npz`` of arrays, written
at once (a temporary sibling renamed into place), read with one UserError line per missing or
damaged file; no pickle anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from trajlm._safety import (
    UserError,
    check_output_dir,
    clean_stale_tmp,
    reading,
    tmp_name,
    write_marker,
)
from trajlm.eval.candidate_selector import CandidateSelector, SelectorConfig


def read_selector_config(
    directory: str | os.PathLike, kind: str, fmt: int, files: tuple[str, ...],
    names: tuple[str, str], todo: str,
) -> tuple[Path, dict]:  # fmt: skip
    """(folder, config.json) of a selector model written by ``write_selector_folder``, after
    the checks every loader makes (folder, `files` present, kind, format); a missing or damaged
    file is one UserError line. names: (folder noun, model noun), e.g. ("selector",
    "candidate selector"). Shared by the candidate selector and route recovery."""
    d = Path(directory)
    if not d.is_dir():
        raise UserError(f"{d}: no such {names[0]} folder")
    for name in files:
        if not (d / name).is_file():
            raise UserError(f"{d}: not a whole {names[1]} (no {name})", hint=todo)
    with reading(d / "config.json", todo, (AttributeError,)):
        cfg = json.loads((d / "config.json").read_text())
        if cfg.get("kind") != kind:
            raise UserError(f"{d / 'config.json'}: kind {cfg.get('kind')!r}, not {kind!r}")
        if int(cfg["format"]) > fmt:
            raise UserError(f"{d}: {names[0]} format {cfg['format']} is newer than this trajlm")
    return d, cfg


def read_selector_net(d: Path, cfg: dict, todo: str) -> CandidateSelector:
    """The saved network (eval mode) of a selector folder whose config.json is `cfg`."""
    from safetensors.torch import load_file

    with reading(d / "config.json", todo, (AttributeError,)):
        known = {f.name for f in fields(SelectorConfig)}
        sel_cfg = SelectorConfig(**{k: v for k, v in cfg["selector"].items() if k in known})
        net = CandidateSelector(sel_cfg, int(cfg["q_dim"]), int(cfg["c_dim"]))
    with reading(d / "selector.safetensors", todo, (RuntimeError,)):
        net.load_state_dict(load_file(str(d / "selector.safetensors"), device="cpu"))
    return net.eval()


def write_selector_folder(
    model: Any, directory: str | os.PathLike, overwrite: bool, option: str, marker_kind: str,
    head: dict, arrays_file: str, arrays: dict[str, np.ndarray],
) -> Path:  # fmt: skip
    """Write a fitted selector model (`model.selector_`, `.projection_`, `.log_`) at once: a
    temporary sibling renamed into place. An existing non-empty `directory` is refused unless
    it holds `marker_kind` and ``overwrite``; anything not trajlm's is never touched. Shared by
    the candidate selector and route recovery (same network, other library arrays)."""
    from safetensors.torch import save_file

    out = Path(directory)
    existed = check_output_dir(out, marker_kind, overwrite=overwrite, option=option)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_tmp(out.parent, out.name)
    tmp = out.parent / tmp_name(out.name)
    tmp.mkdir()
    try:
        sel, log = model.selector_, getattr(model, "log_", {})
        state = {k: v.detach().cpu().contiguous() for k, v in sel.state_dict().items()}
        save_file(state, str(tmp / "selector.safetensors"), metadata={"format": "pt"})
        with open(tmp / arrays_file, "wb") as f:
            np.savez(f, **arrays)
        config = {**head, "selector": asdict(sel.config), "q_dim": sel.q_dim, "c_dim": sel.c_dim,
                  "projection": {"lat0": model.projection_.lat0, "lon0": model.projection_.lon0},
                  "log": log}  # fmt: skip
        (tmp / "config.json").write_text(json.dumps(config, indent=1) + "\n")
        summary = {"train_time_s": float(log.get("fit_s", 0.0))}
        (tmp / "train_summary.json").write_text(json.dumps(summary) + "\n")
        write_marker(tmp, marker_kind)
        if existed:  # swap: the old folder leaves only once the new one is complete
            old = out.parent / tmp_name(out.name)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if out.exists():  # empty (or only a stale marker): replaceable by rename
                shutil.rmtree(out)
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
