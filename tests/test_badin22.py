"""badin22: hostile inputs against session 22's new surfaces (docs/reliability.md "Session 22
(badin22)"). Each test failed before its fix: a hand-edited radii.json, val_verdict.json or
selector verdict was silently misread or a KeyError traceback; the CV-tuned GB baseline was a
scikit-learn traceback on a tiny set whose trajectories were cut into pieces; NaN labels kept a
file whole as "one class each"; wrong clean_overrides and `fallback="no"` were tracebacks or
silently accepted."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1009843200
PKG = Path(trajlm.__file__).parent / "checkpoints" / "trajlm-small"

# ------------------------------------------------------------------------- radii.json


def _radii() -> dict:
    return json.loads((PKG / "radii.json").read_text())


def _edit(f) -> dict:
    d = _radii()
    f(d)
    return d


@pytest.mark.parametrize(
    "doc, says",
    [
        (_edit(lambda d: d.update(ahead_edges_s=[300.0, 15.0, 60.0])), "ahead_edges_s"),
        (_edit(lambda d: d.update(rel_edges=[0.1])), "outside the"),
        (_edit(lambda d: d["bins"][0].update(ahead_bin=9)), "bin (9, 0)"),
        (_edit(lambda d: d["bins"][0].update(rel_bin=-1)), "bin (0, -1)"),
        (_edit(lambda d: d["pooled"].update({"50": 5.0, "90": 1.0})), "grow with the level"),
        (_edit(lambda d: d.update(rel_edges=[0.1, float("nan"), 1.0])), "rel_edges"),
    ],
)
def test_a_radii_file_whose_bins_would_be_misread_is_one_line(tmp_path, doc, says):
    from trajlm.eval.radii_bins import load_radii_bins

    (tmp_path / "radii.json").write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="radii.json") as e:
        load_radii_bins(tmp_path)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_the_shipped_radii_still_load_and_a_folder_named_radii_is_refused(tmp_path):
    from trajlm.eval.radii_bins import load_radii_bins

    assert load_radii_bins(PKG).levels == [50, 90, 95]
    (tmp_path / "radii.json").mkdir()
    with pytest.raises(TrajlmInputError, match="not a file"):
        load_radii_bins(tmp_path)


# ------------------------------------------------------------------------ val verdict


@pytest.mark.parametrize(
    "recover",
    [
        {"engine": "linear"},  # no n_hidden: was KeyError inside recover
        {"engine": "linear", "n_hidden": "many", "val_mae_m": {"linear": 1.0}},
        {"engine": "model", "n_hidden": 10, "val_mae_m": {"model": "lots"}},
    ],
)
def test_a_verdict_missing_the_fields_recover_reads_is_one_line(tmp_path, recover):
    from trajlm.eval.val_verdict import FORMAT, read_verdict, weights_sha1

    shutil.copy(PKG / "model.safetensors", tmp_path / "model.safetensors")
    doc = {"format": FORMAT, "weights_sha1": weights_sha1(tmp_path), "recover": recover}
    (tmp_path / "val_verdict.json").write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="val_verdict.json: not a val verdict"):
        read_verdict(tmp_path)


@pytest.mark.parametrize("kw", [{"fallback": "no"}, {"engine": "yes"}, {"fallback": 0}])
def test_recover_flags_must_be_booleans(trajlm_small, kw):
    df = pl.DataFrame({"traj_id": ["a"] * 6, "t": [T0 + 10 * i for i in range(6)],
                       "lat": [41.15, 41.1501, None, 41.1503, 41.1504, 41.1505],
                       "lon": [-8.61] * 6})  # fmt: skip
    name = next(iter(kw))
    with pytest.raises(TrajlmInputError, match=f"{name} must be True or False"):
        trajlm_small.recover(df, **kw)
    with pytest.raises(TrajlmInputError, match="fallback must be True or False"):
        trajlm_small.travel_time([[41.1, -8.6]], [[41.2, -8.6]], T0, fallback="false")


def test_a_short_cap_set_to_text_on_a_loaded_model_is_one_line(tmp_path):
    m = trajlm.TrajLM.from_pretrained("trajlm-small")
    m.model.config.backtest_short_cap = "abc"
    h = pl.DataFrame({"traj_id": ["a"] * 4, "t": [T0 + 5 * i for i in range(4)],
                      "lat": [41.15 + 1e-4 * i for i in range(4)], "lon": [-8.61] * 4})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="backtest_short_cap must be a list"):
        m.predict(h, steps=2)


# ---------------------------------------------------------------- CV-tuned GB, tiny sets


def _tracks(kinds: list[str], pieces: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(22)
    speeds = {"slow": 2.0, "fast": 15.0}
    rows = []
    for k, kind in enumerate(kinds):
        sp = speeds[kind] * rng.uniform(0.85, 1.15)
        for i in range(30):
            rows.append((f"t{k}_{i * pieces // 30}", T0 + 30 * i, 37.9 + sp * 30 * i / 111_320,
                         23.7, kind, f"t{k}"))  # fmt: skip
    cols = ["traj_id", "t", "lat", "lon", "label", "source_traj_id"]
    return pl.DataFrame(rows, schema=cols, orient="row")


def _segments(df: pl.DataFrame) -> pl.DataFrame:
    from trajlm.data.segments import make_mode_segments

    return make_mode_segments(df, {"slow": "slow", "fast": "fast"}, min_points=3)[0]


@pytest.mark.parametrize("kinds, pieces", [(["slow", "fast"], 3), (["slow", "fast"] * 2, 3)])
def test_tuned_gb_on_a_few_trajectories_cut_in_pieces_fits(kinds, pieces):
    from trajlm.eval.classify_gb_cv import TunedGBClassifier

    # was: "Cannot have number of splits n_splits=3 greater than the number of groups: 2"
    m = TunedGBClassifier().fit(_segments(_tracks(kinds, pieces)))
    assert m.chosen_ in m.grid


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda T: T().fit(_segments(_tracks(["slow"] * 4))), "1 class(es) (slow)"),
        (lambda T: T().fit(_segments(_tracks(["slow", "fast"])).head(0)), "0 class(es)"),
        (lambda T: T(n_splits=0), "n_splits"),
        (lambda T: T(grid=((0, None), (20, None))), "grid"),
    ],
)
def test_tuned_gb_refuses_what_it_cannot_fit_in_one_line(make, says):
    from trajlm.eval.classify_gb_cv import TunedGBClassifier

    with pytest.raises(TrajlmInputError) as e:
        make(TunedGBClassifier)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_the_plain_gb_baseline_refuses_one_class_too():
    from trajlm.eval.classify_gb import FeatureGBClassifier

    # was: fitted, and answered 'slow' for everything
    with pytest.raises(TrajlmInputError, match=r"1 class\(es\) \(slow\)"):
        FeatureGBClassifier().fit(_segments(_tracks(["slow"] * 4)))


# ------------------------------------------------------------------------------ ingest


def _csv(path: Path, labels: dict[str, str]) -> Path:
    rows = ["tid,time,lat,lon,label"]
    for tid, lab in labels.items():
        for i in range(20):
            t = T0 + 60 * i + (7200 if i >= 10 else 0)
            rows.append(f"{tid},{t},{37.9 + 1e-4 * i:.5f},{23.7 + 1e-4 * i:.5f},{lab}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_nan_labels_are_no_labels_not_one_class_each(tmp_path):
    from trajlm.data.readers import ColumnMap
    from trajlm.data.whole_labelled import one_label_per_trajectory

    cols = ColumnMap(traj_id="tid", t="time", lat="lat", lon="lon", extra={"label": "label"})
    nan = _csv(tmp_path / "nan.csv", {"a": "NaN", "b": "nan", "c": "null"})
    assert one_label_per_trajectory([nan], "csv", cols) is None
    ok = _csv(tmp_path / "ok.csv", {"a": "walk", "b": "NaN"})
    assert one_label_per_trajectory([ok], "csv", cols) == 1


@pytest.mark.parametrize(
    "over, says",
    [({"max_gap_s": "big"}, "clean_overrides['max_gap_s']"),
     ({"max_gap": 5}, "not a cleaning setting"),
     ({"max_gap_s": -1.0}, "finite number > 0"),
     ({"min_points": None}, "clean_overrides['min_points']")],
)  # fmt: skip
def test_python_clean_overrides_of_the_wrong_kind_are_one_line(tmp_path, over, says):
    from trajlm.data.ingest import ingest

    p = _csv(tmp_path / "x.csv", {"a": "walk"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError) as e:
            ingest([p], "csv", tmp_path / "store", clean_overrides=over)
    assert says in str(e.value) and "\n" not in str(e.value)
