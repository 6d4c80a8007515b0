"""A sports scientist's questions about player tracking (sports37): sprints, top speed, the
halves, and the ball, which is no player.

- **sprints**: a run of consecutive steps at or above SPRINT_MPS (7 m/s, 25.2 km/h, the usual
  "sprint" band of football tracking providers) lasting SPRINT_MIN_S (1 s) or more; said in the
  answer. **top speed** ("max speed", "maximum / peak / highest speed"): the fastest step. Both
  from the store's steps: a source at 10-25 Hz kept at one fix a second gives 1-s mean speeds
  (ask_data.subsecond_note says so under the answer).
- **first / second half**: the fixes of the store's `period` column's first / second value
  (data/periods.py keeps `Period`, `period`, `half` at ingest); without one, refused in a line.
- **the ball**: a mover whose id (or vehicle / source id) is `ball` (`ball`, `Ball`, `ball_0`)
  is not a player: left out of answers about players ("which player ran the most km", "who was
  fastest"), said in a note; a question that names the ball asks about it.

Questions with "sprint", a top-speed phrase, a half or a distance per player are answered here (``sports_plan`` /
``run_sports``: per player, one player named, which / who, or in all); every other question
goes to the planner as before, with ``players_only`` taking the ball out where it asks about
players. Data without a ball, a period column or these words: nothing changes."""

from __future__ import annotations

import re

import polars as pl
from pydantic import PrivateAttr

from trajlm.data.full_rate import PATH_M, PEAK_MPS, SPRINT_MIN_S, SPRINT_MPS, SPRINTS
from trajlm.llm.answer import Answer
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.trips import steps as trip_steps

MAX_STEP_S = 5.0  # a step over a longer silence is no speed (a sprint across a dropout)
_BALL = re.compile(r"(?i)^ball(?:[ _.-]?\d+)?$")
_SPRINT = re.compile(r"(?i)\bsprint(?:s|ed|ing|ers?)?\b")
_TOP = re.compile(
    r"(?i)\b(?:top|max|maximum|peak|highest|fastest)\s+(?:running\s+)?(?:speed|velocity|pace)\b"
)
_HALF = re.compile(r"(?i)\b(first|1st|second|2nd)\s+half\b")
_DISTANCE = re.compile(
    r"(?i)\b(?:km|kms|kilomet(?:er|re)s?|distance|far|ran|run|covered|cover|metres|meters|m)\b"
)
_PLAYERS = re.compile(
    r"(?i)\b(?:players?|athletes?|who|whom|whose|footballers?|squad|team\s*mates?)\b"
)
_PER = re.compile(
    r"(?i)\b(?:per|each|every|by|all)\s+(?:the\s+)?(?:(?:home|away)\s+)?(?:players?|athletes?)\b|\bfor\s+each\b"
)
_WHICH = re.compile(r"(?i)\b(?:which|who|whose)\b")
_ASKS_BALL = re.compile(r"(?i)\b(?:the\s+)?ball\b")
# a match's events (ask37b): tracking holds where each mover was, not what he did with the ball
_EVENTS = re.compile(
    r"(?i)\b(?:passes|a\s+pass|shots?|goals?|tackles?|assists?|fouls?|touches|headers|dribbles?"
    r"|interceptions?|possession|penalt(?:y|ies)|(?:yellow|red)\s+cards?|free\s+kicks?|corner\s+kicks?"
    r"|offsides?|saves)\b"
)
_IN_METRES = re.compile(r"(?i)\bin\s+(?:metres|meters|m)\b")
# "the home side", "the away team" (ask37b): the players whose ids begin home / away (TRACAB's
# home_7, Metrica's Home_11)
_TEAM = re.compile(r"(?i)\b(home|away)\s+(?:side|team|players?|squad|eleven|xi)\b")


def without_noisy_full_rate(data: object, points: pl.DataFrame) -> tuple[pl.DataFrame, str | None]:
    """``points`` without the full-rate columns where the store's ingest found its sub-second
    path to be noise (``reading.full_rate.noisy``: a GPS vest at 10 Hz), and the note saying so."""
    import os

    if not isinstance(data, str | os.PathLike) or PATH_M not in points.columns:
        return points, None
    from trajlm.data.store import load_manifest

    rate = (load_manifest(data).get("reading") or {}).get("full_rate") or {}
    if not rate.get("noisy"):
        return points, None
    return points.drop(PATH_M, PEAK_MPS, SPRINTS, strict=False), (
        f"this store's sub-second path is {rate['path_over_chords']:.2f}x its 1-s chords (noise "
        "in the source's fixes, found at ingest): distances, speeds and sprints are read from "
        "1-s steps, not path_m / peak_mps"
    )


def is_ball(ids: pl.Expr) -> pl.Expr:
    """True where an id names the ball (`ball`, `Ball`, `ball_0`, `ball 1`)."""
    return ids.cast(pl.Utf8).str.strip_chars().str.contains(_BALL.pattern).fill_null(False)


def _mover(points: pl.DataFrame) -> str:
    """The column naming each mover (a player over both halves): vehicle / source / trip id."""
    return next(c for c in ("vehicle_id", "source_traj_id", "traj_id") if c in points.columns)


def ball_ids(points: pl.DataFrame) -> list[str]:
    """The trip ids of the ball (by trip, vehicle or source id); [] when none is."""
    named = pl.any_horizontal(
        [
            is_ball(pl.col(c))
            for c in ("traj_id", "vehicle_id", "source_traj_id")
            if c in points.columns
        ]
    )
    return sorted(points.filter(named)["traj_id"].cast(pl.Utf8).unique().to_list())


def players_only(
    question: str, points: pl.DataFrame, trips: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, str | None]:
    """(points, trips, note) without the ball where ``question`` asks about players (or who)
    and does not name the ball; unchanged (note None) otherwise."""
    if not _PLAYERS.search(question) or _ASKS_BALL.search(question):
        return points, trips, None
    balls = ball_ids(points)
    if not balls:
        return points, trips, None
    keep = ~pl.col("traj_id").cast(pl.Utf8).is_in(balls)
    return points.filter(keep), trips.filter(keep), _ball_note(balls)


def _ball_note(balls: list[str]) -> str:
    shown = ", ".join(balls[:4]) + (", ..." if len(balls) > 4 else "")
    return f"the ball ({shown}) is not a player: left out (name the ball to ask about it)"


class SportsPlan(QueryPlan):
    """A question this module answers: ``_what`` (sprints / top_speed / distance), ``_half``
    (0 / 1 or None) and ``_question``; ``describe`` says it in one line."""

    _what: str = PrivateAttr(default="distance")
    _half: int | None = PrivateAttr(default=None)
    _question: str = PrivateAttr(default="")

    def describe(self) -> str:
        what = {
            "sprints": f"sprints (>= {SPRINT_MPS:g} m/s held >= {SPRINT_MIN_S:g} s)",
            "top_speed": "top speed (the fastest step)",
            "distance": "distance covered",
        }[self._what]
        half = "" if self._half is None else f" in the {('first', 'second')[self._half]} half"
        side = _TEAM.search(self._question)
        who = f"the {side[1].lower()} side's players" if side else "each player"
        return f"{what} of {who}{half} (player tracking: llm/sports_answers.py)"


def sports_plan(question: str) -> SportsPlan | None:
    """The plan of a sprint / top-speed / half question; None for any other question."""
    if event := _EVENTS.search(question):
        raise CannotAnswer(
            f"'{event[0]}' is a match event: tracking data holds where each player and the ball "
            "were, not passes, shots, goals or tackles (an event feed has them); ask for distance, "
            "sprints or top speed"
        )
    sprint, top, half = _SPRINT.search(question), _TOP.search(question), _HALF.search(question)
    team = _TEAM.search(question) and _DISTANCE.search(question)  # "km the away team ran"
    per_player = _PER.search(question) and _DISTANCE.search(question)  # "distance per player"
    if not (sprint or top or half or per_player or team):
        return None
    if sprint:
        what = "sprints"
    elif top:
        what = "top_speed"
    elif _DISTANCE.search(question):
        what = "distance"
    else:
        raise CannotAnswer(
            "about a half, ask for distance, sprints or top speed ('distance per player in the "
            "second half', 'who sprinted most in the first half')"
        )
    plan = SportsPlan(action="count")
    plan._what, plan._question = what, question
    plan._half = None if half is None else int(half[1].lower() in ("second", "2nd"))
    return plan


# words a sports question may hold that its plan has no place for (badin38: each was dropped and
# the whole match answered): another half, a speed of the user's own, a date or week
_OTHER_HALF = re.compile(
    r"(?i)\b(third|fourth|fifth|zeroth|0th|[3-9]th|\d{2,}(?:st|nd|rd|th))\s+half\b"
)
_SPEED_GIVEN = re.compile(r"(?i)-?\d+(?:\.\d+)?\s*(?:m/s|mps|km/h|kmh|kph|mph)\b")
_WHEN = re.compile(
    r"(?i)\b(?:week|weekend|month|year|today|yesterday|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|january|february|march|april|may|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|\b\d{4}-\d{2}-\d{2}\b"
)


def sprint_word(question: str) -> str | None:
    """The sprint word of ``question`` ("sprints", "sprinted"), or None: where the data is no
    player tracking, the planner's "did not understand 'sprints'" is said as why (badin38)."""
    found = _SPRINT.search(question)
    return found[0] if found else None


def refuse_unread_words(question: str) -> None:
    """CannotAnswer where ``question`` says a half, a speed or a time window the sports plan
    cannot read (it answered the whole match at 7 m/s, silently)."""
    if other := _OTHER_HALF.search(question):
        raise CannotAnswer(f"'{other[0]}': a match here has a first and a second half; ask about "
                           "'the first half' or 'the second half', or the whole match")  # fmt: skip
    if _SPRINT.search(question) and (speed := _SPEED_GIVEN.search(question)):
        raise CannotAnswer(
            f"'{speed[0]}': a sprint here is fixed ({SPRINT_MPS:g} m/s, {SPRINT_MPS * 3.6:.1f} "
            f"km/h, held {SPRINT_MIN_S:g} s or more); a speed of your own is not read: ask "
            "'how many sprints', or 'top speed of each player' to compare speeds"
        )
    if when := _WHEN.search(question):
        raise CannotAnswer(
            f"'{when[0]}': sprints, top speeds and distances per player are read over the whole "
            "match (or one half); a date or week is not: leave it out"
        )


def _in_half(points: pl.DataFrame, half: int | None) -> pl.DataFrame:
    if half is None:
        return points
    if "period" not in points.columns:
        raise CannotAnswer(
            "this data has no period / half column, so the halves cannot be told apart: "
            "ingest a file with a `period` / `half` column (Metrica and TRACAB feeds have one) "
            "or ask about the whole match"
        )
    periods = points["period"].drop_nulls().cast(pl.Utf8).unique().sort().to_list()
    if half >= len(periods):
        raise CannotAnswer(f"this data holds {len(periods)} period(s) ({', '.join(periods)}): "
                           "no second half")  # fmt: skip
    return points.filter(pl.col("period").cast(pl.Utf8) == periods[half])


def player_table(points: pl.DataFrame) -> pl.DataFrame:
    """Per mover: distance (m), top speed (m/s) and sprints, from each trip's steps (a sub-second
    source's own path and fastest step where the store kept them: data/full_rate.py)."""
    mover = _mover(points)
    steps = trip_steps(points)
    ok = (pl.col("_dt") > 0) & (pl.col("_dt") <= MAX_STEP_S)
    steps = steps.with_columns(v=pl.when(ok).then(pl.col("_d") / pl.col("_dt")))
    fast = (pl.col("v") >= SPRINT_MPS).fill_null(False)
    run = (fast != fast.shift(1)).fill_null(True).cum_sum().over("traj_id")
    steps = steps.with_columns(fast=fast, run=run)
    runs = (
        steps.filter(pl.col("fast"))
        .group_by(*dict.fromkeys((mover, "traj_id", "run")))  # a frame's mover is its trip
        .agg(pl.col("_dt").sum().alias("held_s"))
        .group_by(mover)
        .agg((pl.col("held_s") >= SPRINT_MIN_S).sum().alias("sprints"))
    )
    if SPRINTS in steps.columns:  # counted at the source's own rate (data/full_rate.py)
        runs = steps.group_by(mover).agg(pl.col(SPRINTS).sum().alias("sprints"))
    top = pl.max_horizontal("v", PEAK_MPS) if PEAK_MPS in steps.columns else pl.col("v")
    out = steps.group_by(mover).agg(
        pl.col("_d").sum().alias("distance_m"), top.max().alias("top_speed_mps")
    )
    out = out.join(runs, on=mover, how="left").with_columns(pl.col("sprints").fill_null(0))
    return (
        out.rename({mover: "player"})
        .with_columns(
            pl.col("player").cast(pl.Utf8),
            (pl.col("distance_m") / 1000).round(3).alias("km"),
            pl.col("distance_m").round(1),
            pl.col("top_speed_mps").round(2),
            (pl.col("top_speed_mps") * 3.6).round(1).alias("top_speed_kmh"),
            pl.col("sprints").cast(pl.Int64),
        )
        .select("player", "distance_m", "km", "top_speed_mps", "top_speed_kmh", "sprints")
    )


_KEY = {"sprints": "sprints", "top_speed": "top_speed_mps", "distance": "distance_m"}


def _said(what: str, row: dict, metres: bool = False) -> str:
    if what == "sprints":
        return f"{row['sprints']} sprint(s)"
    if what == "top_speed":
        return f"{row['top_speed_mps']:.2f} m/s ({row['top_speed_kmh']:.1f} km/h)"
    return f"{row['distance_m']:.0f} m" if metres else f"{row['km']:.2f} km"


# a player named by an id the data does not hold ("home_99", "player 23"): badin38, the question
# was answered for every player
_PLAYER_ID = re.compile(r"(?i)\b(?:home|away)[ _-]?\d+\b|\bplayer\s+([\w-]*\d[\w-]*)")


def _named(question: str, players: list[str]) -> str | None:
    low = question.lower()
    for p in sorted(players, key=len, reverse=True):
        forms = {p.lower(), p.lower().replace("_", " ")}
        if any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", low) for f in forms):
            return p
    return None


def run_sports(plan: SportsPlan, points: pl.DataFrame) -> Answer:
    """Answer a ``sports_plan``: per player (a table), one named player, which / who (the top
    one and the table) or, for sprints, how many in all."""
    q, what, key = plan._question, plan._what, _KEY[plan._what]
    refuse_unread_words(q)
    notes: list[str] = []
    mover = _mover(points)
    table = player_table(_in_half(points, plan._half))
    balls = table.filter(is_ball(pl.col("player")))["player"].to_list()
    named = _named(q, table["player"].to_list())
    if named is None and (asked := _PLAYER_ID.search(q)):
        shown = ", ".join(table["player"].sort().head(6).to_list())
        raise CannotAnswer(f"no player '{asked[1] or asked[0]}' here (players: {shown}, ...)")
    if named is None and not _ASKS_BALL.search(q) and balls:
        table = table.filter(~is_ball(pl.col("player")))
        notes.append(_ball_note(balls))
    team = _TEAM.search(q) if named is None else None
    if team is not None:
        table = _side(table, team[1].lower())
    if mover == "traj_id" and table.height:
        notes.append("no player id beyond each trip's: one row per trip (ingest --vehicle-col)")
    if what == "sprints":
        rate = " at the source's own rate" if SPRINTS in points.columns else " in 1-s steps"
        notes.append(f"a sprint: {SPRINT_MPS:g} m/s ({SPRINT_MPS * 3.6:.1f} km/h) or faster, "
                     f"held {SPRINT_MIN_S:g} s or more{rate}")  # fmt: skip
    if what == "top_speed":
        rate = "the source's own fixes" if PEAK_MPS in points.columns else "consecutive fixes"
        notes.append(f"top speed: the fastest step between {rate}")
    table = table.sort([key, "player"], descending=[True, False])
    answer = Answer(plan, notes=notes)
    half = "" if plan._half is None else f" in the {('first', 'second')[plan._half]} half"
    if named is not None:
        row = table.filter(pl.col("player") == named).row(0, named=True)
        answer.value = row[key]
        answer.text = f"{named}{half}: {_said(what, row, bool(_IN_METRES.search(q)))}"
        return answer
    if table.height == 0:
        raise CannotAnswer("no player has fixes" + (half or " in this data"))
    with pl.Config(tbl_rows=40, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        shown = str(table)
    top = table.row(0, named=True)
    # "how far did all the home players run": the side's total, its players' table beneath (ask38: it was the
    # table alone); "each / every / per home player" stays the table
    each = _PER.search(q) is not None and not re.match(r"(?i)all\b", _PER.search(q).group(0))
    if team is not None and not _WHICH.search(q) and not each:
        return _team_total(answer, table, what, f"the {team[1].lower()} side{half}", shown)
    if _WHICH.search(q) and not _PER.search(q):
        answer.value = top["player"]
        answer.text = (
            f"{top['player']}{half}: {_said(what, top)} (of {table.height} players)\n{shown}"
        )
    elif what == "sprints" and not _PER.search(q):
        answer.value = int(table["sprints"].sum())
        answer.text = f"{answer.value} sprint(s){half} by {table.height} players\n{shown}"
    else:
        answer.value = dict(zip(table["player"].to_list(), table[key].to_list(), strict=True))
        answer.text = f"{what.replace('_', ' ')} per player{half} ({table.height} players)\n{shown}"
    return answer


def _side(table: pl.DataFrame, side: str) -> pl.DataFrame:
    """The rows of the players whose ids begin ``side`` (home / away); refused when none do."""
    mine = table.filter(pl.col("player").str.to_lowercase().str.contains(rf"^{side}[\s_-]?\d"))
    if mine.height == 0:
        shown = ", ".join(table["player"].head(4).to_list())
        raise CannotAnswer(f"no player id here says {side} (ids look like {shown}): the sides cannot "
                           "be told apart; ask per player")  # fmt: skip
    return mine


def _team_total(answer: Answer, table: pl.DataFrame, what: str, side: str, shown: str) -> Answer:
    """One side's sum (distance, sprints) or its fastest player (top speed), with its table."""
    n = f"{table.height} players"
    if what == "top_speed":
        top = table.row(0, named=True)
        answer.value = top["top_speed_mps"]
        answer.text = f"{side}: {_said(what, top)} ({top['player']}, the fastest of {n})\n{shown}"
    elif what == "sprints":
        answer.value = int(table["sprints"].sum())
        answer.text = f"{side}: {answer.value} sprint(s) by {n}\n{shown}"
    else:
        answer.value = round(float(table["distance_m"].sum()) / 1000, 3)
        answer.text = f"{side}: {answer.value:.2f} km in all ({n})\n{shown}"
    return answer
