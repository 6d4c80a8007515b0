"""A paired comparison between any two rows of an eval table (session 35, outside35):
`trajlm eval ... --compare "A,B"`, ``trajlm.score(..., compare=[("A", "B")])``.

The verdict under the table compares each model row with the strongest baseline only. Here two
named rows (baselines, trajlm runs, ``--predictions`` answers, a seeds' mean row) are compared
on the same scored trajectories of each setting where both have per-trajectory errors: the
difference A - B of their mean errors and its paired bootstrap 95 % CI over trajectories, and
the ratio A / B with its own (``compare.paired_bootstrap_ci`` / ``paired_bootstrap_ratio``, the
harness's bootstrap: the same draws, seed 0, as the table's ratio column). Prediction weights each
trajectory by its count of scored windows, as the ratio column does, so A's and B's means are
the table's MAEs; recovery and travel time compare the mean of per-trajectory MAEs (what the
ratio column divides). Classify / similarity compare accuracy / top-1 per item, in pp.

The word is the verdict's: "A better" only when the whole interval is on A's better side, "B
better" only when it is all on B's, else "level".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.errors import TrajlmInputError
from trajlm.eval.compare import paired_bootstrap_ci, paired_bootstrap_ratio
from trajlm.eval.verdict import ci_word

OPTION = "--compare"


def check_pair_specs(specs: Any, option: str = OPTION) -> list[str | tuple[str, str]]:
    """The asked pairs as given (before any work): "A,B" text (split at the comma that names two
    rows, once the table exists: names may hold commas) or a (A, B) pair; one line each when a
    spec is not one of those, names a row twice or leaves a side empty."""
    if specs is None:
        return []
    if isinstance(specs, str | tuple):
        specs = [specs]
    if not isinstance(specs, list):  # Python's compare=5 / {"A": "B"} (evalapi35)
        raise TrajlmInputError(f"{option}: a list of pairs of row names, e.g. "
                               f"[('kNN continuation', 'trajlm-small')], got {specs!r}")  # fmt: skip
    out: list[str | tuple[str, str]] = []
    for spec in specs:
        if isinstance(spec, list):
            spec = tuple(spec)
        if isinstance(spec, tuple):
            if len(spec) != 2 or not all(isinstance(s, str) and s.strip() for s in spec):
                raise TrajlmInputError(f"{option} {spec!r}: give two row names, e.g. "
                                       "('kNN continuation', 'trajlm-small')")  # fmt: skip
            if spec[0].strip() == spec[1].strip():
                raise TrajlmInputError(f"{option} {spec!r}: a row compared with itself")
            out.append((spec[0].strip(), spec[1].strip()))
            continue
        if not isinstance(spec, str) or "," not in spec:
            raise TrajlmInputError(
                f"{option} {spec!r}: expected two row names of the table joined by a comma, "
                'e.g. "kNN continuation,trajlm-small"'
            )
        if any(not part.strip() for part in (spec.split(",", 1)[0], spec.rsplit(",", 1)[1])):
            raise TrajlmInputError(f'{option} {spec!r}: a row name is empty; expected "A,B"')
        out.append(spec)
    return out


def _row_names(names: list[str]) -> dict[str, str]:
    """What a row may be called -> its name: its own name, and its name less a kind tag
    ("trajlm:trajlm-small (bridge)" as "trajlm-small (bridge)", the run's folder name a user
    types) and the tag alone ("trajlm") where one row carries it, each where no other row is
    called so."""
    known = {n: n for n in names}
    short: dict[str, list[str]] = {}
    for n in names:
        head, sep, rest = n.partition(":")
        if sep and head and " " not in head and rest.strip():
            short.setdefault(rest.strip(), []).append(n)
    for alias, full in short.items():
        if alias not in known and len(full) == 1:
            known[alias] = full[0]
    # newuser38: the kind tag alone ("trajlm") is the one model row of a table that has one;
    # `model.evaluate(df, compare=[("trajlm", ...)])` cannot know its row's folder name first
    tagged: dict[str, list[str]] = {}
    for n in names:
        head, sep, rest = n.partition(":")
        if sep and head and " " not in head and rest.strip():
            tagged.setdefault(head, []).append(n)
    # newuser40: a fitted run's table holds its model row and the verdict's "(val-checked:
    # ENGINE)" row beside it; "trajlm" is the model row there (the checked one keeps its name)
    for alias, full in tagged.items():
        plain = [n for n in full if " (val-checked: " not in n]
        if alias not in known and (len(full) == 1 or len(plain) == 1):
            known[alias] = full[0] if len(full) == 1 else plain[0]
    # badin36: the name a user gave is the row they mean: "mine" for its seeds' mean row
    # "mine (mean ± std over 2 files)", "answers" for the one file's row "answers: ans"
    given: dict[str, list[str]] = {}
    for n in names:
        head, sep, rest = n.partition(" (mean ± std over ")
        if sep and rest.endswith(")"):
            given.setdefault(head, []).append(n)
    for n in names:
        head, sep, rest = n.partition(": ")
        if (
            sep
            and head
            and rest.strip()
            and not any(x.startswith(head + " (mean ± std") for x in names)
        ):
            given.setdefault(head, []).append(n)
    for alias, full in given.items():
        if alias not in known and len(full) == 1:
            known[alias] = full[0]
    return known


def resolve_pairs(specs: list[str | tuple[str, str]], names: list[str],
                  option: str = OPTION, twice: set[str] | None = None) -> list[tuple[str, str]]:  # fmt: skip
    """Each spec as a pair of the table's row ``names``: "A,B" split at the one comma that
    leaves a row name on both sides; one line naming the rows when none (or two) does. A
    model row answers to its name less its kind tag too ("trajlm-small" for
    "trajlm:trajlm-small")."""
    twice = twice or set()  # names two rows of one setting carry (--predictions-name "linear-3")
    names = list(dict.fromkeys(names))
    known = _row_names(names)
    rows = "; ".join(names)
    pairs = []
    for spec in specs:
        if isinstance(spec, tuple):
            missing = [s for s in spec if s not in known]
            if missing:
                raise TrajlmInputError(f"{option}: no row named {missing[0]!r} in this table "
                                       f"(its rows: {rows})")  # fmt: skip
            if known[spec[0]] == known[spec[1]]:  # two names of one row
                raise TrajlmInputError(f"{option} {spec!r}: a row compared with itself")
            pairs.append((known[spec[0]], known[spec[1]]))
            continue
        cuts = [i for i, c in enumerate(spec) if c == ","]
        found = [(spec[:i].strip(), spec[i + 1 :].strip()) for i in cuts]
        found = [(known[a], known[b]) for a, b in found if a in known and b in known]
        if not found:
            raise TrajlmInputError(f"{option} {spec!r}: names no two rows of this table (its "
                                   f"rows: {rows})", hint="copy the names from the table's "
                                   "method column; join them with a comma")  # fmt: skip
        if len(found) > 1:
            raise TrajlmInputError(f"{option} {spec!r}: reads as two pairs of rows ("
                                   + " or ".join(f"{a!r} vs {b!r}" for a, b in found) + ")",
                                   hint="give the pair as (A, B) from Python")  # fmt: skip
        if found[0][0] == found[0][1]:
            raise TrajlmInputError(f"{option} {spec!r}: a row compared with itself")
        pairs.append(found[0])
    for pair in pairs:  # before: the first row of the name compared, unsaid (badin36)
        if same := [n for n in pair if n in twice]:
            raise TrajlmInputError(f"{option}: two rows of this table are named {same[0]!r} (a "
                                   "baseline's name given to other rows?); which one is meant "
                                   "cannot be told", hint="give your rows a name no other row "
                                   "has")  # fmt: skip
    return list(dict.fromkeys(pairs))  # a pair asked twice is compared once (badin36)


def check_names_before_scoring(specs: list[str | tuple[str, str]], names: list[str],
                               later: tuple[str, ...] = ()) -> None:  # fmt: skip
    """Refuse, before any scoring, a pair naming no row the table can have (fix39: a misspelt
    name was told only after the whole eval had run). ``names``: the rows known up front (the
    baselines', models' and answer files' names); ``later``: the heads of rows made after
    scoring ("trajlm" for its seeds' "trajlm (mean ± std over 3 runs)"). A name holding " ("
    may be such a row in full ("X (val-checked: knn)"), and is left to the table's check."""
    known = _row_names(list(dict.fromkeys(names)))

    def possible(name: str) -> bool:
        return name in known or " (" in name or any(name.startswith(h) for h in later)

    rows = "; ".join(dict.fromkeys(names))
    for spec in specs:
        sides = ([spec] if isinstance(spec, tuple) else
                 [(spec[:i].strip(), spec[i + 1 :].strip()) for i, c in enumerate(spec) if c == ","])  # fmt: skip
        if not any(possible(a) and possible(b) for a, b in sides):
            bad = next((n for n in (spec if isinstance(spec, tuple) else ()) if not possible(n)),
                       None)  # fmt: skip
            what = (f"{OPTION}: no row named {bad!r} in this table" if bad
                    else f"{OPTION} {spec!r}: names no two rows of this table")  # fmt: skip
            raise TrajlmInputError(f"{what} (its rows: {rows}; checked before scoring)",
                                   hint="copy the names from the table's method column; join "
                                   "them with a comma")  # fmt: skip


def _pair(ra: dict, rb: dict, task: str) -> dict | None:
    """One setting's comparison of rows ``ra`` (A) and ``rb`` (B), or None without errors."""
    if "_per_item" in ra and "_per_item" in rb:  # classify / similarity: hits, higher better
        a = 100.0 * np.asarray(ra["_per_item"], np.float64)
        b = 100.0 * np.asarray(rb["_per_item"], np.float64)
        if a.shape != b.shape or not len(a):
            return None
        got = paired_bootstrap_ci(a, b)
        return {"metric": "accuracy_pct", "unit": "pp", "a_value": float(a.mean()),
                "b_value": float(b.mean()), "diff": got["diff"], "ci95": [got["lo"], got["hi"]],
                "n": got["n"], "word": ci_word(got["lo"], got["hi"], False, 0.0)}  # fmt: skip
    if "_per_traj" not in ra or "_per_traj" not in rb:
        return None
    a = np.asarray(ra["_per_traj"], np.float64)
    b = np.asarray(rb["_per_traj"], np.float64)
    if a.shape != b.shape:
        return None
    ok = np.isfinite(a) & np.isfinite(b)  # recovery: trajectories with a hidden point
    if not ok.any():
        return None
    w = ra.get("_traj_n") if task == "predict" else None  # windows per trajectory
    w = None if w is None else np.asarray(w, np.float64)[ok]
    diff = paired_bootstrap_ci(a[ok], b[ok], weights=w)
    ratio = paired_bootstrap_ratio(a[ok], b[ok], weights=w)
    ww = np.ones(int(ok.sum())) if w is None else w
    unit = "min" if task == "tte" else "m"
    return {"metric": "mae_" + unit, "unit": unit,
            "a_value": float((ww * a[ok]).sum() / ww.sum()),
            "b_value": float((ww * b[ok]).sum() / ww.sum()), "diff": diff["diff"],
            "ci95": [diff["lo"], diff["hi"]], "ratio": ratio["ratio"],
            "ratio_ci95": [ratio["lo"], ratio["hi"]], "n": diff["n"],
            "word": ci_word(*_relative(diff, float((ww * b[ok]).sum() / ww.sum())), True, 0.0)}  # fmt: skip


def _relative(diff: dict, base: float) -> tuple[float, float]:
    """The CI as a share of B's mean error: the verdict's round-off tolerance (1e-9) is then
    relative (an answer file equal to a baseline differs by ~1e-12 of its MAE: level)."""
    scale = abs(base) if base and np.isfinite(base) else 1.0
    return diff["lo"] / scale, diff["hi"] / scale


def compare_rows(result: Any, specs: list[str | tuple[str, str]]) -> list[dict]:
    """Every asked pair (``check_pair_specs``' output) in every setting where both rows have
    per-trajectory (per-item) errors: {setting, a, b, metric, unit, a_value, b_value, diff,
    ci95, ratio, ratio_ci95 (errors only), n, verdict}. A pair with no setting in common
    is refused in one line (e.g. a model row of another task)."""
    seen: set[tuple[str, str]] = set()
    twice = set()
    for r in result.rows:
        key = (r["setting"], r["method"])
        if key in seen:
            twice.add(r["method"])
        seen.add(key)
    pairs = resolve_pairs(specs, [r["method"] for r in result.rows], twice=twice)
    out = []
    for a, b in pairs:
        found = []
        for setting in dict.fromkeys(r["setting"] for r in result.rows):
            ra = next((r for r in result.rows if r["setting"] == setting and r["method"] == a),
                      None)  # fmt: skip
            rb = next((r for r in result.rows if r["setting"] == setting and r["method"] == b),
                      None)  # fmt: skip
            got = _pair(ra, rb, result.task) if ra and rb else None
            if got is None:
                continue
            word = {"better": f"{a} better", "worse": f"{b} better"}.get(got.pop("word"), "level")
            found.append({"setting": setting, "a": a, "b": b, **got, "verdict": word})
        if not found:
            raise TrajlmInputError(f"{OPTION}: {a!r} and {b!r} have no scored setting in common "
                                   "(per-trajectory errors in one setting) to compare")  # fmt: skip
        out += found
    return out


def comparison_lines(entries: list[dict]) -> list[str]:
    """The table printed under the verdict (nothing when no pair was asked)."""
    if not entries:
        return []
    head = ["setting", "A", "B", "mean A", "mean B", "A - B (95 % CI)", "A / B (95 % CI)",
            "n", "reading"]  # fmt: skip
    lines = ["", "Paired comparisons (--compare): A and B on the same scored trajectories, the "
             "mean of per-trajectory errors (k-step prediction: each weighted by its windows, "
             "as the ratio column), paired bootstrap 95 % CI over trajectories:", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]  # fmt: skip
    for e in entries:
        unit = e["unit"]
        lo, hi = e["ci95"]
        cells = [e["setting"], e["a"], e["b"], f"{e['a_value']:.2f} {unit}",
                 f"{e['b_value']:.2f} {unit}", f"{e['diff']:+.2f} ({lo:+.2f} to {hi:+.2f}) {unit}"]  # fmt: skip
        if "ratio" in e:
            rlo, rhi = e["ratio_ci95"]
            cells.append(f"{e['ratio']:.3f} ({rlo:.3f}-{rhi:.3f})")
        else:
            cells.append("")
        cells += [str(e["n"]), e["verdict"]]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
