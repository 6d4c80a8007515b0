"""Session 10 probes: the corpus on data roots unlike the shared one (renamed files, a new
folder, an empty or missing root, a damaged file) and the coverage gate on histories of steps
the model never learned (docs/generalization.md "Session 10"). Synthetic data only."""

from __future__ import annotations

import polars as pl
import pytest
import torch
from test_generalization import morning_table
from test_robust import model

from trajlm.data.corpus import build_corpus, load_corpus_spec
from trajlm.data.schema import TrajlmInputError
from trajlm.model.scale import coverage_base, history_gate

SPEC = """
[corpus]
name = "probe"
val_trips_per_source = 3
{extra}

[[source]]
name = "city"
format = "synthetic"
city = {{ n_trajectories = 20, seed = 0, n_days = 1 }}
redistributable = true

[[source]]
name = "buses"
format = "csv"
path = "buses/route.csv"
weight = 2.0
licence = "OGL"
"""


def _csv(path, seed: int = 0, n: int = 20) -> None:
    """Trips as a user's own CSV: trip_id, timestamp (ISO), latitude, longitude."""
    df = morning_table(n=n, points=20, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.select(
        pl.col("traj_id").cast(pl.Utf8).alias("trip_id"),
        pl.from_epoch("t", time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("timestamp"),
        pl.col("lat").alias("latitude"),
        pl.col("lon").alias("longitude"),
    ).write_csv(path)


def _build(tmp_path, root, extra: str = "discover = true", redistributable_only=False):
    (tmp_path / "spec.toml").write_text(SPEC.format(extra=extra))
    spec = load_corpus_spec(tmp_path / "spec.toml", data_root=str(root))
    lines: list[str] = []
    record = build_corpus(spec.select(redistributable_only), tmp_path / "corpus", overwrite=True,
                          log=lines.append)  # fmt: skip
    return record, "\n".join(lines)


def _names(record) -> list[str]:
    return sorted(s["name"] for s in record["sources"])


def test_renamed_file_is_read_with_its_sources_settings(tmp_path):
    root = tmp_path / "root"
    _csv(root / "buses" / "other.csv")
    record, log = _build(tmp_path, root)
    bus = next(s for s in record["sources"] if s["name"] == "buses")
    assert bus["weight"] == 2.0 and bus["licence"] == "OGL"
    assert "buses/route.csv not found; reading buses/other.csv" in log
    assert record["found"][0]["path"] == ["buses/other.csv"]
    record, log = _build(tmp_path, root, extra="")  # without discover: as before, skipped
    assert _names(record) == ["city"] and "skipping source buses" in log


def test_new_folder_of_a_recognised_format_becomes_a_source_and_is_printed(tmp_path):
    root = tmp_path / "root"
    _csv(root / "buses" / "route.csv")
    _csv(root / "My Trips" / "trips.csv", seed=1)
    (root / "README.md").write_text("notes")  # not data: left alone
    (root / "old").mkdir()  # nothing trajlm reads: a line, no source
    (root / "old" / "notes.pdf").write_bytes(b"%PDF")
    record, log = _build(tmp_path, root)
    assert _names(record) == ["buses", "city", "my_trips"]
    new = next(s for s in record["sources"] if s["name"] == "my_trips")
    assert new["weight"] == 1.0 and not new["redistributable"] and new["n_trajectories"] > 0
    assert "found a data set the spec does not name: My Trips -> source my_trips" in log
    assert "columns guessed from the header: traj_id <- trip_id" in log
    assert "old: no file trajlm reads" in log
    ignored, _ = _build(tmp_path, root, extra='discover = true\nignore = ["My Trips"]')
    assert _names(ignored) == ["buses", "city"]
    shipped, _ = _build(tmp_path, root, redistributable_only=True)
    assert _names(shipped) == ["city"]  # a found data set has no known licence


def test_empty_root_says_only_synthetic_and_missing_root_is_one_error(tmp_path):
    (tmp_path / "empty").mkdir()
    record, log = _build(tmp_path, tmp_path / "empty")
    assert _names(record) == ["city"]
    assert "no data set of the spec was found" in log
    with pytest.raises(TrajlmInputError, match="data root is not a folder"):
        _build(tmp_path, tmp_path / "typo")


def test_damaged_file_is_read_with_a_line_naming_the_damage(tmp_path):
    root = tmp_path / "root"
    _csv(root / "buses" / "route.csv")
    with open(root / "buses" / "route.csv", "ab") as f:
        f.write(b"7,\x00\x00\x00garbage,41.1,-8.6\n")
    record, log = _build(tmp_path, root)
    assert "buses" in _names(record)
    assert "unreadable row(s) skipped" in log


def _ship(step_units: float, dt_s: float, n: int = 6, **kw):
    m = model(coverage_gate="speed", **kw)
    # 600 s fixes: twice the longest training time step, so the speed gate alone gives 0.5
    m.config.coverage = {"traj_speed_mps": {"p5": 0.1, "p95": 1e4},
                         "dt_s": {"p1": 10.0, "p99": 300.0}}  # fmt: skip
    step = step_units * float(m.embed.stats["dxy_scale"])
    t = torch.arange(float(n))[None] * dt_s
    pos = torch.stack([torch.arange(float(n)) * step, torch.zeros(n)], -1)[None]
    batch = {"pos": pos, "t": t, "t0": torch.zeros(1), "mask": torch.ones(1, n, dtype=torch.bool)}
    return m, batch, step


@pytest.mark.parametrize("base_window", [1, 4])
def test_history_of_unlearned_long_steps_gets_constant_velocity(base_window):
    """Steps beyond max_step_norm (25 store units) are never learned: a history made of them
    (ships fixed every 10 min) gets gate 0, i.e. exactly the input's own constant velocity;
    before session 10 it kept half the correction here (gate 0.5 from the time step). With a
    window base (session 11), whose window leaves such steps out, the fallback still repeats
    the input's own last step (it had predicted a standing ship: 8x constant velocity)."""
    m, batch, step = _ship(40.0, 600.0, base_window=base_window)
    f = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    assert float(history_gate(m, f, torch.tensor([5]))[0]) == 0.0
    out = m.generate(batch, 3)["pos"][0]
    cv = batch["pos"][0, -1, 0] + step * torch.arange(1, 4)
    assert torch.allclose(out[:, 0], cv, rtol=1e-4) and out[:, 1].abs().max() < 1e-3 * step
    base = coverage_base(f[0, -1:, 2:5], m.embed.stats, m.config.coverage, m.config.max_step_norm)
    assert float(base[0, 0]) > m.config.max_step_norm  # repeated, not dropped as a glitch


def test_short_steps_keep_the_speed_gate():
    """The same history at in-range step lengths keeps its gate (0.5 here): nothing changes
    where steps are ones the model learned."""
    m, batch, _ = _ship(2.0, 600.0)
    f = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    assert float(history_gate(m, f, torch.tensor([5]))[0]) == pytest.approx(0.5)


def test_a_root_of_linked_folders_is_read_through_the_links(tmp_path):
    """Data roots are often links to the real folders (ln -s /disk/GeoLife root/x/Data):
    detection, discovery and the readers search through a linked subfolder (Path.rglob
    does not), and a link loop ends."""
    real = tmp_path / "disk" / "trips"
    _csv(real / "a.csv")
    root = tmp_path / "root"
    (root / "mine").mkdir(parents=True)
    (root / "mine" / "data").symlink_to(real, target_is_directory=True)
    (real / "loop").symlink_to(real, target_is_directory=True)
    record, log = _build(tmp_path, root)
    assert "mine" in _names(record), log
    assert next(s for s in record["sources"] if s["name"] == "mine")["n_trajectories"] > 0


GEOLIFE_SOURCE = """
[[source]]
name = "geolife"
format = "geolife"
path = "geolife/Data"
weight = 3.0
licence = "MSR"
"""


def test_a_moved_folder_of_a_format_only_one_source_has_is_that_source(tmp_path):
    """A renamed GeoLife folder (format geolife: .plt files) is read as the listed geolife
    source, with its weight and licence, not as a new data set of default weight."""
    root = tmp_path / "root"
    for user in ("000", "001"):
        plt = root / "GeoLife 1.3" / "Data" / user / "Trajectory" / "20081024020000.plt"
        plt.parent.mkdir(parents=True)
        head = ["Geolife trajectory", "WGS 84", "Altitude is in Feet", "Reserved 3",
                "0,2,255,My Track,0,0,2,8421376", "0"]  # fmt: skip
        rows = [f"39.9{i:02d}0,116.3{i:02d}0,0,100,39745.1,2008-10-24,02:{i:02d}:00"
                for i in range(30)]  # fmt: skip
        plt.write_text("\n".join(head + rows) + "\n")
    (tmp_path / "spec.toml").write_text(SPEC.format(extra="discover = true") + GEOLIFE_SOURCE)
    spec = load_corpus_spec(tmp_path / "spec.toml", data_root=str(root))
    lines: list[str] = []
    record = build_corpus(spec, tmp_path / "corpus", log=lines.append)
    log = "\n".join(lines)
    geo = next(s for s in record["sources"] if s["name"] == "geolife")
    assert geo["weight"] == 3.0 and geo["licence"] == "MSR" and geo["n_trajectories"] > 0
    assert "geolife: geolife/Data not found; reading GeoLife 1.3 (format geolife" in log
    assert "found a data set" not in log
    assert _names(record) == ["city", "geolife"]


def test_fallback_keeps_a_ship_moving_when_long_time_steps_are_in_coverage():
    """A corpus with AIS has 20-min steps in coverage (dt p99 1,260 s); the glitch speed
    max_step_norm * dxy_scale / dt_p99 was then ~9 m/s, so the coverage gate's fallback
    stood every ship and car still (a corpus model 2.1x CV on ships; session 11). A glitch is
    now also at least 4x the fastest trips' speed; a real jump is still dropped."""
    stats = {"dxy_scale": torch.tensor(442.0), "dt_scale": torch.tensor(100.0),
             "dt_mean": torch.tensor(30.0)}  # fmt: skip
    coverage = {"dt_s": {"p99": 1260.0}, "traj_speed_mps": {"p99": 28.6}}
    dt_feat = (630.0 - 30.0) / 100.0
    ship = torch.tensor([[6300.0 / 442.0, 0.0, dt_feat]])  # 10 m/s over 630 s
    assert torch.equal(coverage_base(ship, stats, coverage, 25.0), ship)
    jump = torch.tensor([[9000.0 / 442.0, 0.0, (10.0 - 30.0) / 100.0]])  # 900 m/s
    assert float(coverage_base(jump, stats, coverage, 25.0)[0, 0]) == 0.0
