"""Strict config parsing: unknown names are errors (with the nearest valid name), values are
type-checked against the dataclass fields before the dataclass range-checks them.

    build(TrainConfig, {"lr": "abc"}, "train")  # ConfigError: train.lr must be a number, ...
    check_sections({"modle": {}}, ("model", "train"))  # ... unknown section [modle]; did you
                                                        #     mean [model]?
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from collections.abc import Iterable
from typing import Any, TypeVar

from trajlm._safety import ConfigError

T = TypeVar("T")


def shown(name: Any) -> str:
    """A user-given name as it goes into a one-line message: as is when printable, else repr."""
    text = str(name)
    return text if text.isprintable() and text.strip() == text and text else repr(text)


# Names other tools use for a setting (PyTorch, Hugging Face, Lightning ...): a key spelled
# that way is a different word, not a typo, so difflib does not find it.
SYNONYMS = {
    "learning_rate": "lr", "learningrate": "lr", "epochs": "max_steps", "steps": "max_steps",
    "num_steps": "max_steps", "n_steps": "max_steps", "iterations": "max_steps",
    "max_iters": "max_steps", "wd": "weight_decay", "hidden_size": "d_model",
    "hidden_dim": "d_model", "dim": "d_model", "n_embd": "d_model", "embed_dim": "d_model",
    "num_layers": "n_layers", "layers": "n_layers", "n_layer": "n_layers",
    "num_heads": "n_heads", "heads": "n_heads", "n_head": "n_heads",
    "num_attention_heads": "n_heads", "max_grad_norm": "grad_clip", "clip_grad": "grad_clip",
    "gradient_clipping": "grad_clip", "clip": "grad_clip", "warmup": "warmup_steps",
    "bs": "batch_size", "seq_len": "max_len", "block_size": "max_len",
    "context_length": "max_len", "max_seq_len": "max_len", "max_length": "max_len",
    "gradient_accumulation_steps": "grad_accum_steps", "accumulate_grad_batches":
    "grad_accum_steps", "random_seed": "seed", "dropout_rate": "dropout", "p_dropout": "dropout",
    "optim": "optimizer", "grad_norm": "grad_clip", "workers": "num_workers",
}  # fmt: skip


def _norm(name: str) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def _initials(name: str) -> str:
    return "".join(p[0] for p in name.split("_") if p)


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The valid name `name` most likely meant, or None: the same name in another case or with
    '-' for '_', another tool's name for it (SYNONYMS, e.g. learning_rate -> lr), a close
    spelling (difflib), an initialism either way (bs -> batch_size), the one choice sharing a
    word of 4+ letters with it (warmup -> warmup_steps), or a looser spelling."""
    choices = sorted(dict.fromkeys(str(c) for c in choices))
    key = _norm(name)
    by_norm = {_norm(c): c for c in choices}
    if key in by_norm:
        return by_norm[key]
    if SYNONYMS.get(key) in by_norm:
        return by_norm[SYNONYMS[key]]
    for cutoff in (0.75, None, 0.6):  # a near spelling; else a shape; else a looser spelling
        if cutoff is not None:
            close = difflib.get_close_matches(key, list(by_norm), n=1, cutoff=cutoff)
            if close:
                return by_norm[close[0]]
            continue
        if "_" in key:
            init = [c for n, c in by_norm.items() if n == _initials(key)]
        else:
            init = [c for n, c in by_norm.items() if "_" in n and _initials(n) == key]
        words = {w for w in key.split("_") if len(w) >= 4}
        shared = [c for n, c in by_norm.items() if words & set(n.split("_"))]
        for found in (init, shared):
            if len(found) == 1:
                return found[0]
    return None


def meant(value: Any, choices: Iterable[str]) -> str:
    """'; did you mean X?' after "F must be one of ..., got V" when V is near a choice, else ''."""
    near = closest(str(value), choices) if isinstance(value, str) else None
    return f"; did you mean {near!r}?" if near is not None and near != value else ""


def check_choice(name: str, value: Any, choices: tuple, prefix: str = "", ok: bool = False) -> None:
    """ValueError "{prefix}name must be one of (...), got 'v'; did you mean 'x'?" unless value
    is one of choices (or ok)."""
    if not ok and value not in choices:
        raise ValueError(f"{prefix}{name} must be one of {choices}, got {value!r}"
                         f"{meant(value, choices)}")  # fmt: skip


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """'; did you mean X?' for the closest valid name (`closest`), else the valid names."""
    choices = sorted(choices)
    near = closest(name, choices)
    return f"; did you mean {near}?" if near is not None else f"; valid: {', '.join(choices)}"


def check_sections(cfg: Any, allowed: Iterable[str], source: str = "config") -> dict:
    """A config file's top level: a table whose keys are known sections (each a table)."""
    if not isinstance(cfg, dict):
        raise ConfigError(f"{source}: expected a table of sections, got {type(cfg).__name__}")
    allowed = tuple(allowed)
    for name, value in cfg.items():
        if name not in allowed and not isinstance(value, dict | list):  # badin34: `d_model = 16`
            raise ConfigError(f"{source}: the key {shown(name)} = {value!r} sits outside any "
                              f"section; keys go under a {' or '.join(f'[{a}]' for a in allowed)} line")  # fmt: skip
        if name not in allowed:
            near = closest(str(name), allowed)
            hint = f"; did you mean [{near}]?" if near is not None else f"; valid: {list(allowed)}"
            raise ConfigError(f"{source}: unknown section [{shown(name)}]{hint}")
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: [{name}] must be a table of keys, got {value!r}")
    return cfg


def _kinds(tp: Any) -> tuple[set, bool]:
    """The base types of an annotation and whether None is allowed (int | None -> {int}, True)."""
    args = typing.get_args(tp) if isinstance(tp, types.UnionType) or typing.get_origin(tp) in (
        typing.Union,
    ) else (tp,)  # fmt: skip
    kinds = {typing.get_origin(a) or a for a in args}
    return kinds - {type(None)}, type(None) in kinds


def _check_value(key: str, value: Any, tp: Any) -> Any:
    kinds, optional = _kinds(tp)
    if value is None:
        if optional:
            return None
        raise ConfigError(f"{key} must not be empty (null)")
    if bool in kinds:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    if int in kinds and float not in kinds:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ConfigError(f"{key} must be an integer, got {value!r}")
    if float in kinds:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ConfigError(f"{key} must be a finite number, got {value!r}")
            return float(value)
        raise ConfigError(f"{key} must be a number, got {value!r}")
    if str in kinds:
        if isinstance(value, str):
            return value
        if dict not in kinds:
            raise ConfigError(f"{key} must be a string, got {value!r}")
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a string or a table, got {value!r}")
    if dict in kinds:
        if isinstance(value, dict):
            return value
        raise ConfigError(f"{key} must be a table, got {value!r}")
    return value


def check_keys(cls: type, d: Any, section: str) -> dict:
    """Known keys with values of the declared types (ints given as 3.0 become 3)."""
    if not isinstance(d, dict):
        raise ConfigError(f"[{section}] must be a table of keys, got {d!r}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    out = {}
    for key, value in d.items():
        if key not in hints or key not in names:
            raise ConfigError(f"unknown key {section}.{shown(key)}{did_you_mean(str(key), names)}")
        out[key] = _check_value(f"{section}.{key}", value, hints[key])
    return out


def build(cls: type[T], d: Any, section: str) -> T:
    """cls(**d) after check_keys; the dataclass's own range checks come back as ConfigError
    naming the section (e.g. 'train: max_steps must be >= 1, got 0')."""
    kwargs = check_keys(cls, d, section)
    try:
        return cls(**kwargs)
    except ConfigError:
        raise
    except (ValueError, TypeError) as e:
        msg = str(e).removeprefix(f"{cls.__name__}: ")
        first = msg.split(" ", 1)[0]
        named = first in {f.name for f in dataclasses.fields(cls)}
        raise ConfigError(f"{section}.{msg}" if named else f"[{section}] {msg}") from e
