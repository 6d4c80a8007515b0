"""newuser34: a researcher adds their own city's data to the pretraining corpus, pretrains,
evaluates and fine-tunes (docs/pretraining.md "Session 34 (newuser34)")."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from helpers import invoke_cli
from reliability_helpers import TINY

from trajlm.data.corpus import build_corpus, load_corpus_spec
from trajlm.errors import TrajlmInputError


def _local_times_csv(path: Path, n_trips: int = 12) -> Path:
    """Bike trips in local wall-clock text without a zone (a bike-share operator's export)."""
    rows = ["trip_id,recorded_at,lat,lng"]
    for k in range(n_trips):
        for i in range(15):
            rows.append(f"T{k:03d},2026-03-{10 + k % 10:02d} 08:{i:02d}:{k % 50:02d},"
                        f"{-37.81 + 0.0003 * i + 0.001 * k:.6f},{144.96 + 0.0002 * i:.6f}")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def _spec(tmp_path: Path, columns: str = "") -> Path:
    spec = tmp_path / "own.toml"
    spec.write_text(
        '[corpus]\nname = "own"\nval_trips_per_source = 5\n\n'
        f'[[source]]\nname = "bikes"\nformat = "csv"\npath = "bikes.csv"\n{columns}\n'
    )
    return spec


def test_corpus_says_when_a_sources_times_are_read_as_utc(tmp_path):
    """A source of zone-less local times was read as UTC without a word (ingest says it)."""
    _local_times_csv(tmp_path / "bikes.csv")
    lines: list[str] = []
    record = build_corpus(load_corpus_spec(_spec(tmp_path), data_root=str(tmp_path)),
                          tmp_path / "corpus", log=lines.append)  # fmt: skip
    said = [m for m in lines if "no zone" in m]
    assert len(said) == 1, lines
    assert "bikes" in said[0] and "'recorded_at'" in said[0] and 'tz = "Area/City"' in said[0]
    on_disk = json.loads((tmp_path / "corpus" / "corpus.json").read_text())
    assert on_disk["sources"][0]["times_read_as_utc"] == "recorded_at"
    assert record["sources"][0]["times_read_as_utc"] == "recorded_at"


def test_corpus_source_with_a_zone_reads_local_times_and_says_nothing(tmp_path):
    """The key the note names works: the source's times move by the zone's offset."""
    _local_times_csv(tmp_path / "bikes.csv")
    lines: list[str] = []
    spec = _spec(tmp_path, 'columns = { tz = "Australia/Melbourne" }')
    record = build_corpus(load_corpus_spec(spec, data_root=str(tmp_path)),
                          tmp_path / "corpus", log=lines.append)  # fmt: skip
    assert not [m for m in lines if "no zone" in m], lines
    assert "times_read_as_utc" not in record["sources"][0]
    from trajlm.data.store import read_store

    t0 = read_store(tmp_path / "corpus")["t"].min()
    assert t0 == 1773090000  # 2026-03-10 08:00 AEDT (UTC+11) = 2026-03-09 21:00 UTC


TINY_EVAL = TINY.replace("eval_every = 0", "eval_every = 2\neval_batches = 1")  # a val ADE: a best


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    """A tiny run pretrained on a two-city synthetic corpus (as `make pretrain` trains one)."""
    import trajlm

    d = tmp_path_factory.mktemp("pre")
    (d / "spec.toml").write_text(
        '[corpus]\nname = "two"\nval_trips_per_source = 4\n\n'
        '[[source]]\nname = "a"\nformat = "synthetic"\ncity = { n_trajectories = 30, seed = 0 }\n\n'
        '[[source]]\nname = "b"\nformat = "synthetic"\n'
        "city = { n_trajectories = 30, seed = 1, center_lat = -37.81, center_lon = 144.96 }\n"
    )
    build_corpus(load_corpus_spec(d / "spec.toml", data_root=str(d)), d / "corpus",
                 log=lambda _m: None)  # fmt: skip
    (d / "tiny.toml").write_text(TINY_EVAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = trajlm.TrajLM.fit(d / "corpus", d / "run", config=d / "tiny.toml", seed=0,
                                  threads=1)  # fmt: skip
    from trajlm.data.ingest import synth_store

    synth_store(d / "mine", n_trajectories=30, seed=5, overwrite=False)
    return {"dir": d, "model": model}


def test_a_pretraining_runs_predict_says_nothing_checked_it(pretrained):
    """A `make pretrain` run answered a user's own store unchecked (1.34x kNN there), unsaid."""
    import trajlm
    from trajlm.data.store import read_store

    d = pretrained["dir"]
    summary = json.loads((d / "run" / "train_summary.json").read_text())
    assert "pretraining corpus" in summary["val_check_skipped"]
    mine = read_store(d / "mine", split="test").drop("split")
    lm = trajlm.TrajLM.from_pretrained(d / "run")
    with pytest.warns(UserWarning, match="not checked against the prediction baselines") as said:
        lm.predict(mine, steps=2)
    line = next(str(w.message) for w in said if "pretraining corpus" in str(w.message))
    assert f"trajlm finetune --model {d / 'run'} --data STORE" in line
    r = invoke_cli(["predict", "--model", d / "run", "--input", d / "mine", "--split", "test",
                    "--steps", "2", "--out", d / "pred.csv"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "note:" in r.output and "pretraining corpus" in r.output


def test_fit_init_from_fine_tunes_a_pretraining_run(pretrained, tmp_path):
    """From Python a pretraining run could be fine-tuned on a frame only through a TOML with
    [train] init_from (found by reading the code); TrajLM.fit(init_from=) now takes it."""
    import trajlm
    from trajlm.data.store import read_store

    d = pretrained["dir"]
    frame = read_store(d / "mine").drop("split")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = trajlm.TrajLM.fit(frame, tmp_path / "ft", config=d / "tiny.toml", seed=0, threads=1,
                               init_from=d / "run")  # fmt: skip
    saved = json.loads((tmp_path / "ft" / "train_config.json").read_text())
    assert saved["init_from"] == str(d / "run")
    assert ft.model.config.d_model == 16
    with pytest.raises(TrajlmInputError, match="init_from 'nowhere/run': no model weights"):
        trajlm.TrajLM.fit(frame, tmp_path / "ft2", config=d / "tiny.toml", init_from="nowhere/run")
    with pytest.raises(TrajlmInputError, match="init_from must be a run folder"):
        trajlm.TrajLM.fit(frame, tmp_path / "ft3", config=d / "tiny.toml", init_from=3)


def test_eval_names_a_runs_best_folder_by_its_run(pretrained):
    """`TrajLM.evaluate` (which passes RUN/best) named every run "trajlm:best"."""
    from trajlm.cli_eval_models import build_predictors

    d = pretrained["dir"]
    got = build_predictors("predict", [d / "run" / "best"], None, None)
    assert [p.name for p in got] == ["trajlm:run"]


def test_by_hour_title_gives_the_test_trips_local_hours_where_the_store_has_a_zone():
    """Melbourne's `--holdout-by hour` test ("22:00-23:59 UTC") was its morning, said in UTC only."""
    import polars as pl

    from trajlm.cli_eval_notes import split_description

    # 22:00 UTC on 3 April (09:00 AEDT) and on 4 April (08:00 AEST: daylight time ended)
    df = pl.DataFrame({"traj_id": ["a", "a", "b", "c"], "split": ["test", "test", "test", "train"],
                       "t": [1775340000, 1775340060, 1775253600, 1775430000]})  # fmt: skip
    said = split_description(df, "hour=22", "Australia/Melbourne")
    assert "22:00-23:59 UTC (local start hours 08-09 in Australia/Melbourne" in said
    assert "(local" not in split_description(df, "hour=22")
