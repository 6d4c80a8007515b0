"""review33's checks on session 33's merges: what `--no-val-check` skips is said where the
user reads it, with uncert33's floor as the code has it."""

from __future__ import annotations

from pathlib import Path

from trajlm.cli_verdict import TRAIN_VAL_CHECK_HELP
from trajlm.eval.run_recover_radii import MIN_VAL_TRIPS


def test_train_help_says_no_val_check_skips_the_radii_fits_at_the_codes_floor():
    # `trajlm train` fits recover_radii.json at the run's end (uncert33, 6-55 s); the only way
    # to skip it is --no-val-check, so its help names it, with the floor the fit uses
    assert "radii.json" in TRAIN_VAL_CHECK_HELP and "recover_radii.json" in TRAIN_VAL_CHECK_HELP
    assert f"val has {MIN_VAL_TRIPS} or more trips" in TRAIN_VAL_CHECK_HELP
    assert "--no-val-check: none of these" in TRAIN_VAL_CHECK_HELP


def test_stop_minutes_defaults_are_ingests_stay_length_everywhere():
    # dispatch33 wrote 10.0 in three signatures beside clean_split.STOP_MIN_S; the CLI keeps its
    # literal (trajlm.cli loads no polars), so it is tied here
    import inspect

    from trajlm import cli_places
    from trajlm.data.clean_split import STOP_MIN_S
    from trajlm.data.next_place import next_place
    from trajlm.data.places import places

    for call in (places, next_place):
        assert inspect.signature(call).parameters["stop_minutes"].default * 60 == STOP_MIN_S
    for command in (cli_places.places, cli_places.next_place):
        option = inspect.signature(command).parameters["stop_minutes"].default
        # sports37: None, so a --crs local store can ask for it; filled from data/places.py
        assert option.default is None
    filled = cli_places.on_plane(Path("no-such-store"), {"stop_minutes": None, "radius_m": None})
    assert filled["stop_minutes"] * 60 == STOP_MIN_S and filled["radius_m"] == 250.0
