"""Contrastive fine-tuning of trajectory embeddings (t2vec / TrajCL style).

A next-point-pretrained model's pooled state describes local motion more than the whole
route, so it is a weak search key (docs/finetune.md). Here the same backbone learns to map two
*different samplings of one trip* to nearby vectors and other trips apart:

    trip (n points) --coin flip per point--> view A, view B   (disjoint, ~n/2 points each)
    each view thinned to <= n_points evenly spaced points       (tasks.embed.thin_points)
    z = normalize(mean-pool(backbone(view)))                    (B, C)
    loss = InfoNCE(z_A, z_B), in-batch negatives, symmetric, temperature tau

The views are re-drawn every epoch from the train split only; the epoch with the best
self-similarity top-1 on the val split is kept. Training runs through the one engine
(trajlm.train.trainer.Trainer with the ``ContrastivePairs`` objective). ``ContrastiveEmbedder``
is the saved task model (adapter + base reference). Search then uses ``ModelEmbedder(model,
n_points=...)`` (L2 on the embeddings; the training normalizes, so L2 and cosine agree).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from trajlm.tasks.embed import pooled_hidden, segment_windows, thin_points
from trajlm.train.l2sp import L2SP
from trajlm.train.modes import core_model


@dataclass
class ContrastiveConfig:
    epochs: int = 10
    batch_size: int = 64  # trips per step: 2 views each, 2 * batch_size - 2 negatives
    lr: float = 1e-3
    weight_decay: float = 0.01
    temperature: float = 0.1
    n_points: int = 64  # points per view (and per query at search time)
    min_points: int = 10  # trips shorter than this are not used
    seed: int = 0
    # pooled states: None = the final ones; an earlier block's index or "all" (tasks.embed)
    layer: int | str | None = None
    # views also cut to a 50-100 % sub-window with 0-50 m of GPS noise (the hard task's
    # changes, trajlm.similarity.perturb_trips) and each moved by its own 0-24 h clock shift,
    # so matching can rest neither on shared exact steps nor on the time of day; the best
    # epoch is then picked on the val split's clock-shifted hard queries
    augment: bool = False
    # SimCLR-style projection head: > 0 puts Linear(C, C) -> ReLU -> Linear(C, projection_dim)
    # over the pooled states and takes the InfoNCE loss on its output; the head is dropped
    # after training and search embeds with the states *before* it. 0: no head (as before)
    projection_dim: int = 0
    # L2-SP (trajlm.train.l2sp): > 0 adds weight / 2 * ||theta - theta_start||^2 to the loss,
    # a pull toward the weights the fine-tune starts from (a pretrained checkpoint's) instead
    # of letting them drift; 0: off (as before)
    l2sp: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def random_views(
    df: pl.DataFrame, rng: np.random.Generator, n_points: int, augment: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two disjoint random samplings of every trip (a fair coin per point, the first point to
    A and the second to B so neither is empty), each thinned to <= n_points points; with
    ``augment`` each view is also cut to a sub-window and given GPS noise."""
    df = df.sort(["traj_id", "t"], maintain_order=True)
    k = df.select(pl.int_range(pl.len()).over("traj_id")).to_series().to_numpy()
    to_a = rng.random(len(df)) < 0.5
    to_a[k == 0], to_a[k == 1] = True, False
    a, b = df.filter(pl.Series(to_a)), df.filter(pl.Series(~to_a))
    if augment:
        from trajlm.similarity import perturb_trips

        a, b = (_shift_clock(perturb_trips(v, rng, (0.0, 50.0), 1, (0.5, 1.0)), rng)
                for v in (a, b))  # fmt: skip
    return thin_points(a, n_points), thin_points(b, n_points)


def _shift_clock(df: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Every trip's timestamps moved by its own U(0, 24 h) (a sorted table)."""
    ids = df["traj_id"]
    new = (ids != ids.shift(1)).fill_null(True).to_numpy()
    off = rng.uniform(0, 86_400, int(new.sum())).round().astype(np.int64)
    t = df["t"].to_numpy() + off[np.cumsum(new) - 1]
    return df.with_columns(pl.Series("t", t, dtype=df.schema["t"]))


def embed_batch(model: Any, batch: dict, layer: int | str | None = None) -> torch.Tensor:
    """(B, C) unit-norm mean-pooled hidden states of a batch of one-window trips."""
    s, c = pooled_hidden(model, batch, layer)
    return F.normalize(s / c.clamp(min=1)[:, None], dim=-1)


def projection_head(width: int, dim: int, seed: int = 0) -> torch.nn.Sequential:
    """Linear(width, width) -> ReLU -> Linear(width, dim), initialised from ``seed`` without
    touching the global torch RNG (so the rest of the run draws what it drew before)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return torch.nn.Sequential(
            torch.nn.Linear(width, width), torch.nn.ReLU(), torch.nn.Linear(width, dim)
        )


def info_nce(za: torch.Tensor, zb: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE over a batch of positive pairs (row i of za <-> row i of zb)."""
    logits = za @ zb.T / temperature  # (B, B)
    target = torch.arange(len(za), device=za.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def _windows(df: pl.DataFrame, model: Any, n_points: int) -> dict:
    batch, owner, _ = segment_windows(df, model, n_points)
    assert len(owner) == len(np.unique(owner)), "one window per trip after thinning"
    return batch


class ContrastivePairs:
    """InfoNCE on two random views of each trip: an objective of the training engine with
    its own batches. Epoch e draws fresh views with a (seed, e)-seeded generator (a pure
    function of e, so a resumed run sees the same pairs); keys "a.*" / "b.*" hold the views."""

    name = "contrastive"

    def __init__(self, train: pl.DataFrame, model: Any, cfg: ContrastiveConfig) -> None:
        self.train, self.model, self.cfg = train, model, cfg
        self.head = None  # the projection head (cfg.projection_dim > 0), trained with the model
        if cfg.projection_dim > 0:
            core = core_model(model)
            self.head = projection_head(core.config.d_model, cfg.projection_dim, cfg.seed)
            self.head.to(next(core.parameters()).device)
        self.l2sp = L2SP(core_model(model), cfg.l2sp) if cfg.l2sp > 0 else None
        self.n_trips = train["traj_id"].n_unique()
        full, rest = divmod(self.n_trips, cfg.batch_size)
        self.steps_per_epoch = full + (rest >= 2)  # a last batch of one trip has no negative

    def batches(self, epoch: int) -> Iterator[dict]:
        cfg = self.cfg
        rng = np.random.default_rng([cfg.seed, epoch])
        a, b = random_views(self.train, rng, cfg.n_points, cfg.augment)
        wa, wb = _windows(a, self.model, cfg.n_points), _windows(b, self.model, cfg.n_points)
        order = torch.from_numpy(rng.permutation(self.n_trips))
        for s in range(0, self.n_trips, cfg.batch_size):
            idx = order[s : s + cfg.batch_size]
            if len(idx) >= 2:
                yield {f"a.{k}": v[idx] for k, v in wa.items()} | {
                    f"b.{k}": v[idx] for k, v in wb.items()
                }

    def _z(self, model: Any, view: dict) -> torch.Tensor:
        if self.head is None:
            return embed_batch(model, view, self.cfg.layer)
        s, c = pooled_hidden(model, view, self.cfg.layer)
        return F.normalize(self.head(s / c.clamp(min=1)[:, None]), dim=-1)

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        za = self._z(model, {k[2:]: v for k, v in batch.items() if k.startswith("a.")})
        zb = self._z(model, {k[2:]: v for k, v in batch.items() if k.startswith("b.")})
        loss = info_nce(za, zb, self.cfg.temperature)
        if self.l2sp is None:
            return loss, {}
        pull = self.l2sp.penalty(core_model(model))
        return loss + pull, {"info_nce": loss.item(), "l2sp": pull.item()}


def fit_contrastive(
    model: Any,
    train: pl.DataFrame,
    val: pl.DataFrame | None = None,
    config: ContrastiveConfig | None = None,
    verbose: bool = False,
    run: str | Path | None = None,
) -> dict:
    """Fine-tune ``model`` (TrajectoryModel or PeftModel) in place through the training engine
    (AdamW with the one decay rule, warmup over the first 10 % + cosine); returns a summary
    with the per-epoch loss / val top-1 history. The best-val epoch's weights are restored
    (the starting weights are a candidate: epoch -1). ``run``: write the engine's run there
    (metrics.jsonl, trainer_state)."""
    from trajlm.similarity import ranking_metrics
    from trajlm.tasks.embed import embed
    from trajlm.train.trainer import Metric, TrainConfig, Trainer

    cfg = config or ContrastiveConfig()
    n = pl.len().over("traj_id")
    train = train.filter(n >= cfg.min_points).sort(["traj_id", "t"], maintain_order=True)
    n_trips = train["traj_id"].n_unique()
    if n_trips < 2:
        raise ValueError(f"contrastive training needs >= 2 trips of >= {cfg.min_points} points")
    objective = ContrastivePairs(train, model, cfg)
    spe = objective.steps_per_epoch
    total = cfg.epochs * spe
    device = next(core_model(model).parameters()).device
    tc = TrainConfig(max_steps=total, batch_size=cfg.batch_size, lr=cfg.lr,
                     warmup_steps=max(1, round(0.1 * total)), weight_decay=cfg.weight_decay,
                     eval_every=spe, save_every=spe, log_every=spe, seed=cfg.seed,
                     device=str(device), progress=verbose, select_on="val_loss")  # fmt: skip

    metric = None
    if val is not None and val["traj_id"].n_unique() >= 2:
        from trajlm.similarity import make_hard_similarity_task, make_similarity_task

        task = make_similarity_task(val, cfg.min_points)
        if cfg.augment:  # trained for changed queries: pick the epoch on such queries too
            task = make_hard_similarity_task(val, 0, min_points=cfg.min_points,
                                             shift_s=(7_200.0, 36_000.0))  # fmt: skip

        def val_top1(m: Any) -> float:
            q = embed(m, task.query, n_points=cfg.n_points, layer=cfg.layer)
            d = embed(m, task.database, n_points=cfg.n_points, layer=cfg.layer)
            return ranking_metrics(((q[:, None, :] - d[None, :, :]) ** 2).sum(-1))["top1_pct"]

        metric = Metric("val_top1_pct", val_top1, higher_is_better=True)
    trainer = Trainer(None, run, train_config=tc, model=model, objective=objective,
                      metric=metric, select_from_start=True, restore_best=True)  # fmt: skip
    if objective.head is not None:  # trained by the same AdamW, schedule and decay rule
        from trajlm.train.optim import param_groups

        for group in param_groups(objective.head, cfg.weight_decay):
            trainer.optimizer.add_param_group({k: v for k, v in group.items() if k != "names"})
    s = trainer.fit(overwrite=run is not None)
    model.eval()
    history = [{"epoch": r["step"] // spe - 1, "loss": r["train_loss"],
                "val_top1_pct": r.get("val_top1_pct")} for r in trainer.history if r["step"]]  # fmt: skip
    if verbose:
        for rec in history:
            print(rec, flush=True)
    best_epoch = trainer.best_step // spe - 1 if trainer.best_step is not None else -1
    return {"config": cfg.to_dict(), "best_epoch": best_epoch, "best_val_top1_pct": trainer.best_val,
            "train_s": s["train_time_s"], "n_trips": n_trips, "history": history}  # fmt: skip


class ContrastiveEmbedder:
    """A trajectory embedder fine-tuned contrastively, saved as a task model.

        emb = ContrastiveEmbedder(RUN, mode="lora", config=ContrastiveConfig(n_points=32))
        emb.fit(train_df, val_df).save_pretrained(DIR)     # adapter + reference to RUN
        Z = ContrastiveEmbedder.from_pretrained(DIR).embed(df)   # (N, C), sorted traj_ids

    ``save_pretrained`` stores ``embedder.json`` and the backbone as trajlm.tasks.task_io does
    (LoRA / selective: the adapter and the base's path + sha256, not a merged copy)."""

    def __init__(
        self,
        model: Any,
        mode: str = "full",
        config: ContrastiveConfig | None = None,
        n_last: int = 1,
        lora_r: int = 8,
        device: str = "cpu",
    ) -> None:
        self.model, self.mode, self.config = model, mode, config or ContrastiveConfig()
        self.n_last, self.lora_r, self.device = n_last, lora_r, device

    def fit(self, train: Any, val: Any = None) -> ContrastiveEmbedder:
        from trajlm.model import TrajectoryModel
        from trajlm.tasks.task_frames import one_cut_line, task_frame
        from trajlm.tasks.task_io import base_reference

        with one_cut_line():  # a vehicle frame's cut said once (tidy23)
            train, val = task_frame(train, "train"), task_frame(val, "val")
        from trajlm.train.modes import apply_mode

        base = self.model
        self.base_ = None
        if isinstance(base, (str, Path)):
            self.base_ = base_reference(base)
            base = TrajectoryModel.from_pretrained(base)
        net = apply_mode(base, self.mode, n_last=self.n_last, lora_r=self.lora_r,
                         seed=self.config.seed).to(self.device)  # fmt: skip
        self.info_ = fit_contrastive(net, train, val, self.config)
        self.model_ = net.eval()
        return self

    def embed(self, df: Any) -> np.ndarray:
        from trajlm.tasks.embed import embed
        from trajlm.tasks.task_frames import in_order, task_frame_order

        df, order = task_frame_order(df, "input")  # a vehicle's pieces in time order (tidy23)
        z = embed(self.model_, df, n_points=self.config.n_points, layer=self.config.layer)
        return in_order(z, order)

    def save_pretrained(self, directory: str | Path, overwrite: bool = False) -> int:
        """Write embedder.json + the backbone (adapter + base reference, or a full copy);
        returns the bytes of the backbone part. A folder already holding an embedder needs
        ``overwrite``; one trajlm did not write is never written into."""
        import json

        from trajlm.tasks.task_io import save_backbone, task_dir

        d = task_dir(directory, "embedder.json", "embedder", overwrite)
        n = save_backbone(self.model_, self.mode, d, getattr(self, "base_", None))
        info = {k: v for k, v in self.info_.items() if k != "history"}
        meta = {"format": 2, "kind": "contrastive_embedder", "mode": self.mode,
                "n_points": self.config.n_points, "pooling": "mean", "metric": "l2",
                "config": self.config.to_dict(), "info": info}  # fmt: skip
        (d / "embedder.json").write_text(json.dumps(meta, indent=2))
        return n

    @classmethod
    def from_pretrained(cls, directory: str | Path, device: str = "cpu") -> ContrastiveEmbedder:
        import json

        from trajlm.tasks.task_io import load_backbone

        d = Path(directory)
        meta = json.loads((d / "embedder.json").read_text())
        self = cls(None, mode=meta["mode"], config=ContrastiveConfig(**meta["config"]),
                   device=device)  # fmt: skip
        self.info_ = meta.get("info", {})
        self.model_ = load_backbone(d).to(device).eval()
        return self
