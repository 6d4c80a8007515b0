"""The step head (trajlm/model/step_head.py) is a pure move out of transformer.py: for every
step-head variant a seeded model has the same state-dict keys (so old checkpoints load), the
same initial weights and the same forward / rollout outputs, bit for bit, as the code before
the move (tests/data/step_head_reference.json, recorded with the commit that added this
test, before the move, by ``python tests/test_step_head.py --record``; re-record only when a
change is MEANT to alter the step head's outputs)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import STATS

from trajlm.data.retrieval import RetrievalIndex, traj_keys
from trajlm.model import ModelConfig, TrajectoryModel

REFERENCE = Path(__file__).parent / "data" / "step_head_reference.json"
T0 = 1_700_000_000
COVERAGE = {"traj_speed_mps": {"p5": 3.0, "p95": 20.0}, "dt_s": {"p1": 10.0, "p99": 20.0}}
CV = {"residual_base": "constant_velocity"}
VARIANTS = {  # name -> ModelConfig fields beyond the tiny base model
    "plain": {},
    "plain_mse": {"head": "mse"},
    "constant_velocity": CV,
    "retrieval": {"residual_base": "retrieval"},
    "scale_invariant": {**CV, "scale_invariant": True},
    "coverage_gate": {**CV, "coverage_gate": "speed"},
    "time_query": {"time_query": True},
    "cv_time_query": {**CV, "time_query": True},
    "absolute": {"step_target": "absolute"},
    "region_head": {"region_head_cell_m": 20.0, "region_head_radius": 2},
}


def _index() -> RetrievalIndex:
    """A small deterministic retrieval index over wiggly tracks of different speeds."""
    rng = np.random.default_rng(0)
    xy, keys = [], []
    for i in range(8):
        heading = np.cumsum(rng.normal(0, 0.3, 20))
        steps = (20 + 10 * i) * np.stack([np.cos(heading), np.sin(heading)], 1)
        xy.append(np.cumsum(steps, 0) + rng.normal(0, 100, 2))
        keys.append(np.full(20, traj_keys(np.array([f"trip-{i}"]))[0]))
    return RetrievalIndex(n_neighbors=3).fit(np.concatenate(xy), np.concatenate(keys))


def _build(name: str) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=2, max_len=64, pos_type="rope_time",
                      stats=dict(STATS), residual_max_ratio=100.0, **VARIANTS[name])  # fmt: skip
    m = TrajectoryModel(cfg).eval()
    if name == "retrieval":
        m.retrieval = _index()
    if name == "coverage_gate":
        m.config.coverage = COVERAGE
    return m


def _batch() -> dict:
    """3 irregularly sampled walks (~1-3 m/s, so the coverage gate is below 1); row 1 padded."""
    g = torch.Generator().manual_seed(1)
    B, T = 3, 9
    t = torch.cumsum(torch.rand(B, T, generator=g) * 10 + 8, 1)
    pos = torch.cumsum(torch.randn(B, T, 2, generator=g) * 25, 1)
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[1, 7:] = False
    return {"pos": pos, "t": t - t[:, :1], "t0": torch.full((B,), T0), "mask": mask}


def _state_hash(m: TrajectoryModel) -> str:
    h = hashlib.sha256()
    for k, v in m.state_dict().items():
        h.update(k.encode())
        h.update(v.detach().contiguous().numpy().tobytes())
    return h.hexdigest()


def _outputs(name: str) -> tuple[list[str], str, dict[str, torch.Tensor]]:
    """-> (state-dict keys, hash of the seeded initial weights, {output name: tensor})."""
    m = _build(name)
    keys, init = list(m.state_dict()), _state_hash(m)
    g = torch.Generator().manual_seed(2)
    with torch.no_grad():  # every weight random (as after training): every path contributes
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
    batch = _batch()
    with torch.no_grad():
        out = m(batch)
    got = {"pred": out.pred, "loss": out.loss.reshape(1)}
    if out.log_var is not None:
        got["log_var"] = out.log_var
    for cache in (True, False):
        roll = m.generate(batch, 4, use_cache=cache)
        got[f"gen{int(cache)}_pos"], got[f"gen{int(cache)}_t"] = roll["pos"], roll["t"]
    if m.config.time_query:
        last = batch["t"][torch.arange(3), batch["mask"].sum(1) - 1]
        asked = last[:, None] + torch.tensor([7.0, 22.0, 60.0])
        got["asked_pos"] = m.generate(batch, 3, target_t=asked)["pos"]
    return keys, init, {k: v.detach().contiguous() for k, v in got.items()}


def record(path: Path = REFERENCE) -> None:
    """Write the reference: float32 values as JSON numbers round-trip exactly."""
    ref = {"torch": torch.__version__, "cpu": torch.backends.cpu.get_cpu_capability(),
           "cpu_model": _cpu_model(), "variants": {}}  # fmt: skip
    for name in VARIANTS:
        keys, init, got = _outputs(name)
        outs = {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in got.items()}
        ref["variants"][name] = {"keys": keys, "init": init, "outputs": outs}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ref) + "\n")


def _cpu_model() -> str:
    """The CPU's model name: two AVX512 CPUs of different vendors round float32 matmuls
    differently (session 31: a few ulps on an AMD EPYC against the recorded reference)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def _reference() -> tuple[str, dict]:
    """-> (torch version + CPU kernel set that recorded it, {variant: {keys, init, outputs}})."""
    ref = json.loads(REFERENCE.read_text())
    for v in ref["variants"].values():
        v["outputs"] = {
            k: torch.tensor(o["values"], dtype=torch.float32).reshape(o["shape"])
            for k, o in v["outputs"].items()
        }
    return f"{ref['torch']}/{ref.get('cpu', '?')}/{ref.get('cpu_model', '?')}", ref["variants"]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_step_head_variant_is_unchanged(name):
    version, ref = _reference()
    keys, init, got = _outputs(name)
    assert keys == ref[name]["keys"]  # checkpoints keep loading (same names, same order)
    want = ref[name]["outputs"]
    assert sorted(got) == sorted(want)
    # bit for bit under the torch, CPU kernel set (AVX2, AVX512, ...) and CPU model that recorded
    # them; elsewhere matmul kernels round differently (a few float32 ulps)
    here = f"{torch.__version__}/{torch.backends.cpu.get_cpu_capability()}/{_cpu_model()}"
    exact = version == here  # a reference without its CPU model is compared within tolerance
    if exact:
        assert init == ref[name]["init"]  # the seeded initialisation is the same
    for k, v in want.items():
        if exact:
            assert torch.equal(got[k], v), f"{name}/{k} changed"
        else:
            assert torch.allclose(got[k], v, rtol=1e-5, atol=1e-5), f"{name}/{k} changed"


def test_reference_tells_variants_apart():
    """The recorded outputs differ between variants, so each one pins its own path."""
    _, ref = _reference()
    names = list(VARIANTS)
    for i, a in enumerate(names):
        for b in names[:i]:
            x, y = ref[a]["outputs"], ref[b]["outputs"]
            assert sorted(x) != sorted(y) or any(not torch.equal(x[k], y[k]) for k in x), (a, b)


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    torch.set_num_threads(1)  # as the tests run (conftest.py)
    record()
