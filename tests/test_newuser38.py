"""newuser38: an ML researcher's notebook on a city trajlm-small never saw (Ushuaia scooters and
cars, their own column names): LoRA from a frame, the model's row by its plain name in
``compare`` (docs/api.md "Session 38 (newuser38)")."""

from __future__ import annotations

import warnings

import pytest
from reliability_helpers import TINY

import trajlm
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.errors import TrajlmInputError, VerdictNoteWarning
from trajlm.eval.row_pairs import resolve_pairs

COLS = {"traj_col": "ride", "time_col": "recorded_at", "lat_col": "lat_deg", "lon_col": "lon_deg"}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> dict:
    """A frame under a user's own column names and a tiny pretrained run to adapt."""
    d = tmp_path_factory.mktemp("nu38")
    synth_store(d / "s", n_trajectories=30, seed=3, overwrite=False)
    # a residual on constant velocity, as trajlm-small: its step 0 is scored on val too
    (d / "tiny.toml").write_text(
        TINY.replace("n_heads = 2", 'n_heads = 2\nresidual_base = "constant_velocity"')
    )
    df = read_store(d / "s").drop("split").to_pandas()
    df = df.rename(
        columns={"traj_id": "ride", "t": "recorded_at", "lat": "lat_deg", "lon": "lon_deg"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajlm.TrajLM.fit(
            df, d / "pre", config=d / "tiny.toml", max_steps=3, seed=0, threads=1, **COLS
        )
    return {"dir": d, "df": df}


def test_fit_lora_from_a_frame_adapts_the_pretrained_run(city):
    """`TrajLM.fit(df, out, init_from=..., mode="lora")` was an unknown keyword: LoRA was only
    reachable through a store path and finetune_next_point. Now it adapts, folds the adapter in,
    makes the val verdict (leftover39; a warning that none was made before), and the folder
    holds no pickle."""
    d, df = city["dir"], city["df"]
    with pytest.warns(VerdictNoteWarning, match=r"predict: "):
        ft = trajlm.TrajLM.fit(df, d / "lora", init_from=d / "pre", mode="lora", lora_r=2,
                               max_steps=3, seed=0, threads=1, **COLS)  # fmt: skip
    assert (d / "lora" / "merged" / "model.safetensors").exists()
    assert (d / "lora" / "adapter").is_dir()
    assert not [
        p for p in (d / "lora").rglob("*") if p.suffix in (".pt", ".pkl", ".pickle", ".bin")
    ]
    pred = ft.predict(df, steps=2, **COLS)
    assert {"ride", "step", "lat_deg", "lon_deg"} <= set(pred.columns) and len(
        pred
    ) == 2 * df.ride.nunique()
    back = trajlm.TrajLM.from_pretrained(d / "lora")
    assert back.predict(df, steps=2, **COLS).equals(pred)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"mode": "qlora", "init_from": "PRE"},
            r"mode must be one of 'full', 'lora', 'selective', got 'qlora'",
        ),
        (
            {"mode": "lora"},
            r"mode='lora' adapts a pretrained model and none was given.*init_from='trajlm-small'",
        ),
        ({"lora_r": 4, "init_from": "PRE"}, r"lora_r is used by mode='lora', not 'full'"),
        (
            {"mode": "lora", "lora_r": 0, "init_from": "PRE"},
            r"lora_r must be an integer >= 1, got 0",
        ),
    ],
)
def test_fit_mode_refusals_are_one_line_and_write_nothing(city, tmp_path, kwargs, match):
    kwargs = {k: (city["dir"] / "pre" if v == "PRE" else v) for k, v in kwargs.items()}
    with pytest.raises(TrajlmInputError, match=match):
        trajlm.TrajLM.fit(city["df"], tmp_path / "run", max_steps=1, **kwargs, **COLS)
    assert not (tmp_path / "run").exists()


def test_compare_takes_the_model_row_by_its_kind_tag():
    """`model.evaluate(df, compare=[("trajlm", "constant velocity")])` was refused: the row is
    "trajlm:trajlm-small" and a notebook cannot know the name before the table exists."""
    names = ["constant velocity", "kNN continuation", "trajlm:trajlm-small"]
    assert resolve_pairs([("trajlm", "constant velocity")], names) == [
        ("trajlm:trajlm-small", "constant velocity")
    ]
    assert resolve_pairs(["trajlm,kNN continuation"], names) == [
        ("trajlm:trajlm-small", "kNN continuation")
    ]
    two = [*names, "trajlm:mine"]  # two model rows: the tag names neither, the rows are listed
    with pytest.raises(TrajlmInputError, match=r"no row named 'trajlm'.*trajlm:mine"):
        resolve_pairs([("trajlm", "constant velocity")], two)


def test_a_fine_tune_that_kept_step_0_is_said():
    """2 of 3 seeds of a 300-step fine-tune of trajlm-small on the Ushuaia store kept step 0
    (the pretrained weights): `fit` returned them as "fine-tuned" without a word."""
    from trajlm.api_fit import kept_start_note

    kept = {
        "steps": 300,
        "best_step": 0,
        "best_weights": "step 0: the lowest val_ade_m (270.0) of 3",
    }
    line = kept_start_note(kept, "trajlm-small")
    assert (
        line and "kept its starting weights, 'trajlm-small' unchanged (step 0: the lowest" in line
    )
    assert "mode='lora'" in line and "\n" not in line
    assert kept_start_note({**kept, "best_step": 300}, "trajlm-small") is None
    assert kept_start_note(kept, None) is None  # from scratch: step 0 is no pretrained model


def test_fit_from_init_says_when_it_kept_step_0(city, tmp_path):
    """The line reaches the caller of `fit`: a fine-tune whose later steps are thrown far off
    by a huge learning rate keeps step 0 and says so."""
    d = city["dir"]
    (tmp_path / "lr3.toml").write_text(
        (d / "tiny.toml").read_text().replace("eval_every = 0", "eval_every = 1\nlr = 3.0")
    )
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        trajlm.TrajLM.fit(city["df"], tmp_path / "ft", config=tmp_path / "lr3.toml", init_from=d / "pre",
                          max_steps=2, seed=0, threads=1, **COLS)  # fmt: skip
    lines = [str(w.message) for w in said if "kept its starting weights" in str(w.message)]
    assert len(lines) == 1, [str(w.message)[:120] for w in said]


def _lora_out(root, seed: int):  # noqa: ANN001, ANN202
    """A `finetune_next_point(mode="lora")` OUT as written: OUT/train holds no config.json."""
    import json

    (root / "train").mkdir(parents=True)
    (root / "merged").mkdir()
    (root / "finetune_summary.json").write_text("{}")
    (root / "train" / "train_config.json").write_text(json.dumps({"seed": seed, "lr": 1e-3}))
    (root / "merged" / "config.json").write_text(json.dumps({"d_model": 64, "stats": {"s": seed}}))
    return root


def test_lora_seeds_average_as_one_recipe(tmp_path):
    """3 LoRA fine-tunes of one recipe got no "trajlm (mean ± std over 3 runs)" row in
    `trajlm eval` (OUT/train has no config.json), so `--compare "trajlm,kNN continuation"`
    named no row."""
    from trajlm.cli_eval_seeds import recipe_key

    keys = [recipe_key(_lora_out(tmp_path / f"s{s}", s)) for s in range(3)]
    assert keys[0] is not None and keys[0] == keys[1] == keys[2]
    other = _lora_out(tmp_path / "r4", 0)
    (other / "merged" / "config.json").write_text('{"d_model": 32}')
    assert recipe_key(other) != keys[0]
