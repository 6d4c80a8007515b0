"""Session 36 (outside36): scripts/outside36/lstm.py, the LSTM encoder-decoder baseline that
answers `trajlm data queries`' windows: its training windows and its answers sit in each
window's last-fix frame (metres east / north), glitches are left out of training."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import load_script

M_PER_DEG = 6_371_000.0 * np.pi / 180  # the script's sphere


@pytest.fixture(scope="module")
def lstm():
    return load_script("outside36", "lstm.py")


def _east_m(lon, lat0: float = 41.0):
    return np.asarray(lon) * M_PER_DEG * np.cos(np.radians(lat0))


def _line(traj: str, n: int, jump_at: int | None = None) -> pd.DataFrame:
    """n fixes due east along 41 N at 10 m/s, one every 15 s (150 m); a 10 km jump at one."""
    east = 150.0 * np.arange(n)
    if jump_at is not None:
        east[jump_at] += 10_000.0
    return pd.DataFrame({"traj_id": traj, "t": 1_000_000 + 15 * np.arange(n), "lat": 41.0,
                         "lon": -8.0 + east / _east_m(1.0)})  # fmt: skip


def test_train_windows_in_the_last_fix_frame_glitches_left_out(lstm, tmp_path):
    d = tmp_path / "store" / "points" / "split=train"
    d.mkdir(parents=True)
    pd.concat([_line("a", 12), _line("b", 12, jump_at=6)]).to_parquet(d / "part-00000.parquet")
    got = lstm.train_windows(tmp_path / "store")
    # a's cuts after fix 1..6 (>= 2 in, 5 out); every one of b's windows holds the jump
    assert sorted(got["lengths"].tolist()) == [1, 2, 3, 4, 5, 6]
    for moves, n, future in zip(got["moves"], got["lengths"], got["future"], strict=True):
        assert np.allclose(moves[:n], [1.5, 0.0, 0.25], atol=1e-6)  # 150 m east per 15 s
        assert not moves[n:].any()  # left-aligned, zeros after
        assert np.allclose(future, np.c_[1.5 * np.arange(1, 6), np.zeros(5)], atol=1e-6)


def test_answers_follow_the_decoder_moves_from_the_last_fix(lstm, tmp_path):
    model = lstm.Seq2Seq(8)
    with torch.no_grad():  # every decoded move: 100 m east, 50 m north
        model.head.weight.zero_()
        model.head.bias.copy_(torch.tensor([1.0, 0.5]))
    torch.save({"hidden": 8, "state": model.state_dict()}, tmp_path / "m.pt")
    q = pd.concat([_line("a", 3), _line("b", 25)])  # b: only its last 20 fixes are read
    q["query_id"] = q.traj_id + "@x"
    q["step"] = q.groupby("traj_id").cumcount()
    q.sample(frac=1, random_state=0).to_csv(tmp_path / "q.csv", index=False)
    asks = pd.DataFrame({"query_id": np.repeat(["b@x", "a@x"], 5), "traj_id": "x",
                         "k": np.tile([3, 1, 5, 2, 4], 2), "t": 0})  # fmt: skip
    asks.to_csv(tmp_path / "q.asks.csv", index=False)
    lstm.answer(argparse.Namespace(model=tmp_path / "m.pt", queries=tmp_path / "q.csv",
                                   asks=tmp_path / "q.asks.csv", out=tmp_path / "a.csv"))  # fmt: skip
    got = pd.read_csv(tmp_path / "a.csv")
    assert got[["query_id", "k"]].equals(asks[["query_id", "k"]])  # every ask, in its order
    last_east = {"a@x": 300.0, "b@x": 3600.0}
    east = _east_m(got.lon + 8.0) - got.query_id.map(last_east)
    north = (got.lat - 41.0) * M_PER_DEG
    assert np.allclose(east, 100.0 * got.k, atol=0.05)
    assert np.allclose(north, 50.0 * got.k, atol=0.05)


def test_choose_takes_the_lowest_seed_mean(tmp_path, monkeypatch, capsys):
    import json

    rows = [("lstm_h64_e5_seed0", 10.0), ("lstm_h64_e5_seed1", 30.0),  # mean 20
            ("lstm_h128_e2_seed0", 19.0), ("lstm_h128_e2_seed1", 22.0),  # mean 20.5
            ("kNN continuation", 1.0)]  # fmt: skip
    path = tmp_path / "val.json"
    path.write_text(json.dumps({"results": [{"method": m, "metrics": {"mae_m": v}}
                                            for m, v in rows]}))  # fmt: skip
    monkeypatch.setattr("sys.argv", ["choose.py", str(path)])
    load_script("outside36", "choose.py").main()
    assert capsys.readouterr().out.split() == ["64", "5"]
