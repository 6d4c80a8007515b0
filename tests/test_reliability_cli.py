"""User errors of `trajlm data ...` and `trajlm train`, and what is never destroyed.

Every failing case asserts exit status 2, a message naming the file / option / field, no
traceback, and byte-identical pre-existing files (reliability_helpers.fails). Model commands
(predict, eval, finetune, similar) are in test_reliability_models.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import GOOD_CSV, TINY, copy, fails, invoke, said, snapshot

from trajlm import _cli_io as io
from trajlm._safety import LOCK, ConfigError, UserError
from trajlm.data.ingest import synth_store


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """base/s: a 30-trajectory store; base/run: a 3-step tiny run; base/tiny.toml."""
    d = tmp_path_factory.mktemp("rel")
    synth_store(d / "s", n_trajectories=30, seed=1, overwrite=False)
    (d / "tiny.toml").write_text(TINY)
    r = invoke("train", "--data", d / "s", "--out", d / "run", "--config", d / "tiny.toml")
    assert r.exit_code == 0, r.output
    (d / "good.csv").write_text(GOOD_CSV)
    return d


def cfg(tmp_path: Path, text: str, name: str = "c.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


# ----------------------------------------------------------------------------- ingest
@pytest.mark.parametrize(
    "extra, names",
    [
        (["--format", "shp"], ["--format", "'shp'"]),
        (["--format", "prto"], ["did you mean porto?"]),
        (["--format", "csv", "--preset", "fast"], ["--preset", "'fast'"]),
        (["--format", "csv", "--on-error", "ignore"], ["--on-error"]),
        (["--format", "csv", "--columns", "liverpool"], ["--columns", "liverpool_bus"]),
        (["--format", "csv", "--max-speed-mps", "-1"], ["--max-speed-mps", "> 0"]),
        (["--format", "csv", "--max-gap-s", "nan"], ["--max-gap-s"]),
        (["--format", "csv", "--min-points", "0"], ["--min-points"]),
        (["--format", "csv", "--sep", ";;"], ["--sep"]),
    ],
)
def test_ingest_bad_options(base, tmp_path, extra, names):
    fails("data", "ingest", base / "good.csv", *extra, "--out", tmp_path / "o",
          names=tuple(names), protect=(base / "good.csv",))  # fmt: skip
    assert not (tmp_path / "o").exists()


def test_ingest_missing_input(tmp_path):
    fails("data", "ingest", tmp_path / "nope.csv", "-f", "csv", "--out", tmp_path / "o",
          names=("nope.csv", "no such file"))  # fmt: skip


def test_ingest_markup_in_missing_path_is_printed_verbatim(tmp_path):
    bad = tmp_path / "a[/]b[red]x[/red].csv"
    text = fails("data", "ingest", bad, "-f", "csv", "--out", tmp_path / "o", names=(str(bad),))
    assert text.startswith("error:")


def test_ingest_refuses_a_foreign_directory(base, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    fails("data", "ingest", base / "good.csv", "-f", "csv", "--out", out, "--overwrite",
          names=("--out", "did not create"), protect=(out,))  # fmt: skip
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_ingest_refuses_an_existing_store_without_overwrite(base, tmp_path):
    store = copy(base / "s", tmp_path / "s")
    fails("data", "ingest", base / "good.csv", "-f", "csv", "--out", store,
          names=("--out", "--overwrite"), protect=(store,))  # fmt: skip


def test_ingest_out_is_a_file(base, tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    fails("data", "ingest", base / "good.csv", "-f", "csv", "--out", f, names=("is a file",),
          protect=(f,))  # fmt: skip


def test_ingest_out_is_the_input_folder(tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    (src / "a.csv").write_text(GOOD_CSV)
    fails("data", "ingest", src, "-f", "csv", "--out", src, names=("input",), protect=(src,))


def test_ingest_bad_number_names_file_line_field(tmp_path):
    f = cfg(tmp_path, "traj_id,t,lat,lon\na,1709658392,abc,-8.6\n", "x.csv")
    fails("data", "ingest", f, "-f", "csv", "--out", tmp_path / "o",
          names=("x.csv", "line 2", "lat"), protect=(f,))  # fmt: skip


def test_ingest_empty_file(tmp_path):
    f = cfg(tmp_path, "", "empty.csv")
    fails("data", "ingest", f, "-f", "csv", "--out", tmp_path / "o", names=("empty.csv",))


def test_ingest_overwrite_keeps_user_files_and_markup_paths_work(base, tmp_path):
    src = tmp_path / "pts.csv"
    src.write_text("".join(
        f"{tid},{1709658392 + 15 * i},{41.1 + 0.001 * i},-8.6\n" for tid in "abcdefghij"
        for i in range(6)
    ).join(["traj_id,t,lat,lon\n", ""]))  # fmt: skip
    out = tmp_path / "st[/]re[bold]"
    r = invoke("data", "ingest", src, "-f", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    assert str(out) in said(r)
    (out / "notes.md").write_text("mine")
    r = invoke("data", "ingest", src, "-f", "csv", "--out", out, "--overwrite")
    assert r.exit_code == 0, r.output
    assert (out / "notes.md").read_text() == "mine"
    assert json.loads((out / ".trajlm").read_text())["kind"] == "store"


def test_glob_characters_in_paths_are_literal(tmp_path):
    """Polars globs paths by default: a store or CSV named with [] must still be read."""
    out = tmp_path / "s[/]x[1]"
    assert invoke("data", "synth", "-n", "12", "--out", out).exit_code == 0
    r = invoke("data", "inspect", out)
    assert r.exit_code == 0, r.output
    assert "12" in said(r)
    bad = tmp_path / "b[x].csv"
    bad.write_text(GOOD_CSV.replace("45.071", "nan"))
    fails("predict", "--model", tmp_path / "none", "--input", bad, names=("b[x].csv", "lat"))


# ----------------------------------------------------------------------------- synth
@pytest.mark.parametrize(
    "extra, names",
    [(["-n", "0"], ["--n-trajectories"]), (["--seed", "-1"], ["--seed"]),
     (["-n", "ten"], ["--n-trajectories"])],
)  # fmt: skip
def test_synth_bad_options(tmp_path, extra, names):
    fails("data", "synth", "--out", tmp_path / "o", *extra, names=tuple(names))


def test_synth_refuses_existing_store_and_foreign_dir(base, tmp_path):
    fails("data", "synth", "--out", base / "s", "-n", "20", names=("--overwrite",),
          protect=(base / "s",))  # fmt: skip
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x").write_text("1")
    fails("data", "synth", "--out", tmp_path / "d", "-n", "20", "--overwrite",
          names=("did not create",), protect=(tmp_path / "d",))  # fmt: skip


def test_synth_refuses_a_store_locked_by_a_live_process(base, tmp_path):
    store = copy(base / "s", tmp_path / "s")
    lock = tmp_path / ".s.lock"
    lock.write_text(json.dumps({"pid": os.getppid(), "host": os.uname().nodename}))
    fails("data", "synth", "--out", store, "-n", "20", "--overwrite", names=(str(lock),),
          protect=(store, lock))  # fmt: skip


def test_stale_lock_and_temporaries_of_a_dead_writer_are_cleaned(tmp_path):
    (tmp_path / ".s.lock").write_text(json.dumps({"pid": 2**22 + 7, "host": os.uname().nodename}))
    stale = tmp_path / f".s.tmp-{2**22 + 7}-abcdef"
    (stale / "points").mkdir(parents=True)
    r = invoke("data", "synth", "--out", tmp_path / "s", "-n", "20")
    assert r.exit_code == 0, r.output
    assert "stale lock" in said(r)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


# ----------------------------------------------------------------------------- inspect / plot
def test_inspect_missing_and_not_a_store(tmp_path):
    fails("data", "inspect", tmp_path / "nope", names=("nope", "no such file"))
    fails("data", "inspect", tmp_path, names=("not a trajlm store",))


@pytest.mark.parametrize(
    "damage, name",
    [
        (lambda s: (s / "manifest.json").write_text("{garbage"), "manifest.json"),
        (lambda s: (s / "manifest.json").write_text('{"n_points": 3}'), "manifest.json"),
        (lambda s: (s / "stats.json").write_text("[]"), "stats.json"),
        (lambda s: (s / "index.parquet").write_bytes(b"PAR1 no"), "index.parquet"),
        (lambda s: _truncate(s / "points" / "split=train" / "part-00000.parquet"), "part-00000"),
        (lambda s: (s / "points" / "split=val" / "part-00000.parquet").unlink(), "split=val"),
    ],
)
def test_inspect_damaged_store_names_the_file(base, tmp_path, damage, name):
    store = copy(base / "s", tmp_path / "s")
    damage(store)
    text = fails("data", "inspect", store, names=(name,), protect=(store,))
    assert "--overwrite" in text or "no such file" in text or "no part files" in text


def _truncate(f: Path) -> None:
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


@pytest.mark.parametrize(
    "extra, names",
    [
        (["--n", "0"], ["--n"]),
        (["--split", "tset"], ["--split", "did you mean test?"]),
        (["--out", "map.txt"], ["--out", ".png"]),
    ],
)
def test_plot_bad_options(base, tmp_path, extra, names):
    fails("data", "plot", base / "s", *extra, names=tuple(names), protect=(base / "s",))


def test_plot_refuses_existing_output_and_output_in_store(base, tmp_path):
    png = tmp_path / "m.png"
    png.write_bytes(b"my picture")
    fails("data", "plot", base / "s", "--out", png, names=("--out", "exists", "--overwrite"),
          protect=(png, base / "s"))  # fmt: skip
    fails("data", "plot", base / "s", "--out", base / "s" / "m.png", names=("input",),
          protect=(base / "s",))  # fmt: skip
    r = invoke("data", "plot", base / "s", "--out", png, "--overwrite", "--n", "3")
    assert r.exit_code == 0 and png.read_bytes() != b"my picture"


# ----------------------------------------------------------------------------- train
def train_fails(base, tmp_path, *extra, names=(), protect=()):
    args = ["train", "--data", base / "s", "--out", tmp_path / "r", *extra]
    return fails(*args, names=names, protect=(base / "s", *protect))


@pytest.mark.parametrize(
    "extra, names",
    [
        (["--max-steps", "-5"], ["--max-steps"]),
        (["--max-steps", "abc"], ["--max-steps"]),
        (["--seed", "-1"], ["--seed"]),
        (["--device", "tpu"], ["--device", "'tpu'"]),
        (["--threads", "0"], ["--threads"]),
        (["--resume", "--overwrite"], ["--resume", "--overwrite"]),
        (["--config", "missing.toml"], ["--config", "missing.toml"]),
    ],
)
def test_train_bad_options(base, tmp_path, extra, names):
    train_fails(base, tmp_path, *extra, names=tuple(names))


@pytest.mark.parametrize(
    "text, names",
    [
        ("[modle]\nd_model = 16\n", ["unknown section [modle]; did you mean [model]?"]),
        ("[trian]\nlr = 0.1\n", ["did you mean [train]?"]),
        ('[train]\nlr = "abc"\n', ["train.lr", "must be a number", "c.toml"]),
        ("[train]\nlr = -1.0\n", ["train.lr", "> 0"]),
        ("[train]\nlr = nan\n", ["train.lr", "finite"]),
        ("[train]\nbatch_size = 0\n", ["train.batch_size", ">= 1"]),
        ("[train]\nmax_steps = 2.5\n", ["train.max_steps", "integer"]),
        ("[train]\nmax_stepz = 3\n", ["train.max_stepz", "did you mean max_steps?"]),
        ("[train]\nprogress = 1\n", ["train.progress", "true or false"]),
        ("[train]\nselect_on = 'ade'\n", ["train.select_on"]),
        ("[model]\nd_model = 30\nn_heads = 4\n", ["model.d_model", "divisible"]),
        ("[model]\npos_type = 'alibi'\n", ["model.pos_type", "alibi"]),
        ("[model]\nn_layer = 2\n", ["model.n_layer", "did you mean n_layers?"]),
        ("[model]\ndropout = 1.5\n", ["model.dropout"]),
        ("[train.objectives]\nspanz = 1.0\n", ["train.objectives.spanz", "did you mean spans?"]),
        ("[train.objectives]\ncausal = 0.0\n", ["train.objectives", "positive sum"]),
        ("[train]\nlr = \n", ["invalid TOML", "line 2"]),
        ("model = 3\n", ["[model] must be a table"]),
    ],
)
def test_train_bad_toml_config(base, tmp_path, text, names):
    train_fails(base, tmp_path, "--config", cfg(tmp_path, text), names=tuple(names))
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "text, names",
    [
        ("[1, 2]", ["expected a table of sections"]),
        ('{"train": {"lr": "x"}', ["invalid JSON"]),
        ('{"train": {"batch_size": true}}', ["train.batch_size", "integer"]),
    ],
)
def test_train_bad_json_config(base, tmp_path, text, names):
    train_fails(base, tmp_path, "--config", cfg(tmp_path, text, "c.json"), names=tuple(names))


def test_train_config_is_a_folder_or_binary(base, tmp_path):
    train_fails(base, tmp_path, "--config", tmp_path, names=("is a folder",))
    blob = tmp_path / "b.toml"
    blob.write_bytes(b"\xff\xfe\x00garbage")
    train_fails(base, tmp_path, "--config", blob, names=("b.toml",))


def test_train_refuses_an_existing_run(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    train_fails(base, tmp_path, "--config", base / "tiny.toml",
                names=("already holds a trajlm run", "--resume or --overwrite"), protect=(run,))  # fmt: skip


def test_train_refuses_a_foreign_directory_even_with_overwrite(base, tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "notes.txt").write_text("mine")
    train_fails(base, tmp_path, "--overwrite", names=("did not create",),
                protect=(tmp_path / "r",))  # fmt: skip


def test_train_data_is_not_a_store_or_out_is_inside_it(base, tmp_path):
    fails("train", "--data", tmp_path, "--out", tmp_path / "r", names=("--data", "not a trajlm"))
    fails("train", "--data", base / "s", "--out", base / "s" / "run", names=("inside the store",),
          protect=(base / "s",))  # fmt: skip


def test_train_on_a_damaged_store_names_the_part(base, tmp_path):
    store = copy(base / "s", tmp_path / "s")
    _truncate(store / "points" / "split=train" / "part-00000.parquet")
    fails("train", "--data", store, "--out", tmp_path / "r", names=("part-00000.parquet",),
          protect=(store,))  # fmt: skip


@pytest.mark.parametrize(
    "damage, name",
    [
        (lambda r: (r / "trainer_state" / "state.json").write_text("{"), "state.json"),
        (lambda r: _truncate(r / "trainer_state" / "optimizer.safetensors"), "optimizer"),
        (lambda r: _truncate(r / "trainer_state" / "model.safetensors"), "model.safetensors"),
        (lambda r: (r / "trainer_state" / "rng.safetensors").write_bytes(b"xx"), "rng"),
        (lambda r: (r / "train_config.json").write_text("nope"), "train_config.json"),
    ],
)
def test_resume_from_damaged_state_names_the_file(base, tmp_path, damage, name):
    run = copy(base / "run", tmp_path / "r")
    damage(run)
    text = train_fails(base, tmp_path, "--resume", "--max-steps", "4", names=(name,),
                       protect=(run,))  # fmt: skip
    assert "damaged" in text


def test_train_refuses_a_run_locked_by_a_live_process(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    (run / LOCK).write_text(json.dumps({"pid": os.getppid(), "host": os.uname().nodename}))
    train_fails(base, tmp_path, "--resume", "--max-steps", "4", names=(str(run / LOCK),),
                protect=(run,))  # fmt: skip


def test_overwrite_replaces_only_the_runs_files(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    (run / "my_notes.txt").write_text("keep")
    (run / "trainer_state" / ".." / "plots").mkdir()
    r = invoke("train", "--data", base / "s", "--out", run, "--config", base / "tiny.toml",
               "--overwrite", "--max-steps", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (run / "my_notes.txt").read_text() == "keep" and (run / "plots").is_dir()
    assert json.loads((run / "train_summary.json").read_text())["steps"] == 2
    assert not (run / LOCK).exists()


def test_file_modes_follow_the_umask(base, tmp_path):
    old = os.umask(0o027)
    try:
        r = invoke("train", "--data", base / "s", "--out", tmp_path / "r",
                   "--config", base / "tiny.toml", "--max-steps", "1")  # fmt: skip
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    for name in ("model.safetensors", "config.json", "best/model.safetensors"):
        assert (tmp_path / "r" / name).stat().st_mode & 0o777 == 0o640, name


# ----------------------------------------------------------------------------- the boundary
def test_debug_shows_the_traceback_and_internal_errors_stay_loud(base, tmp_path, monkeypatch):
    r = invoke("--debug", "data", "inspect", tmp_path)
    assert r.exit_code != 0 and isinstance(r.exception, UserError)

    def boom(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr("trajlm.data.store.inspect_store", boom)
    r = invoke("data", "inspect", base / "s")
    assert r.exit_code == 1 and isinstance(r.exception, RuntimeError)


def test_one_line_error(tmp_path):
    text = fails("data", "inspect", tmp_path / "x")
    assert text.count("error:") == 1


# ----------------------------------------------------------------------------- fuzzing
NAMES = ["model", "train", "modle", "objectives", "d_model", "n_heads", "lr", "max_steps",
         "batch_size", "pos_type", "dropout", "stats", "objectives", "spans", "warmup_steps"]  # fmt: skip
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.text(max_size=5), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(NAMES), st.integers(-3, 300), max_size=3),
)  # fmt: skip
SECTION = st.dictionaries(st.one_of(st.sampled_from(NAMES), st.text(max_size=6)), VALUES,
                          max_size=4)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["model", "train", "modle", "x"]), SECTION, max_size=3))
def test_fuzz_config_is_valid_or_a_clean_error(config):
    try:
        io.configs_from(config, "--config c.toml")
    except ConfigError as e:
        assert "\n" not in str(e) and str(e)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_config_text_is_valid_or_a_clean_error(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("fz") / "c.toml"
    p.write_text(text)
    try:
        io.configs_from(io.load_config(p), "--config c.toml")
    except UserError:
        pass


def test_snapshot_helper_sees_a_change(tmp_path):
    f = tmp_path / "a"
    f.write_text("1")
    before = snapshot(tmp_path)
    f.write_text("2")
    assert snapshot(tmp_path) != before


def test_resume_removes_what_a_killed_run_left_half_written(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    (run / f".tmp-{2**22 + 9}" / "trainer_state").mkdir(parents=True)
    (run / ".model.safetensors.x1y2.tmp").write_bytes(b"half")
    (run / "best" / ".config.json.x1y2.tmp").write_text("{")
    with open(run / "metrics.jsonl", "a") as fh:
        fh.write('{"step": 3, "lo')  # cut by the kill
    r = invoke("train", "--data", base / "s", "--out", run, "--resume", "--max-steps", "4")
    assert r.exit_code == 0, r.output
    assert not list(run.glob(".tmp-*")) and not list(run.rglob(".*.tmp"))
    steps = [json.loads(x)["step"] for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4]
