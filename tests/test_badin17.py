"""Session 17 (badin17): what a held-out-data / bad-input tester found in the CLI and the Python
API (docs/reliability.md "Session 17 (badin17)"). Each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from reliability_helpers import fails, invoke, said

import trajlm
from trajlm.errors import OutputExistsError
from trajlm.model import ModelConfig, TrajectoryModel

STATS = {"lat0": 53.35, "lon0": -6.26, "xy_mean": [0.0, 0.0], "xy_scale": 500.0,
         "dxy_scale": 50.0, "dt_mean": 10.0, "dt_scale": 3.0, "n_points": 0}  # fmt: skip


@pytest.fixture()
def model_dir(tmp_path) -> Path:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    TrajectoryModel(cfg).save_pretrained(tmp_path / "m")
    return tmp_path / "m"


def _csv(path: Path, n: int = 12, tids: tuple[str, ...] = ("a", "b")) -> Path:
    g = np.random.default_rng(17)
    rows = ["trip_id,timestamp,latitude,longitude"]
    for k, tid in enumerate(tids):
        step = g.normal(1e-4, 2e-5, (n, 2)).cumsum(0)
        rows += [f"{tid},{1_700_000_000 + 10 * i},{53.35 + k * 0.01 + step[i, 0]:.6f},"
                 f"{-6.26 + step[i, 1]:.6f}" for i in range(n)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


# F13: save_pretrained overwrote a user's own config.json in an existing folder
def test_save_pretrained_refuses_a_folder_trajlm_did_not_write(tmp_path, model_dir):
    m = trajlm.TrajLM.from_pretrained(model_dir, threads=1)
    user = tmp_path / "project"
    user.mkdir()
    (user / "config.json").write_text('{"my": "settings"}')
    for overwrite in (False, True):
        with pytest.raises(OutputExistsError, match="config.json would be replaced"):
            m.save_pretrained(user, overwrite=overwrite)
    assert (user / "config.json").read_text() == '{"my": "settings"}'
    assert sorted(p.name for p in user.iterdir()) == ["config.json"]
    data = tmp_path / "data"
    _csv(data.mkdir() or data / "trips.csv")
    with pytest.raises(OutputExistsError, match="not a trajlm checkpoint folder"):
        m.save_pretrained(data)
    assert sorted(p.name for p in data.iterdir()) == ["trips.csv"]
    with pytest.raises(OutputExistsError, match="is a file"):
        m.save_pretrained(data / "trips.csv")
    # its own folders still work: new, then again with overwrite
    m.save_pretrained(tmp_path / "new")
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        m.save_pretrained(tmp_path / "new")
    m.save_pretrained(tmp_path / "new", overwrite=True)
    assert json.loads((tmp_path / "new" / "config.json").read_text())["d_model"] == 16


# F2: a CSV with a 2 GiB line given to `trajlm predict --input` was loaded whole (OOM-killed)
def test_predict_input_refuses_an_overlong_line_before_reading_it(tmp_path, model_dir, monkeypatch):
    monkeypatch.setenv("TRAJLM_MAX_LINE_BYTES", str(1 << 20))
    big = tmp_path / "claims.csv"
    with open(big, "wb") as f:  # a header, then a 3 MiB line of NULs (sparse: nothing written)
        f.write(b"trip_id,timestamp,latitude,longitude\n")
        f.seek(3 << 20)
        f.write(b"\n")
    for cmd in (
        ["predict", "--model", model_dir, "--input", big, "--out", tmp_path / "p.csv"],
        ["recover", "--model", model_dir, "--input", big, "--out", tmp_path / "r.csv"],
    ):
        fails(*cmd, names=(str(big), "line 2", "longer than 1,048,576 bytes",
                           "TRAJLM_MAX_LINE_BYTES"), protect=(big,))  # fmt: skip
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "r.csv").exists()


def test_count_lines_matches_a_whole_read_across_blocks(tmp_path):
    from trajlm._cli_points import count_lines

    g = np.random.default_rng(0)
    for k, tail in enumerate((b"", b"\n", b"x", b"\n\n")):
        data = b"\n".join(b"a" * int(n) for n in g.integers(0, 40, 200)) + tail
        f = tmp_path / f"t{k}.csv"
        f.write_bytes(data)
        expect = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        for block in (1, 7, 64, 1 << 20):
            assert count_lines(f, block=block) == expect


# F1: `trajlm predict --input` predicted a 1-point trajectory without a word (API, server warned)
def test_cli_predict_warns_on_a_single_point_trajectory(tmp_path, model_dir):
    src = tmp_path / "one.csv"
    src.write_text("trip_id,timestamp,latitude,longitude\na,1700000000,53.35,-6.26\n"
                   "b,1700000000,53.36,-6.26\nb,1700000010,53.3601,-6.2601\n")  # fmt: skip
    r = invoke("predict", "--model", model_dir, "--input", src, "--out", tmp_path / "p.csv")
    assert r.exit_code == 0, r.output
    assert "1 of 2 trajectories have a single point (e.g. 'a')" in said(r)


# (a): a held-out set with elapsed seconds (MAT vehicles: `time` = seconds since the trip's
# start) could be ingested (--time-origin) but not predicted from its file
def test_cli_predict_reads_elapsed_seconds_with_time_origin(tmp_path, model_dir):
    src = tmp_path / "elapsed.csv"
    src.write_text(
        "tid,time,lat,lon\n"
        + "".join(f"7,{30 * i},{53.35 + 1e-4 * i:.5f},{-6.26 + 1e-4 * i:.5f}\n" for i in range(10))
    )
    fails(
        "predict",
        "--model",
        model_dir,
        "--input",
        src,
        "--out",
        tmp_path / "p.csv",
        names=("before 1990", "--time-origin 2020-01-01T00:00Z"),
        protect=(src,),
    )
    fails(
        "predict",
        "--model",
        model_dir,
        "--input",
        src,
        "--out",
        tmp_path / "p.csv",
        "--time-origin",
        "yesterday",
        names=("--time-origin 'yesterday' is not a time",),
    )
    r = invoke(
        "predict",
        "--model",
        model_dir,
        "--input",
        src,
        "--out",
        tmp_path / "p.csv",
        "--time-origin",
        "2001-09-01T00:00Z",
        "--steps",
        "2",
    )
    assert r.exit_code == 0, r.output
    assert "seconds since --time-origin" in said(r)
    import polars as pl

    out = pl.read_csv(tmp_path / "p.csv")
    assert out.columns[:3] == ["tid", "step", "time"]
    assert out["time"].dtype.is_integer() and 270 < out["time"][0] < 400  # elapsed, not 1e9


# F10: a folder of another model kind (a selector, a store) given where a transformer is needed
def test_cli_names_the_kind_of_a_folder_that_is_not_a_transformer_run(tmp_path):
    store = tmp_path / "store"
    assert invoke("data", "ingest", _csv(tmp_path / "t.csv", n=30), "--out", store).exit_code == 0
    sel = tmp_path / "sel"
    sel.mkdir()
    (sel / "config.json").write_text(json.dumps({"kind": "candidate_selector"}))
    for model, kind in ((sel, "a candidate selector"), (store, "a trajlm store")):
        fails(
            "anomalies",
            "--model",
            model,
            "--data",
            store,
            "--out",
            tmp_path / "a.csv",
            names=(kind, "not a transformer run", "`trajlm train`"),
            protect=(store,),
        )
        text = fails(
            "finetune",
            "--model",
            model,
            "--task",
            "predict",
            "--data",
            store,
            "--out",
            tmp_path / "ft",
            names=(kind,),
        )
        assert "(note:" not in text


# F7: an --out whose folder cannot be made was "error: /proc/nope: No such file or directory"
def test_an_out_whose_folder_cannot_be_made_names_the_option(tmp_path, model_dir):
    src = _csv(tmp_path / "t.csv")
    fails(
        "predict",
        "--model",
        model_dir,
        "--input",
        src,
        "--out",
        src / "x" / "p.csv",
        names=("--out", "cannot create its folder", "Not a directory"),
        protect=(src,),
    )


# F9: `eval --horizon-s abc` also named --max-gap-s, which the user did not give
def test_horizon_s_error_names_only_horizon_s(tmp_path):
    store = tmp_path / "store"
    assert invoke("data", "ingest", _csv(tmp_path / "t.csv", n=30), "--out", store).exit_code == 0
    for bad in ("abc", "60,-5", "inf"):
        text = fails(
            "eval",
            "--task",
            "predict",
            "--data",
            store,
            "--model",
            store,
            "--horizon-s",
            bad,
            names=(f"--horizon-s '{bad}'", "seconds > 0"),
        )
        assert "--max-gap-s" not in text


# F14: a 1,000-NUL trajectory id was echoed whole (a 4 kB "one line")
def test_a_huge_value_in_an_error_line_is_cut(tmp_path, model_dir):
    src = tmp_path / "nul.csv"
    src.write_bytes(b"trip_id,timestamp,latitude,longitude\n" + b"\0" * 1000 + b"\n")
    text = fails(
        "predict",
        "--model",
        model_dir,
        "--input",
        src,
        "--out",
        tmp_path / "p.csv",
        names=(str(src), "line 2", "(4,000 characters)"),
    )
    assert len(text) < 800, len(text)


# Resume: weights were bit-identical, but the eval row's train_loss (the mean since the last
# validation) was averaged over the resumed steps only (0.294 instead of 0.329 on vehicles)
def test_resumed_eval_rows_equal_uninterrupted(tmp_path):
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import load_stats
    from trajlm.train.trainer import TrainConfig, Trainer

    synth_store(tmp_path / "a", n_trajectories=40, seed=1, overwrite=False)
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=2, n_heads=2, max_len=32, pos_type="rope")
    cfg.stats = load_stats(tmp_path / "a").to_dict()
    TrajectoryModel(cfg).save_pretrained(tmp_path / "pre")
    tc = TrainConfig(max_steps=8, batch_size=4, max_len=16, shuffle_buffer=8, lr=3e-3,
                     warmup_steps=2, eval_every=4, eval_batches=2, save_every=100, log_every=1,
                     progress=False, select_on="val_loss", cpu_threads=1,
                     init_from=str(tmp_path / "pre"))  # fmt: skip

    def evals(run: Path) -> list[dict]:
        rows = map(json.loads, (run / "metrics.jsonl").read_text().splitlines())
        return [r for r in rows if "train_loss" in r]

    Trainer(tmp_path / "a", tmp_path / "full", train_config=tc).fit()
    Trainer(tmp_path / "a", tmp_path / "part", train_config=tc).fit(stop_at=6)
    Trainer(tmp_path / "a", tmp_path / "part", train_config=tc).fit(resume=True)
    full, part = evals(tmp_path / "full"), evals(tmp_path / "part")
    assert [r["step"] for r in full] == [4, 8] and full == part


def test_short_values_cuts_only_a_quoted_value():
    from trajlm._cli_hints import short_values

    prose = "traj_id '7'); " + "numbers are read as Unix seconds " * 8 + "(unit='s')"
    assert short_values(prose) == prose  # two short values, prose between: unchanged
    assert (
        short_values(f"id '{'x' * 500}' bad")
        == f"id '{'x' * 60}...{'x' * 20}' (500 characters) bad"
    )


# `trajlm recover` had no --crs (predict has): projected held-out sets could not be filled
def test_cli_recover_takes_crs(tmp_path, model_dir):
    src = tmp_path / "utm.csv"
    rows = [f"a,{1_700_000_000 + 10 * i},{5_912_000 + 20 * i},{682_000 + 15 * i}" for i in range(8)]
    rows[3] = "a,1700000030,,"
    src.write_text("trip,unix_s,northing,easting\n" + "\n".join(rows) + "\n")
    out = tmp_path / "filled.csv"
    r = invoke("recover", "--model", model_dir, "--input", src, "--out", out, "--crs",
               "EPSG:32629", "--traj-col", "trip", "--time-col", "unix_s", "--lat-col",
               "northing", "--lon-col", "easting")  # fmt: skip
    assert r.exit_code == 0, r.output
    import polars as pl

    got = pl.read_csv(out)
    assert got["recovered"].to_list() == [False] * 3 + [True] + [False] * 4
    assert abs(got["northing"][0] - 5_912_000) < 0.01 and 5_912_000 < got["northing"][3] < 5_912_200


# F11: a body of invalid UTF-8 was answered with Starlette's "There was an error parsing the body"
@pytest.mark.parametrize("path", ["/predict", "/embed", "/validity"])
def test_serve_names_a_body_that_is_not_utf8_json(model_dir, path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve import ServeSettings, create_app

    model = trajlm.TrajLM.from_pretrained(model_dir, threads=1)
    with TestClient(create_app(model, ServeSettings())) as c:
        r = c.post(path, content=b"\xff\xfe\x00", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["field"] == "body", r.text
    assert "not UTF-8" in r.json()["error"] and "parsing the body" not in r.json()["error"]
