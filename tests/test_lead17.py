"""Session 17 (lead): `seconds_ahead` results carry the exact asked times, in the Python API and
through `trajlm predict --seconds-ahead` (which now reads the input's sub-second times too).

Before: 1.6 s after a last fix at 03.2 s was labelled 05.2 s (the whole-second sum 3 + 2 plus
the last fix's fraction) while its position was computed for 04.8 s, and the CLI floored the
input's times before the rollout (its positions were those of other times)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from helpers import invoke_cli, run_cli

T0 = pd.Timestamp("2024-05-01 10:00:00", tz="UTC")


def _train(times_s: list[float]) -> pd.DataFrame:
    """A 45 m/s train with fixes at `times_s` (seconds after T0, to the ms)."""
    return pd.DataFrame({
        "id": "a",
        "time": [T0 + pd.Timedelta(milliseconds=round(s * 1000)) for s in times_s],
        "lat": [41.15 + s * 45 / 111_320 for s in times_s],
        "lon": -8.6,
    })  # fmt: skip


def _predict(small, df, ahead):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return small.predict(df, seconds_ahead=ahead)


@pytest.mark.parametrize("ahead", [[1.6, 3.2], [2.0, 4.0], [0.5]])
def test_seconds_ahead_times_are_the_times_asked(small, ahead):
    df = _train([0.0, 1.6, 3.2])
    out = _predict(small, df, ahead)
    want = [T0 + pd.Timedelta(milliseconds=round((3.2 + a) * 1000)) for a in ahead]
    got = pd.to_datetime(out["time"]).dt.round("ms").tolist()
    assert got == want, (got, want)


def test_whole_second_input_keeps_integer_times(small):
    df = _train([0.0, 2.0, 4.0])
    out = _predict(small, df, [2, 4])
    assert pd.to_datetime(out["time"]).tolist() == [T0 + pd.Timedelta(seconds=s) for s in (6, 8)]


def _cli_predict(df: pd.DataFrame, tmp_path, *options: str) -> pd.DataFrame:
    """`trajlm predict` with trajlm-small on ``df`` written as a CSV with ISO times to the us."""
    src, out = tmp_path / "sub.csv", tmp_path / "out.csv"
    pd.DataFrame({"id": df["id"], "lat": df["lat"], "lon": df["lon"],
                  "time": df["time"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}).to_csv(src, index=False)  # fmt: skip
    args = ["predict", "--model", "trajlm-small", "--input", str(src), *options, "--out", str(out)]
    run_cli([*args, "--threads", "1"])  # in this process: ~2.5 CPU s of start-up less
    return pd.read_csv(out)


def test_cli_seconds_ahead_matches_the_api(small, tmp_path):
    df = _train([0.0, 1.6, 3.2])
    cli = _cli_predict(df, tmp_path, "--seconds-ahead", "1.6,3.2")
    api = _predict(small, df, [1.6, 3.2])
    assert pd.to_datetime(cli["time"]).tolist() == pd.to_datetime(api["time"]).tolist()
    assert (cli["lat"] - api["lat"]).abs().max() < 1e-7  # the CSV writes 7 decimals (leftover30)


def test_bad_seconds_ahead_is_said_in_plain_numbers(small):
    with pytest.raises(ValueError, match=r"got \[nan, -1\.0\]") as e:
        _predict(small, _train([0.0, 2.0, 4.0]), [float("nan"), -1])
    assert "np.float64" not in str(e.value)


def test_config_json_holding_a_list_is_said_plainly(tmp_path):
    from trajlm.errors import ConfigError
    from trajlm.model.config import ModelConfig

    with pytest.raises(ConfigError, match="expected a table of settings .* got a list"):
        ModelConfig.from_dict([1, 2], section="config.json")


@pytest.mark.parametrize(("sample", "pattern"), [  # (dotted dates are read day-first: heldout25)
    ("02/12/2026 10:05", "%d/%m/%Y %H:%M"),
    ("2/12/26", "%d/%m/%y"), ("02/12/2026 10:05:07.25", "%d/%m/%Y %H:%M:%S.%f"),
])  # fmt: skip
def test_day_first_hint_reads_the_users_own_times(sample, pattern):
    """The refusal of day/month-ambiguous times suggests a format that parses them whole (it
    said '%d/%m/%Y %H:%M' for times with seconds; ask15)."""
    import polars as pl

    from trajlm.data.coerce import coerce
    from trajlm.errors import TrajlmInputError

    df = pl.DataFrame({"id": ["a", "a"], "time": [sample, sample.replace("02", "03", 1)],
                       "lat": [41.0, 41.001], "lon": [-8.6, -8.6]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        coerce(df)
    assert pattern in str(e.value.hint if hasattr(e.value, "hint") else e.value)
    assert pd.to_datetime(sample, format=pattern) is not None


@pytest.mark.parametrize("dt", [1.6, 2.5])
def test_steps_read_sub_second_intervals(small, dt):
    """predict(steps=) reads the history's exact intervals: a 45 m/s train sampled every 1.6 s
    was read at 1-2 s steps (floored times) and continued at 36 m/s (2.5 s: 56 m/s)."""
    ts = [dt * i for i in range(5)]
    df = _train(ts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = small.predict(df, steps=3)
    t = (pd.to_datetime(out["time"]) - T0).dt.total_seconds().to_numpy()
    speed = (out["lat"].to_numpy() - df["lat"].iloc[-1]) * 111_320 / (t - ts[-1])
    assert abs(t[0] - ts[-1] - dt) < 1e-3, t
    assert abs(speed - 45.0).max() < 0.5, speed


def test_cli_steps_match_the_api(small, tmp_path):
    df = _train([0.0, 1.6, 3.2, 4.8, 6.4])
    cli = _cli_predict(df, tmp_path, "--steps", "3")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api = small.predict(df, steps=3)
    gap = (pd.to_datetime(cli["time"]) - pd.to_datetime(api["time"])).abs()
    assert gap.max() < pd.Timedelta(milliseconds=1)  # the CLI writes times to the ms
    assert (cli["lat"] - api["lat"]).abs().max() < 1e-7  # the CSV writes 7 decimals (leftover30)


@pytest.mark.parametrize("how", ["steps", "seconds_ahead"])
def test_nanosecond_datetimes_predict_in_their_own_year(small, how):
    """ns datetimes carry their part below the microsecond in a second column (formats17); the
    rollout read that column (integer ns) as the fraction of a second and predicted in 2030."""
    df = _train([0.0, 2.0, 4.0, 6.0, 8.0])
    df["time"] = df["time"].astype("datetime64[ns, UTC]") + pd.Timedelta(nanoseconds=48)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = small.predict(df, **({"steps": 2} if how == "steps" else {"seconds_ahead": [2, 4]}))
    gap = (pd.to_datetime(out["time"]) - df["time"].iloc[-1]).dt.total_seconds()
    assert gap.between(0.5, 10).all(), out["time"].tolist()


def test_cli_predict_says_random_bytes_are_binary(tmp_path):
    """`trajlm predict --input x.csv` on random bytes: one line saying binary, as ingest says it
    (it said "damaged file (invalid utf-8 sequence)" and advised a table's columns)."""
    import numpy as np

    src = tmp_path / "x.csv"
    src.write_bytes(np.random.default_rng(0).bytes(3000))
    out = tmp_path / "o.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", str(src), "--out", str(out)])
    assert r.exit_code != 0 and "Traceback" not in r.stderr
    assert "binary data" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_short_absolute_paths_are_said_whole():
    """An input error names /tmp/x.csv as itself (the root was dropped: "tmp/x.csv"); long paths
    keep their last three parts."""
    from trajlm.errors import TrajlmInputError

    assert str(TrajlmInputError("bad", path="/tmp/s/x.csv")).startswith("/tmp/s/x.csv")
    long = str(TrajlmInputError("bad", path="/data/geolife/Data/000/Trajectory/a.plt"))
    assert long.startswith("000/Trajectory/a.plt")
