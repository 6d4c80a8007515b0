"""badin39: hostile inputs on session 38's surfaces (docs/reliability.md "Session 39 (badin39)").

Each test covers one class of fix; each fails at a28c0e89: a sub-second store's empty split
(eval was a polars SchemaError traceback), `--min-interval` under a second on a sub-second store
(floored to whole seconds: one fix a second kept), fixes under a millisecond apart stored as one
under "every fix kept", `--sub-second --full-rate` (the second dropped without a word), a LoRA
rank past the model's width (a 64 GB allocation's traceback, after the run folder was made),
BigQuery / PostGIS point columns with a `POINT EMPTY` row ("missing lat / lon")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli

from trajlm.errors import TrajlmInputError

T0 = 1_793_692_800.0


def _walk_csv(path: Path, dt: float, n: int = 120, movers: int = 3) -> Path:
    """Movers in degrees (Porto), a fix every ``dt`` s, float Unix seconds in `t`."""
    rows = [(f"w{k}", T0 + i * dt, 41.15 + k * 1e-3 + i * 2e-6, -8.61 + i * 2e-6)
            for k in range(movers) for i in range(n)]  # fmt: skip
    pl.DataFrame(rows, schema=["id", "t", "lat", "lon"], orient="row").write_csv(path)
    return path


def _ingest(tmp_path: Path, src: Path, *opts: str, name: str = "st"):
    return invoke_cli(["data", "ingest", src, "--out", tmp_path / name, *opts])


def test_an_empty_split_of_a_sub_second_store_reads_with_the_others(tmp_path):
    """Three 10-Hz walkers leave val empty; its empty part was conformed to whole-second Int64
    `t` and eval failed joining it to Float64 train / test (SchemaError traceback)."""
    from trajlm._cli_io import read_splits_checked

    r = _ingest(tmp_path, _walk_csv(tmp_path / "w.csv", 0.1), "--sub-second")
    assert r.exit_code == 0, r.output
    df = read_splits_checked(tmp_path / "st", "--data")
    assert df.schema["t"] == pl.Float64
    assert set(df["split"].unique()) == {"train", "test"}
    r = invoke_cli(["eval", "--task", "predict", "--data", tmp_path / "st", "--seeds", "1",
                    "--obs-len", "8", "--pred-len", "12", "--out", tmp_path / "e.json"])  # fmt: skip
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output


@pytest.mark.parametrize(("gap", "kept"), [(0.05, 360), (0.25, 3 * 40), (1.0, 3 * 12)])
def test_min_interval_thins_a_sub_second_store_on_its_exact_times(tmp_path, gap, kept):
    """`--min-interval 0.05` on a 10-Hz store kept one fix a second (times floored to seconds
    in the thinning); now a gap of S keeps a fix every ceil(S / 0.1) steps."""
    from trajlm.data.store import read_store

    r = _ingest(tmp_path, _walk_csv(tmp_path / "w.csv", 0.1), "--sub-second",
                "--min-interval", str(gap))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert read_store(tmp_path / "st").height == kept


def test_thin_mask_is_unchanged_on_whole_seconds():
    from trajlm.data.clean_sampling import thin_mask

    ids = pl.Series(["a"] * 6 + ["b"] * 3)
    t = np.array([0, 5, 10, 14, 30, 31, 0, 20, 40], dtype=np.int64)
    assert thin_mask(ids, t, 15).tolist() == [1, 0, 0, 0, 1, 0, 1, 1, 1]
    assert thin_mask(ids, t.astype(float) + 0.5, 15).tolist() == [1, 0, 0, 0, 1, 0, 1, 1, 1]


def test_fixes_under_a_millisecond_apart_are_said_not_every_fix_kept(tmp_path):
    """A 1-MHz source: 6,000 fixes stored as 6 under "every fix kept" (a store's times are
    exact to the millisecond); now the line counts the fixes merged and why."""
    r = _ingest(tmp_path, _walk_csv(tmp_path / "us.csv", 1e-6, n=2000), "--sub-second")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "every fix kept" not in text
    assert "at the millisecond of an earlier fix" in text and "1 ms apart" in text
    r = _ingest(tmp_path, _walk_csv(tmp_path / "d.csv", 0.1), "--sub-second", name="ok")
    assert "every fix kept" in " ".join(r.output.split())


def test_nothing_left_for_shared_times_names_the_causes(tmp_path):
    """Fixes 1e-9 s apart: "no points left ... duplicate_timestamp" with no hint at all."""
    r = _ingest(tmp_path, _walk_csv(tmp_path / "ns.csv", 1e-9), "--sub-second")
    assert r.exit_code == 2
    text = " ".join(r.output.split())
    assert "duplicate_timestamp" in text and "1 ms with --sub-second" in text
    assert "--traj-col" in text


def test_full_rate_with_sub_second_is_refused_in_one_line(tmp_path):
    """`--sub-second --full-rate`: the second summarises fixes the first keeps, and was
    dropped without a word; ColumnMap says the same in Python."""
    from trajlm.data.readers import ColumnMap

    r = _ingest(tmp_path, _walk_csv(tmp_path / "w.csv", 0.1), "--sub-second", "--full-rate")
    assert r.exit_code == 2 and "give one" in r.output and "--full-rate" in r.output
    assert not (tmp_path / "st").exists()
    assert "give one" in ColumnMap(full_rate=True, sub_second=True).option_error()
    assert ColumnMap(full_rate=False, sub_second=True).option_error() is None


def _tiny_net():
    from trajlm.model.config import ModelConfig
    from trajlm.model.transformer import TrajectoryModel

    return TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, n_kv_heads=1, max_len=16))


@pytest.mark.parametrize("rank", [10**9, 64])
def test_a_lora_rank_past_the_model_width_is_one_line(rank):
    """`lora_r=10**9` allocated 64 GB (a RuntimeError traceback); any rank past the widest
    adapted layer adds memory, not capacity."""
    pytest.importorskip("peft")
    from trajlm.train.modes import apply_mode

    with pytest.raises(TrajlmInputError, match=r"lora_r \(--lora-r\) .* give 1 to 1[67]"):
        apply_mode(_tiny_net(), "lora", lora_r=rank)
    assert apply_mode(_tiny_net(), "lora", lora_r=4) is not None


def test_a_refused_fine_tune_leaves_no_folder(tmp_path):
    """finetune_next_point made `out` before its refusals (a rank, planes, nothing to train)."""
    pytest.importorskip("peft")
    from trajlm.data.ingest import synth_store
    from trajlm.finetune.trainer import finetune_next_point
    from trajlm.train.trainer import TrainConfig

    synth_store(tmp_path / "s", n_trajectories=12, seed=1, overwrite=False)
    with pytest.raises(TrajlmInputError, match="lora_r"):
        finetune_next_point(_tiny_net(), tmp_path / "s", tmp_path / "ft", mode="lora",
                            lora_r=10**6, max_steps=1, train_config=TrainConfig())  # fmt: skip
    assert not (tmp_path / "ft").exists()


def test_a_point_column_with_empty_points_is_read_by_its_rows(tmp_path):
    """BigQuery's geography column with one `POINT EMPTY` (or NaN) row was no point column:
    "missing column(s) ['lat', 'lon']" for a file whose every other row had its point. Now
    the column is read and such rows are dropped and counted as fixes with no position."""
    lines = ["vehicle_id,ts,geog"]
    for i in range(60):
        pt = "POINT EMPTY" if i == 7 else ("POINT(NaN NaN)" if i == 9 else
                                           f"POINT(-6.2{i:02d} 53.3{i:02d})")  # fmt: skip
        lines.append(f"V1,2026-11-03 08:{i // 60:02d}:{i % 60:02d}.000000 UTC,{pt}")
    src = tmp_path / "bq-results.csv"
    src.write_text("\n".join(lines) + "\n")
    r = _ingest(tmp_path, src)
    assert r.exit_code == 0, r.output
    assert "no_fix" in r.output and "missing column" not in r.output
    man = json.loads((tmp_path / "st" / "manifest.json").read_text())
    assert man["n_points"] == 58


def test_a_plane_frame_fitted_is_a_plane_run_and_init_from_cannot_cross(tmp_path):
    """`TrajLM.fit(frame, crs="local")` stored the frame as degrees (its stand-in lat / lon
    about 1 N 1 E): a degree run's weights trained on it without a word, and the run's
    coverage said degrees. Now its store records the plane, as ingest's does."""
    import warnings

    from helpers import tiny_fit_run
    from reliability_helpers import TINY

    import trajlm
    from trajlm.api_fit import frame_store
    from trajlm.data.local_plane import store_crs

    rows = [(f"P{k}", T0 + i, 10.0 + 1.5 * i, 5.0 + 3.0 * k + 0.2 * i)
            for k in range(12) for i in range(40)]  # fmt: skip
    frame = pl.DataFrame(rows, schema=["traj_id", "t", "x", "y"], orient="row")
    frame_store(frame, tmp_path / "fs", {"crs": "local"})
    assert store_crs(tmp_path / "fs") == "local"
    deg = tiny_fit_run(tmp_path / "deg", 6, seed=0)
    (tmp_path / "tiny.toml").write_text(TINY)
    with pytest.raises(TrajlmInputError, match="cannot cross planes"):
        trajlm.TrajLM.fit(frame, tmp_path / "out", config=tmp_path / "tiny.toml", max_steps=1,
                          threads=1, init_from=deg["dir"] / "run", crs="local")  # fmt: skip
    assert not (tmp_path / "out").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = trajlm.TrajLM.fit(frame, tmp_path / "plane", config=tmp_path / "tiny.toml",
                               max_steps=1, threads=1, crs="local")  # fmt: skip
    assert lm.config.coverage.get("crs") == "local"


def test_swapped_names_are_told_by_a_speed_named_without_its_unit(tmp_path):
    """A bare `speed` column was no reported speed to the swap check (its unit unknown), so
    Porto's longitude under `lat` was stored as a point in the Indian Ocean; the check reads
    the slope of implied / reported speed, the same in any unit."""
    rng = np.random.default_rng(0)
    rows = []
    for k in range(4):
        lat, lon, ang = 41.15 + 0.01 * k, -8.61, rng.uniform(0, 6.28)
        for i in range(60):
            ang += rng.normal(0, 0.3)
            lat += 8.0 * np.sin(ang) / 111_320
            lon += 8.0 * np.cos(ang) / (111_320 * np.cos(np.radians(41.15)))
            rows.append((f"v{k}", T0 + i, lon, lat, 8.0 * 3.6))  # km/h, named `speed`
    src = tmp_path / "swap.csv"
    pl.DataFrame(rows, schema=["id", "t", "lat", "lon", "speed"], orient="row").write_csv(src)
    r = _ingest(tmp_path, src)
    assert r.exit_code == 0, r.output
    assert "'lat' holds the longitude" in " ".join(r.output.split())
    from trajlm.data.store import read_store

    df = read_store(tmp_path / "st")
    assert 41.1 < df["lat"].min() and df["lon"].max() < -8.5


def test_sub_second_on_whole_second_times_is_said(tmp_path):
    """`--sub-second` on a file of whole seconds changed nothing and said nothing."""
    r = _ingest(tmp_path, _walk_csv(tmp_path / "w.csv", 1.0, n=30), "--sub-second")
    assert r.exit_code == 0, r.output
    assert "every time read is a whole second" in " ".join(r.output.split())


@pytest.mark.parametrize(
    ("question", "want"),
    [
        # "last month" was read as "last Mon[day]": 2 November, not October
        ("Today is 4 November 2026. How many trips last month?",
         "How many trips from 1 October 2026 to 31 October 2026?"),
        ("Today is 4 November 2026. How many trips last Tues?", "How many trips on 3 November 2026?"),
        ("Today is 4 November 2026. Trips last thursday?", "Trips on 29 October 2026?"),
        ("Today is 4 November 2026. How many trips 400 days ago?",
         "How many trips on 30 September 2025?"),
    ],
)  # fmt: skip
def test_relative_dates_against_a_stated_today_read_whole_words(question, want):
    from trajlm.llm.stated_today import stated_today

    assert stated_today(question, [2026]) == want


@pytest.mark.parametrize(
    ("question", "match"),
    [
        ("Today is 4 November 2026. Today is 5 November 2026. Trips yesterday?", "states today 2"),
        ("Today is 4 November 2026. How many trips 1000000 days ago?", "before any calendar date"),
        # a minus sign was dropped: "-2 days ago" answered as 2 days ago
        ("Today is 4 November 2026. How many trips -2 days ago?", "a whole number of 0 or more"),
    ],
)
def test_a_stated_today_said_twice_or_days_past_the_calendar_are_one_line(question, match):
    from trajlm.llm.plan import CannotAnswer
    from trajlm.llm.stated_today import stated_today

    with pytest.raises(CannotAnswer, match=match):
        stated_today(question, [2026])


def test_fit_takes_numpy_integers(tmp_path):
    """`lora_r=np.int64(2)` (a notebook's grid) was refused "must be an integer"."""
    pytest.importorskip("peft")
    import warnings

    from helpers import tiny_fit_run

    import trajlm
    from trajlm.data.store import read_store

    run = tiny_fit_run(tmp_path / "pre", 8, seed=0)
    frame = read_store(tmp_path / "pre" / "s").drop("split")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = trajlm.TrajLM.fit(frame, tmp_path / "lora", init_from=run["dir"] / "run",
                               mode="lora", lora_r=np.int64(2), max_steps=np.int64(1),
                               seed=np.int64(0), threads=1)  # fmt: skip
    assert (tmp_path / "lora" / "merged").is_dir() and lm is not None
    with pytest.raises(TrajlmInputError, match="lora_r must be an integer"):
        trajlm.TrajLM.fit(frame, tmp_path / "bad", init_from=run["dir"] / "run", mode="lora",
                          lora_r=np.float64(2.0), max_steps=1)  # fmt: skip


def _search(hits: list[dict]) -> dict:
    return {"took": 3, "timed_out": False, "hits": {"total": {"value": len(hits)}, "hits": hits}}


def _es_hits(location) -> list[dict]:
    """Elasticsearch hits of two vans, a fix every 10 s, `location` (lat, lon) -> its form."""
    return [{"_index": "fleet", "_id": f"{v}{i}", "_score": None,
             "_source": {"@timestamp": f"2026-11-03T07:{i // 6:02d}:{i % 6 * 10:02d}Z",
                         "vehicle": {"id": f"V{v}"},
                         "location": location(51.2 + 0.001 * i + 0.01 * v, 4.4 + 0.001 * i)}}
            for v in range(2) for i in range(30)]  # fmt: skip


@pytest.mark.parametrize(
    "form",
    [lambda la, lo: f"{la},{lo}", lambda la, lo: f"POINT ({lo} {la})", lambda la, lo: [lo, la]],
)
def test_a_geo_point_written_as_text_is_read(tmp_path, form):
    """Elasticsearch's geo_point as "lat,lon" text or WKT was "keys name no latitude and no
    longitude" (only its [lon, lat] array and {lat, lon} object were read)."""
    from trajlm.data.store import read_store

    src = tmp_path / "search.json"
    src.write_text(json.dumps(_search(_es_hits(form))))
    r = _ingest(tmp_path, src)
    assert r.exit_code == 0, r.output
    df = read_store(tmp_path / "st")
    assert df.height == 60 and 51.1 < df["lat"].min() < df["lat"].max() < 51.3
    assert 4.3 < df["lon"].min()


@pytest.mark.parametrize(
    ("doc", "said"),
    [
        ({"error": {"type": "index_not_found_exception", "reason": "no such index [fleet]"},
          "status": 404}, "an Elasticsearch error response (index_not_found_exception"),
        (_search([{"_index": "fleet", "_id": str(i), "_score": 1.0} for i in range(5)]),
         "hits carry no documents"),
    ],
)  # fmt: skip
def test_a_search_answer_without_documents_says_so(tmp_path, doc, said):
    """Both were "no MovingPoint temporalGeometry nor LineString + per-vertex times ..."."""
    src = tmp_path / "search.json"
    src.write_text(json.dumps(doc))
    r = _ingest(tmp_path, src)
    assert r.exit_code == 2 and said in " ".join(r.output.split())
    assert "MovingPoint" not in r.output


def test_a_header_without_rows_is_said_as_such(tmp_path):
    """A header-only export whose columns are found by their values (BigQuery's `geog`) or
    named otherwise (GoPro) was "missing column(s) ['lat', 'lon']"."""
    src = tmp_path / "bq-results.csv"
    src.write_text("vehicle_id,ts,geog,speed_mps\n\n")
    r = _ingest(tmp_path, src)
    text = " ".join(r.output.split())
    assert r.exit_code == 2 and "a header but no data rows" in text and "missing column" not in text


def test_records_without_a_latitude_are_named_by_their_keys(tmp_path):
    """A Samsung Health location file without `latitude`: "top level is not a JSON object"
    (its `start_time` was no time to the near-miss rule)."""
    rows = [{"start_time": 1792878933329 + 1000 * i, "longitude": 126.96 + 1e-5 * i,
             "altitude": 17.0, "accuracy": 8.0} for i in range(30)]  # fmt: skip
    src = tmp_path / "x.com.samsung.health.exercise.location_data.json"
    src.write_text(json.dumps(rows))
    r = _ingest(tmp_path, src)
    text = " ".join(r.output.split())
    assert r.exit_code == 2 and "their keys name no latitude" in text
    assert "top level is not a JSON object" not in text


def test_travel_time_of_a_plane_model_refuses_degrees_and_other_crs():
    """A `--crs local` model asked `travel_time(..., crs="EPSG:32629")` (or degrees) answered
    with a coverage warning of 4,537 km; predict refuses such points in one line."""
    import warnings

    from helpers import tiny_infill_trajlm

    lm = tiny_infill_trajlm()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(lm.travel_time([[41.15, -8.61]], [[41.16, -8.6]], T0)) == 1  # degrees model
    lm.model.config.coverage = {"crs": "local", "store": "hall"}
    for o, d, crs in (([[530000, 4555000]], [[531000, 4556000]], "EPSG:32629"),
                      ([[41.15, -8.61]], [[41.16, -8.6]], None)):  # fmt: skip
        with pytest.raises(TrajlmInputError, match="trained on x / y metres on a plane"):
            lm.travel_time(o, d, T0, crs=crs)
