"""Session 34 (heldout34): `trajlm predict --input FILE` on the held-out kinds reads the file as
ingest reads it.

Before: an OGC Moving Features CSV was read as a plain table ("'@stboundedby' holds 41
values ... --traj-col '@stboundedby'"); a `.csv.zst` and a `.tgz` "cannot tell the format".
docs/data.md "Session 34 (heldout34)"."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from helpers import predict_small_csv


def test_a_moving_features_csv_is_predicted(tmp_path: Path) -> None:
    rows = [f"p1,{2 * k},{2 * k + 2},{35.68 + k * 1e-5} 139.77 {35.68 + (k + 1) * 1e-5} 139.77,w"
            for k in range(12)]  # fmt: skip
    p = tmp_path / "walkers.csv"
    p.write_text("@stboundedby,urn:ogc:def:crs:EPSG::4326,2D,35.6 139.7,35.7 139.8,"
                 "2026-05-20T00:30:00Z,2026-05-20T00:31:00Z,sec\n"
                 "@columns,mfidref,trajectory,state,xsd:token\n" + "\n".join(rows) + "\n")  # fmt: skip
    out = predict_small_csv(tmp_path, p)  # was: "--traj-col '@stboundedby'"
    assert out.height == 5 and out["traj_id"].unique().to_list() == ["p1"]
    assert float(out["lat"][0]) > 35.6801


def test_a_tgz_of_csvs_is_predicted(tmp_path: Path) -> None:
    text = "scooter_id,ts,lat,lng\n" + "".join(
        f"SC-{v},2026-04-03T08:00:{2 * k:02d}Z,{38.7 + k * 1e-4},{-9.1 + v / 100}\n"
        for v in range(2) for k in range(12))  # fmt: skip
    p = tmp_path / "dump.tgz"
    with tarfile.open(p, "w:gz") as tar:
        info = tarfile.TarInfo("export/2026-04-03/pings.csv")
        info.size = len(text)
        tar.addfile(info, io.BytesIO(text.encode()))
    out = predict_small_csv(tmp_path, p)  # was: "cannot tell the format from the name"
    assert out.height == 10 and sorted(out[out.columns[0]].unique()) == ["SC-0", "SC-1"]
