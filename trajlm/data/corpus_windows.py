"""Train windows of a pretraining corpus, drawn source by source with per-source weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
from torch.utils.data import IterableDataset

from trajlm.data.corpus import load_corpus
from trajlm.data.corpus_scales import load_units
from trajlm.data.features import LocalProjection
from trajlm.data.loader import TrajectoryWindows, WindowConfig, window_spans
from trajlm.data.schema import TrajlmInputError


class CorpusWindows(IterableDataset):
    """Train windows of a corpus: each draw picks a source with probability weight / total and
    takes that source's next window (its own `TrajectoryWindows`, in its own plane, starting a
    new pass when it runs dry). One epoch = as many windows as the split holds. Deterministic
    in (seed, epoch, rank); single-process loading only (num_workers = 0)."""

    def __init__(
        self,
        corpus: str | Path,
        split: str = "train",
        config: WindowConfig | None = None,
        rank: int = 0,
        world_size: int = 1,
        epoch: int = 0,
    ) -> None:
        super().__init__()
        self.corpus, self.config = Path(corpus), config or WindowConfig()
        self.rank, self.world_size, self.epoch = rank, world_size, epoch
        record = load_corpus(corpus)
        index = pl.read_parquet(self.corpus / "index.parquet").filter(pl.col("split") == split)
        self.sources, weights, self.n_windows = [], [], 0
        for s in record["sources"]:
            files = [self.corpus / "points" / f"split={split}" / f for f in s["files"][split]]
            lens = index.filter(pl.col("traj_id").str.starts_with(s["name"] + "/"))["n_points"]
            n = len(window_spans(np.zeros(len(lens), np.int64), lens.to_numpy(), self.config)[0])
            self.n_windows += n
            if s["weight"] <= 0 or n == 0 or not any(pq.read_metadata(f).num_rows for f in files):
                continue
            self.sources.append((s["name"], files, LocalProjection(s["lat0"], s["lon0"])))
            weights.append(float(s["weight"]))
        if not self.sources:
            raise TrajlmInputError(
                f"the corpus has no {split} windows with weight > 0", path=corpus
            )
        self.p = np.asarray(weights) / float(np.sum(weights))
        # per-source units (corpus_scales.per_source_units_corpus): each source's positions and
        # times scaled so the corpus stats read them in that source's own units
        self.units = load_units(self.corpus)
        self.split = split

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _stream(self, i: int):
        """Endless windows of source i (pass after pass, each pass reshuffled)."""
        name, files, proj = self.sources[i]
        unit = (self.units or {}).get(name)
        if self.units is not None and unit is None:
            raise TrajlmInputError(f"{self.corpus / 'units.json'}: no units for source {name!r}")
        for n_pass in range(1 << 30):
            ds = TrajectoryWindows(self.corpus, self.split, self.config, projection=proj,
                                   rank=self.rank, world_size=self.world_size,
                                   epoch=self.epoch * 1000 + n_pass)  # fmt: skip
            ds.files = files  # this source's part files only
            got = False
            for item in ds:
                got = True
                if unit is not None:
                    item = {**item, "pos": item["pos"] * unit["pos"], "t": item["t"] * unit["t"]}
                yield item
            if not got:
                return

    def __iter__(self):
        rng = np.random.default_rng([self.config.seed, self.epoch, self.rank])
        streams = [self._stream(i) for i in range(len(self.sources))]
        for _ in range(self.n_windows // self.world_size):
            item = next(streams[int(rng.choice(len(streams), p=self.p))], None)
            if item is not None:
                yield item

    def __len__(self) -> int:
        return self.n_windows // self.world_size
