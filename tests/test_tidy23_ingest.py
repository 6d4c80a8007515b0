"""tidy23 item 4: `trajlm data ingest --on-error skip` said "warning: most rows were skipped;
the first: ... latitude outside [-90, 90]" on GeoLife, where one row was out of range and most
rows were thinned by the PROTOCOL preset (>= 15 s apart). The warning now counts only rows
dropped as bad (``DropReport.bad``: not the preset's thinning, stops, too-short trajectories,
repeated times, byte copies), and thinning of most rows is its own line. docs/api.md "Session
23 (tidy23)"."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from reliability_helpers import invoke, said

from trajlm.data.schema import DropReport

HEAD = "Geolife trajectory\nWGS 84\nAltitude is in Feet\nReserved 3\n0,2,255,My Track,0,0,2,8421376\n0\n"


def _plt(path: Path, n: int, bad: int | None = None) -> None:
    """A GeoLife .plt of `n` fixes 1 s apart (a phone logging every second); row `bad` has
    latitude 400.17 (out of range)."""
    lines = []
    for i in range(n):
        lat = 400.166666666667 if i == bad else 39.9766 + 1e-5 * i
        days = 40797.0035416667 + i / 86400
        lines.append(
            f"{lat},{116.332 + 1e-5 * i},0,0,{days},2011-09-11,00:{5 + i // 60:02d}:{i % 60:02d}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + "\n".join(lines) + "\n")


def test_thinned_rows_are_not_said_as_skipped(tmp_path):
    data = tmp_path / "Data"
    _plt(data / "020" / "Trajectory" / "20110911000506.plt", 600, bad=300)
    _plt(data / "021" / "Trajectory" / "20110911010000.plt", 600)
    r = invoke("data", "ingest", data, "--format", "geolife", "--out", tmp_path / "g",
               "--on-error", "skip")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "most rows were skipped" not in text, text  # before: said, over 1 bad row of 1,200
    assert "thinned: 1,119 of 1,200 rows came under 15 s after the last kept fix" in text, text
    assert "out_of_range" in text  # the drop report still counts the bad row


def test_most_rows_bad_still_warns_with_the_first(tmp_path):
    data = tmp_path / "Data"
    p = data / "020" / "Trajectory" / "20110911000506.plt"
    _plt(p, 40)
    lines = p.read_text().splitlines()
    lines[6:36] = [ln.replace("39.97", "n/a", 1) for ln in lines[6:36]]  # 30 of 40 rows bad
    p.write_text("\n".join(lines) + "\n")
    r = invoke("data", "ingest", data, "--format", "geolife", "--out", tmp_path / "g",
               "--on-error", "skip", "--min-interval", "1")  # fmt: skip
    text = said(r)
    assert r.exit_code == 0, r.output
    assert "most rows were skipped; the first: 020/Trajectory/20110911000506.plt line 7" in text
    assert "thinned:" not in text


def test_drop_report_bad_leaves_the_presets_drops_out():
    report = DropReport(1000, Counter({"thinned": 800, "short_trajectory": 50, "out_of_range": 1,
                                       "malformed_row": 9, "duplicate_file": 40}))  # fmt: skip
    assert report.bad == 10 and report.total == 900
