"""The lead's fixes in session 19 (each test fails on the code before its fix)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")


def _taxis_with_a_glitch(path: Path) -> Path:
    """Three straight 15-s taxi tracks, positions only; trip 1's last fix jumps 1 km north."""
    t0 = pd.Timestamp("2013-07-01 03:00")
    rows = []
    for trip in range(3):
        for i in range(12):
            rows.append({"trip": trip, "lat": 41.15 + 0.01 * trip + 0.0008 * i,
                         "lon": -8.61 + 0.0006 * i,
                         "timestamp": str(t0 + pd.Timedelta(seconds=15 * i))})  # fmt: skip
    rows[23]["lat"] += 0.009
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@needs_small
def test_cli_steps_skip_a_glitched_last_fix_on_positions_only(tmp_path):
    """`trajlm predict --steps` on a position-only table starts trip 1 from the fix before its
    glitched last one, as the API does (movers19's rule; the CLI read only the reports' rule,
    so it extrapolated the 1-km jump)."""
    from trajlm.cli import app

    src, out = _taxis_with_a_glitch(tmp_path / "taxis.csv"), tmp_path / "pred.csv"
    args = ["predict", "--model", "trajlm-small", "--input", str(src), "--steps", "1",
            "--out", str(out), "--threads", "1"]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "glitch" in r.output
    pred = pd.read_csv(out).set_index("trip")
    # the track's next point is 41.1696 (from the fix before the glitch, 41.1688, one step on);
    # from the glitch (41.1778) it would be ~1 km north
    assert abs(pred.loc[1, "lat"] - 41.1696) < 0.002
