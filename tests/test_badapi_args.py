"""What the adversarial-input tester (badapi) found in the arguments a user passes, now one
``trajlm.errors`` line each: the baselines' steps / fit / arrays / keywords, check_validity's
limits, a typo keyword on a TrajLM method, match(df, None), from_pretrained's device and a
misspelt checkpoint name, and the clear messages that were of a builtin type (ValueError,
FileNotFoundError, TypeError) and are now trajlm.errors subclasses of that same builtin, so
``except ValueError`` callers keep working. docs/reliability.md, "Session 13 (badfix)"."""

from __future__ import annotations

import pytest
import torch
from helpers import STATS
from reliability_helpers import PORTO_T0, two_porto_trips

import trajlm
from trajlm.baselines import ConstantVelocity, KNNContinuation, LinearInterpolation
from trajlm.errors import ArgumentError, MissingFileError, NotFittedError, TrajlmInputError
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.reason.validity import ModeLimits

T0 = PORTO_T0


_g = two_porto_trips


@pytest.fixture(scope="module")
def model() -> trajlm.TrajLM:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS)
    return trajlm.TrajLM(TrajectoryModel(cfg), threads=1)


# ------------------------------------------------------------------ 7: baselines
@pytest.mark.parametrize("steps", [0, -1, 2.5, "5", True, 10**6])
def test_baseline_steps_are_checked(steps):
    with pytest.raises(TrajlmInputError, match="steps"):
        ConstantVelocity().predict(_g(), steps=steps)


def test_baseline_default_and_valid_steps_still_work():
    assert len(ConstantVelocity().predict(_g())) == 2 * 5
    assert len(ConstantVelocity().predict(_g(), steps=3)) == 2 * 3


def test_knn_before_fit_is_not_fitted_error():
    with pytest.raises(NotFittedError, match=r"call fit\(train\) first") as e:
        KNNContinuation().predict(_g(), steps=3)
    assert isinstance(e.value, ValueError | AttributeError)  # sklearn's convention


def test_baselines_refuse_arrays_with_what_to_pass():
    arr = _g().to_numpy()
    with pytest.raises(TrajlmInputError, match="give a DataFrame"):
        ConstantVelocity().predict(arr)
    with pytest.raises(TrajlmInputError, match="give a DataFrame"):
        LinearInterpolation().predict(arr)


def test_baselines_name_unknown_keywords():
    with pytest.raises(
        ArgumentError, match="at_times is not supported by ConstantVelocity; use steps="
    ):
        ConstantVelocity().predict(_g(), at_times=[T0 + 200])
    with pytest.raises(
        ArgumentError, match=r"ConstantVelocity.predict\(\) .* 'stepz'; did you mean steps="
    ):
        ConstantVelocity().predict(_g(), stepz=3)
    with pytest.raises(ArgumentError, match=r"LinearInterpolation.predict\(\) .* valid: traj_col"):
        LinearInterpolation().predict(_g(), trajcol="trip_id")


# ------------------------------------------------------------------ 8: check_validity limits
@pytest.mark.parametrize(("limits", "words"), [
    ({"speed": -1}, "is a limit, not a mode"),
    ({"bogus": 3}, "not a ModeLimits or a dict"),
    ({"bikes": {"max_speed_mps": 3}}, "did you mean 'bike'"),
    ({"bike": {"max_speed_mps": -3}}, "must be a number > 0"),
    ({"bike": {"max_speed_mps": float("nan")}}, "must be a number > 0"),
    ({"car": ModeLimits(0, 1)}, "must be a number > 0"),
    ({"car": {"top_speed": 3}}, "unknown key"),
    ([("car", 3)], "must be a dict"),
])  # fmt: skip
def test_check_validity_refuses_bad_limits(limits, words):
    with pytest.raises(TrajlmInputError, match=words) as e:
        trajlm.check_validity(_g(), limits=limits)
    assert "walk, run, bike" in str(e.value) or "max_speed_mps" in str(e.value)


def test_check_validity_limits_that_are_right_still_apply():
    slow = {"max_speed_mps": 0.1}
    assert not trajlm.check_validity(_g(), mode="car", limits={"car": slow})["valid"].all()
    # an alias overrides the mode it names (taxi -> car); it was silently ignored before
    assert not trajlm.check_validity(_g(), mode="taxi", limits={"taxi": slow})["valid"].all()
    new = trajlm.check_validity(_g(), mode="hovercraft", limits={"hovercraft": ModeLimits(30, 2)})
    assert new["valid"].all()


# ------------------------------------------------------------------ 9/10: keywords, match
@pytest.mark.parametrize(("method", "kw", "suggest"), [
    ("predict", {"stepz": 4}, "steps"), ("recover", {"modee": "bridge"}, "mode"),
    ("embed", {"npoints": 4}, "n_points"), ("classify", {"traj_column": "x"}, "traj_col"),
])  # fmt: skip
def test_typo_keyword_names_the_public_method(model, method, kw, suggest):
    with pytest.raises(
        ArgumentError, match=rf"TrajLM.{method}\(\) .* did you mean {suggest}="
    ) as e:
        getattr(model, method)(_g(), **kw)
    assert "coerce" not in str(e.value) and "valid: " in str(e.value)
    assert isinstance(e.value, TypeError)  # what Python raises for a bad keyword


def test_match_without_a_network_is_one_line():
    with pytest.raises(TrajlmInputError, match="road network file"):
        trajlm.TrajLM.match(_g(), None)
    with pytest.raises(ArgumentError, match="sigma_m"):
        trajlm.TrajLM.match(_g(), "net.geojson", sigma=3)


# ------------------------------------------------------------------ 11: from_pretrained
@pytest.mark.parametrize("device", ["tpu9", "cuda:99", "gpu"])
def test_from_pretrained_bad_device_is_one_line(device):
    if device == "cuda:99" and torch.cuda.device_count() > 99:
        pytest.skip("a machine with 100 GPUs")
    with pytest.raises(TrajlmInputError, match="device="):
        trajlm.TrajLM.from_pretrained("trajlm-small", device=device)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this torch has CUDA")
def test_from_pretrained_cuda_without_cuda_is_one_line():
    with pytest.raises(TrajlmInputError, match=r"no usable cuda device; use device=\"cpu\""):
        trajlm.TrajLM.from_pretrained("trajlm-small", device="cuda")


def test_misspelt_checkpoint_name_suggests_the_shipped_one(tmp_path):
    with pytest.raises(MissingFileError, match="did you mean 'trajlm-small'") as e:
        trajlm.TrajLM.from_pretrained("trajlm-smal")
    assert isinstance(e.value, FileNotFoundError)
    with pytest.raises(MissingFileError, match="not a folder and not a named checkpoint"):
        trajlm.TrajLM.from_pretrained(tmp_path / "nope")


# ------------------------------------------------------------------ 12: types of refusals
def test_clear_refusals_are_trajlm_errors(model):
    g = _g()
    calls = [
        lambda: model.predict(g, steps=0),
        lambda: model.predict(g, steps="5"),
        lambda: model.recover(g, mode="zzz"),
        lambda: model.embed(g, n_points=1),
        lambda: model.classify(g),
        lambda: model.travel_time(g, g, 0),
        lambda: trajlm.TrajLM(model.model, threads=0),
        lambda: trajlm.ask("how many trips?", g, planner="bogus"),
        lambda: trajlm.TrajLM.from_pretrained("trajlm-small", quantize="int4"),
    ]
    for call in calls:
        with pytest.raises(TrajlmInputError) as e:
            call()
        assert isinstance(e.value, ValueError) and "\n" not in str(e.value)


def test_file_and_hyperparameter_refusals_are_trajlm_errors(model, tmp_path):
    from trajlm.errors import OutputExistsError

    (tmp_path / "empty").mkdir()
    with pytest.raises(MissingFileError, match="no config.json here"):
        trajlm.TrajLM.from_pretrained(tmp_path / "empty")
    model.save_pretrained(tmp_path / "m")
    with pytest.raises(OutputExistsError, match="pass overwrite=True") as e:
        model.save_pretrained(tmp_path / "m")
    assert isinstance(e.value, FileExistsError)
    for bad in ({"n_neighbors": 0}, {"history": 1}, {"aggregate": "mode"}):
        with pytest.raises(TrajlmInputError, match="n_neighbors >= 1"):
            KNNContinuation(**bad).fit(_g())
    with pytest.raises(TrajlmInputError, match="retrieval window"):
        KNNContinuation(history=20).fit(_g())
