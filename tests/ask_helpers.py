"""What the `trajlm ask` tests share: running the CLI on a store and reading its printed answer (sets
13-15), reading an answer through the Python API (sets 13-15; tidy26), the great-circle distance the expected answers are computed with (tidy24), and the
checks of a set's outcomes (tidy25)."""

import re
from pathlib import Path

import numpy as np
from helpers import invoke_cli, run_cli  # noqa: F401  (run_cli: the sets' stores)

ROOT = Path(__file__).resolve().parents[1]


def haversine_m(la1, lo1, la2, lo2):
    """Metres between points in degrees (arrays or Series), written out here so the expected
    answers do not lean on trajlm's own distance."""
    la1, lo1, la2, lo2 = map(np.radians, (la1, lo1, la2, lo2))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))


def fleet_truths(frame):
    """One row per trip of a frame with columns job / unit / op / t / lat / lon (sets 30, 31): veh, op, start,
    end, m (metres), still (seconds in steps slower than 1 m/s), dur (s), kmh; with pandas, not trajlm."""
    s = frame.sort_values(["job", "t"])
    same = s.job.eq(s.job.shift())
    s = s.assign(d=np.where(same, haversine_m(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0))
    s = s.assign(dt=np.where(same, s.t.diff().dt.total_seconds(), 0.0))
    s = s.assign(still=np.where(same & (s.d / s.dt.replace(0, np.nan) < 1.0), s.dt, 0.0))
    agg = dict(veh=("unit", "first"), op=("op", "first"), start=("t", "min"), end=("t", "max"))
    t = s.groupby("job").agg(**agg, m=("d", "sum"), still=("still", "sum"))
    t["dur"] = (t.end - t.start).dt.total_seconds()
    t["kmh"] = t.m / t.dur * 3.6
    return t


def read_cli(store: Path, question: str):
    """(refused, value, first trip id, printed answer) of one question through `trajlm ask`, from what it prints.

    In this process (typer's CliRunner: the same app, its user-error boundary and exit codes):
    a `python -m trajlm.cli` per question cost ~2.5 CPU s of start-up, 0.07 s here (citime25)."""
    r = invoke_cli(["ask", question, "--data", str(store)])  # raises where a traceback would print
    return _read_printed(r.exit_code, r.stdout, r.stderr)


def read_api(asker, question: str, whole_text: bool = False):
    """(refused, value, first trip id, the answer's first line, or all of it with ``whole_text``) of
    one question through the Python API (an ``Asker``)."""
    from trajlm.llm.plan import CannotAnswer

    try:
        ans = asker(question)
    except CannotAnswer as e:
        return True, None, None, str(e)
    first = None
    if ans.table is not None and len(ans.table) and "traj_id" in ans.table.columns:
        first = str(ans.table["traj_id"][0])
    value = ans.value if isinstance(ans.value, (int, float)) else None
    return False, value, first, str(ans) if whole_text else str(ans).splitlines()[0]


def _read_printed(returncode: int, stdout: str, stderr: str):
    if returncode == 2 and "can't answer" in stdout + stderr:
        return True, None, None, (stdout + stderr).strip().splitlines()[-1]
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    rest = lines[next(k for k, ln in enumerate(lines) if ln.startswith("plan:")) + 1 :]
    value = None
    # a number with its unit ("22.0 min", "4.66 % (21 of 451 trips)", "52.7/week (...)", "1.75 min (trip ...)"),
    # not a list's "54 trips (first 20 shown)"
    # "113.6 km²": a home range (session 34)
    m = re.match(r"^\s*(-?[\d,]*\.?\d+)\s*(%|[a-z/²]+)?\s*(\(|$)", rest[0])
    if m and (
        not re.match(r"\s*[\d,]+ trips\b", rest[0]) or "(vehicle " in rest[0]
    ):  # per vehicle: a count
        value = float(m.group(1).replace(",", ""))
    if h := re.match(
        r"^\s*(\d{2}):00-\d{2}:00 \(", rest[0]
    ):  # the busiest hour (session 16): its hour
        value = float(h.group(1))
    cells = [ln.split("┆")[0].strip("│ ") for ln in rest if ln.startswith("│")]
    first = next(
        (c for c in cells if c not in ("traj_id", "vehicle")), None
    )  # the first row under the header
    if first is None and (t := re.search(r"\(trip (\S+) of [\d,]+\)", rest[0])):
        first = t.group(1)  # a top-1 asked in a unit prints "6.33 mi (trip X of 213)" (session 18)
    if first is None and (v := re.search(r"\(vehicle (\S+?);? of [\d,]+", rest[0])):
        first = v.group(
            1
        )  # per vehicle: "124.2 mi (vehicle CTA-003 of 10; ...)" (session 18, pervehicle18)
    return False, value, first, "\n".join(rest)


def close(value, expected) -> bool:
    """`value` within 1 % of `expected` (a number, or a list of acceptable numbers)."""
    options = expected if isinstance(expected, list) else [expected]
    return value is not None and any(
        abs(float(value) - x) <= 0.01 * max(abs(x), 1e-9) for x in options
    )


def score(expected, refused: bool, value, first) -> str:
    """One question's outcome: right / wrong / refused, or refused_right / wrong_answered for
    questions that should be refused (`expected` None); a str `expected` names a trip."""
    if expected is None:
        return "refused_right" if refused else "wrong_answered"
    if refused:
        return "refused"
    if isinstance(expected, str):
        return "right" if first is not None and re.sub(r"_\d+$", "", first) == expected else "wrong"
    return "right" if close(value, expected) else "wrong"


def with_outcome(outcomes: dict, outcome: str) -> list:
    """(question, answer text) of a set's questions that came out as ``outcome`` ("wrong",
    "wrong_answered", ...); ``outcomes`` keyed by question id or text (sets 13-16)."""
    return [
        (r.get("question", k), r["text"]) for k, r in outcomes.items() if r["outcome"] == outcome
    ]


def check_left(outcomes: dict, left: dict) -> None:
    """No answerable question is refused but those in ``left`` ({key: reason}), and each of
    those is refused with its pinned reason: a change to what is left shows here."""
    missed = {
        k: r["text"] for k, r in outcomes.items() if r["outcome"] == "refused" and k not in left
    }
    assert not missed
    for k, reason in left.items():
        assert outcomes[k]["outcome"] == "refused" and reason in outcomes[k]["text"], outcomes[k]
