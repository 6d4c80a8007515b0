"""Session 34 (badin34): hostile inputs on the oldest surfaces (scripts/badin34/probe.py,
docs/reliability.md "Session 34 (badin34)"): `trajlm train` / `finetune` configs and options,
checkpoints and task models, `trajlm data corpus` specs, HTTP bodies. Each was a traceback, a
silent acceptance or an unclear line on main f3f47f24; the quiet neighbours beside them pass
there too."""

from __future__ import annotations

import json
import shutil
import warnings

import polars as pl
import pytest
import torch
from helpers import invoke_cli, tiny_model
from reliability_helpers import TINY

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1772359200


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A 30-trajectory synthetic store and a 2-step tiny run on it."""
    d = tmp_path_factory.mktemp("badin34")
    assert invoke_cli(["data", "synth", "-o", d / "store", "-n", "30"]).exit_code == 0
    (d / "tiny.toml").write_text(TINY)
    r = invoke_cli(["train", "--data", d / "store", "--out", d / "run", "--config",
                    d / "tiny.toml", "--max-steps", "2", "--threads", "1", "--no-val-check"])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]
    return d


def _train(made, tmp_path, config_name: str, text: str, *extra: str):
    (tmp_path / config_name).write_text(text)
    return invoke_cli(["train", "--data", made / "store", "--out", tmp_path / "run", "--config",
                       tmp_path / config_name, "--max-steps", "2", "--threads", "1",
                       "--no-val-check", *extra])  # fmt: skip


def test_an_empty_config_file_is_refused_not_trained_on_bare_defaults(made, tmp_path) -> None:
    r = _train(made, tmp_path, "empty.toml", "")  # was: ModelConfig's defaults, unsaid
    assert r.exit_code == 2 and "holds no [model] or [train] keys" in r.output
    assert not (tmp_path / "run").exists()


def test_keys_outside_any_section_are_said_as_such(made, tmp_path) -> None:
    r = _train(made, tmp_path, "flat.toml", "d_model = 16\nlr = 1e-3\n")
    assert r.exit_code == 2  # was "unknown section [d_model]; did you mean [model]?"
    assert "the key d_model = 16 sits outside any section" in r.output


def test_a_yaml_config_is_named_as_neither_toml_nor_json(made, tmp_path) -> None:
    r = _train(made, tmp_path, "c.yaml", "model:\n  d_model: 16\n")
    assert r.exit_code == 2 and "neither TOML nor JSON" in r.output  # was "invalid JSON"
    r = _train(made, tmp_path, "c.cfg", '{"train": {"lr": 0.002}}')  # JSON by another name
    assert r.exit_code == 0, r.output[-600:]


def test_a_huge_batch_size_is_refused_before_the_loader_lists_it() -> None:
    from trajlm.train.config import TrainConfig

    with pytest.raises(ValueError, match="batch_size must be <= 1,048,576"):
        TrainConfig(batch_size=10**9)  # was: an 8 GB list of None, then out of memory
    TrainConfig(batch_size=4096)  # a large real batch stays


def test_out_of_memory_is_one_line_not_a_traceback() -> None:
    from trajlm._cli_boundary import is_user_error, one_line

    e = RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't "
                     "allocate memory: you tried to allocate 36000000000 bytes. Error code 12")  # fmt: skip
    assert is_user_error(e) and is_user_error(MemoryError())
    assert one_line(e).startswith("out of memory (33.5 GiB asked at once)")
    assert not is_user_error(RuntimeError("shape mismatch"))  # a bug stays a traceback


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_device_cuda_without_a_gpu_is_one_line(made, tmp_path) -> None:
    r = _train(made, tmp_path, "t.toml", TINY, "--device", "cuda")
    assert r.exit_code == 2 and "torch sees 0 CUDA GPU(s)" in r.output  # was an AssertionError


def test_finetune_n_last_beyond_the_blocks_is_one_line(made, tmp_path) -> None:
    r = invoke_cli(["finetune", "--model", made / "run", "--data", made / "store", "--out",
                    tmp_path / "ft", "--mode", "selective", "--n-last", "99", "--steps", "2",
                    "--threads", "1", "--no-val-check"])  # fmt: skip
    assert r.exit_code == 2 and "--n-last" in r.output and "1 block(s)" in r.output


def test_resume_of_a_run_without_its_trainer_state_is_refused(made, tmp_path) -> None:
    shutil.copytree(made / "run", tmp_path / "run")
    shutil.rmtree(tmp_path / "run" / "trainer_state")
    before = (tmp_path / "run" / "model.safetensors").read_bytes()
    r = invoke_cli(["train", "--data", made / "store", "--out", tmp_path / "run", "--config",
                    made / "tiny.toml", "--max-steps", "4", "--resume", "--threads", "1",
                    "--no-val-check"])  # fmt: skip
    assert r.exit_code == 2 and "no trainer_state/ to continue from" in r.output
    assert (tmp_path / "run" / "model.safetensors").read_bytes() == before  # not retrained


def test_predict_with_a_model_folder_without_config_is_one_line(made, tmp_path) -> None:
    shutil.copytree(made / "run" / "best", tmp_path / "m")
    (tmp_path / "m" / "config.json").unlink()
    pl.DataFrame({"traj_id": ["a"] * 5, "t": [T0 + 10 * k for k in range(5)],
                  "lat": [45.07] * 5, "lon": [7.68 + 1e-4 * k for k in range(5)]}).write_csv(tmp_path / "p.csv")  # fmt: skip
    r = invoke_cli(["predict", "--model", tmp_path / "m", "--input", tmp_path / "p.csv",
                    "--steps", "1", "--out", tmp_path / "out.csv"])  # fmt: skip
    assert r.exit_code == 2 and "no config.json here" in r.output  # was exit 1, a traceback


def test_corpus_spec_format_weights_and_val_trips_are_checked(tmp_path) -> None:
    from trajlm.data.corpus import load_corpus_spec
    from trajlm.errors import ConfigError

    src = '[[source]]\nname = "{n}"\nformat = "{f}"\npath = "x.csv"\nweight = {w}\n'
    cases = {"format must be a reader format, got 'nope'": src.format(n="a", f="nope", w=1),
             "every source has weight 0": src.format(n="a", f="csv", w=0) + src.format(n="b", f="csv", w=0),
             "val_trips_per_source must be >= 1": "[corpus]\nval_trips_per_source = -1\n" + src.format(n="a", f="csv", w=1)}  # fmt: skip
    for said, text in cases.items():
        (tmp_path / "s.toml").write_text(text)
        with pytest.raises(ConfigError, match=said):  # was: a traceback, then two corpora
            load_corpus_spec(tmp_path / "s.toml")
    (tmp_path / "s.toml").write_text(src.format(n="a", f="csv", w=0) + src.format(n="b", f="auto", w=1))  # fmt: skip
    assert [s.weight for s in load_corpus_spec(tmp_path / "s.toml").sources] == [0, 1]


def test_a_task_models_damaged_or_missing_base_is_one_line(tmp_path) -> None:
    from trajlm._cli_boundary import is_user_error
    from trajlm.errors import DamagedFileError
    from trajlm.tasks.task_io import load_backbone
    from trajlm.train.modes import load_adapter

    d = tmp_path / "task"
    d.mkdir()
    (d / "backbone.json").write_text('{"mode": "lo')  # cut while written
    with pytest.raises(DamagedFileError, match="backbone.json: damaged file"):
        load_backbone(d)
    base = tmp_path / "base"
    (d / "backbone.json").write_text(json.dumps({"mode": "lora", "config": {}, "base": {"path": str(base), "sha256": "0"}}))  # fmt: skip
    with pytest.raises(FileNotFoundError, match="is gone") as gone:
        load_backbone(d)
    assert is_user_error(gone.value)  # was a plain FileNotFoundError: exit 1 under the CLI
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"retrained")
    with pytest.raises(TrajlmInputError, match="sha256 differs"):
        load_backbone(d)
    (tmp_path / "adapter").mkdir()
    with pytest.raises(FileNotFoundError, match="adapter is gone") as no_adapter:
        load_adapter(torch.nn.Linear(1, 1), tmp_path / "adapter")
    assert is_user_error(no_adapter.value)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return trajlm.TrajLM.from_pretrained(tiny_model(tmp_path_factory.mktemp("m") / "m"), threads=1)


BASE = pl.DataFrame({"traj_id": [f"c{j}" for j in range(3) for _ in range(12)],
                     "t": [T0 + 15 * k + 3600 * j for j in range(3) for k in range(12)],
                     "lat": [41.15 + 1e-4 * j for j in range(3) for _ in range(12)],
                     "lon": [-8.61 + 0.0012 * k for _ in range(3) for k in range(12)]})  # fmt: skip


def test_float_nan_trajectory_ids_are_missing_ids(lm) -> None:
    ids = pl.when(pl.col("traj_id") == "c2").then(float("nan")).otherwise(pl.col("traj_id").str.slice(1).cast(pl.Float64))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="traj_id: missing value"):  # was one trip "NaN"
        lm.predict(BASE.with_columns(traj_id=ids), steps=1)
    assert lm.predict(BASE.with_columns(traj_id=pl.col("traj_id").str.slice(1).cast(pl.Float64)), steps=1).height == 3  # fmt: skip


def test_dates_without_a_time_of_day_are_said(lm) -> None:
    with pytest.raises(TrajlmInputError, match="holds dates without a time of day"):
        lm.predict(BASE.with_columns(t=pl.from_epoch("t").dt.date()), steps=1)  # was "duplicate"
    daily = pl.DataFrame({"traj_id": ["b"] * 6, "t": [T0 + 86400 * k for k in range(6)],
                          "lat": [60.0 + 0.1 * k for k in range(6)], "lon": [-50.0] * 6})  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert lm.predict(daily.with_columns(t=pl.from_epoch("t").dt.date()), steps=1).height == 1


def test_offsets_changing_within_a_trip_leak_no_polars_deprecation(lm) -> None:
    even = pl.int_range(pl.len()) % 2 == 0
    text = pl.when(even).then(pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).otherwise(
        (pl.from_epoch("t") + pl.duration(hours=1)).dt.strftime("%Y-%m-%dT%H:%M:%S+01:00"))  # fmt: skip
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        lm.predict(BASE.with_columns(t=text), steps=1)
    assert not [w for w in said if "is_in" in str(w.message)]  # polars' words reached users


def test_embed_n_points_must_be_an_integer(lm) -> None:
    with pytest.raises(TrajlmInputError, match="n_points must be an integer >= 2, got 2.5"):
        lm.embed(BASE, n_points=2.5)  # was a numpy casting TypeError


def test_one_fix_trips_beside_an_owner_column_are_said(lm) -> None:
    one = BASE.group_by("traj_id", maintain_order=True).head(1).with_columns(user_id=pl.lit("u"))
    with pytest.raises(TrajlmInputError, match="'traj_id' holds another value on every row"):
        lm.predict(one, steps=1)  # was "column(s) ['traj_id'] would clash with the canonical"


def test_fit_says_its_keywords_not_the_cli_options(made, tmp_path) -> None:
    (tmp_path / "bad.toml").write_text(TINY.replace("[train]", "[train]\nlr = nan"))
    frame = trajlm.read(made / "store")
    with pytest.raises(TrajlmInputError) as bad:
        trajlm.TrajLM.fit(frame, tmp_path / "r", config=tmp_path / "bad.toml", max_steps=2)
    assert str(bad.value).startswith("config ") and "--config" not in str(bad.value)
    with pytest.raises(TrajlmInputError, match="^device: unknown value 'tpu'"):
        trajlm.TrajLM.fit(frame, tmp_path / "r2", config=made / "tiny.toml", device="tpu")


def test_http_json_nested_too_deep_is_said_as_such(lm) -> None:
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    with TestClient(create_app(lm), raise_server_exceptions=False) as client:
        r = client.post("/predict", content="[" * 10000 + "]" * 10000,
                        headers={"content-type": "application/json"})  # fmt: skip
        assert (
            r.status_code == 400 and "nests JSON arrays / objects too deeply" in r.json()["error"]
        )
        r = client.post("/predict", content=b'{"x": "\xff"}', headers={"content-type": "application/json"})  # fmt: skip
        assert r.status_code == 400 and "not UTF-8?" in r.json()["error"]  # unchanged


def test_http_nan_in_a_number_or_time_field_is_said_as_such(lm) -> None:
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    rows = [{"traj_id": "V1", "t": T0 + 15 * k, "lat": 41.15, "lon": -8.61 + 0.0015 * k} for k in range(8)]  # fmt: skip
    body = json.dumps({"trajectories": rows, "steps": 2}).replace('"steps": 2', '"steps": NaN')
    with TestClient(create_app(lm), raise_server_exceptions=False) as client:
        r = client.post("/predict", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["error"].startswith("field steps: nan (NaN / Infinity in the JSON)")  # fmt: skip
        r = client.post("/travel-time", content=json.dumps({"origins": [[41.15, -8.61]], "destinations": [[41.17, -8.58]], "depart": [float("nan")]}),
                        headers={"content-type": "application/json"})  # fmt: skip
        assert r.status_code == 422 and "depart.0: nan" in r.json()["error"]  # was "a valid string"


def test_multiindex_columns_and_internal_names_are_not_shown_as_the_users(lm) -> None:
    import pandas as pd

    pdb = BASE.to_pandas()
    flat = pdb.set_axis(pd.MultiIndex.from_tuples([("a", c) for c in pdb.columns]), axis=1)
    with pytest.raises(TrajlmInputError, match="the columns are a MultiIndex of 2 levels"):
        lm.predict(flat, steps=1)  # was: traj_col="('a', 'traj_id')", a name no call reads
    gaps = BASE.with_columns(lat=pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise(pl.col("lat")))  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"among the columns \['lat', 'lon'\];") as e:
        lm.recover(gaps.to_pandas().set_index(["traj_id", "t"]))
    assert "__trajlm" not in str(e.value)  # was '__trajlm_caller_position' among them


def test_travel_time_nan_pairs_missing_departures_and_no_pairs_are_said(tmp_path) -> None:
    import numpy as np
    import pandas as pd
    from helpers import STATS

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS, infill_heads=True)  # fmt: skip
    TrajectoryModel(cfg).save_pretrained(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mt = trajlm.TrajLM.from_pretrained(tmp_path / "m", threads=1)
    o, d = np.array([[45.07, 7.68], [45.072, 7.69]]), np.array([[45.075, 7.695], [45.068, 7.684]])
    with pytest.raises(TrajlmInputError, match=r"origins: row 0 \(nan, 7.68\) is not a position"):
        mt.travel_time(np.array([[np.nan, 7.68], [45.072, 7.69]]), d, T0)  # was traj_id '0'
    with pytest.raises(TrajlmInputError, match=r"depart\[1\] is a missing time \(NaT\)"):
        mt.travel_time(o, d, [T0, pd.NaT])  # was "times of mixed kinds"
    with pytest.raises(TrajlmInputError, match="origins: none given"):
        mt.travel_time(np.zeros((0, 2)), np.zeros((0, 2)), T0)  # was "2 points per trajectory"
