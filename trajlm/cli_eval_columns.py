"""Which of a store's columns `trajlm eval` reads (scale35).

`trajlm eval` read the store whole with every column. At a 6.1 M-fix fleet month the columns
nothing on the way reads (the vendor's `vehicle_id`, ingest's `source_traj_id` beside each
piece's id, `accuracy_m`, `sog_mps`) were half the table, and every copy the evaluation makes of
it (the splits, the sorted parts) carried them. The rule, by what reads a column:

- the four canonical columns (traj_id, t, lat, lon) always: every task and baseline;
- classify, similarity and your own answer files (`--predictions`): every column (the labels,
  the users, the columns an answer may be matched on);
- a saved candidate selector or route-recovery model (`--model`): every column (its library
  and features are its own);
- a user / hour hold-out (the store's split rule or `--holdout-by`): `user_id`, `vehicle_id`
  (the split and its description name the users);
- a transformer run (`--model`): ingest's `source_traj_id` (coverage warnings name your own
  trip ids) and the reported speed / course (a run whose saved verdict is dead reckoning reads
  them, as `TrajLM.predict` does); `--at-report-times`: the reported speed / course (dead
  reckoning asked at the report times).

The table is the same either way (`scripts/scale34/same_eval.sh`, docs/scale.md).
"""

from __future__ import annotations

from pathlib import Path

CORE = ("traj_id", "t", "lat", "lon")
OWNERS = ("user_id", "vehicle_id")
SOURCE_ID = "source_traj_id"  # schema.SOURCE_ID (not imported: this module loads no polars)
WHOLE_TASKS = ("classify", "similarity")


def store_columns(data: Path) -> list[str]:
    """Every column of the store's part files (the union, in the first file's order)."""
    import pyarrow.parquet as pq

    from trajlm.data.store import SPLITS, part_files

    names: list[str] = []
    for split in SPLITS:
        for f in part_files(data, split):
            names += [n for n in pq.read_schema(f).names if n not in names]
    return names


def eval_columns(data: Path, task: str, models: list[Path] | None, split_rule: str | None,
                 at_report_times: bool = False, predictions: list | None = None) -> list[str] | None:  # fmt: skip
    """The columns `trajlm eval --task TASK` reads from the store ``data`` (the module's rule),
    in the store's order; None: every column. ``split_rule``: `--holdout-by`, else the
    store's own split rule (manifest ``split_by``)."""
    from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir

    if task in WHOLE_TASKS or predictions:
        return None
    if any(is_selector_dir(p) or is_route_recovery_dir(p) for p in models or []):
        return None
    names = store_columns(data)
    keep = set(CORE)
    if split_rule not in (None, "time", "per-source"):  # user / hour: who and when is held out
        keep |= set(OWNERS)
    if models:
        keep.add(SOURCE_ID)
    if models or at_report_times:  # every column read as a reported speed or course
        keep |= set(motion_names(names))
    return [c for c in names if c in keep]


def motion_names(names: list[str]) -> list[str]:
    """Every column ``names`` holds that reads as a reported speed or course."""
    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import COURSE_NAMES, SPEED_NAMES, speed_unit

    return [c for c in names if normalised(c) in SPEED_NAMES or normalised(c) in COURSE_NAMES
            or speed_unit(c) is not None]  # fmt: skip
