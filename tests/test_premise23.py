"""Per-source units (session 23, trajlm/data/corpus_scales.py ``per_source_units``;
docs/pretraining.md "Session 23 (premise23)"): every source's steps read in its own step unit,
no source's time steps read larger than under its own stats, no source moves another's units,
the factors are deterministic, CorpusWindows applies them, and bad input is one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from trajlm.data.corpus import corpus_stats
from trajlm.data.corpus_scales import (
    UNITS,
    load_units,
    per_source_units,
    per_source_units_corpus,
    source_stats,
    target_stats,
)
from trajlm.data.features import NormStats
from trajlm.errors import TrajlmInputError

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
CAP = 25.0  # ModelConfig.max_step_norm and the embedding's input clamp


def _st(dxy: float, m: float, sd: float) -> NormStats:
    return NormStats(0.0, 0.0, (0.0, 0.0), 500.0, dxy, m, sd, n_points=100)


# session 21's corpus in miniature: a 5-m walker at 1.5 s, Porto at 15 s, T-Drive at 228 s
SOURCES = {"walk": (0.1, _st(4.9, 1.5, 2.2)),
           "porto": (3.0, _st(144.0, 15.0, 1.0)),
           "tdrive": (1.0, _st(1000.0, 228.0, 165.0))}  # fmt: skip


def _read(rec: dict, name: str, step_m: np.ndarray, dt_s: np.ndarray):
    """What a model with the corpus stats reads from a source's scaled steps / time steps."""
    u, ref = rec["units"][name], rec["ref"]
    return step_m * u["pos"] / ref["dxy_scale"], (dt_s * u["t"] - ref["dt_mean"]) / ref["dt_scale"]


def test_steps_read_in_each_sources_own_unit_and_no_source_is_clipped():
    rec = per_source_units(SOURCES)
    rng = np.random.default_rng(0)
    mixed = corpus_stats([s for _, s in SOURCES.values()], [w for w, _ in SOURCES.values()])
    for name, (_, st) in SOURCES.items():
        step = np.abs(rng.normal(0.0, st.dxy_scale, 10_000))  # a source's own RMS step
        dt = np.abs(rng.normal(st.dt_mean, st.dt_scale, 10_000))
        s_n, dt_n = _read(rec, name, step, dt)
        np.testing.assert_allclose(s_n, step / st.dxy_scale, rtol=1e-9)  # exactly its own unit
        # time: never read larger than the source's own standardisation (cv is the largest)
        own = np.abs(dt - st.dt_mean) / st.dt_scale
        assert np.all(np.abs(dt_n) <= own + 1e-9)
        assert np.mean(s_n > CAP) == 0.0 and np.mean(np.abs(dt_n) > CAP) == 0.0
    # the mixture scales instead squash the walker (median step 0.01 units) and the
    # T-Drive-free ones (session 22) clip T-Drive; per-source units do neither
    assert 4.9 / mixed.dxy_scale < 0.02
    assert rec["ref"]["cv"] == pytest.approx(2.2 / 1.5)


def test_no_source_moves_another_sources_reading():
    rec = per_source_units(SOURCES)
    wild = {**SOURCES, "tdrive": (50.0, _st(1e5, 3600.0, 100.0))}  # heavier and far larger
    other = per_source_units(wild)
    step, dt = np.array([1.0, 30.0, 500.0]), np.array([1.0, 15.0, 60.0])
    for name in ("walk", "porto"):
        a, b = _read(rec, name, step, dt), _read(other, name, step, dt)
        np.testing.assert_allclose(a[0], b[0], rtol=1e-9)  # steps: unchanged
        np.testing.assert_allclose(a[1], b[1], rtol=1e-9)  # times: cv is still the walker's


def test_factors_are_deterministic_and_free_of_order_and_weight_scale():
    a = per_source_units(SOURCES)
    assert per_source_units(SOURCES) == a
    shuffled = dict(reversed(list(SOURCES.items())))
    doubled = {k: (2 * w, s) for k, (w, s) in SOURCES.items()}
    for other in (per_source_units(shuffled), per_source_units(doubled)):
        for k in SOURCES:
            assert other["units"][k] == pytest.approx(a["units"][k])
        assert other["ref"] == pytest.approx(a["ref"])


def test_target_stats_read_a_store_like_a_corpus_source():
    rec = per_source_units(SOURCES)
    own = _st(158.9, 25.9, 35.3)
    t = target_stats(own, rec["ref"]["cv"])
    assert (t.dxy_scale, t.dt_mean) == (own.dxy_scale, own.dt_mean)
    assert t.dt_scale == pytest.approx(25.9 * rec["ref"]["cv"])
    # a store read this way equals a corpus source with the same stats read through its factors
    both = per_source_units({**SOURCES, "store": (1.0, own)})
    dt = np.array([1.0, 25.9, 300.0])
    np.testing.assert_allclose((dt - t.dt_mean) / t.dt_scale, _read(both, "store", dt, dt)[1])


def _corpus(tmp_path: Path, sources: dict = SOURCES) -> Path:
    d = tmp_path / "corpus"
    (d / "points").mkdir(parents=True)
    (d / "points" / "part.txt").write_text("points")
    corpus_stats([s for _, s in sources.values()], [w for w, _ in sources.values()]).save(
        d / "stats.json"
    )
    recs = [{"name": k, "weight": w, "stats": s.to_dict()} for k, (w, s) in sources.items()]
    (d / "corpus.json").write_text(json.dumps({"name": "t", "sources": recs}))
    return d


def test_units_copy_and_its_one_line_errors(tmp_path):
    src = _corpus(tmp_path)
    before = (src / "stats.json").read_text()
    rec = per_source_units_corpus(src, tmp_path / "out")
    out = tmp_path / "out"
    assert (src / "stats.json").read_text() == before and not (src / UNITS).exists()
    st, old = NormStats.load(out / "stats.json"), NormStats.load(src / "stats.json")
    assert st.dxy_scale == pytest.approx(rec["ref"]["dxy_scale"])
    assert (st.lat0, st.xy_scale) == (old.lat0, old.xy_scale)  # the plane stays
    assert load_units(out) == rec["units"] and load_units(src) is None
    with pytest.raises(TrajlmInputError, match="already exists"):
        per_source_units_corpus(src, out)
    (out / UNITS).write_text(json.dumps({"units": {"walk": {"pos": 1.0}}}))
    with pytest.raises(TrajlmInputError, match=r"units.json: units\[name\].pos / .t unreadable"):
        load_units(out)
    with pytest.raises(TrajlmInputError, match="weight > 0"):
        per_source_units({"a": (0.0, _st(1.0, 1.0, 1.0))})
    with pytest.raises(TrajlmInputError, match="no sources"):
        per_source_units({})
    assert list(source_stats(out)) == list(SOURCES)


def test_target_script_writes_a_store_read_checkpoint(tmp_path):
    sys.path.insert(0, str(SCRIPTS))
    import premise23_units

    src = _corpus(tmp_path)
    per_source_units_corpus(src, tmp_path / "c")
    run, store = tmp_path / "run", tmp_path / "store"
    run.mkdir(), (store / "points").mkdir(parents=True)
    (store / "manifest.json").write_text("{}")
    (run / "model.safetensors").write_bytes(b"w")
    (run / "config.json").write_text(json.dumps({"d_model": 8, "stats": {}}))
    _st(158.9, 25.9, 35.3).save(store / "stats.json")
    stats = premise23_units.target(run, tmp_path / "c", store, tmp_path / "t")
    cfg = json.loads((tmp_path / "t" / "config.json").read_text())
    assert cfg["d_model"] == 8 and cfg["stats"] == stats
    assert (
        stats["dxy_scale"] == 158.9 and (tmp_path / "t" / "model.safetensors").read_bytes() == b"w"
    )


@pytest.mark.slow  # builds a two-source synthetic corpus (~10 s of CPU)
def test_corpus_windows_apply_each_sources_factors(tmp_path):
    from test_pretrain import SPEC

    from trajlm.data.corpus import build_corpus, load_corpus_spec
    from trajlm.data.corpus_windows import CorpusWindows
    from trajlm.data.loader import WindowConfig

    (tmp_path / "spec.toml").write_text(SPEC)
    spec = load_corpus_spec(tmp_path / "spec.toml", data_root=str(tmp_path))
    build_corpus(spec, tmp_path / "c", log=lambda _m: None)
    rec = per_source_units_corpus(tmp_path / "c", tmp_path / "u")
    cfg = WindowConfig(max_len=16, stride=8, seed=0)
    plain, scaled = list(CorpusWindows(tmp_path / "c", "train", cfg)), None
    scaled = list(CorpusWindows(tmp_path / "u", "train", cfg))
    assert len(plain) == len(scaled) > 20
    year_a = 1_704_067_200 + 365 * 86_400  # city_a's windows start in 2024, city_b's in 2025
    for p, s in zip(plain, scaled, strict=True):
        assert torch.equal(p["t0"], s["t0"]) and torch.equal(p["mask"], s["mask"])
        u = rec["units"]["city_a" if int(p["t0"]) < year_a else "city_b"]
        torch.testing.assert_close(s["pos"], p["pos"] * u["pos"])
        torch.testing.assert_close(s["t"], p["t"] * u["t"])
    (tmp_path / "u" / UNITS).write_text(json.dumps({"units": {"city_a": {"pos": 1, "t": 1}}}))
    with pytest.raises(TrajlmInputError, match="no units for source 'city_b'"):
        list(CorpusWindows(tmp_path / "u", "train", cfg))
