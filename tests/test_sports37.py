"""sports37: a sports scientist's leftovers on player tracking (docs/data.md "Session 37
(sports37)").

Before: Metrica Sports' team CSVs (three header lines, 0-1 coordinates) and TRACAB `.dat`
frames were refused ("column name(s) ['Home'] appear more than once", "cannot tell the
format"); a `period` column was not read (halves joined: Metrica's frames run on through
half-time); 25 Hz kept at 1 Hz with chord distances; `ask` had no sprint / top speed / halves
and ranked the ball as a player; `places` on a pitch used a city's 250 m / 10 min;
`trajlm.ask(frame, crs="local")` was refused. Each test below fails on the base (202f3591)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli

import trajlm
from trajlm.data.store import read_store

HZ = 25
# mover -> (speed m/s, circle radius m, centre x, centre y): H2 sprints all along, H1 turns
# tightly (1 rad a second: 1-s chords 4.1 % short), the ball is fastest of all
MOVERS = {"H1": (5.0, 5.0, 30, 30), "H2": (8.0, 20.0, 60, 34), "A1": (3.0, 10.0, 80, 20),
          "ball": (15.0, 25.0, 52, 34)}  # fmt: skip
HALF_S = 60


def _xy(name: str, n: int) -> np.ndarray:
    """(n, 2) metres from the pitch's corner: the mover's circle at 25 Hz."""
    v, r, cx, cy = MOVERS[name]
    a = np.arange(n) * v / r / HZ
    return np.column_stack([cx + r * np.cos(a), cy + r * np.sin(a)])


def _metrica(path: Path, team: str = "Home", pitch=(105.0, 68.0)) -> Path:
    """Metrica's team file: H1, H2, A1 as players 1, 2, 3, then the ball; frames run on at 25 Hz
    through half-time (only Period changes)."""
    n = HALF_S * HZ
    players = ["H1", "H2", "A1"]
    lines = [",,," + ",".join(f"{team}," for _ in players) + ",",
             ",,," + ",".join(f"{k + 1}," for k in range(len(players))) + ",",
             "Period,Frame,Time [s]," + ",".join(f"Player{k + 1}," for k in range(len(players))) + "Ball,"]  # fmt: skip
    frame = 0
    tracks = {m: _xy(m, 2 * n) for m in MOVERS}
    for period in (1, 2):
        for i in range(n):
            k = (period - 1) * n + i
            frame += 1
            cells = []
            for m in [*players, "ball"]:
                x, y = tracks[m][k]
                cells += [f"{x / pitch[0]:.6f}", f"{1 - y / pitch[1]:.6f}"]
            lines.append(f"{period},{frame},{frame / HZ:.2f}," + ",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def _tracab(path: Path) -> Path:
    """TRACAB frames: team 1 H1 / H2, team 0 A1, a referee (team 3), the ball `Dead` for 2 s;
    the second half's frames start 15 min later."""
    n, frame, lines = HALF_S * HZ, 100_000, []
    tracks = {m: _xy(m, 2 * n) for m in MOVERS}
    for period in (1, 2):
        if period == 2:
            frame += 15 * 60 * HZ
        for i in range(n):
            k = (period - 1) * n + i
            cm = {m: np.round((tracks[m][k] - [52.5, 34.0]) * 100).astype(int) for m in MOVERS}
            people = [(1, 1, 7, "H1"), (1, 2, 9, "H2"), (0, 3, 4, "A1")]
            parts = [f"{t},{tid},{j},{cm[m][0]},{cm[m][1]},0.00" for t, tid, j, m in people]
            parts.append("3,99,0,0,0,0.00")
            dead = 10 * HZ <= i < 12 * HZ
            bx, by = cm["ball"]
            ball = "0,0,0,0.00,H,Dead" if dead else f"{bx},{by},0,15.00,H,Alive"
            lines.append(f"{frame}:{';'.join(parts)};:{ball};:")
            frame += 1
    path.write_text("\n".join(lines) + "\n")
    return path


def _ingest(src: Path, store: Path, *options: str) -> tuple[dict, str]:
    r = invoke_cli(["data", "ingest", src, "--out", store, "--time-origin",
                    "2026-11-28T15:00Z", *options])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    return json.loads((store / "manifest.json").read_text()), " ".join(r.output.split())


def _local_store(tmp_path: Path, rows: list[str]) -> Path:
    """`rows` (a header and lines) as t.csv, ingested with --crs local into tmp_path / s."""
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    r = invoke_cli(
        ["data", "ingest", tmp_path / "t.csv", "--out", tmp_path / "s", "--crs", "local"]
    )
    assert r.exit_code == 0, r.output[-1500:]
    return tmp_path / "s"


@pytest.fixture(scope="module")
def tracab_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tracab")
    _ingest(_tracab(root / "match.dat"), root / "store")
    return root / "store"


def _points(store: Path) -> pl.DataFrame:
    return read_store(store).sort("traj_id", "t")


def _length(df: pl.DataFrame) -> float:
    """Sum of chord lengths within each trajectory (the stored lat / lon keep plane metres)."""
    from trajlm.data.geometry import haversine

    out = 0.0
    for _, g in df.group_by("traj_id"):
        lat, lon = g["lat"].to_numpy(), g["lon"].to_numpy()
        out += float(haversine(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum())
    return out


def test_metrica_team_file_is_read_on_the_pitch_and_cut_at_period(tmp_path):
    manifest, out = _ingest(_metrica(tmp_path / "Sample_Home_Team.csv"), tmp_path / "s")
    assert "Metrica Sports tracking: 3 players and the ball" in out
    assert "105 x 68 m pitch (the default" in out
    assert manifest["reading"]["crs"] == "local"  # implied: no --crs local needed
    assert manifest["drop_report"]["repaired"]["period_splits"] == 4  # 4 movers x 1 change
    df = _points(tmp_path / "s")
    assert df["traj_id"].n_unique() == 8  # each mover's halves: 2 trips
    assert set(df["vehicle_id"].unique()) == {"Home_1", "Home_2", "Home_3", "ball"}
    from trajlm.data.local_plane import as_plane_columns

    xy = as_plane_columns(
        df.filter(pl.col("vehicle_id") == "Home_2").select("traj_id", "t", "lat", "lon")
    )
    # H2 circles (60, 34) at 20 m: read back in pitch metres from the corner, y up
    assert abs(float(xy["x"].mean()) - 60) < 3 and abs(float(xy["y"].mean()) - 34) < 3


def test_pitch_size_option_scales_and_is_checked(tmp_path):
    src = _metrica(tmp_path / "Home.csv", pitch=(100.0, 64.0))
    _, out = _ingest(src, tmp_path / "s", "--pitch-size", "100x64")
    assert "100 x 64 m pitch (given)" in out
    r = invoke_cli(["data", "ingest", src, "--out", tmp_path / "b", "--pitch-size", "big"])
    assert r.exit_code == 2 and "pitch size 'big'" in r.output and "Traceback" not in r.output
    plain = tmp_path / "plain.csv"
    plain.write_text("traj_id,t,lat,lon\na,1700000000,41.1,-8.6\na,1700000060,41.11,-8.6\n")
    r = invoke_cli(["data", "ingest", plain, "--out", tmp_path / "c", "--pitch-size", "105x68"])
    assert r.exit_code == 2 and "no input is one" in r.output


def test_tracab_frames_are_read_halves_cut_referees_left_out(tracab_store):
    manifest = json.loads((tracab_store / "manifest.json").read_text())
    assert manifest["reading"]["crs"] == "local"
    assert manifest["drop_report"]["repaired"]["period_splits"] == 4
    df = _points(tracab_store)
    assert set(df["vehicle_id"].unique()) == {"home_7", "home_9", "away_4", "ball"}  # no referee
    assert df["traj_id"].n_unique() == 8
    ball = df.filter(pl.col("vehicle_id") == "ball")
    assert ball.height < df.filter(pl.col("vehicle_id") == "home_7").height  # `Dead` left out


def test_a_period_column_cuts_a_generic_table_under_the_gap_rule(tmp_path):
    rows = ["period,timestamp,player_id,x,y"]
    for period, start in ((1, 0), (2, 15 * 60 + 60)):  # half-time 15 min: under 30 min
        for i in range(60):
            t = 1_764_342_000 + start + i
            rows.append(f"{period},{t},P1,{10 + i * 0.5:.2f},{20 + (i % 7):.2f}")
            rows.append(f"{period},{t},P2,{40 - i * 0.4:.2f},{30 + (i % 5):.2f}")
    _local_store(tmp_path, rows)
    assert _points(tmp_path / "s")["traj_id"].n_unique() == 4


def test_full_rate_keeps_the_25hz_path(tmp_path):
    src = _metrica(tmp_path / "Home.csv")
    _ingest(src, tmp_path / "full")
    _ingest(src, tmp_path / "one", "--no-full-rate")
    full, one = _points(tmp_path / "full"), _points(tmp_path / "one")
    assert "path_m" in full.columns and "path_m" not in one.columns
    truth = MOVERS["H1"][0] * (2 * HALF_S - 2)  # 5 m/s over both halves' kept seconds
    h1 = full.filter(pl.col("vehicle_id") == "Home_1")
    steps = h1.with_columns(nxt=pl.col("t").shift(-1).over("traj_id"))
    kept = steps.filter(pl.col("nxt").is_not_null())["path_m"].sum()
    assert abs(kept / truth - 1) < 0.01
    chords = _length(one.filter(pl.col("vehicle_id") == "Home_1"))
    assert chords / truth < 0.97  # 1-s chords of a tight turn: ~4 % short
    a = trajlm.ask("distance per player", str(tmp_path / "full"))
    b = trajlm.ask("distance per player", str(tmp_path / "one"))
    assert a.value["Home_1"] > 1.03 * b.value["Home_1"]


def test_ask_sprints_top_speed_halves_and_the_ball(tracab_store):
    s = str(tracab_store)
    most = trajlm.ask("which player ran the most km", s)
    assert "ball" not in most.text.split("\n")[0] and "home_9" in most.text
    assert any("the ball" in n and "not a player" in n for n in most.notes)
    fastest = trajlm.ask("who was fastest", s)
    assert "ball" not in fastest.table["traj_id"].to_list()[0]
    sprints = trajlm.ask("how many sprints per player", s)
    assert sprints.value["home_9"] == 2 and sprints.value["home_7"] == 0  # one a half
    assert "ball" not in sprints.value
    assert any("7 m/s" in n and "1 s" in n for n in sprints.notes)
    top = trajlm.ask("what was home_9's top speed", s)
    assert abs(top.value - 8.0) < 0.6
    half = trajlm.ask("distance per player in the second half", s)
    whole = trajlm.ask("distance per player", s)
    assert 0.4 < half.value["home_7"] / whole.value["home_7"] < 0.6
    assert trajlm.ask("top speed of the ball", s).value > 12


def test_halves_refused_without_a_period(tmp_path):
    rows = ["timestamp,player_id,x,y"]
    for i in range(120):
        rows.append(f"{1_764_342_000 + i},ball,{10 + i * 0.6:.2f},{20 + (i % 7):.2f}")
        rows.append(f"{1_764_342_000 + i},P2,{40 - i * 0.4:.2f},{30 + (i % 5):.2f}")
        rows.append(f"{1_764_342_000 + i},P3,{60 - i * 0.3:.2f},{30 + (i % 3):.2f}")
    _local_store(tmp_path, rows)
    r = invoke_cli(["ask", "distance per player in the second half", "--data", tmp_path / "s"])
    assert r.exit_code == 2 and "no period / half column" in r.output


def test_places_on_a_pitch_asks_for_its_options(tracab_store, tmp_path):
    r = invoke_cli(["places", "--input", tracab_store, "--out", tmp_path / "p.csv"])
    assert r.exit_code == 2
    said = " ".join(r.output.split())
    assert "--radius-m" in said and "--stop-minutes" in said and "mean nothing" in said
    r = invoke_cli(["places", "--input", tracab_store, "--out", tmp_path / "p.csv",
                    "--radius-m", "5", "--stop-minutes", "1"])  # fmt: skip
    assert "Traceback" not in r.output
    assert "within 5 m" in " ".join(r.output.split()) or r.exit_code == 0


def test_ask_takes_crs_local_on_a_frame(tracab_store):
    from trajlm.data.local_plane import as_plane_columns

    df = read_store(tracab_store).select("traj_id", "t", "lat", "lon", "vehicle_id")
    xy = as_plane_columns(df).with_columns(pl.from_epoch("t").dt.replace_time_zone("UTC"))
    a = trajlm.ask("which player ran the most km", xy, crs="local")
    assert a.value is not None and math.isfinite(float(a.value))
    assert any("not a player" in n for n in a.notes)


def _ten_hz_rows(noise_m: float) -> list[str]:
    """Two players at 10 Hz on a straight 4 m/s line, each fix `noise_m` off (seeded)."""
    rng = np.random.default_rng(3)
    rows = ["timestamp,player_id,x,y"]
    for k in range(600):
        t = 1_764_342_000 + k / 10
        for p, y0 in (("P1", 20.0), ("P2", 40.0)):
            x, y = 10 + 0.4 * k + rng.normal(0, noise_m), y0 + rng.normal(0, noise_m)
            rows.append(f"{t:.1f},{p},{x:.3f},{y:.3f}")
    return rows


def test_full_rate_is_asked_for_and_noise_is_not_read_as_path(tmp_path):
    rows = _ten_hz_rows(0.0)
    plain = _local_store(tmp_path, rows)
    assert "path_m" not in read_store(plain).columns  # without the option: as every store was
    (tmp_path / "n.csv").write_text("\n".join(_ten_hz_rows(0.4)) + "\n")
    r = invoke_cli(["data", "ingest", tmp_path / "n.csv", "--out", tmp_path / "noisy",
                    "--crs", "local", "--full-rate"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    said = " ".join(r.output.split())
    assert "--full-rate: the source's own path is" in said and "carry noise" in said
    rate = json.loads((tmp_path / "noisy" / "manifest.json").read_text())["reading"]["full_rate"]
    assert rate["noisy"] and rate["path_over_chords"] > 1.5
    a = trajlm.ask("distance per player", str(tmp_path / "noisy"))
    assert a.value["P1"] < 300  # 4 m/s for 60 s: read from 1-s steps, not the noise's path
    assert any("sub-second path is" in n for n in a.notes)
