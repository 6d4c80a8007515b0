"""Model configuration: one dataclass, saved next to the weights as config.json.

config.json is self-describing (docs/contracts.md "Checkpoints"): besides the fields below it
carries ``trajlm_version`` (the writer), ``format_version`` (the file layout, FORMAT_VERSION)
and ``model_type`` (MODEL_TYPE). A file without them (written before format 1) reads as format
1 with the field defaults, which are the meanings those checkpoints were trained with; a file
of a newer format than this trajlm reads is refused with an "upgrade trajlm" message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from trajlm._version import __version__
from trajlm.data.features import NormStats

POS_TYPES = ("learned", "sinusoidal", "rope", "rope_time", "rope_adaptive")
MOE_ROUTERS = ("token", "motion")
CONTEXTS = ("full", "motion", "auto")
CONTEXT_FEATURES = ("time", "time+position")
HEADS = ("gaussian", "mse")
POSITION_FRAMES = ("store", "trajectory")  # ModelConfig.position_frame
# What the span-step head predicts where a gap has a visible end (objectives/loss.py):
# "bridge_residual" = the offset from linear interpolation towards the gap end; "raw" = the plain
# (dx, dy, dt) step (checkpoints trained before the bridge; docs/multitask.md).
SPAN_TARGETS = ("bridge_residual", "raw")
RESIDUAL_BASES = ("none", "constant_velocity", "retrieval")  # what the step head corrects (#15)
COVERAGE_GATES = ("none", "speed")  # ModelConfig.coverage_gate (issue 14)
STEP_TARGETS = ("delta", "absolute")  # ModelConfig.step_target (issue 14 item 5)
STEP_LOSSES = ("gaussian", "laplace")  # ModelConfig.step_loss (head "gaussian" only)
FORMAT_VERSION = 1  # bump when a reader of the previous layout would misread a new file
MODEL_TYPE = "trajlm-transformer"
CHECKPOINT_KEYS = ("trajlm_version", "format_version", "model_type")


@dataclass
class ModelConfig:
    """Hyper-parameters of the trajectory transformer (defaults: a small 0.8 M-parameter model)."""

    d_model: int = 128  # width of the residual stream
    n_layers: int = 4
    n_heads: int = 4
    n_kv_heads: int | None = None  # None = n_heads; smaller = grouped-query attention (GQA)
    mlp_ratio: float = 4.0  # MLP hidden width = mlp_ratio * d_model
    dropout: float = 0.0
    max_len: int = 256  # longest sequence (points) for learned / sinusoidal positions
    pos_type: str = "rope"  # "learned" | "sinusoidal" | "rope" (token index) | "rope_time"
    rope_base: float = 10000.0
    rope_time_unit_s: float = 15.0  # rope_time position = elapsed seconds / this
    head: str = "gaussian"  # "gaussian" (mean + log-variance, NLL loss) | "mse"
    n_special_tokens: int = 8  # learned type embeddings; 0 = ordinary point
    bias: bool = False  # biases in Linear layers and LayerNorms
    # Masked / span-infilling heads (trajlm.objectives.infill): own-point head, end-of-span logit and
    # a learned within-span position embedding. False = the plain causal model (same weights).
    infill_heads: bool = False
    # A position-hidden point kept in place reads its anchor (linear interpolation in time
    # between the nearest position-visible points: leak-free) as its position, and the steps
    # around it are taken between anchors, instead of zeros. The point then sits where
    # interpolation puts it, so the model only has to learn the correction (recovery).
    infill_anchor_inputs: bool = False
    span_target: str = "bridge_residual"  # one of SPAN_TARGETS; the span-step head's meaning
    # Multi-scale Fourier features of the absolute position (0 = off): sin/cos of x and y at
    # `pos_fourier_bands` wavelengths, geometric from `pos_fourier_min_m` to 64x that. The
    # linear position features resolve ~xy_scale (kilometres); these let the model learn
    # street-level structure (where the roads are) from the training trips.
    pos_fourier_bands: int = 0
    pos_fourier_min_m: float = 40.0
    # Steps whose normalized |dx|, |dy| or |dt| exceeds this are GPS glitches or gaps, not
    # motion: they are left out of the loss (they would dominate it) and clamped as inputs.
    max_step_norm: float = 25.0
    # Context the model may not generalize from (docs/generalization.md). `context_features`
    # names it: "time" (cyclic hour / weekday) or "time+position" (also absolute position).
    # During training each window hides it with probability `context_dropout`, so the model
    # learns a motion-only fallback. At inference `context` = "full" always reads it,
    # "motion" always hides it (exactly as dropout does), "auto" hides it per trajectory when
    # the input is outside `coverage` and the model learned the fallback (context_dropout > 0).
    context: str = "auto"
    context_dropout: float = 0.0
    context_features: str = "time"
    # What the model was trained on (trajlm.model.coverage.compute_coverage): bounding box,
    # hour / weekday histograms, sampling intervals, speeds, sources. Recorded by the Trainer.
    coverage: dict | None = None
    stats: dict | None = None  # NormStats.to_dict(); None = identity normalization
    # Mixture of experts in every block's MLP (docs/ablations.md): 0 = the dense MLP. A linear
    # router sends each token to its top `moe_top_k` of `moe_experts` MLPs (each of the dense
    # width), weighted by the renormalized router softmax; training adds `moe_aux_weight` x
    # the Switch-Transformer load-balancing loss. `moe_capacity_factor` > 0 caps each expert
    # at ceil(factor x tokens x top_k / experts) tokens per batch (the rest skip that expert);
    # 0 = no cap.
    moe_experts: int = 0
    moe_top_k: int = 1
    moe_capacity_factor: float = 0.0
    moe_aux_weight: float = 0.01
    # Patching (TimesFM-style): tokens of `patch_size` consecutive points; each token predicts
    # the steps of the next patch_size points, so a rollout needs one pass per patch. 1 = one
    # token per point. Causal next-point objective only.
    patch_size: int = 1
    # Attention with a predicted per-head temperature (seed 002's "multi-scale attention"):
    # queries scaled by exp(Linear(x)) per head and token, zero-initialized (= plain at init).
    attn_temperature: bool = False
    # --- issue 18, the variants of docs/ablations.md sections 6-10 (all off by default) ---
    # Output patches longer than input patches (TimesFM): each token of `patch_size` points
    # predicts the next `patch_out` points (a multiple of patch_size; 0 = patch_size).
    patch_out: int = 0
    # MoE router input: "token" = the hidden state; "motion" = statistics of the last
    # `moe_motion_window` steps (speed, its spread, heading change, dwell, time step).
    moe_router: str = "token"
    moe_motion_window: int = 4
    # Weight each chosen expert by its router probability, not renormalized over the top k
    # (Switch Transformer): with top-1 the renormalized weight is exactly 1, so the router
    # then learns only from the load-balancing loss, never from the task loss.
    moe_gate_prob: bool = False
    # pos_type "rope_adaptive": RoPE position = (1 - mix) x token index + mix x cumulative
    # travelled distance in typical steps (dxy_scale); mix 0 = "rope".
    rope_adaptive_mix: float = 0.5
    # Discrete region tokens (TrajGPT): a grid of `region_cell_m` cells over the local frame,
    # hashed into `region_vocab` embeddings added to the point embedding (0 = off);
    # `region_replace` also drops the continuous absolute position (features 0-1).
    region_cell_m: float = 0.0
    region_vocab: int = 4096
    region_replace: bool = False
    # Output as cell + offset: the next step's cell of `region_head_cell_m` among the
    # (2 r + 1)^2 cells around the current point (r = region_head_radius), plus the offset
    # inside it; the rollout moves by the decoded step (0 = off, the regression head only).
    region_head_cell_m: float = 0.0
    region_head_radius: int = 6
    region_head_decode: str = "argmax"  # "argmax" cell (TrajGPT) | "mean" expected step
    # Beat-the-baselines levers (issue 15, docs/beat-baselines.md); causal next-point only.
    # residual_base = "constant_velocity": the head predicts a correction to the point's own
    # last step (dx, dy, dt), i.e. to "repeat the last displacement"; its mean layer is
    # zero-initialized, so an untrained model rolls out exactly constant velocity (except
    # after a glitch step, |step| > max_step_norm, which is not repeated); a learned gate in
    # [0, 2] (1 at init) scales the base, so the model can drop it where it misleads.
    # time_query: (dx, dy) are conditioned on the time step to the next point (a query block
    # reads [hidden, dt_next]), so a rollout can be asked for positions AT given timestamps
    # (generate(target_t=...), TrajLM.predict(at_times=...)); dt is still predicted without
    # it, and a rollout without asked times feeds its own dt. With both, the base step is
    # scaled by dt_next / dt_last (constant velocity [time]), capped at residual_max_ratio.
    residual_base: str = "none"
    time_query: bool = False
    residual_max_ratio: float = 4.0
    # Road domain (issue 19, docs/roads.md "The road domain in the model"). road_anchor: a
    # position-hidden in-place point is relative to (and, with infill_anchor_inputs, reads) the
    # shortest-path interpolation on the road network between its visible neighbours
    # (batch["road_anchor"], trajlm/roads/anchor.py) instead of the linear one; training needs
    # train.road_network, recovery ModelRecoverer(road=...). n_edge_buckets > 0: each visible
    # point also reads a hashed embedding of its road edge id and its fraction along the edge
    # (batch["edge_id"], -1 = none, and batch["edge_frac"]).
    road_anchor: bool = False
    road_route: str = "shortest"  # the anchor's route: shortest | fastest (free-flow) | auto
    n_edge_buckets: int = 0
    # Pretraining corpus (docs/pretraining.md): "store" reads the absolute position in the
    # store's plane (features 0-1); "trajectory" never does, so every trajectory is seen in
    # its own local frame (steps, time steps and the clock only) and one model serves every
    # city. Its NormStats scales are then the corpus's and stay with the model when it is
    # loaded on another store (only the projection centre is the store's).
    position_frame: str = "store"
    # --- issue 15 lever 2, retrieval (docs/retrieval.md) ---
    # residual_base = "retrieval": the base step is the first step of the median continuation
    # of the `retrieval_neighbors` nearest train windows of `retrieval_history` points
    # (trajlm.data.retrieval), not the point's own last step; the index is built by the
    # Trainer from the train split and saved beside the weights (retrieval.npz).
    # retrieval_mode "requery": rollout step s reads the first step from the current
    # (rolled-out) history; "anchored": step s of the continuation from the rollout's start
    # (an untrained model then IS kNN continuation), trained with a random lag per point.
    retrieval_neighbors: int = 10
    retrieval_history: int = 5
    retrieval_mode: str = "requery"
    # --- issue 14, graceful degradation off the training distribution (trajlm/model/scale.py,
    # docs/generalization.md "Graceful degradation"); both need residual_base, both off by
    # default. scale_invariant (trained): the (dx, dy) inputs are divided by the window's mean
    # step length so far and the head's correction multiplied back by it, so a window scaled
    # by s yields a prediction scaled by s. coverage_gate = "speed" (inference only; may be
    # set after loading): the prediction is shrunk toward constant velocity when the
    # history's median speed or time step lies outside the checkpoint's coverage.
    scale_invariant: bool = False
    coverage_gate: str = "none"  # one of COVERAGE_GATES

    # Spline anchors (issue 15 lever 3, docs/recovery.md). infill_anchor "akima" | "pchip": a
    # position-hidden in-place point is relative to (and, with infill_anchor_inputs, reads)
    # the Akima / PCHIP interpolation in time of its row's visible points (linear where a
    # spline is not defined: < 3 visible points, before the first / after the last), and the
    # mean of infill_head starts at zero, so an untrained model recovers exactly like the
    # spline baseline. recovery_gate: the in-place (dx, dy) offset is scaled by a learned gate
    # sigmoid(Linear(h)) in (0, 1) (0.5 at init), so the model can fall back to its anchor.
    infill_anchor: str = "linear"
    recovery_gate: bool = False
    # --- issue 14 item 5, seed 001's "delta vs absolute targets" (docs/generalization.md) ---
    # What the step head's (x, y) mean is: "delta" = the next step (dx, dy); "absolute" = the
    # next point's normalized absolute position in the store's plane, turned into the step
    # (output - current position) x xy_scale / dxy_scale before the loss and the rollout (so
    # the loss, the rollouts and every reader of `pred` are unchanged). An ablation: it needs
    # position_frame "store" and the plain causal step head.
    step_target: str = "delta"  # one of STEP_TARGETS

    # Anchor by gap length (issue 15, docs/recovery.md): infill_anchor "auto" is the Akima
    # anchor where the gap between a hidden point's visible neighbours is at most
    # infill_anchor_gap_s seconds and the linear anchor beyond (Akima overshoots long gaps).
    infill_anchor_gap_s: float = 180.0

    # The causal step loss of the variance head (session 11, docs/generalization.md): "gaussian"
    # NLL, whose mean is the conditional mean, or "laplace" NLL (log_var read as 2 log b of a
    # Laplace scale b), whose mean is the conditional median. GPS jumps-and-returns make the next
    # step heavy-tailed given the last one; under the Gaussian NLL they teach the residual base
    # gate to shrink every short step (trajlm-small: 0.4 on clean 1-10 s cars, 1.3-3x constant
    # velocity), while a median ignores them.
    step_loss: str = "gaussian"
    # The constant-velocity base's velocity (session 11): the mean over the last base_window
    # steps (their displacement over their time, times the last time step), not the last step
    # alone. 1 = the last step (as before). GPS noise in one short step looks like motion; over
    # a few steps it averages out, so the base itself tells a steady vehicle (velocity kept)
    # from a jittering stop (velocity ~0) and the learned gate need not guess the noise level.
    base_window: int = 1
    # The in-context backtest gate (session 11, inference only, model/backtest.py): before a
    # rollout the model and constant velocity each predict every next step of the history
    # itself; where the model was the worse on this trajectory's own past, its correction is
    # shrunk toward constant velocity by (e_cv / e_model) ** backtest_gate (0 = off).
    backtest_gate: float = 0.0
    # What the backtest scores: 0 = every next step of the history, teacher-forced (free: the
    # prefill's states); H > 0 = a rollout of H steps from H points before the end of the
    # history, against constant velocity from the same point (one extra rollout; it sees the
    # compounding a one-step score misses).
    backtest_steps: int = 0
    # The fewest scored history steps the one-step backtest gates on (session 12). Below
    # backtest.MIN_STEPS (3) its power shrinks with the evidence, p * n / 3: a 3-point history
    # (one scored step) that a steady vehicle's model braked through is gated, where before a
    # short history had no backtest at all (trajlm-small 5-17x constant velocity there).
    backtest_min_steps: int = 3
    # The gate where a history has fewer scored steps than that (a 2-point history has none):
    # 1 = the model as it is (before session 12), 0 = constant velocity. With one step to go
    # on, the model's edge is its training data's habits, which nothing here can check.
    backtest_prior: float = 1.0
    # What the backtest gate falls back to (session 12): 1 = constant velocity from the last
    # step (as before); W > 1: per trajectory, the better on its own past of that and the
    # velocity over the last W steps (W = 2 is linear extrapolation over 3 points, which beat
    # the model on noisy or coarse tracks: AIS, 1 s runners). The gate compares the model with
    # the chosen one.
    backtest_fallback_window: int = 1

    def __post_init__(self) -> None:
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise ValueError(f"ModelConfig: {msg}")

        for name in ("d_model", "n_layers", "n_heads", "max_len", "n_special_tokens"):
            need(int(getattr(self, name)) >= 1, f"{name} must be >= 1, got {getattr(self, name)}")
        need(
            self.d_model % self.n_heads == 0,
            f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})",
        )
        if self.n_kv_heads is not None:
            need(
                1 <= self.n_kv_heads <= self.n_heads and self.n_heads % self.n_kv_heads == 0,
                f"n_kv_heads ({self.n_kv_heads}) must divide n_heads ({self.n_heads})",
            )
        need(
            self.pos_type in POS_TYPES,
            f"pos_type must be one of {POS_TYPES}, got {self.pos_type!r}",
        )
        need(self.head in HEADS, f"head must be one of {HEADS}, got {self.head!r}")
        need(
            self.span_target in SPAN_TARGETS,
            f"span_target must be one of {SPAN_TARGETS}, got {self.span_target!r}",
        )
        if self.pos_type in ("rope", "rope_time", "rope_adaptive"):
            need(self.head_dim % 2 == 0, f"RoPE needs an even head_dim, got {self.head_dim}")
        need(
            self.pos_fourier_bands >= 0,
            f"pos_fourier_bands must be >= 0, got {self.pos_fourier_bands}",
        )
        need(
            self.pos_fourier_min_m > 0,
            f"pos_fourier_min_m must be > 0, got {self.pos_fourier_min_m}",
        )
        need(self.max_step_norm > 0, f"max_step_norm must be > 0, got {self.max_step_norm}")
        need(self.mlp_ratio > 0, f"mlp_ratio must be > 0, got {self.mlp_ratio}")
        need(0.0 <= self.dropout < 1.0, f"dropout must be in [0, 1), got {self.dropout}")
        need(self.rope_base > 1.0, f"rope_base must be > 1, got {self.rope_base}")
        need(
            self.rope_time_unit_s > 0, f"rope_time_unit_s must be > 0, got {self.rope_time_unit_s}"
        )
        need(self.context in CONTEXTS, f"context must be one of {CONTEXTS}, got {self.context!r}")
        need(
            self.context_features in CONTEXT_FEATURES,
            f"context_features must be one of {CONTEXT_FEATURES}, got {self.context_features!r}",
        )
        need(
            0.0 <= self.context_dropout <= 1.0,
            f"context_dropout must be in [0, 1], got {self.context_dropout}",
        )
        if self.stats is not None:
            try:
                NormStats.from_dict(self.stats)
            except (TypeError, KeyError, ValueError, AttributeError) as e:
                raise ValueError(f"ModelConfig: stats is not a NormStats dict ({e})") from e
        need(self.moe_experts >= 0, f"moe_experts must be >= 0, got {self.moe_experts}")
        if self.moe_experts:
            need(
                1 <= self.moe_top_k <= self.moe_experts,
                f"moe_top_k must be in [1, moe_experts={self.moe_experts}], got {self.moe_top_k}",
            )
        need(self.moe_capacity_factor >= 0, "moe_capacity_factor must be >= 0")
        need(self.moe_aux_weight >= 0, "moe_aux_weight must be >= 0")
        need(
            self.road_route in ("shortest", "fastest", "auto"),
            f"road_route must be shortest, fastest or auto, got {self.road_route!r}",
        )
        need(self.n_edge_buckets >= 0, f"n_edge_buckets must be >= 0, got {self.n_edge_buckets}")
        need(self.patch_size >= 1, f"patch_size must be >= 1, got {self.patch_size}")
        need(
            self.infill_anchor in ("linear", "akima", "pchip", "auto"),
            f"infill_anchor must be linear, akima, pchip or auto, got {self.infill_anchor!r}",
        )
        need(self.infill_anchor_gap_s > 0, "infill_anchor_gap_s must be > 0")
        need(
            self.position_frame in POSITION_FRAMES,
            f"position_frame must be one of {POSITION_FRAMES}, got {self.position_frame!r}",
        )
        if self.patch_size > 1:
            need(not self.infill_heads, "patch_size > 1 does not support infill_heads")
        need(
            self.coverage_gate in COVERAGE_GATES,
            f"coverage_gate must be one of {COVERAGE_GATES}, got {self.coverage_gate!r}",
        )
        if self.scale_invariant or self.coverage_gate != "none":
            need(self.residual_base != "none", "scale_invariant / coverage_gate need residual_base")
        need(not (self.coverage_gate != "none" and self.time_query),
             "coverage_gate does not support time_query")  # fmt: skip
        need(not (self.scale_invariant and self.residual_base == "retrieval"),
             "scale_invariant does not support residual_base='retrieval'")  # fmt: skip
        need(
            self.patch_out >= 0 and self.patch_out % self.patch_size == 0,
            f"patch_out must be 0 or a multiple of patch_size ({self.patch_size}), "
            f"got {self.patch_out}",
        )
        need(
            self.moe_router in MOE_ROUTERS,
            f"moe_router must be one of {MOE_ROUTERS}, got {self.moe_router!r}",
        )
        need(self.moe_motion_window >= 2, "moe_motion_window must be >= 2")
        need(0.0 <= self.rope_adaptive_mix <= 1.0, "rope_adaptive_mix must be in [0, 1]")
        need(self.region_cell_m >= 0, "region_cell_m must be >= 0")
        need(self.region_vocab >= 1, "region_vocab must be >= 1")
        need(
            not (self.region_cell_m > 0 and self.context_features == "time+position"),
            "region_cell_m > 0 needs context_features='time' (the cell tokens are not hidden "
            "with the position context)",
        )
        need(self.region_head_cell_m >= 0, "region_head_cell_m must be >= 0")
        need(self.region_head_radius >= 1, "region_head_radius must be >= 1")
        need(
            self.region_head_decode in ("argmax", "mean"),
            f"region_head_decode must be 'argmax' or 'mean', got {self.region_head_decode!r}",
        )
        need(
            self.residual_base in RESIDUAL_BASES,
            f"residual_base must be one of {RESIDUAL_BASES}, got {self.residual_base!r}",
        )
        need(self.residual_max_ratio > 0, "residual_max_ratio must be > 0")
        need(self.retrieval_neighbors >= 1, "retrieval_neighbors must be >= 1")
        need(self.retrieval_history >= 2, "retrieval_history must be >= 2")
        need(
            self.retrieval_mode in ("requery", "anchored"),
            f"retrieval_mode must be 'requery' or 'anchored', got {self.retrieval_mode!r}",
        )
        if self.patch_size > 1:
            need(not self.uses_step_query, "patch_size > 1 does not support residual_base / "
                 "time_query")  # fmt: skip
        need(
            not (self.uses_step_query and (self.points_out > 1 or self.region_head_cell_m > 0)),
            "residual_base / time_query do not support patch_out or region_head_cell_m",
        )

        need(
            self.step_target in STEP_TARGETS,
            f"step_target must be one of {STEP_TARGETS}, got {self.step_target!r}",
        )
        need(
            self.step_loss in STEP_LOSSES,
            f"step_loss must be one of {STEP_LOSSES}, got {self.step_loss!r}",
        )
        need(
            int(self.backtest_steps) >= 0, f"backtest_steps must be >= 0, got {self.backtest_steps}"
        )
        need(self.backtest_gate >= 0, f"backtest_gate must be >= 0, got {self.backtest_gate}")
        need(
            int(self.backtest_min_steps) >= 1,
            f"backtest_min_steps must be >= 1, got {self.backtest_min_steps}",
        )
        need(
            int(self.backtest_fallback_window) >= 1
            and (self.backtest_fallback_window == 1 or self.backtest_gate > 0)
            and (self.backtest_fallback_window == 1 or self.base_window == 1),
            "backtest_fallback_window must be >= 1, and > 1 only with backtest_gate and "
            f"base_window 1 (got {self.backtest_fallback_window})",
        )
        need(
            0 <= self.backtest_prior <= 1,
            f"backtest_prior must be in [0, 1], got {self.backtest_prior}",
        )
        if self.backtest_gate:
            need(self.residual_base == "constant_velocity" and not self.time_query,
                 "backtest_gate needs residual_base 'constant_velocity' and no time_query")  # fmt: skip
        need(int(self.base_window) >= 1, f"base_window must be >= 1, got {self.base_window}")
        need(
            self.base_window == 1 or self.residual_base == "constant_velocity",
            f"base_window > 1 needs residual_base 'constant_velocity', got {self.residual_base!r}",
        )
        need(
            self.step_loss == "gaussian" or self.head == "gaussian",
            f"step_loss {self.step_loss!r} needs head 'gaussian' (its scale), got {self.head!r}",
        )
        if self.step_target == "absolute":
            need(
                self.position_frame == "store" and not self.uses_step_query
                and self.points_out == 1 and not self.infill_heads
                and self.region_head_cell_m == 0,
                "step_target='absolute' needs position_frame='store' and the plain causal step "
                "head (no residual_base, time_query, patches, infill_heads or region head)",
            )  # fmt: skip

    @property
    def points_out(self) -> int:
        """Points each token predicts: patch_out, or patch_size when 0."""
        return self.patch_out or self.patch_size

    @property
    def uses_step_query(self) -> bool:
        """Whether the step head needs more than the hidden state (residual base, asked time):
        only the rollouts of trajlm.model.generate know how to feed it."""
        return self.residual_base != "none" or self.time_query

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def kv_heads(self) -> int:
        """Number of key/value heads actually used (n_kv_heads or n_heads)."""
        return self.n_kv_heads or self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)

    def to_checkpoint_dict(self) -> dict:
        """What config.json holds: the writer, format and model type, then the fields."""
        meta = {"trajlm_version": __version__, "format_version": FORMAT_VERSION,
                "model_type": MODEL_TYPE}  # fmt: skip
        return meta | self.to_dict()

    @classmethod
    def from_dict(cls, d: dict, section: str = "model") -> ModelConfig:
        """Strict: an unknown key (e.g. from a newer trajlm, or a typo) or a value of the wrong
        type is a ConfigError naming `section.key`, with the nearest valid name. The checkpoint
        header (format_version, trajlm_version, model_type) is checked, then dropped."""
        from trajlm._config import build
        from trajlm.errors import ConfigError, NewerFormatError

        d = dict(d)
        fmt = d.pop("format_version", 1)  # absent: written before format 1, which it matches
        writer = d.pop("trajlm_version", None)
        model_type = d.pop("model_type", MODEL_TYPE)
        if not isinstance(fmt, int) or fmt > FORMAT_VERSION:
            raise NewerFormatError(
                f"{section}: format_version {fmt!r} (written by trajlm {writer}) is newer than "
                f"this trajlm {__version__} reads (<= {FORMAT_VERSION}); upgrade trajlm"
            )
        if model_type != MODEL_TYPE:
            raise ConfigError(f"{section}: model_type {model_type!r} is not {MODEL_TYPE!r}")
        return build(cls, d, section)
