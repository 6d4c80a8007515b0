"""The lead's session-33 fix (review33's finding): a run's radii fit never removes or replaces a
radii file it did not write, outside a run folder (a copied trajlm-small's shipped file)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from trajlm._safety import MARKER
from trajlm.errors import OutputExistsError
from trajlm.eval.run_recover_radii import RECOVER_RADII_FILE, fit_run_recover_radii

SHIPPED = Path("trajlm/checkpoints/trajlm-small") / RECOVER_RADII_FILE


def _val(n_trips: int) -> pl.DataFrame:  # too few trips for a fit: the removal path
    return pl.DataFrame({"traj_id": [f"t{k // 4}" for k in range(4 * n_trips)],
                         "lat": [41.0] * (4 * n_trips), "lon": [-8.0] * (4 * n_trips)})  # fmt: skip


def test_a_copied_checkpoints_shipped_file_is_kept(tmp_path: Path) -> None:
    shutil.copy(SHIPPED, tmp_path / RECOVER_RADII_FILE)
    before = (tmp_path / RECOVER_RADII_FILE).read_bytes()
    with pytest.raises(OutputExistsError, match="no run fitted"):
        fit_run_recover_radii(None, _val(3), tmp_path)
    assert (tmp_path / RECOVER_RADII_FILE).read_bytes() == before


@pytest.mark.parametrize("where", ["run", "best", "stamped"])
def test_a_runs_stale_file_is_still_removed(tmp_path: Path, where: str) -> None:
    d = tmp_path / "best" if where == "best" else tmp_path
    d.mkdir(exist_ok=True)
    doc = json.loads(SHIPPED.read_text())
    if where == "stamped":
        doc["weights_sha1"] = "0" * 40  # an earlier fit's file
    else:
        (tmp_path / MARKER).write_text("")
    (d / RECOVER_RADII_FILE).write_text(json.dumps(doc))
    got = fit_run_recover_radii(None, _val(3), d)
    assert "none fitted" in got["recover_radii"] and not (d / RECOVER_RADII_FILE).exists()


def test_a_java_date_whose_weekday_contradicts_it_is_not_read(tmp_path: Path) -> None:
    """badin33b's silent wrong: `Tue Mar 02 ... 2026` (a Monday) was read by its date."""
    import trajlm
    from trajlm.errors import TrajlmInputError

    rows = ["device_id,time,lat,lon"] + [
        f"A,{day} Mar 02 07:40:{10 * k:02d} GMT+01:00 2026,41.{1000 + k},-8.6"
        for k, day in enumerate(["Mon", "Mon", "Tue", "Mon"])
    ]
    (tmp_path / "j.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(TrajlmInputError, match=r"line 4 field time.*'Tue Mar 02 07:40:20"):
        trajlm.read(tmp_path / "j.csv")
    (tmp_path / "ok.csv").write_text("\n".join(rows).replace("Tue", "Mon") + "\n")
    got = trajlm.read(tmp_path / "ok.csv")
    assert got.height == 4  # right weekdays (and none) still read
