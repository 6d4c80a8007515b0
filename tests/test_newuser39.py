"""newuser39: a researcher's own tram / bus AVL feed in the pretraining corpus, with the
cleaning they gave their own store (docs/pretraining.md "Session 39 (newuser39)")."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from trajlm.data.corpus import build_corpus, load_corpus_spec
from trajlm.errors import ConfigError

JUMP_ROWS = (7, 19)  # row indices of trip 0..: the bad fixes (2 km off)


def _avl_csv(path: Path, n_trips: int = 40, jumps: bool = True) -> Path:
    """Buses every 15 s at ~8 m/s on a straight street, `;`-separated with Norwegian names;
    trip 0 carries two bad fixes 2 km off (a 130 m/s step in and out of each)."""
    rows = ["tur_id;tidspunkt;breddegrad;lengdegrad"]
    for k in range(n_trips):
        for i in range(30):
            lat = 63.43 + (120.0 * i) / 111_320.0 + 0.002 * k
            lon = 10.39 + 0.0001 * (i % 2)
            if jumps and k == 0 and i in JUMP_ROWS:
                lat += 2000.0 / 111_320.0
            rows.append(f"B{k:02d};2026-03-{1 + k % 28:02d}T{7 + k // 28:02d}:{i // 4:02d}:{(i % 4) * 15:02d}Z;"
                        f"{lat:.6f};{lon:.6f}")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def _spec(tmp_path: Path, extra: str = "") -> Path:
    spec = tmp_path / "own.toml"
    spec.write_text(
        '[corpus]\nname = "own"\nval_trips_per_source = 2\n\n'
        '[[source]]\nname = "avl"\nformat = "csv"\npath = "avl.csv"\n'
        'columns = { traj_id = "tur_id", t = "tidspunkt", lat = "breddegrad", '
        'lon = "lengdegrad" }\n' + extra
    )
    return spec


def _build(tmp_path: Path, extra: str = "") -> tuple[dict, list[str]]:
    lines: list[str] = []
    spec = load_corpus_spec(_spec(tmp_path, extra), data_root=str(tmp_path))
    record = build_corpus(spec, tmp_path / "corpus", log=lines.append)
    return record, lines


def test_corpus_says_a_sources_jumps_and_the_key_that_drops_them(tmp_path):
    """Before: the bad fixes went into the corpus without a word (ingest alone warned, and only
    about steps over 340 m/s); now one line names the source, the count and the key."""
    _avl_csv(tmp_path / "avl.csv")
    record, lines = _build(tmp_path)
    said = [m for m in lines if "step(s) faster than" in m]
    assert len(said) == 1, lines
    assert said[0].startswith("corpus: avl: 4 step(s)")  # 2 fixes x (in, out)
    assert "clean = { max_speed_mps =" in said[0]
    jumps = record["sources"][0]["jumps"]
    assert jumps["steps"] == 4 and jumps["max_mps"] > 100
    on_disk = json.loads((tmp_path / "corpus" / "corpus.json").read_text())
    assert on_disk["sources"][0]["jumps"] == jumps


def test_corpus_source_clean_table_drops_them_as_ingest_does(tmp_path):
    """The key the line names works: the source is read as `data ingest --max-speed-mps 30`."""
    _avl_csv(tmp_path / "avl.csv")
    record, lines = _build(tmp_path, "clean = { max_speed_mps = 30, min_points = 5 }\n")
    assert not [m for m in lines if "step(s) faster than" in m], lines
    src = record["sources"][0]
    assert src["clean"] == {"max_speed_mps": 30, "min_points": 5}
    assert src["n_points"] == 40 * 30 - 2  # the two bad fixes dropped, nothing else
    manifest = json.loads((tmp_path / "corpus" / "sources" / "avl" / "manifest.json").read_text())
    assert manifest["drop_report"]["dropped"] == {"speed_outlier": 2}
    assert manifest["clean_config"]["max_speed_mps"] == 30


def test_clean_source_says_nothing_and_records_no_jumps(tmp_path):
    _avl_csv(tmp_path / "avl.csv", jumps=False)
    record, lines = _build(tmp_path)
    assert not [m for m in lines if "step(s) faster than" in m], lines
    assert "jumps" not in record["sources"][0] and "clean" not in record["sources"][0]


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("clean = { max_speed = 30 }", "clean has no key 'max_speed'; did you mean max_speed_mps?"),
        ('clean = { "--max-speed-mps" = 30 }', "did you mean max_speed_mps?"),
        # pretrain40: the option's own rule, named as the CLI flag
        (
            'clean = { max_speed_mps = "fast" }',
            "clean.max_speed_mps must be a number > 0 (as --max-speed-mps), got 'fast'",
        ),
        (
            "clean = { max_gap_s = -5 }",
            "clean.max_gap_s must be a number > 0 (as --max-gap-s), got -5",
        ),
        ('clean = "strict"', "clean must be a table"),
    ],
)
def test_bad_clean_table_is_one_line_naming_the_file_and_source(tmp_path, table, said):
    spec = _spec(tmp_path, table + "\n")
    with pytest.raises(ConfigError) as e:
        load_corpus_spec(spec, data_root=str(tmp_path))
    msg = str(e.value)
    assert said in msg and str(spec) in msg and "source[0]" in msg and "\n" not in msg


def test_jump_steps_threshold_follows_the_sources_own_speeds():
    """A walker's steps (1.4 m/s) and a car's (15 m/s): the limit is 4x each one's p99, with a
    20 m/s floor, so a normal fast trip is never called a jump."""
    import polars as pl

    from trajlm.data.clean_common import MIN_JUMP_MPS
    from trajlm.data.corpus_clean import jump_steps

    def table(speed: float) -> pl.DataFrame:
        n = 200
        return pl.DataFrame({"traj_id": ["a"] * n, "t": list(range(0, 10 * n, 10)),
                             "lat": [60.0 + speed * 10 * i / 111_320.0 for i in range(n)],
                             "lon": [10.0] * n})  # fmt: skip

    n, limit, _ = jump_steps(table(1.4))
    assert n == 0 and limit == MIN_JUMP_MPS
    n, limit, _ = jump_steps(table(15.0))
    assert n == 0 and math.isclose(limit, 60.0, rel_tol=0.01)


def test_sources_card_lists_each_source_with_its_sampling_and_area(tmp_path):
    """A `make pretrain` run had no card: whether the user's city and sampling were in it was
    read from corpus.json and each source's manifest. The card lists both, and what was said."""
    from trajlm.data.corpus_card import sources_card

    _avl_csv(tmp_path / "avl.csv")
    spec = _spec(tmp_path, 'licence = "own data"\nweight = 3.0\n')
    spec.write_text(spec.read_text() + '\n[[source]]\nname = "synth"\nformat = "synthetic"\n'
                    "city = { n_trajectories = 20, seed = 0 }\nweight = 1.0\n")  # fmt: skip
    build_corpus(load_corpus_spec(spec, data_root=str(tmp_path)), tmp_path / "corpus",
                 log=lambda _m: None)  # fmt: skip
    card = sources_card(tmp_path / "corpus")
    row = next(line for line in card.splitlines() if line.startswith("| avl |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "75.0 %" and cells[2] == "40" and cells[3] == "1,200"
    assert cells[4] == "15"  # the feed's median interval, not the mix's
    assert cells[5].startswith("lat 63.43..") and cells[6] == "own data" and cells[7] == "no"
    assert cells[8] == "format's preset" and cells[9].startswith("4 steps over")
    assert any(line.startswith("| synth | 25.0 % | 20 |") for line in card.splitlines())


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """A tiny run pretrained on a corpus of the bus feed (as `make pretrain` trains one), and
    the warnings its training raised."""
    import warnings

    from reliability_helpers import TINY

    import trajlm

    d = tmp_path_factory.mktemp("corpus_run")
    _avl_csv(d / "avl.csv")
    build_corpus(load_corpus_spec(_spec(d, "clean = { max_speed_mps = 30 }\n"), data_root=str(d)),
                 d / "corpus", log=lambda _m: None)  # fmt: skip
    (d / "tiny.toml").write_text(TINY.replace("eval_every = 0", "eval_every = 2\neval_batches = 1"))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        trajlm.TrajLM.fit(d / "corpus", d / "run", config=d / "tiny.toml", seed=0, threads=1)
    return {"dir": d, "said": [str(w.message) for w in said]}


def test_training_on_a_corpus_writes_the_card_beside_the_run(corpus_run):
    d = corpus_run["dir"]
    card = (d / "run" / "CORPUS.md").read_text()
    assert "| avl | 100.0 % | 40 | 1,198 | 15 |" in card and "max_speed_mps=30" in card
    assert any("source by source" in m and "CORPUS.md" in m for m in corpus_run["said"])


def test_a_refused_call_does_not_spend_the_unchecked_runs_note(corpus_run):
    """The note that nothing checked a pretraining run against the baselines is said once per
    loaded run: it was spent by a first call refused for its input ((0, 0) fixes in the
    operator's export), so the answer that followed came without it."""
    import pandas as pd

    import trajlm
    from trajlm.errors import TrajlmInputError

    d = corpus_run["dir"]
    frame = pd.read_csv(d / "avl.csv", sep=";").head(60)
    frame["tidspunkt"] = pd.to_datetime(frame["tidspunkt"])
    cols = dict(traj_col="tur_id", time_col="tidspunkt", lat_col="breddegrad", lon_col="lengdegrad")
    bad = frame.copy()
    bad.loc[3, ["breddegrad", "lengdegrad"]] = 0.0
    lm = trajlm.TrajLM.from_pretrained(d / "run")
    with pytest.raises(TrajlmInputError, match="null island"):
        lm.predict(bad, steps=2, **cols)
    with pytest.warns(UserWarning, match="not checked against the prediction baselines"):
        lm.predict(frame, steps=2, **cols)


def _run_dir(path: Path, seed: int, n_points: int, store: str) -> Path:
    path.mkdir(parents=True)
    cov = {"n_points": n_points, "n_trajectories": 40, "store": store, "sources": [store],
           "time_span_unix": [0, 100], "bbox": [63.4, 10.3, 63.5, 10.5]}  # fmt: skip
    (path / "config.json").write_text(json.dumps({"d_model": 16, "coverage": cov, "stats": {}}))
    (path / "train_config.json").write_text(json.dumps({"seed": seed, "max_steps": 10}))
    return path


def test_runs_of_one_recipe_on_other_data_are_not_averaged_as_seeds(tmp_path):
    """`trajlm eval` averaged a run pretrained on the corpus with the bus feed's bad fixes and
    three seeds on the cleaned corpus into one "mean ± std over 4 runs" row: the recipe key read
    the configs less the seed, not what each run was trained on."""
    from trajlm.cli_eval_seeds import recipe_key, seed_groups

    a = _run_dir(tmp_path / "s0", 0, 273_923, "/x/clean")
    b = _run_dir(tmp_path / "s1", 1, 273_923, "/y/clean")  # another path, the same data: a seed
    c = _run_dir(tmp_path / "before", 0, 274_482, "/x/raw")
    assert recipe_key(a) == recipe_key(b) != recipe_key(c)
    assert seed_groups([a, b, c], ["s0", "s1", "before"]) == [["s0", "s1"]]
