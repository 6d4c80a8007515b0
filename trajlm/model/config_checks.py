"""The valid values of ModelConfig's choice fields and the checks of a whole config: every
refusal names the field and what it must be, so a typo in a TOML file is one clear line."""

from __future__ import annotations

from typing import Any

from trajlm._config import check_choice
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


def check_model_config(c: Any) -> None:
    """Raise ValueError("ModelConfig: ...") on the first field that is out of range or a
    combination the model does not support (c: a ModelConfig)."""

    def need(ok: bool, msg: str) -> None:
        if not ok:
            raise ValueError(f"ModelConfig: {msg}")

    def one_of(name: str, choices: tuple) -> None:
        check_choice(name, getattr(c, name), choices, prefix="ModelConfig: ")

    for name in ("d_model", "n_layers", "n_heads", "max_len", "n_special_tokens"):
        need(int(getattr(c, name)) >= 1, f"{name} must be >= 1, got {getattr(c, name)}")
    need(
        c.d_model % c.n_heads == 0,
        f"d_model ({c.d_model}) must be divisible by n_heads ({c.n_heads})",
    )
    if c.n_kv_heads is not None:
        need(
            1 <= c.n_kv_heads <= c.n_heads and c.n_heads % c.n_kv_heads == 0,
            f"n_kv_heads ({c.n_kv_heads}) must divide n_heads ({c.n_heads})",
        )
    one_of("pos_type", POS_TYPES)
    one_of("head", HEADS)
    one_of("span_target", SPAN_TARGETS)
    if c.pos_type in ("rope", "rope_time", "rope_adaptive"):
        need(c.head_dim % 2 == 0, f"RoPE needs an even head_dim, got {c.head_dim}")
    need(
        c.pos_fourier_bands >= 0,
        f"pos_fourier_bands must be >= 0, got {c.pos_fourier_bands}",
    )
    need(
        c.pos_fourier_min_m > 0,
        f"pos_fourier_min_m must be > 0, got {c.pos_fourier_min_m}",
    )
    need(c.max_step_norm > 0, f"max_step_norm must be > 0, got {c.max_step_norm}")
    need(c.mlp_ratio > 0, f"mlp_ratio must be > 0, got {c.mlp_ratio}")
    need(0.0 <= c.dropout < 1.0, f"dropout must be in [0, 1), got {c.dropout}")
    need(c.rope_base > 1.0, f"rope_base must be > 1, got {c.rope_base}")
    need(c.rope_time_unit_s > 0, f"rope_time_unit_s must be > 0, got {c.rope_time_unit_s}")
    one_of("context", CONTEXTS)
    one_of("context_features", CONTEXT_FEATURES)
    need(
        0.0 <= c.context_dropout <= 1.0,
        f"context_dropout must be in [0, 1], got {c.context_dropout}",
    )
    if c.stats is not None:
        try:
            NormStats.from_dict(c.stats)
        except (TypeError, KeyError, ValueError, AttributeError) as e:
            raise ValueError(f"ModelConfig: stats is not a NormStats dict ({e})") from e
    need(c.moe_experts >= 0, f"moe_experts must be >= 0, got {c.moe_experts}")
    if c.moe_experts:
        need(
            1 <= c.moe_top_k <= c.moe_experts,
            f"moe_top_k must be in [1, moe_experts={c.moe_experts}], got {c.moe_top_k}",
        )
    need(c.moe_capacity_factor >= 0, "moe_capacity_factor must be >= 0")
    need(c.moe_aux_weight >= 0, "moe_aux_weight must be >= 0")
    one_of("road_route", ("shortest", "fastest", "auto"))
    need(c.n_edge_buckets >= 0, f"n_edge_buckets must be >= 0, got {c.n_edge_buckets}")
    need(c.patch_size >= 1, f"patch_size must be >= 1, got {c.patch_size}")
    one_of("infill_anchor", ("linear", "akima", "pchip", "auto"))
    need(c.infill_anchor_gap_s > 0, "infill_anchor_gap_s must be > 0")
    one_of("position_frame", POSITION_FRAMES)
    if c.patch_size > 1:
        need(not c.infill_heads, "patch_size > 1 does not support infill_heads")
    one_of("coverage_gate", COVERAGE_GATES)
    if c.scale_invariant or c.coverage_gate != "none":
        need(c.residual_base != "none", "scale_invariant / coverage_gate need residual_base")
    need(not (c.coverage_gate != "none" and c.time_query),
         "coverage_gate does not support time_query")  # fmt: skip
    need(not (c.scale_invariant and c.residual_base == "retrieval"),
         "scale_invariant does not support residual_base='retrieval'")  # fmt: skip
    need(
        c.patch_out >= 0 and c.patch_out % c.patch_size == 0,
        f"patch_out must be 0 or a multiple of patch_size ({c.patch_size}), got {c.patch_out}",
    )
    one_of("moe_router", MOE_ROUTERS)
    need(c.moe_motion_window >= 2, "moe_motion_window must be >= 2")
    need(0.0 <= c.rope_adaptive_mix <= 1.0, "rope_adaptive_mix must be in [0, 1]")
    need(c.region_cell_m >= 0, "region_cell_m must be >= 0")
    need(c.region_vocab >= 1, "region_vocab must be >= 1")
    need(
        not (c.region_cell_m > 0 and c.context_features == "time+position"),
        "region_cell_m > 0 needs context_features='time' (the cell tokens are not hidden "
        "with the position context)",
    )
    need(c.region_head_cell_m >= 0, "region_head_cell_m must be >= 0")
    need(c.region_head_radius >= 1, "region_head_radius must be >= 1")
    one_of("region_head_decode", ("argmax", "mean"))
    one_of("residual_base", RESIDUAL_BASES)
    need(c.residual_max_ratio > 0, "residual_max_ratio must be > 0")
    need(c.retrieval_neighbors >= 1, "retrieval_neighbors must be >= 1")
    need(c.retrieval_history >= 2, "retrieval_history must be >= 2")
    one_of("retrieval_mode", ("requery", "anchored"))
    if c.patch_size > 1:
        need(not c.uses_step_query, "patch_size > 1 does not support residual_base / "
             "time_query")  # fmt: skip
    need(
        not (c.uses_step_query and (c.points_out > 1 or c.region_head_cell_m > 0)),
        "residual_base / time_query do not support patch_out or region_head_cell_m",
    )

    one_of("step_target", STEP_TARGETS)
    one_of("step_loss", STEP_LOSSES)
    need(int(c.backtest_steps) >= 0, f"backtest_steps must be >= 0, got {c.backtest_steps}")
    need(c.backtest_gate >= 0, f"backtest_gate must be >= 0, got {c.backtest_gate}")
    need(
        int(c.backtest_min_steps) >= 1,
        f"backtest_min_steps must be >= 1, got {c.backtest_min_steps}",
    )
    need(
        int(c.backtest_fallback_window) >= 1
        and (c.backtest_fallback_window == 1 or c.backtest_gate > 0)
        and (c.backtest_fallback_window == 1 or c.base_window == 1),
        "backtest_fallback_window must be >= 1, and > 1 only with backtest_gate and "
        f"base_window 1 (got {c.backtest_fallback_window})",
    )
    need(
        0 <= float(c.backtest_fallback_last_after_s) < float("inf"),
        "backtest_fallback_last_after_s must be a number of seconds >= 0, got "
        f"{c.backtest_fallback_last_after_s}",
    )
    need(
        0 <= c.backtest_prior <= 1,
        f"backtest_prior must be in [0, 1], got {c.backtest_prior}",
    )
    need(
        isinstance(c.backtest_choice_steps, int)
        and not isinstance(c.backtest_choice_steps, bool)
        and c.backtest_choice_steps >= 0,
        f"backtest_choice_steps must be an integer >= 0, got {c.backtest_choice_steps!r}",
    )
    need(
        isinstance(c.backtest_choice_power, int | float)
        and not isinstance(c.backtest_choice_power, bool)
        and c.backtest_choice_power > 0,
        f"backtest_choice_power must be a number > 0, got {c.backtest_choice_power!r}",
    )
    need(
        isinstance(c.backtest_choice_steady_only, bool),
        f"backtest_choice_steady_only must be true or false, got {c.backtest_choice_steady_only!r}",
    )
    share = c.backtest_choice_stop_share
    need(
        isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share < 1,
        f"backtest_choice_stop_share must be a number in [0, 1), got {share!r}",
    )
    cap = c.backtest_short_cap
    need(
        isinstance(cap, list | tuple)
        and all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1 for x in cap
        ),
        f"backtest_short_cap must be a list of numbers in [0, 1], got {cap!r}",
    )
    if c.backtest_gate:
        need(c.residual_base == "constant_velocity" and not c.time_query,
             "backtest_gate needs residual_base 'constant_velocity' and no time_query")  # fmt: skip
    need(int(c.base_window) >= 1, f"base_window must be >= 1, got {c.base_window}")
    need(
        c.base_window == 1 or c.residual_base == "constant_velocity",
        f"base_window > 1 needs residual_base 'constant_velocity', got {c.residual_base!r}",
    )
    need(
        c.step_loss == "gaussian" or c.head == "gaussian",
        f"step_loss {c.step_loss!r} needs head 'gaussian' (its scale), got {c.head!r}",
    )
    if c.step_target == "absolute":
        need(
            c.position_frame == "store" and not c.uses_step_query
            and c.points_out == 1 and not c.infill_heads
            and c.region_head_cell_m == 0,
            "step_target='absolute' needs position_frame='store' and the plain causal step "
            "head (no residual_base, time_query, patches, infill_heads or region head)",
        )  # fmt: skip
