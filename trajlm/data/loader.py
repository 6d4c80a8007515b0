"""Streaming fixed-length windows over a trajectory store, in constant memory.

The store's point files (`DIR/points/split=<split>/part-*.parquet`, rows sorted by (traj_id, t))
are read one Parquet batch at a time. A trajectory may span batches, so the trailing (possibly
incomplete) trajectory of each batch is carried over to the next one; memory is bounded by one
batch + the longest trajectory + the shuffle buffer, never the split.

Each trajectory is cut into windows of at most `max_len` points, `stride` points apart:

    trajectory of L points, T = max_len, S = stride
    window k covers points [k*S, min(k*S + T, L)) for k = 0 .. while the previous one ended before L

A window is one item: `pos (T, 2)` float32 local metres, `t (T,)` float32 seconds since the
window's first point, `t0` int64 Unix seconds of that point, `mask (T,)` bool (padding at the
end). A DataLoader's default collate stacks them into the batch of docs/contracts.md.

Sharding: the k-th trajectory of the split (in stream order) belongs to consumer
`k % (world_size * num_workers)`, consumer = rank * num_workers + worker_id, so every trajectory
is read into windows by exactly one (rank, worker).

Determinism and resume: the stream is a pure function of (data, config, epoch, rank, worker);
resuming replays it and drops the first n windows without building their tensors.

Trainer recipe (exact with num_workers=0; exact with workers as long as no worker has run dry):
    ds = TrajectoryWindows(store, "train", cfg, rank=rank, world_size=world)
    dl = DataLoader(ds, batch_size=B, num_workers=W)
    # save: {"epoch": epoch, "batches": batches consumed this epoch} in trainer_state.json
    # resume:
    ds.load_state_dict(resume_state(epoch, batches, batch_size=B, num_workers=W))
    # when `for batch in dl` ends: epoch += 1; batches = 0; ds.set_epoch(epoch)
With num_workers=0, `ds.state_dict()` read between batches is the same position.
Use persistent_workers=False (the default) so workers see set_epoch / load_state_dict. Under DDP
ranks may get different numbers of windows: run a fixed number of steps per epoch (or stop all
ranks when the first runs dry) so no rank waits in an all-reduce.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl
import torch
from torch.utils.data import IterableDataset, get_worker_info

from trajlm.data.features import LocalProjection
from trajlm.data.store_chunks import (  # noqa: F401 (re-exported: the old home)
    POINT_COLUMNS,
    TRAJ_KEY,
    iter_column_chunks,
    iter_trajectory_chunks,
    point_files,
)


@dataclass
class WindowConfig:
    max_len: int = 128  # T, points per window
    stride: int | None = None  # points between window starts; None = max_len (no overlap)
    min_len: int = 2  # windows with fewer real points are skipped (counted in n_short_windows)
    shuffle_buffer: int = 0  # 0 = stream order; else a seeded shuffle buffer of this many windows
    seed: int = 0
    read_rows: int = 65_536  # Parquet rows per read batch (memory vs. per-batch overhead)
    # Road inputs (issue 19): the store's (edge id, fraction along the edge) columns, e.g.
    # ("edge_id", "edge_frac") of `trajlm data match` or the synthetic city's ("segment_id",
    # "segment_frac"); windows then carry edge_id (T,) int64 (-1: none) and edge_frac (T,).
    road_columns: tuple[str, str] | None = None
    # Retrieval (issue 15, docs/retrieval.md): windows also carry traj_key () int64, their
    # trajectory's trajlm.data.retrieval.traj_keys key, so the retrieval base can leave the
    # window's own trajectory out.
    traj_keys: bool = False

    def __post_init__(self) -> None:
        if self.max_len < 1 or self.min_len < 1:
            raise ValueError(
                f"max_len and min_len must be >= 1, got {self.max_len}, {self.min_len}"
            )
        if self.stride is not None and self.stride < 1:
            raise ValueError(f"stride must be >= 1 or None, got {self.stride}")

    @property
    def step(self) -> int:
        return self.stride or self.max_len


# ----------------------------------------------------------------------------- vectorized core


def window_spans(
    traj_start: np.ndarray, traj_len: np.ndarray, config: WindowConfig
) -> tuple[np.ndarray, np.ndarray, int]:
    """Cut trajectories (row offset, length) into windows.

    Returns (win_start (N,) int64 row offsets, win_len (N,) int64, n_short) where n_short counts
    windows dropped for having fewer than `min_len` points. Windows are ordered by trajectory,
    then by start.
    """
    T, S = config.max_len, config.step
    traj_start = np.asarray(traj_start, dtype=np.int64)
    traj_len = np.asarray(traj_len, dtype=np.int64)
    # 1 window up to T points, then one more per S points still uncovered after the first.
    n_win = 1 + np.maximum(0, -(-(traj_len - T) // S))  # ceil division
    n_win[traj_len <= 0] = 0
    first = np.cumsum(n_win) - n_win  # (n_traj,) index of each trajectory's first window
    k = np.arange(int(n_win.sum()), dtype=np.int64) - np.repeat(first, n_win)  # window no. in traj
    offset = k * S
    win_start = np.repeat(traj_start, n_win) + offset
    win_len = np.minimum(T, np.repeat(traj_len, n_win) - offset)
    keep = win_len >= config.min_len
    return win_start[keep], win_len[keep], int((~keep).sum())


def gather_windows(
    xy_m: np.ndarray, t_s: np.ndarray, win_start: np.ndarray, win_len: np.ndarray, max_len: int
) -> dict[str, np.ndarray]:
    """Padded window arrays from per-row xy (n, 2) float64 metres and t (n,) seconds: int64,
    or float64 exact times (a sub-second store: ``t`` from the window's first fix exactly,
    ``t0`` its whole second, which the calendar features read; subsec38)."""
    ar = np.arange(max_len, dtype=np.int64)
    mask = ar[None, :] < win_len[:, None]  # (N, T)
    idx = np.where(mask, win_start[:, None] + ar[None, :], 0)  # (N, T) row index, 0 for padding
    first = t_s[win_start]  # (N,)
    pos = np.where(mask[..., None], xy_m[idx], 0.0).astype(np.float32)  # (N, T, 2)
    t_rel = np.where(mask, t_s[idx] - first[:, None], 0).astype(np.float32)  # (N, T)
    return {"pos": pos, "t": t_rel, "t0": np.floor(first).astype(np.int64), "mask": mask}


def road_windows(
    edge_id: np.ndarray, edge_frac: np.ndarray, win_start: np.ndarray, mask: np.ndarray
) -> dict[str, np.ndarray]:
    """Padded road inputs of windows: edge_id (N, T) int64 (-1 padding or none) and
    edge_frac (N, T) float32 (0 padding or none)."""
    T = mask.shape[1]
    idx = np.where(mask, win_start[:, None] + np.arange(T)[None, :], 0)
    eid = np.where(mask, np.asarray(edge_id, np.int64)[idx], -1)
    frac = np.where(mask & (eid >= 0), np.nan_to_num(np.asarray(edge_frac)[idx]), 0.0)
    return {"edge_id": eid, "edge_frac": frac.astype(np.float32)}


def _xy(projection: LocalProjection, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    x, y = projection.forward(lat, lon)  # float64 metres
    return np.stack([x, y], axis=-1)  # (n, 2)


def windows_from_table(
    df: pl.DataFrame, config: WindowConfig, projection: LocalProjection
) -> dict[str, torch.Tensor]:
    """All windows of a canonical table (sorted by traj_id, t) in stream order, stacked:
    pos (N, T, 2) float32, t (N, T) float32, t0 (N,) int64, mask (N, T) bool.

    The in-memory twin of `TrajectoryWindows` with one consumer and no shuffling.
    """
    n = len(df)
    ids = df["traj_id"]
    new = (ids != ids.shift(1)).fill_null(True).to_numpy() if n else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new)
    lens = np.diff(np.append(starts, n))
    ws, wl, _ = window_spans(starts, lens, config)
    xy = _xy(projection, df["lat"].to_numpy(), df["lon"].to_numpy()) if n else np.zeros((0, 2))
    t = df["t"].to_numpy()
    t = t if t.dtype.kind == "f" else t.astype(np.int64)  # exact times stay (subsec38)
    w = gather_windows(xy, t, ws, wl, config.max_len)
    return {k: torch.from_numpy(v) for k, v in w.items()}


def resume_state(epoch: int, batches: int, batch_size: int, num_workers: int = 0) -> dict:
    """State for `load_state_dict` after the trainer consumed `batches` batches of this epoch.

    A DataLoader with W workers takes batch i from worker i % W, each worker filling whole
    batches from its own stream, so worker w had yielded ceil((batches - w) / W) * batch_size
    windows, and the next batch is due from worker batches % W. A fresh DataLoader starts at
    its worker 0, so worker ids are rotated by that offset to keep the batch order.
    """
    if num_workers <= 0:
        return {"epoch": epoch, "windows_yielded": [batches * batch_size], "worker_offset": 0}
    per = [max(0, -(-(batches - w) // num_workers)) * batch_size for w in range(num_workers)]
    return {"epoch": epoch, "windows_yielded": per, "worker_offset": batches % num_workers}


class TrajectoryWindows(IterableDataset):
    """Windows of one split of a store, streamed, sharded by (rank, worker), optionally shuffled."""

    def __init__(
        self,
        store: str | Path,
        split: str = "train",
        config: WindowConfig | None = None,
        projection: LocalProjection | None = None,
        rank: int = 0,
        world_size: int = 1,
        epoch: int = 0,
    ) -> None:
        super().__init__()
        if not 0 <= rank < world_size:
            raise ValueError(f"rank must be in [0, world_size={world_size}), got {rank}")
        self.store, self.split = Path(store), split
        self.config = config or WindowConfig()
        if projection is None:
            stats_path = self.store / "stats.json"
            if not stats_path.exists():
                raise FileNotFoundError(f"{stats_path} not found; pass projection= explicitly")
            stats = json.loads(stats_path.read_text())
            projection = LocalProjection(float(stats["lat0"]), float(stats["lon0"]))
        self.projection = projection
        self.rank, self.world_size = rank, world_size
        self.files = point_files(self.store, split)
        self.epoch = epoch
        self._skip: list[int] = [0]  # windows to drop per worker at the start of the next pass
        self._worker_offset = 0  # DataLoader worker i plays worker (i + offset) % W (resume)
        self._position = 0  # windows yielded so far this epoch (main process only)
        self.n_short_windows = 0  # windows dropped for min_len (main process only)

    # -- position ------------------------------------------------------------------------------

    def set_epoch(self, epoch: int) -> None:
        """Start epoch `epoch` from its beginning (new shuffle order); clears any resume skip."""
        self.epoch = epoch
        self._skip, self._position, self._worker_offset = [0], 0, 0

    def state_dict(self) -> dict:
        """Position for resume. Exact with num_workers=0; with workers use `resume_state`."""
        return {
            "epoch": self.epoch,
            "windows_yielded": [self._position],
            "worker_offset": 0,
            "config": asdict(self.config),
            "world_size": self.world_size,
        }

    def load_state_dict(self, state: dict) -> None:
        """Continue `state["epoch"]` after the windows already yielded (per worker)."""
        cfg = state.get("config")
        if cfg is not None:  # a state saved before a field existed has that field's default
            cfg = {**asdict(WindowConfig()), **cfg}
        if cfg is not None and {**cfg, "read_rows": 0} != {**asdict(self.config), "read_rows": 0}:
            raise ValueError(f"state was saved with config {cfg}, dataset has {self.config}")
        if state.get("world_size", self.world_size) != self.world_size:
            raise ValueError(f"state world_size {state['world_size']} != {self.world_size}")
        self.epoch = int(state["epoch"])
        self._skip = [int(n) for n in state["windows_yielded"]]
        self._worker_offset = int(state.get("worker_offset", 0))
        self._position = self._skip[0] if len(self._skip) == 1 else 0

    # -- iteration -----------------------------------------------------------------------------

    def _consumer(self) -> tuple[int, int, int]:
        """(worker id, this consumer's index, number of consumers)."""
        info = get_worker_info()
        if info is None:
            return 0, self.rank, self.world_size
        wid = (info.id + self._worker_offset) % info.num_workers
        return wid, self.rank * info.num_workers + wid, self.world_size * info.num_workers

    def _rng(self, worker: int) -> np.random.Generator:
        return np.random.default_rng([self.config.seed, self.epoch, self.rank, worker])

    def _chunk_windows(
        self, consumer: int, n_consumers: int, pass_state: dict
    ) -> Iterator[dict[str, np.ndarray]]:
        """Per read batch, this consumer's windows as padded arrays. Without a shuffle buffer the
        first `pass_state["drop"]` windows are removed here, before projecting or gathering."""
        cfg, files = self.config, self.files
        if cfg.shuffle_buffer > 0:  # vary file order per epoch too (same for every consumer)
            order = np.random.default_rng([cfg.seed, self.epoch]).permutation(len(files))
            files = [files[i] for i in order]
        k0 = 0  # running trajectory counter over the split: decides ownership
        extra = tuple(cfg.road_columns or ()) + ((TRAJ_KEY,) if cfg.traj_keys else ())
        for cols, starts, lens in iter_column_chunks(files, cfg.read_rows, extra):
            t, lat, lon = cols["t"], cols["lat"], cols["lon"]
            mine = (np.arange(k0, k0 + len(starts)) % n_consumers) == consumer
            k0 += len(starts)
            ws, wl, n_short = window_spans(starts[mine], lens[mine], cfg)
            pass_state["short"] += n_short
            if cfg.shuffle_buffer == 0 and pass_state["drop"]:
                d = min(pass_state["drop"], len(ws))
                ws, wl = ws[d:], wl[d:]
                pass_state["drop"] -= d
            if len(ws) == 0:
                continue
            used = slice(int(ws.min()), int((ws + wl).max()))  # project only rows in a window
            xy = np.zeros((len(t), 2))
            xy[used] = _xy(self.projection, lat[used], lon[used])
            w = gather_windows(xy, t, ws, wl, cfg.max_len)
            if cfg.road_columns:
                w |= road_windows(cols[extra[0]], cols[extra[1]], ws, w["mask"])
            if cfg.traj_keys:
                w[TRAJ_KEY] = cols[TRAJ_KEY][ws]
            yield w

    def _windows(
        self, consumer: int, n_consumers: int, worker: int, pass_state: dict
    ) -> Iterator[tuple]:
        """(pos, t, t0, mask) numpy rows in final order, shuffled through the buffer if any."""
        size = self.config.shuffle_buffer
        rng = self._rng(worker)
        buf: list[tuple] = []
        for w in self._chunk_windows(consumer, n_consumers, pass_state):
            for i in range(len(w["t0"])):
                # Copies, so a window lingering in the buffer does not pin its whole chunk.
                item = (w["pos"][i].copy(), w["t"][i].copy(), w["t0"][i], w["mask"][i].copy())
                if "edge_id" in w:
                    item += (w["edge_id"][i].copy(), w["edge_frac"][i].copy())
                if TRAJ_KEY in w:
                    item += (w[TRAJ_KEY][i],)
                if size == 0:
                    yield item
                elif len(buf) < size:
                    buf.append(item)
                else:
                    j = int(rng.integers(size))
                    yield buf[j]
                    buf[j] = item
        for j in rng.permutation(len(buf)):
            yield buf[j]

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        worker, consumer, n_consumers = self._consumer()
        nw = n_consumers // self.world_size
        if len(self._skip) not in (1, nw) or (len(self._skip) == 1 and nw > 1 and self._skip[0]):
            raise ValueError(
                f"resume state has {len(self._skip)} worker positions but the DataLoader has "
                f"{nw} workers; build it with resume_state(..., num_workers={nw})"
            )
        skip = self._skip[worker] if len(self._skip) == nw else 0
        # Without a shuffle buffer the skipped windows are dropped before gathering; with one they
        # must pass through the buffer (its state depends on them) but get no tensors.
        pass_state = {"drop": skip if self.config.shuffle_buffer == 0 else 0, "short": 0}
        replay = skip if self.config.shuffle_buffer > 0 else 0
        self._position = skip
        items = self._windows(consumer, n_consumers, worker, pass_state)
        for n, (pos, t, t0, mask, *rest) in enumerate(items):
            if n < replay:
                continue
            self._position += 1  # before the yield: counts windows the consumer has received
            self.n_short_windows = pass_state["short"]
            item = {
                "pos": torch.from_numpy(pos),
                "t": torch.from_numpy(t),
                "t0": torch.from_numpy(np.array(t0, dtype=np.int64)),  # 0-d
                "mask": torch.from_numpy(mask),
            }
            if self.config.traj_keys:
                item[TRAJ_KEY] = torch.tensor(int(rest.pop()), dtype=torch.int64)  # 0-d
            if rest:
                item["edge_id"], item["edge_frac"] = map(torch.from_numpy, rest)
            yield item
        self.n_short_windows = pass_state["short"]
