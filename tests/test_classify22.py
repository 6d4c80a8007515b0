"""Session 22 (classify22): labelled trajectories kept whole at ingest, a gradient-boosting
baseline that is fair on small sets (settings by grouped CV on train), and a classifier below
that baseline on val said, or replaced in Python by a val-checked choice (docs/finetune.md
"Session 22 (classify22)")."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

T0 = 1009843200  # 2002-01-01T00:00Z
SPEEDS = {"slow": 2.0, "mid": 7.0, "fast": 15.0}


def _tracks(n: int, seed: int, kinds=tuple(SPEEDS), pieces: bool = False) -> pl.DataFrame:
    """``n`` labelled trajectories, kinds in turn, 30 s fixes; with ``pieces`` each is cut in
    two (ingest's gap split: ``source_traj_id`` names the trajectory)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        kind = kinds[k % len(kinds)]
        speed = SPEEDS[kind] * rng.uniform(0.85, 1.15)
        m = int(rng.integers(24, 40))
        head = rng.uniform(0, 2 * np.pi)
        for i in range(m):
            d = speed * 30 * i * rng.uniform(0.9, 1.1)
            tid = f"{seed}-{k}"
            piece = f"{tid}_{int(i >= m // 2)}" if pieces else tid
            rows.append((piece, T0 + 30 * i, 37.9 + d * np.sin(head) / 111_320,
                         23.7 + d * np.cos(head) / 87_800, kind, tid))  # fmt: skip
    cols = ["traj_id", "t", "lat", "lon", "label", "source_traj_id"]
    return pl.DataFrame(rows, schema=cols, orient="row").with_columns(pl.col("t").cast(pl.Int64))


def _segments(df: pl.DataFrame) -> pl.DataFrame:
    from trajlm.data.segments import make_mode_segments

    seg, _ = make_mode_segments(df, {k: k for k in SPEEDS}, min_points=3)
    return seg


# ------------------------------------------------------------------------------ ingest


def _csv(path: Path, labels: dict[str, list[str]]) -> Path:
    """tid,time,lat,lon,label; each trajectory 20 fixes a minute apart with a 2-hour gap
    after the 10th (the default split cuts at 30 min)."""
    rows = ["tid,time,lat,lon,label"]
    for tid, labs in labels.items():
        for i in range(20):
            t = T0 + 60 * i + (7200 if i >= 10 else 0)
            rows.append(f"{tid},{t},{37.9 + 1e-4 * i:.5f},{23.7 + 1e-4 * i:.5f},{labs[i]}")
    path.write_text("\n".join(rows) + "\n")
    return path


def _ingest(src: Path, out: Path, **kw) -> tuple[dict, list[str]]:
    from trajlm.data.ingest import ingest

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        manifest = ingest(src, "csv", out, **kw)
    return manifest, [str(w.message) for w in said]


def test_one_label_per_trajectory_keeps_each_whole_and_says_so(tmp_path):
    """MAT-style files (one class per trajectory) were cut at time gaps by default (70 MAT
    animals -> 836 pieces, short ones dropped); now each labelled trajectory stays whole, said
    in one line, and --max-gap-s still splits them."""
    src = _csv(tmp_path / "one.csv", {"a": ["car"] * 20, "b": ["bus"] * 20})
    m, said = _ingest(src, tmp_path / "s")
    assert m["n_trajectories"] == 2 and m["reading"]["whole_labelled"] == 2
    assert [s for s in said if "kept whole" in s and "--max-gap-s" in s and "2 trajector" in s]
    m, said = _ingest(src, tmp_path / "s2", clean_overrides={"max_gap_s": 1800})
    assert m["n_trajectories"] == 4 and "whole_labelled" not in m["reading"]
    assert not [s for s in said if "kept whole" in s]


def test_a_label_that_changes_inside_a_trajectory_keeps_the_gap_split(tmp_path):
    """GeoLife-style per-point modes: the rule does not apply (control)."""
    src = _csv(tmp_path / "mix.csv", {"a": ["car"] * 10 + ["walk"] * 10, "b": ["bus"] * 20})
    m, said = _ingest(src, tmp_path / "s")
    assert m["n_trajectories"] == 4 and "whole_labelled" not in m["reading"]
    assert not [s for s in said if "kept whole" in s]


def test_cli_ingest_says_the_trajectories_were_kept_whole(tmp_path):
    from reliability_helpers import invoke

    from trajlm.data.store import read_store

    src = _csv(tmp_path / "one.csv", {"a": ["car"] * 20, "b": ["bus"] * 20, "c": [""] * 20})
    r = invoke("data", "ingest", src, "--traj-col", "tid", "--time-col", "time",
               "--label-col", "label", "--out", tmp_path / "s")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "every labelled trajectory carries one class (2 trajectories)" in text
    assert "Traceback" not in r.output
    assert read_store(tmp_path / "s")["traj_id"].n_unique() == 3  # c (unlabelled) whole too


# ------------------------------------------------------------------------------ fair GB


def test_tuned_gb_splits_a_small_set_the_default_cannot():
    """30 train trajectories of 3 classes: HistGradientBoosting's min_samples_leaf=20 cannot
    split at all (one class everywhere); grouped CV on train picks a smaller leaf."""
    from trajlm.eval.classify import FeatureGBClassifier, segment_labels
    from trajlm.eval.classify_gb_cv import GB_GRID, TunedGBClassifier

    train, test = _segments(_tracks(30, 1)), _segments(_tracks(30, 2))
    y = segment_labels(test)
    default = FeatureGBClassifier(max_iter=50).fit(train)  # 50 rounds: a fast test
    tuned = TunedGBClassifier(grid=((20, None), (5, None)), max_iter=50).fit(train)
    acc = {n: float(np.mean(m.classify(test) == y)) for n, m in (("d", default), ("t", tuned))}
    assert acc["d"] < 0.5 and acc["t"] >= 0.9, acc
    assert tuned.chosen_ == (5, None) and len(tuned.cv_) == 2 and GB_GRID[0] == (20, None)
    assert tuned.name == "GB features [CV-tuned]"


def test_tuned_gb_keeps_the_default_on_a_large_set_and_groups_pieces():
    """Control: with 300 trajectories the default already splits; CV ties resolve to the
    default. Pieces of one source trajectory are one group (never on both sides of a fold)."""
    from trajlm.eval.classify_gb_cv import TunedGBClassifier, segment_groups

    seg = _segments(_tracks(12, 3, pieces=True))
    groups = segment_groups(seg)
    assert len(groups) == 24 and len(set(groups)) == 12
    assert len(set(segment_groups(_segments(_tracks(12, 3))))) == 12
    small = TunedGBClassifier(grid=()).fit(_segments(_tracks(30, 4)))
    assert small.chosen_ == (20, None) and small.cv_ == {} and small.name == "GB features"


# ------------------------------------------------------------------------------ choice


class _Fixed:
    """A fitted stand-in that always answers ``answer``."""

    def __init__(self, name: str, answer: str) -> None:
        self.name, self.answer = name, answer
        self.classes_ = np.asarray(sorted(SPEEDS))

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return np.full(segments["traj_id"].n_unique(), self.answer)


def test_val_choice_keeps_the_better_on_val_and_the_first_on_a_tie():
    from trajlm.eval.classify import FeatureGBClassifier, segment_labels
    from trajlm.eval.classify_gb_cv import ValChoice

    train, val = _segments(_tracks(90, 5)), _segments(_tracks(30, 6))
    gb = FeatureGBClassifier().fit(train)
    ch = ValChoice([_Fixed("model", "slow"), gb]).fit(train, val)
    assert ch.choice_ == "GB features" and ch.val_scores_["model"] == pytest.approx(100 / 3)
    assert np.mean(ch.classify(val) == segment_labels(val)) > 0.9
    tie = ValChoice([_Fixed("baseline", "mid"), _Fixed("model", "slow")]).fit(train, val)
    assert tie.choice_ == "baseline"
    assert ValChoice([_Fixed("a", "mid"), gb]).fit(train, None).choice_ == "a"
    with pytest.raises(ValueError, match="at least one"):
        ValChoice([])


@pytest.mark.slow  # ~20-45 s: two grouped-CV fits over GB_GRID
class _WrongOn(_Fixed):
    """Right on every segment but the sorted positions ``wrong`` (answered 'slow' or 'mid')."""

    def __init__(self, name: str, wrong: tuple[int, ...]) -> None:
        super().__init__(name, "")
        self.wrong = wrong

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        from trajlm.eval.classify import segment_labels

        y = segment_labels(segments).astype(object)
        for i in self.wrong:
            y[i] = "mid" if y[i] == "slow" else "slow"
        return y.astype(str)


def test_val_choice_needs_a_reliable_win_to_leave_the_baseline():
    """One val trajectory of 13 is 7.7 points (MAT animals): by default a candidate replaces
    the baseline only when the paired bootstrap CI of the difference is above 0."""
    from trajlm.eval.classify_gb_cv import ValChoice

    train, val = _segments(_tracks(9, 9)), _segments(_tracks(13, 10))
    base, one_better = _WrongOn("GB", (0, 1)), _WrongOn("model", (0,))
    ch = ValChoice([base, one_better]).fit(train, val)
    assert ch.choice_ == "GB" and ch.val_ci_["model"][0] <= 0 < ch.val_ci_["model"][1]
    assert ValChoice([base, one_better], rule="best").fit(train, val).choice_ == "model"
    many_better = _WrongOn("model", ())
    base = _WrongOn("GB", tuple(range(7)))
    ch = ValChoice([base, many_better]).fit(train, val)
    assert ch.choice_ == "model" and ch.choice_reason_.startswith("reliably above")
    with pytest.raises(ValueError, match="reliable"):
        ValChoice([base], rule="mean")


def _said(call):
    """(what ``call()`` returns, its warning lines joined): a command's `warning: ...` lines
    are Python warnings outside a `trajlm` command (api29)."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = call()
    return got, " ".join(" ".join(str(w.message) for w in caught).split())


def test_finetune_val_check_warns_when_the_model_is_below_gb(monkeypatch):
    """`finetune --task classify` saved a classifier below gradient boosting without a word
    (MAT animals: 65.6 % vs GB 90.6 % on test); now the val comparison is said (and silent
    when the model is not below it)."""
    from trajlm.cli_finetune_classify import val_check_against_gb

    parts = {"train": _segments(_tracks(30, 7)), "val": _segments(_tracks(15, 8))}
    (gb, lines), err = _said(lambda: val_check_against_gb(_Fixed("model", "slow"), parts, seed=0))
    assert "is below that baseline" in err and "ValChoice" in err and "(the model: 33.3 %" in err
    assert gb.name == "GB features [CV-tuned]" and "val: GB baseline accuracy_pct" in lines

    class _Oracle(_Fixed):
        def classify(self, segments):
            from trajlm.eval.classify import segment_labels

            return segment_labels(segments)

    _, err = _said(
        lambda: val_check_against_gb(_Oracle("model", ""), parts, seed=0)
    )  # GB right on all 15
    assert "not reliably above that baseline" in err
    import trajlm.cli_finetune_classify as fc

    monkeypatch.setattr(
        fc, "fair_gb", lambda train, seed, val=None: _WrongOn("GB", tuple(range(8)))
    )
    (_, lines), err = _said(lambda: val_check_against_gb(_Oracle("model", ""), parts, seed=0))
    assert "that baseline" not in err  # reliably above: no warning
    assert "(the model: 100.0 %" in lines["val: GB baseline accuracy_pct"]
