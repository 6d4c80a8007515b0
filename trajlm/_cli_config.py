"""A command's ``--config`` files read into one-line errors: a run's JSON / TOML recipe
([model], [train]) and the one-section TOML of train-recovery / train-selector, with their
numbers checked (out of _cli_io.py, review37; importable from there as before)."""

from __future__ import annotations

import json
from pathlib import Path

from trajlm._cli_boundary import one_line
from trajlm._safety import UserError, must_exist


def load_config(path: Path) -> dict:
    """A JSON or TOML config with known sections only ([model], [train] (+ .objectives))."""
    from trajlm._config import check_sections

    must_exist(path, "--config")
    if path.is_dir():
        raise UserError(f"--config {path} is a folder; give a .toml or .json file")
    try:
        text = path.read_text()
    except UnicodeDecodeError as e:
        raise UserError(f"--config {path}: not a text file ({e.reason})") from e
    import tomllib

    kinds = {".toml": ("TOML",), ".json": ("JSON",)}.get(path.suffix.lower(), ("TOML", "JSON"))
    errors = []
    for kind in kinds:
        try:
            cfg = tomllib.loads(text) if kind == "TOML" else json.loads(text)
            break
        except ValueError as e:  # TOMLDecodeError and JSONDecodeError say the line and column
            errors.append(f"{kind}: {one_line(e)}")
    else:
        if len(kinds) == 1:
            raise UserError(f"--config {path}: invalid {kinds[0]} ({errors[0].split(': ', 1)[1]})")
        raise UserError(f"--config {path}: neither TOML nor JSON ({'; '.join(errors)}); give a "
                        ".toml or .json file (YAML is not read)")  # fmt: skip
    cfg = check_sections(cfg, ("model", "train"), source=f"--config {path}")
    if not any(cfg.values()):  # badin34: an empty file trained ModelConfig's bare defaults
        raise UserError(f"--config {path}: holds no [model] or [train] keys; leave --config out "
                        "for the default recipe (configs/default.toml)")  # fmt: skip
    return cfg


def toml_section(path: Path | None, section: str, what: str) -> dict:
    """The ``[section]`` of a one-section TOML ``--config`` ({} without a file): a file that is
    not TOML, or has another section, is one ConfigError naming the file (train-recovery's
    [recovery], train-selector's [selector])."""
    import tomllib

    from trajlm._safety import ConfigError

    if path is None:
        return {}
    must_exist(path, "--config")
    if path.is_dir():  # before: "PATH: Is a directory" (badin35)
        raise ConfigError(f"--config {path} is a folder; give a .toml file with [{section}]")
    try:
        doc = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"--config {path}: not valid TOML ({e})") from None
    if set(doc) - {section}:
        raise ConfigError(f"--config {path}: unknown section(s) {sorted(set(doc) - {section})}; "
                          f"a {what} config has [{section}] only")  # fmt: skip
    return doc.get(section, {})


def selector_network(sec: dict, max_epochs: int | None, where: str):
    """The ``SelectorConfig`` of a section's ``network`` table (``max_epochs`` overrides its
    own); bad keys are one ConfigError naming ``where``.network."""
    from trajlm._safety import ConfigError
    from trajlm.eval.candidate_selector import SelectorConfig

    network = dict(sec.get("network", {}))
    if max_epochs is not None:
        network["max_epochs"] = max_epochs
    try:
        return SelectorConfig(**network)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}.network: {e}") from None


def config_numbers(sec: dict, where: str, rules: dict[str, tuple[type, float, bool]]) -> None:
    """Each ``key`` of ``sec`` that ``rules`` names is a number of its kind (int: a whole
    number) at least ``low`` (above it where the flag says strict), or one ConfigError naming
    ``where.key`` (badin35: ``top_k = -2`` was numpy's "negative dimensions", ``radius_m =
    "far"`` a TypeError, ``max_train_rows = 0`` a ZeroDivisionError); a list's every item."""
    import math

    from trajlm._safety import ConfigError

    for key, (kind, low, strict) in rules.items():
        if key not in sec:
            continue
        values = sec[key] if isinstance(sec[key], list) else [sec[key]]
        for v in values:
            ok = isinstance(v, int | float) and not isinstance(v, bool)
            ok = ok and (math.isfinite(v) or (v == math.inf and kind is float))
            ok = ok and (kind is float or float(v).is_integer())
            ok = ok and (v > low if strict else v >= low)
            if not ok:
                need = f"{'a whole number' if kind is int else 'a number'} {'>' if strict else '>='} {low:g}"
                raise ConfigError(f"{where}.{key}: give {need}, got {v!r}")


def configs_from(cfg: dict, source: str = "", overrides: dict | None = None):
    """(ModelConfig, TrainConfig) of a parsed config plus CLI overrides (None = not given);
    every problem is a ConfigError that names the source and `section.key`."""
    from trajlm._config import build, check_sections
    from trajlm._safety import ConfigError
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig

    try:
        check_sections(cfg, ("model", "train"), source or "config")
        train_cfg = TrainConfig.from_dict(cfg.get("train", {}))
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        if given:  # checked like the file's values (e.g. --max-steps 0 is refused)
            train_cfg = build(TrainConfig, {**train_cfg.__dict__, **given}, "train")
        model_cfg = ModelConfig.from_dict(cfg.get("model", {}))
    except ConfigError as e:
        raise ConfigError(
            f"{source}: {e}" if source and not str(e).startswith(source) else str(e)
        ) from e
    return model_cfg, train_cfg
