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
from trajlm.model.config_checks import (  # noqa: F401  (the valid values, re-exported)
    CONTEXT_FEATURES,
    CONTEXTS,
    COVERAGE_GATES,
    HEADS,
    MOE_ROUTERS,
    POS_TYPES,
    POSITION_FRAMES,
    RESIDUAL_BASES,
    SPAN_TARGETS,
    STEP_LOSSES,
    STEP_TARGETS,
    check_model_config,
)

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
    # Session 40 (fallback40): where a history's last step lasts at least this many seconds,
    # the fallback is that last step, not the window (0 = off, bit for bit as before). Minutes
    # between fixes make GPS noise tiny against the step, so the window only adds lag on
    # curves (the 300-s highway car 1.14x the last step on fresh movers).
    backtest_fallback_last_after_s: float = 0.0
    # Short steady histories (session 22, steady22; model/backtest.py ``steady_cap``): the most
    # of the model's correction a history with n = 1, 2, ... scored steps keeps where its last
    # two steps held their speed (ratio in backtest.STEADY_SPEED) and heading (within
    # backtest.STEADY_TURN_DEG); entry n - 1, none past the end. () = no cap (bit for bit as
    # before). With so few steps the model continues a one-step slowdown (its taxi habit) that
    # a steady mover's GPS noise made up.
    backtest_short_cap: tuple[float, ...] = ()
    # The per-call choice (session 23, steady23; model/choice.py): before answering, the whole
    # rollout (gates, caps, fallbacks) predicts the history's last backtest_choice_steps points
    # from the history cut that short, beside constant velocity; where it lost, the answer
    # moves toward constant velocity by w = min(1, (e_cv / e_rollout) ** backtest_choice_power).
    # 0 = off (bit for bit as before). Costs one more rollout of that many steps per call.
    # Chosen on val (session 22's movers, Porto / GeoLife val cuts): 1 step, power 2.
    backtest_choice_steps: int = 0
    backtest_choice_power: float = 2.0
    # The choice acts on steady histories only (session 24, steady24; choice.steady_histories:
    # mean heading change <= 10 degrees, step-speed std / mean <= 0.5). False: on every row
    # (session 23), which cost Porto and GeoLife.
    backtest_choice_steady_only: bool = False
    # With backtest_choice_steady_only: a step slower than this share of the history's fastest
    # step is stopped and skipped by the steadiness test (session 25, steady25: a stopped
    # step's GPS noise has no heading, so a tram between stops reads as steady). 0 = every
    # step counts (session 24, bit for bit).
    backtest_choice_stop_share: float = 0.0
    # A learned summary token (session 21, trajlm/model/summary.py): appended after each
    # trajectory's last real point, its final state is the trajectory embedding (trip
    # contrast, similarity, embed) instead of the mean over the points. Causal attention:
    # no point's state changes. False = no extra parameter (every existing model unchanged).
    summary_token: bool = False

    def __post_init__(self) -> None:
        check_model_config(self)  # ValueError "ModelConfig: ..." naming the field
        self.backtest_short_cap = tuple(float(x) for x in self.backtest_short_cap)  # JSON: a list

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

        if not isinstance(d, dict):  # e.g. a config.json holding a list (badin17)
            raise ConfigError(f"{section}: expected a table of settings ({{...}}), "
                              f"got a {type(d).__name__}")  # fmt: skip
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
