"""The batches a ``Trainer`` trains on: windows of the store's train split (or of a
pretraining corpus, or the objective's own batches), endless over epochs, resumable at the
exact batch, with the clock-shift augmentation drawn from (seed, step). A mixin of
``Trainer`` (trajlm/train/trainer.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch
from torch.utils.data import DataLoader

from trajlm.data.loader import TrajectoryWindows, WindowConfig, resume_state
from trajlm.data.schema import TrajlmInputError
from trajlm.train.modes import core_model
from trajlm.train.objectives import step_generator


def _iter_keeping_rng(loader: DataLoader, resuming: bool) -> Iterator[dict]:
    """``iter(loader)``; when resuming mid-epoch, without touching the global torch RNG.

    Starting an epoch's iterator draws its base seed from the global CPU generator. An
    uninterrupted run drew it when the epoch began, before the checkpoint's RNG state was
    saved; a resumed run would draw it again from the restored state, so every later
    dropout / context-dropout mask moved by one draw (weights differed from the first step
    after the resume). Session 14, tests/test_cliuser14.py."""
    if not resuming:
        return iter(loader)
    state = torch.get_rng_state()
    it = iter(loader)
    torch.set_rng_state(state)
    return it


class BatchFeed:
    """Data methods of ``Trainer``."""

    def _shift_clocks(self, batch: dict) -> dict:
        """Clock-shift augmentation (TrainConfig.clock_shift_prob); drawn from (seed, step) so
        a resumed run shifts exactly as an uninterrupted one."""
        p = self.cfg.clock_shift_prob
        if p <= 0 or "t0" not in batch:
            return batch
        g = step_generator(self.cfg.seed + 104_729, self.step)
        n = batch["t0"].shape[0]
        hit = torch.rand(n, generator=g) < p
        hours = torch.randint(0, 7 * 24, (n,), generator=g)
        shift = (hit * hours * 3600).to(batch["t0"].device)
        return {**batch, "t0": batch["t0"] + shift}

    def _scale_speeds(self, batch: dict) -> dict:
        """Speed augmentation (TrainConfig.speed_scale_prob): each hit window's positions are
        scaled about its first point by a log-uniform factor; drawn from (seed, step)."""
        p = self.cfg.speed_scale_prob
        if p <= 0 or "pos" not in batch:
            return batch
        g = step_generator(self.cfg.seed + 7_919, self.step)
        n = batch["pos"].shape[0]
        hit = torch.rand(n, generator=g) < p
        lo, hi = self.cfg.speed_scales
        u = torch.rand(n, generator=g)
        f = torch.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        f = torch.where(hit, f, torch.ones_like(f)).to(batch["pos"])[:, None, None]  # (B, 1, 1)
        first = batch["pos"][:, :1]
        return {**batch, "pos": first + (batch["pos"] - first) * f}

    def _steady_movers(self, batch: dict) -> dict:
        """Steady-mover augmentation (TrainConfig.steady_mover_prob, train/steady_movers.py);
        drawn from (seed, step)."""
        p = self.cfg.steady_mover_prob
        if p <= 0 or "pos" not in batch:
            return batch
        from trajlm.train.steady_movers import SteadyMovers, replace_with_steady_movers

        c = self.cfg
        kind = SteadyMovers(
            tuple(c.steady_mover_dt_range or (1.0, 300.0)),
            tuple(c.steady_mover_speed_range or (1.0, 40.0)),
            c.steady_mover_turn_deg,
            c.steady_mover_noise,
        )
        return replace_with_steady_movers(
            batch, p, step_generator(c.seed + 40_009, self.step), kind
        )

    def _window_config(self) -> WindowConfig:
        return WindowConfig(
            max_len=self.cfg.max_len,
            stride=self.cfg.stride,
            shuffle_buffer=self.cfg.shuffle_buffer,
            seed=self.cfg.seed,
            road_columns=tuple(self.cfg.road_columns) if self.cfg.road_columns else None,
            traj_keys=getattr(core_model(self.model), "retrieval", None)
            is not None,  # own trip out
        )

    def _epoch_batches(self) -> Iterator[dict]:
        """The batches of epoch `self.epoch`, from the first not yet consumed on."""
        if hasattr(self.objective, "batches"):  # the objective samples its own data
            it = iter(self.objective.batches(self.epoch))
            for _ in range(self.batches_in_epoch):  # resuming mid-epoch
                next(it, None)
            yield from it
            return
        from trajlm.data.corpus import is_corpus
        from trajlm.data.corpus_windows import CorpusWindows

        resuming = self.batches_in_epoch > 0
        if is_corpus(self.data):  # a pretraining corpus: sources drawn by weight
            it = _iter_keeping_rng(DataLoader(CorpusWindows(self.data, "train", self._window_config(),
                                                            self.rank, self.world, self.epoch),
                                              batch_size=self.cfg.batch_size), resuming)  # fmt: skip
            for _ in range(self.batches_in_epoch):  # resuming mid-epoch
                next(it, None)
            yield from it
            return
        ds = TrajectoryWindows(
            self.data, "train", self._window_config(), rank=self.rank,
            world_size=self.world, epoch=self.epoch,
        )  # fmt: skip
        if self.batches_in_epoch:  # resuming mid-epoch: skip what was already consumed
            ds.load_state_dict(
                resume_state(self.epoch, self.batches_in_epoch, self.cfg.batch_size,
                             self.cfg.num_workers)
            )  # fmt: skip
        loader = DataLoader(
            ds, batch_size=self.cfg.batch_size, num_workers=self.cfg.num_workers,
            pin_memory=self.device.type == "cuda",
        )  # fmt: skip
        yield from _iter_keeping_rng(loader, resuming)

    def _train_batches(self) -> Iterator[dict]:
        """Endless batches; tracks (epoch, batches_in_epoch) so a resume can skip exactly."""
        while True:
            n = 0
            for batch in self._epoch_batches():
                n += 1
                self.batches_in_epoch += 1
                yield batch
            if n == 0 and self.batches_in_epoch == 0:
                where = self.data if self.data is not None else type(self.objective).__name__
                raise TrajlmInputError(
                    f"{where}: the train split yields no batches (no windows of >= 2 points)",
                    hint="check the store with `trajlm data inspect`",
                )
            self.epoch += 1
            self.batches_in_epoch = 0
