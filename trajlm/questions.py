"""Natural-language questions over trajectory data: ``trajlm.ask(question, data)``.

(The module is ``questions``, not ``ask``, so that ``trajlm.ask`` stays the function.)

    import trajlm
    ans = trajlm.ask("how many bus trips started on Monday mornings?", "stores/city")
    print(ans.plan.describe())   # the validated plan, shown before it runs (CLI: always)
    print(ans)                   # 12

A planner turns the question into a typed ``QueryPlan`` (trajlm/llm/plan.py): the rule-based
one, or SmolLM2-135M-Instruct with constrained decoding when installed and asked for
(``planner="smollm2"``). The plan runs on Polars (trajlm/llm/query.py); ``predict`` runs
through ``trajlm.TrajLM``. A question no plan can express raises ``CannotAnswer`` ("can't
answer that: ..."). Nothing from the question or the language model is ever executed as code.
docs/llm.md has the vocabulary, the evaluation and the latencies.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm.data.coerce_pieces import retold_at_caller
from trajlm.data.features import median_lon
from trajlm.errors import TrajlmInputError, warn_at_caller
from trajlm.llm.frames import (
    nonexistent_note,
    own_columns,
    read_time_format,
    trips_words,
    with_mover,
)
from trajlm.llm.grounding import DataWords
from trajlm.llm.kinds import refuse_other_kind
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.planner import make_planner
from trajlm.llm.query import Answer, run_plan, trip_table
from trajlm.llm.refusals import refuse_stop_events
from trajlm.llm.tracks import long_ids, read_tracks, with_file_owner, with_owner

POINT_COLUMNS = ["traj_id", "t", "lat", "lon", "label", "vehicle_id", "user_id", "source_traj_id"]
# a question that names the zone of its hours: UTC ("between 7 and 9 UTC"), or the data's own
SAYS_UTC = re.compile(r"\b(?:utc|gmt)\b", re.I)
SAYS_LOCAL = re.compile(r"\blocal\b", re.I)
# a question about where trips started or ended ("started within 300 m of X", "left from")
STARTED_AT = re.compile(
    r"\b(?:start(?:ed|ing|s)?|began|begin(?:s|ning)?|depart(?:ed|ing|s)?|left|end(?:ed|ing|s)?"
    r"|finish(?:ed|ing|es)?|arriv(?:ed|ing|es)?|dropped off|picked up)\b[^?.]*\b(?:from|at|near|within"
    r"|around|close to|in)\b|\b(?:start(?:ed|ing)?|began|end(?:ed|ing)?)\s+-?\d{1,3}\.\d+\s*,",
    re.I,
)


def data_zone(data: Any) -> str | None:
    """The zone a store's times were local to at ingest (``--tz`` / ``--utc-offset``, kept in
    its manifest since session 14), as Polars reads it ("Europe/Paris", "+02:00"); else None."""
    if not isinstance(data, str | os.PathLike):
        return None
    from trajlm.data.store import load_manifest

    local = load_manifest(data).get("reading", {}).get("local_time") or {}
    if local.get("tz"):
        return str(local["tz"])
    if off := int(local.get("utc_offset_s") or 0):
        return f"{'+-'[off < 0]}{abs(off) // 3600:02d}:{abs(off) % 3600 // 60:02d}"
    return None


def _read_as(data: Any) -> str | None:
    """The format a store was read from at ingest (manifest ``reading.format``), if it is a store; a column layout
    it was read as (``reading.columns``, or one recognised from the header: ``columns_guessed.columns``) first."""
    try:
        manifest = json.loads((Path(data) / "manifest.json").read_text())
    except (TypeError, OSError, ValueError):
        return None
    reading = manifest.get("reading") or {}
    layout = reading.get("columns") or (reading.get("columns_guessed") or {}).get("columns")
    return layout if isinstance(layout, str) else reading.get("format")


# data sets whose every trip is one kind of vehicle: "taxi trips" on Porto, "bus trips" on the Liverpool buses are
# every trip (set 15; session 19 for the buses), when the data has no labels
ONE_KIND = {"porto": "taxi", "tdrive": "taxi", "liverpool_bus": "bus"}
# formats of a sports watch's or an app's activity files (set 21: a Strava export read as `gpx` keeps no activity
# types): without labels, their "rides" may be bike rides or every activity, so they are asked, not guessed
ACTIVITY_FORMATS = frozenset({"gpx", "tcx", "fit", "tracks", "igc", "kml", "sml"})


def ingest_note(data: Any) -> str | None:
    """What ingest split or dropped (a store's manifest ``drop_report``), said under an answer about one vehicle:
    its trips are the pieces kept (set 15: AIS vessel 12's 75 fixes are 2 trips after gap splits; 96.8 of the
    129.2 nm between its fixes are inside them), and trips too short to keep are not counted."""
    if not isinstance(data, (str, Path)) or not (Path(data) / "manifest.json").is_file():
        return None
    try:
        report = json.loads((Path(data) / "manifest.json").read_text()).get("drop_report") or {}
    except (OSError, ValueError):
        return None
    splits = int((report.get("repaired") or {}).get("gap_splits", 0))
    short = int((report.get("dropped") or {}).get("short_trajectory", 0))
    said = []
    if splits:
        said.append(
            f"split tracks at {splits:,} time gaps (a vehicle's distance across a gap is not counted)"
        )
    if short:
        said.append(
            f"dropped {short:,} rows of trajectories too short to keep (their trips are not counted)"
        )
    if not said:
        return None
    return f"at ingest this store {' and '.join(said)}: trips are the pieces kept (drop_report in manifest.json)"


def load_points(
    data: Any, split: str | None = None, tz: str | None = None, columns: dict | None = None
) -> pl.DataFrame:
    """See ``points_and_notes``; the points only."""
    return points_and_notes(data, split, tz, columns)[0]


def points_and_notes(
    data: Any,
    split: str | None = None,
    tz: str | None = None,
    columns: dict | None = None,
    time_format: str | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """See ``points_notes_zone``; the points and the notes."""
    return points_notes_zone(data, split, tz, columns, time_format)[:2]


def points_notes_zone(
    data: Any,
    split: str | None = None,
    tz: str | None = None,
    columns: dict | None = None,
    time_format: str | None = None,
) -> tuple[pl.DataFrame, list[str], str | None]:
    """(points, notes, zone). ``zone``: a frame's own time zone when its times are zoned
    datetimes other than UTC (pandas ``tz="America/Sao_Paulo"``), so hours and dates are read
    on the caller's clock as a store ingested with ``--tz`` is (session 19: "trips after 18:00"
    on Sao Paulo times counted UTC hours); None for stores (``data_zone``) and other frames.

    A store path -> its points (the columns a plan can use); a frame -> canonical points.
    ``tz``: a frame's times without a zone are wall-clock times there, as ``data ingest --tz``
    reads them (session 15; they were read as UTC and then shown in ``tz``: hours off by the
    offset, silently); times that do not exist there (spring forward) are dropped and counted
    as ingest counts them (``dropped_rows``). ``columns``: the frame's own names
    (``frame_columns.py``); ``time_format``: how a frame's time text is written (``frames.py``)."""
    if isinstance(data, str | os.PathLike):
        from trajlm.data.store import _open, load_manifest, read_store

        _open(data)  # one line when it is not a store (a missing path, a CSV, a file inside one)
        part = next(Path(data).glob("points/split=*/part-*.parquet"), None)
        if part is None:  # was a StopIteration traceback (a 500 over HTTP; badin24)
            raise TrajlmInputError(f"{data}: a store with no points/split=*/part-*.parquet files "
                                   "(a damaged or half-copied store); ingest it again")  # fmt: skip
        have = set(pl.read_parquet_schema(part))
        load_manifest(data)  # a clear error when it is not a store
        return (
            read_store(data, split=split, columns=[c for c in POINT_COLUMNS if c in have]),
            [],
            None,
        )
    from trajlm.data.coerce import coerce

    if split is not None:  # was ignored: every row was asked about (badin24)
        raise TrajlmInputError(f"split={split!r} reads a store's split; a frame has none (leave it "
                               "out, or pass only that split's rows)", field="split")  # fmt: skip
    data, given = own_columns(data, columns)
    data = read_time_format(data, given, time_format)  # "%d/%m/%Y %H:%M:%S" (session 18)
    notes: list[str] = []
    try:
        with retold_at_caller(trips_words):  # a vehicle's days: its trips (pieces22)
            df, layout = coerce(data, warn_naive=not tz, **with_gap_rule(given))
        df = with_mover(df, layout)
    except TrajlmInputError as e:  # coerce says traj_col=...: ask takes columns= (session 16)
        if "day/month order" in str(e) or "pd.to_datetime" in str(
            e
        ):  # ask takes time_format= (session 18)
            raise TrajlmInputError(f"{e}; or pass time_format= (e.g. time_format='%d/%m/%Y %H:%M:%S', "
                                   "as data ingest --time-format)") from None  # fmt: skip
        if "traj_col=" not in str(e) and "column" not in str(e):
            raise
        raise TrajlmInputError(f"{e}; trajlm.ask / Asker take columns={{'traj_id': ..., 't': ..., "
                               "'lat': ..., 'lon': ...} with the frame's own names") from None  # fmt: skip  # with tz, naive times are read there (below)
    naive = (layout.time_kind == "datetime" and layout.time_zone is None) or (
        layout.time_kind == "string" and (layout.time_text or {}).get("zone") == "none"
    )
    if tz and naive:  # naive wall-clock times read as UTC -> the instants they are in tz
        try:
            wall = pl.from_epoch(pl.col("t"), time_unit="s").dt.replace_time_zone(
                tz, ambiguous="earliest", non_existent="null"
            )
            df = df.with_columns(wall.dt.epoch("s").alias("t"))
        except pl.exceptions.ComputeError:
            raise TrajlmInputError(f"unknown time zone {tz!r}: give an IANA name such as "
                                   "'Europe/Paris' or an offset such as '+02:00'") from None  # fmt: skip
        if gone := int(df["t"].null_count()):  # said as ingest says it (session 16)
            df = df.drop_nulls("t")
            notes.append(nonexistent_note(gone, tz))
            warn_at_caller(notes[-1])
    zoned = layout.time_kind == "datetime" and layout.time_zone not in (None, "UTC")
    return df, notes, layout.time_zone if zoned else None


class Asker:
    """Holds the data, its trip table, the planner and the model across questions (so the
    planner and model load once). ``asker(question)`` -> ``Answer``.

    Hours, weekdays and dates are the trip's start in ``tz`` (an IANA zone or "+02:00"),
    by default the zone the store was ingested in (``--tz`` / ``--utc-offset``), else UTC; a
    question that says "UTC" or "GMT" is read in UTC. ``columns``: a frame's own column names,
    ``{"traj_id": "journey", "t": "local_time", "lat": ..., "lon": ..., "label": "service",
    "vehicle_id": "unit"}`` (as ``data ingest --traj-col ... --label-col --vehicle-col``);
    without it they are detected, a ``mode`` / ``activity`` column read as the label and a
    ``vehicle_id`` / ``mmsi`` / ``driver_id`` ... column as the vehicle, as ingest does.
    ``time_format``: a frame's time text as ``data ingest --time-format`` takes it ('%d/%m/%Y
    %H:%M:%S', unix_ms, ...)."""

    def __init__(
        self,
        data: Any,
        *,
        planner: Any = "auto",
        model: Any = None,
        split: str | None = None,
        tz: str | None = None,
        columns: dict | None = None,
        time_format: str | None = None,
    ):
        self.points, self.notes, own_zone = points_notes_zone(data, split, tz, columns, time_format)
        if len(self.points) == 0:
            raise CannotAnswer("the data has no points")
        if (
            self.points.schema.get("label") == pl.Utf8
        ):  # "classic_bike" is asked as "classic bike" (set 22)
            self.points = self.points.with_columns(pl.col("label").str.replace_all("_", " "))
        self.trips_utc = trip_table(self.points)
        self._long = long_ids(self.trips_utc)
        if self._long:  # tracks of days: their ids name the mover (session 20)
            self.points = with_owner(self.points, self._long)
            self.trips_utc = trip_table(self.points)
        if (
            "vehicle_id" not in self.points.columns
        ):  # a GPX file per tagged bird: its stem is the mover (set 24)
            owned = with_file_owner(self.points)
            if owned is not self.points:
                self.points, self.trips_utc = owned, trip_table(owned)
        self.zone = tz or data_zone(data) or own_zone
        self.trips = self.trips_utc
        if self.zone:  # the start in the data's own clock: hours, days and dates read there
            try:
                self.trips = self.trips.with_columns(
                    pl.col("start").dt.convert_time_zone(self.zone)
                )
            except pl.exceptions.ComputeError:
                raise TrajlmInputError(f"unknown time zone {self.zone!r}: give an IANA name "
                                       "such as 'Europe/Paris' or an offset such as '+02:00'") from None  # fmt: skip
        area = (float(self.points["lat"].median()), median_lon(self.points["lon"]))
        years = self.trips["start"].dt.year().unique().sort().to_list()  # dates without a year
        words = DataWords.of(self.trips)  # its labels and vehicle ids ("VAN-02", "lion")
        if self._long:  # a track's id is its mover's ("W01"), read as the vehicle (tracks.py)
            words = DataWords(
                words.labels,
                words.vehicles,
                words.trips - {i.lower() for i in self._long},
                words.numbers,
            )
        read_as = _read_as(data) or ""
        one_kind = ONE_KIND.get(read_as) if "mode" not in self.trips.columns else None
        words = DataWords(words.labels, words.vehicles, words.trips, words.numbers, one_kind,
                          activities=read_as in ACTIVITY_FORMATS)  # fmt: skip
        self.planner = (
            make_planner(planner, area, years, words) if isinstance(planner, str) else planner
        )
        self._model = model
        self._ingest_note = ingest_note(data)
        self._kind = one_kind

    def plan(self, question: str) -> QueryPlan:
        plan = self.planner.plan(question)
        # "the average dwell time at stops" (not each trip's longest stop); "van trips" on Porto's taxis (session 19)
        refuse_stop_events(plan, question)
        refuse_other_kind(question, self._kind)
        timed = plan.hour_from is not None or plan.hour_to is not None or plan.weekdays
        timed = timed or plan.date_from is not None or plan.date_to is not None
        if self.zone:  # the data's zone, unless the question says UTC
            plan._zone = "UTC" if SAYS_UTC.search(question) else self.zone
        elif timed and SAYS_LOCAL.search(question) and not SAYS_UTC.search(question):
            raise CannotAnswer("the data's local time zone is unknown (its times are UTC): "
                               "ingest with --tz ZONE or --utc-offset HOURS, or pass tz=")  # fmt: skip
        if (
            plan.mode is not None and plan.mode == self._kind
        ):  # "taxi trips" of a taxi data set: every trip (set 15)
            plan = plan.model_copy(update={"mode": None})
        if plan.trip is not None and plan.trip not in set(self.trips["traj_id"].to_list()):
            plan = self._segment(plan)
        self._asked = (plan, question)  # run() adds the notes the question needs (the CLI too)
        return plan

    def _segment(self, plan: QueryPlan) -> QueryPlan:
        """A trip named without the store's segment suffix ("LY-R0062" for "LY-R0062_0"):
        the one segment, or a refusal naming them."""
        ids = self.trips["traj_id"].to_list()
        low = plan.trip.lower()
        parts = [i for i in ids if re.fullmatch(rf"{re.escape(low)}_\d+", str(i).lower())]
        if len(parts) == 1:
            plan = plan.model_copy(update={"trip": parts[0]})  # keeps _zone and _strict
        elif len(parts) > 1:
            raise CannotAnswer(f"trip {plan.trip!r} was split into {len(parts)} segments at "
                               f"ingest ({', '.join(parts[:4])}): name one")  # fmt: skip
        return plan

    def run(self, plan: QueryPlan) -> Answer:
        if plan.action == "predict":
            return self._predict(plan)
        trips = self.trips_utc if plan._zone in (None, "UTC") else self.trips
        points, trips, cut = read_tracks(plan, self.points, trips, self._long)  # days of tracks
        answer = run_plan(plan, points, trips)
        answer.notes += [cut] if cut else []
        asked, question = getattr(self, "_asked", (None, ""))
        if asked is plan and STARTED_AT.search(question) and plan.center() is not None:
            answer.notes.append(self._started_there(plan))
        if (
            plan.vehicle is not None and self._ingest_note
        ):  # a vehicle's total is of the pieces kept (set 15)
            answer.notes.append(self._ingest_note)
        answer.notes.extend(self.notes)
        return answer

    def __call__(self, question: str) -> Answer:
        t0 = time.perf_counter()
        answer = self.run(self.plan(question))
        answer.seconds = time.perf_counter() - t0
        return answer

    def _started_there(self, plan: QueryPlan) -> str:
        """A place filter matches any point of a trip; a question about where trips started
        or ended gets how many of the matched trips did (session 15, set 13: "how many trips
        started within 300 m of X" counted 76 trips passing by, none starting there)."""
        from trajlm.data.geometry import haversine_m
        from trajlm.llm.query import select_trips

        trips = self.trips_utc if plan._zone in (None, "UTC") else self.trips
        chosen = select_trips(plan, self.points, trips).select("traj_id")
        lat, lon, radius = plan.center()
        ends = self.points.sort("t").group_by("traj_id").agg(
            pl.col("lat").first().alias("a0"), pl.col("lon").first().alias("o0"),
            pl.col("lat").last().alias("a1"), pl.col("lon").last().alias("o1"),
        ).join(chosen, on="traj_id", how="semi")  # fmt: skip
        near = [int(ends.select((haversine_m(pl.col(a), pl.col(o), pl.lit(lat), pl.lit(lon)) <= radius).sum()).item())
                for a, o in (("a0", "o0"), ("a1", "o1"))]  # fmt: skip
        return (f"a place matches trips with any point within {radius:g} m of it: of these {len(ends)}, "
                f"{near[0]} started and {near[1]} ended there (ask 'started within {radius:g} m of "
                f"{lat:.4f},{lon:.4f}' for where trips start, 'ended ...' for where they end)")  # fmt: skip

    def _predict(self, plan: QueryPlan) -> Answer:
        history = self.points.filter(pl.col("traj_id") == plan.trip).select(
            "traj_id", "t", "lat", "lon"
        )
        if len(history) == 0:
            raise CannotAnswer(f"no trip {plan.trip!r} in this data")
        if self._model is None:
            raise CannotAnswer("predicting needs a trained model (--model RUN, or model=)")
        if isinstance(self._model, str | os.PathLike):
            from trajlm.api import TrajLM

            self._model = TrajLM.from_pretrained(self._model)
        elif not hasattr(self._model, "predict") and hasattr(self._model, "generate"):
            from trajlm.api import TrajLM  # a bare TrajectoryModel: the API wraps it

            self._model = TrajLM(self._model)
        minutes = int(round(plan.minutes or 5))
        ahead = [60.0 * (i + 1) for i in range(max(minutes, 1))]
        pred = self._model.predict(history, seconds_ahead=ahead)
        return Answer(
            plan, table=pl.DataFrame(pred) if not isinstance(pred, pl.DataFrame) else pred
        )


def ask(
    question: str,
    data: Any,
    *,
    planner: Any = "auto",
    model: Any = None,
    split: str | None = None,
    tz: str | None = None,
    columns: dict | None = None,
    time_format: str | None = None,
) -> Answer:
    """Answer one question about ``data`` (a store path or a trajectory frame); see the module
    docstring and ``Asker`` (``tz``: the zone of hours and dates; ``columns``: a frame's own
    column names). For many questions build an ``Asker`` once."""
    return Asker(
        data,
        planner=planner,
        model=model,
        split=split,
        tz=tz,
        columns=columns,
        time_format=time_format,
    )(question)
