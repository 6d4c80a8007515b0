"""Session 13 (fleetfix): what a fleet data scientist found in the Python API
(docs/reliability.md "Session 13 (fleetfix)")."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import polars as pl
import pytest
import torch

import trajlm
from trajlm.model import ModelConfig, TrajectoryModel

W = "blocks.0.attn.q_proj.weight"


def _save(path: Path, seed: int) -> torch.Tensor:
    from helpers import STATS

    torch.manual_seed(seed)
    m = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS))
    m.save_pretrained(path)
    return m.state_dict()[W]


# ----------------------------------------------------------------- item 0: weights="last"


def test_weights_last_loads_the_final_step_in_every_run_layout(tmp_path, caplog):
    # a plain `trajlm train` run (and a finetune_task OUT): RUN = final, RUN/best = selected
    last, best = _save(tmp_path / "run", 0), _save(tmp_path / "run" / "best", 1)
    (tmp_path / "run" / "train_summary.json").write_text(json.dumps({"steps": 9, "best_step": 6}))
    with caplog.at_level(logging.INFO, logger="trajlm"):
        got = trajlm.TrajLM.from_pretrained(tmp_path / "run", weights="last")
    assert torch.equal(got.model.state_dict()[W], last) and got.path == tmp_path / "run"
    assert "final-step weights" in caplog.text and "step 9" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="trajlm"):
        got = trajlm.TrajLM.from_pretrained(tmp_path / "run")
    assert torch.equal(got.model.state_dict()[W], best)
    assert "val-selected" in caplog.text and "step 6 of 9" in caplog.text
    # finetune_next_point's OUT: train/ (final), train/best/ (selected), merged/ (selected)
    ft = tmp_path / "ft"
    last, best = _save(ft / "train", 2), _save(ft / "train" / "best", 3)
    merged = _save(ft / "merged", 3)
    for where in (ft, ft / "train"):
        got = trajlm.TrajLM.from_pretrained(where, weights="last").model.state_dict()[W]
        assert torch.equal(got, last), where
    assert torch.equal(trajlm.TrajLM.from_pretrained(ft / "train").model.state_dict()[W], best)
    assert torch.equal(trajlm.TrajLM.from_pretrained(ft).model.state_dict()[W], merged)
    # a LoRA fine-tune keeps no final-step model: said, not silently the merged one
    lora = tmp_path / "lora"
    _save(lora / "merged", 4)
    (lora / "train").mkdir()
    with pytest.raises(FileNotFoundError, match="weights='last' is not available"):
        trajlm.TrajLM.from_pretrained(lora, weights="last")
    (lora / "classifier.json").write_text("{}")  # a task model: one kept model, said
    with pytest.raises(ValueError, match="holds one saved model"):
        trajlm.TrajLM.from_pretrained(lora, weights="last")


# ------------------------------------------------- item 3: the final step is always validated


def _store(tmp_path: Path) -> Path:
    from trajlm.data.ingest import synth_store

    synth_store(tmp_path / "synth", n_trajectories=30, seed=1)
    return tmp_path / "synth"


def test_final_step_is_validated_and_the_kept_step_is_said(tmp_path):
    from trajlm.finetune.trainer import finetune_next_point
    from trajlm.train.trainer import TrainConfig, Trainer

    torch.set_num_threads(1)
    store = _store(tmp_path)
    tc = TrainConfig(batch_size=4, max_len=16, lr=3e-3, warmup_steps=1, eval_every=3,
                     eval_batches=2, max_steps=5, progress=False, cpu_threads=1)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16)
    s = Trainer(store, tmp_path / "run", mc, tc).fit()  # plain train: 5 is not a multiple of 3
    assert "validations at steps 3, 5" in s["best_weights"]
    saved = json.loads((tmp_path / "run" / "train_summary.json").read_text())
    assert saved["best_weights"].startswith(f"step {saved['best_step']}:")
    _save(tmp_path / "base", 0)
    s = finetune_next_point(tmp_path / "base", store, tmp_path / "ft", mode="full",
                            max_steps=5, train_config=tc)  # fmt: skip
    assert [r["step"] for r in s["log"]] == [3, 5]
    assert s["val_loss_last"] == s["log"][-1]["val_loss"]
    assert s["kept"].startswith(f"step {s['best_step']}:") and "steps 0, 3, 5" in s["kept"]


# ------------------------------------------- item 1: match_summary on any frame, nullable ints


def test_match_summary_takes_the_api_output_and_edge_id_stays_integer():
    from test_roads import graph_from_xy, trace

    from trajlm.roads import match, match_summary

    g = graph_from_xy([[[0, 0], [1000, 0]], [[0, 5000], [1000, 5000]]])
    xy = [[100, 0], [200, 0], [300, 2000], [400, 0], [100, 5000], [200, 5000]]
    two = pl.concat([trace(xy, traj="a"), trace(xy[:2], traj="b")])
    want = match_summary(match(two, g))
    assert want == {"points": 8, "unmatched": 1, "breaks": 1}
    user = two.to_pandas().rename(columns={"traj_id": "shift", "t": "ts"})
    got = trajlm.TrajLM.match(user, g, traj_col="shift", time_col="ts")  # pandas in, pandas out
    assert str(got["edge_id"].dtype) == "Int64" and str(got["way_id"].dtype) == "Int64"
    assert got["edge_id"].isna().sum() == 1
    assert match_summary(got) == want  # "shift" is no recognised id: the rows' order
    assert match_summary(got, traj_col="shift") == want
    assert match_summary(got.rename(columns={"shift": "trip_id"})) == want


# ------------------------------ item 4: ModelClassifier takes the caller's names, warns 1-class


def test_model_classifier_takes_column_names_and_warns_on_one_class(monkeypatch):
    import warnings

    import numpy as np

    from trajlm.data.segments import CLASS_MAP, make_mode_segments
    from trajlm.data.synthetic import generate_city

    torch.set_num_threads(1)
    seg, _ = make_mode_segments(generate_city(n_trajectories=40, seed=2).points,
                                {**CLASS_MAP, "walk": "walk"})  # fmt: skip
    user = seg.to_pandas().rename(columns={"traj_id": "seg", "t": "fix_time"})
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16)
    clf = trajlm.ModelClassifier(None, model_config=cfg, mode="full", max_len=16, epochs=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(user, traj_col="seg", time_col="fix_time")
    pred = clf.classify(user, traj_col="seg", time_col="fix_time")
    assert (pred == clf.classify(seg)).all() and len(pred) == seg["traj_id"].n_unique()
    one = [w for w in caught if "predicts" in str(w.message) and "for all" in str(w.message)]
    assert len(one) == (len(set(pred)) == 1)  # warned exactly when it is one class
    # a majority-class model: one line naming the class and its share
    k = len(clf.classes_)
    monkeypatch.setattr(clf, "_predict", lambda _c, _b, owner: np.tile(
        np.eye(k)[0], (int(owner.max()) + 1, 1)))  # fmt: skip
    scored = (*clf._windows(seg, clf.classifier_)[:2], np.asarray(["x"] * len(pred)))
    with pytest.warns(UserWarning, match=f"predicts '{clf.classes_[0]}' for all {len(pred)}"):
        clf._warn_one_class(scored, "val")


# ------------------------------------- item 6: a fine-tune's coverage is a list of regions


def _city_store(path: Path, lat: float, lon: float) -> Path:
    from trajlm.data.clean import PRESETS, clean
    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city

    city = generate_city(n_trajectories=12, seed=1, center_lat=lat, center_lon=lon)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, path, report=rep)
    return path


def test_merged_coverage_keeps_regions_so_the_position_check_can_fire(tmp_path):
    import numpy as np

    from trajlm.model.coverage import compute_coverage, merge_coverage, position_warning

    porto = compute_coverage(_city_store(tmp_path / "porto", 41.15, -8.61))
    mel = compute_coverage(_city_store(tmp_path / "mel", -37.81, 144.96))
    assert 1 <= len(porto["regions"]) <= 4  # a city: a box per occupied 1-degree cell
    both = merge_coverage(porto, mel)
    assert len(both["regions"]) == len(porto["regions"]) + len(mel["regions"])
    lagos = (np.array([6.45]), np.array([3.39]))  # inside the union box Porto..Melbourne
    assert both["bbox"]["min_lat"] < 6.45 < both["bbox"]["max_lat"]
    line = position_warning(both, *lagos)
    assert line and "training regions" in line
    for lat, lon in ((41.16, -8.62), (-37.80, 144.97)):  # the cities themselves: inside
        assert position_warning(both, np.array([lat]), np.array([lon])) is None
    union = {k: v for k, v in both.items() if k != "regions"}  # a checkpoint from before
    assert position_warning(union, *lagos) is None  # its one union box, read as before
    old = {k: v for k, v in porto.items() if k != "regions"}
    again = merge_coverage(old, mel)  # an old pretrained record + a new fine-tune's
    assert len(again["regions"]) == 1 + len(mel["regions"]) and position_warning(again, *lagos)


# ------------------ item 7: anomalies in the caller's zone; a glitch is one bad point, not two


def test_anomaly_explanations_use_the_callers_zone_and_times():
    import warnings

    import pandas as pd
    from test_reason_anomaly import _tiny_model, straight

    from trajlm.reason.inject import inject_anomalies

    clean = straight(n_traj=12, n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 11 normal trajectories: alpha flags nothing
        det = trajlm.AnomalyDetector(_tiny_model(), horizon=3, score="rollout").fit(clean)
    pts, _ = inject_anomalies(clean, kinds=("teleport",), fraction=0.25, seed=0)
    user = pts.to_pandas()
    user["t"] = pd.to_datetime(user["t"], unit="s", utc=True).dt.tz_convert("Australia/Melbourne")
    out = det.score(user)
    assert str(out["seg_start_t"].dt.tz) == "Australia/Melbourne"  # as the input had them
    assert (out["seg_end_t"] >= out["seg_start_t"]).all()
    jumps = out[out["kind"] == "jump"]
    assert len(jumps) and not jumps["explanation"].str.contains("UTC").any()
    assert jumps["explanation"].str.contains(r" AE[DS]T near ").all()
    utc = det.score(pts)  # Unix seconds in: UTC, as before
    assert utc["seg_start_t"].dtype == pl.Int64 and utc["explanation"].str.contains("UTC").any()


def test_anomaly_calibration_with_glitches_warns():
    import warnings

    from test_reason_anomaly import _tiny_model, straight

    from trajlm.reason.inject import inject_anomalies

    clean = straight(n_traj=12, n=40)
    glitchy, _ = inject_anomalies(clean, kinds=("teleport",), fraction=0.25, seed=0)
    for data, n in ((clean, 0), (glitchy, 1)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trajlm.AnomalyDetector(_tiny_model(), horizon=3, score="rollout").fit(data)
        said = [str(w.message) for w in caught if "contain GPS jumps" in str(w.message)]
        assert len(said) == n and (not n or "3 of 12 trajectories" in said[0]), said


def test_check_validity_blames_the_glitch_not_the_fix_after_it():
    import numpy as np
    import pandas as pd

    n = 40
    east = np.arange(n) * 20.0  # 10 m/s, 2 s fixes
    east[10] += 1500.0  # one GPS glitch
    lat = 41.15 + np.zeros(n)
    lon = -8.61 + east / (111_320 * np.cos(np.radians(41.15)))
    df = pd.DataFrame({"traj_id": "v", "t": 1_700_000_000 + 2 * np.arange(n), "lat": lat,
                       "lon": lon})  # fmt: skip
    out = trajlm.check_validity(df, mode="car")
    bad = np.flatnonzero(~out["valid"].to_numpy())
    assert bad.tolist() == [10], out.iloc[8:13]
    assert out["reason_code"].iloc[11] == "ok"
    two = df.copy()  # two glitches in a row stay two bad points (no single outlier to skip)
    two.loc[11, "lon"] += 1500.0 / (111_320 * np.cos(np.radians(41.15)))
    bad = np.flatnonzero(~trajlm.check_validity(two, mode="car")["valid"].to_numpy())
    assert 10 in bad and 12 in bad


# --------------------------- item 9: a refused duplicate time names the Python cleaning call


def test_duplicate_time_refusal_names_trajlm_clean_which_cleans_any_frame():
    import numpy as np
    import pandas as pd

    n = 20
    df = pd.DataFrame({"shift": "van-1", "lat": 41.15 + np.arange(n) * 1e-4, "lon": -8.61,
                       "ts": pd.date_range("2026-01-05 08:00", periods=n, freq="5s",
                                           tz="Australia/Melbourne")})  # fmt: skip
    dup = pd.concat([df, df.iloc[[7]]], ignore_index=True)
    with pytest.raises(trajlm.TrajlmInputError, match=r"duplicate timestamp") as e:
        trajlm.to_canonical(dup, traj_col="shift", time_col="ts")
    assert "trajlm.clean(df, return_report=True)" in str(e.value)  # api29's spelling (leftover29)
    out, report = trajlm.clean(dup, traj_col="shift", time_col="ts")
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(df.columns)
    assert len(out) == n and report.dropped.get("duplicate_timestamp") == 1
    assert str(out["ts"].dt.tz) == "Australia/Melbourne"
    assert len(trajlm.to_canonical(out, traj_col="shift", time_col="ts")) == n  # now accepted


# ------------------- item 10: times per trajectory; naive local times said to be read as UTC


def _vans():
    import numpy as np
    import pandas as pd

    rows = []
    for v, (n, dt) in {"van-a": (30, 5), "van-b": (20, 15)}.items():
        t = pd.Timestamp("2026-01-05 08:00", tz="Australia/Melbourne") + pd.to_timedelta(
            np.arange(n) * dt, unit="s")  # fmt: skip
        rows.append(pd.DataFrame({"shift": v, "ts": t, "lat": 41.15 + np.arange(n) * 5e-5,
                                  "lon": -8.61 + np.arange(n) * 3e-5}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _untrained_trajlm(stats: dict) -> trajlm.TrajLM:
    """A tiny untrained model (seed 0) in a TrajLM: the API surface is under test."""
    torch.manual_seed(0)
    net = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                      stats=stats)).eval()  # fmt: skip
    return trajlm.TrajLM(net, threads=1)


def test_at_times_and_seconds_ahead_per_trajectory():
    import warnings

    import numpy as np
    import pandas as pd
    from helpers import STATS

    m, df = _untrained_trajlm(STATS), _vans()
    last = df.groupby("shift")["ts"].max()
    want = {"van-a": [last["van-a"] + pd.Timedelta(s, "s") for s in (5, 12)],
            "van-b": [last["van-b"] + pd.Timedelta(30, "s")]}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # coverage lines of an untrained model
        got = m.predict(df, at_times=want, traj_col="shift", time_col="ts")
        frame = pd.DataFrame(
            [(k, t) for k, ts in want.items() for t in ts], columns=["shift", "ts"]
        )
        again = m.predict(df, at_times=frame, traj_col="shift", time_col="ts")
        ahead = m.predict(df, seconds_ahead={"van-a": [5, 12], "van-b": [30]}, traj_col="shift",
                          time_col="ts")  # fmt: skip
        one = m.predict(df[df["shift"] == "van-a"], at_times=want["van-a"], traj_col="shift",
                        time_col="ts")  # fmt: skip
    assert got["shift"].tolist() == ["van-a", "van-a", "van-b"] and got["step"].tolist() == [
        1,
        2,
        1,
    ]
    assert got["ts"].tolist() == want["van-a"] + want["van-b"]
    assert np.allclose(got[["lat", "lon"]].to_numpy()[:2], one[["lat", "lon"]].to_numpy())
    for other in (again, ahead):
        assert np.allclose(other[["lat", "lon"]].to_numpy(), got[["lat", "lon"]].to_numpy())
    only_b = m.predict(df, seconds_ahead={"van-b": [30]}, traj_col="shift", time_col="ts")
    assert only_b["shift"].tolist() == ["van-b"]  # only the trajectories listed
    early = {"van-a": want["van-a"] * 2, "van-b": [last["van-b"] - pd.Timedelta(60, "s")]}
    with pytest.warns(UserWarning, match=r"NaN where .*: 1 asked time\(s\) lie before"):
        m.predict(df, at_times=early, traj_col="shift", time_col="ts")  # b padded to 4: said once
    with pytest.raises(trajlm.TrajlmInputError, match="not in the data"):
        m.predict(df, seconds_ahead={"van-z": [30]}, traj_col="shift", time_col="ts")


def test_naive_times_are_said_to_be_read_as_utc_for_a_clock_reading_model():
    import warnings

    from helpers import STATS

    m, df = _untrained_trajlm(STATS), _vans()

    def lines(frame) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.predict(frame, steps=2, traj_col="shift", time_col="ts")
        return [str(w.message) for w in caught if "no time zone" in str(w.message)]

    assert lines(df) == []  # zone-aware: nothing to say
    naive = df.assign(ts=df["ts"].dt.tz_localize(None))
    said = lines(naive)
    assert len(said) == 1 and "read as UTC" in said[0] and "'ts'" in said[0]
    m.model.embed.context = "motion"  # a model that reads no clock: not affected, not said
    assert len(lines(naive)) == 1  # said for every model since leftovers15 (item 2)


# ----------- item 2: travel_time's refusal says what to do; trips beyond the training ones warn


def test_travel_time_refusal_says_what_to_do_and_long_trips_warn():
    import warnings

    from helpers import STATS

    from trajlm.errors import UserError

    torch.manual_seed(0)
    causal = trajlm.TrajLM(TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2,
                                                       max_len=32, stats=STATS)), threads=1)  # fmt: skip
    with pytest.raises(UserError, match="no infilling heads") as e:
        causal.travel_time([(41.15, -8.61)], [(41.16, -8.60)], depart=1_700_000_000)
    assert "trajlm.TrajLM.fit(df, 'runs/eta', config='configs/multitask.toml')" in str(e.value)
    assert isinstance(e.value, ValueError)  # as before
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS,
                      infill_heads=True)  # fmt: skip
    m = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    m.model.config.coverage = {"dt_s": {"p50": 10.0}, "traj_speed_mps": {"p50": 5.0}}  # 1.55 km

    def said(dest) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.travel_time([(41.15, -8.61)], [dest], depart=1_700_000_000)
        return [
            str(w.message) for w in caught if "longer than the model's training" in str(w.message)
        ]

    assert said((41.152, -8.61)) == []  # 220 m: inside a 1.55 km window
    line = said((41.22, -8.61))  # 7.8 km
    assert len(line) == 1 and "1 of 1 trips" in line[0] and "1.6 km" in line[0]
