"""Session 24 (badin24): the standing attacks that found something: NaN weights, 16-bit coordinates, two commands
writing the same --out (docs/reliability.md "Session 24 (badin24)")."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from trajlm._safety import OutputExistsError
from trajlm.errors import TrajlmInputError

pytestmark = pytest.mark.filterwarnings("ignore")
SMALL = Path(__file__).resolve().parents[1] / "trajlm" / "checkpoints" / "trajlm-small"


def _frame() -> pd.DataFrame:
    n = 12
    return pd.DataFrame({"traj_id": ["a"] * n, "t": 1_792_393_200 + 15 * np.arange(n),
                         "lat": 41.15 + 1e-4 * np.arange(n), "lon": np.full(n, -8.61)})  # fmt: skip


def test_nan_weights_are_a_damaged_file_not_nan_positions(tmp_path):
    import torch
    from safetensors.torch import load_file, save_file

    from trajlm.api import TrajLM

    if not (SMALL / "model.safetensors").is_file():
        pytest.skip("trajlm-small's weights are not built")
    run = tmp_path / "run"
    shutil.copytree(SMALL, run)
    state = load_file(run / "model.safetensors")
    name = next(k for k, v in state.items() if v.ndim == 2)
    state[name] = torch.full_like(state[name], float("nan"))
    save_file(state, run / "model.safetensors")
    with pytest.raises(Exception, match=f"damaged file .*{name} holds NaN or infinite values"):
        TrajLM.from_pretrained(run)  # predicted 40 NaN positions with no word


def test_16_bit_coordinates_are_refused():
    from trajlm.data.coerce import coerce

    df = _frame()
    with pytest.raises(TrajlmInputError, match="16-bit floats"):
        coerce(df.assign(lat=df.lat.astype("float16")))  # 41.15 held as 41.16: km off
    assert len(coerce(df.assign(lat=df.lat.astype("float32")))[0]) == len(df)


def test_a_file_written_meanwhile_is_not_overwritten_without_overwrite(tmp_path):
    from trajlm.tasks.predict import write_points

    out = tmp_path / "p.csv"
    df = pl.DataFrame({"traj_id": ["a"], "lat": [1.0], "lon": [2.0]})
    write_points(df, out, overwrite=False)
    out.write_text("mine\n")  # another command's file, there before this one's write ends
    with pytest.raises(OutputExistsError, match="written by another command"):
        write_points(df, out, overwrite=False)
    assert out.read_text() == "mine\n" and [p.name for p in tmp_path.iterdir()] == ["p.csv"]
    write_points(df, out, overwrite=True)
    assert pl.read_csv(out)["traj_id"].to_list() == ["a"]


def test_writers_racing_for_one_out_leave_one_whole_file(tmp_path):
    from trajlm.tasks.predict import write_points

    out = tmp_path / "p.parquet"
    frames = [
        pl.DataFrame({"traj_id": [str(i)] * 5000, "lat": np.full(5000, float(i))}) for i in range(4)
    ]
    errors: list[Exception] = []

    def go(df: pl.DataFrame) -> None:
        try:
            write_points(df, out, overwrite=False)
        except OutputExistsError as e:
            errors.append(e)

    threads = [threading.Thread(target=go, args=(f,)) for f in frames]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = pl.read_parquet(out)
    assert len(errors) == 3 and got["traj_id"].n_unique() == 1 and len(got) == 5000
