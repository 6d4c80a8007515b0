"""Session 39 (leftover39): newuser38's and the readers' leftovers (docs/status.md's open items
3 and 4 of session 38). docs/reliability.md "Session 39 (leftover39)"."""

from __future__ import annotations

import json
import warnings

import pytest
from reliability_helpers import TINY, invoke, said
from test_newuser38 import COLS, city  # noqa: F401  (the fixture: a frame and a tiny run)

import trajlm
from trajlm.errors import VerdictNoteWarning

# -- 1. TrajLM.fit(mode="lora" | "selective"): the val check `trajlm finetune` runs ----------


def test_fit_lora_gets_the_val_check_and_verdict(city):  # noqa: F811
    """On main (a28c0e89) `fit(mode="lora")` saved no verdict and warned "no val check beside
    kNN ... was made": the network answered predict unchecked. Now the prediction verdict and
    the recover verdict are made on val and saved with the merged weights."""
    d, df = city["dir"], city["df"]
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        ft = trajlm.TrajLM.fit(df, d / "lora39", init_from=d / "pre", mode="selective",
                               max_steps=2, seed=0, threads=1, **COLS)  # fmt: skip
    lines = [str(w.message) for w in got]
    assert not [s for s in lines if "no val check" in s], lines
    assert [w for w in got if w.category is VerdictNoteWarning and "predict: " in str(w.message)]
    verdict = json.loads((d / "lora39" / "merged" / "val_verdict.json").read_text())
    assert verdict["store"] == "<frame>" and "predict" in verdict and "recover" in verdict
    assert len(ft.predict(df, steps=2, **COLS)) == 2 * df.ride.nunique()


def test_fit_lora_val_check_false_saves_no_verdict(city, tmp_path):  # noqa: F811
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajlm.TrajLM.fit(city["df"], tmp_path / "l", init_from=city["dir"] / "pre", mode="lora",
                          lora_r=2, max_steps=1, seed=0, threads=1, val_check=False, **COLS)  # fmt: skip
    assert not (tmp_path / "l" / "merged" / "val_verdict.json").exists()


# -- 2. "kept its starting weights": the CLI says it too --------------------------------------


def test_cli_train_from_init_says_it_kept_step_0(city, tmp_path):  # noqa: F811
    """`trajlm train` with `[train] init_from` kept step 0 and said it only in the table's
    best_weights row; now one warning line, in the CLI's words."""
    from trajlm.api_fit import frame_store

    d = city["dir"]
    frame_store(city["df"], tmp_path / "s", COLS)
    cfg = TINY.replace("eval_every = 0", f'eval_every = 1\nlr = 3.0\ninit_from = "{d / "pre"}"')
    (tmp_path / "lr3.toml").write_text(cfg)
    r = invoke("train", "--data", tmp_path / "s", "--out", tmp_path / "run", "--config",
               tmp_path / "lr3.toml", "--max-steps", 2, "--threads", 1)  # fmt: skip
    assert r.exit_code == 0, r.output
    text = said(r)
    assert text.count("warning: the fine-tune kept its starting weights") == 1, text
    assert "--max-steps" in text.split("kept its starting weights")[1]


def test_cli_finetune_says_it_kept_step_0(city, tmp_path, monkeypatch):  # noqa: F811
    """`trajlm finetune --task predict` put "the start weights were kept" in its table's note
    only; now one warning line as well."""
    import trajlm.finetune.trainer as ft
    from trajlm.api_fit import frame_store

    frame_store(city["df"], tmp_path / "s", COLS)
    summary = {"mode": "lora", "steps": 5, "best_step": 0, "kept": "step 0: the lowest val_loss"}
    monkeypatch.setattr(ft, "finetune_next_point", lambda *a, **k: dict(summary))
    r = invoke("finetune", "--model", city["dir"] / "pre", "--data", tmp_path / "s", "--out",
               tmp_path / "ft", "--mode", "lora", "--steps", 5, "--no-val-check")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "warning: the fine-tune kept its starting weights" in text and "--steps" in text
    summary["best_step"] = 5
    r = invoke("finetune", "--model", city["dir"] / "pre", "--data", tmp_path / "s", "--out",
               tmp_path / "ft2", "--mode", "lora", "--steps", 5, "--no-val-check")  # fmt: skip
    assert "kept its starting weights" not in said(r)


# -- 3. trajlm.clean: steps faster than 340 m/s counted and said, as ingest says them --------


def _rides_with_a_jump():  # noqa: ANN202
    import pandas as pd

    rows = []
    for ride in ("r1", "r2"):
        for i in range(12):
            lat = -54.80 + i * 1e-4 + (0.018 if (ride == "r1" and i == 6) else 0.0)  # 2 km off
            rows.append({"ride": ride, "recorded_at": 1_790_000_000 + 5 * i, "lat_deg": lat,
                         "lon_deg": -68.30 + i * 1e-4})  # fmt: skip
    return pd.DataFrame(rows)


def test_clean_says_the_2_km_jumps_it_keeps():
    """On main `trajlm.clean` kept a 2-km jump (400 m/s in and out) without a word, where
    `trajlm data ingest` says "N steps faster than 340 m/s ... --max-speed-mps"."""
    df = _rides_with_a_jump()
    # the threshold is ingest's jump rule since newuser40 / badin40 (4x the usual step speed)
    with pytest.warns(UserWarning, match=r"^2 step\(s\) .* faster than (\d+) m/s .*kept.*"
                      r"max_speed_mps=\1\) drops them"):  # fmt: skip
        out, report = trajlm.clean(df, return_report=True, **COLS)
    assert len(out) == len(df)  # kept, as ingest keeps them
    assert report.impossible_speed["steps"] == 2 and report.impossible_speed["max_mps"] > 340
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rule that drops them: nothing to say
        out, report = trajlm.clean(df, return_report=True, max_speed_mps=340, **COLS)
    assert len(out) == len(df) - 1 and report.impossible_speed is None
    smooth = df[df.ride == "r2"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajlm.clean(smooth, return_report=True, **COLS)


# -- 4. at_times: rides that cannot reach the asked time are not rolled out 256 steps ------


def _fleet_day():  # noqa: ANN202
    """Six rides of 20 fixes 10 s apart, ending 0 s to 5 h before the last fix of the day."""
    import pandas as pd

    rows = []
    for r, ends_before in enumerate((0, 60, 600, 3600, 3 * 3600, 5 * 3600)):
        t0 = 1_790_000_000 + 5 * 3600 - ends_before - 190
        for i in range(20):
            rows.append({"ride": f"r{r}", "recorded_at": pd.Timestamp(t0 + 10 * i, unit="s", tz="UTC"),
                         "lat_deg": -54.80 + r * 1e-3 + i * 8e-5, "lon_deg": -68.30 + i * 5e-5})  # fmt: skip
    return pd.DataFrame(rows)


def test_at_times_past_reach_answered_without_the_full_rollout(tmp_path, monkeypatch):
    """On main a ride that ended hours before the time asked rolled out 256 steps before its
    answer was NaN (newuser38: 36 s for 780 asks). The answers are identical with and without
    giving up on them (NaN beyond reach, the same positions within), in fewer model steps."""
    import pandas as pd
    from helpers import tiny_model

    import trajlm.api_rollout as rollout
    import trajlm.tasks.predict as tasks_predict

    model = trajlm.TrajLM.from_pretrained(tiny_model(tmp_path / "m"), threads=1)
    df = _fleet_day()
    now = df["recorded_at"].max()
    asks = [{"at_times": [now + pd.Timedelta("30s"), now + pd.Timedelta("2min")]},
            {"seconds_ahead": [10, 60, 600, 4 * 3600]}]  # fmt: skip
    steps = {"n": 0}
    table = tasks_predict.predict_table

    def counted(net, hist, k, **kw):  # noqa: ANN001, ANN202
        steps["n"] += hist["traj_id"].n_unique() * k
        return table(net, hist, k, **kw)

    monkeypatch.setattr(tasks_predict, "predict_table", counted)
    for ask in asks:
        got = {}
        for pace in (None, rollout.GIVE_UP_PACE_DEFAULT):
            monkeypatch.setattr(rollout, "GIVE_UP_PACE", pace)
            steps["n"] = 0
            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always")
                out = model.predict(df, **ask, **COLS)
            got[pace] = (out, steps["n"], [str(w.message) for w in said if "NaN" in str(w.message)])
        (before, n_before, _), (after, n_after, lines) = got.values()
        assert after.equals(before), ask
        assert before["lat_deg"].isna().any() and before["lat_deg"].notna().any()
        assert n_after < n_before / 2, (n_before, n_after)
        assert len(lines) == 1 and "lie beyond the rollout" in lines[0]


# -- 5. the glitch line's time on the caller's clock ---------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [(None, "2026-11-21T09:49:10.000, no zone"), ("America/Argentina/Ushuaia", "2026-11-21T09:49:10.000-03:00"),
     ("UTC", "2026-11-21T09:49:10.000Z")],
)  # fmt: skip
def test_glitch_line_names_the_fix_on_the_callers_clock(tmp_path, zone, shown):
    """MovingPandas drops a frame's zone: the naive local 09:49 was printed "09:49:10.000Z"
    (UTC was 12:49). Naive times are said as written with no zone, zoned ones in their zone."""
    import pandas as pd
    from helpers import tiny_model

    t = pd.date_range("2026-11-21 09:46:00", periods=20, freq="10s")
    t = t.tz_localize(zone) if zone else t
    lat = [-54.80 + i * 9e-5 for i in range(20)]
    lat[-1] += 0.02  # the last fix 2 km off: a glitch by the ride's own earlier speeds
    df = pd.DataFrame({"ride": "S1", "recorded_at": t, "lat_deg": lat,
                       "lon_deg": [-68.3 + i * 1e-5 for i in range(20)]})  # fmt: skip
    model = trajlm.TrajLM.from_pretrained(tiny_model(tmp_path / "m"), threads=1)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        model.predict(df, seconds_ahead=[30], **COLS)
    lines = [str(w.message) for w in said if "position glitch" in str(w.message)]
    assert len(lines) == 1 and f"its last fix ({shown})" in lines[0], lines


# -- 6. readers: --out inside an input folder ------------------------------------------------


def test_ingest_refuses_a_store_inside_its_input_folder(tmp_path):
    """review38: `trajlm data ingest DIR --out DIR/store` was accepted; the next ingest of DIR
    read the store's part files as input. Refused in one line, nothing written."""
    from reliability_helpers import GOOD_CSV, fails

    from trajlm.errors import TrajlmInputError

    d = tmp_path / "raw"
    d.mkdir()
    (d / "a.csv").write_text(GOOD_CSV)
    fails("data", "ingest", d, "--out", d / "store", names=("inside the input folder", "--out"),
          protect=(d,))  # fmt: skip
    assert not (d / "store").exists()
    with pytest.raises(TrajlmInputError, match=r"out .*store is inside the input folder"):
        trajlm.ingest(d, "csv", d / "store")
    assert not (d / "store").exists()
    r = invoke("data", "ingest", d / "a.csv", "--out", d / "store")  # a file: a store beside it
    assert r.exit_code == 0, r.output


# -- 7. readers: columns literally named lat / lon / t pass the swapped-name check by naming ---


def test_literal_lat_lon_t_named_are_read_as_named(tmp_path):
    """leftover38: naming any column skips the swapped-name check, but options equal to the
    defaults (`--lat-col lat --lon-col lon --time-col t`) were no names at all, so a file of
    those columns refused by the check could not pass. Now named is named."""
    from reliability_helpers import fails
    from test_leftover38 import _van_csv

    import trajlm.data.store as store

    path = _van_csv(tmp_path / "c.csv", swap=True, speed=False)
    path.write_text(path.read_text().replace("vehicle_id,time,", "vehicle_id,t,", 1))
    fails("data", "ingest", path, "--out", tmp_path / "refused", names=("cannot tell whether",))
    r = invoke("data", "ingest", path, "--out", tmp_path / "s", "--lat-col", "lat", "--lon-col",
               "lon", "--time-col", "t")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert store.read_store(tmp_path / "s")["lat"].is_between(-10, -9).all()  # as named
    trajlm.ingest(path, "csv", tmp_path / "py", column_map={"lat": "lat", "lon": "lon", "t": "t"})
    assert store.read_store(tmp_path / "py")["lat"].is_between(-10, -9).all()


# -- 8. readers: deck.gl pairs written lat-first -------------------------------------------


def _deck(path, pairs):  # noqa: ANN001, ANN202
    times = [1_793_692_800 + 10 * i for i in range(len(pairs))]
    path.write_text(json.dumps([{"vendor": 0, "path": pairs, "timestamps": times}]))
    return path


def test_deck_gl_pairs_lat_first_told_by_the_values_or_warned(tmp_path):
    """badin38: `[40.7, -74.0]` pairs (lat first) were read as lon 40.7, lat -74.0 without a
    word. A second number past 90 says lat-first (read so); both within 90 cannot tell: read in
    deck.gl's order with one warning naming the reading."""
    tokyo = [[35.68 + i * 1e-4, 139.76 + i * 1e-4] for i in range(12)]  # lat first, lon > 90
    df = trajlm.read(_deck(tmp_path / "tokyo.json", tokyo))
    assert df["lat"].is_between(35, 36).all() and df["lon"].is_between(139, 140).all()
    lon_first = [[139.76 + i * 1e-4, 35.68 + i * 1e-4] for i in range(12)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # told by the values: nothing to say
        assert trajlm.read(_deck(tmp_path / "t2.json", lon_first))["lat"].is_between(35, 36).all()
    nyc = [[40.7 + i * 1e-4, -74.0 + i * 1e-4] for i in range(12)]
    with pytest.warns(UserWarning, match=r"read as \[lon, lat\].*lat -74, lon 40.7.*cannot tell"):
        trajlm.read(_deck(tmp_path / "nyc.json", nyc))


# -- 9. readers: a text position or a geohash inside JSON records ------------------------


@pytest.mark.parametrize(
    ("key", "text"),
    [("position", "{lat:.5f},{lon:.5f}"), ("location", "POINT ({lon:.5f} {lat:.5f})"),
     ("lnglat", "{lon:.5f}, {lat:.5f}")],
)  # fmt: skip
def test_json_records_with_a_text_position_are_read(tmp_path, key, text):
    """Session 38: `"position": "40.7,-74.0"` in JSON records was "their keys name no latitude
    and no longitude", where a CSV column of that text is read."""
    recs = [{"device": "a", "ts": 1_793_692_800 + 10 * i,
             key: text.format(lat=40.7 + i * 1e-4, lon=-74.0 + i * 1e-4)} for i in range(12)]  # fmt: skip
    (tmp_path / "r.json").write_text(json.dumps(recs))
    df = trajlm.read(tmp_path / "r.json")
    assert df["lat"].is_between(40.69, 40.71).all() and df["lon"].is_between(-74.01, -73.99).all()


def test_json_records_with_a_geohash_are_read_as_cell_centres(tmp_path):
    codes = ["dr5regw3p", "dr5regw3r", "dr5regw3x", "dr5regw6b", "dr5regw6c", "dr5regw6f"]
    recs = [
        {"unit": "u1", "time": 1_793_692_800 + 10 * i, "geohash": c} for i, c in enumerate(codes)
    ]
    (tmp_path / "g.json").write_text(json.dumps(recs))
    with pytest.warns(
        UserWarning, match=r"centres of the 'geohash' geohash cells \(9\+ characters"
    ):
        df = trajlm.read(tmp_path / "g.json")
    assert df["lat"].is_between(40.71, 40.72).all() and df["lon"].is_between(-74.01, -74.0).all()


# -- 10. readers: MQTT payloads that are not JSON ----------------------------------------


def test_mqtt_key_value_and_number_payloads_are_read(tmp_path):
    """heldout38's MQTT reader passed every payload that was no JSON object over: a tracker's
    `lat=..;lon=..;ts=..` text and a CSV of bare numbers gave "nothing to read"."""
    kv = [f"fleet/{d}/gps lat={40.7 + i * 1e-4 + 0.01 * k:.5f};lon={-74.0 + i * 1e-4:.5f};"
          f"ts={1_793_692_800 + 10 * i}" for i in range(15) for k, d in enumerate(("cb016", "cb017"))]  # fmt: skip
    (tmp_path / "kv.log").write_text("\n".join([*kv, "fleet/cb016/status online"]) + "\n")
    with pytest.warns(UserWarning, match=r"30 payload\(s\) of key=value text.*1 line\(s\) whose "
                      r"payload is no JSON object"):  # fmt: skip
        df = trajlm.read(tmp_path / "kv.log")
    assert (
        df["traj_id"].n_unique() == 2
        and df.height == 30
        and df["lat"].is_between(40.69, 40.72).all()
    )
    nums = [f"fleet/{d}/gps {1_793_692_800 + 10 * i},{40.7 + i * 1e-4 + 0.01 * k:.5f},"
            f"{-74.0 + i * 1e-4:.5f},12.5" for i in range(15) for k, d in enumerate("ab")]  # fmt: skip
    (tmp_path / "n.log").write_text("\n".join(nums) + "\n")
    with pytest.warns(UserWarning, match=r"bare numbers read as Unix time, latitude, longitude"):
        df = trajlm.read(tmp_path / "n.log")
    assert df.height == 30 and df["lon"].is_between(-74.01, -73.99).all()


# -- 11. readers: a Splunk-like export's `unit` read as the id --------------------------------


def _splunk(path, unit_col: str = "unit"):  # noqa: ANN001, ANN202
    """Three trucks interleaved, newest first (Splunk's order), a gateway `host` that jumps
    between them too, no column named as an id."""
    rows = []
    for i in range(40):
        for k in range(3):
            rows.append((1_793_692_800 + 10 * i + k, f"gw-{(i + k) % 2}", f"M-{k}",
                         40.1 + 0.05 * k + i * 2e-4, -3.6 - 0.04 * k + i * 1e-4))  # fmt: skip
    rows.sort(reverse=True)
    lines = [f"_time,host,{unit_col},lat,lon"] + [
        f"{t},{h},{u},{a:.6f},{b:.6f}" for t, h, u, a, b in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_splunk_like_unit_is_read_as_the_id(tmp_path):
    """heldout38: a Splunk export needed `--traj-col unit` (its `unit` is no id name). The one
    mover-named column whose values keep the steps possible is now read, said; a column of
    another name is still told, not read."""
    from reliability_helpers import fails

    with pytest.warns(UserWarning, match="'unit' read as the trajectory id"):
        df = trajlm.read(_splunk(tmp_path / "s.csv"))
    assert df["traj_id"].n_unique() == 3 and df.height == 120
    r = invoke("data", "ingest", tmp_path / "s.csv", "--out", tmp_path / "st")
    assert r.exit_code == 0 and "'unit' read as the trajectory id" in said(r), r.output
    fails("data", "ingest", _splunk(tmp_path / "o.csv", "truck_label"), "--out", tmp_path / "o",
          names=("--traj-col",))  # fmt: skip


# -- 12. readers: the swapped-name check reads more files than the first ------------------


def test_swapped_names_in_a_later_file_are_found(tmp_path):
    """leftover38's check sampled the first file only: a folder whose first file is named
    right and a later one swapped was read with that one in the Indian Ocean. Files that
    disagree are now refused in one line naming both; all swapped alike are read swapped."""
    from reliability_helpers import fails
    from test_leftover38 import _van_csv

    d = tmp_path / "mixed"
    d.mkdir()
    _van_csv(d / "a_right.csv", swap=False, course=False)
    _van_csv(d / "b_swapped.csv", swap=True, course=False)
    text = fails("data", "ingest", d, "--out", tmp_path / "s",
                 names=("files disagree", "a_right.csv", "b_swapped.csv"))  # fmt: skip
    assert "\n" not in text.split("error: ")[-1].strip()
    d2 = tmp_path / "all"
    d2.mkdir()
    _van_csv(d2 / "a.csv", swap=True, course=False)
    _van_csv(d2 / "b.csv", swap=True, course=False)
    r = invoke("data", "ingest", d2, "--out", tmp_path / "s2")
    assert r.exit_code == 0, r.output
    from trajlm.data.store import read_store

    assert read_store(tmp_path / "s2")["lat"].is_between(38, 39).all()


# -- 13. frames and HTTP rows: the swapped-name check ------------------------------------


def test_a_frame_with_swapped_names_is_read_the_right_way(tmp_path):
    """Frames were not checked: a pandas frame of Lisbon vans whose `lat` holds -9.15 was
    cleaned / predicted in the Indian Ocean. Its reported speed now says so, as a file's does;
    names given with lat_col= / lon_col= are read as given."""
    import pandas as pd
    from test_leftover38 import _van_csv

    df = pd.read_csv(_van_csv(tmp_path / "v.csv", swap=True))
    with pytest.warns(UserWarning, match="'lat' holds the longitude and 'lon' the latitude"):
        out = trajlm.to_canonical(df)
    assert out["lat"].is_between(38, 39).all() and out["lon"].is_between(-10, -9).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = trajlm.to_canonical(df, lat_col="lat", lon_col="lon")
    assert kept["lat"].is_between(-10, -9).all()  # their word
    right = pd.read_csv(_van_csv(tmp_path / "r.csv", swap=False))
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        trajlm.to_canonical(right)
    assert not [w for w in got if "holds the longitude" in str(w.message)]
