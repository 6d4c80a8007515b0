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

reads the file as `trajlm data ingest --max-speed-mps 30 --max-gap-s 600` does (the keys are
Python's `ingest(clean_overrides=)` names, the CleanConfig fields), and each source whose steps
jump far above its own speeds gets one line naming the key that drops them.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from trajlm.data.clean_common import GLITCH_SPEED_FACTOR, IMPOSSIBLE_SPEED_MPS, step_speed_mps
from trajlm.data.clean_common import MIN_JUMP_MPS as MIN_JUMP_MPS  # re-exported (newuser39)

# a 99th percentile more than this many times the 90th is a tail of bad fixes, not travel
# (badin40: a feed whose jumps were over 1 % of its steps had a jump as its p99, so 4x it
# called none of them a jump); a clean feed's p99 sits well under it (a bus: p99 / p90 ~ 1.3)
TAIL_OVER_P90 = 3.0


def reference_speed(p90: float, p99: float) -> float:
    """The speed a step is a jump against (times GLITCH_SPEED_FACTOR): the 99th percentile
    step speed, or TAIL_OVER_P90 x the 90th where the 99th is itself a jump's."""
    return min(p99, TAIL_OVER_P90 * p90)


def jump_limit(p90: float, p99: float) -> float:
    """The jump threshold in m/s: GLITCH_SPEED_FACTOR x reference_speed, at least MIN_JUMP_MPS,
    at most IMPOSSIBLE_SPEED_MPS (a step past it is always a jump)."""
    rule = max(GLITCH_SPEED_FACTOR * reference_speed(p90, p99), MIN_JUMP_MPS)
    return min(rule, IMPOSSIBLE_SPEED_MPS)


def clean_keys() -> list[str]:
    """The keys a source's `clean` table takes: every CleanConfig field."""
    from trajlm.data.clean import CleanConfig

    return sorted(f.name for f in dataclasses.fields(CleanConfig))


def check_source_clean(clean: object) -> None:
    """A [[source]]'s `clean` table: known keys with values of the right kind, else a ValueError
    whose message starts with "clean" (the spec loader prefixes the file and source)."""
    from trajlm._config import did_you_mean
    from trajlm.data.ingest_cleaning import check_overrides

    if not isinstance(clean, dict):
        raise ValueError(
            f"clean must be a table of cleaning settings, e.g. clean = {{ max_speed_mps = 30 }}, "
            f"got {clean!r}"
        )
    keys = clean_keys()
    for key in clean:
        if key not in keys:
            flag = key.replace("-", "_").lstrip("_")
            hint = did_you_mean(flag if flag in keys else key, keys)
            raise ValueError(f"clean has no key {key!r}{hint} (the names of Python's "
                             "ingest(clean_overrides=); CLI flags: docs/pretraining.md)")  # fmt: skip
    try:
        check_overrides(clean)
    except ValueError as e:
        raise ValueError(str(e).replace("clean_overrides[", "clean[")) from None


def jump_steps(df: pl.DataFrame) -> tuple[int, float, float]:
    """(steps faster than jump_limit of the table's step speeds (GLITCH_SPEED_FACTOR x its
    99th percentile, within MIN_JUMP_MPS..IMPOSSIBLE_SPEED_MPS), that threshold in m/s, the
    fastest such step) of a cleaned source table sorted by (traj_id, t); (0, threshold, 0.0)
    when none."""
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
