"""int8 weights on disk: ``TrajLM.save_pretrained(dir, dtype="int8")`` writes the int8 model's
own weights (int8 + per-tensor scales, safetensors) and ``from_pretrained`` rebuilds exactly that
model; float32 stays the default, byte for byte; a damaged or mismatched int8 file is one line."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from reliability_helpers import GOOD_CSV, fails, invoke
from safetensors import safe_open
from safetensors.torch import load_file, save_file

import trajlm
from trajlm.errors import DamagedFileError, UserError
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.quantize import is_int8

STATS = {"lat0": 45.07, "lon0": 7.68, "xy_mean": [0.0, 0.0], "xy_scale": 500.0,
         "dxy_scale": 50.0, "dt_mean": 10.0, "dt_scale": 3.0, "n_points": 0}  # fmt: skip


def _model(bias: bool = False, d_model: int = 32) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=d_model, n_layers=2, n_heads=4, max_len=32, bias=bias, stats=STATS)
    return TrajectoryModel(cfg).eval()


def _tracks() -> pl.DataFrame:
    g = np.random.default_rng(0)
    n = 12
    rows = []
    for tid in ("a", "b", "c"):
        step = g.normal(0, 2e-4, (n, 2)).cumsum(0)
        rows.append(pl.DataFrame({"traj_id": [tid] * n, "t": 1_709_658_392 + 10 * np.arange(n),
                                  "lat": 45.07 + step[:, 0], "lon": 7.68 + step[:, 1]}))  # fmt: skip
    return pl.concat(rows)


def _predict(m: trajlm.TrajLM) -> pl.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # coverage notes of an untrained model
        return m.predict(_tracks(), steps=4)


@pytest.fixture()
def float_dir(tmp_path) -> Path:
    _model().save_pretrained(tmp_path / "f32")
    return tmp_path / "f32"


@pytest.mark.parametrize("bias", [False, True])
def test_int8_round_trip_predicts_bit_for_bit(tmp_path, bias):
    _model(bias).save_pretrained(tmp_path / "f32")
    q = trajlm.TrajLM.from_pretrained(tmp_path / "f32", quantize="int8", threads=1)
    q.save_pretrained(tmp_path / "q", dtype="int8")
    back = trajlm.TrajLM.from_pretrained(tmp_path / "q", threads=1)
    assert is_int8(back.model) and back._float_model is None
    want = _predict(q)
    assert back.predict(_tracks(), steps=4).equals(want)  # the same int8 model, bit for bit
    assert not want.equals(_predict(trajlm.TrajLM.from_pretrained(tmp_path / "f32", threads=1)))
    for (n, a), (_, b) in zip(q.model.named_modules(), back.model.named_modules(), strict=True):
        if isinstance(a, torch.ao.nn.quantized.dynamic.Linear):  # the very int8 weights, scales
            assert torch.equal(a.weight().int_repr(), b.weight().int_repr()), n
            assert a.weight().q_scale() == b.weight().q_scale(), n
            assert (a.bias() is None) == (b.bias() is None) and (
                a.bias() is None or torch.equal(a.bias(), b.bias())
            ), n
    # a float model saved as int8 is the model quantize="int8" makes in memory
    f = trajlm.TrajLM.from_pretrained(tmp_path / "f32", threads=1)
    f.save_pretrained(tmp_path / "q2", dtype="int8")
    assert _predict(trajlm.TrajLM.from_pretrained(tmp_path / "q2", threads=1)).equals(want)
    # and it saves again as int8, to the same tensors (the header's metadata order is not fixed)
    back.save_pretrained(tmp_path / "q3", dtype="int8")
    a, b = load_file(tmp_path / "q/model.safetensors"), load_file(tmp_path / "q3/model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_int8_file_is_smaller_int8_tensors_and_safetensors(tmp_path):
    _model(d_model=64).save_pretrained(tmp_path / "f32")
    f = trajlm.TrajLM.from_pretrained(tmp_path / "f32", threads=1)
    f.save_pretrained(tmp_path / "q", dtype="int8")
    q8, f32 = tmp_path / "q/model.safetensors", tmp_path / "f32/model.safetensors"
    ratio = f32.stat().st_size / q8.stat().st_size
    assert ratio > 3.0, ratio  # the blocks' Linear weights are ~97 % of a d=64 model's bytes
    with safe_open(str(q8), framework="pt") as h:
        assert h.metadata()["trajlm_dtype"] == "int8"
    tensors = load_file(q8)
    int8 = [k for k, v in tensors.items() if v.dtype == torch.int8]
    assert int8 and all(k.endswith(".weight_int8") for k in int8)
    assert tensors["blocks.0.mlp.fc_in.weight_scale"].dtype == torch.float64
    assert json.loads((tmp_path / "q/config.json").read_text()) == json.loads(
        (tmp_path / "f32/config.json").read_text()
    )  # the config is the float model's: nothing new for older readers to refuse


def test_float32_stays_the_default_byte_for_byte(tmp_path, float_dir):
    m = TrajectoryModel.from_pretrained(float_dir)
    trajlm.TrajLM(m, threads=1).save_pretrained(tmp_path / "api")
    tensors = {k: v.detach().contiguous() for k, v in m.state_dict().items()}
    save_file(tensors, tmp_path / "ref.safetensors", metadata={"format": "pt"})  # the old writer
    assert (tmp_path / "api/model.safetensors").read_bytes() == (
        tmp_path / "ref.safetensors"
    ).read_bytes()
    q = trajlm.TrajLM.from_pretrained(float_dir, quantize="int8", threads=1)
    q.save_pretrained(tmp_path / "q_default")  # an int8 model: its float32 weights, as before
    assert (tmp_path / "q_default/model.safetensors").read_bytes() == (
        float_dir / "model.safetensors"
    ).read_bytes()
    assert not is_int8(trajlm.TrajLM.from_pretrained(tmp_path / "api", threads=1).model)
    with pytest.raises(ValueError, match="dtype must be one of"):
        q.save_pretrained(tmp_path / "x", dtype="float16")


def test_int8_only_model_and_device_refuse_in_one_line(tmp_path, float_dir):
    trajlm.TrajLM.from_pretrained(float_dir, threads=1).save_pretrained(
        tmp_path / "q", dtype="int8"
    )
    back = trajlm.TrajLM.from_pretrained(tmp_path / "q", threads=1)
    with pytest.raises(UserError, match="int8 weights only.*dtype='int8'"):
        back.save_pretrained(tmp_path / "f")  # no float32 weights to write
    with pytest.raises(ValueError, match='CPU only; use device="cpu"'):
        trajlm.TrajLM.from_pretrained(tmp_path / "q", device="meta")
    with pytest.raises(UserError, match="map_location='cpu'"):
        TrajectoryModel.from_pretrained(tmp_path / "q", map_location="meta")


def _retyped(d: Path) -> None:
    """The int8 weights rewritten as float32 (keys and metadata kept)."""
    t = load_file(d / "model.safetensors")
    t = {k: v.float() if v.dtype == torch.int8 else v for k, v in t.items()}
    save_file(t, d / "model.safetensors", metadata={"format": "pt", "trajlm_dtype": "int8"})


def _dropped(d: Path) -> None:
    t = load_file(d / "model.safetensors")
    t.pop("blocks.1.attn.q_proj.weight_scale")
    save_file(t, d / "model.safetensors", metadata={"format": "pt", "trajlm_dtype": "int8"})


def _other_config(d: Path) -> None:
    c = json.loads((d / "config.json").read_text())
    (d / "config.json").write_text(json.dumps(c | {"n_layers": 3}))


@pytest.mark.parametrize(
    "damage, names",
    [
        (lambda d: (d / "model.safetensors").write_bytes((d / "model.safetensors").read_bytes()[:999]),
         ("model.safetensors", "damaged")),
        (_retyped, ("model.safetensors", "torch.int8")),
        (_dropped, ("model.safetensors", "missing", "weight_scale")),
        (_other_config, ("model.safetensors", "does not fit config.json", "blocks.2")),
    ],
    ids=["truncated", "not-int8", "missing-scale", "other-config"],
)  # fmt: skip
def test_damaged_or_mismatched_int8_file_is_one_line(tmp_path, float_dir, damage, names):
    trajlm.TrajLM.from_pretrained(float_dir, threads=1).save_pretrained(
        tmp_path / "q", dtype="int8"
    )
    damage(tmp_path / "q")
    with pytest.raises(DamagedFileError) as e:
        trajlm.TrajLM.from_pretrained(tmp_path / "q", threads=1)
    assert len(str(e.value).splitlines()) == 1 and all(n in str(e.value) for n in names), e.value
    (tmp_path / "in.csv").write_text(GOOD_CSV)
    fails("predict", "--model", tmp_path / "q", "--input", tmp_path / "in.csv", "--out",
          tmp_path / "p.csv", names=names, protect=(tmp_path / "q",))  # fmt: skip


def test_cli_predict_reads_an_int8_folder_as_int8(tmp_path, float_dir):
    """`trajlm predict --model INT8DIR` = `trajlm predict --int8 --model FLOATDIR`."""
    trajlm.TrajLM.from_pretrained(float_dir, threads=1).save_pretrained(
        tmp_path / "q", dtype="int8"
    )
    _tracks().write_csv(tmp_path / "in.csv")
    outs = []
    for name, args in (("a", ["--model", tmp_path / "q"]), ("b", ["--model", float_dir, "--int8"])):
        r = invoke("predict", *args, "--input", tmp_path / "in.csv", "--out", tmp_path / f"{name}.csv",
                   "--steps", "3")  # fmt: skip
        assert r.exit_code == 0, r.output
        outs.append((tmp_path / f"{name}.csv").read_text())
    assert outs[0] == outs[1]
