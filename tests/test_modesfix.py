"""Session 13 (modesfix): what a transport-mode researcher found in similarity search,
classification labels / classes / splits, eval metadata and the classify CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.similarity import EmbeddingSearch

SMALL = Path(__file__).resolve().parents[1] / "trajlm" / "checkpoints" / "trajlm-small"
needs_small = pytest.mark.skipif(
    not (SMALL / "model.safetensors").exists(), reason="trajlm-small weights not built here"
)


def _routes(n: int = 6, pts: int = 40, seed: int = 0) -> pl.DataFrame:
    """n random-walk trips near Lyon at 5 s, plus an exact copy of trip 0 shifted by a day."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        lat = 45.76 + 1e-3 * k + np.cumsum(rng.normal(0, 1e-4, pts))
        lon = 4.83 + np.cumsum(rng.normal(0, 1e-4, pts))
        t = 1_700_000_000 + 5 * np.arange(pts)
        rows.append(pl.DataFrame({"traj_id": f"r{k}", "t": t, "lat": lat, "lon": lon}))
    rows.append(rows[0].with_columns(pl.lit("r0-copy").alias("traj_id"), pl.col("t") + 86_400))
    return pl.concat(rows)


# ------------------------------------------------------------------ 1. exact L2 search


def test_search_is_exact_when_embeddings_share_a_large_common_part():
    """Norm ~9, trips 1e-3 apart (trajlm-small's regime): float32 |a|^2+|b|^2-2ab gave exact
    0.0 between different trips and 2^-8 for an exact copy."""
    rng = np.random.default_rng(0)
    base = rng.normal(0, 1, 64)
    base *= 8.8 / np.linalg.norm(base)
    z = (base + rng.normal(0, 2e-4, (40, 64))).astype(np.float32)
    db = np.concatenate([z, z[:1]])  # row 40: an exact copy of row 0
    d2, idx = EmbeddingSearch(metric="l2").fit(db).search(z, 5)
    exact = ((z[:, None, :].astype(np.float64) - db[None].astype(np.float64)) ** 2).sum(-1)
    want = np.sort(exact, 1)[:, :5]
    np.testing.assert_allclose(np.sqrt(d2), np.sqrt(want), atol=1e-6, rtol=0)
    assert (np.sqrt(d2[1:, 1:]) > 1e-4).all()  # distinct trips are never 0 apart
    assert list(idx[0, :2]) == [0, 40]  # the copy ties with itself, broken by row
    assert d2[0, 1] == 0.0
    full = EmbeddingSearch(metric="l2").fit(db).rank_all(z)
    np.testing.assert_allclose(np.sqrt(full), np.sqrt(exact), atol=1e-6, rtol=0)


@needs_small
def test_similar_api_and_cli_agree_with_a_direct_computation(tmp_path: Path):
    from typer.testing import CliRunner

    from trajlm.cli import app
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.embed import embed, similar

    df = _routes()
    m = TrajectoryModel.from_pretrained("trajlm-small").eval()
    z = embed(m, df).astype(np.float64)
    ids = df["traj_id"].unique().sort().to_list()
    exact = np.sqrt(((z[:, None] - z[None]) ** 2).sum(-1))
    dist, idx, qids, dbids = similar(m, df, df, k=3)
    assert qids == dbids == ids
    np.testing.assert_allclose(dist, np.take_along_axis(exact, idx, 1), atol=1e-6, rtol=0)
    np.testing.assert_allclose(dist, np.sort(exact, 1)[:, :3], atol=1e-6, rtol=0)
    i0, ic = ids.index("r0"), ids.index("r0-copy")
    assert set(idx[i0, :2]) == {i0, ic} and dist[i0, 1] == 0.0  # a copy is always nearest
    csv = tmp_path / "q.csv"
    df.with_columns(pl.from_epoch("t")).write_csv(csv)
    out = tmp_path / "sim.csv"
    r = CliRunner().invoke(app, ["similar", "--model", "trajlm-small", "--query", str(csv),
                                 "--database", str(csv), "--exclude-self", "--k", "2",
                                 "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    got = pl.read_csv(out)
    for row in got.iter_rows(named=True):
        want = exact[ids.index(row["query"]), ids.index(row["match"])]
        assert abs(row["distance"] - want) < 1e-6
    first = got.filter(pl.col("query") == "r0", pl.col("rank") == 1)
    assert first["match"].item() == "r0-copy" and first["distance"].item() == 0.0
