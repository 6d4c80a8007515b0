"""Lead, session 23: `--keep-copies` reads byte copies of a file as files of their own
(PROTOCOL's GeoLife split counts users 081 and 125's 24 shared .plt twice; the default reads
them once, docs/data.md "Session 23 (lead)")."""

from __future__ import annotations

import json
from pathlib import Path

from reliability_helpers import invoke
from test_data18 import _plt


def _two_users(root: Path) -> Path:
    body = _plt(root / "Data/081/Trajectory/a.plt", 10)
    (root / "Data/125/Trajectory").mkdir(parents=True)
    (root / "Data/125/Trajectory/a.plt").write_bytes(body)
    _plt(root / "Data/125/Trajectory/b.plt", 40)
    return root / "Data"


def test_keep_copies_reads_a_shared_plt_under_each_user(tmp_path):
    from trajlm.data.readers import read

    data = _two_users(tmp_path)
    once, rep = read(data, "geolife")
    assert sorted(once["traj_id"].unique()) == ["081/a", "125/b"]
    assert rep.dropped == {"duplicate_file": 30}
    both, rep = read(data, "geolife", keep_copies=True)
    assert sorted(both["traj_id"].unique()) == ["081/a", "125/a", "125/b"]
    assert rep.dropped == {} and len(both) == 90


def test_keep_copies_from_the_cli_is_recorded_in_the_store(tmp_path):
    data = _two_users(tmp_path)
    for flag, n in (([], 2), (["--keep-copies"], 3)):
        out = tmp_path / f"s{n}"
        r = invoke("data", "ingest", data, "--format", "geolife", "--out", out, *flag)
        assert r.exit_code == 0, r.output
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["n_trajectories"] == n, manifest
        assert manifest.get("reading", {}).get("keep_copies", False) is bool(flag)


def test_keep_copies_reads_csv_copies_too(tmp_path):
    from trajlm.data.readers import read

    rows = "traj_id,t,lat,lon\n" + "".join(f"a,{1700000000 + 15 * k},41.1,{-8.6 + 1e-4 * k}\n"
                                           for k in range(12))  # fmt: skip
    (tmp_path / "x.csv").write_text(rows)
    (tmp_path / "x (1).csv").write_text(rows)
    _, rep = read([tmp_path / "x.csv", tmp_path / "x (1).csv"], "csv", on_error="skip")
    assert rep.dropped.get("duplicate_file") == 12
    _, rep = read([tmp_path / "x.csv", tmp_path / "x (1).csv"], "csv", on_error="skip",
                  keep_copies=True)  # fmt: skip
    assert "duplicate_file" not in rep.dropped
