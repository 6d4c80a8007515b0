"""tidy33: review33's "found, not fixed" list. `--overwrite` removes the old run's radii files
(train/run_dir.RUN_FILES); `recover(radii=)` on a checkpoint without recover_radii.json names
the val-trip floor a run's fit needs."""

from __future__ import annotations

import warnings

import polars as pl
import pytest
from helpers import tiny_model

from trajlm.data.schema import TrajlmInputError
from trajlm.eval.radii_bins import RADII_FILE
from trajlm.eval.recover_spread import RECOVER_RADII_FILE
from trajlm.eval.run_recover_radii import MIN_VAL_TRIPS
from trajlm.train.run_dir import RUN_FILES, RUN_RADII_FILES


def test_the_run_radii_names_are_the_files_the_val_check_writes():
    assert set(RUN_RADII_FILES) == {RADII_FILE, RECOVER_RADII_FILE}
    assert set(RUN_RADII_FILES) <= set(RUN_FILES)


def test_an_overwritten_run_keeps_no_radii_file_of_the_old_run(tmp_path):
    from reliability_helpers import TINY

    import trajlm
    from trajlm.data.ingest import synth_store

    synth_store(tmp_path / "s", n_trajectories=20, seed=1, overwrite=False)
    (tmp_path / "tiny.toml").write_text(TINY)
    run = tmp_path / "run"

    def fit(**kw) -> None:
        with warnings.catch_warnings():  # 20 trips: "only 16 train trajectories" (not this test's)
            warnings.simplefilter("ignore")
            trajlm.TrajLM.fit(tmp_path / "s", run, config=tmp_path / "tiny.toml", max_steps=2,
                              seed=0, threads=1, val_check=False, **kw)  # fmt: skip

    fit()
    for name in RUN_RADII_FILES:  # what the old run's val check had left beside its weights
        (run / name).write_text('{"old": true}')
    (run / "notes.txt").write_text("mine")
    fit(overwrite=True)
    assert not [n for n in RUN_RADII_FILES if (run / n).exists()]  # was: both kept (review33)
    assert (run / "notes.txt").read_text() == "mine"  # the user's file is never touched


def test_recover_radii_without_the_file_names_the_val_trip_floor(tmp_path):
    import trajlm

    lm = trajlm.TrajLM.from_pretrained(tiny_model(tmp_path / "m"), threads=1)
    gap = pl.DataFrame({"traj_id": "a", "t": [0, 10, 20], "lat": [41.1, None, 41.1002],
                        "lon": [-8.6, None, -8.6002]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        lm.recover(gap, radii=True)
    line = str(e.value)
    assert f"has no {RECOVER_RADII_FILE}" in line and f"at least {MIN_VAL_TRIPS} trips" in line
    assert "leave radii out" in line and "\n" not in line


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_broken_link_is_said_in_one_wording_by_the_cli_and_the_api(tmp_path, kind):
    from trajlm._cli_io import must_exist
    from trajlm._safety import UserError
    from trajlm.data.coerce_path import path_problem

    link = tmp_path / kind
    link.symlink_to(tmp_path / ("gone" if kind == "dangling" else kind))
    with pytest.raises(UserError) as e:
        must_exist(link, "--model")
    cli = str(e.value).split(": ", 1)[1]  # was "a symlink to nothing readable (a loop, or ...)"
    api = path_problem(link).split(" is ", 1)[1]
    assert cli == api and ("loop" in cli) == (kind == "loop"), (cli, api)


def test_a_folder_of_logs_names_every_unread_file_a_folder_of_formats_would(tmp_path):
    from trajlm.data.readers.device_logs import say_unread_beside_logs

    for name in ("drive.ubx", "phone.csv", "more.geojsonl", "notes.md"):
        (tmp_path / name).write_text("x")
    with pytest.warns(UserWarning) as said:
        say_unread_beside_logs(tmp_path, "ubx", [tmp_path / "drive.ubx"])
    line = str(said[0].message)  # .geojsonl is format_detect's (it was left out unsaid here)
    assert "reading its ubx files only; it also holds 1 .geojsonl, 1 .csv file(s)" in line, line
