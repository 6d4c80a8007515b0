"""pretrain40: a pretraining run's val error per corpus source beside constant velocity and kNN
there; one cleaning vocabulary for a corpus source's `clean` table and `trajlm data ingest`
(docs/pretraining.md "Session 40 (pretrain40)")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.corpus import build_corpus, load_corpus_spec
from trajlm.data.corpus_clean import OLD_KEYS, clean_settings
from trajlm.errors import ConfigError, EvalNoteWarning

runner = CliRunner()


N_FIXES = 30 * 40 + 2 * 72  # bus_csv's rows at its default 30 trips


def bus_csv(path: Path, n_trips: int = 30) -> Path:
    """Buses every 10 s at ~8 m/s on a gently bending street, one bad fix 2 km off in trip 0;
    trips 3 and 4 stand 12 min at a stop mid-trip, reporting (a stop split cuts them)."""
    rows = ["trip,time,lat,lon"]
    for k in range(n_trips):
        t = 1_772_352_000 + 3_600 * k
        for i in range(40):
            lat = 63.43 + (80.0 * i) / 111_320.0 + 0.003 * (k % 5)
            lon = 10.39 + 0.00002 * i * i / 40 + 0.0005 * (k % 3)
            bad = 2000.0 / 111_320.0 if (k, i) == (0, 12) else 0.0
            for _ in range(73 if k in (3, 4) and i == 20 else 1):
                rows.append(f"T{k:02d},{t},{lat + bad:.6f},{lon:.6f}")
                t += 10
    path.write_text("\n".join(rows) + "\n")
    return path


def spec_file(d: Path, clean: str = "", extra: str = "") -> Path:
    spec = d / "mine.toml"
    spec.write_text(
        '[corpus]\nname = "mine"\nval_trips_per_source = 4\n\n'
        '[[source]]\nname = "bus"\nformat = "csv"\npath = "bus.csv"\n'
        'columns = { traj_id = "trip", t = "time", lat = "lat", lon = "lon" }\n'
        + (f"clean = {{ {clean} }}\n" if clean else "")
        + extra
    )
    return spec


def build(d: Path, clean: str = "", extra: str = "") -> tuple[dict, list[str]]:
    said: list[str] = []
    spec = load_corpus_spec(spec_file(d, clean, extra), data_root=str(d))
    return build_corpus(spec, d / "corpus", log=said.append, overwrite=True), said


def points(store: Path) -> pl.DataFrame:
    from trajlm.data.store import read_store

    return read_store(store, columns=["traj_id", "t", "lat", "lon"]).sort("traj_id", "t")


# ------------------------------------------------------------------ (b) one cleaning vocabulary


# the same cleaning as `trajlm data ingest` flags and as a [[source]]'s clean table
SAME = [
    (["--max-speed-mps", "30"], "max_speed_mps = 30"),
    (["--min-interval", "30", "--max-gap-s", "300"], "min_interval = 30, max_gap_s = 300"),
    (["--split-at-stops", "--stop-minutes", "5"], "split_at_stops = true, stop_minutes = 5"),
    (["--split-at-stops"], "split_at_stops = true"),
    (["--min-points", "41", "--max-accuracy-m", "0"], "min_points = 41, max_accuracy_m = 0"),
]


@pytest.mark.parametrize(("flags", "table"), SAME)
def test_ingest_flags_and_the_clean_table_read_the_file_alike(tmp_path, flags, table):
    """Before, the table took CleanConfig names (`min_interval_s`, `stop_min_s`, no way to say
    --split-at-stops) and the CLI its flags: two spellings of one thing. Now the table's keys are
    the flags' names and both go through one conversion: the same points come out."""
    bus_csv(tmp_path / "bus.csv")
    r = runner.invoke(app, ["data", "ingest", str(tmp_path / "bus.csv"), "--out",
                            str(tmp_path / "store"), "--traj-col", "trip", "--time-col", "time",
                            *flags])  # fmt: skip
    assert r.exit_code == 0, r.output
    build(tmp_path, table)
    by_cli, by_table = points(tmp_path / "store"), points(tmp_path / "corpus" / "sources" / "bus")
    assert by_cli.height < N_FIXES  # the option did cut something
    assert by_cli.equals(by_table)


def test_the_flags_cut_what_they_say(tmp_path):
    """The test above compares two reads: here each option moves the table on its own, so a
    conversion that dropped a key would show (trips 3 and 4 stand 12 min at a stop)."""
    bus_csv(tmp_path / "bus.csv")
    plain = build(tmp_path)[0]["sources"][0]
    stops = build(tmp_path, "split_at_stops = true, stop_minutes = 5")[0]["sources"][0]
    thin = build(tmp_path, "min_interval = 30")[0]["sources"][0]
    assert stops["n_trajectories"] == plain["n_trajectories"] + 2
    assert thin["n_points"] < plain["n_points"] / 2


def test_flag_conversion_is_the_tables(tmp_path):
    from trajlm.cli_data_ingest_options import clean_overrides

    got = clean_overrides(max_speed_mps=30.0, max_gap_s=None, max_hdop=4.0, max_accuracy_m=0.0,
                          min_points=None, min_interval=15.0, split_at_stops=True,
                          stop_minutes=5.0, stop_radius_m=80.0, stop_drift_kn=0.5)  # fmt: skip
    table = {"max_speed_mps": 30.0, "max_hdop": 4.0, "max_accuracy_m": 0.0, "min_interval": 15.0,
             "split_at_stops": True, "stop_minutes": 5.0, "stop_radius_m": 80.0,
             "stop_drift_kn": 0.5}  # fmt: skip
    assert got == clean_settings(table)
    assert got["stop_min_s"] == 300.0 and got["min_interval_s"] == 15.0
    assert got["max_accuracy_m"] is None and abs(got["stop_drift_mps"] - 0.5 * 1852 / 3600) < 1e-12


@pytest.mark.parametrize(("old", "new"), [("min_interval_s = 30", "min_interval = 30"),
                                          ("stop_min_s = 300", "split_at_stops = true, stop_minutes = 5")])  # fmt: skip
def test_old_spellings_still_read_with_one_line(tmp_path, old, new):
    bus_csv(tmp_path / "bus.csv")
    _, said_new = build(tmp_path, new)
    by_new = points(tmp_path / "corpus" / "sources" / "bus")
    _, said_old = build(tmp_path, old)
    assert points(tmp_path / "corpus" / "sources" / "bus").equals(by_new)
    key = old.split(" =")[0]
    notes = [s for s in said_old if f"clean.{key}" in s]
    assert len(notes) == 1 and "\n" not in notes[0] and OLD_KEYS[key] in notes[0]
    assert not any("read as before" in s for s in said_new)


@pytest.mark.parametrize(
    ("clean", "said"),
    [
        ("stop_minutes = 5", "clean.stop_minutes needs split_at_stops = true"),
        ("split_at_stops = 1", "clean.split_at_stops must be true or false"),
        ("min_interval = 30, min_interval_s = 30", "both 'min_interval' and its old spelling"),
        ("stop_drift_kn = 5, split_at_stops = true", "from 0 to 2 (as --stop-drift-kn)"),
        ("min_points = 2.5", "clean.min_points must be a whole number"),
        ("min_intervall = 30", "did you mean min_interval?"),
    ],
)
def test_bad_clean_table_names_the_key_as_the_flag(tmp_path, clean, said):
    spec = spec_file(tmp_path, clean)
    with pytest.raises(ConfigError) as e:
        load_corpus_spec(spec, data_root=str(tmp_path))
    assert said in str(e.value) and str(spec) in str(e.value) and "\n" not in str(e.value)


# ------------------------------------------------------------------ (a) val error by source


@pytest.fixture(scope="module")
def two_source_run(tmp_path_factory):
    """A tiny run pretrained on the bus feed plus a generated city (as `make pretrain` does)."""
    import warnings

    from reliability_helpers import TINY

    import trajlm

    d = tmp_path_factory.mktemp("two_source_run")
    bus_csv(d / "bus.csv", n_trips=40)
    synth = ('\n[[source]]\nname = "synth"\nformat = "synthetic"\n'
             "city = { n_trajectories = 40, seed = 0 }\n")  # fmt: skip
    build(d, "max_speed_mps = 30", synth)
    (d / "tiny.toml").write_text(TINY.replace("eval_every = 0", "eval_every = 2\neval_batches = 1"))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        trajlm.TrajLM.fit(d / "corpus", d / "run", config=d / "tiny.toml", seed=0, threads=1)
    return {"dir": d, "said": [str(w.message) for w in said]}


def test_run_summary_has_each_sources_val_error_beside_the_baselines(two_source_run):
    d = two_source_run["dir"]
    rows = json.loads((d / "run" / "train_summary.json").read_text())["val_by_source"]
    assert [r["source"] for r in rows] == ["bus", "synth"]
    for r in rows:
        assert 0 < r["trips"] <= 4 and r["trips"] <= r["windows"] <= 3 * r["trips"]
        assert set(r["mae_m"]) == {"model", "constant velocity", "kNN continuation",
                                   "kNN continuation (place-aware)"}  # fmt: skip
        lo, hi = r["vs_cv"]["ci95"]
        assert lo <= r["vs_cv"]["ratio"] <= hi
        assert r["vs_knn"]["baseline"].startswith("kNN continuation")
    card = (d / "run" / "CORPUS.md").read_text()
    assert "## Val error by source" in card and "| bus | 4 / " in card and "Bounds:" in card
    assert any("val error, source by source" in m for m in two_source_run["said"])


def test_a_sources_constant_velocity_cell_is_that_sources_val_trips(two_source_run):
    """The CV column is constant velocity on the corpus's val trips of that source alone (not
    the pooled val, not the source store's whole val split): recomputed here."""
    from trajlm.data.metrics import point_errors
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval import baselines as B
    from trajlm.eval.source_val import WINDOWS

    d = two_source_run["dir"]
    rows = json.loads((d / "run" / "train_summary.json").read_text())["val_by_source"]
    val = read_store(d / "corpus", split="val", columns=["traj_id", "t", "lat", "lon"])
    for row in rows:
        part = val.filter(pl.col("traj_id").str.starts_with(f"{row['source']}/")).drop("split")
        task = make_prediction_task(part, windows=WINDOWS)
        from trajlm.data.features import LocalProjection

        proj = LocalProjection.fit(part)
        cv = B.ConstantVelocity()
        xy = cv.predict(task.xy(proj), task.lengths, 5, None, None)
        ll = np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)
        want = float(point_errors(ll, task.target_latlon).mean())
        assert abs(row["mae_m"]["constant velocity"] - want) < 0.05 * want + 0.5
        assert row["windows"] == len(task.lengths)


def test_a_source_where_knn_is_reliably_ahead_gets_a_line_naming_what_to_run():
    from trajlm.eval.source_val import knn_ahead_lines, source_val_markdown

    def row(name: str, lo: float, hi: float) -> dict:
        knn = "kNN continuation (place-aware)"
        return {"source": name, "trips": 50, "windows": 150,
                "mae_m": {"model": 180.0, "constant velocity": 220.0, "kNN continuation": 140.0,
                          knn: 130.0},
                "vs_cv": {"ratio": 0.8, "ci95": [0.7, 0.9], "baseline": "constant velocity"},
                "vs_knn": {"ratio": (lo + hi) / 2, "ci95": [lo, hi], "baseline": knn}}  # fmt: skip

    rows = [row("trondheim_avl", 1.28, 1.54), row("porto", 0.94, 1.26)]
    lines = knn_ahead_lines(rows)
    assert len(lines) == 1 and "on trondheim_avl" in lines[0] and "train-selector" in lines[0]
    assert "CI 1.28-1.54" in lines[0] and "\n" not in lines[0]
    assert "on trondheim_avl" in source_val_markdown(rows)


def test_trajlm_train_on_a_corpus_prints_the_table(two_source_run):
    """What `make pretrain` (scripts/pretrain.sh) shows at its end."""
    d = two_source_run["dir"]
    r = runner.invoke(app, ["train", "--data", str(d / "corpus"), "--out", str(d / "run_cli"),
                            "--config", str(d / "tiny.toml"), "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "val error by source" in r.output and "| bus | 4 / " in r.output
    assert "| synth | " in r.output and "Bounds:" in r.output


# ------------------------------------------------------------------ (c) the selector on an own store


def test_a_selector_fitted_on_an_own_store_is_evaluated_from_python(tmp_path, capsys):
    """`trajlm train-selector --data STORE` then `trajlm eval --model DIR` worked; from Python a
    loaded selector had predict only (no evaluate: AttributeError). Now ``evaluate`` gives the
    CLI's table with the selector's row, paired against a baseline with ``compare``."""
    from test_selector_predictor import TINY

    import trajlm
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store
    from trajlm.eval.candidate_selector import SelectorConfig
    from trajlm.eval.protocol import split_tables
    from trajlm.eval.selector_predictor import CandidateSelectorPredictor

    synth_store(tmp_path / "s", n_trajectories=40, seed=2)
    parts = split_tables(read_store(tmp_path / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=1))
    sel.fit(parts["train"], parts["val"], seed=0).save(tmp_path / "mine")
    model = trajlm.TrajLM.from_pretrained(tmp_path / "mine")
    with pytest.warns(EvalNoteWarning, match="candidate selector:mine \\(val check\\)"):
        table = model.evaluate(tmp_path / "s", split="val",
                               compare=[("candidate selector:mine", "kNN continuation")])  # fmt: skip
    assert "(val check)" not in capsys.readouterr().out  # a warning under the API, not a print
    rows = table.reset_index() if "method" not in table.columns else table
    assert "candidate selector:mine" in set(rows["method"])
    (pair,) = table.attrs["comparisons"]
    assert pair["a"] == "candidate selector:mine" and pair["b"] == "kNN continuation"
    with pytest.raises(Exception, match="a candidate selector serves task='predict'"):
        model.evaluate(tmp_path / "s", task="recover")
