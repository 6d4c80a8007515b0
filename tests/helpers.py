"""Helpers shared by several test files (pytest puts tests/ on sys.path)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.schema import data_root

ROOT = data_root()

# Normalization statistics of a Porto-like city, for tiny models built without data.
STATS = {
    "lat0": 41.15,
    "lon0": -8.61,
    "xy_mean": [120.0, -40.0],
    "xy_scale": 800.0,
    "dxy_scale": 40.0,
    "dt_mean": 15.0,
    "dt_scale": 4.0,
    "n_points": 0,
}


def invoke_cli(args: list[str]):
    """`trajlm ARGS` in this process (typer's CliRunner: the same app, its user-error boundary,
    exit code and printed lines); an exception that escapes the CLI is raised, not read. A
    `python -m trajlm.cli` costs ~2.5 CPU s of start-up each (citime25): keep subprocesses for
    what is about a process (torchrun, signals, a script's own shell)."""
    from typer.testing import CliRunner

    from trajlm.cli import app

    r = CliRunner().invoke(app, [str(a) for a in args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r


def predict_small_csv(tmp_path: Path, src: Path) -> pl.DataFrame:
    """`trajlm predict --model trajlm-small --input SRC` written to a CSV under `tmp_path`, read
    back as text (the held-out kinds' CLI tests: heldout33, heldout34)."""
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", src, "--out", out,
                    "--threads", "1", "--overwrite"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    return pl.read_csv(out, infer_schema=False)


def run_cli(args: list[str]) -> None:
    """`trajlm ARGS` in this process (invoke_cli), which must succeed."""
    r = invoke_cli(args)
    assert r.exit_code == 0, (args, r.output[-2000:])


def run_script(script: Path, args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `python SCRIPT ARGS` run in this process, as `__main__`
    with its folder on sys.path and the repository as the working folder (what `python
    bench/x.py` sees); `raise SystemExit("why")` reads back as exit 1 with `why` on stderr, as
    Python prints it. ~2.5 CPU s of interpreter and import start-up less than a subprocess."""
    import runpy
    import sys

    monkeypatch.syspath_prepend(str(script.parent))
    monkeypatch.setattr(sys, "argv", [str(script), *map(str, args)])
    monkeypatch.chdir(script.resolve().parents[1])
    capsys.readouterr()  # what the test printed before is not the script's
    code: int | str | None = 0
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    if isinstance(code, str):
        return 1, out, err + code + "\n"
    return int(code or 0), out, err


def load_script(*parts: str):
    """The study script at scripts/PARTS imported as a module (its functions, not its main)."""
    import importlib.util

    path = Path(__file__).parents[1].joinpath("scripts", *parts)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def study_file(study: str, scripts: tuple[str, ...], kind: str, out: Path, seed: int) -> Path:
    """The file / folder of generator `kind` from one of a held-out study's scripts
    (scripts/STUDY/SCRIPT: each has FILES and one function per kind), written into `out`."""
    import numpy as np

    for script in scripts:
        mod = load_script(study, script)
        if kind in mod.FILES:
            getattr(mod, kind)(np.random.default_rng(seed), out)
            return out / mod.FILES[kind]
    raise KeyError(kind)


def read_warned(path: Path, **kw):  # noqa: ANN201
    """`trajlm.data.readers.read(path, **kw)` as (points, report, every warning's text joined)."""
    import warnings

    from trajlm.data.readers import read

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, report = read(path, **kw)
    return out, report, " ".join(str(x.message) for x in w)


def unix_of(text: str) -> int:
    """Unix seconds of a time as pandas reads it (an offset in the text kept; none: UTC)."""
    import pandas as pd

    return int(pd.Timestamp(text).timestamp())


def need(*parts: str) -> Path:
    """A path under the shared real-data folder, or skip the test with the reason."""
    path = ROOT.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data slice {path} not present (set TRAJLM_DATA)")
    return path


def utc(s: str) -> int:
    """ISO time without offset, read as UTC -> Unix seconds."""
    return int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp())


def make_batch(B: int = 3, T: int = 12, lengths=(12, 7, 3), seed: int = 0) -> dict:
    """A right-padded random-walk loader batch (metres, seconds since window start)."""
    g = torch.Generator().manual_seed(seed)
    pos = (torch.randn(B, T, 2, generator=g) * 30).cumsum(1)
    t = (10 + 10 * torch.rand(B, T, generator=g)).cumsum(1) - 10
    mask = torch.arange(T)[None] < torch.tensor(lengths)[:, None]
    return {"pos": pos, "t": t, "t0": torch.full((B,), 1_700_000_000), "mask": mask}


def exact_tracks(df: pl.DataFrame, truth: dict[str, list]) -> None:
    """Assert ``df`` holds exactly the tracks of ``truth`` (name -> [(t, lat, lon), ...]): as many
    rows and trajectories, each track's times as given and its positions within 1e-6 degrees."""
    assert len(df) == sum(map(len, truth.values()))
    assert df["traj_id"].n_unique() == len(truth)
    for pts in truth.values():
        got = df.filter(pl.col("t") == pts[0][0])
        tid = got.filter((pl.col("lat") - pts[0][1]).abs() < 1e-6)["traj_id"][0]
        rows = df.filter(pl.col("traj_id") == tid).sort("t")
        assert rows["t"].to_list() == [p[0] for p in pts]
        assert max(abs(a - p[1]) + abs(b - p[2]) for a, b, p in zip(rows["lat"], rows["lon"], pts, strict=True)) < 1e-6  # fmt: skip


# Recovery radii fits without a model (tests/test_uncert31_recover.py, test_uncert32_recover.py)
M_PER_DEG = 111_320.0


class LinearRecover:
    """A stand-in recoverer (uncert31, uncert32): time-linear interpolation of each
    trajectory's known fixes (the fit's code path without a model)."""

    def recover(self, df: pl.DataFrame) -> pl.DataFrame:
        parts = []
        for (_,), g in df.group_by("traj_id", maintain_order=True):
            t = g["t"].cast(pl.Float64).to_numpy()
            lat, lon = g["lat"].to_numpy().astype(float), g["lon"].to_numpy().astype(float)
            k = np.isfinite(lat)
            parts.append(g.with_columns(lat=pl.Series(np.interp(t, t[k], lat[k])),
                                        lon=pl.Series(np.interp(t, t[k], lon[k]))))  # fmt: skip
        return pl.concat(parts)


def parked_trip(trip: str, seed: int, speed: float = 1.4) -> pl.DataFrame:
    """A walk of 2 h (a fix every 5 s, 3 m scatter) with a 4-hour stop in the middle: the fix
    before the stop opens a 1800-s window, so every downsampling keeps both ends of the stop."""
    rng = np.random.default_rng(seed)
    t = np.r_[np.arange(0, 3601, 5), 3600 + 4 * 3600 + np.arange(0, 3600, 5)].astype(float)
    moving = np.minimum(t, 3600) + np.maximum(t - 3600 - 4 * 3600, 0)  # parked in between
    north = speed * moving + rng.normal(0, 3, len(t))
    east = 40 * np.sin(moving / 300) + rng.normal(0, 3, len(t))
    lon = 116.4 + east / (M_PER_DEG * np.cos(0.696))
    return pl.DataFrame({"traj_id": trip, "t": 1_700_000_000 + t.astype(np.int64),
                         "lat": 39.9 + north / M_PER_DEG, "lon": lon})  # fmt: skip


def assert_recover_answers_with(run_dir: Path, val: pl.DataFrame, doc: dict) -> None:
    """``TrajLM.from_pretrained(run_dir).recover(radii=[90])`` on every other fix of val's first
    trip hidden answers with ``doc``'s factors (the run's own recover_radii.json), not
    trajlm-small's, NaN on known rows (uncert31's and uncert33's tests)."""
    import trajlm
    from trajlm.eval.radii_regime import seconds
    from trajlm.eval.recover_spread import gap_features, load_recover_spread, spread_columns

    model = trajlm.TrajLM.from_pretrained(run_dir, threads=1)
    assert model.recover_spread is not None and model.recover_spread["pooled"] == doc["pooled"]
    query = val.filter(pl.col("traj_id") == val["traj_id"][0]).head(30).sort("t")
    hide = (np.arange(query.height) % 2 == 1) & (np.arange(query.height) < query.height - 1)
    gaps = query.with_columns(lat=pl.when(pl.Series(hide)).then(None).otherwise(pl.col("lat")),
                              lon=pl.when(pl.Series(hide)).then(None).otherwise(pl.col("lon")))  # fmt: skip
    out = model.recover(gaps, radii=[90])
    f = gap_features(seconds(query["t"]).to_numpy(), out.select("lat", "lon").to_numpy(),
                     ~hide, np.zeros(query.height), doc["max_gap_s"])  # fmt: skip
    own = spread_columns(doc, f, [90])["r90_m"]
    small = spread_columns(load_recover_spread("trajlm/checkpoints/trajlm-small"), f, [90])["r90_m"]
    got = out["r90_m"].to_numpy()
    assert np.isfinite(got[hide]).all() and np.isnan(got[~hide]).all()
    assert np.allclose(got[hide], own[hide], rtol=1e-9)  # the run's own factors answer
    assert not np.allclose(got[hide], small[hide])  # not trajlm-small's


def tiny_fit_run(d: Path, n_trajectories: int, seed: int) -> dict:
    """A synthetic store of ``n_trajectories`` under ``d`` and a 2-step tiny ``TrajLM.fit``
    (`trajlm train`'s body) on it: {"dir", "model", "val", "said": the warnings' lines}."""
    import warnings

    from reliability_helpers import TINY

    import trajlm
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store

    synth_store(d / "s", n_trajectories=n_trajectories, seed=seed, overwrite=False)
    (d / "tiny.toml").write_text(TINY)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        model = trajlm.TrajLM.fit(d / "s", d / "run", config=d / "tiny.toml", max_steps=2,
                                  seed=0, threads=1)  # fmt: skip
    val = read_store(d / "s", split="val").drop("split")
    return {"dir": d, "model": model, "val": val, "said": [str(w.message) for w in said]}


def tiny_model(path: Path) -> Path:
    """A one-layer, 16-wide trajectory model (seed 0) saved at `path`: for calls that need a
    model, not its skill (test_newuser24_fleet's, moved here: leftover33)."""
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    TrajectoryModel(cfg).save_pretrained(path)
    return path


def tiny_infill_trajlm():
    """A TrajLM around a one-layer, 16-wide model with infilling heads (seed 0, 1 thread): for
    calls that read inputs (at_times, zones), not for skill (leftover34b's, leftover35's)."""
    import trajlm
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS,
                      infill_heads=True)  # fmt: skip
    return trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)


def read_error(path: Path) -> Exception:
    """The TrajlmInputError `readers.read(path)` raises (its warnings silenced)."""
    import warnings

    from trajlm.data.readers import read
    from trajlm.errors import TrajlmInputError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError) as e:
            read(path)
    return e.value


def wide_table(path: Path, bad_row: int) -> Path:
    """A rally's wide table (heldout30): `time_utc` and lat_<car> / lon_<car> for cars 201-203,
    five 1-minute ticks, the time of tick `bad_row` (0-based) not a time."""
    head = "time_utc," + ",".join(f"lat_{c},lon_{c}" for c in (201, 202, 203))
    rows = [f"2026-01-08 07:3{i}:00," + ",".join(f"23.{c}{i},45.9{i}" for c in (201, 202, 203))
            for i in range(5)]  # fmt: skip
    rows[bad_row] = "not a time" + rows[bad_row][19:]
    path.write_text(head + "\n" + "\n".join(rows) + "\n")
    return path


def wide_fleet(n_traj: int = 120, n: int = 24, seed: int = 0) -> pl.DataFrame:
    """A fleet-like table (scale35, scale36): trips whose id order is not their time order (so
    the splits interleave by id), with the columns nothing in a plain predict eval reads."""
    rng = np.random.default_rng(seed)
    starts = rng.permutation(n_traj)
    rows = []
    for i in range(n_traj):
        heading = rng.uniform(0, 2 * np.pi)
        for j in range(n):
            rows.append({"traj_id": f"V{i % 20:02d}_{i:03d}_0", "t": 1_700_000_000 + 3_600 * int(starts[i]) + 30 * j,
                         "lat": 52.0 + 1e-3 * i + 2e-4 * j * np.cos(heading),
                         "lon": 5.0 + 2e-4 * j * np.sin(heading) + 1e-5 * rng.normal(),
                         "vehicle_id": f"V{i % 20:02d}", "sog_mps": 8.0 + j % 3,
                         "cog_deg": float(np.degrees(heading) % 360), "accuracy_m": 5.0,
                         "source_traj_id": f"V{i % 20:02d}_{i:03d}"})  # fmt: skip
    return pl.DataFrame(rows)


def table_without_seconds(result) -> dict:
    """The result's JSON less what differs between two runs of one table (seconds, commit)."""

    def strip(x):
        if isinstance(x, dict):
            return {
                k: strip(v) for k, v in x.items() if k not in ("fit_s", "predict_s", "git_commit")
            }
        return [strip(v) for v in x] if isinstance(x, list) else x

    return strip(json.loads(result.to_json()))
