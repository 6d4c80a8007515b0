"""What `trajlm eval` says beside its table, and its ``--horizon-s`` models (out of
cli_eval.py, session 16): training-coverage warnings, the run's notes (skipped baselines, the
horizon windows scored / skipped) and the models answering at asked times (api_horizon.py).

Session 18 (cliuser18), found by a new user on held-out data: `--split-by user_time` /
`--max-gap-s` / `--context` were silently ignored where they do nothing; `--holdout-by hour`
tables read "(test split)" like any other; `--task travel_time` and `--task modes` (the
README's names) were refused; a model above constant velocity was said only in a ratio column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from trajlm._cli_boundary import tell
from trajlm.errors import EvalNoteWarning
from trajlm.eval.leak import could_have_seen


def horizon_models(predictors: list, df, horizons: tuple[float, ...] | bool,
                   lm_class: type | None = None) -> list:  # fmt: skip
    """The predictors as ``trajlm eval`` scores them: with ``--horizon-s`` (``horizons``) or
    ``--at-report-times`` (``True``) each model answers at times as
    ``TrajLM.predict(seconds_ahead=)`` does (api_horizon.py), also on positions only when the
    store has reported motion; without, as they are. ``lm_class``: trajlm.api.TrajLM."""
    if not horizons:
        return predictors
    from trajlm.api_horizon import at_times_models
    from trajlm.eval.dead_reckoning_reports import has_motion

    return at_times_models(predictors, has_motion(df), lm_class=lm_class)


def report_times_note(result, df, at_report_times: bool, console: Console) -> None:
    """Which question the k-step table asked where the test split's reports are irregular
    (eval/report_times.py): with ``--at-report-times`` said on every run; without it, only
    where the spread of intervals says the table mostly scores a guess of when reports come."""
    from trajlm.eval.eval_splits import split_blocks, split_rows
    from trajlm.eval.report_times import IRREGULAR_SPREAD, interval_spread

    # the test split as a slice where it is one run (a store's), not a filter's copy (scale40)
    spread = interval_spread(split_rows(df, "test", split_blocks(df)))
    result.meta["interval_spread"] = None if spread != spread else round(spread, 2)
    said = f"p90 / p10 of the test split's sampling intervals: {spread:.1f}"
    if at_report_times:
        line = (f"at report times: the models and dead reckoning were asked for the position "
                f"at the true times of the next reports, as the [time] baselines are ({said}); "
                "constant velocity, linear-3 and kNN still step")  # fmt: skip
    elif spread > IRREGULAR_SPREAD:
        line = (f"note: irregular reports ({said}, over {IRREGULAR_SPREAD:g}): the k-step "
                "table mostly scores a guess of when each next report comes, and the [time] "
                "baselines are given it; --at-report-times asks the models at the true times")  # fmt: skip
    else:
        return
    tell(line, EvalNoteWarning, console)


def print_run_notes(result, console: Console) -> None:
    """The run's notes (e.g. no val trip to tune kNN on) and, with ``--horizon-s``, how many
    windows were scored and why others were skipped."""
    for note in result.meta.get("skipped", []):
        tell(f"note: {note}", EvalNoteWarning, console)
    if hw := result.meta.get("horizon_windows"):
        console.print(f"windows: {hw['n_windows']}; skipped: {hw['skipped']}", markup=False,
                      highlight=False, soft_wrap=True)  # fmt: skip


def warn_coverage(predictors, df, split_by: str, console: Console) -> None:
    """Name every feature of the test split outside a model's training coverage, and a split
    rule that differs from the one the model was trained under (its test trips may be seen)."""
    import polars as pl

    from trajlm.model.coverage import CoverageWarning, coverage_warnings, load_coverage

    test = None  # cut once a model has a coverage card to check it against
    for p in predictors:
        model = getattr(p, "model", None)
        cov = load_coverage(model) if model is not None else None
        if not cov:
            continue
        if test is None:
            test = df.filter(pl.col("split") == "test")
        trained_on = cov.get("split_by", "time")
        if trained_on == "per-source":  # a corpus keeps each source's own chronological split
            trained_on = "time"
        if trained_on != split_by and could_have_seen(cov, test):
            tell(f"warning: {p.name} was trained on a {cov.get('split_by')!r} split, this "
                 f"evaluation uses {split_by!r}: its test trips may have been in training "
                 f"(train on `trajlm data resplit --by {split_by}`)", EvalNoteWarning, console)  # fmt: skip
        for line in coverage_warnings(model, test):  # the model: its gate is said too
            tell(f"warning: {p.name}: outside training coverage: {source_names(line, test)}",
                 CoverageWarning, console)  # fmt: skip


def source_names(line: str, df: Any) -> str:
    """``line`` with each quoted store trip id (``'16-0-09_0'``: ingest's piece of a source
    trip) written as the caller's own id (``'16-0-09'``; ``'16-0-09' piece 1`` where the source
    trip has several pieces here): newuser31 #16, `TrajLM.evaluate(frame)` named ids the user
    never wrote (its store is a temporary one). Unchanged without ``source_traj_id``."""
    import re

    import polars as pl

    if "source_traj_id" not in df.columns:
        return line
    pairs = df.select("traj_id", "source_traj_id").unique().drop_nulls()
    src = dict(zip(pairs["traj_id"].cast(pl.Utf8), pairs["source_traj_id"].cast(pl.Utf8),
                   strict=True))  # fmt: skip
    pieces = pairs.group_by("source_traj_id").len()
    several = set(pieces.filter(pl.col("len") > 1)["source_traj_id"].cast(pl.Utf8))

    def named(m: re.Match) -> str:
        tid = m[1]
        own, k = src[tid], tid.rsplit("_", 1)[-1]
        return f"'{own}' piece {k}" if own in several and tid == f"{own}_{k}" else f"'{own}'"

    # only the ids themselves: "model's" in the line is no quote
    ids = sorted((t for t in src if src[t] != t and f"'{t}'" in line), key=len, reverse=True)
    if not ids:
        return line
    return re.sub("'(" + "|".join(map(re.escape, ids)) + ")'", named, line)


# the README's and the Python API's names for the tasks -> the CLI's
TASK_ALIASES = {
    "travel_time": "tte",
    "travel-time": "tte",
    "traveltime": "tte",
    "eta": "tte",
    "modes": "classify",
    "mode": "classify",
    "transport_modes": "classify",
    "transport-modes": "classify",
    "recovery": "recover",
    "prediction": "predict",
    "similar": "similarity",
}


def canonical_task(task: str) -> str:
    """`task` as the CLI names it (travel_time -> tte, modes -> classify); others unchanged."""
    return TASK_ALIASES.get(task.strip().lower(), task)


def check_unused_options(
    task: str,
    *,
    split_by: str = "time",
    max_gap_s: float = 60.0,
    horizon_s: str | None = None,
    context: str | None = None,
    models: list | None = None,
    at_report_times: bool = False,
) -> None:
    """Refuse, in one line, an option the run would ignore (as --classes / --network are)."""
    from trajlm._safety import UserError

    if at_report_times and (task != "predict" or horizon_s is not None):
        raise UserError(
            "--at-report-times asks the k-step --task predict at the true report times; "
            + (
                f"not --task {task}"
                if task != "predict"
                else "--horizon-s already asks every method at given times: give one of the two"
            )
        )

    if split_by != "time" and task != "classify":
        raise UserError(
            f"--split-by {split_by} is used by --task classify, not {task!r} (predict, recover "
            "and tte re-split with --holdout-by hour|user)"
        )
    if max_gap_s != 60.0 and horizon_s is None:
        raise UserError(
            f"--max-gap-s {max_gap_s:g} is used with --horizon-s (truth between fixes at most "
            "this far apart); give --horizon-s 60,300,600 or leave --max-gap-s out"
        )
    if context is not None and not models:
        raise UserError(
            f"--context {context} sets the models' context; it needs --model (the baselines "
            "read no clock)"
        )


def split_description(df: Any, rule: str | None, zone: str | None = None) -> str | None:
    """The split in words for the table's title, e.g. "held out by hour: test = trips starting
    21:00-23:59 UTC"; None for the default chronological split. ``zone``: the store's own zone
    (`--tz` / `--utc-offset` at ingest, store.store_zone): the test trips' local start hours are
    said beside the UTC rule (newuser34: Melbourne's "22:00-23:59 UTC" test was its morning)."""
    import polars as pl

    if not rule or rule in ("time", "per-source") or "split" not in df.columns:
        return None
    starts = df.group_by("traj_id").agg(pl.col("t").min().alias("t0"), pl.col("split").first())
    test = starts.filter(pl.col("split") == "test")
    if rule.startswith("hour"):
        if len(test) == 0:
            return f"held out by {rule}"
        h = int(rule.split("=", 1)[1]) if "=" in rule else int(((test["t0"] % 86400) // 3600).min())
        local = ""
        if zone:
            from trajlm.data.local_clock import known_clock, wall_clock
            from trajlm.data.splits import hour_ranges

            if known_clock(zone):  # a zone name or a fixed offset ("+03:30": leftover36)
                start = wall_clock(pl.from_epoch(test["t0"], time_unit="s"), zone)
                hours = sorted(set(start.dt.hour().to_list()))
                local = (f" (local start hours {hour_ranges(hours)} in {zone}, the store's "
                         "zone: hour=H counts UTC hours)")  # fmt: skip
        return (
            f"held out by {rule}: test = trips starting {h:02d}:00-23:59 UTC{local}, train and val "
            "the earlier hours"
        )
    if rule == "user":
        col = next((c for c in ("user_id", "vehicle_id") if c in df.columns), None)
        if col is None:
            return "held out by user"
        owners = df.group_by("traj_id").agg(pl.col(col).first(), pl.col("split").first())
        n = {s: owners.filter(pl.col("split") == s)[col].n_unique() for s in ("train", "test")}
        total = owners[col].n_unique()
        return (
            f"held out by user ({col}): test = {n['test']} of {total} users, none of them in "
            f"train ({n['train']} users)"
        )
    return f"split by {rule}"


def worse_than_cv(result: Any) -> list[str]:
    """A line per model row whose MAE is above constant velocity's with the CI above 1: the
    table says it in a ratio column; this says it where a reader looks first."""
    lines = []
    for r in result.rows:
        if r["method"] in result.meta.get("baselines", ()):
            continue
        cv = r.get("ratio_to_cv") or {}
        lo, hi = (cv.get("ci95") or (None, None))[:2]
        if lo is not None and lo > 1.0:
            fix = ("fit one on this store (trajlm train-selector)"
                   if r["method"].startswith("candidate selector")
                   else "read the coverage warnings above, or fine-tune it on this store "
                   "(trajlm finetune)")  # fmt: skip
            if r["method"] in result.meta.get("predictions", {}):  # a user's own answers (byo34)
                fix = "answers of --predictions, scored on the same windows as the baselines"
            lines.append(
                f"{r['method']} ({r['setting']}) is worse than constant velocity here: "
                f"{cv['ratio']:.2f}x its MAE (95 % CI {lo:.2f}-{hi:.2f}); {fix}"
            )
    return lines


def check_horizons(spec: str | None) -> None:
    """--horizon-s's own values, before parse_horizons (whose line also names --max-gap-s,
    an option the user may not have given: badin17 F9)."""
    from trajlm.eval.horizon import horizon_seconds

    if spec is not None:
        horizon_seconds(spec)


def check_windows(spec: str, task: str, horizon_s: str | None) -> int:
    """--windows as a count per trajectory (eval/predict_windows.py), refused in one line
    where the run would ignore it."""
    from trajlm._safety import UserError
    from trajlm.eval.predict_windows import parse_windows

    try:
        n = parse_windows(spec)
    except ValueError as e:
        raise UserError(f"--windows {spec}: {str(e).removeprefix('windows ')}") from None
    if n > 1 and task != "predict":
        raise UserError(f"--windows {spec} is used by --task predict, not {task!r}")
    if n > 1 and horizon_s is not None:
        raise UserError(
            f"--windows {spec} with --horizon-s: the horizon table already scores up to 20 "
            "windows per trajectory; leave --windows out"
        )
    return n


def more_windows(df: Any) -> str:
    """The few-trips warning's tail for a one-window prediction table: how many windows
    `--windows all` would score on the same trips (none said when it is no more)."""
    import polars as pl

    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.predict_windows import WINDOWS_CAP, more_windows_hint

    test = df.filter(pl.col("split") == "test").drop("split") if "split" in df.columns else df
    n_all = make_prediction_task(test, windows=WINDOWS_CAP).target_t.shape[0]
    n_one = make_prediction_task(test).target_t.shape[0]
    return more_windows_hint(n_one, n_all)


def check_scored_split(df: Any, holdout_by: str | None, score_on: str, data: Any) -> None:
    """An empty scored split, named by the option that emptied it: `--holdout-by hour=12` on
    daily icebergs (every trip starts at 00 h) and `--score-on val` on a store without val
    trips said "the test split is empty ... re-split the store" (cliuser18)."""
    import polars as pl

    from trajlm._safety import UserError
    from trajlm.eval.eval_splits import trips_per_split

    n = trips_per_split(df)  # from the trajectories' runs: no group-by of every row (scale38)
    sizes = f"train {n['train']}, val {n['val']}, test {n['test']} trajectories"
    if holdout_by and n["test"] == 0:
        if holdout_by.startswith(("user", "vehicle")):  # hours are no help here (heldout20)
            raise UserError(
                f"--holdout-by {holdout_by}: no trip of --data {data} is held out ({sizes}): "
                "too few users / vehicles to hold whole ones out at 80 / 10 / 10 % of the "
                "trips; use --holdout-by hour or the store's own split"
            )
        starts = df.group_by("traj_id").agg(pl.col("t").min())
        hours = sorted(set(((starts["t"] % 86400) // 3600).cast(pl.Int64).to_list()))
        if len(hours) == 1:  # daily records: no hour splits them
            raise UserError(
                f"--holdout-by {holdout_by}: every trip of --data {data} starts at "
                f"{hours[0]:02d} h UTC, so no by-hour split holds any out ({sizes}); use the "
                "store's own split or --holdout-by user"
            )
        shown = ", ".join(f"{h:02d}" for h in hours[-12:])
        raise UserError(
            f"--holdout-by {holdout_by}: no trip of --data {data} is held out ({sizes}); its "
            f"trips start at hours {shown} UTC: give hour=H with H among them, or hour / user"
        )
    if score_on == "val" and n["val"] == 0:
        raise UserError(
            f"--score-on val: the val split of --data {data} is empty ({sizes}); score on "
            "test, or re-split the store (`trajlm data resplit`)"
        )


def check_network(network: Any, task: str) -> str | None:
    """--network checked before the store is read: used by --task recover only, a file that
    exists or ``synthetic:seed=S,n=N`` (the form of `network_from_spec` and the training
    config's ``road_network``). Returns the spec as a string (None when not given)."""
    from trajlm._safety import UserError

    if network is None:
        return None
    spec = str(network)
    if task != "recover":
        raise UserError(f"--network is used by --task recover, not {task!r}")
    if not spec.startswith("synthetic:"):
        if not Path(spec).exists():
            raise UserError(
                f"--network {spec}: no such file or folder (give a road network file, "
                ".osm.pbf / .geojson / .parquet, or synthetic:seed=S,n=N)"
            )
        return spec
    form = f"--network {spec}: expected synthetic:seed=S,n=N (the city of `trajlm data synth"
    form += " -n N --seed S`)"
    try:
        kv = dict(part.split("=", 1) for part in spec[len("synthetic:") :].split(",") if part)
    except ValueError:
        raise UserError(form) from None
    if unknown := sorted(set(kv) - {"seed", "n"}):
        raise UserError(f"{form}; unknown key {', '.join(unknown)}")
    try:
        seed, n = int(kv.get("seed", 0)), int(kv.get("n", 1000))
    except ValueError:
        raise UserError(f"{form}; seed and n are whole numbers") from None
    if seed < 0 or n < 10:
        raise UserError(f"{form}; seed >= 0 and n >= 10, as `trajlm data synth` takes")
    return spec
