"""A corpus source's own cleaning (`clean = {...}` in its [[source]] table) and the line a corpus
build says where a source holds jumps its cleaning kept (session 39, newuser39).

Before, a [[source]] could name its columns and zone but no cleaning setting: a researcher whose
own store was ingested with `--max-speed-mps 30` (a bus feed's 1-4 km bad fixes dropped) put the
same file into `make pretrain` with every bad fix kept, and the build said nothing (the
standalone ingest at least warned about the steps over 340 m/s). Now

    [[source]]
    name = "trondheim_avl"
    ...
    clean = { max_speed_mps = 30, max_gap_s = 600 }

reads the file as `trajlm data ingest --max-speed-mps 30 --max-gap-s 600` does, and each
source whose steps jump far above its own speeds gets one line naming the key that drops them.

Session 40 (pretrain40): one vocabulary. The table's keys are `trajlm data ingest`'s cleaning
options with `-` as `_` (``OPTION_KEYS``: `min_interval = 15` is `--min-interval 15`,
`split_at_stops = true, stop_minutes = 5` is `--split-at-stops --stop-minutes 5`,
`stop_drift_kn`, `max_accuracy_m = 0` keeps every fix), turned into CleanConfig settings by
``clean_settings``, the one function the CLI uses too. Session 39's CleanConfig spellings that
an option names otherwise (``OLD_KEYS``: `min_interval_s`, `stop_min_s`, `stop_drift_mps`) are
still read, with a one-line note naming the option's key; the settings with no ingest option
(``PYTHON_KEYS``) keep their CleanConfig names.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars only where a table is read: the CLI imports this module's names
    import polars as pl

# `trajlm data ingest`'s cleaning options, `-` as `_`: the keys of a [[source]]'s clean table
OPTION_KEYS = ("max_speed_mps", "max_gap_s", "max_hdop", "max_accuracy_m", "min_points",
               "min_interval", "split_at_stops", "stop_minutes", "stop_radius_m", "stop_drift_kn")  # fmt: skip
# session 39's spellings (CleanConfig fields) of settings an option names otherwise: still read
OLD_KEYS = {"min_interval_s": "min_interval", "stop_min_s": "stop_minutes",
            "stop_drift_mps": "stop_drift_kn"}  # fmt: skip
# CleanConfig settings no ingest option sets: read under their own names (Python's clean_overrides)
PYTHON_KEYS = ("resample_s", "nonmonotonic", "add_speed", "gap_intervals", "min_t")
STOP_DRIFT_MAX_KN = 2.0  # a ship reporting more is under way, not drifting (--stop-drift-kn)
STOP_OPTIONS = ("stop_minutes", "stop_radius_m", "stop_drift_kn")


def clean_keys() -> list[str]:
    """The keys a source's `clean` table takes: the ingest options', then the other settings."""
    return [*OPTION_KEYS, *PYTHON_KEYS]


def clean_settings(options: dict) -> dict:
    """The CleanConfig settings (Python's ``ingest(clean_overrides=)``, units m/s and s) that
    `trajlm data ingest`'s cleaning options mean, keyed as ``OPTION_KEYS`` (only those given;
    None values are not given). The CLI and a corpus source's clean table both read through it,
    so one spelling means one thing. Other keys (``OLD_KEYS``, ``PYTHON_KEYS``) pass as they are."""
    from trajlm.data.clean import STOP_MIN_S
    from trajlm.data.motion_columns import KNOT_MPS

    given = {k: v for k, v in options.items() if v is not None}
    settings = {k: v for k, v in given.items() if k not in OPTION_KEYS}
    for key in ("max_speed_mps", "max_gap_s", "max_hdop", "min_points", "stop_radius_m"):
        if key in given:
            settings[key] = given[key]
    if "min_interval" in given:
        settings["min_interval_s"] = given["min_interval"]
    if given.get("split_at_stops"):
        settings["stop_min_s"] = float(given.get("stop_minutes", STOP_MIN_S / 60.0)) * 60.0
    if "stop_drift_kn" in given:  # 0: no drift joins, the box alone
        settings["stop_drift_mps"] = given["stop_drift_kn"] * KNOT_MPS or None
    if "max_accuracy_m" in given:  # 0: every fix kept, whatever its accuracy column says
        settings["max_accuracy_m"] = given["max_accuracy_m"] or None
    return settings


def _check_option_values(clean: dict) -> None:
    """The ingest options' own rules, as `trajlm data ingest` checks its flags."""
    for key in set(clean) & set(OPTION_KEYS):
        v = clean[key]
        if key == "split_at_stops":
            if not isinstance(v, bool):
                raise ValueError(f"clean.split_at_stops must be true or false, got {v!r}")
            continue
        number = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if key == "min_points":
            ok = number and float(v).is_integer() and v >= 1
        elif key == "max_accuracy_m":
            ok = number and v >= 0
        elif key == "stop_drift_kn":
            ok = number and 0 <= v <= STOP_DRIFT_MAX_KN
        else:
            ok = number and v > 0
        if not ok:
            rule = {"min_points": "a whole number >= 1", "max_accuracy_m": "a number of metres "
                    ">= 0 (0 keeps every fix)", "stop_drift_kn": f"a number of knots from 0 to "
                    f"{STOP_DRIFT_MAX_KN:g}"}.get(key, "a number > 0")  # fmt: skip
            raise ValueError(
                f"clean.{key} must be {rule} (as --{key.replace('_', '-')}), got {v!r}"
            )
    if any(k in clean for k in STOP_OPTIONS) and not clean.get("split_at_stops"):
        raise ValueError(f"clean.{next(k for k in STOP_OPTIONS if k in clean)} needs "
                         "split_at_stops = true (as --split-at-stops)")  # fmt: skip


def check_source_clean(clean: object) -> list[str]:
    """A [[source]]'s `clean` table: known keys with values of the right kind, else a ValueError
    whose message starts with "clean" (the spec loader prefixes the file and source). Returns
    one note per old spelling read (``OLD_KEYS``)."""
    from trajlm._config import did_you_mean
    from trajlm.data.ingest_cleaning import check_overrides

    if not isinstance(clean, dict):
        raise ValueError(
            f"clean must be a table of cleaning settings, e.g. clean = {{ max_speed_mps = 30 }}, "
            f"got {clean!r}"
        )
    keys = clean_keys()
    for key in clean:
        if key not in keys and key not in OLD_KEYS:
            flag = key.replace("-", "_").lstrip("_")
            hint = did_you_mean(flag if flag in keys else key, keys)
            raise ValueError(f"clean has no key {key!r}{hint} (the names of `trajlm data "
                             "ingest`'s options, - as _; docs/pretraining.md)")  # fmt: skip
    for old, key in OLD_KEYS.items():
        if old in clean and key in clean:
            raise ValueError(f"clean gives both {key!r} and its old spelling {old!r}; keep {key!r}")
    _check_option_values(clean)
    try:
        check_overrides(clean_settings(clean))
    except ValueError as e:
        raise ValueError(str(e).replace("clean_overrides[", "clean[")) from None
    return [old_spelling_note(old) for old in OLD_KEYS if old in clean]


def old_spelling_note(old: str) -> str:
    """The line said where a clean table uses session 39's spelling ``old`` of an option."""
    new = OLD_KEYS[old]
    how = {"min_interval": "min_interval = S", "stop_minutes": "split_at_stops = true, "
           "stop_minutes = M", "stop_drift_kn": "stop_drift_kn = KN"}[new]  # fmt: skip
    return (
        f"clean.{old} is read as before; the key of `trajlm data ingest --"
        f"{new.replace('_', '-')}` is {new} ({how})"
    )


def jump_steps(df: pl.DataFrame) -> tuple[int, float, float]:
    """(steps faster than jump_limit of the table's step speeds (GLITCH_SPEED_FACTOR x its
    usual step speed, within MIN_JUMP_MPS..IMPOSSIBLE_SPEED_MPS), that threshold in m/s, the
    fastest such step) of a cleaned source table sorted by (traj_id, t); (0, threshold, 0.0)
    when none."""
    from trajlm.data.clean_common import MIN_JUMP_MPS, jump_limit, step_speed_mps

    if len(df) < 3:
        return 0, MIN_JUMP_MPS, 0.0
    v = df.select(step_speed_mps().alias("v"))["v"].drop_nulls().drop_nans()
    v = v.filter(v.is_finite())
    if v.is_empty():
        return 0, MIN_JUMP_MPS, 0.0
    limit = jump_limit(float(v.quantile(0.9) or 0.0), float(v.quantile(0.99) or 0.0))
    fast = v.filter(v > limit)
    return len(fast), limit, float(fast.max()) if len(fast) else 0.0


def jump_note(name: str, df: pl.DataFrame, clean: dict) -> tuple[str | None, dict | None]:
    """The line a corpus build says where source `name` keeps jumps (steps far above its own
    speeds: bad fixes), naming the `clean` key that drops them, and the record kept in
    corpus.json; (None, None) where it holds none. A source already cleaned with a speed limit
    gets no line (its limit is the user's choice)."""
    from trajlm.data.clean_common import GLITCH_SPEED_FACTOR

    n, limit, fastest = jump_steps(df)
    if n == 0:
        return None, None
    record = {"steps": n, "threshold_mps": round(limit, 1), "max_mps": round(fastest, 1)}
    if clean.get("max_speed_mps") is not None:
        return None, record
    line = (
        f"corpus: {name}: {n:,} step(s) faster than {limit:.0f} m/s ({GLITCH_SPEED_FACTOR:g}x "
        f"its own step speeds; fastest {fastest:,.0f} m/s): bad fixes or jumps, kept "
        f"and pretrained on; clean = {{ max_speed_mps = {limit:.0f} }} in its [[source]] "
        "drops them (as `trajlm data ingest --max-speed-mps` does)"
    )
    return line, record
