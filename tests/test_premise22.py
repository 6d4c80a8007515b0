"""Corpus scales not set by one source (session 22, trajlm/data/corpus_scales.py;
docs/pretraining.md "Session 22 (premise22)"): each source's share of the mixture scales, the
scales recomputed without named sources, the rescaled copy and its one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from trajlm.data.corpus import corpus_stats
from trajlm.data.corpus_scales import (
    RECORD,
    rescaled_corpus,
    scale_shares,
    source_stats,
    stats_excluding,
)
from trajlm.data.features import NormStats
from trajlm.errors import TrajlmInputError

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _st(dxy: float, m: float, sd: float, lat0: float = 0.0) -> NormStats:
    return NormStats(lat0, 0.0, (0.0, 0.0), 500.0, dxy, m, sd, n_points=100)


# session 21's corpus in miniature: two city sources at 15 s and one taxi source at 228 s
SOURCES = {"porto": (3.0, _st(144.0, 15.0, 1.0, lat0=41.0)),
           "people": (1.0, _st(40.0, 16.0, 1.2, lat0=48.0)),
           "tdrive": (1.0, _st(1000.0, 228.0, 165.0, lat0=40.0))}  # fmt: skip


def _corpus(tmp_path: Path, sources: dict = SOURCES) -> Path:
    """A directory with what the scales read: corpus.json's sources and stats.json."""
    d = tmp_path / "corpus"
    (d / "points").mkdir(parents=True)
    (d / "points" / "part.txt").write_text("points")
    mixed = corpus_stats([s for _, s in sources.values()], [w for w, _ in sources.values()])
    mixed.save(d / "stats.json")
    recs = [{"name": k, "weight": w, "stats": s.to_dict()} for k, (w, s) in sources.items()]
    (d / "corpus.json").write_text(json.dumps({"name": "t", "sources": recs}))
    return d


def test_shares_sum_to_one_and_name_the_source_that_sets_the_scales():
    sh = scale_shares(SOURCES)
    assert sum(v["step"] for v in sh.values()) == pytest.approx(1.0)
    assert sum(v["dt"] for v in sh.values()) == pytest.approx(1.0)
    assert sh["porto"]["weight"] == pytest.approx(0.6)
    assert sh["tdrive"]["step"] > 0.85 and sh["tdrive"]["dt"] > 0.85  # 20 % of the weight
    # the shares are the terms of corpus_stats: the squared step and the dt variance
    m = corpus_stats([s for _, s in SOURCES.values()], [w for w, _ in SOURCES.values()])
    p = np.array([0.6, 0.2, 0.2])
    assert sh["porto"]["step"] == pytest.approx(0.6 * 144.0**2 / m.dxy_scale**2)
    assert sh["porto"]["dt"] == pytest.approx(0.6 * (1.0 + (15.0 - m.dt_mean) ** 2) / m.dt_scale**2)
    assert m.dt_mean == pytest.approx(float(p @ [15.0, 16.0, 228.0]))


def test_excluding_nothing_is_corpus_stats_and_excluding_is_the_rest():
    every = corpus_stats([s for _, s in SOURCES.values()], [w for w, _ in SOURCES.values()])
    assert stats_excluding(SOURCES, []) == every
    rest = stats_excluding(SOURCES, ["tdrive"])
    assert rest == corpus_stats([SOURCES["porto"][1], SOURCES["people"][1]], [3.0, 1.0])
    assert rest.dxy_scale == pytest.approx(np.sqrt(0.75 * 144.0**2 + 0.25 * 40.0**2))
    assert rest.dt_mean == pytest.approx(15.25)
    assert rest.dxy_scale < every.dxy_scale / 2 and rest.dt_scale < every.dt_scale / 10


def test_bad_exclude_is_one_line_naming_it():
    with pytest.raises(TrajlmInputError, match=r"no source named 'tdirve'.*porto"):
        stats_excluding(SOURCES, ["tdirve"])
    with pytest.raises(TrajlmInputError, match="names every source"):
        stats_excluding(SOURCES, list(SOURCES))


def test_rescaled_copy_changes_only_the_step_and_time_scales(tmp_path):
    src = _corpus(tmp_path)
    before = (src / "stats.json").read_text()
    new = rescaled_corpus(src, tmp_path / "out", ["tdrive"])
    out = tmp_path / "out"
    assert NormStats.load(out / "stats.json") == new
    assert (out / "points" / "part.txt").read_text() == "points"  # the data is copied as is
    assert (src / "stats.json").read_text() == before  # the source corpus is untouched
    old = NormStats.load(src / "stats.json")
    rest = stats_excluding(source_stats(src), ["tdrive"])
    for k in ("lat0", "lon0", "xy_mean", "xy_scale", "n_points"):  # the plane stays
        assert getattr(new, k) == getattr(old, k)
    for k in ("dxy_scale", "dt_mean", "dt_scale"):
        assert getattr(new, k) == pytest.approx(getattr(rest, k))
    rec = json.loads((out / RECORD).read_text())
    assert rec["exclude"] == ["tdrive"] and rec["old"] == old.to_dict()
    assert set(rec["shares"]) == set(SOURCES)
    with pytest.raises(TrajlmInputError, match="already exists"):
        rescaled_corpus(src, out, ["tdrive"])


def test_not_a_corpus_is_one_line(tmp_path):
    with pytest.raises(TrajlmInputError, match="no corpus.json"):
        source_stats(tmp_path)
    (tmp_path / "corpus.json").write_text(json.dumps({"sources": [{"name": "a"}]}))
    with pytest.raises(TrajlmInputError, match="unreadable"):
        source_stats(tmp_path)


def test_script_prints_shares_and_exits_in_one_line(tmp_path, capsys):
    sys.path.insert(0, str(SCRIPTS))
    import premise22_scales

    src = _corpus(tmp_path)
    premise22_scales.main(["--corpus", str(src)])
    out = capsys.readouterr().out
    assert "tdrive" in out and "share" in out and not (tmp_path / "x").exists()
    with pytest.raises(SystemExit, match=r"^premise22_scales: exclude: no source named 'x'"):
        premise22_scales.main(
            ["--corpus", str(src), "--out", str(tmp_path / "x"), "--exclude", "x"]
        )
    assert not (tmp_path / "x").exists()


@pytest.mark.slow  # builds a two-source synthetic corpus (~10 s of CPU)
def test_a_built_corpus_reads_back_its_own_scales(tmp_path):
    from test_pretrain import SPEC

    from trajlm.data.corpus import build_corpus, load_corpus_spec

    (tmp_path / "spec.toml").write_text(SPEC)
    spec = load_corpus_spec(tmp_path / "spec.toml", data_root=str(tmp_path))
    build_corpus(spec, tmp_path / "c", log=lambda _m: None)
    src = source_stats(tmp_path / "c")
    assert list(src) == ["city_a", "city_b"]  # the skipped source sets nothing
    stored = NormStats.load(tmp_path / "c" / "stats.json")
    again = stats_excluding(src, [])
    for k in ("dxy_scale", "dt_mean", "dt_scale"):
        assert getattr(again, k) == pytest.approx(getattr(stored, k))
    only_a = stats_excluding(src, ["city_b"])
    assert only_a.dxy_scale == pytest.approx(src["city_a"][1].dxy_scale)
