"""data18: resplit names the hours of each split, a mistyped config key gets a "did you
mean", a shipped folder with copies of the same files ingests in one go, and the other
leftovers of cliuser18's run (docs/data.md "Session 18 (data18)")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import invoke, said


def _day_csv(path: Path) -> Path:
    """24 trips, one starting at each hour of 2024-03-05 UTC, 10 points 15 s apart."""
    rows = ["traj_id,t,lat,lon"]
    for h in range(24):
        t0 = 1709596800 + 3600 * h
        rows += [f"trip{h},{t0 + 15 * k},{41.15 + 0.0004 * k},{-8.61 + 0.001 * h}"
                 for k in range(10)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def day_store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("day")
    r = invoke("data", "ingest", _day_csv(d / "day.csv"), "--format", "csv", "--out", d / "s")
    assert r.exit_code == 0, r.output
    return d / "s"


def test_resplit_by_hour_says_and_records_the_hours_of_each_split(day_store, tmp_path):
    r = invoke("data", "resplit", day_store, "--by", "hour=21", "--out", tmp_path / "h")
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "test 21-23" in text and "(UTC)" in text, text
    hours = json.loads((tmp_path / "h" / "manifest.json").read_text())["split_hours_utc"]
    assert hours["test"] == [21, 22, 23]
    assert sorted(hours["train"] + hours["val"]) == list(range(21))


def test_resplit_by_hour_auto_names_the_hours_it_chose(day_store, tmp_path):
    r = invoke("data", "resplit", day_store, "--by", "hour", "--out", tmp_path / "h")
    assert r.exit_code == 0, r.output
    hours = json.loads((tmp_path / "h" / "manifest.json").read_text())["split_hours_utc"]
    assert hours["test"] and min(hours["test"]) > max(hours["train"] + hours["val"])
    assert f"test {min(hours['test']):02d}-23" in said(r)


def test_resplit_by_user_or_time_records_no_hours(day_store, tmp_path):
    r = invoke("data", "resplit", day_store, "--by", "time", "--out", tmp_path / "t")
    assert r.exit_code == 0, r.output
    assert "split_hours_utc" not in json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert "hours (UTC)" not in said(r)


@pytest.mark.parametrize(
    ("key", "meant"),
    [("learning_rate", "lr"), ("epochs", "max_steps"), ("bs", "batch_size"),
     ("warmup", "warmup_steps"), ("Weight-Decay", "weight_decay"), ("max_stesp", "max_steps")],
)  # fmt: skip
def test_a_mistyped_or_foreign_train_key_gets_a_did_you_mean(key, meant):
    from trajlm._safety import ConfigError
    from trajlm.train.config import TrainConfig

    with pytest.raises(ConfigError, match=f"unknown key train.{key}; did you mean {meant}\\?"):
        TrainConfig.from_dict({key: 1}, "train")


def test_an_unrelated_key_lists_the_valid_ones_instead_of_guessing():
    from trajlm._config import closest

    assert closest("colour", ["lr", "batch_size", "max_steps"]) is None
    assert closest("num_layers", ["n_layers", "d_model"]) == "n_layers"


def test_train_config_file_with_learning_rate_says_lr_in_one_line(tmp_path, day_store):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[train]\nlearning_rate = 0.001\n")
    r = invoke("train", "--config", cfg, "--data", day_store, "--out", tmp_path / "m")
    assert r.exit_code == 2 and "did you mean lr?" in said(r), r.output
    assert "Traceback" not in r.output and not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("field", "value", "meant"),
    [("pos_type", "rope-time", "rope_time"), ("residual_base", "constant-velocity",
     "constant_velocity"), ("road_route", "fastst", "fastest")],
)  # fmt: skip
def test_a_mistyped_model_choice_gets_a_did_you_mean(field, value, meant):
    from trajlm._safety import ConfigError
    from trajlm.model.config import ModelConfig

    with pytest.raises(ConfigError, match=f"model.{field} must be one of .*did you mean '{meant}'"):
        ModelConfig.from_dict({field: value}, "model")


def test_a_mistyped_train_choice_and_section_get_a_did_you_mean():
    from trajlm._config import check_sections
    from trajlm._safety import ConfigError
    from trajlm.train.config import TrainConfig

    with pytest.raises(ConfigError, match="optimizer must be one of .*did you mean 'adamw'"):
        TrainConfig.from_dict({"optimizer": "AdamW"}, "train")
    with pytest.raises(ConfigError, match=r"unknown section \[training\]; did you mean \[train\]"):
        check_sections({"training": {}}, ("model", "train", "data"))


_PLT_HEAD = (
    "Geolife trajectory\nWGS 84\nAltitude is in Feet\nReserved 3\n"
    "0,2,255,My Track,0,0,2,8421376\n0\n"
)


def _plt(path: Path, minute: int, n: int = 30) -> bytes:
    """A GeoLife .plt of n points 15 s apart, from 2008-10-23 02:MM:00 UTC."""
    rows = []
    for k in range(n):
        m, sec = divmod(15 * k, 60)
        hh, mm = 2 + (minute + m) // 60, (minute + m) % 60
        rows.append(f"{39.9 + 0.0001 * k:.4f},{116.3 + 0.0001 * k:.4f},0,492,39744.1,"
                    f"2008-10-23,{hh:02d}:{mm:02d}:{sec:02d}")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_PLT_HEAD + "\n".join(rows) + "\n")
    return path.read_bytes()


@pytest.fixture
def shipped(tmp_path) -> Path:
    """A folder shaped like trackintel's as shipped: tests/data/geolife and geolife_long both
    hold user 000 with the same .plt (a byte copy), geolife_long has more, and examples/ holds
    CSVs of another format."""
    root = tmp_path / "trackintel"
    body = _plt(root / "tests/data/geolife/000/Trajectory/20081024020959.plt", 10)
    (root / "tests/data/geolife_long/000/Trajectory").mkdir(parents=True)
    (root / "tests/data/geolife_long/000/Trajectory/20081024020959.plt").write_bytes(body)
    _plt(root / "tests/data/geolife_long/000/Trajectory/20081023025304.plt", 20)
    _plt(root / "tests/data/geolife_long/001/Trajectory/20081023055305.plt", 30)
    (root / "examples/data").mkdir(parents=True)
    (root / "examples/data/pfs.csv").write_text("id;tracked_at\n1;2020-01-01T00:00:00Z\n")
    return root


@pytest.mark.parametrize("on_error", ["raise", "skip"])
def test_a_byte_copy_of_a_plt_is_read_once_and_counted(shipped, on_error):
    from trajlm.data.readers import read

    df, rep = read(shipped, "geolife", on_error=on_error)
    assert sorted(df["traj_id"].unique()) == ["000/20081023025304", "000/20081024020959",
                                              "001/20081023055305"]  # fmt: skip
    assert len(df) == 90 and rep.dropped == {"duplicate_file": 30} and rep.rows_in == 120


def test_the_shipped_folder_ingests_in_one_go_and_says_the_copies(shipped, tmp_path):
    r = invoke("data", "ingest", shipped, "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert "duplicate_file" in said(r)
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["drop_report"]["dropped"]["duplicate_file"] == 30


def test_a_copy_under_another_user_folder_is_a_copy_too(tmp_path):
    from trajlm.data.readers import read

    body = _plt(tmp_path / "Data/000/Trajectory/a.plt", 10)
    (tmp_path / "Data/009/Trajectory").mkdir(parents=True)
    (tmp_path / "Data/009/Trajectory/a.plt").write_bytes(body)
    df, rep = read(tmp_path / "Data", "geolife")
    assert df["traj_id"].unique().to_list() == ["000/a"] and rep.dropped == {"duplicate_file": 30}


def test_two_different_files_with_one_id_are_still_refused(tmp_path):
    from trajlm.data.readers import read
    from trajlm.errors import TrajlmInputError

    _plt(tmp_path / "a/000/Trajectory/x.plt", 10)
    _plt(tmp_path / "b/000/Trajectory/x.plt", 10, n=31)  # a longer take: not a copy
    with pytest.raises(TrajlmInputError, match="already read"):
        read([tmp_path / "a", tmp_path / "b"], "geolife")
