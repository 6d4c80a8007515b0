"""A vanilla LSTM encoder-decoder for 5-step prediction: the published deep baseline's shape
(e.g. the seq2seq rows of trajectory-prediction papers), as an outside method would run it:
trained on the store's TRAIN points (read straight from its parquet files), answering
`trajlm data queries`' windows for `trajlm eval --predictions` (no trajlm import;
docs/protocol.md "Session 36 (outside36)").

Per window, in a local metric frame (equirectangular about its last input fix, metres): the
encoder (2-layer LSTM) reads the moves (dx, dy / 100 m, dt / 60 s) between the last <= 20 input
fixes; the decoder (2-layer LSTM, started from the encoder's state) is fed the previous move
(dx, dy) and emits the next, 5 times; the answers are the running sums. Training: every cut of
every train trajectory with >= 1 input move and 5 fixes after it (windows with a move over
100 m/s, GPS glitches, left out), MSE on the 5 positions in metres (/ 100 m), teacher forcing
(the decoder is fed the true previous move) in training and off at answer time (fed its own),
Adam 1e-3, batch 512, gradient norm clipped at 1, one thread; an epoch is 32,768 windows drawn
afresh (all of Porto's ~32k; a quarter of GeoLife's ~130k), so a run takes minutes.

    python scripts/outside36/lstm.py train /tmp/stores/porto --hidden 64 --epochs 5,10 \
        --seed 0 --models DIR            # -> DIR/h64_seed0_e5.pt, DIR/h64_seed0_e10.pt
    python scripts/outside36/lstm.py answer DIR/h64_seed0_e10.pt q.csv q.asks.csv --out a.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

EARTH_RADIUS_M = 6_371_000.0
HISTORY = 20  # input fixes per window, as eval's windows (PROTOCOL: the first 20 points in)
STEPS = 5  # fixes out (PROTOCOL's k = 5)
XY_SCALE_M, DT_SCALE_S = 100.0, 60.0  # input / loss units (conditioning only)
GLITCH_MPS = 100.0  # a training window with a faster move is a GPS glitch, left out
PER_EPOCH = 32_768  # windows drawn afresh per epoch (GeoLife has ~4x Porto's): minutes a run
BATCH = 512
TEXT = {"query_id": str, "traj_id": str}  # ids stay text (a Porto id is a 19-digit number)


class Seq2Seq(nn.Module):
    def __init__(self, hidden: int, layers: int = 2) -> None:
        super().__init__()
        self.encoder = nn.LSTM(3, hidden, layers, batch_first=True)
        self.decoder = nn.LSTM(2, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, moves: torch.Tensor, lengths: torch.Tensor,
                truth: torch.Tensor | None = None) -> torch.Tensor:  # fmt: skip
        """moves (B, T, 3) left-aligned, lengths (B,); truth (B, STEPS, 2) next moves for
        teacher forcing, None to feed the decoder its own moves. Returns (B, STEPS, 2) moves."""
        packed = nn.utils.rnn.pack_padded_sequence(moves, lengths, batch_first=True,
                                                   enforce_sorted=False)  # fmt: skip
        _, state = self.encoder(packed)
        prev = moves[torch.arange(len(moves)), lengths - 1, :2].unsqueeze(1)  # last move
        out = []
        for k in range(STEPS):
            y, state = self.decoder(prev, state)
            step = self.head(y)
            out.append(step)
            prev = truth[:, k : k + 1] if truth is not None else step
        return torch.cat(out, 1)


def local_moves(lat: np.ndarray, lon: np.ndarray, t: np.ndarray, last: np.ndarray):
    """(W, F) fixes (NaN-padded on the left), `last` (W,) the index of each window's frame
    fix -> metres x, y about it (W, F) and the moves between fixes (W, F-1, 3) in model units."""
    lat0 = np.radians(np.take_along_axis(lat, last[:, None], 1))
    lon0 = np.radians(np.take_along_axis(lon, last[:, None], 1))
    x = (np.radians(lon) - lon0) * np.cos(lat0) * EARTH_RADIUS_M
    y = (np.radians(lat) - lat0) * EARTH_RADIUS_M
    moves = np.stack([np.diff(x, axis=1) / XY_SCALE_M, np.diff(y, axis=1) / XY_SCALE_M,
                      np.diff(t, axis=1) / DT_SCALE_S], axis=-1)  # fmt: skip
    return x, y, moves


def left_align(moves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right-aligned moves with NaN rows in front -> left-aligned (zeros after), lengths."""
    valid = ~np.isnan(moves).any(-1)
    lengths = valid.sum(1)
    order = np.argsort(~valid, axis=1, kind="stable")  # valid moves first, in order
    out = np.take_along_axis(moves, order[..., None], 1)
    out[np.arange(out.shape[1])[None, :] >= lengths[:, None]] = 0.0
    return out.astype(np.float32), lengths


def train_windows(store: Path) -> dict[str, np.ndarray]:
    """Every cut of every train trajectory: <= HISTORY fixes in, STEPS out, in the frame of the
    last fix in; the inputs' moves and the STEPS next positions (metres / XY_SCALE_M)."""
    pts = pd.read_parquet(store / "points" / "split=train", columns=["traj_id", "t", "lat", "lon"])
    pts = pts.sort_values(["traj_id", "t"], kind="stable").reset_index(drop=True)
    starts = pts.groupby("traj_id", sort=False).cumcount().to_numpy()
    size = pts.groupby("traj_id", sort=False).traj_id.transform("size").to_numpy()
    first = np.arange(len(pts)) - starts  # index of the trajectory's first fix
    # a cut at fix c: inputs c-HISTORY+1..c (>= 2 of them), outputs c+1..c+STEPS
    cuts = np.flatnonzero((starts >= 1) & (starts + STEPS < size))
    offs = np.arange(-HISTORY + 1, STEPS + 1)
    idx = cuts[:, None] + offs[None, :]
    before = idx < first[cuts][:, None]
    idx = np.where(before, cuts[:, None], idx)
    lat, lon = pts.lat.to_numpy()[idx], pts.lon.to_numpy()[idx]
    t = pts.t.to_numpy(float)[idx]
    lat[before], lon[before], t[before] = np.nan, np.nan, np.nan
    x, y, moves = local_moves(lat, lon, t, np.full(len(cuts), HISTORY - 1))
    speed = np.hypot(moves[..., 0], moves[..., 1]) * XY_SCALE_M / (moves[..., 2] * DT_SCALE_S)
    keep = ~(np.nan_to_num(speed, nan=0.0, posinf=np.inf) > GLITCH_MPS).any(1)
    inputs, lengths = left_align(moves[:, : HISTORY - 1])
    future = np.stack([x[:, HISTORY:], y[:, HISTORY:]], -1) / XY_SCALE_M
    print(f"{store}: {len(cuts):,} train windows, {int((~keep).sum()):,} with a glitch left out")
    return {"moves": inputs[keep], "lengths": lengths[keep],
            "future": future[keep].astype(np.float32)}  # fmt: skip


def train(args: argparse.Namespace) -> None:
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    data = train_windows(Path(args.store))
    moves, lengths = torch.from_numpy(data["moves"]), torch.from_numpy(data["lengths"])
    future = torch.from_numpy(data["future"])
    steps_true = torch.diff(future, dim=1, prepend=torch.zeros_like(future[:, :1]))
    model = Seq2Seq(args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    saves = sorted(int(e) for e in args.epochs.split(","))
    out = Path(args.models)
    out.mkdir(parents=True, exist_ok=True)
    began = time.process_time()
    for epoch in range(1, saves[-1] + 1):
        order, total = rng.permutation(len(moves))[:PER_EPOCH], 0.0
        for i in range(0, len(order), BATCH):
            b = torch.from_numpy(order[i : i + BATCH])
            pred = model(moves[b], lengths[b], steps_true[b]).cumsum(1)
            loss = ((pred - future[b]) ** 2).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(b)
        rms = (total / len(order)) ** 0.5 * XY_SCALE_M
        print(f"epoch {epoch}: train RMS {rms:.1f} m ({time.process_time() - began:.0f} CPU s)")
        if epoch in saves:
            path = out / f"h{args.hidden}_seed{args.seed}_e{epoch}.pt"
            torch.save({"hidden": args.hidden, "state": model.state_dict()}, path)


def answer(args: argparse.Namespace) -> None:
    torch.set_num_threads(1)
    saved = torch.load(args.model, weights_only=True)
    model = Seq2Seq(saved["hidden"])
    model.load_state_dict(saved["state"])
    model.eval()
    inputs = pd.read_csv(args.queries, dtype=TEXT).sort_values(["query_id", "step"])
    asks = pd.read_csv(args.asks, dtype=TEXT)
    inputs = inputs.groupby("query_id", sort=False).tail(HISTORY)
    ids = inputs.query_id.unique()
    pos = inputs.groupby("query_id", sort=False).cumcount().to_numpy()
    n = inputs.groupby("query_id", sort=False).query_id.transform("size").to_numpy()
    row = np.repeat(np.arange(len(ids)), inputs.groupby("query_id", sort=False).size().to_numpy())
    col = HISTORY - n + pos  # right-aligned: the last fix in column HISTORY - 1
    grid = {c: np.full((len(ids), HISTORY), np.nan) for c in ("lat", "lon", "t")}
    for c in grid:
        grid[c][row, col] = inputs[c].to_numpy(float)
    _, _, moves = local_moves(grid["lat"], grid["lon"], grid["t"], np.full(len(ids), HISTORY - 1))
    m, lengths = left_align(moves)
    if (lengths < 1).any():
        raise SystemExit(f"{args.queries}: a window with fewer than 2 input fixes")
    with torch.no_grad():
        xy = model(torch.from_numpy(m), torch.from_numpy(lengths)).cumsum(1).numpy()
    xy = xy.astype(float) * XY_SCALE_M
    lat0, lon0 = np.radians(grid["lat"][:, -1]), np.radians(grid["lon"][:, -1])
    k = np.arange(1, STEPS + 1)
    got = pd.DataFrame({
        "query_id": np.repeat(ids, STEPS), "k": np.tile(k, len(ids)),
        "lat": np.degrees(lat0[:, None] + xy[..., 1] / EARTH_RADIUS_M).ravel(),
        "lon": np.degrees(lon0[:, None] + xy[..., 0] / (EARTH_RADIUS_M * np.cos(lat0[:, None]))).ravel(),
    })  # fmt: skip
    got = asks[["query_id", "k"]].merge(got, on=["query_id", "k"], how="left")
    got.to_csv(args.out, index=False)
    print(f"wrote {args.out} ({len(got):,} answers)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on a store's train split, save checkpoints")
    t.add_argument("store", help="a trajlm store (its points/split=train parquet is read)")
    t.add_argument("--hidden", type=int, required=True, help="LSTM hidden size")
    t.add_argument("--epochs", required=True, help="epochs to save at, e.g. 5,10,20")
    t.add_argument("--seed", type=int, required=True)
    t.add_argument("--models", required=True, help="folder for the checkpoints")
    a = sub.add_parser("answer", help="answer `trajlm data queries`' windows")
    a.add_argument("model", help="a checkpoint `train` saved")
    a.add_argument("queries", help="the inputs file of `trajlm data queries`")
    a.add_argument("asks", help="its NAME.asks.csv")
    a.add_argument("--out", required=True, help="the answer file to write (.csv)")
    args = parser.parse_args()
    train(args) if args.command == "train" else answer(args)


if __name__ == "__main__":
    main()
