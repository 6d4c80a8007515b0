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


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """'; did you mean X?' for the closest valid name, else the list of valid names."""
    choices = sorted(choices)
    close = difflib.get_close_matches(str(name), choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else f"; valid: {', '.join(choices)}"


def check_sections(cfg: Any, allowed: Iterable[str], source: str = "config") -> dict:
    """A config file's top level: a table whose keys are known sections (each a table)."""
    if not isinstance(cfg, dict):
        raise ConfigError(f"{source}: expected a table of sections, got {type(cfg).__name__}")
    allowed = tuple(allowed)
    for name, value in cfg.items():
        if name not in allowed:
            close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
            hint = f"; did you mean [{close[0]}]?" if close else f"; valid: {list(allowed)}"
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
